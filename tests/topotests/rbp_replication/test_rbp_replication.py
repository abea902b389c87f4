#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
IGMP/MLD hot backup on the seed-001 topology (lib_rbp/seed001.py) in
master/backup mode: the snooping switch gives the receiver's reports to the
master (r1, the querier) only; the backup (r2) learns them over the RBS
channel, installs them with its upstream joins built, and keeps its LAN
interface muted.

Covered: joins of IGMPv2, IGMPv3 (ASM = EXCLUDE {}, SSM INCLUDE), MLDv1,
MLDv2 (ASM, SSM) replicated with source, filter mode and version; leave and
expiry; unbinding and rebinding; backup restart (resync); master restart
(recovery from the backup); channel cut and restored (tables equal); a
group left while the channel is cut expires on the backup (its Delete was
never sent) before the channel is back; bad
peer (wrong backup-id, wrong service type): the channel stays down with the
reason shown and nothing is installed.

The routers run the seed-001 standard configuration (seed001/rN/frr.conf);
rN/show_remote_backup_profile.json: the roles expected.
"""

import os
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib import topotest  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.seed001 import gear, ipv, gm_daemon  # noqa: E402
from lib_rbp.seed001 import (  # noqa: E402
    debug_state, find_entry, service, wait_established, wait_installed)

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

# membership interval with the topology's timers: 2 * 5 s + 1 s
GMI = 11


def setup_module(mod):
    S.start(mod.__name__, "master-backup")


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def entry_keys(rn, family, origin):
    return sorted((e["group"], e["source"]) for e in S.entries(rn, family, origin))


def upstream_joined(rn, family, group, source="*"):
    js = lib_rbp.vtysh_json(gear(rn), "show {} pim upstream json".format(ipv(family)))
    return js.get(group, {}).get(source, {}).get("state") == "J"


class Join:
    """A receiver membership on h1, with the host's IGMP/MLD version forced
    for the time of the join."""

    def __init__(self, family, group, version=None, source=None, exclude=None):
        self.family, self.group = family, group
        self.sysctl = None
        if version:
            key = ("net.ipv4.conf.h1-eth0.force_igmp_version" if family == 4
                   else "net.ipv6.conf.h1-eth0.force_mld_version")
            self.sysctl = key
            gear("h1").cmd_raises("sysctl -qw {}={}".format(key, version))
        self.recv = lib_rbp.start_stream_receiver(
            gear("h1"), "h1-eth0", group, source=source, exclude=exclude)

    def leave(self):
        lib_rbp.stop_stream_receiver(self.recv)
        if self.sysctl:
            gear("h1").cmd_raises("sysctl -qw {}=0".format(self.sysctl))


def wait_gone(rn, family, group, origin, timeout=30):
    ok, _ = lib_rbp.wait_until(
        lambda: find_entry(rn, family, group, origin) is None, timeout=timeout)
    assert ok, "{} still on {}:\n{}".format(group, rn, debug_state())


def test_channels_up_and_roles():
    "Both channels (IGMP in pimd, MLD in pim6d) up; r1 master, r2 backup."
    wait_established(4)
    wait_established(6)
    # rN/show_remote_backup_profile.json: both routers at once
    expected = {rn: lib_rbp.load_json(CWD, rn, "show_remote_backup_profile.json")
                for rn in S.ROUTERS}

    def roles():
        for rn in S.ROUTERS:
            res = topotest.router_json_cmp(gear(rn), "show remote-backup-profile json",
                                           expected[rn])
            if res is not None:
                return "{}: {}".format(rn, res)
        return None

    _, res = topotest.run_and_expect(roles, None, count=60, wait=0.5)
    assert res is None, res


# IGMPv3 EXCLUDE {S}: FRR 10.3's IGMP forwards nothing for it (it keeps
# no any-source entry beside excluded sources), and what pimd does not
# forward is not replicated.  MLD: pim6d keeps no per-group compatibility
# version, so the version replicated is the interface's; the MLDv1 case
# runs the master's LAN in MLDv1.
JOINS = [
    # id, family, group, host version, source, filter, version
    ("igmpv2", 4, "239.1.2.2", 2, None, "exclude", 2),
    ("igmpv3-asm", 4, "239.1.3.3", None, None, "exclude", 3),
    ("igmpv3-ssm", 4, S.SSM4, None, S.SRC4, "include", 3),
    ("mldv1", 6, "ff15::1:11", 1, None, "exclude", 1),
    ("mldv2-asm", 6, "ff15::1:22", None, None, "exclude", 2),
    ("mldv2-ssm", 6, S.SSM6, None, S.SRC6, "include", 2),
]


def set_mld_version(rn, version):
    cmd = ("ipv6 mld version {}".format(version) if version
           else "no ipv6 mld version")
    rc, out = lib_rbp.vtysh_lines(gear(rn), "conf t", "interface " + S.LAN_IF[rn], cmd)
    assert rc == 0, out


@pytest.mark.parametrize(
    "family,group,version,source,filt,ver",
    [j[1:] for j in JOINS], ids=[j[0] for j in JOINS])
def test_join_replicated(family, group, version, source, filt, ver):
    """A receiver's join reaches r2 only through r1: installed there with
    the right source, filter mode and version, upstream join built (hot);
    the receiver's leave removes it again."""
    mldv1 = family == 6 and version == 1
    if mldv1:
        set_mld_version("r1", 1)
    j = Join(family, group, version, source)
    try:
        e = wait_installed(family, group, source)
        assert e["source"] == (source or ("0.0.0.0" if family == 4 else "::")), e
        assert e["filterMode"] == filt, e
        assert e["version"] == ver, e
        assert e["peerInterface"] == S.LAN_IF["r1"], e
        # the backup did not hear the receiver: its copy is the twin's
        assert find_entry("r2", family, group, "local") is None
        assert find_entry("r1", family, group, "local") is not None
        ok, _ = lib_rbp.wait_until(
            lambda: upstream_joined("r2", family, group, source or "*"), timeout=20)
        assert ok, "r2 built no upstream join for {}:\n{}".format(
            group, lib_rbp.vtysh(gear("r2"), "show {} pim upstream".format(ipv(family))))
    finally:
        j.leave()
        if mldv1:
            set_mld_version("r1", None)
    wait_gone("r1", family, group, "local")
    wait_gone("r2", family, group, "peer")


@pytest.mark.parametrize("family", [4, 6])
def test_expiry_propagates(family):
    """A receiver that goes silent (no leave): r1's membership expires and
    r2's copy goes with it."""
    group = S.ASM4 if family == 4 else S.ASM6
    j = Join(family, group)
    wait_installed(family, group)
    # the host disappears without a leave
    gear("h1").cmd_raises("ip link set h1-eth0 down")
    try:
        wait_gone("r1", family, group, "local", timeout=GMI * 4)
        wait_gone("r2", family, group, "peer", timeout=10)
    finally:
        gear("h1").cmd_raises("ip link set h1-eth0 up")
        gear("h1").cmd_raises("ip route replace default via {}".format(S.VIP4))
        gear("h1").cmd("ip -6 route replace default via {}".format(S.VIP6))
        j.leave()


@pytest.mark.parametrize("family", [4, 6])
def test_unbind_and_rebind(family):
    "Unbinding the profile on r1 withdraws its entries from r2; rebinding restores them."
    group = S.ASM4 if family == 4 else S.ASM6
    prof = "p4" if family == 4 else "p6"
    j = Join(family, group)
    try:
        wait_installed(family, group)
        rc, out = lib_rbp.vtysh_lines(gear("r1"), "conf t", "interface r1-eth1",
                                      "no remote-backup-profile " + prof)
        assert rc == 0, out
        wait_gone("r2", family, group, "peer")
        rc, out = lib_rbp.vtysh_lines(gear("r1"), "conf t", "interface r1-eth1",
                                      "remote-backup-profile " + prof)
        assert rc == 0, out
        wait_installed(family, group)
    finally:
        j.leave()


@pytest.mark.parametrize("family", [4, 6])
def test_gm_disabled_withdraws(family):
    """`no ip igmp` / `no ipv6 mld` on r1's LAN withdraws its memberships
    from r2; enabling it again brings them back."""
    group = S.ASM4 if family == 4 else S.ASM6
    gm = "ip igmp" if family == 4 else "ipv6 mld"
    timers = ["{} query-max-response-time 10".format(gm), "{} query-interval 5".format(gm)]
    j = Join(family, group)
    try:
        wait_installed(family, group)
        rc, out = lib_rbp.vtysh_lines(gear("r1"), "conf t", "interface r1-eth1", "no " + gm)
        assert rc == 0, out
        wait_gone("r2", family, group, "peer")
        rc, out = lib_rbp.vtysh_lines(gear("r1"), "conf t", "interface r1-eth1", gm, *timers)
        assert rc == 0, out
        wait_installed(family, group)
    finally:
        j.leave()


def restart(rn, daemons):
    lib_rbp.restart_daemons(gear(rn), daemons, reapply=True)
    assert lib_rbp.missing_daemons(gear(rn), daemons) == []


@pytest.mark.parametrize("family", [4, 6])
def test_backup_restart_resyncs(family):
    "The backup's pimd/pim6d restarts empty and gets the entries back by resync."
    group = S.ASM4 if family == 4 else S.ASM6
    j = Join(family, group)
    try:
        wait_installed(family, group)
        restart("r2", [gm_daemon(family)])
        wait_established(family)
        wait_installed(family, group)
        assert service("r2", family)["resyncsReceived"] >= 1
    finally:
        j.leave()


@pytest.mark.parametrize("family", [4, 6])
def test_master_restart_recovers(family):
    """r1's pimd/pim6d restarts with no state: r2 sends back the entries it
    held for r1 (restored), which r1 installs at once.  When r1's own
    IGMP/MLD has relearned the group by the time the channel is up, r2
    withdraws its copy at once (doc/protocol.md 6.3: r1 publishes the key
    itself), and r1 holds the group locally."""
    group = S.ASM4 if family == 4 else S.ASM6
    j = Join(family, group)
    try:
        wait_installed(family, group)
        restart("r1", [gm_daemon(family)])
        wait_established(family)
        ok, e = lib_rbp.wait_until(
            lambda: (lambda x: x if x and x.get("restored") else None)(
                find_entry("r1", family, group, "peer"))
            or (find_entry("r1", family, group, "local")
                and find_entry("r1", family, group, "peer") is None), timeout=20)
        assert ok, "r1 did not recover {} from r2:\n{}".format(group, debug_state())
    finally:
        j.leave()


@pytest.mark.parametrize("family", [4, 6])
def test_channel_cut_and_restored(family):
    """Cut the r1-r2 link; change memberships meanwhile; restore it: the
    backup's copy equals the master's table again."""
    g_old, g_new = (("239.1.5.1", "239.1.5.2") if family == 4
                    else ("ff15::5:1", "ff15::5:2"))
    j_old = Join(family, g_old)
    j_new = None
    try:
        wait_installed(family, g_old)
        gear("r1").cmd_raises("ip link set r1-eth2 down")
        try:
            ok, _ = lib_rbp.wait_until(
                lambda: service("r1", family)["tcpState"] != "established", timeout=20)
            assert ok, "channel still up with the link down"
            j_old.leave()
            j_old = None
            j_new = Join(family, g_new)
            ok, _ = lib_rbp.wait_until(
                lambda: find_entry("r1", family, g_new, "local") is not None, timeout=20)
            assert ok
            wait_gone("r1", family, g_old, "local")
            # the backup keeps what it had: the master may be dead
            assert find_entry("r2", family, g_old, "peer") is not None
        finally:
            gear("r1").cmd_raises("ip link set r1-eth2 up")
        wait_established(family)
        wait_installed(family, g_new)

        def equal():
            return entry_keys("r1", family, "local") == entry_keys("r2", family, "peer")

        ok, _ = lib_rbp.wait_until(equal, timeout=20)
        assert ok, debug_state()
        # the resync swept what the master dropped while cut off
        assert find_entry("r2", family, g_old, "peer") is None
    finally:
        for j in (j_old, j_new):
            if j:
                j.leave()


@pytest.mark.parametrize("family", [4, 6])
def test_left_while_cut_expires(family):
    """Cut the r1-r2 link; the receiver leaves the group on the master's
    LAN, so the Delete is never sent: with the link still down the
    backup's copy (its peer entry, the install record and the upstream
    join) goes within the group's remaining time; restored, the tables are
    equal and the group does not come back."""
    group = "239.1.6.1" if family == 4 else "ff15::6:1"
    j = Join(family, group)
    try:
        wait_installed(family, group)
        ok, _ = lib_rbp.wait_until(lambda: upstream_joined("r2", family, group), timeout=20)
        assert ok, "r2 built no upstream join for {}:\n{}".format(group, debug_state())
        held = S.profile_state("r2", family)["peerTableEntries"]
        gear("r1").cmd_raises("ip link set r1-eth2 down")
        try:
            ok, _ = lib_rbp.wait_until(
                lambda: service("r1", family)["tcpState"] != "established"
                and service("r2", family)["tcpState"] != "established", timeout=20)
            assert ok, "channel still up with the link down"
            j.leave()
            j = None
            # the master forgets the group (leave, last member query)
            wait_gone("r1", family, group, "local")
            # the backup cannot hear of it: its copy ages out by the
            # timer r1 last gave it (at most one membership interval;
            # a generous bound, not a measurement)
            wait_gone("r2", family, group, "peer", timeout=GMI * 4)
            ok, _ = lib_rbp.wait_until(
                lambda: S.profile_state("r2", family)["peerTableEntries"] < held,
                timeout=10)
            assert ok, S.profile_state("r2", family)
            ok, _ = lib_rbp.wait_until(
                lambda: not upstream_joined("r2", family, group), timeout=20)
            assert ok, "r2 still joined upstream for {}:\n{}".format(group, debug_state())
            # all of it while the channel was down
            assert service("r2", family)["tcpState"] != "established", service("r2", family)
        finally:
            gear("r1").cmd_raises("ip link set r1-eth2 up")
        wait_established(family)

        def equal():
            return entry_keys("r1", family, "local") == entry_keys("r2", family, "peer")

        ok, _ = lib_rbp.wait_until(equal, timeout=20)
        assert ok, debug_state()
        assert find_entry("r2", family, group, "peer") is None
    finally:
        if j:
            j.leave()


def set_r2_profile(lines):
    rc, out = lib_rbp.vtysh_lines(gear("r2"), "conf t", *lines)
    assert rc == 0, out


@pytest.mark.parametrize(
    "lines,undo,family,reason",
    [
        (["remote-backup-profile p4", "backup-id 11 remote-backup-service svc1"],
         ["remote-backup-profile p4", "backup-id 10 remote-backup-service svc1"],
         4, "backup-id"),
        # a profile's VRRP group is of its service type: vrrp6-id for mld
        (["interface r2-eth1", "no remote-backup-profile p4", "exit",
          "remote-backup-profile p4", "no vrrp-id", "service-type mld",
          "vrrp6-id 1 interface r2-eth1"],
         ["remote-backup-profile p4", "no vrrp6-id", "service-type igmp",
          "vrrp-id 1 interface r2-eth1", "exit",
          "interface r2-eth1", "remote-backup-profile p4"],
         6, "service-type"),
    ],
    ids=["wrong-backup-id", "wrong-service-type"])
def test_bad_peer_refused(lines, undo, family, reason):
    """A twin that disagrees: the channel stays down, the reason is shown,
    and the backup installs nothing of the disagreeing profile."""
    group = S.ASM4
    j = Join(4, group)
    try:
        wait_installed(4, group)
        set_r2_profile(lines)

        def refused():
            svc = service("r1", family)
            return svc if (svc["tcpState"] in ("refused", "connect", "hello")
                           and reason in svc["lastReason"]) else None

        ok, svc = lib_rbp.wait_until(refused, timeout=30)
        assert ok, "no refusal with {!r}:\n{}".format(reason, debug_state())
        # it stays down
        time.sleep(3)
        assert service("r1", family)["tcpState"] != "established"
        assert find_entry("r2", 4, group, "peer") is None, debug_state()
        set_r2_profile(undo)
        wait_established(family)
        wait_installed(4, group)
    finally:
        j.leave()


def test_json_matches_yang():
    """The show commands' json is valid instance data of yang/frr-rbp.yang,
    with entries present (a join held)."""
    # pylint: disable=import-outside-toplevel
    from lib_rbp import yangcheck

    j4, j6 = Join(4, S.ASM4), Join(6, S.ASM6)
    try:
        wait_installed(4, S.ASM4)
        wait_installed(6, S.ASM6)
        for rn in S.ROUTERS:
            r = gear(rn)
            yangcheck.validate_vtysh_json(
                "service", lib_rbp.vtysh_json(r, "show remote-backup-service json"))
            yangcheck.validate_vtysh_json(
                "profile", lib_rbp.vtysh_json(r, "show remote-backup-profile json"))
            for fam in (4, 6):
                js = lib_rbp.vtysh_json(
                    r, "show {} remote-backup entries json".format(ipv(fam)))
                assert js["entries"], (rn, fam)
                yangcheck.validate_json("entries", js, daemon=gm_daemon(fam))
    finally:
        j4.leave()
        j6.leave()


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
