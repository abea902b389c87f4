#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Foundation: the modules load in pimd, pim6d and vrrpd; their configuration
goes through the rebuilt vtysh (nodes, `?` help, show running-config once,
in the right blocks), survives `write memory` and a restart of every daemon
unchanged (vtysh -b at boot); bad configuration is rejected with a clear
error and changes nothing.

    r1 -- sw1 -- r2        (LAN 10.0.1.0/24, 2001:db8:1::/64)

r1 starts with r1/frr.conf; r2 runs the daemons with the modules, no
configuration.  r1/show_*.json: expected show output.
"""

import os
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import yangcheck  # noqa: E402
from lib import topotest  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

def build_topo(tgen):
    tgen.add_router("r1")
    tgen.add_router("r2")
    sw = tgen.add_switch("sw1")
    sw.add_link(tgen.gears["r1"])
    sw.add_link(tgen.gears["r2"])


def setup_module(mod):
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    lib_rbp.load_router_integrated(
        tgen.gears["r1"], os.path.join(CWD, "r1", "frr.conf"),
        daemon_args=lib_rbp.MODULE_ARGS
    )
    lib_rbp.load_router_daemons(tgen.gears["r2"], daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    get_topogen().stop_topology()


def r1():
    return get_topogen().gears["r1"]


def test_modules_loaded():
    "Each daemon lists its module."
    for daemon, module in (
        ("pimd", "pimd_rbp"),
        ("pim6d", "pim6d_rbp"),
        ("vrrpd", "vrrpd_track"),
    ):
        out = lib_rbp.vtysh(r1(), "show modules", daemon=daemon)
        assert module in out, "{}: {} not loaded:\n{}".format(daemon, module, out)


def test_running_config_blocks_once():
    "Service and profile blocks appear once, before the interfaces."
    run = lib_rbp.running_config(r1())
    for block in (
        "remote-backup-service svc1\n peer 10.0.1.2 source 10.0.1.1 port 2100\nexit\n",
        "remote-backup-service svc6\n peer 2001:db8:1::2 source 2001:db8:1::1 port 2200\n"
        " timers keepalive 500 hold 2000\n timers digest 30000\nexit\n",
        "remote-backup-profile p4\n backup-id 10 remote-backup-service svc1\n"
        " service-type igmp\n peer-backup hot\n vrrp-id 1 interface r1-eth0\nexit\n",
        "remote-backup-profile p6\n backup-id 20 remote-backup-service svc6\n"
        " service-type mld\n peer-backup hot\n vrrp6-id 1 interface r1-eth0\nexit\n",
    ):
        assert run.count(block) == 1, "expected once:\n{}\nin:\n{}".format(block, run)
    assert run.count("remote-backup-profile p4\n") == 2  # block + binding
    iface = run[run.index("\ninterface r1-eth0\n") :]
    iface = iface[: iface.index("exit")]
    assert " remote-backup-profile p4\n" in iface and " remote-backup-profile p6\n" in iface
    assert run.index("remote-backup-profile p6") < run.index("\ninterface r1-eth0\n")
    assert run.count("debug remote-backup session") == 1


def test_help():
    "`?` lists the sub-commands with their help."
    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "remote-backup-profile p4", "service-type ?")
    assert "igmp" in out and "mld" in out, out
    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "remote-backup-service svc1", "?")
    assert "peer" in out and "Twin router" in out, out


def test_show_json():
    "show commands answer through vtysh, json wrapped per daemon."
    for cmd, expected in (
        ("show remote-backup-profile json", "show_remote_backup_profile.json"),
        ("show remote-backup-service svc6 json", "show_remote_backup_service_svc6.json"),
    ):
        res = topotest.router_json_cmp(r1(), cmd, lib_rbp.load_json(CWD, "r1", expected))
        assert res is None, "{}: {}".format(cmd, res)
    js = lib_rbp.vtysh_json(r1(), "show remote-backup-service svc6 json")
    # pimd runs no channel for a service without igmp profiles
    assert js["pimd"]["services"]["svc6"]["tcpState"].startswith("idle")


LONG = "x" * 300


@pytest.mark.parametrize(
    "lines,error",
    [
        (
            ["interface r1-eth0", "remote-backup-profile nosuch"],
            "remote-backup-profile nosuch does not exist",
        ),
        (
            ["remote-backup-service svc1", "peer 10.0.1.2 source 10.0.1.1 port 0"],
            "Unknown command",
        ),
        (["remote-backup-profile p4", "service-type pim"], "Unknown service-type pim"),
        (
            ["remote-backup-profile p6", "backup-id 10 remote-backup-service svc1"],
            "backup-id 10 is already used by remote-backup-profile p4",
        ),
        (
            ["remote-backup-profile p4", "backup-id 11 remote-backup-service nosuch"],
            "remote-backup-service nosuch does not exist",
        ),
        (["no remote-backup-service svc1"], "is used by remote-backup-profile p4"),
        (["no remote-backup-profile p4"], "is bound to interface r1-eth0"),
        (
            ["remote-backup-service svc1", "peer 10.0.1.2 source 2001:db8:1::1 port 2100"],
            "not of the same address family",
        ),
        (
            ["remote-backup-service svc6", "peer 2001:db8:1::2 source 2001:db8:1::1 port 65535"],
            "Unknown command",
        ),
        (
            ["remote-backup-service svc1", "peer 224.0.0.1 source 10.0.1.1 port 2100"],
            "peer 224.0.0.1 is not a unicast address",
        ),
        (
            ["remote-backup-service svc1", "peer 0.0.0.0 source 10.0.1.1 port 2100"],
            "peer 0.0.0.0 is not a unicast address",
        ),
        (
            ["remote-backup-service svc1", "peer 255.255.255.255 source 10.0.1.1 port 2100"],
            "peer 255.255.255.255 is not a unicast address",
        ),
        (
            ["remote-backup-service svc1", "peer 127.0.0.1 source 10.0.1.1 port 2100"],
            "peer 127.0.0.1 is a loopback address",
        ),
        (
            ["remote-backup-service svc6", "peer :: source 2001:db8:1::1 port 2200"],
            "peer :: is not a unicast address",
        ),
        (
            ["remote-backup-service svc6", "peer ff02::1 source 2001:db8:1::1 port 2200"],
            "peer ff02::1 is not a unicast address",
        ),
        (
            ["remote-backup-service svc6", "peer fe80::2 source 2001:db8:1::1 port 2200"],
            "peer fe80::2 is link-local",
        ),
        (
            ["remote-backup-service svc1", "peer 10.0.1.2 source 10.9.9.9 port 2100"],
            "source 10.9.9.9 is not an address of this router",
        ),
        (
            ["remote-backup-profile p6", "vrrp-id 1 interface r1-eth0"],
            "remote-backup-profile p6 is of service-type mld: use vrrp6-id",
        ),
        (
            ["remote-backup-profile p4", "no service-type"],
            "remote-backup-profile p4 is bound to interface r1-eth0",
        ),
        (
            ["remote-backup-profile p4", "service-type mld"],
            "service-type mld needs a vrrp6-id group",
        ),
        (
            ["remote-backup-service " + LONG],
            "remote-backup-service name is too long (300 characters, at most 31)",
        ),
        (
            ["remote-backup-profile " + LONG],
            "remote-backup-profile name is too long (300 characters, at most 31)",
        ),
        (
            ["interface r1-eth0", "remote-backup-profile " + LONG],
            "remote-backup-profile name is too long",
        ),
        (
            ["remote-backup-profile p4", "vrrp-id 1 interface abcdefghijklmnop"],
            "interface name is too long (16 characters, at most 15)",
        ),
        (
            ["interface r1-eth0", "ip multicast track admin-vrrp interface abcdefghijklmnop vrid 3"],
            "interface name is too long (16 characters, at most 15)",
        ),
        (
            ["remote-backup-service svc1", "timers keepalive 1000 hold 2999"],
            "hold 2999 ms is less than 3 x keepalive (3000 ms)",
        ),
        (
            ["remote-backup-service svc6", "timers keepalive 700 hold 2000"],
            "hold 2000 ms is less than 3 x keepalive (2100 ms)",
        ),
        (["remote-backup-service svc1", "timers keepalive 99 hold 3000"], "Unknown command"),
        (["remote-backup-service svc1", "timers keepalive 60001 hold 180000"], "Unknown command"),
        (["remote-backup-service svc1", "timers keepalive 100 hold 299"], "Unknown command"),
        (["remote-backup-service svc1", "timers keepalive 1000 hold 180001"], "Unknown command"),
        (["remote-backup-service svc1", "timers keepalive 1000"], "Command incomplete"),
        (["remote-backup-service svc1", "timers hold 3000"], "Unknown command"),
        (["remote-backup-service svc1", "timers digest 999"], "Unknown command"),
        (["remote-backup-service svc1", "timers digest 600001"], "Unknown command"),
    ],
    ids=[
        "unknown-profile",
        "port-0",
        "bad-service-type",
        "duplicate-backup-id",
        "unknown-service",
        "delete-used-service",
        "delete-bound-profile",
        "family-mismatch",
        "port-65535",
        "peer-multicast",
        "peer-unspecified",
        "peer-broadcast",
        "peer-loopback",
        "peer6-unspecified",
        "peer6-multicast",
        "peer6-link-local",
        "source-not-local",
        "vrrp-family-of-type",
        "unset-type-bound",
        "type-vs-vrrp-family",
        "long-service-name",
        "long-profile-name",
        "long-binding-name",
        "long-vrrp-ifname",
        "long-admin-vrrp-ifname",
        "timers-hold-below-3-keepalive",
        "timers-hold-below-3-keepalive-configured",
        "timers-keepalive-below-floor",
        "timers-keepalive-above-max",
        "timers-hold-below-floor",
        "timers-hold-above-max",
        "timers-keepalive-without-hold",
        "timers-hold-without-keepalive",
        "timers-digest-below-min",
        "timers-digest-above-max",
    ],
)
def test_bad_config_rejected(lines, error):
    "A clear error, a failing exit status, and no change to the config."
    before = lib_rbp.running_config(r1())
    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", *lines)
    assert rc != 0, "accepted: {}\n{}".format(lines, out)
    assert error in out, "expected {!r} in:\n{}".format(error, out)
    assert lib_rbp.running_config(r1()) == before


def test_show_long_name_json():
    "A long name in a show command: valid json, never cut."
    for what in ("service", "profile"):
        cmd = "show remote-backup-{} {} json".format(what, "y" * 300)
        res = topotest.router_json_cmp(r1(), cmd, {"pimd": {}, "pim6d": {}}, exact=True)
        assert res is None, "{}: {}".format(cmd, res)


def _svc_json(name):
    return lib_rbp.vtysh_json(r1(), "show remote-backup-service {} json".format(name))


def test_timers():
    """timers keepalive/hold and digest: written only when set, shown in
    force by both daemons (json as frr-rbp.yang says), `no` goes back to
    the defaults; the floor (hold 300, keepalive 100) is accepted."""
    run = lib_rbp.running_config(r1())
    svc1 = run[run.index("remote-backup-service svc1\n"):]
    assert "timers" not in svc1[: svc1.index("exit")], run
    for daemon in ("pimd", "pim6d"):
        s = _svc_json("svc1")[daemon]["services"]["svc1"]
        assert (s["keepaliveMs"], s["holdMs"], s["digestMs"]) == (1000, 3000, 10000), s
        assert s["timersConfigured"] is False and s["digestConfigured"] is False, s

    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "remote-backup-service svc1",
                                  "timers keepalive 100 hold 300", "timers digest 1000")
    assert rc == 0 and "%" not in out, out
    run = lib_rbp.running_config(r1())
    assert ("remote-backup-service svc1\n peer 10.0.1.2 source 10.0.1.1 port 2100\n"
            " timers keepalive 100 hold 300\n timers digest 1000\nexit\n") in run, run
    js = _svc_json("svc1")
    yangcheck.validate_vtysh_json("service", js)
    yangcheck.validate_config(lib_rbp.vtysh(r1(), "show running-config"))
    for daemon in ("pimd", "pim6d"):
        s = js[daemon]["services"]["svc1"]
        assert (s["keepaliveMs"], s["holdMs"], s["digestMs"]) == (100, 300, 1000), s
        assert s["timersConfigured"] is True and s["digestConfigured"] is True, s
    text = lib_rbp.vtysh(r1(), "show remote-backup-service svc1")
    assert "Timers           : keepalive 100 ms, hold 300 ms, digest 1000 ms" in text, text

    # the largest values
    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "remote-backup-service svc1",
                                  "timers keepalive 60000 hold 180000", "timers digest 600000")
    assert rc == 0 and "%" not in out, out
    s = _svc_json("svc1")["pimd"]["services"]["svc1"]
    assert (s["keepaliveMs"], s["holdMs"], s["digestMs"]) == (60000, 180000, 600000), s

    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "remote-backup-service svc1",
                                  "no timers", "no timers digest")
    assert rc == 0 and "%" not in out, out
    run = lib_rbp.running_config(r1())
    svc1 = run[run.index("remote-backup-service svc1\n"):]
    assert "timers" not in svc1[: svc1.index("exit")], run
    s = _svc_json("svc1")["pim6d"]["services"]["svc1"]
    assert (s["keepaliveMs"], s["holdMs"], s["digestMs"]) == (1000, 3000, 10000), s
    assert s["timersConfigured"] is False and s["digestConfigured"] is False, s
    text = lib_rbp.vtysh(r1(), "show remote-backup-service svc1")
    assert "keepalive 1000 ms, hold 3000 ms (defaults), digest 10000 ms (default)" in text, text
    # the long forms of `no` too
    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "remote-backup-service svc1",
                                  "timers keepalive 200 hold 900", "timers digest 2000",
                                  "no timers keepalive 200 hold 900", "no timers digest 2000")
    assert rc == 0 and "%" not in out, out
    assert "timers" not in _svc_block(lib_rbp.running_config(r1()), "svc1")


def _svc_block(run, name):
    block = run[run.index("remote-backup-service {}\n".format(name)):]
    return block[: block.index("exit")]


def test_timers_vtysh_f_round_trip():
    """The running config applied again with `vtysh -f` (as a config
    file replay) changes nothing, timers included."""
    router = r1()
    before = lib_rbp.running_config(router)
    assert " timers keepalive 500 hold 2000\n" in _svc_block(before, "svc6"), before
    rc, out = lib_rbp.vtysh_lines(router, "conf t", "remote-backup-service svc6",
                                  "no timers", "no timers digest")
    assert rc == 0, out
    assert "timers" not in _svc_block(lib_rbp.running_config(router), "svc6")
    lib_rbp.apply_config(router, before)
    assert lib_rbp.running_config(router) == before


def test_admin_vrrp_round_trip():
    "admin-vrrp with ignore-if-down is written back as given, and removed."
    rc, out = lib_rbp.vtysh_lines(
        r1(), "conf t", "interface r1-eth0",
        "ip multicast track admin-vrrp interface r1-eth9 vrid 7 ignore-if-down",
        "ipv6 multicast track admin-vrrp6 interface r1-eth9 vrid 8")
    assert rc == 0, out
    run = lib_rbp.running_config(r1())
    assert " ip multicast track admin-vrrp interface r1-eth9 vrid 7 ignore-if-down\n" in run, run
    assert " ipv6 multicast track admin-vrrp6 interface r1-eth9 vrid 8\n" in run, run
    js = lib_rbp.vtysh_json(r1(), "show ip remote-backup interfaces json", daemon="pimd")
    (ifc,) = [i for i in js["interfaces"] if i["interface"] == "r1-eth0"]
    assert ifc["forwardingFollows"] == "track" and ifc["ignoreIfDown"] is True, ifc
    rc, out = lib_rbp.vtysh_lines(r1(), "conf t", "interface r1-eth0", "no ip multicast track",
                          "no ipv6 multicast track")
    assert rc == 0, out
    assert "multicast track" not in lib_rbp.running_config(r1())


def test_round_trip_restart():
    "write memory, kill every daemon, boot with vtysh -b: the same config."
    router = r1()
    before = lib_rbp.running_config(router)
    rc, out = lib_rbp.vtysh_lines(router, "write memory")
    assert rc == 0, out
    saved = router.net.cmd_raises(["cat", "/etc/frr/frr.conf"])
    assert saved.count("\nremote-backup-service svc1\n") == 1, saved

    daemons = lib_rbp.DAEMONS
    lib_rbp.restart_daemons(router, daemons, reapply=True)
    assert lib_rbp.missing_daemons(router, daemons) == []
    after = lib_rbp.running_config(router)
    assert after == before, "config changed over a restart:\n--- before\n{}\n--- after\n{}".format(
        before, after
    )


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
