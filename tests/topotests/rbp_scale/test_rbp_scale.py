#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Scale on the seed-001 topology (issue 12's CI-sized test): thousands of
memberships per family, both families at once, learned by the master r1
from real IGMPv3/MLDv2 reports of the receiver h1, replicated to the hot
backup r2; a restart of r2's pimd and pim6d; half of the groups left.

At every step the sets are compared exactly (groups, not counts): r1's
local entries of a family are the groups h1 holds, r2's installed peer
entries are the same groups, nothing else of the test's blocks, nothing
pending.  (The routers' own groups, pimd's AutoRP 224.0.1.39 and .40, are
outside the blocks: printed, not compared.)  Two query intervals after the
joins the sets are still exact and the channel's counters unchanged.
Across the restart the channel goes down exactly once per family (the
restart: r1's sessionsDown and sessionsUp + 1; the kill may reset the connection, one
`socket` error on r1) and comes back without a hold-timer expiry, a
ResyncRequest or any other error on either side, and r1's local sets,
sampled throughout, never change; after it, no channel reset at all.

N groups per family: RBP_SCALE_N (default 3000; e.g. RBP_SCALE_N=10000
tests/topotests/run.sh rbp_scale by hand).  Like bench/topo/bench_sync.py,
h1 joins through sockets of 200 groups each (scale_joiner.py), with its
per-socket IGMP limit and the switch's mdb size raised.

No timing threshold is asserted (the polls have generous timeouts); the
convergence times are printed ("rbp_scale N=..." lines in the captured
output that run.sh's -rA summary shows).
"""

import ipaddress
import os
import select
import subprocess
import sys
import threading
import time
from functools import partial

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.seed001 import gear, ipv, gm_daemon, service  # noqa: E402
from lib import topotest  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

N = int(os.environ.get("RBP_SCALE_N", "3000"))
FAMILIES = (4, 6)
GM_DAEMONS = ["pimd", "pim6d"]
GROUPS_PER_SOCKET = 200
# generous: a stall, not a slow machine, should fail the polls
TIMEOUT = 90 + N / 25.0
POLL = 0.5


# the test's groups: n of a block no other seed-001 test uses
BLOCK = {4: ipaddress.ip_network("239.20.0.0/16"), 6: ipaddress.ip_network("ff15::20:0:0/96")}


def group_list(family, n):
    "n distinct ASM groups of the family's BLOCK."
    base = int(BLOCK[family].network_address) + 256
    return [str(ipaddress.ip_address(base + 1 + i)) for i in range(n)]


def ours(group):
    "Whether a group is of the test's blocks."
    ip = ipaddress.ip_address(group)
    return ip in BLOCK[ip.version]


GROUPS = {fam: group_list(fam, N) for fam in FAMILIES}
# what the module's tests share: the joiner, the groups h1 holds, the
# channel counters after the restart, whether the joins converged; and the
# figures printed
ST = {"joiner": None, "held": {4: set(), 6: set()}, "marks": None, "converged": False}
TIMES = {}


def setup_module(mod):
    tgen, _ = S.start(mod.__name__, "master-backup")
    # room for the groups: the bridge's mdb (default 4096 entries: beyond,
    # the bridge turns snooping off) and h1's per-socket IGMP limit (20)
    tgen.gears["sw1"].cmd_raises(
        "ip link set dev sw1 type bridge mcast_hash_max {}".format(max(65536, 4 * N)))
    tgen.gears["h1"].cmd_raises(
        "sysctl -qw net.ipv4.igmp_max_memberships={}".format(2 * GROUPS_PER_SOCKET))
    S.wait_snooping_settled(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    if ST["joiner"]:
        ST["joiner"].stop()
    S.stop()


def report(phase, **more):
    "Print the figures of a phase (printed, never asserted)."
    print("\nrbp_scale N={} per family, {}: {}{}".format(
        N, phase, ", ".join("{} {:.1f} s".format(k[len(phase) + 2:], v)
                            for k, v in TIMES.items() if k.startswith(phase + ": ")),
        "".join("; {} {}".format(k, v) for k, v in more.items())))


# ------------------------------------------------------------------ joiner


class Joiner:
    "scale_joiner.py in h1, held for the module."

    def __init__(self):
        self.proc = gear("h1").net.popen(
            ["/usr/bin/python3", os.path.join(CWD, "scale_joiner.py"), "h1-eth0",
             str(GROUPS_PER_SOCKET)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            encoding="utf-8")
        self.seq = 0

    def command(self, verb, groups, timeout=120):
        "join or leave the groups; returns the count of groups h1 holds."
        self.seq += 1
        path = lib_rbp.write_router_file(
            gear("h1"), "scale_{}_{}.txt".format(verb, self.seq), "\n".join(groups) + "\n")
        self.proc.stdin.write("{} {}\n".format(verb, path))
        self.proc.stdin.flush()
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if r else ""
        if not line.startswith("done "):
            raise RuntimeError("joiner: {!r} (stderr: {})".format(
                line, "" if self.proc.poll() is None else self.proc.stderr.read()))
        return int(line.split()[1])

    def stop(self):
        lib_rbp.stop_mcast_join(self.proc, timeout=10)


def canon(group):
    return str(ipaddress.ip_address(group))


# ---------------------------------------------------------------- the sets


def entries(rn, family):
    js = lib_rbp.vtysh_json(gear(rn), "show {} remote-backup entries json".format(ipv(family)))
    return js["entries"]


def sets(family):
    """(r1's local groups, r2's installed peer groups, problems) of the
    test's block: problems lists what else there is of it (local entries
    on r2, peer entries on r1, r2's peer entries in another state, a group
    twice).  Groups outside the block are the routers' own (pimd's AutoRP
    groups 224.0.1.39 and .40, which each twin hears from the other and
    itself): not compared."""
    problems = []
    r1 = [e for e in entries("r1", family) if ours(e["group"])]
    r2 = [e for e in entries("r2", family) if ours(e["group"])]
    local = [canon(e["group"]) for e in r1 if e["origin"] == "local"]
    inst = [canon(e["group"]) for e in r2 if e["origin"] == "peer" and e["state"] == "installed"]
    other = [e for e in r2 if e["origin"] == "peer" and e["state"] != "installed"]
    if other:
        states = {}
        for e in other:
            states[e["state"]] = states.get(e["state"], 0) + 1
        problems.append("r2: peer entries not installed: {} (e.g. {})".format(states, other[0]))
    for rn, ents, origin in (("r1", r1, "peer"), ("r2", r2, "local")):
        n = sum(1 for e in ents if e["origin"] == origin)
        if n:
            problems.append("{}: {} {} entries".format(rn, n, origin))
    for rn, lst in (("r1 local", local), ("r2 installed", inst)):
        if len(lst) != len(set(lst)):
            problems.append("{}: {} entries for {} groups".format(rn, len(lst), len(set(lst))))
    return set(local), set(inst), problems


def foreign(rn, family):
    "rn's entries outside the test's block: {(origin, state, group)}."
    return {(e["origin"], e["state"], canon(e["group"]))
            for e in entries(rn, family) if not ours(e["group"])}


def diff(name, got, want):
    "How got differs from want, for an assertion message ('' if equal)."
    if got == want:
        return ""
    missing = sorted(want - got, key=ipaddress.ip_address)
    extra = sorted(got - want, key=ipaddress.ip_address)
    return "{}: {} of {} groups; missing {}{}; extra {}{}".format(
        name, len(got), len(want), len(missing), " " + str(missing[:10]) if missing else "",
        len(extra), " " + str(extra[:10]) if extra else "")


def counts(family):
    "Cheap gate before the sets: r1's entries sent, r2's entries received."
    return service("r1", family)["entriesSent"], service("r2", family)["entriesReceived"]


def wait_sets(family, want, what):
    """Wait until r1's local set and r2's installed set of the family are
    exactly want; assert with the difference; return the seconds it took."""
    t0 = time.monotonic()
    last = {}

    def converged():
        # cheap first: r2 received all r1 has, r1 has at least the set
        c = counts(family)
        last["counts"] = c
        if c[0] != c[1] or c[0] < len(want):
            return False
        local, inst, problems = sets(family)
        last["msg"] = "\n".join(
            x for x in [diff("r1 local", local, want), diff("r2 installed", inst, want)]
            + problems if x)
        return not last["msg"]

    ok, _ = lib_rbp.wait_until(converged, timeout=TIMEOUT, interval=POLL)
    if not ok:
        # the last word: the sets as they are now
        local, inst, problems = sets(family)
        msg = "\n".join(x for x in [diff("r1 local", local, want),
                                    diff("r2 installed", inst, want)] + problems if x)
        raise AssertionError("{} IPv{}: not converged after {:.0f} s (r1 sent, r2 "
                             "received: {})\n{}\nr1: {}\nr2: {}".format(
                                 what, family, TIMEOUT, last.get("counts"), msg or "(now equal)",
                                 channel_summary("r1", family), channel_summary("r2", family)))
    return time.monotonic() - t0


# --------------------------------------------------------- channel counters


def marks(rn, family):
    "The channel's counters that say whether it went down or failed."
    s = service(rn, family)
    return {"sessionsUp": s["sessionsUp"], "sessionsDown": s["sessionsDown"],
            "errors": dict(s["errors"]),
            "authFailures": dict(s["authFailures"]), "probeTimeouts": s["probeTimeouts"],
            "takeoversRefused": s["takeoversRefused"], "peerLimitDrops": s["peerLimitDrops"],
            # a persistent digest difference: the copies diverged
            "resyncRequestsSent": s["resyncRequestsSent"],
            "tcpState": s["tcpState"], "lastReason": s["lastReason"]}


def channel_summary(rn, family):
    s = service(rn, family)
    keys = ("tcpState", "resyncState", "lastReason", "sessionsUp", "sessionsDown", "entriesSent",
            "entriesReceived", "resyncsSent", "resyncsReceived", "resyncRequestsSent",
            "digestMismatches", "peerLimitDrops", "negotiatedHoldMs")
    out = {k: s.get(k) for k in keys}
    out["errors"] = {k: v for k, v in s["errors"].items() if v}
    return out


def changes(before, after):
    """What changed from before to after in the counters of marks() (but
    the state and the last reason)."""
    out = {}
    for k, v in after.items():
        if k in ("tcpState", "lastReason"):
            continue
        if isinstance(v, dict):
            d = {x: n - before[k].get(x, 0) for x, n in v.items() if n != before[k].get(x, 0)}
            if d:
                out[k] = d
        elif v != before[k]:
            out[k] = v - before[k]
    return out


def all_marks():
    return {(rn, fam): marks(rn, fam) for rn in S.ROUTERS for fam in FAMILIES}


def established_expected():
    js = {"tcpState": "established", "resyncState": "done"}
    return {gm_daemon(fam): {"services": {"svc1": js}} for fam in FAMILIES}


def wait_channels(timeout=None):
    "Both families' channel established and resynced on both twins."
    wait = 1
    count = int((timeout or TIMEOUT) / wait)
    for rn in S.ROUTERS:
        test_func = partial(topotest.router_json_cmp, gear(rn),
                            "show remote-backup-service json", established_expected())
        _, res = topotest.run_and_expect(test_func, None, count=count, wait=wait)
        assert res is None, "{}: channel not up: {}\n{}".format(
            rn, res, [channel_summary(rn, fam) for fam in FAMILIES])


def need_converged():
    lib_rbp.skip_on_failure()
    if not ST["converged"]:
        pytest.skip("the twins never held h1's groups (test_join failed)")


# ------------------------------------------------------------------- tests


def test_channels_up():
    "Both channels up, r1 master, r2 backup; no entry yet."
    wait_channels(timeout=60)
    S.wait_roles("master", "backup", timeout=30)
    for fam in FAMILIES:
        local, inst, problems = sets(fam)
        assert not local and not inst and not problems, (fam, local, inst, problems)
        print("\nIPv{}: entries not of the test (not compared): r1 {} r2 {}".format(
            fam, sorted(foreign("r1", fam)), sorted(foreign("r2", fam))))


def test_join():
    """h1 joins N groups per family (both families before any check); r1
    learns exactly them and r2 installs exactly them."""
    ST["joiner"] = Joiner()
    t0 = time.monotonic()
    for fam in FAMILIES:
        held = ST["joiner"].command("join", GROUPS[fam])
        ST["held"][fam] = set(GROUPS[fam])
    assert held == 2 * N, held
    TIMES["join: h1 joined"] = time.monotonic() - t0
    for fam in FAMILIES:
        wait_sets(fam, ST["held"][fam], "join")
        TIMES["join: converged IPv{}".format(fam)] = time.monotonic() - t0
    report("join")
    ST["converged"] = True
    # the memberships refresh every query interval (5 s): still exact
    # after two of them, with the channel never reset
    before = all_marks()
    time.sleep(11)
    for fam in FAMILIES:
        local, inst, problems = sets(fam)
        msg = [diff("r1 local", local, ST["held"][fam]),
               diff("r2 installed", inst, ST["held"][fam])] + problems
        assert not any(msg), "IPv{} two query intervals later:\n{}".format(
            fam, "\n".join(x for x in msg if x))
    after = all_marks()
    for k, v in after.items():
        assert changes(before[k], v) == {}, (k, changes(before[k], v), v)


def converge_after_restart(t0, t_conf):
    "r2 installs exactly h1's set again, each family (after a restart at t0)."
    for fam in FAMILIES:
        want = ST["held"][fam]

        def converged(fam=fam, want=want):
            c = counts(fam)
            return (service("r2", fam)["tcpState"] == "established"
                    and c[0] == c[1] and c[0] >= len(want))

        ok, _ = lib_rbp.wait_until(converged, timeout=TIMEOUT, interval=POLL)
        assert ok, "IPv{}: r2 did not get the entries back: r1 {}, r2 {}".format(
            fam, channel_summary("r1", fam), channel_summary("r2", fam))
        wait_sets(fam, want, "backup restart")
        now = time.monotonic()
        TIMES["restart: converged IPv{}".format(fam)] = now - t0
        TIMES["restart: converged IPv{} after the configuration".format(fam)] = now - t_conf


def test_backup_restart():
    """r2's pimd and pim6d restart (SIGKILL, configuration again): the
    channel of each family goes down once and comes back, r2 gets exactly
    the set again by resync, r1 loses no membership meanwhile, and no hold
    timer expires nor any other error is counted on either twin."""
    need_converged()
    before = all_marks()
    for fam in FAMILIES:
        assert before[("r1", fam)]["tcpState"] == "established", before
    # r1's local set of each family, sampled from before the kill to the
    # end of the resync (a thread): the samples that differ from what h1
    # holds (none expected)
    samples = {fam: 0 for fam in FAMILIES}
    lost = {fam: [] for fam in FAMILIES}
    done = threading.Event()

    def sample_r1():
        while not done.is_set():
            for fam in FAMILIES:
                try:
                    local = {canon(e["group"]) for e in entries("r1", fam)
                             if e["origin"] == "local" and ours(e["group"])}
                except (ValueError, KeyError) as e:
                    lost[fam].append("r1: {}".format(e))
                    continue
                samples[fam] += 1
                if local != ST["held"][fam]:
                    lost[fam].append(diff("r1 local", local, ST["held"][fam]))
            done.wait(POLL)

    sampler = threading.Thread(target=sample_r1, daemon=True)
    t0 = time.monotonic()
    sampler.start()
    try:
        lib_rbp.restart_daemons(gear("r2"), GM_DAEMONS, reapply=True)
        assert lib_rbp.missing_daemons(gear("r2"), GM_DAEMONS) == []
        t_conf = time.monotonic()
        TIMES["restart: r2's pimd and pim6d restarted and configured"] = t_conf - t0
        converge_after_restart(t0, t_conf)
        wait_channels()
        S.wait_roles("master", "backup")
    finally:
        done.set()
        sampler.join()
    after = all_marks()
    ST["marks"] = after
    closes = {}
    for fam in FAMILIES:
        assert samples[fam] and not lost[fam], \
            "IPv{}: r1's local set changed during the resync ({} of {} samples), " \
            "first: {}".format(fam, len(lost[fam]), samples[fam], lost[fam][:1])
        # r1: one session down and up again (the restart), nothing else.
        # The kill closes r2's end with a FIN, or with a RST when bytes of
        # r1 were still unread there (a keepalive, an ack): then r1's read
        # fails with ECONNRESET, which counts one socket error; that is the
        # restart's own close, not an error of the channel.
        d1 = changes(before[("r1", fam)], after[("r1", fam)])
        reset = d1.get("errors", {}).pop("socket", 0)
        if not d1.get("errors", True):
            del d1["errors"]
        assert d1 == {"sessionsUp": 1, "sessionsDown": 1} and reset <= 1, "r1 {}: {} ({})".format(
            gm_daemon(fam), changes(before[("r1", fam)], after[("r1", fam)]),
            after[("r1", fam)])
        closes[gm_daemon(fam)] = "reset (socket error)" if reset else "closed"
        # r2: a fresh daemon: one session, no error of any kind
        a2 = after[("r2", fam)]
        z2 = {k: v for k, v in a2["errors"].items() if v}
        assert a2["sessionsUp"] == 1 and a2["sessionsDown"] == 0 and not z2 \
            and not any(a2["authFailures"].values()) \
            and a2["probeTimeouts"] == 0 and a2["peerLimitDrops"] == 0 \
            and a2["resyncRequestsSent"] == 0, \
            "r2 {}: {}".format(gm_daemon(fam), a2)
        assert service("r2", fam)["resyncsReceived"] >= 1, channel_summary("r2", fam)
    report("restart", samples_of_r1=samples, r1_saw_the_connection=closes)
    for rn in S.ROUTERS:
        for fam in FAMILIES:
            print("{} {}: {}".format(rn, gm_daemon(fam), channel_summary(rn, fam)))


def test_leave_half():
    "h1 leaves the first half of the groups; both twins hold exactly the rest."
    need_converged()
    before = ST["marks"] or all_marks()
    t0 = time.monotonic()
    for fam in FAMILIES:
        gone = GROUPS[fam][:N // 2]
        ST["joiner"].command("leave", gone)
        ST["held"][fam] = set(GROUPS[fam][N // 2:])
    for fam in FAMILIES:
        wait_sets(fam, ST["held"][fam], "leave")
        TIMES["leave: converged IPv{}".format(fam)] = time.monotonic() - t0
    report("leave")
    # no channel reset, no error since the restart; the roles unchanged
    S.wait_roles("master", "backup", timeout=5)
    after = all_marks()
    for k, v in after.items():
        assert changes(before[k], v) == {}, (k, changes(before[k], v), v)


def test_no_crash():
    "Every daemon still runs (r2's restarted pimd and pim6d included)."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
