#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
IGMP/MLD hot backup on the seed-001 topology (lib_rbp/seed001.py), in
master/backup mode: the snooping switch gives the receiver's reports to the
master (r1) only, and r2 learns them over the RBS channel.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]


def setup_module(mod):
    tgen = Topogen(S.build_topo, mod.__name__)
    tgen.start_topology()
    S.prepare_nodes(tgen, "master-backup")
    lib_rbp.load_router_integrated(tgen.gears["up"], S.up_conf(),
                                   daemons=("zebra", "mgmtd", "staticd", "pimd", "pim6d"))
    for rn in S.ROUTERS:
        lib_rbp.load_router_integrated(tgen.gears[rn], S.router_conf(rn),
                                       daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    get_topogen().stop_topology()


def gear(name):
    return get_topogen().gears[name]


def entries(rn, family):
    ip = "ip" if family == 4 else "ipv6"
    return lib_rbp.vtysh_json(gear(rn), "show {} remote-backup entries json".format(ip))["entries"]


def test_channel_up():
    for rn in S.ROUTERS:
        for daemon in ("pimd", "pim6d"):
            def up():
                js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-service json")
                return js[daemon]["services"]["svc1"]["tcpState"] == "established"
            ok, _ = lib_rbp.wait_until(up, timeout=30)
            assert ok, (rn, daemon, lib_rbp.vtysh(gear(rn), "show remote-backup-service"))


def test_roles():
    def roles():
        js = lib_rbp.vtysh_json(gear("r1"), "show remote-backup-profile json")
        return js["pimd"]["profiles"]["p4"]["state"], js["pim6d"]["profiles"]["p6"]["state"]
    ok, last = lib_rbp.wait_until(lambda: roles() == ("master", "master"), timeout=30)
    assert ok, last


@pytest.mark.parametrize("family", [4, 6])
def test_join_replicated(family):
    group = S.ASM4 if family == 4 else S.ASM6
    j = lib_rbp.start_mcast_join(gear("h1"), "h1-eth0", [group])
    try:
        def on_r2():
            return [e for e in entries("r2", family) if e["group"] == group and e["origin"] == "peer"]
        ok, last = lib_rbp.wait_until(on_r2, timeout=30)
        dbg = [lib_rbp.vtysh(gear("r1"), "show ip igmp groups"),
               lib_rbp.vtysh(gear("r1"), "show ip igmp interface"),
               gear("sw1").cmd_raises("bridge mdb show; bridge -d link show"),
               gear("h1").cmd_raises("ip maddr show dev h1-eth0"),
               lib_rbp.vtysh(gear("r1"), "show remote-backup-service")]
        assert ok, "\n".join(dbg)
    finally:
        lib_rbp.stop_mcast_join(j)
