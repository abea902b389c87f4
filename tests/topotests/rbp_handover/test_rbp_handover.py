#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Handovers over the channel (doc/protocol.md 6.6) on the seed-001 topology
(lib_rbp/seed001.py, master/backup, VRRP 100 ms, r1 priority 200, r2 100).

- The master's pimd (or pim6d) killed alone, its vrrpd alive and Master:
  the twin hears the channel close without a goodbye and takes that
  family over at once; the stream comes back without the daemon's
  restart, and stays past a whole membership interval (the twin keeps
  the dead daemon's entries and becomes querier).  The daemon restarted
  later waits for its twin's word, syncs, and the twin hands back: no
  duplicate packet.
- The backup's pimd (or pim6d) killed alone: nothing changes for the
  receiver; its restart is clean.
- A live priority drop on the master (below the twin's) and its return:
  each hands the forwarding over before VRRP moves, the old forwarder
  first: no duplicate packet, either way.
- The master's daemon stopped (SIGTERM): it says goodbye, the twin takes
  over at once.
- The master cut off silently (a power loss as the twin sees it): the
  twin's VRRP elects it and it forwards at once, and no split-brain
  guard makes it yield to the silent twin's last word.

vrrpd killed alone is rbp_vrrp_source's.  No timing threshold is
asserted; gaps are printed (bench/switchover.sh measures them).
"""

import os
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp import yangcheck  # noqa: E402
from lib_rbp.seed001 import gear, gm_daemon, forwarding, profile_state  # noqa: E402
from lib_rbp.seed001 import wait_installed, wait_roles  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

GROUP = {4: S.ASM4, 6: S.ASM6}


def setup_module(mod):
    S.start(mod.__name__, "master-backup", streams=True)


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def wait(func, desc, timeout=30):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    assert ok, "{}: {}".format(desc, last)


def reason(rn, family):
    return profile_state(rn, family)["forwardingReason"]


def forwards(rn, family):
    return profile_state(rn, family)["forwarding"]


def steady(family):
    "r1 forwards the family, r2 holds the stream's entry installed and muted."
    wait_roles("master", "backup", family, timeout=60)
    wait_installed(family, GROUP[family])
    wait(lambda: forwards("r1", family) and not forwards("r2", family)
         and profile_state("r2", family)["synced"], "r1 not the forwarder")


def receive(family):
    "A receiver of the family's stream, once the stream arrives."
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP[family])
    ok, _ = lib_rbp.wait_until(lambda: lib_rbp.stream_receiving(recv), timeout=30)
    if not ok:
        lib_rbp.stop_stream_receiver(recv)
    assert ok, "no stream at the receiver"
    return recv


def kill9(rn, daemon):
    gear(rn).cmd_raises("kill -9 $(cat /var/run/frr/{}.pid)".format(daemon))
    wait(lambda: daemon not in lib_rbp.running_daemons(gear(rn)), daemon + " still runs")


def restart(rn, daemon):
    gear(rn).startDaemons([daemon])
    # it comes up empty: the integrated config again, as at boot
    lib_rbp.apply_config(gear(rn), None, boot=True)
    assert lib_rbp.missing_daemons(gear(rn), lib_rbp.DAEMONS) == []


def summary_line(what, s):
    return "{}: received {} lost {} duplicates {} max gap {} ms".format(
        what, s["received"], s.get("lost"), s.get("duplicates"), s["max_gap_ms"])


@pytest.mark.parametrize("family", [4, 6])
def test_master_daemon_dies_alone(family):
    """r1's pimd/pim6d killed, its vrrpd Master: r2 forwards at once and
    for longer than a membership interval; r1's daemon back: handed back
    without a duplicate."""
    tgen = get_topogen()
    daemon = gm_daemon(family)
    recv = receive(family)
    back = None
    try:
        steady(family)
        kill9("r1", daemon)
        # the switch learns the new querier's port (for this family)
        S.set_report_port(tgen, "r2", family)
        wait(lambda: forwards("r2", family), "r2 did not take over")
        assert reason("r2", family) == "takeover, the twin's daemon is gone"
        # VRRP did not move: the twin's vrrpd and its VRRP Master live on
        assert profile_state("r2", family)["state"] == "backup"
        assert list(lib_rbp.vrrp_states(gear("r1"), family).values()) == ["Master"]
        assert lib_rbp.stream_receiving(recv)
        # past the group membership interval (2 x 5 s + 1 s): the copies
        # stay, r2 queries and hears the receiver itself
        time.sleep(13)
        assert lib_rbp.stream_receiving(recv), "the stream stopped after the takeover"
        assert forwarding("r2")
        kill_window = lib_rbp.stop_stream_receiver(recv)
        recv = None
        print(summary_line("{} killed on the master".format(daemon), kill_window))

        # the daemon back: it waits for r2, syncs, r2 hands back
        back = receive(family)
        restart("r1", daemon)
        S.set_report_port(tgen, "r1", family)
        wait(lambda: forwards("r1", family) and not forwards("r2", family),
             "r1 does not forward again", timeout=60)
        st = profile_state("r2", family)
        assert st["forwardingReason"] == "released to the twin (higher priority)", st
        yangcheck.validate_json("profile", lib_rbp.vtysh_json(
            gear("r2"), "show remote-backup-profile json")[daemon], daemon=daemon)
        assert lib_rbp.stream_receiving(back)
        time.sleep(1)
        restart_window = lib_rbp.stop_stream_receiver(back)
        back = None
    finally:
        for r in (recv, back):
            if r:
                lib_rbp.stop_stream_receiver(r)
        if daemon not in lib_rbp.running_daemons(gear("r1")):
            restart("r1", daemon)
        S.set_report_port(tgen, "r1")
    print(summary_line("{} restarted on the master".format(daemon), restart_window))
    # (the kill itself may cost a duplicate: r2 unmutes on the channel's
    # close within a packet interval of r1's kernel dropping its routes)
    assert restart_window["duplicates"] == 0, restart_window
    assert restart_window["received"] > 1000, restart_window


@pytest.mark.parametrize("family", [4, 6])
def test_backup_daemon_dies_alone(family):
    "r2's pimd/pim6d killed and restarted: r1 forwards throughout."
    daemon = gm_daemon(family)
    recv = receive(family)
    try:
        steady(family)
        kill9("r2", daemon)
        assert forwards("r1", family)
        assert lib_rbp.stream_receiving(recv)
        restart("r2", daemon)
        steady(family)
        assert lib_rbp.stream_receiving(recv)
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
        if daemon not in lib_rbp.running_daemons(gear("r2")):
            restart("r2", daemon)
    print(summary_line("{} killed and restarted on the backup".format(daemon), summary))
    assert summary["duplicates"] == 0, summary
    # r1 forwarded throughout: at most the odd packet a loaded machine
    # drops at the receiver's socket
    assert summary["lost"] <= summary["received"] // 1000, summary


def set_priority(rn, prio):
    lib_rbp.vtysh_lines(gear(rn), "configure terminal",
                        "interface {}".format(S.LAN_IF[rn]),
                        "vrrp {} priority {}".format(S.VRID, prio))


@pytest.mark.parametrize("family", [4, 6])
def test_priority_drop_hands_over_cleanly(family):
    """r1's priority below r2's: r1 releases before VRRP moves, r2
    forwards; back above: r2 hands back.  No duplicate either way."""
    tgen = get_topogen()
    recv = receive(family)
    try:
        steady(family)
        set_priority("r1", 50)
        S.set_report_port(tgen, "r2")
        wait(lambda: forwards("r2", family) and not forwards("r1", family),
             "r2 did not take over")
        wait(lambda: profile_state("r1", family)["priority"] == 50, "priority not published")
        wait_roles("backup", "master", family)
        assert lib_rbp.stream_receiving(recv)
        set_priority("r1", S.PRIO["r1"])
        S.set_report_port(tgen, "r1")
        wait_roles("master", "backup", family)
        wait(lambda: forwards("r1", family) and not forwards("r2", family),
             "r1 did not take over again")
        assert lib_rbp.stream_receiving(recv)
        for rn in S.ROUTERS:
            assert profile_state(rn, family)["channelReleases"] >= 1
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
        set_priority("r1", S.PRIO["r1"])
        S.set_report_port(tgen, "r1")
    print(summary_line("priority drop and return", summary))
    assert summary["duplicates"] == 0, summary
    assert summary["received"] > 2000, summary


def test_master_daemon_stops():
    """r1's pimd stopped (SIGTERM): it says goodbye, r2 takes over at once;
    started again, it takes back."""
    tgen = get_topogen()
    recv = receive(4)
    try:
        steady(4)
        gear("r1").cmd_raises("kill $(cat /var/run/frr/pimd.pid)")
        wait(lambda: "pimd" not in lib_rbp.running_daemons(gear("r1")), "pimd still runs")
        S.set_report_port(tgen, "r2", 4)
        wait(lambda: forwards("r2", 4), "r2 did not take over")
        assert reason("r2", 4) == "takeover, the twin's daemon is gone"
        assert lib_rbp.stream_receiving(recv)
        restart("r1", "pimd")
        S.set_report_port(tgen, "r1", 4)
        wait(lambda: forwards("r1", 4) and not forwards("r2", 4),
             "r1 does not forward again", timeout=60)
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
        if "pimd" not in lib_rbp.running_daemons(gear("r1")):
            restart("r1", "pimd")
        S.set_report_port(tgen, "r1")
    print(summary_line("pimd stopped on the master", summary))
    assert summary["duplicates"] == 0, summary
    with open(os.path.join(tgen.logdir, "r2", "pimd.log"), encoding="utf-8",
              errors="replace") as f:
        assert "is stopping: taking over" in f.read()


SILENT = """table netdev rbp_silent {
 chain lan_in { type filter hook ingress device "r1-eth1" priority 0; policy drop; }
 chain lan_out { type filter hook egress device "r1-eth1" priority 0; policy drop; }
 chain rbs_in { type filter hook ingress device "r1-eth2" priority 0; policy drop; }
 chain rbs_out { type filter hook egress device "r1-eth2" priority 0; policy drop; }
}
"""


def test_master_silent():
    """r1 cut off the LAN and the channel's link without knowing (a power
    loss as r2 sees it): r2's VRRP elects it and it forwards at once,
    r1's last word ("I forward") notwithstanding, and keeps forwarding:
    no split-brain yield while r1 does not answer."""
    tgen = get_topogen()
    recv = receive(4)
    r2_log = os.path.join(tgen.logdir, "r2", "pimd.log")
    try:
        steady(4)
        log_from = os.path.getsize(r2_log)
        gear("r1").cmd_raises("nft -f - <<'EOF'\n{}EOF".format(SILENT))
        S.set_report_port(tgen, "r2")
        wait(lambda: forwards("r2", 4), "r2 did not take over")
        assert reason("r2", 4) == "VRRP master"
        # past the split-brain grace (1.5 s) and the channel's hold (3 s)
        time.sleep(4)
        assert forwards("r2", 4) and not profile_state("r2", 4)["splitBrainYield"]
        assert lib_rbp.stream_receiving(recv)
        with open(r2_log, encoding="utf-8", errors="replace") as f:
            f.seek(log_from)
            assert "split brain, both twins" not in f.read()
    finally:
        gear("r1").cmd("nft delete table netdev rbp_silent 2>/dev/null; true")
        S.set_report_port(tgen, "r1")
        summary = lib_rbp.stop_stream_receiver(recv)
    print(summary_line("r1 silent", summary))
    wait_roles("master", "backup", 4, timeout=60)
    wait(lambda: forwards("r1", 4) and not forwards("r2", 4), "r1 does not forward again",
         timeout=60)


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()
