#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The RBS channel authenticated: two twins with `authentication key-chain`
(FRR key chains, patch 0012), `password` (TCP-MD5) and `ttl-security`
(GTSM) bring the channel up and replicate; a key rolls over on the live
channel without a reset; a twin with the wrong key is refused (counted by
reason, never REFUSED, back when the key is right again); a service
without authentication says so; TCP-AO is reported as not available on a
kernel without it.

    r1 ---- sw0 (10.0.20.0/24, the channel) ---- r2
    |                                            |
   sw1 (10.0.1.0/24) -- h1 (receiver)          sw2 (10.0.2.0/24)
"""

import os
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import yangcheck  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.rbp]

ROUTERS = ("r1", "r2")


def build_topo(tgen):
    for rn in ROUTERS:
        tgen.add_router(rn)
    tgen.add_host("h1", "10.0.1.10/24", "via 10.0.1.1")
    sw0 = tgen.add_switch("sw0")
    sw0.add_link(tgen.gears["r1"])
    sw0.add_link(tgen.gears["r2"])
    sw1 = tgen.add_switch("sw1")
    sw1.add_link(tgen.gears["r1"])
    sw1.add_link(tgen.gears["h1"])
    sw2 = tgen.add_switch("sw2")
    sw2.add_link(tgen.gears["r2"])


def setup_module(mod):
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    for rn in ROUTERS:
        lib_rbp.load_router_integrated(
            tgen.gears[rn], os.path.join(CWD, rn, "frr.conf"),
            daemons=("zebra", "mgmtd", "staticd", "pimd", "pim6d"),
            daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    get_topogen().stop_topology()


def gear(rn):
    return get_topogen().gears[rn]


def service(rn, name="svc1"):
    js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-service json")
    return js["pimd"]["services"][name]


def config(rn, *lines):
    rc, out = lib_rbp.vtysh_lines(gear(rn), "configure terminal", *lines)
    assert rc == 0 and "%" not in out, out
    return out


def wait_established(timeout=30):
    for rn in ROUTERS:
        ok, last = lib_rbp.wait_until(
            lambda rn=rn: service(rn)["tcpState"] == "established", timeout=timeout)
        assert ok, "{}: channel not up: {}".format(rn, service(rn))


def peer_groups(rn):
    js = lib_rbp.vtysh_json(gear(rn), "show ip remote-backup entries json")
    return sorted(e["group"] for e in js["entries"] if e["origin"] == "peer")


def test_modules_loaded():
    "pimd runs our module, and pimd has key chains (patch 0012)."
    for rn in ROUTERS:
        out = lib_rbp.vtysh(gear(rn), "show modules", daemon="pimd")
        assert "pimd_rbp" in out, out
        out = lib_rbp.vtysh(gear(rn), "show running-config", daemon="pimd")
        assert "key chain rbs-keys" in out, (
            "pimd has no key chain: the FRR toolchain lacks patch 0012 (key chains in "
            "pimd/pim6d) or vtysh was not rebuilt against it:\n" + out)
        assert " authentication key-chain rbs-keys" in out, out


def test_channel_up_authenticated():
    "HMAC key chain, TCP-MD5 and GTSM on both: the channel comes up."
    wait_established()
    for rn in ROUTERS:
        s = service(rn)
        assert s["authentication"] == "hmac-sha-256", s
        assert s["authKeyChain"] == "rbs-keys", s
        assert "authWarning" not in s and "authProblem" not in s, s
        assert s["authSendKeyId"] == 1 and s["authAcceptKeyId"] == 1, s
        assert s["tcpMd5"] is True and s["ttlSecurity"] is True, s
        assert s["tcpAo"] == "off", s
        assert s["sessionsUp"] == 1, s
        assert all(v == 0 for v in s["authFailures"].values()), s
        text = lib_rbp.vtysh(gear(rn), "show remote-backup-service svc1")
        assert "Authentication   : key chain rbs-keys (HMAC-SHA-256)" in text, text
        assert "TCP-MD5          : on" in text and "TTL security     : on" in text, text
        # the json and the configuration as frr-rbp.yang says
        yangcheck.validate_vtysh_json(
            "service", lib_rbp.vtysh_json(gear(rn), "show remote-backup-service json"))
        yangcheck.validate_config(lib_rbp.vtysh(gear(rn), "show running-config"))


def test_replicates():
    "A receiver's join on r1 reaches r2 over the authenticated channel."
    join = lib_rbp.start_mcast_join(gear("h1"), "h1-eth0", ["239.1.1.1"])
    try:
        ok, last = lib_rbp.wait_until(lambda: "239.1.1.1" in peer_groups("r2"), timeout=30)
        assert ok, "r2 peer entries: {}".format(last)
    finally:
        lib_rbp.stop_mcast_join(join)


def test_key_rollover_without_reset():
    """Key 2 on both, key 1's send lifetime ended on r1 then on r2, key 1
    removed: the channel stays up (no new session), frames go with key 2,
    and replication goes on."""
    up_before = {rn: service(rn)["sessionsUp"] for rn in ROUTERS}
    for rn in ROUTERS:
        config(rn, "key chain rbs-keys", "key 2", "key-string second-secret")
    # r1 stops sending with key 1 (a send lifetime in the past)
    config("r1", "key chain rbs-keys", "key 1",
           "send-lifetime 00:00:00 1 Jan 2020 00:00:01 1 Jan 2020")
    ok, last = lib_rbp.wait_until(
        lambda: service("r1").get("authSendKeyId") == 2
        and service("r2").get("authAcceptKeyId") == 2, timeout=10)
    assert ok, (service("r1"), service("r2"))
    config("r2", "key chain rbs-keys", "key 1",
           "send-lifetime 00:00:00 1 Jan 2020 00:00:01 1 Jan 2020")
    ok, last = lib_rbp.wait_until(
        lambda: service("r2").get("authSendKeyId") == 2
        and service("r1").get("authAcceptKeyId") == 2, timeout=10)
    assert ok, (service("r1"), service("r2"))
    for rn in ROUTERS:
        config(rn, "key chain rbs-keys", "no key 1")
    join = lib_rbp.start_mcast_join(gear("h1"), "h1-eth0", ["239.1.1.2"])
    try:
        ok, last = lib_rbp.wait_until(lambda: "239.1.1.2" in peer_groups("r2"), timeout=30)
        assert ok, "r2 peer entries: {}".format(last)
    finally:
        lib_rbp.stop_mcast_join(join)
    for rn in ROUTERS:
        s = service(rn)
        assert s["tcpState"] == "established", s
        assert s["sessionsUp"] == up_before[rn], (rn, s, up_before)
        assert s["errors"]["auth"] == 0, s
    yangcheck.validate_vtysh_json(
        "service", lib_rbp.vtysh_json(gear("r1"), "show remote-backup-service json"))


def test_wrong_key_refused():
    """r2's key string no longer matches: the channel goes down at the
    first frame, both count bad-mac failures, neither is REFUSED, nothing
    of the other is accepted; the right key brings it back."""
    config("r2", "key chain rbs-keys", "key 2", "key-string not-the-secret")
    for rn in ROUTERS:
        ok, last = lib_rbp.wait_until(
            lambda rn=rn: service(rn)["tcpState"] != "established"
            and service(rn)["authFailures"]["bad-mac"] >= 1, timeout=15)
        assert ok, "{}: {}".format(rn, service(rn))
    # it keeps trying, and keeps failing, without ever being refused
    ok, last = lib_rbp.wait_until(
        lambda: service("r1")["authFailures"]["bad-mac"] >= 3, timeout=30)
    assert ok, service("r1")
    for rn in ROUTERS:
        s = service(rn)
        assert s["tcpState"] in ("connect", "hello"), s
        assert "bad MAC" in s["lastReason"], s
    # said, not once per attempt without end (20 lines per 10 s)
    path = os.path.join(get_topogen().logdir, "r1", "pimd.log")
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            assert f.read().count("bad MAC") <= 2 * 20, "bad MAC lines not rate-limited"
    config("r2", "key chain rbs-keys", "key 2", "key-string second-secret")
    wait_established(timeout=30)


def test_tcp_ao_and_no_auth_warning():
    """A service without authentication says so; TCP-AO is not on this
    kernel: the CLI warns and show says so; password and tcp-ao exclude
    each other."""
    rc, out = lib_rbp.vtysh_lines(gear("r1"), "configure terminal",
                                  "remote-backup-service svc9", "tcp-ao key-chain rbs-keys")
    assert "TCP-AO is not available on this kernel" in out, out
    s = service("r1", "svc9")
    assert s["authentication"] == "none", s
    assert s["authWarning"].startswith("no authentication"), s
    assert s["tcpAo"] == "not available on this kernel", s
    text = lib_rbp.vtysh(gear("r1"), "show remote-backup-service svc9")
    assert "Warning          : no authentication" in text, text
    yangcheck.validate_vtysh_json(
        "service", lib_rbp.vtysh_json(gear("r1"), "show remote-backup-service json"))
    yangcheck.validate_config(lib_rbp.vtysh(gear("r1"), "show running-config"))
    assert "TCP-AO           : key chain rbs-keys, not available on this kernel" in text, text
    rc, out = lib_rbp.vtysh_lines(gear("r1"), "configure terminal",
                                  "remote-backup-service svc9", "password x")
    assert "remove it first" in out, out
    config("r1", "no remote-backup-service svc9")


def test_timers_negotiated():
    """timers keepalive 500 hold 2000 on r1 only: no reset of the live
    channel (it keeps the hold agreed in its Hello, keepalives from r1
    every 500 ms at once); on the next connection both use the lower hold,
    2000, and r2 keeps alive every third of it.  `no timers` and another
    connection: 3000 again."""
    wait_established()
    up_before = {rn: service(rn)["sessionsUp"] for rn in ROUTERS}
    config("r1", "remote-backup-service svc1", "timers keepalive 500 hold 2000")
    s1 = service("r1")
    assert (s1["keepaliveMs"], s1["holdMs"], s1["timersConfigured"]) == (500, 2000, True), s1
    assert s1["negotiatedHoldMs"] == 3000 and s1["negotiatedKeepaliveMs"] == 500, s1
    assert s1["sessionsUp"] == up_before["r1"], s1

    def new_connection():
        # a change of a TCP option resets the channel: twice, back as it was
        config("r1", "remote-backup-service svc1", "no ttl-security", "ttl-security")
        for rn in ROUTERS:
            ok, last = lib_rbp.wait_until(
                lambda rn=rn: service(rn)["sessionsUp"] > up_before[rn]
                and service(rn)["tcpState"] == "established", timeout=60)
            assert ok, "{}: no new connection: {}".format(rn, service(rn))
            up_before[rn] = service(rn)["sessionsUp"]

    new_connection()
    s1, s2 = service("r1"), service("r2")
    assert (s2["keepaliveMs"], s2["holdMs"], s2["timersConfigured"]) == (1000, 3000, False), s2
    assert s1["negotiatedHoldMs"] == 2000 and s2["negotiatedHoldMs"] == 2000, (s1, s2)
    assert s1["peerHoldMs"] == 3000 and s1["peerKeepaliveMs"] == 1000, s1
    assert s2["peerHoldMs"] == 2000 and s2["peerKeepaliveMs"] == 500, s2
    assert s1["negotiatedKeepaliveMs"] == 500, s1
    assert s2["negotiatedKeepaliveMs"] == 666, s2
    text = lib_rbp.vtysh(gear("r2"), "show remote-backup-service svc1")
    assert "Connection timers: hold 2000 ms, keepalive every 666 ms" in text, text
    for rn in ROUTERS:
        yangcheck.validate_vtysh_json(
            "service", lib_rbp.vtysh_json(gear(rn), "show remote-backup-service json"))
    yangcheck.validate_config(lib_rbp.vtysh(gear("r1"), "show running-config"))

    config("r1", "remote-backup-service svc1", "no timers")
    new_connection()
    for rn in ROUTERS:
        s = service(rn)
        assert (s["keepaliveMs"], s["holdMs"], s["negotiatedHoldMs"]) == (1000, 3000, 3000), s
