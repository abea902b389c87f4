#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
frr-reload.py (what `systemctl reload frr` runs) on the modules' nodes,
seed-001 topology: FRR patch 0017 reads the nodes' context keywords from
reload-contexts.d/frr-rbp.json, which frr-rbp installs next to the script.

Each step writes a new /etc/frr/frr.conf on both twins and runs
`frr-reload.py --reload`; checked: it succeeds, the `--test` diff before
it holds only the lines that changed (no whole node removed and added
again), no daemon restarted (same pids), the result is in the running
configuration, and the channel is established again.

- a profile added (and removed again);
- the service's port changed (the channel moves to the new ports);
- the service's peer changed on both twins (to their IPv6 addresses);
- vrrpd-track's tracking changed (preempt delay) and an E-Trunk node
  added and changed;
- without the keywords file, frr-reload.py mis-parses the nodes (the
  reason for the patch): its diff differs.
"""

import os
import re
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.seed001 import gear  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

PREFIX = os.environ.get("FRR_RBP_PREFIX", "/opt/frr-rbp")
RELOAD = os.path.join(PREFIX, "lib", "frr", "frr-reload.py")
BINDIR = os.path.join(PREFIX, "bin")
CONF = {}


def setup_module(mod):
    if not os.path.isfile(os.path.join(PREFIX, "lib", "frr", "reload-contexts.d",
                                       "frr-rbp.json")):
        pytest.skip("frr-rbp.json not installed next to frr-reload.py")
    S.start(mod.__name__, "master-backup")
    # what `write memory` would have saved: the daemons' own normal form
    # (vrrpd writes "vrrp 1" for "vrrp 1 version 3", and frr-reload.py
    # would take the difference for a change of the VRRP router)
    for rn in S.ROUTERS:
        CONF[rn] = lib_rbp.running_config(gear(rn))


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def pids(rn):
    return dict(gear(rn).net.listDaemons())


def reload_cmd(mode, path, script=RELOAD):
    # --test-reset: keep the harness's per-daemon `log file` lines (as
    # FRR's own topotests do); the new configuration does not have them
    return ("/usr/bin/python3 {} --{} --stdout --test-reset --bindir {} --confdir /etc/frr "
            "--rundir /var/run/frr {}".format(script, mode, BINDIR, path))


def reload(rn, text, script=RELOAD):
    """Write text as rn's /etc/frr/frr.conf, run frr-reload.py --test then
    --reload; return the --test diff (the lines it would send)."""
    r = gear(rn)
    path = "/etc/frr/frr.conf"
    r.cmd_raises("cat > {} <<'EOF'\n{}EOF".format(path, text))
    rc, out, err = r.net.cmd_status(reload_cmd("test", path, script), warn=False)
    assert rc == 0, "frr-reload --test failed:\n{}".format((out + err)[-3000:])
    diff = out
    rc, out, err = r.net.cmd_status(reload_cmd("reload", path, script), warn=False)
    assert rc == 0, "frr-reload --reload failed:\n{}".format((out + err)[-3000:])
    return diff


def changed_lines(diff):
    "The lines of frr-reload's --test output under 'Lines To Add/Delete'."
    return [ln.strip() for ln in diff.splitlines()
            if ln.strip() and not ln.startswith("Lines To") and not ln.startswith("=")
            and not re.match(r"^\d{4}-\d\d-\d\d ", ln)]


def both(edit):
    "Apply edit(rn, text) -> text to both twins' configuration and reload."
    before = {rn: pids(rn) for rn in S.ROUTERS}
    diffs = {}
    for rn in S.ROUTERS:
        CONF[rn] = edit(rn, CONF[rn])
        diffs[rn] = reload(rn, CONF[rn])
    for rn in S.ROUTERS:
        assert pids(rn) == before[rn], "{}: a daemon restarted".format(rn)
        # never the VRRP router or a whole node of ours taken down
        lines = changed_lines(diffs[rn])
        assert "no vrrp 1" not in lines, diffs[rn]
        assert "no remote-backup-service svc1" not in lines, diffs[rn]
    return diffs


def wait_channel(port=None, timeout=60):
    for fam in (4, 6):
        for rn in S.ROUTERS:
            ok, last = lib_rbp.wait_until(
                lambda rn=rn, fam=fam: (lambda s: s if s.get("tcpState") == "established" and
                                        (port is None or s.get("port") == port)
                                        else None)(S.service(rn, fam)), timeout=timeout)
            assert ok, "{} IPv{}: {}".format(rn, fam, S.service(rn, fam))


def test_channel_up():
    wait_channel()


def test_add_profile():
    def add(rn, text):
        return text.replace("\ninterface {}-eth0\n".format(rn), (
            "\nremote-backup-profile p4x\n backup-id 30 remote-backup-service svc1\n"
            " service-type igmp\n peer-backup hot\nexit\n"
            "interface {}-eth0\n").format(rn), 1)
    diffs = both(add)
    for rn, d in diffs.items():
        lines = changed_lines(d)
        assert "remote-backup-profile p4x" in " ".join(lines), d
        assert not any("p4 " in ln or ln.endswith(" p4") for ln in lines), d
    for rn in S.ROUTERS:
        js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-profile json")
        assert js["pimd"]["profiles"]["p4x"]["backupId"] == 30
    wait_channel()


def test_change_port():
    diffs = both(lambda rn, text: text.replace(" port 2100", " port 2200"))
    for rn, d in diffs.items():
        lines = changed_lines(d)
        assert any("port 2200" in ln for ln in lines), d
        assert not any(ln.startswith("no remote-backup-service") for ln in lines), d
    wait_channel(port=2200)


def test_change_peer():
    def peer6(rn, text):
        return re.sub(r" peer 10\.0\.20\.(\d) source 10\.0\.20\.(\d) port",
                      r" peer 2001:db8:20::\1 source 2001:db8:20::\2 port", text)
    diffs = both(peer6)
    for rn, d in diffs.items():
        assert any("peer 2001:db8:20::" in ln for ln in changed_lines(d)), d
    wait_channel(port=2200)
    assert S.service("r1", 4)["peer"] == "2001:db8:20::2"


def test_remove_profile():
    def drop(rn, text):
        return re.sub(r"remote-backup-profile p4x\n(?: .*\n)*exit\n", "", text)
    diffs = both(drop)
    for rn, d in diffs.items():
        assert "no remote-backup-profile p4x" in changed_lines(d), d
    for rn in S.ROUTERS:
        js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-profile json")
        assert "p4x" not in js["pimd"]["profiles"]
    wait_channel(port=2200)


def test_change_vrrp_tracking_and_etrunk():
    def track(rn, text):
        # at the end of the LAN interface's block, after its vrrp lines
        text, n = re.subn(r"(\ninterface {}\n(?: .*\n)*)exit\n".format(S.LAN_IF[rn]),
                          r"\1 vrrp 1 preempt delay 30\nexit\n", text, count=1)
        assert n == 1, text
        return text + "e-trunk 2\n priority 50\nexit\n"
    both(track)
    for rn in S.ROUTERS:
        assert S.vrrp_track(rn, 4)["preemptDelay"] == 30
        assert "e-trunk 2" in lib_rbp.vtysh(gear(rn), "show running-config")
    diffs = both(lambda rn, text: text.replace(" vrrp 1 preempt delay 30", " vrrp 1 preempt delay 20")
                 .replace(" priority 50", " priority 60"))
    for rn, d in diffs.items():
        lines = changed_lines(d)
        assert any("preempt delay 20" in ln for ln in lines), d
        assert any("priority 60" in ln for ln in lines), d
        assert "no e-trunk 2" not in lines, d
    for rn in S.ROUTERS:
        assert S.vrrp_track(rn, 4)["preemptDelay"] == 20
        assert lib_rbp.vtysh_json(gear(rn), "show e-trunk 2 json")["2"]["priority"] == 60
    wait_channel(port=2200)


def test_vrrp_version_3_in_the_file():
    """A file that says "vrrp 1 version 3" (FRR's documentation does; vrrpd
    writes "vrrp 1"): the VRRP router is left alone (FRR patch 0019)."""
    r = gear("r1")
    assert "\n vrrp 1\n" in CONF["r1"], CONF["r1"]
    # the daemons write "debug remote-backup" back as the file says it
    assert "\ndebug remote-backup\n" in CONF["r1"], CONF["r1"]
    text = CONF["r1"].replace("\n vrrp 1\n", "\n vrrp 1 version 3\n")
    r.cmd_raises("cat > /tmp/frr-rbp-reload-v3.conf <<'EOF'\n{}EOF".format(text))
    rc, out, err = r.net.cmd_status(reload_cmd("test", "/tmp/frr-rbp-reload-v3.conf"),
                                    warn=False)
    assert rc == 0, out + err
    assert not [ln for ln in changed_lines(out) if "vrrp" in ln], out


def test_without_keywords_file_misparses():
    """The same frr-reload.py copied where no reload-contexts.d is: the
    modules' sub-commands are mis-parsed (single-line contexts)."""
    r = gear("r1")
    r.cmd_raises("cp {} /tmp/frr-reload-bare.py".format(RELOAD))
    text = CONF["r1"].replace(" port 2200", " port 2300")
    r.cmd_raises("cat > /tmp/frr-rbp-reload.conf <<'EOF'\n{}EOF".format(text))
    rc, bare, _ = r.net.cmd_status(reload_cmd("test", "/tmp/frr-rbp-reload.conf",
                                              "/tmp/frr-reload-bare.py"), warn=False)
    rc2, good, _ = r.net.cmd_status(reload_cmd("test", "/tmp/frr-rbp-reload.conf"), warn=False)
    assert rc2 == 0
    assert changed_lines(bare) != changed_lines(good), (bare, good)


def test_no_crash():
    lib_rbp.assert_no_crash(get_topogen())
