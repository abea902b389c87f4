#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
E-Trunk master/backup (seed 004's E-Trunk scenario), IGMP and MLD, on the
E-Trunk topology (lib_rbp/etrunk.py): r1 (E-Trunk priority 10) and r2
(20) present one Eth-Trunk to the CE, hellos every 100 ms (hold 300 ms)
with a security key, over the r1-r2 link that also carries the channel.

- the election by priority, then by system ID;
- the Eth-Trunks' states reach pimd and pim6d: the master's profiles
  forward, the backup's hold the twin's entries installed and muted;
  one copy of each packet at the receivers;
- a security-key mismatch: each refuses the other's hellos (counted,
  logged), both become E-Trunk master, and the channel's handover keeps
  one forwarder (the twin of the lower E-Trunk priority releases, at
  most SPLIT_DUPS packets twice); the same key again: one master;
- the hellos cut (a split brain of the E-Trunk, the channel up): the same;
- the master killed (kill -9, every daemon): the backup is elected and
  forwards; restarted, r1 is elected again and the forwarding moves back
  over the channel without a duplicate;
- a BFD session tracked by the backup's E-Trunk: the master's link to it
  cut silently, the backup declares the peer down by BFD (reason "BFD
  session to the peer down"), not by the hold time.

No timing threshold is asserted; the gaps are printed.
"""

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

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

GROUP = {4: S.ASM4, 6: S.ASM6}
# a split E-Trunk makes the backup master: it takes the twin's last word
# as stale until the twin answers (the twin might have died silently),
# one channel message apart; a packet or two may go twice meanwhile (as
# in rbp_failover's split brain)
SPLIT_DUPS = 2
PROFILE = {4: ("pimd", "p4"), 6: ("pim6d", "p6")}


def setup_module(mod):
    E.start(mod.__name__, "rbp_etrunk", "master-backup")
    for fam in (4, 6):
        E.start_sender(GROUP[fam])


def teardown_module(mod):  # pylint: disable=unused-argument
    E.stop()


def prof(rn, fam):
    return E.profile(rn, *PROFILE[fam])


def wait(func, desc, timeout=30):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    assert ok, "{}: {}".format(desc, last)
    return last


def wait_forwarders(r1, r2, timeout=30):
    "Wait until the profiles of both families forward (or not) as given."
    for fam in (4, 6):
        wait(lambda fam=fam: (prof("r1", fam)["forwarding"], prof("r2", fam)["forwarding"])
             == (r1, r2), "IPv{} forwarding (want {} {})".format(fam, r1, r2), timeout)


def receivers():
    "A receiver of both groups on h1, joined through the E-Trunk master."
    return {fam: lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP[fam])
            for fam in (4, 6)}


def wait_receiving(recvs):
    for fam, rv in recvs.items():
        wait(lambda rv=rv: lib_rbp.stream_receiving(rv), "IPv{} stream".format(fam), 40)


def stop_receivers(recvs):
    return {fam: lib_rbp.stop_stream_receiver(rv) for fam, rv in recvs.items()}


def test_election_by_priority():
    "r1 (priority 10) is master, r2 (20) backup; pimd and pim6d follow."
    E.wait_states("master", "backup")
    for rn, prio in (("r1", 10), ("r2", 20)):
        et = E.etrunk(rn)
        assert et["priority"] == prio, et
        assert et["authentication"] is True, et
        assert et["peer"]["alive"] is True, et
        assert et["peer"]["priority"] == 30 - prio, et
        assert et["helloAuthFailures"] == 0, et
        tr = E.trunk(rn)
        assert tr["interface"] == E.TRUNK_IF[rn] and tr["trunkId"] == 10, tr
        assert tr["mode"] == "auto" and tr["loadBalance"] is False, tr
    assert E.trunk("r1")["state"] == "master" and E.trunk("r2")["state"] == "backup"
    assert E.trunk("r2")["peerState"] == "master"
    wait_forwarders(True, False)
    for fam in (4, 6):
        p = prof("r1", fam)
        assert p["trackProtocol"] == "e-trunk" and p["etrunkId"] == 1, p
        assert p["ethTrunk"] == "r1-eth1" and p["state"] == "master", p
        assert p["roleSource"] == "e-trunk", p
        assert prof("r2", fam)["state"] == "backup"
    # the states as pimd heard them from vrrpd-track
    js = lib_rbp.vtysh_json(gear("r2"), "show ip remote-backup vrrp json")
    st = [s for s in js["states"] if s.get("source") == "e-trunk"]
    assert st and st[0]["interface"] == "r2-eth1" and st[0]["state"] == "Backup", js
    if yangcheck.available():
        for rn in E.ROUTERS:
            r = gear(rn)
            yangcheck.validate_json("etrunk", lib_rbp.vtysh_json(r, "show e-trunk json"))
            yangcheck.validate_vtysh_json(
                "profile", lib_rbp.vtysh_json(r, "show remote-backup-profile json"))
            for fam, daemon in ((4, "pimd"), (6, "pim6d")):
                for what in ("interfaces", "vrrp", "entries"):
                    yangcheck.validate_json(what, lib_rbp.vtysh_json(
                        r, "show {} remote-backup {} json".format(S.ipv(fam), what)),
                        daemon=daemon)


def test_running_config_round_trip():
    "The E-Trunk lines survive show running-config."
    out = lib_rbp.vtysh(gear("r1"), "show running-config")
    for line in ("e-trunk 1", " priority 10", " peer 10.0.20.2 source 10.0.20.1",
                 " security-key simple rbp-etrunk-key", " timer hello 1",
                 " e-trunk 1 trunk-id 10", " e-trunk 1 eth-trunk r1-eth1"):
        assert "\n" + line + "\n" in out, (line, out)
    if yangcheck.available():
        yangcheck.validate_config(out)


def test_bad_input_refused():
    "Bad values get a clear error and change nothing."
    r1 = gear("r1")
    for lines, err in (
        (["e-trunk 1", "peer 10.0.20.2 source 2001:db8:20::1"], "one address family"),
        (["e-trunk 1", "peer 10.0.20.1 source 10.0.20.1"], "must differ"),
        (["e-trunk 1", "system-id 01:00:5e:00:00:01"], "unicast"),
        (["e-trunk 1", "security-key simple " + "k" * 65], "longer than 64"),
        (["interface r1-eth0", "e-trunk 1 trunk-id 10"], "already interface r1-eth1"),
        (["interface r1-eth0", "no e-trunk 1"], "not in e-trunk 1"),
    ):
        rc, out = lib_rbp.vtysh_lines(r1, "configure terminal", *lines)
        assert err in out, (lines, out)
    E.wait_states("master", "backup", timeout=5)
    assert E.etrunk("r1")["peer"]["address"] == "10.0.20.2"


def test_lacp_actor_system_not_a_bond():
    """lacp system-id: the module asks the kernel to set the bond's actor
    system; the lab's Eth-Trunk is a veth, which the kernel refuses
    (EOPNOTSUPP): said in show, nothing else changes."""
    r1 = gear("r1")
    lib_rbp.vtysh_lines(r1, "configure terminal", "e-trunk 1",
                        "lacp system-id 02:00:00:00:01:01 priority 100")
    try:
        wait(lambda: E.trunk("r1").get("lacpActorSystem") == "not a bond", "bond refused")
        assert " lacp system-id 02:00:00:00:01:01 priority 100" in lib_rbp.vtysh(
            r1, "show running-config")
        E.wait_states("master", "backup", timeout=5)
    finally:
        lib_rbp.vtysh_lines(r1, "configure terminal", "e-trunk 1", "no lacp system-id")
    assert E.trunk("r1")["lacpActorSystem"] == "none (no lacp system-id)"


def test_replicated_and_forwarded_once():
    """h1's reports reach r1 only; r2 installs them from the channel and
    stays muted; one copy of each packet."""
    recvs = receivers()
    try:
        for fam in (4, 6):
            wait(lambda fam=fam: S.twin_entries("r2", fam, GROUP[fam]),
                 "r2 installs r1's IPv{} entry".format(fam))
        wait_receiving(recvs)
        time.sleep(2)
    finally:
        sums = stop_receivers(recvs)
    for fam, s in sums.items():
        assert s["received"] > 2000 and s["duplicates"] == 0, (fam, s)


def test_security_key_mismatch():
    """Different keys: the hellos are refused and counted; both are
    E-Trunk master; the channel's handover keeps one forwarder; the key
    restored, r1 alone is master again."""
    recvs = receivers()
    try:
        wait_receiving(recvs)
        before = E.etrunk("r1")["helloAuthFailures"]
        lib_rbp.vtysh_lines(gear("r2"), "configure terminal", "e-trunk 1",
                            "security-key simple another-key")
        E.wait_states("master", "master")
        wait(lambda: E.etrunk("r1")["helloAuthFailures"] > before + 5, "auth failures counted")
        assert E.etrunk("r1")["peer"]["alive"] is False
        # the twin of the lower E-Trunk priority hands the forwarding back
        wait_forwarders(True, False)
        for fam in (4, 6):
            p = prof("r2", fam)
            assert p["state"] == "master" and p["released"] is True, p
        time.sleep(2)
        log = open(os.path.join(get_topogen().logdir, "r1", "vrrpd.log"), encoding="utf-8",
                   errors="replace").read()
        assert "refused: authentication failed" in log
        lib_rbp.vtysh_lines(gear("r2"), "configure terminal", "e-trunk 1",
                            "security-key simple rbp-etrunk-key")
        E.wait_states("master", "backup")
        wait_forwarders(True, False)
        time.sleep(1)
    finally:
        sums = stop_receivers(recvs)
    for fam, s in sums.items():
        print("key mismatch IPv{}: lost {} longest gap {} ms dups {}".format(
            fam, s["lost"], s["max_gap_ms"], s["duplicates"]))
        assert s["duplicates"] <= SPLIT_DUPS, (fam, s)


def test_election_by_system_id():
    "Equal priorities: the smaller system ID wins (r2's here)."
    try:
        for rn, sysid in (("r1", "02:00:00:00:00:02"), ("r2", "02:00:00:00:00:01")):
            lib_rbp.vtysh_lines(gear(rn), "configure terminal", "e-trunk 1", "priority 50",
                                "system-id " + sysid)
        E.wait_states("backup", "master")
        assert E.etrunk("r2")["systemId"] == "02:00:00:00:00:01"
        assert E.etrunk("r1")["peer"]["systemId"] == "02:00:00:00:00:01"
        wait_forwarders(False, True)
    finally:
        for rn, prio in (("r1", 10), ("r2", 20)):
            lib_rbp.vtysh_lines(gear(rn), "configure terminal", "e-trunk 1",
                                "priority {}".format(prio), "no system-id")
    E.wait_states("master", "backup")
    wait_forwarders(True, False)


def test_hellos_cut_split_brain():
    """The E-Trunk hellos dropped (the channel up): both E-Trunk master, one
    forwarder (the handover), no duplicate; the hellos back: one master."""
    recvs = receivers()
    try:
        wait_receiving(recvs)
        # both ways: r1 drops what it would send and what it receives
        E.cut_hellos("r1")
        E.wait_states("master", "master")
        wait_forwarders(True, False)
        time.sleep(2)
        E.restore_hellos("r1")
        E.wait_states("master", "backup")
        time.sleep(1)
    finally:
        E.restore_hellos("r1")
        sums = stop_receivers(recvs)
    for fam, s in sums.items():
        print("hellos cut IPv{}: lost {} longest gap {} ms dups {}".format(
            fam, s["lost"], s["max_gap_ms"], s["duplicates"]))
        assert s["duplicates"] <= SPLIT_DUPS, (fam, s)
        assert s["max_gap_ms"] < 1000, (fam, s)


def test_master_killed_and_back():
    """kill -9 of every daemon of r1: r2 is elected and forwards; r1
    restarted is elected again and takes the forwarding back over the
    channel without a duplicate."""
    tgen = get_topogen()
    r1 = gear("r1")
    recvs = receivers()
    try:
        wait_receiving(recvs)
        t_kill = time.monotonic()
        S.kill_all("r1")
        # the CE's LACP moves to the new master's member
        E.wait_states(None, "master")
        E.set_lag(tgen, selected="r2")
        for fam in (4, 6):
            wait(lambda fam=fam: prof("r2", fam)["forwarding"], "r2 forwards")
        time.sleep(2)
        t_back = time.monotonic()
        lib_rbp.restart_daemons(r1, lib_rbp.DAEMONS, reapply=True)
        E.wait_states("master", "backup", timeout=60)
        wait_forwarders(True, False, timeout=60)
        E.set_lag(tgen, selected="r1")
        time.sleep(2)
    finally:
        E.set_lag(tgen, selected="r1")
        sums = stop_receivers(recvs)
    for fam, s in sums.items():
        down = lib_rbp.longest_gap(s, t_kill, t_back)
        back = lib_rbp.longest_gap(s, t_back)
        print("kill -9 r1 IPv{}: gap {} ms, failback gap {} ms, dups {}".format(
            fam, down, back, s["duplicates"]))
        assert s["received"] > 3000, (fam, s)
    lib_rbp.assert_no_crash(tgen, ["r2"])


def test_bfd_tracked_peer_failure():
    """r2's E-Trunk tracks a BFD session (10 ms x 3) to r1; r1's link to r2
    cut silently: r2 declares the peer down by BFD."""
    bfd = ["bfd", " profile fast", "  receive-interval 10", "  transmit-interval 10",
           "  detect-multiplier 3", " exit"]
    for rn in E.ROUTERS:
        peer = E.PEER[rn]
        lib_rbp.vtysh_lines(gear(rn), "configure terminal", *bfd,
                            "peer {} local-address {}".format(E.LINK4[peer], E.LINK4[rn]),
                            "profile fast")
    lib_rbp.vtysh_lines(gear("r2"), "configure terminal", "e-trunk 1",
                        "track bfd peer 10.0.20.1 local-address 10.0.20.2 profile fast")
    # a session not up yet is no failure: the E-Trunk stays as it was
    E.wait_states("master", "backup", timeout=5)
    wait(lambda: E.etrunk("r2").get("bfd") == "up", "BFD up")
    time.sleep(1)
    E.wait_states("master", "backup", timeout=5)
    downs = E.etrunk("r2")["peerDowns"]
    r2 = gear("r2")
    try:
        r2.cmd_raises("nft add table inet et_silent && nft add chain inet et_silent in "
                      "'{ type filter hook input priority 0; }' && nft add rule inet et_silent "
                      "in iifname r2-eth2 drop")
        wait(lambda: E.etrunk("r2")["peerDowns"] > downs, "peer down")
        et = E.etrunk("r2")
        assert et["reason"] == "BFD session to the peer down", et
        assert et["state"] == "master", et
    finally:
        r2.cmd("nft delete table inet et_silent 2>/dev/null; true")
    E.wait_states("master", "backup")
    out = lib_rbp.vtysh(gear("r2"), "show running-config")
    assert " track bfd peer 10.0.20.1 local-address 10.0.20.2 profile fast" in out, out
    lib_rbp.vtysh_lines(gear("r2"), "configure terminal", "e-trunk 1", "no track bfd")
    assert "track bfd" not in lib_rbp.vtysh(gear("r2"), "show running-config")


def test_no_crash():
    lib_rbp.assert_no_crash(get_topogen())
