#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Active-active mode (seed 000) on the seed-001 topology: the switch gives
the receiver's reports to both routers, both learn the joins and replicate
them to each other, and only the VRRP master forwards on the LAN:

  interface rX-eth1
   ip multicast track vrrp vrid 1        ipv6 multicast track vrrp6 vrid 1
   ip pim ignore dr-state                ipv6 pim ignore dr-state
   ip pim ignore assert-state            ipv6 pim ignore assert-state

PIM runs on the LAN (not passive): r2 wins the DR election (higher
address) while r1 is VRRP master.  Without "ignore dr-state" r1 would not
forward; without "ignore assert-state" r2, which receives r1's traffic on
an interface of its outgoing list, would assert and could win.  Checked:
only r1 forwards, r2 builds its joins and stays muted, no assert state
and no assert sent, no duplicate at the receiver; r1 dies and r2 forwards.
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
from lib_rbp.seed001 import gear, ipv, forwarding  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

GROUP = {4: S.ASM4, 6: S.ASM6}
LAN_EXTRA = [
    "ip multicast track vrrp vrid 1",
    "ip pim ignore dr-state",
    "ip pim ignore assert-state",
    "ipv6 multicast track vrrp6 vrid 1",
    "ipv6 pim ignore dr-state",
    "ipv6 pim ignore assert-state",
]


def setup_module(mod):
    S.start(mod.__name__, "active-active", streams=True,
            pim_passive=False, lan_extra=LAN_EXTRA)


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def entries(rn, family, group):
    "rn's entries of group by origin: {origin: entry}."
    return {e["origin"]: e for e in S.entries(rn, family) if e["group"] == group}


def interface(rn, family):
    js = lib_rbp.vtysh_json(gear(rn), "show {} remote-backup interfaces json".format(ipv(family)))
    return [i for i in js["interfaces"] if i["interface"] == S.LAN_IF[rn]][0]


def asserts_sent(rn, family):
    js = lib_rbp.vtysh_json(gear(rn), "show {} pim interface traffic json".format(ipv(family)))
    return js[S.LAN_IF[rn]]["assertTx"]


def test_dr_is_r2_vrrp_master_is_r1():
    "The DR election and VRRP disagree, as the test needs."
    def dr():
        js = lib_rbp.vtysh_json(
            gear("r1"), "show ip pim interface {} json".format(S.LAN_IF["r1"]))
        return js.get(S.LAN_IF["r1"], {}).get("drAddress")
    ok, last = lib_rbp.wait_until(lambda: dr() == S.LAN4["r2"], timeout=60)
    assert ok, "DR is {}".format(last)
    for fam in (4, 6):
        ok, last = lib_rbp.wait_until(
            lambda fam=fam: (interface("r1", fam)["role"], interface("r2", fam)["role"])
            == ("master", "backup"), timeout=30)
        assert ok, last
        assert interface("r1", fam)["forwardingFollows"] == "track"
        assert interface("r1", fam)["forwarderOverride"] is True


@pytest.mark.parametrize("family", [4, 6])
def test_only_vrrp_master_forwards(family):
    """Both routers learn the receiver and replicate to each other; only r1
    forwards; no asserts; no duplicates."""
    group = GROUP[family]
    tx_asserts = {rn: asserts_sent(rn, family) for rn in S.ROUTERS}
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", group)
    try:
        for rn in S.ROUTERS:
            # both hold it locally: the twin's copy is shadowed (once the
            # installer's queue has seen it: a new record is pending
            # until its slice runs)
            ok, last = lib_rbp.wait_until(
                lambda rn=rn: (lambda e: e if "local" in e and "peer" in e
                               and e["peer"]["state"] == "local" else None)(
                    entries(rn, family, group)), timeout=30)
            assert ok, "{}: {}".format(rn, entries(rn, family, group))
        ok, _ = lib_rbp.wait_until(lambda: lib_rbp.stream_receiving(recv), timeout=30)
        assert ok, "no stream at the receiver"
        assert forwarding("r1") and not forwarding("r2")
        time.sleep(3)
        assert forwarding("r1") and not forwarding("r2")
        for rn in S.ROUTERS:
            assert asserts_sent(rn, family) == tx_asserts[rn], "{} sent asserts".format(rn)
            out = lib_rbp.vtysh(gear(rn), "show {} pim assert".format(ipv(family)))
            assert group not in out, out
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
    assert summary["received"] > 3000, summary
    assert summary["duplicates"] == 0, summary


def test_failover_to_r2():
    "r1 dies: r2 (already holding the joins) becomes master and forwards."
    tgen = get_topogen()
    group = GROUP[4]
    recv = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", group)
    try:
        ok, _ = lib_rbp.wait_until(lambda: lib_rbp.stream_receiving(recv), timeout=30)
        assert ok
        S.kill_all("r1")
        ok, _ = lib_rbp.wait_until(lambda: forwarding("r2")
                                   and lib_rbp.stream_receiving(recv),
                                   timeout=30)
        assert ok, lib_rbp.vtysh(gear("r2"), "show ip remote-backup interfaces")
    finally:
        summary = lib_rbp.stop_stream_receiver(recv)
        print("active-active failover: max gap {} ms, lost {}".format(
            summary["max_gap_ms"], summary.get("lost")))
    lib_rbp.restart_daemons(gear("r1"), lib_rbp.DAEMONS, reapply=True)
    del tgen


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
