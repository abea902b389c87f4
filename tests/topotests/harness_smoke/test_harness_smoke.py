#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Harness smoke test: two routers and a host on one LAN.

         r1 (.1, VRRP prio 200)     r2 (.2, VRRP prio 150)
               \\ r1-eth0              / r2-eth0
                +------- sw1 --------+
                          |
                       h1-eth0 (.10)

  LAN 192.168.1.0/24, 2001:db8:1::/64; VRID 5, virtual 192.168.1.254 and
  2001:db8:1::fe.  r1 is configured with one integrated frr.conf (applied by
  vtysh), r2 with per-daemon configs (r2/zebra.conf, r2/pimd.conf ...): both
  ways of lib_rbp are exercised.  rN/show_*.json: expected show output.

Both routers run zebra, mgmtd, staticd, pimd, pim6d, vrrpd and bfdd.  No
frr-rbp module is loaded by default; module tests (or a run of this test
with RBP_DAEMON_ARGS="pimd=-M rbp;pim6d=-M rbp;vrrpd=-M track", or
RBP_DAEMON_ARGS=modules) pass `-M` options through SMOKE_DAEMON_ARGS /
lib_rbp.load_router_*(daemon_args=...).
"""

import ipaddress
import os
import sys
from functools import partial

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402  (applies the harness workarounds first)
from lib import topotest  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [
    pytest.mark.pimd,
    pytest.mark.pim6d,
    pytest.mark.vrrpd,
    pytest.mark.bfdd,
    pytest.mark.staticd,
    pytest.mark.mgmtd,
]

# Extra per-daemon arguments for both routers, e.g. lib_rbp.MODULE_ARGS.
# $RBP_DAEMON_ARGS is added on top by lib_rbp.
SMOKE_DAEMON_ARGS = {}

VRID = 5
VIP4 = "192.168.1.254"
VIP6 = "2001:db8:1::fe"
GROUP4 = "239.1.1.1"
GROUP6 = "ff15::1:1"
# as in r1/frr.conf and r2/vrrpd.conf; not 100: the default is not shown
PRIO = {"r1": 200, "r2": 150}
H1_ADDR6 = "2001:db8:1::10/64"


def build_topo(tgen):
    tgen.add_router("r1")
    tgen.add_router("r2")
    tgen.add_host("h1", "192.168.1.10/24", "via 192.168.1.254")
    sw = tgen.add_switch("sw1")
    sw.add_link(tgen.gears["r1"])  # r1-eth0
    sw.add_link(tgen.gears["r2"])  # r2-eth0
    sw.add_link(tgen.gears["h1"])  # h1-eth0


def setup_module(mod):
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()

    h1 = tgen.gears["h1"]
    h1.cmd_raises("ip -6 addr add {} dev h1-eth0 nodad".format(H1_ADDR6))

    for rn in ("r1", "r2"):
        r = tgen.gears[rn]
        # vrrpd needs the macvlans with the virtual MACs; zebra creates none.
        lib_rbp.add_vrrp_macvlan(r, rn + "-eth0", VRID, 4, [VIP4 + "/24"])
        lib_rbp.add_vrrp_macvlan(r, rn + "-eth0", VRID, 6, [VIP6 + "/64"])

    lib_rbp.load_router_integrated(
        tgen.gears["r1"], os.path.join(CWD, "r1", "frr.conf"),
        daemon_args=SMOKE_DAEMON_ARGS
    )
    lib_rbp.load_router_daemons(
        tgen.gears["r2"],
        configs={
            d: os.path.join(CWD, "r2", d + ".conf")
            for d in ("zebra", "pimd", "pim6d", "vrrpd", "bfdd")
        },
        daemon_args=SMOKE_DAEMON_ARGS,
    )
    lib_rbp.start_routers(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    tgen = get_topogen()
    tgen.stop_topology()

def test_daemons_running():
    "Every daemon runs (live pid) and answers vtysh, with the requested args."
    tgen = get_topogen()
    for rn in ("r1", "r2"):
        r = tgen.gears[rn]
        assert lib_rbp.missing_daemons(r, lib_rbp.DAEMONS) == [], rn
        logging_out = lib_rbp.vtysh(r, "show logging")
        for d in lib_rbp.DAEMONS:
            assert "Logging configuration for {}:".format(d) in logging_out, (
                "{}: vtysh cannot reach {}".format(rn, d)
            )
        # the daemons were started with the extra args asked for (if any)
        for d, args in r.net.daemons_options.items():
            if d in lib_rbp.DAEMONS and args.strip():
                pid = dict(r.net.listDaemons())[d]
                cmdline = open("/proc/{}/cmdline".format(pid), "rb").read()
                for a in args.split():
                    assert a.encode() in cmdline.split(b"\0"), (rn, d, a)
    assert not tgen.routers_have_failure(), tgen.errors


def test_config_applied():
    "Integrated (r1) and per-daemon (r2) configs reached the daemons."
    lib_rbp.skip_on_failure()
    tgen = get_topogen()
    for rn in ("r1", "r2"):
        r = tgen.gears[rn]
        run = lib_rbp.vtysh(r, "show running-config")
        assert "vrrp {} priority {}".format(VRID, PRIO[rn]) in run, rn
        assert "ipv6 mld" in run and "ip igmp" in run, rn
        expected = lib_rbp.load_json(CWD, rn, "show_interface.json")
        test_func = partial(
            topotest.router_json_cmp, r, "show interface {}-eth0 json".format(rn), expected
        )
        _, res = topotest.run_and_expect(test_func, None, count=15, wait=1)
        assert res is None, "{}: address not configured: {}".format(rn, res)


def test_bfd_peers_up():
    "bfdd works: the LAN BFD session between r1 and r2 comes up."
    lib_rbp.skip_on_failure()
    tgen = get_topogen()
    for rn in ("r1", "r2"):
        expected = lib_rbp.load_json(CWD, rn, "show_bfd_peers.json")
        test_func = partial(
            topotest.router_json_cmp, tgen.gears[rn], "show bfd peers json", expected
        )
        _, res = topotest.run_and_expect(test_func, None, count=20, wait=1)
        assert res is None, "{}: BFD peer not up: {}".format(rn, res)


@pytest.mark.parametrize("family", [4, 6])
def test_vrrp_one_master_one_backup(family):
    "VRRPv3: exactly one Master and one Backup; the higher priority (r1) wins."
    lib_rbp.skip_on_failure()
    tgen = get_topogen()
    key = "v4" if family == 4 else "v6"

    def settled():
        """One Master and one Backup, and vrrpd done with the transition:
        the Master's macvlan up, the Backup's protodown (at start both
        routers' master-down timers run; the second one's may expire
        before the first master's first IPv6 advertisement arrives, a
        Master -> Backup flap of r2 this must not catch half-way)."""
        roles = lib_rbp.vrrp_roles(VRID, family)
        if sorted(roles.values()) != ["Backup", "Master"]:
            return None
        state = {}
        for rn, role in roles.items():
            r = tgen.gears[rn]
            vr = [v for v in lib_rbp.vtysh_json(r, "show vrrp json") if v["vrid"] == VRID][0]
            mvl = vr[key]["interface"]
            link = lib_rbp.cmd_json(r, ["ip", "-j", "-d", "link", "show", "dev", mvl])[0]
            if vr[key]["status"] != role or bool(link.get("proto_down", False)) != (
                role == "Backup"
            ):
                return None
            state[rn] = (role, vr, link)
        return state

    ok, state = lib_rbp.wait_until(settled, timeout=20, desc="VRRP v{} roles".format(family))
    assert ok, "IPv{} VRRP roles never settled: {}".format(
        family, lib_rbp.vrrp_roles(VRID, family))
    roles = {rn: st[0] for rn, st in state.items()}
    assert roles == {"r1": "Master", "r2": "Backup"}, roles

    # vrrpd drives the macvlans: Master's up, Backup's protodown.
    for rn, (role, vr, link) in state.items():
        assert vr[key]["vmac"] == lib_rbp.vrrp_vmac(VRID, family)
        assert link["address"] == lib_rbp.vrrp_vmac(VRID, family), (rn, link)
        protodown = bool(link.get("proto_down", False))
        assert protodown == (role == "Backup"), (rn, role, link.get("flags"))


def _gm_interface(router, family):
    "IGMP (4) / MLD (6) state of the router's LAN interface."
    ifname = "{}-eth0".format(router.name)
    if family == 4:
        return lib_rbp.vtysh_json(router, "show ip igmp interface json").get(ifname)
    out = lib_rbp.vtysh_json(router, "show ipv6 mld interface json")
    return out.get("default", out).get(ifname)


def _elected_querier(family):
    """The router that must be the querier by the RFC election (lowest IPv4
    address for IGMP, lowest link-local address for MLD), once it says so."""
    tgen = get_topogen()
    states = {rn: _gm_interface(tgen.gears[rn], family) for rn in ("r1", "r2")}
    if not all(states.values()):
        return None
    elected = min(states, key=lambda rn: ipaddress.ip_address(states[rn]["address"]))
    st = states[elected]
    if st.get("querier") is True and st.get("querierIp") == st["address"]:
        return elected
    return None


def _groups(router, family):
    cmd = "show ip igmp groups json" if family == 4 else "show ipv6 mld groups json"
    out = lib_rbp.vtysh_json(router, cmd)
    out = out.get("default", out)
    ifj = out.get("{}-eth0".format(router.name), {})
    return [g["group"] for g in ifj.get("groups", [])]


@pytest.mark.parametrize("family", [4, 6])
def test_host_join_seen_by_querier(family):
    "A host's IGMP (v4) / MLD (v6) join appears on the querier, and goes on leave."
    lib_rbp.skip_on_failure()
    tgen = get_topogen()
    group = GROUP4 if family == 4 else GROUP6

    ok, querier = lib_rbp.wait_until(
        lambda: _elected_querier(family), timeout=20, desc="querier v{}".format(family)
    )
    assert ok, "IPv{}: the elected querier does not act as querier".format(family)
    r = tgen.gears[querier]
    assert group not in _groups(r, family)

    joiner = lib_rbp.start_mcast_join(tgen.gears["h1"], "h1-eth0", [group])
    try:
        ok, last = lib_rbp.wait_until(
            lambda: group in _groups(r, family), timeout=20, desc="join"
        )
        assert ok, "{}: {} not in groups after host join ({})".format(
            querier, group, last
        )
    finally:
        lib_rbp.stop_mcast_join(joiner)

    # the leave makes the querier run its last-member queries and drop it
    ok, last = lib_rbp.wait_until(
        lambda: group not in _groups(r, family), timeout=30, desc="leave"
    )
    assert ok, "{}: {} still present after host left".format(querier, group)


def test_daemons_still_running():
    "Nothing crashed during the test."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    args = ["-s"] + sys.argv[1:]
    sys.exit(pytest.main(args))
