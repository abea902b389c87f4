#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Configuration lifetimes: no removal of the remote backup configuration, in
any order and through any path, may leave anything pointing at freed
memory or a channel (session, listener, connection) without its service.

Topology and configuration of seed-001 (lib_rbp/seed001.py; the configs
are r1/frr.conf, r2/frr.conf, up/frr.conf here): r1 master, r2 backup, the
RBS channel on the r1-r2 link (pimd: TCP 2100, pim6d: 2101), h1 joined to
an IGMP and an MLD group for the whole module.  The switch gives the
reports to r1 only, so r2 holds r1's entries installed (hot): the install
records that point at r2's profiles.

Each scenario starts from the channel up on both daemons and both entries
installed on r2, removes the service, the profiles and the bindings (or
only the service) on one router in one order through one path, and checks
after each step:

  - `show remote-backup-service json`, `show remote-backup-profile json`,
    `show ip remote-backup entries json` and `show ipv6 remote-backup
    entries json` answer JSON, and pimd and pim6d of both routers run
    (asserted at once);
  - every entry names a profile that exists, and once the service (or its
    peer) is gone, no socket owned by a process is on the channel ports
    (ss -Htanp in the router): collected, so that the scenario goes on;

then restarts the twin's pimd and pim6d (what the router kept of the
channel sees it drop and come back) and checks again, re-adds the whole
configuration (`vtysh -f`), waits for the channel and the replicated
entries, and fails on what was collected, and on log lines of pimd or
pim6d that are not text (a name read from freed memory).  After each scenario the
router's pimd and pim6d are stopped with SIGTERM (they must exit without
an assertion or a signal in their logs, checked at teardown) and started
again with `vtysh -b`, so that every scenario starts from fresh daemons.

Paths: interactive vtysh (one session per step), one file with
`vtysh -f`, the removal lines as /etc/frr/frr.conf with `vtysh -b`, and
pimd killed and restarted with a configuration lacking the service
(`vtysh -b`).  No assertion is about time: waits have generous budgets.

Run it under AddressSanitizer too: `run.sh --asan rbp_config_lifetimes`.
"""

import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.asan import frr_crash_lines  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

GM_DAEMONS = ("pimd", "pim6d")
CHANNEL_PORTS = {"pimd": S.RBS_PORT, "pim6d": S.RBS_PORT + 1}
GROUPS = {4: S.ASM4, 6: S.ASM6}
# generous: a restarted daemon waits out the twin's reconnect backoff
UP_TIMEOUT = 90
JOINERS = []


def conf_path(rn):
    return os.path.join(HERE, rn, "frr.conf")


def conf_text(rn):
    with open(conf_path(rn), encoding="utf-8") as f:
        return f.read()


def without_rbp(conf):
    """The configuration without the service, the profiles and the
    interface bindings (what a router would boot with had it never had
    them)."""
    out = []
    skip = False
    for line in conf.splitlines():
        if re.match(r"remote-backup-(service|profile) ", line):
            skip = True
        if skip:
            skip = line != "exit"
            continue
        if re.match(r"\s+remote-backup-profile ", line):
            continue
        out.append(line)
    return "\n".join(out) + "\n"


# --- removal orders ------------------------------------------------------
# Steps of configuration lines (as in a file; vtysh takes them stripped).


def _unbind(rn):
    return ["interface " + S.LAN_IF[rn], " no remote-backup-profile p4",
            " no remote-backup-profile p6", "exit"]


_NO_BACKUP_ID = ["remote-backup-profile p4", " no backup-id", "exit",
                 "remote-backup-profile p6", " no backup-id", "exit"]
_NO_PROFILES = ["no remote-backup-profile p4", "no remote-backup-profile p6"]
_NO_SERVICE = ["no remote-backup-service svc1"]
_NO_PEER = ["remote-backup-service svc1", " no peer", "exit"]

ORDERS = {
    # bindings, then the profiles, then the service
    "unbind-profile-service": lambda rn: [_unbind(rn), _NO_PROFILES, _NO_SERVICE],
    # the service as soon as no profile names it, bindings and profiles after
    "backupid-service-unbind-profile": lambda rn: [
        _NO_BACKUP_ID, _NO_SERVICE, _unbind(rn), _NO_PROFILES],
    # the channel stopped by `no peer` first, the service before the profiles
    "peer-unbind-backupid-service-profile": lambda rn: [
        _NO_PEER, _unbind(rn), _NO_BACKUP_ID, _NO_SERVICE, _NO_PROFILES],
    # only the service goes: profiles and bindings stay (no profile is
    # freed, so what happens to the service's channel shows on its own)
    "backupid-service": lambda rn: [_NO_BACKUP_ID, _NO_SERVICE],
}


def channel_gone_after(lines):
    "Whether these lines leave the router without a channel for the service."
    return any(l.strip() in ("no remote-backup-service svc1", "no peer") for l in lines)


# --- topology --------------------------------------------------------------


def setup_module(mod):
    tgen = Topogen(S.build_topo, mod.__name__)
    tgen.start_topology()
    S.prepare_nodes(tgen, "master-backup")
    lib_rbp.load_router_integrated(tgen.gears["up"], conf_path("up"), daemons=S.UP_DAEMONS)
    for rn in S.ROUTERS:
        lib_rbp.load_router_integrated(tgen.gears[rn], conf_path(rn),
                                       daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)
    # the receiver, joined for the whole module (one joiner per group:
    # start_mcast_join() reads the second "joined" line of one joiner late)
    for fam in (4, 6):
        JOINERS.append(lib_rbp.start_mcast_join(tgen.gears["h1"], "h1-eth0", [GROUPS[fam]]))


def teardown_module(mod):  # pylint: disable=unused-argument
    while JOINERS:
        lib_rbp.stop_mcast_join(JOINERS.pop())
    get_topogen().stop_topology()


def gear(name):
    return get_topogen().gears[name]


# --- state -------------------------------------------------------------------


def services(r):
    "{daemon: {service name: json}} of show remote-backup-service json."
    js = lib_rbp.vtysh_json(r, "show remote-backup-service json")
    return {d: js[d]["services"] for d in GM_DAEMONS}


def entries(r, family):
    js = lib_rbp.vtysh_json(r, "show {} remote-backup entries json".format(S.ipv(family)))
    return js["entries"]


def profiles(r):
    js = lib_rbp.vtysh_json(r, "show remote-backup-profile json")
    return {d: set(js[d]["profiles"]) for d in GM_DAEMONS}


def installed(rn, family):
    "rn's twin's entries of the family's group, installed hot."
    return [e for e in entries(gear(rn), family)
            if e["group"] == GROUPS[family] and e["origin"] == "peer"
            and e["state"] == "installed"]


def channel_sockets(r, ports):
    """Lines of `ss -Htanp` in r for TCP sockets on (local or remote) one of
    `ports` that a process holds.  Sockets no process holds any more
    (TIME-WAIT, FIN-WAIT of a closed socket) are the kernel's, not left
    over by a daemon."""
    out = r.net.cmd_raises(["ss", "-Htanp"])
    found = []
    for line in out.splitlines():
        f = line.split()
        if len(f) < 5 or "users:" not in line:
            continue
        lport, pport = f[3].rsplit(":", 1)[1], f[4].rsplit(":", 1)[1]
        if any(p in (str(x) for x in ports) for p in (lport, pport)):
            found.append(line.strip())
    return found


def debug_state(rns=S.ROUTERS):
    out = []
    for rn in rns:
        for cmd in ("show remote-backup-service", "show ip remote-backup entries",
                    "show ipv6 remote-backup entries"):
            out.append("--- {} {}\n{}".format(rn, cmd, lib_rbp.vtysh(gear(rn), cmd)))
        out.append("--- {} ss -tanp\n{}".format(rn, gear(rn).net.cmd_nostatus("ss -tanp")))
    return "\n".join(out)


def baseline():
    """The channel up in pimd and pim6d of both routers, and both groups
    installed on r2."""
    for rn in S.ROUTERS:
        for svcs in services(gear(rn)).values():
            if svcs.get("svc1", {}).get("tcpState") != "established":
                return False
    return all(installed("r2", fam) for fam in (4, 6))


def wait_baseline(what):
    ok, last = lib_rbp.wait_until(baseline, timeout=UP_TIMEOUT, interval=1)
    assert ok, "{}: channel not up or entries not replicated ({!r}):\n{}".format(
        what, last, debug_state())


def _answers(r, what):
    """The shows of r: (services, profiles, {family: entries}); a clear
    failure if a daemon gave no JSON (it died)."""
    try:
        return services(r), profiles(r), {fam: entries(r, fam) for fam in (4, 6)}
    except (ValueError, KeyError) as e:
        # the shows come right after the change: a daemon may still be dying
        _, miss = lib_rbp.wait_until(lambda: lib_rbp.missing_daemons(r, GM_DAEMONS),
                                     timeout=5)
        raise AssertionError("{}: the shows of {} failed ({!r}); not running: {}".format(
            what, r.name, e, miss)) from e


def check_sane(rn, what, channel_gone, ports=None):
    """After a removal step on rn: the shows answer JSON and the daemons run
    (asserted: nothing more to check without them); every entry names an
    existing profile and, without a channel, no socket is left on its ports
    (returned as problems: the scenario goes on, to see what the leftovers
    do).  The shows come first: a daemon handles the change's follow-up
    before it answers them."""
    r = gear(rn)
    svcs, prfs, ents = _answers(r, what)
    for name in S.ROUTERS:
        miss = lib_rbp.missing_daemons(gear(name), GM_DAEMONS)
        assert miss == [], "{}: {} not running on {}".format(what, miss, name)
    problems = []
    for fam, d in ((4, "pimd"), (6, "pim6d")):
        for e in ents[fam]:
            if e["profile"] not in prfs[d]:
                problems.append("{}: {} entry of a profile that does not exist: {}".format(
                    what, d, e))
    if not channel_gone:
        return problems
    if ports is None:
        ports = CHANNEL_PORTS.values()
        for d in GM_DAEMONS:
            state = svcs[d].get("svc1", {}).get("tcpState", "idle")
            if not state.startswith("idle"):
                problems.append("{}: {} still runs a channel: {}".format(what, d, state))
    ok, _ = lib_rbp.wait_until(lambda: not channel_sockets(r, ports), timeout=10, interval=1)
    if not ok:
        problems.append("{}: sockets left on the channel ports {} of {}:\n  {}".format(
            what, list(ports), rn, "\n  ".join(channel_sockets(r, ports))))
        # what the leftovers did meanwhile
        miss = lib_rbp.missing_daemons(r, GM_DAEMONS)
        assert miss == [], "{} (sockets left: {}): then {} died on {}".format(
            what, channel_sockets(r, ports), miss, rn)
    return problems


def restart_twin(rn, what):
    """The twin's pimd and pim6d restart (SIGKILL, vtysh -b): whatever rn
    still holds of the channel sees it drop and come back."""
    twin = gear(S.PEER[rn])
    lib_rbp.restart_daemons(twin, GM_DAEMONS, reapply=True)
    assert lib_rbp.missing_daemons(twin, GM_DAEMONS) == [], what


def readd(rn, what):
    "The whole configuration again (vtysh -f); channel and entries come back."
    lib_rbp.apply_config(gear(rn), conf_path(rn))
    run = lib_rbp.vtysh(gear(rn), "show running-config")
    assert "remote-backup-service svc1" in run, what
    wait_baseline(what + ", re-added")


# --- graceful restarts -------------------------------------------------------


def _log_size(r, d):
    try:
        return os.path.getsize(os.path.join(r.logdir, r.name, d + ".log"))
    except OSError:
        return 0


def _log_since(r, d, offset):
    try:
        with open(os.path.join(r.logdir, r.name, d + ".log"), "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def stop_gracefully(r, daemons):
    """SIGTERM the daemons and wait for them to exit.  Returns the problems:
    a daemon that did not exit, or logged a crash or an assertion."""
    pids = {d: p for d, p in r.net.listDaemons() if d in daemons}
    offsets = {d: _log_size(r, d) for d in daemons}
    for pid in pids.values():
        r.net.cmd_status(["kill", "-TERM", str(pid)], warn=False)

    def alive():
        return [d for d, p in pids.items()
                if r.net.cmd_status(["test", "-d", "/proc/{}".format(p)], warn=False)[0] == 0]

    ok, _ = lib_rbp.wait_until(lambda: not alive(), timeout=30, interval=0.5)
    problems = []
    if not ok:
        for d in alive():
            problems.append("{}/{} did not exit on SIGTERM".format(r.name, d))
            r.net.cmd_status(["kill", "-KILL", str(pids[d])], warn=False)
    for d in daemons:
        for line in frr_crash_lines(_log_since(r, d, offsets[d])):
            problems.append("{}/{}.log: {}".format(r.name, d, line.strip()))
    return problems


def restart_clean(rn):
    """pimd and pim6d of rn: SIGTERM, then start with /etc/frr/frr.conf
    (vtysh -b).  Returns the shutdown problems."""
    r = gear(rn)
    problems = stop_gracefully(r, GM_DAEMONS)
    r.startDaemons(list(GM_DAEMONS))
    problems += lib_rbp.asan_problems(r, GM_DAEMONS)
    lib_rbp.apply_config(r, None, boot=True)
    return problems


def install_boot_config(r, config):
    "Make config (text or path) /etc/frr/frr.conf of r."
    src = config if os.path.isfile(config) else lib_rbp.write_router_file(
        r, "frr.conf.boot", config)
    r.net.cmd_raises(["cp", src, "/etc/frr/frr.conf"])
    r.net.cmd_raises(["chown", "frr:frr", "/etc/frr/frr.conf"])


class Scenario:
    "What a scenario used: routers whose daemons to restart, log offsets."

    def __init__(self):
        self.used = []
        self.offsets = {(rn, d): _log_size(gear(rn), d)
                        for rn in S.ROUTERS for d in GM_DAEMONS}

    def use(self, rn):
        self.used.append(rn)

    def log_garbage(self):
        """Lines the daemons logged since the start that are not text (a
        name read from freed memory prints as bytes like these)."""
        out = []
        for (rn, d), off in self.offsets.items():
            with open(os.path.join(gear(rn).logdir, rn, d + ".log"), "rb") as f:
                f.seek(off)
                for line in f:
                    if re.search(rb"[^\t\n\x20-\x7e]", line):
                        out.append("{}/{}.log: {!r}".format(rn, d, line.rstrip()))
        return out


@pytest.fixture
def twins():
    """Before: the channel up and the entries installed.  After: the
    routers' /etc/frr/frr.conf restored, and the scenario's router's pimd
    and pim6d stopped cleanly and started again (so the next scenario
    starts from fresh daemons whatever this one left)."""
    wait_baseline("before the scenario")
    sc = Scenario()
    yield sc
    for rn in S.ROUTERS:
        install_boot_config(gear(rn), conf_path(rn))
    problems = []
    for rn in sc.used:
        problems += restart_clean(rn)
    problems += frr_new_cores()
    assert not problems, "shutdown after the scenario:\n" + "\n".join(problems)


def frr_new_cores():
    """Core files and backtraces the daemons left since FRR's library last
    looked, now counted as seen: its check after every test would blame the
    next scenario for what this one's shutdown left."""
    conftest = sys.modules.get("frr_topotests_conftest")
    out = []
    for check in ("check_for_core_dumps", "check_for_backtraces"):
        try:
            getattr(conftest, check)()
        except pytest.fail.Exception as e:
            out.append(str(e))
        except AttributeError:
            pass
    return out


# --- scenarios ---------------------------------------------------------------

SCENARIOS = [
    # path, order, router
    ("vtysh", "unbind-profile-service", "r2"),
    ("vtysh", "backupid-service-unbind-profile", "r2"),
    ("vtysh", "peer-unbind-backupid-service-profile", "r2"),
    ("file", "unbind-profile-service", "r2"),
    ("file", "backupid-service-unbind-profile", "r2"),
    ("file", "peer-unbind-backupid-service-profile", "r2"),
    ("file", "backupid-service-unbind-profile", "r1"),
    ("file", "backupid-service", "r2"),
    ("boot", "unbind-profile-service", "r2"),
    ("boot", "backupid-service-unbind-profile", "r2"),
]


@pytest.mark.parametrize(
    "path,order,rn", SCENARIOS, ids=["-".join(s) for s in SCENARIOS])
def test_removal(twins, path, order, rn):
    """Remove everything in `order` on rn: step by step through vtysh, or
    in one go from a file (vtysh -f) or from /etc/frr/frr.conf (vtysh -b);
    then re-add it."""
    twins.use(rn)
    r = gear(rn)
    steps = ORDERS[order](rn)
    problems = []
    if path == "vtysh":
        gone = False
        for i, step in enumerate(steps, 1):
            rc, out = lib_rbp.vtysh_lines(r, "conf t", *[l.strip() for l in step])
            assert rc == 0, "step {} {}: {}".format(i, step, out)
            gone = gone or channel_gone_after(step)
            problems += check_sane(rn, "step {} {}".format(i, [l.strip() for l in step]), gone)
    else:
        text = "\n".join(l for step in steps for l in step) + "\n"
        lib_rbp.apply_config(r, text, boot=(path == "boot"))
        problems += check_sane(rn, "{} {} applied".format(
            "vtysh -b" if path == "boot" else "vtysh -f", order), True)
    run = lib_rbp.vtysh(r, "show running-config")
    left = r"^ *remote-backup-(service|profile) " if order != "backupid-service" \
        else r"^remote-backup-service "
    assert not re.search(left, run, re.M), "configuration left after the removal:\n" + run
    restart_twin(rn, "{} {}: twin restarted".format(path, order))
    problems += check_sane(rn, "{} {}, twin restarted".format(path, order), True)
    readd(rn, "{} {} on {}".format(path, order, rn))
    problems += twins.log_garbage()
    assert not problems, "\n".join(problems)


def test_pimd_restarted_without_service(twins):
    """pimd of r2 killed and restarted with a configuration lacking the
    service (and its profiles and bindings), applied by vtysh -b; pim6d
    keeps its channel.  Then the configuration is re-added."""
    twins.use("r2")
    r = gear("r2")
    install_boot_config(r, without_rbp(conf_text("r2")))
    lib_rbp.restart_daemons(r, ["pimd"], reapply=True)
    what = "pimd restarted without the service"
    problems = check_sane("r2", what, True, ports=[CHANNEL_PORTS["pimd"]])
    svcs = services(r)
    assert "svc1" not in svcs["pimd"], "{}: {}".format(what, svcs["pimd"])
    assert svcs["pim6d"]["svc1"]["tcpState"] == "established", svcs["pim6d"]
    install_boot_config(r, conf_path("r2"))
    readd("r2", what)
    problems += twins.log_garbage()
    assert not problems, "\n".join(problems)


def test_no_crash():
    "Every daemon of the twins still runs."
    for rn in S.ROUTERS:
        assert lib_rbp.missing_daemons(gear(rn), lib_rbp.DAEMONS) == [], rn


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
