#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Seed 002: MLD dual-device hot backup in an E-Trunk active-active scenario,
on the E-Trunk topology (lib_rbp/etrunk.py): IPv6 E-Trunk and RBS peers,
`e-trunk mode force-master` on both twins' Eth-Trunks, the CE hashing h1's
reports to r1 and h2's to r2.

- both Eth-Trunks master, the twins load balanced: r1 (the E-Trunk master
  by election) forwards share 0 of the groups, r2 share 1
  (rbp_group_share(): a hash of the group);
- eight streams (200 packets/s each): every group reaches its receiver
  exactly once, forwarded by one twin; both replicate what they hear;
- 200 groups joined: the split of the forwarders, from both twins' views,
  complementary;
- r2 killed (kill -9): r1 unmutes r2's share; r2 back: the split again;
- r2's member link cut at the CE: r1 takes every group; the link back:
  the split again;
- the E-Trunk hellos cut (the channel up): both forward every group until
  the split-brain guard makes r2 yield; the hellos back: the split again.

Gaps are printed (no timing threshold); duplicates are asserted only in
steady state.
"""

import ipaddress
import os
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import etrunk as E  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp import yangcheck  # noqa: E402
from lib_rbp.helpers import gear  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

RATE = 200
GROUPS = ["ff15::2:{:x}".format(i) for i in range(1, 9)]
# h1 joins the first half (its reports reach r1), h2 the second (r2)
JOINS = {"h1": GROUPS[:4], "h2": GROUPS[4:]}


def setup_module(mod):
    E.start(mod.__name__, "rbp_etrunk_aa", "active-active")
    for i, g in enumerate(GROUPS):
        E.start_sender(g, rate=RATE, port=5000 + i)


def teardown_module(mod):  # pylint: disable=unused-argument
    E.stop()


def port(group):
    return 5000 + GROUPS.index(group)


def prof(rn):
    return E.profile(rn, "pim6d", "profile1")


def wait(func, desc, timeout=30):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    assert ok, "{}: {}".format(desc, last)
    return last


def receivers():
    recvs = {}
    for hn, groups in JOINS.items():
        for g in groups:
            recvs[g] = lib_rbp.start_stream_receiver(gear(hn), hn + "-eth0", g, port=port(g))
    return recvs


def wait_receiving(recvs, timeout=40):
    for g, rv in recvs.items():
        wait(lambda rv=rv: lib_rbp.stream_receiving(rv, rate=RATE), "stream " + g, timeout)


def stop_receivers(recvs):
    return {g: lib_rbp.stop_stream_receiver(rv) for g, rv in recvs.items()}


def forwarders():
    "{group: [routers whose Eth-Trunk is in the kernel's route]} of GROUPS."
    oifs = {rn: E.trunk_oifs(rn, 6) for rn in E.ROUTERS}
    return {g: [rn for rn in E.ROUTERS if oifs[rn].get(g)] for g in GROUPS}


def wait_balanced(timeout=30):
    for rn, share in (("r1", 0), ("r2", 1)):
        wait(lambda rn=rn, share=share: (lambda p: p.get("loadBalance") is True
                                         and p.get("share") == share)(prof(rn)),
             "{} balanced, share {}".format(rn, share), timeout)


def test_both_master_load_balanced():
    "Both Eth-Trunks master (force-master), the twins split the groups."
    E.wait_states("master", "backup")
    for rn in E.ROUTERS:
        tr = wait(lambda rn=rn: (lambda t: t if t.get("loadBalance") else None)(E.trunk(rn)),
                  rn + " Eth-Trunk load balanced")
        assert tr["state"] == "master" and tr["mode"] == "force-master", tr
        assert tr["peerState"] == "master" and tr["peerForceMaster"] is True, tr
        et = E.etrunk(rn)
        assert et["peer"]["address"] == str(E.LINK6[E.PEER[rn]]), et
    assert E.trunk("r1")["share"] == 0 and E.trunk("r2")["share"] == 1
    wait_balanced()
    for rn in E.ROUTERS:
        p = prof(rn)
        assert p["forwarding"] is True, p
        assert p["forwardingReason"] == "load balanced with the twin", p
        assert p["splitBrainYield"] is False, p
    if yangcheck.available():
        for rn in E.ROUTERS:
            yangcheck.validate_json(
                "profile", lib_rbp.vtysh_json(gear(rn), "show remote-backup-profile json")[
                    "pim6d"], daemon="pim6d")


def test_each_group_once():
    """Every stream reaches its receiver once, forwarded by one twin; the
    twins replicate what they hear."""
    recvs = receivers()
    try:
        wait_receiving(recvs)
        for rn, other in (("r1", "h2"), ("r2", "h1")):
            for g in JOINS[other]:
                wait(lambda rn=rn, g=g: S.twin_entries(rn, 6, g),
                     "{} holds the twin's {}".format(rn, g))
        fw = wait(lambda: (lambda f: f if all(len(v) == 1 for v in f.values()) else None)(
            forwarders()), "one forwarder per group")
        split = {rn: sorted(g for g, v in fw.items() if v == [rn]) for rn in E.ROUTERS}
        print("forwarders of the 8 streams: r1 {} r2 {}".format(split["r1"], split["r2"]))
        assert split["r1"] and split["r2"], split
        # the daemons say the same
        for rn in E.ROUTERS:
            js = lib_rbp.vtysh_json(gear(rn), "show ipv6 remote-backup entries json")
            for e in js["entries"]:
                if e["group"] in GROUPS and e["origin"] == "local":
                    assert e["forwarder"] == ("local" if e["group"] in split[rn] else "twin"), e
        time.sleep(3)
    finally:
        sums = stop_receivers(recvs)
    for g, s in sums.items():
        assert s["received"] > RATE * 3 and s["duplicates"] == 0, (g, s)


def test_split_of_200_groups():
    "200 groups joined: each twin forwards its share, the views agree."
    net = ipaddress.ip_address("ff15::3:0")
    groups = [str(net + i) for i in range(200)]
    joins = [lib_rbp.start_mcast_join(gear("h1"), "h1-eth0", groups[:100]),
             lib_rbp.start_mcast_join(gear("h2"), "h2-eth0", groups[100:])]
    try:
        def views():
            out = {}
            for rn in E.ROUTERS:
                js = lib_rbp.vtysh_json(gear(rn), "show ipv6 remote-backup entries json")
                out[rn] = {e["group"]: e.get("forwarder") for e in js["entries"]
                           if e["group"] in groups}
            return out if all(len(v) == 200 for v in out.values()) else None
        v = wait(views, "both twins hold the 200 groups", 60)
        mine = {rn: {g for g, f in v[rn].items() if f == "local"} for rn in E.ROUTERS}
        assert mine["r1"].isdisjoint(mine["r2"]), mine
        assert mine["r1"] | mine["r2"] == set(groups)
        print("split of 200 groups: r1 forwards {}, r2 {}".format(
            len(mine["r1"]), len(mine["r2"])))
        assert 60 <= len(mine["r1"]) <= 140, len(mine["r1"])
    finally:
        for j in joins:
            lib_rbp.stop_mcast_join(j)


def report_gaps(what, sums, since, until=None):
    "Print each group's longest gap in [since, until) (gaps under 3 packets: 0)."
    out = []
    for g, s in sorted(sums.items()):
        out.append("{} {:.1f}".format(g, lib_rbp.longest_gap(s, since, until)))
    print("{}: longest gap per group (ms, 0: under 15 ms): {}".format(what, ", ".join(out)))


def test_twin_killed_and_back():
    """kill -9 of r2's daemons: r1 forwards every group; r2 restarted: the
    split again."""
    tgen = get_topogen()
    r2 = gear("r2")
    recvs = receivers()
    try:
        wait_receiving(recvs)
        t_kill = time.monotonic()
        S.kill_all("r2")
        E.set_lag(tgen, selected="r1")
        wait(lambda: (lambda p: p["forwarding"] and not p.get("loadBalance"))(prof("r1")),
             "r1 takes every group")
        wait(lambda: all(v == ["r1"] for v in forwarders().values()), "r1 forwards all")
        time.sleep(2)
        t_back = time.monotonic()
        lib_rbp.restart_daemons(r2, lib_rbp.DAEMONS, reapply=True)
        E.set_lag(tgen, mode="active-active", selected=None)
        wait_balanced(timeout=60)
        time.sleep(3)
        t_steady = time.monotonic()
        time.sleep(3)
    finally:
        E.set_lag(tgen, mode="active-active", selected=None)
        sums = stop_receivers(recvs)
    report_gaps("r2 killed", sums, t_kill, t_back)
    report_gaps("r2 back", sums, t_back, t_steady)
    print("r2 killed and back: lost {}, duplicates {}".format(
        sum(s["lost"] for s in sums.values()), sum(s["duplicates"] for s in sums.values())))
    for g, s in sums.items():
        assert s["received"] > RATE * 8, (g, s)
        late = [x for x in s["gaps"] if x[1] >= t_steady]
        assert not late, (g, late)


def test_member_link_cut():
    """r2's member link cut at the CE: r2's Eth-Trunk is down, r1 forwards
    every group; the link back: the split again."""
    tgen = get_topogen()
    ce = gear("ce")
    recvs = receivers()
    try:
        wait_receiving(recvs)
        t_cut = time.monotonic()
        ce.cmd_raises("ip link set {} down".format(E.CE_PORT["r2"]))
        E.set_lag(tgen, selected="r1")
        wait(lambda: E.trunk("r2").get("state") == "down", "r2's Eth-Trunk down")
        wait(lambda: all(v == ["r1"] for v in forwarders().values()), "r1 forwards all")
        assert prof("r2")["forwarding"] is False
        time.sleep(2)
        t_back = time.monotonic()
        ce.cmd_raises("ip link set {} up".format(E.CE_PORT["r2"]))
        E.set_lag(tgen, mode="active-active", selected=None)
        wait_balanced()
        time.sleep(3)
        t_steady = time.monotonic()
        time.sleep(3)
    finally:
        ce.cmd("ip link set {} up".format(E.CE_PORT["r2"]))
        E.set_lag(tgen, mode="active-active", selected=None)
        sums = stop_receivers(recvs)
    report_gaps("r2's member link cut", sums, t_cut, t_back)
    report_gaps("r2's member link back", sums, t_back, t_steady)
    print("r2's member link cut and back: lost {}, duplicates {}".format(
        sum(s["lost"] for s in sums.values()), sum(s["duplicates"] for s in sums.values())))
    for g, s in sums.items():
        late = [x for x in s["gaps"] if x[1] >= t_steady]
        assert not late, (g, late)


def test_hellos_cut():
    """The E-Trunk hellos lost, the channel up (a split brain of the
    E-Trunk): both forward every group until the split-brain guard makes
    r2 yield (1.5 s); nothing is lost; the hellos back, the split again."""
    recvs = receivers()
    try:
        wait_receiving(recvs)
        E.cut_hellos("r1")
        wait(lambda: prof("r2").get("splitBrainYield") is True, "r2 yields")
        wait(lambda: all(v == ["r1"] for v in forwarders().values()), "r1 forwards all")
        E.restore_hellos("r1")
        wait_balanced()
        time.sleep(2)
        t_steady = time.monotonic()
        time.sleep(2)
    finally:
        E.restore_hellos("r1")
        sums = stop_receivers(recvs)
    print("hellos cut and back: lost {}, duplicates {}".format(
        sum(s["lost"] for s in sums.values()), sum(s["duplicates"] for s in sums.values())))
    for g, s in sums.items():
        assert s["lost"] <= RATE // 10, (g, s)
        assert not [x for x in s["gaps"] if x[1] >= t_steady], (g, s)


def test_no_crash():
    lib_rbp.assert_no_crash(get_topogen())
