#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The twin's entries pass the rules pimd applies to its own reports before
they reach pimd, and a profile holds at most max-entries of them: what is
refused is counted by reason (show remote-backup-profile json: refused)
and nothing of it is installed.  On the seed-001 topology
(lib_rbp/seed001.py, master/backup): the master r1 learns the receiver's
joins; the backup r2's configuration differs from r1's in the one rule a
case checks.

- max-entries one below what r2 holds: the channel's peer table gives up
  one of the twin's entries at once (no reset) and holds at most
  max-entries; a new group r1 replicates is not stored either (counted:
  peerTableDropped, refused/maxEntries); r2 asks r1 for no resync while
  full; removing the limit brings every entry back (one resync);
- an `ip multicast boundary oil` on r2's LAN that denies a group: its
  entry stays pending for that reason (multicastBoundary); removing the
  boundary installs it;
- r2's SSM range covering an ASM group r1 replicates: the (*,G) entry is
  refused (ssmAnySource, RFC 4604) and uninstalled; back to the default
  range, it is installed again.
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
from lib_rbp.seed001 import gear  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

G1, G2 = "239.1.1.1", "239.1.1.2"
LAN = S.LAN_IF["r2"]


def setup_module(mod):
    S.start(mod.__name__, "master-backup")


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def r2_conf(*lines):
    rc, out = lib_rbp.vtysh_lines(gear("r2"), "conf t", *lines)
    assert rc == 0, out


def refused(reason):
    return S.profile_state("r2", 4)["refused"][reason]


def state(group):
    e = S.find_entry("r2", 4, group, "peer")
    return e["state"] if e else None


def wait(func, desc, timeout=30):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    assert ok, "{}: {}\n{}".format(desc, last, S.debug_state())


@pytest.fixture(scope="module")
def joins():
    recv = [lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", g) for g in (G1, G2)]
    S.wait_installed(4, G1)
    S.wait_installed(4, G2)
    yield
    for r in recv:
        lib_rbp.stop_stream_receiver(r)


def peer_groups(rn="r2"):
    "Groups of the twin's entries rn holds installed or pending (install records)."
    return sorted(e["group"] for e in S.entries(rn, 4, "peer"))


def resyncs_sent(rn="r1"):
    return S.service(rn, 4)["resyncsSent"]


def test_max_entries(joins):  # pylint: disable=unused-argument,redefined-outer-name
    """max-entries one below what the twin has: the peer table holds one
    fewer at once, a new group beyond it is not stored, no resync storm;
    no limit: everything held and installed again."""
    before = refused("maxEntries")
    prf = S.profile_state("r2", 4)
    held = prf["peerTableEntries"]
    installed = prf["twinEntries"]
    assert held >= 2 and installed >= 2 and not prf["peerTableFull"], prf
    assert prf["peerTableEntries"] <= prf["maxEntries"], prf
    limit = held - 1
    g3 = "239.1.1.3"
    recv3 = None
    requests = None
    # a lower limit applies without a channel reset: the channel's peer
    # table gives up its last keys, their install records go with them
    r2_conf("remote-backup-profile p4", "max-entries {}".format(limit))
    try:
        wait(lambda: S.profile_state("r2", 4)["peerTableEntries"] == limit
             and refused("maxEntries") > before, "max-entries not enforced")
        prf = S.profile_state("r2", 4)
        assert prf["maxEntries"] == limit, prf
        assert prf["peerTableFull"] and prf["peerTableDropped"] >= 1, prf
        assert prf["twinEntries"] <= limit, prf
        assert len(peer_groups()) <= limit, peer_groups()
        assert S.service("r2", 4)["tcpState"] == "established"
        yangcheck.validate_vtysh_json("profile", lib_rbp.vtysh_json(
            gear("r2"), "show remote-backup-profile json"))
        assert " max-entries {}\n".format(limit) in lib_rbp.running_config(gear("r2"))

        # a new group on the master: r1 publishes it, r2's channel does
        # not store it (the limit bites in mldsync, before pimd-rbp)
        dropped = prf["peerTableDropped"]
        recv3 = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", g3)
        wait(lambda: S.find_entry("r1", 4, g3, "local") is not None,
             "r1 does not publish " + g3)
        wait(lambda: S.profile_state("r2", 4)["peerTableDropped"] > dropped,
             "the new group not dropped at the limit")
        prf = S.profile_state("r2", 4)
        assert prf["peerTableEntries"] == limit, prf
        assert state(g3) is None, S.entries("r2", 4, "peer")

        # full: r1's digests differ but r2 asks for nothing (2.5 digest
        # intervals; a resync would only bring the same entries again)
        sent = resyncs_sent()
        svc2 = S.service("r2", 4)
        time.sleep(25)
        assert resyncs_sent() == sent, S.service("r1", 4)
        for key in ("digestMismatches", "resyncRequestsSent"):
            assert S.service("r2", 4)[key] == svc2[key], (key, S.service("r2", 4))
        assert S.service("r2", 4)["peerLimitDrops"] >= prf["peerTableDropped"]
        requests = svc2["resyncRequestsSent"]
        yangcheck.validate_vtysh_json("service", lib_rbp.vtysh_json(
            gear("r2"), "show remote-backup-service json"))
        prf = S.profile_state("r2", 4)
        assert prf["peerTableEntries"] == limit and prf["peerTableFull"], prf
    finally:
        r2_conf("remote-backup-profile p4", "no max-entries")
    # room: one resync (or r1's next refresh) brings back what was dropped
    try:
        wait(lambda: state(G1) == "installed" and state(G2) == "installed"
             and state(g3) == "installed"
             and S.profile_state("r2", 4)["peerTableEntries"] == held + 1,
             "not every entry held and installed without the limit", timeout=60)
        wait(lambda: not S.profile_state("r2", 4)["peerTableFull"],
             "peer table still full without the limit")
        assert S.profile_state("r2", 4)["twinEntries"] == installed + 1
        # room asked once (or r1's refreshes filled it): no storm either way
        assert S.service("r2", 4)["resyncRequestsSent"] <= requests + 1, S.service("r2", 4)
        assert "max-entries" not in lib_rbp.running_config(gear("r2"))
    finally:
        if recv3:
            lib_rbp.stop_stream_receiver(recv3)
    wait(lambda: state(g3) is None, g3 + " still held after the receiver left", timeout=60)


def test_multicast_boundary(joins):  # pylint: disable=unused-argument,redefined-outer-name
    "A boundary that denies G2 on r2's LAN: G2 pending, counted; removed: installed."
    before = refused("multicastBoundary")
    r2_conf("ip prefix-list RBPDENY seq 5 deny 239.1.1.2/32",
            "ip prefix-list RBPDENY seq 10 permit 0.0.0.0/0 le 32",
            "interface " + LAN, "ip multicast boundary oil RBPDENY")
    try:
        wait(lambda: state(G2) == "pending", "G2 installed through the boundary")
        e = S.find_entry("r2", 4, G2, "peer")
        assert e["reason"] == "multicast boundary of the interface", e
        assert state(G1) == "installed"
        assert refused("multicastBoundary") > before
    finally:
        r2_conf("interface " + LAN, "no ip multicast boundary oil RBPDENY")
    wait(lambda: state(G2) == "installed", "G2 not installed after the boundary went")


def test_ssm_range(joins):  # pylint: disable=unused-argument,redefined-outer-name
    "r2's SSM range covers G1: its (*,G) is refused and uninstalled; restored after."
    before = refused("ssmAnySource")
    r2_conf("ip prefix-list RBPSSM seq 5 permit 239.1.1.1/32",
            "router pim", "ssm prefix-list RBPSSM")
    try:
        wait(lambda: state(G1) is None and refused("ssmAnySource") > before,
             "(*,G1) in r2's SSM range still held")
        assert state(G2) == "installed"
    finally:
        r2_conf("router pim", "no ssm prefix-list RBPSSM")
    wait(lambda: state(G1) == "installed", "G1 not installed with the default SSM range")


def test_no_crash():
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
