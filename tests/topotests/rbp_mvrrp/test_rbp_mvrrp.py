#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Forwarding that follows an mVRRP group on another link (seed 003, VRRP
active-active with `ip multicast track admin-vrrp`), and what happens when
that link goes down.

                  src
                   |
                   up   PIM RP 10.0.10.1
                 /    \\
               r1 ---- r2     r1-eth2/r2-eth2: the mVRRP group (VRID 10,
                 \\    /                        r1 priority 200)
                  sw1         LAN 10.0.1.0/24, the RBS channel too
                   |
                   h1         receiver of 239.1.1.1

Both routers hear the receiver's reports (active-active) and build their
joins (`ip pim ignore dr-state`); only the mVRRP master forwards onto the
LAN.  The profile p4 takes its role from the same mVRRP group, so the
split-brain guard of the RBS channel applies to the LAN.

When the r1-r2 link goes down, FRR's vrrpd keeps r1 Master and makes r2
Master too (it no longer hears r1): a group on another link decides by
its VRRP state, so r1 keeps forwarding (no receiver loses a packet), r2
hands the group's forwarding over to r1 over the RBS channel (r1's
priority is higher: doc/protocol.md 6.6; with equal priorities the
split-brain guard would make the higher channel address yield), and from
then on each packet arrives once.  When the
link comes back r2 becomes Backup while still muted: no duplicates, no
loss.  With `ignore-if-down` the group's interface being down makes each
router master at once (the vendor's mVRRP behaviour); the channel settles
it the same way.

No timing threshold is asserted; the duplicates until the hand-over are
printed.
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
from lib.topogen import Topogen  # noqa: E402
from lib_rbp import gear  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.vrrpd, pytest.mark.rbp]

GROUP = "239.1.1.1"
ROUTERS = ("r1", "r2")
SENDERS = []


def setup_module(mod):
    # the seed-001 topology; the r1-r2 link carries the mVRRP group here
    tgen = Topogen(S.build_topo, mod.__name__)
    tgen.start_topology()
    # active-active: the switch floods reports to both routers
    gear("sw1").cmd_raises("ip link set dev sw1 type bridge mcast_snooping 0")
    for rn in ROUTERS:
        gear(rn).cmd_raises("sysctl -qw net.ipv4.conf.all.rp_filter=0")
        lib_rbp.add_vrrp_macvlan(gear(rn), rn + "-eth2", 10, 4, ["10.0.30.254/24"])
    lib_rbp.load_router_integrated(gear("up"), os.path.join(CWD, "up/frr.conf"),
                                   daemons=S.UP_DAEMONS)
    for rn in ROUTERS:
        lib_rbp.load_router_integrated(gear(rn), os.path.join(CWD, rn, "frr.conf"),
                                       daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)
    SENDERS.append(lib_rbp.start_stream_sender(gear("src"), "src-eth0", GROUP, rate=1000))


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop(SENDERS)


def lan(rn):
    "rn's `show ip remote-backup interfaces json` entry of its LAN."
    js = lib_rbp.vtysh_json(gear(rn), "show ip remote-backup interfaces json")
    return [i for i in js["interfaces"] if i["interface"] == rn + "-eth1"][0]


def profile(rn):
    js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-profile json")
    return js["pimd"]["profiles"]["p4"]


def mvrrp_state(rn):
    return lib_rbp.vrrp_states(gear(rn), 4).get((rn + "-eth2", 10))


def settled():
    "r1 forwards, r2 is backup and muted, the channel is up."
    return (mvrrp_state("r1") == "Master" and mvrrp_state("r2") == "Backup"
            and not lan("r1")["muted"] and lan("r2")["muted"]
            and not profile("r2")["splitBrainYield"]
            and profile("r2")["peerState"] == "master")


def wait(func, desc, timeout=30):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    assert ok, "{}: {}\nr1 {}\nr2 {}".format(desc, last, lan("r1"), lan("r2"))


def set_ignore_if_down(on):
    for rn in ROUTERS:
        rc, out = lib_rbp.vtysh_lines(
            gear(rn), "conf t", "interface {}-eth1".format(rn),
            "ip multicast track admin-vrrp interface {}-eth2 vrid 10{}".format(
                rn, " ignore-if-down" if on else ""))
        assert rc == 0, out


def test_steady_state():
    "Both routers build the joins; only the mVRRP master forwards."
    wait(settled, "not settled", timeout=60)
    for rn in ROUTERS:
        yangcheck.validate_json("interfaces", lib_rbp.vtysh_json(
            gear(rn), "show ip remote-backup interfaces json"))
        ifc = lan(rn)
        assert ifc["forwardingFollows"] == "track", ifc
        assert ifc["roleSource"] == "vrrpd-track", ifc
        assert ifc["forwarderOverride"] is True, ifc
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP)
    try:
        assert lib_rbp.stream_receiving(recv), "the receiver gets nothing"
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
    assert summary["duplicates"] == 0, summary


@pytest.mark.parametrize("ignore_if_down", [False, True], ids=["vrrp-state", "ignore-if-down"])
def test_mvrrp_link_down_and_back(ignore_if_down):
    """The mVRRP link goes down: no packet lost, duplicates only until r2
    hands over; it comes back: no packet lost, no duplicate."""
    set_ignore_if_down(ignore_if_down)
    wait(settled, "not settled", timeout=60)
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP)
    window = restore = None
    try:
        assert lib_rbp.stream_receiving(recv), "the receiver gets nothing"
        gear("r1").cmd_raises("ip link set r1-eth2 down")

        # both are master now; over the channel r2 (priority 150 against
        # r1's 200) hands the group's forwarding to r1 (doc/protocol.md
        # 6.6), without the split-brain guard's grace time
        wait(lambda: mvrrp_state("r2") == "Master" and lan("r2")["role"] == "master"
             and profile("r2")["forwardingReason"]
             == "released to the twin (higher priority)" and lan("r2")["muted"],
             "r2 does not hand over")
        assert not profile("r2")["splitBrainYield"]
        ifc = lan("r1")
        assert ifc["role"] == "master" and not ifc["muted"], ifc
        assert lan("r2")["role"] == "master", lan("r2")
        if ignore_if_down:
            assert ifc["roleSource"] == "VRRP interface down, ignored", ifc
        else:
            assert ifc["roleSource"] == "vrrpd-track", ifc
        assert mvrrp_state("r1") == "Master"

        # from now on each packet once, none lost
        probe = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP)
        time.sleep(3)
        window = lib_rbp.stop_stream_receiver(probe)

        # the link comes back: r2 becomes backup while muted
        probe = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP)
        time.sleep(1)
        gear("r1").cmd_raises("ip link set r1-eth2 up")
        wait(settled, "not settled after the link came back")
        time.sleep(1)
        restore = lib_rbp.stop_stream_receiver(probe)
    finally:
        gear("r1").cmd("ip link set r1-eth2 up")
        summary = lib_rbp.stop_stream_receiver(recv)
        set_ignore_if_down(False)
    print("mVRRP link down ({}): received {} lost {} duplicates {} (until the hand-over); "
          "after it lost {} duplicates {}; restore lost {} duplicates {}".format(
              "ignore-if-down" if ignore_if_down else "VRRP state", summary["received"],
              summary["lost"], summary["duplicates"], window["lost"], window["duplicates"],
              restore["lost"], restore["duplicates"]))
    assert window["received"] > 1000 and window["lost"] == 0 and window["duplicates"] == 0, window
    assert restore["received"] > 1000 and restore["lost"] == 0, restore
    assert restore["duplicates"] == 0, restore
    # r1 forwarded throughout: the receiver lost nothing
    assert summary["lost"] == 0, summary


def test_no_crash():
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
