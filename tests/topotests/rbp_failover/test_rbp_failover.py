#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Failover with traffic on the seed-001 topology (lib_rbp/seed001.py), in
master/backup mode with vrrpd-track publishing VRRP states to pimd/pim6d.

A sequence-numbered stream flows from src to the receiver h1 through the
master r1.  The backup r2 holds the replicated entries with its upstream
joins built and its LAN interface muted.  When the master dies (all its
daemons killed with SIGKILL) or loses its LAN link, the backup becomes
VRRP master and unmutes: the stream resumes without any new join from
the receiver.  When r1 comes back it gets its entries from r2 (restored)
and forwards again after it regains mastership.

Split brain: with the VRRP advertisements between the twins blocked both
become master; over the RBS channel they notice: the one of lower VRRP
priority hands over at once, and with equal priorities the one with the
higher channel address yields after a grace time, so the receiver gets
no duplicates.

No timing threshold is asserted; the gaps are printed (the benchmark
bench/switchover.py measures them).
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
from lib_rbp.seed001 import gear, ipv, forwarding, profile_state  # noqa: E402
from lib_rbp.seed001 import kill_all, wait_installed, wait_roles  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

GROUP = {4: S.ASM4, 6: S.ASM6}


def setup_module(mod):
    S.start(mod.__name__, "master-backup", streams=True)


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def is_querier(rn, family):
    "rn is the IGMP/MLD querier on its LAN interface."
    cmd = "show ip igmp interface json" if family == 4 else "show ipv6 mld interface json"
    js = lib_rbp.vtysh_json(gear(rn), cmd)

    def find(node):
        if isinstance(node, dict):
            if node.get("name") == S.LAN_IF[rn] and "querier" in node:
                return node["querier"]
            if S.LAN_IF[rn] in node and isinstance(node[S.LAN_IF[rn]], dict):
                sub = node[S.LAN_IF[rn]]
                if "querier" in sub:
                    return sub["querier"]
            for v in node.values():
                r = find(v)
                if r is not None:
                    return r
        return None

    q = find(js)
    # pimd says "querier": "local"/"other" (or a boolean), pim6d a boolean
    return q is True or q == "local"


def restore_r1():
    lib_rbp.restart_daemons(gear("r1"), lib_rbp.DAEMONS, reapply=True)
    assert lib_rbp.missing_daemons(gear("r1"), lib_rbp.DAEMONS) == []


def test_vrrpd_track_is_the_role_source():
    "pimd and pim6d take the role from vrrpd-track's messages."
    for rn in S.ROUTERS:
        for fam in (4, 6):
            ok, last = lib_rbp.wait_until(
                lambda rn=rn, fam=fam: profile_state(rn, fam)["roleSource"] == "vrrpd-track",
                timeout=30)
            assert ok, (rn, fam, last)
    wait_roles("master", "backup", 4)
    wait_roles("master", "backup", 6)


@pytest.mark.parametrize("family", [4, 6])
@pytest.mark.parametrize("failure", ["kill", "link-cut"])
def test_failover(family, failure):
    """The stream resumes through r2 after r1 fails, without a new join;
    r1 back (restarted or relinked) regains mastership and forwards."""
    tgen = get_topogen()
    group = GROUP[family]
    wait_roles("master", "backup", family)
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", group)
    try:
        wait_installed(family, group)
        ok, _ = lib_rbp.wait_until(lambda: lib_rbp.stream_receiving(recv), timeout=30)
        assert ok, "no stream at the receiver before the failover"
        assert forwarding("r1") and not forwarding("r2"), "r2 forwards as backup"

        # the failure; the snooping switch moves to the new querier's port
        if failure == "kill":
            kill_all("r1")
        else:
            gear("r1").cmd_raises("ip link set {} down".format(S.LAN_IF["r1"]))
        S.set_report_port(tgen, "r2")

        ok, _ = lib_rbp.wait_until(lambda: lib_rbp.stream_receiving(recv), timeout=30)
        assert ok, "the stream did not resume through r2:\n{}".format(
            lib_rbp.vtysh(gear("r2"), "show {} remote-backup interfaces".format(ipv(family))))
        assert forwarding("r2")
        assert profile_state("r2", family)["state"] == "master"
        # the new master took the querier role at once (pim6d alone would
        # wait for its other-querier timer, ~10 s after r1's last query),
        # so the receivers report to it before the twin's entries run out
        ok, last = lib_rbp.wait_until(lambda: is_querier("r2", family), timeout=5)
        assert ok, last
        if failure == "link-cut":
            # r1's vrrpd stays Master with its link down; the module does
            # not count it as master, or r2 would yield as in a split brain
            st = profile_state("r1", family)
            assert st["state"] == "backup", st
            assert st["roleSource"] == "VRRP interface down", st
            time.sleep(2)  # past the split-brain grace time (1.5 s)
            assert not profile_state("r2", family)["splitBrainYield"]
            assert forwarding("r2"), "r2 stopped forwarding"

        # r1 comes back and takes over again (VRRP preempt)
        if failure == "kill":
            restore_r1()
        else:
            gear("r1").cmd_raises("ip link set {} up".format(S.LAN_IF["r1"]))
        wait_roles("master", "backup", family, timeout=60)
        S.set_report_port(tgen, "r1")
        ok, _ = lib_rbp.wait_until(lambda: forwarding("r1")
                                   and lib_rbp.stream_receiving(recv),
                                   timeout=30)
        assert ok, "r1 does not forward after regaining mastership"
        ok, _ = lib_rbp.wait_until(lambda: not forwarding("r2"), timeout=30)
        assert ok, "r2 still forwards after r1 took over again"
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
        # leave r1 whole for the next test even when this one failed
        gear("r1").cmd("ip link set {} up".format(S.LAN_IF["r1"]))
        if lib_rbp.missing_daemons(gear("r1"), lib_rbp.DAEMONS):
            restore_r1()
        S.set_report_port(tgen, "r1")
        print("{} IPv{}: received {} lost {} duplicates {} max gap {} ms".format(
            failure, family, summary["received"], summary.get("lost"),
            summary.get("duplicates"), summary["max_gap_ms"]))
    assert summary["received"] > 0


VRRP_BLOCK = """table bridge rbp_vrrp_cut {
 chain forward {
  type filter hook forward priority 0; policy accept;
  iifname { "sw1-eth0", "sw1-eth1" } oifname { "sw1-eth0", "sw1-eth1" } ip protocol vrrp drop
  iifname { "sw1-eth0", "sw1-eth1" } oifname { "sw1-eth0", "sw1-eth1" } meta l4proto vrrp drop
 }
}
"""


def set_priority(rn, prio):
    lib_rbp.vtysh_lines(gear(rn), "configure terminal",
                        "interface {}".format(S.LAN_IF[rn]),
                        "vrrp {} priority {}".format(S.VRID, prio))


@pytest.mark.parametrize("priorities", ["differ", "tie"])
def test_split_brain(priorities):
    """VRRP between the twins cut: both master.  Over the RBS channel they
    notice: with different priorities the lower one (r2) hands over at
    once (doc/protocol.md 6.6); with equal ones, after the grace time, the
    one with the higher channel address (r2) yields.  From then on the
    receiver gets each packet once."""
    sw = gear("sw1")
    group = GROUP[4]
    wait_roles("master", "backup", 4)
    if priorities == "tie":
        set_priority("r2", S.PRIO["r1"])
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", group)
    window = None
    try:
        wait_installed(4, group)
        sw.cmd_raises("nft -f - <<'EOF'\n{}EOF".format(VRRP_BLOCK))
        ok, last = lib_rbp.wait_until(
            lambda: profile_state("r2", 4)["state"] == "master", timeout=30)
        assert ok, "r2 did not become VRRP master: {}".format(last)
        if priorities == "tie":
            ok, last = lib_rbp.wait_until(
                lambda: profile_state("r2", 4)["splitBrainYield"], timeout=30)
            assert ok, "r2 did not yield: {}".format(profile_state("r2", 4))
            assert profile_state("r1", 4)["splitBrainYield"] is False
        else:
            ok, last = lib_rbp.wait_until(
                lambda: profile_state("r2", 4)["forwardingReason"]
                == "released to the twin (higher priority)", timeout=30)
            assert ok, "r2 did not hand over: {}".format(profile_state("r2", 4))
            assert profile_state("r2", 4)["splitBrainYield"] is False
        assert profile_state("r1", 4)["state"] == "master"
        assert not forwarding("r2") and forwarding("r1")
        # a second receiver, joined after the decision, still split
        probe = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", group,
                                              port=5000)
        time.sleep(3)
        window = lib_rbp.stop_stream_receiver(probe)
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
        sw.cmd("nft delete table bridge rbp_vrrp_cut 2>/dev/null; true")
        set_priority("r2", S.PRIO["r2"])
    print("split brain, priorities {}: duplicates over the whole run {}, "
          "after the decision {}".format(priorities, summary.get("duplicates"),
                                          window["duplicates"]))
    assert window["received"] > 1000, window
    assert window["duplicates"] == 0, window
    wait_roles("master", "backup", 4)
    ok, _ = lib_rbp.wait_until(
        lambda: not profile_state("r2", 4)["splitBrainYield"], timeout=30)
    assert ok


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
