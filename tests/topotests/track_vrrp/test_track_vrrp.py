#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
vrrpd-track (vrrpd -M track): VRRP state publication to pimd/pim6d over
zebra's opaque relay, and VRRP tracking of interface monitor groups and
BFD sessions, through the real daemons.

                  sw1  LAN 192.168.10.0/24, 2001:db8:10::/64
                 /   \\   VRRP 5: 192.168.10.254, 2001:db8:10::fe
          r1-eth0     r2-eth0
     r1 (prio 200) --------- r2 (prio 150)
          r1-eth1     r2-eth1   10.0.12.0/24: BFD (bfdd profile "fast")
          |     |
     r1-eth2  r1-eth3           monitor-group uplinks on r1:
          |     |               r1-eth2 down-weight 30, r1-eth3 10
          h1-eth0 h1-eth1

r1/frr.conf and r2/frr.conf are the routers' starting configuration; the
tests change it through vtysh and restore it.  The tests assert on state
(VRRP roles, the module's show json and counters), never on elapsed time.
"""

import json
import os
import sys
from functools import partial

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib import topotest  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402
from lib_rbp import gear  # noqa: E402

pytestmark = [pytest.mark.vrrpd, pytest.mark.bfdd]

# as in r1/frr.conf and r2/frr.conf
VRID = 5
VIP4 = "192.168.10.254"
VIP6 = "2001:db8:10::fe"
ADV_MS = 500
# one character too many for an interface name (IFNAMSIZ 16 with its NUL)
# and for a monitor-group or BFD profile name (64)
IFNAME16 = "r1-eth2-abcdefgh"
NAME64 = "g" * 64

DAEMONS = ("zebra", "mgmtd", "staticd", "vrrpd", "bfdd")
ARGS = {"vrrpd": lib_rbp.MODULE_ARGS["vrrpd"]}

# r2's tracking of the BFD session to r1 (r2/frr.conf)
R2_PEER_TRACK = ("vrrp 5 track bfd peer 10.0.12.1 local-address 10.0.12.2"
                 " interface r2-eth1 profile fast peer")


def build_topo(tgen):
    tgen.add_router("r1")
    tgen.add_router("r2")
    tgen.add_host("h1", "172.16.1.2/24", "via 172.16.1.1")
    sw = tgen.add_switch("sw1")
    sw.add_link(tgen.gears["r1"])  # r1-eth0
    sw.add_link(tgen.gears["r2"])  # r2-eth0
    tgen.add_link(tgen.gears["r1"], tgen.gears["r2"])  # r1-eth1 r2-eth1
    tgen.add_link(tgen.gears["r1"], tgen.gears["h1"])  # r1-eth2 h1-eth0
    tgen.add_link(tgen.gears["r1"], tgen.gears["h1"])  # r1-eth3 h1-eth1


def setup_module(mod):
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    tgen.gears["h1"].cmd_raises("ip addr add 172.16.2.2/24 dev h1-eth1")
    for rn in ("r1", "r2"):
        r = tgen.gears[rn]
        lib_rbp.add_vrrp_macvlan(r, rn + "-eth0", VRID, 4, [VIP4 + "/24"])
        lib_rbp.add_vrrp_macvlan(r, rn + "-eth0", VRID, 6, [VIP6 + "/64"])
        lib_rbp.load_router_integrated(r, os.path.join(CWD, rn, "frr.conf"),
                                       daemons=DAEMONS, daemon_args=ARGS)
    lib_rbp.start_routers(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    get_topogen().stop_topology()


# --- helpers --------------------------------------------------------------


def configure(rn, *lines, interface=None):
    "Apply config lines on rn (under `interface` if given); must succeed."
    head = ["conf t"] + (["interface " + interface] if interface else [])
    rc, out = lib_rbp.vtysh_lines(gear(rn), *(head + list(lines)))
    assert rc == 0 and "%" not in out, "{}: {} failed:\n{}".format(rn, lines, out)


def track_json(rn):
    return lib_rbp.vtysh_json(gear(rn), "show vrrp track json")


def router_json(rn, family=4):
    "The module's view of VRRP 5 on rn's LAN interface, one family."
    for r in track_json(rn)["routers"]:
        if r["vrid"] == VRID and r["family"] == family:
            return r
    return None


def tracked(rn, kind, family=4):
    "Tracked objects of VRRP 5 on rn of one type ('bfd', 'monitor-group')."
    rj = router_json(rn, family) or {"tracked": []}
    return [t for t in rj["tracked"] if t["type"] == kind]


def roles(family=4):
    return lib_rbp.vrrp_roles(VRID, family)


def wait_roles(expected, family=4, timeout=30):
    ok, last = lib_rbp.wait_until(
        lambda: (lambda r: r if r == expected else None)(roles(family)),
        timeout=timeout,
        desc="roles {}".format(expected),
    )
    assert ok, "VRRP IPv{} roles never became {}: {}".format(
        family, expected, roles(family)
    )


def wait_track_json(rn, expected, timeout=30):
    "Wait until rn's `show vrrp track json` matches expected (json_cmp subset)."
    test_func = partial(topotest.router_json_cmp, gear(rn), "show vrrp track json", expected)
    _, res = topotest.run_and_expect(test_func, None, count=int(timeout * 2), wait=0.5)
    return res


def wait_router(rn, expected, family=4, timeout=30):
    "Wait until the module's json of VRRP 5 on rn matches expected (subset)."
    res = wait_track_json(
        rn, {"routers": [dict(expected, vrid=VRID, family=family)]}, timeout)
    assert res is None, "{}: VRRP {} never matched {}: {}".format(rn, VRID, expected, res)


def wait_tracked(rn, kind, expected, timeout=30):
    "Wait until VRRP 5 (IPv4) on rn tracks an object of kind matching expected."
    res = wait_track_json(
        rn, {"routers": [{"vrid": VRID, "family": 4,
                          "tracked": [dict(expected, type=kind)]}]}, timeout)
    assert res is None, "{}: no tracked {} matching {}: {}".format(rn, kind, expected, res)


def link(rn, ifname, up):
    gear(rn).cmd_raises("ip link set dev {} {}".format(ifname, "up" if up else "down"))


# A minimal opaque consumer standing in for pimd-rbp: registers for
# RBP_OPAQUE_VRRP_STATE on zebra (as PIM, its own session id), sends
# RBP_OPAQUE_VRRP_REQUEST, prints each state message as a json line
# until the dump it asked for ends.  ZAPI of FRR 10.3 (lib/zclient.h).
CONSUMER = r'''
import json, socket, struct, sys
HELLO, OPAQUE_MESSAGE, OPAQUE_REGISTER = 19, 122, 123
ROUTE_PIM, MARKER, VERSION, HDR = 11, 254, 6, 10
STATE, REQUEST = 0x52425001, 0x52425002
SESSION = 4242

def msg(cmd, body):
    return struct.pack("!HBBIH", HDR + len(body), MARKER, VERSION, 0, cmd) + body

def recv(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(float(sys.argv[2]))
s.connect(sys.argv[1])
s.sendall(msg(HELLO, struct.pack("!BHIB", ROUTE_PIM, 0, SESSION, 0)))
s.sendall(msg(OPAQUE_REGISTER, struct.pack("!IBHI", STATE, ROUTE_PIM, 0, SESSION)))
s.sendall(msg(OPAQUE_MESSAGE, struct.pack("!IHBHI", REQUEST, 0, ROUTE_PIM, 0, SESSION)))
while True:
    length, marker, version, vrf, cmd = struct.unpack("!HBBIH", recv(s, HDR))
    body = recv(s, length - HDR)
    if cmd != OPAQUE_MESSAGE:
        continue
    otype, flags, proto, inst, sess = struct.unpack("!IHBHI", body[:13])
    if otype != STATE:
        continue
    data = body[13:]
    ver, fam, vrid, state, prio, mflags, _res, seq = struct.unpack("!BBBBBBHI", data[:12])
    ifname = data[12:28].split(b"\0")[0].decode()
    print(json.dumps(dict(version=ver, family=fam, vrid=vrid, state=state,
                          priority=prio, flags=mflags, seq=seq, ifname=ifname,
                          size=len(data), src_proto=proto)), flush=True)
    if mflags & 0x02:
        break
'''


def run_consumer(rn, timeout=20):
    "Run the consumer on rn; return the state messages of one dump."
    r = gear(rn)
    path = lib_rbp.write_router_file(r, "opaque_consumer.py", CONSUMER)
    out = r.net.cmd_raises(
        ["/usr/bin/python3", path, "/var/run/frr/zserv.api", str(timeout)]
    )
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


# --- tests ----------------------------------------------------------------


def test_module_loaded_and_roles():
    "vrrpd runs the module; r1 (200) is Master, r2 (150) Backup, both families."
    lib_rbp.skip_on_failure()
    for rn in ("r1", "r2"):
        out = lib_rbp.vtysh(gear(rn), "show modules", daemon="vrrpd")
        assert "vrrpd_track" in out, out
    wait_roles({"r1": "Master", "r2": "Backup"}, 4)
    wait_roles({"r1": "Master", "r2": "Backup"}, 6)
    wait_router("r1", {"basePriority": 200, "effectivePriority": 200})
    # the BFD sessions the module registered came up through bfdd
    wait_tracked("r2", "bfd", {"peer": "10.0.12.1", "state": "up", "mode": "peer"})


def test_publication():
    "States are published through the module's own zebra client."
    lib_rbp.skip_on_failure()
    pub = track_json("r1")["publication"]
    assert pub["zebraConnected"] is True, pub
    assert pub["sessionId"] != 0, pub
    # a dump after connecting, and the transitions to Backup and Master
    assert pub["dumps"] >= 1 and pub["transitions"] >= 2, pub
    assert pub["sent"] >= pub["transitions"], pub
    assert pub["sendFailures"] == 0, pub
    # text forms and filters
    text = lib_rbp.vtysh(gear("r1"), "show vrrp track")
    assert "VRRP 5 on r1-eth0 IPv4: Master, priority 200 (base 200)" in text, text
    assert "monitor-group uplinks failure-ratio 50% (0 of 40 down)" in text, text
    assert "Publication to pimd/pim6d: zebra connected" in text, text
    text = lib_rbp.vtysh(gear("r1"), "show vrrp monitor-group")
    assert "Monitor group uplinks: 0 of 40 down-weight down (0%)" in text, text
    assert "tracked by VRRP 5 on r1-eth0: ok" in text, text
    js = lib_rbp.vtysh_json(gear("r1"), "show vrrp interface r1-eth0 5 track json")
    assert [r["family"] for r in js["routers"]] == [4, 6], js
    js = lib_rbp.vtysh_json(gear("r1"), "show vrrp interface r1-eth1 track json")
    assert js["routers"] == [], js


def test_publication_request_dump():
    "A request (as pimd sends at start) is answered by a full dump."
    lib_rbp.skip_on_failure()
    before = track_json("r1")["publication"]
    msgs = run_consumer("r1")
    after = track_json("r1")["publication"]
    assert after["requestsReceived"] == before["requestsReceived"] + 1, after
    assert after["requestsAnswered"] == before["requestsAnswered"] + 1, after
    # VRRP 5, both families, in one dump whose last message ends it
    assert [(m["family"], m["vrid"]) for m in msgs] == [(4, VRID), (6, VRID)], msgs
    assert all(m["flags"] & 0x01 for m in msgs), msgs
    assert msgs[-1]["flags"] & 0x02 and not msgs[0]["flags"] & 0x02, msgs
    for m in msgs:
        assert m["version"] == 1 and m["size"] == 28, m
        assert m["state"] == 1 and m["priority"] == 200, m  # Master
        assert m["ifname"] == "r1-eth0" and m["src_proto"] == 28, m  # VRRP
    assert msgs[1]["seq"] == msgs[0]["seq"] + 1, msgs


def test_publication_deleted():
    "Deleting a VRRP router publishes DELETED for both families and drops its tracking."
    lib_rbp.skip_on_failure()
    configure("r1", "vrrp 7 version 3", "vrrp 7 ip 192.168.10.77",
              "vrrp 7 track monitor-group uplinks failure-ratio 90 link",
              interface="r1-eth0")
    assert "vrrp 7 track monitor-group uplinks" in lib_rbp.running_config(gear("r1"))
    before = track_json("r1")["publication"]
    configure("r1", "no vrrp 7", interface="r1-eth0")
    after = track_json("r1")["publication"]
    assert after["deletions"] == before["deletions"] + 2, after
    assert "vrrp 7" not in lib_rbp.running_config(gear("r1"))


def test_monitor_group_reduced():
    "A weighted share of the group down lowers r1's priority: r2 takes over, and back."
    lib_rbp.skip_on_failure()
    r1 = gear("r1")
    # r1-eth3 alone is 10 of 40: below the failure ratio
    link("r1", "r1-eth3", False)
    test_func = partial(topotest.router_json_cmp, r1, "show vrrp monitor-group uplinks json",
                        {"groups": {"uplinks": {"downPercent": 25}}})
    _, res = topotest.run_and_expect(test_func, None, count=30, wait=1)
    assert res is None, res
    wait_tracked("r1", "monitor-group", {"state": "up", "effect": "none"})
    assert router_json("r1")["effectivePriority"] == 200
    link("r1", "r1-eth3", True)

    # r1-eth2 is 30 of 40
    link("r1", "r1-eth2", False)
    try:
        wait_tracked("r1", "monitor-group",
                     {"state": "down", "downPercent": 75, "effect": "priority -100"})
        wait_router("r1", {"basePriority": 200, "effectivePriority": 100})
        wait_roles({"r1": "Backup", "r2": "Master"}, 4)
        wait_roles({"r1": "Backup", "r2": "Master"}, 6)
        wait_router("r1", {"effectivePriority": 100}, family=6)
        # the effective priority is no configuration
        run = lib_rbp.running_config(r1)
        assert " vrrp 5 priority 200\n" in run and "priority 100" not in run, run
        # a new base priority is reduced as well
        configure("r1", "vrrp 5 priority 180", interface="r1-eth0")
        wait_router("r1", {"basePriority": 180, "effectivePriority": 80})
        configure("r1", "vrrp 5 priority 200", interface="r1-eth0")
        wait_router("r1", {"basePriority": 200, "effectivePriority": 100})
    finally:
        link("r1", "r1-eth2", True)
    wait_tracked("r1", "monitor-group", {"state": "up", "effect": "none"})
    wait_router("r1", {"effectivePriority": 200})
    wait_roles({"r1": "Master", "r2": "Backup"}, 4)


def test_monitor_group_link():
    "In link mode the group's failure holds r1 in Initialize."
    lib_rbp.skip_on_failure()
    r1 = gear("r1")
    configure("r1", "vrrp 5 track monitor-group uplinks failure-ratio 50 link",
              interface="r1-eth0")
    link("r1", "r1-eth2", False)
    try:
        wait_tracked("r1", "monitor-group",
                     {"state": "down", "mode": "link", "effect": "held in Initialize"})
        wait_router("r1", {"state": "Initialize", "heldInInitialize": True})
        wait_roles({"r1": "Initialize", "r2": "Master"}, 4)
        wait_roles({"r1": "Initialize", "r2": "Master"}, 6)
        run = lib_rbp.running_config(r1)
        assert "vrrp 5 shutdown" not in run, run
        # the hold is not vrrpd's shutdown setting
        vr = [v for v in lib_rbp.vtysh_json(r1, "show vrrp json") if v["vrid"] == VRID]
        assert vr and vr[0]["shutdown"] is False, vr
        # the operator's shutdown meanwhile outlasts the hold
        configure("r1", "vrrp 5 shutdown", interface="r1-eth0")
    finally:
        link("r1", "r1-eth2", True)
    wait_router("r1", {"heldInInitialize": False})
    assert router_json("r1")["state"] == "Initialize"
    assert " vrrp 5 shutdown\n" in lib_rbp.running_config(r1)
    configure("r1", "no vrrp 5 shutdown", interface="r1-eth0")
    wait_roles({"r1": "Master", "r2": "Backup"}, 4)
    configure("r1", "vrrp 5 track monitor-group uplinks failure-ratio 50 reduced 100",
              interface="r1-eth0")


def test_bfd_reduced():
    "BFD `reduced` on the master: the session down lowers r1's priority."
    lib_rbp.skip_on_failure()
    # r2's peer tracking would take over by itself here: this is r1's test
    configure("r2", "no " + R2_PEER_TRACK, interface="r2-eth0")
    configure("r1", "vrrp 5 track bfd peer 10.0.12.2 local-address 10.0.12.1"
              " interface r1-eth1 profile fast reduced 100", interface="r1-eth0")
    wait_tracked("r1", "bfd", {"peer": "10.0.12.2", "state": "up", "effect": "none"})
    link("r2", "r2-eth1", False)
    try:
        wait_tracked("r1", "bfd", {"state": "down", "effect": "priority -100"})
        wait_router("r1", {"effectivePriority": 100})
        wait_roles({"r1": "Backup", "r2": "Master"}, 4)
    finally:
        link("r2", "r2-eth1", True)
    wait_tracked("r1", "bfd", {"state": "up", "effect": "none"})
    wait_router("r1", {"effectivePriority": 200})
    wait_roles({"r1": "Master", "r2": "Backup"}, 4)
    configure("r1", "no vrrp 5 track bfd peer 10.0.12.2 local-address 10.0.12.1"
              " interface r1-eth1", interface="r1-eth0")
    assert tracked("r1", "bfd") == []
    configure("r2", R2_PEER_TRACK, interface="r2-eth0")
    wait_tracked("r2", "bfd", {"state": "up", "mode": "peer"})


def test_bfd_peer_takeover():
    "BFD `peer` on the backup: the master's BFD failing is a takeover at once."
    lib_rbp.skip_on_failure()
    r1, r2 = gear("r1"), gear("r2")
    # long advertisements: the master-down timer alone would wait ~9 s
    for rn in ("r1", "r2"):
        configure(rn, "vrrp 5 advertisement-interval 3000", interface=rn + "-eth0")
    test_func = partial(topotest.router_json_cmp, r2, "show vrrp json",
                        [{"vrid": VRID, "v4": {"masterAdverInterval": 3000}}])
    _, res = topotest.run_and_expect(test_func, None, count=30, wait=1)
    assert res is None, res
    wait_tracked("r2", "bfd", {"state": "up", "mode": "peer"})
    before = tracked("r2", "bfd")[0]["takeovers"]

    # the master dies at once: no priority-0 advertisement
    r1.killDaemons(["vrrpd", "bfdd"])
    ok, _ = lib_rbp.wait_until(
        lambda: lib_rbp.vrrp_states(r2).get(("r2-eth0", VRID)) == "Master",
        timeout=30,
        desc="r2 Master",
    )
    assert ok, lib_rbp.vrrp_states(r2)
    obj = tracked("r2", "bfd")[0]
    assert obj["state"] == "down", obj
    # the module triggered it, not the master-down timer
    assert obj["takeovers"] == before + 1, obj
    assert obj["takeoversSuppressed"] == 0, obj

    # r1 back with its boot config: it tells everyone at once, and preempts
    r1.startDaemons(["vrrpd", "bfdd"])
    lib_rbp.apply_config(r1, None, boot=True)
    pub = track_json("r1")["publication"]
    assert pub["zebraConnects"] == 1 and pub["dumps"] >= 1, pub
    configure("r2", "vrrp 5 advertisement-interval {}".format(ADV_MS),
              interface="r2-eth0")
    wait_roles({"r1": "Master", "r2": "Backup"}, 4, timeout=60)
    wait_tracked("r2", "bfd", {"state": "up", "mode": "peer"})


def test_bfd_link_suppresses_takeover():
    "A `link` session down (the backup's own link): a `peer` failure is no takeover."
    lib_rbp.skip_on_failure()
    r2 = gear("r2")
    # the LAN as r2's own link: a session to r1's LAN address
    configure("r2", "vrrp 5 track bfd peer 192.168.10.1 local-address 192.168.10.2"
              " interface r2-eth0 link", interface="r2-eth0")
    configure("r1", "bfd", "peer 192.168.10.2 local-address 192.168.10.1"
              " interface r1-eth0")
    wait_tracked("r2", "bfd", {"peer": "192.168.10.1", "state": "up", "mode": "link"})
    peer_obj = [t for t in tracked("r2", "bfd") if t["mode"] == "peer"][0]

    link("r2", "r2-eth0", False)
    try:
        wait_tracked("r2", "bfd", {"mode": "link", "state": "down",
                                   "effect": "suppresses takeover"})
        link("r2", "r2-eth1", False)
        wait_tracked("r2", "bfd", {"mode": "peer", "state": "down",
                                   "takeoversSuppressed":
                                   peer_obj["takeoversSuppressed"] + 1})
        obj = [t for t in tracked("r2", "bfd") if t["mode"] == "peer"][0]
        assert obj["takeovers"] == peer_obj["takeovers"], obj
    finally:
        link("r2", "r2-eth1", True)
        link("r2", "r2-eth0", True)
    wait_roles({"r1": "Master", "r2": "Backup"}, 4, timeout=60)
    configure("r2", "no vrrp 5 track bfd peer 192.168.10.1 local-address"
              " 192.168.10.2 interface r2-eth0", interface="r2-eth0")
    configure("r1", "bfd", "no peer 192.168.10.2 local-address 192.168.10.1"
              " interface r1-eth0")


def test_config_round_trip():
    "write memory, restart vrrpd, vtysh -b: the same track lines and groups."
    lib_rbp.skip_on_failure()
    r1 = gear("r1")
    configure("r1", "monitor-group spare", "binding interface r1-eth1 down-weight 1000",
              "binding interface nosuch0")
    configure("r1",
              "vrrp 5 track bfd peer 10.0.12.2 local-address 10.0.12.1"
              " interface r1-eth1 profile fast increased 20",
              "vrrp 5 track bfd peer 2001:db8:10::2 link",
              "vrrp 5 track monitor-group spare failure-ratio 100",
              "vrrp 5 preempt delay 3",
              interface="r1-eth0")
    before = lib_rbp.running_config(r1)
    for line in (
        "monitor-group spare\n binding interface nosuch0\n"
        " binding interface r1-eth1 down-weight 1000\nexit\n",
        "monitor-group uplinks\n binding interface r1-eth2 down-weight 30\n"
        " binding interface r1-eth3\nexit\n",
        " vrrp 5 track bfd peer 10.0.12.2 local-address 10.0.12.1 interface"
        " r1-eth1 profile fast increased 20\n",
        " vrrp 5 track bfd peer 2001:db8:10::2 link\n",
        " vrrp 5 track monitor-group spare failure-ratio 100\n",
        " vrrp 5 track monitor-group uplinks failure-ratio 50 reduced 100\n",
        " vrrp 5 preempt delay 3\n",
    ):
        assert before.count(line) == 1, "expected once:\n{}\nin:\n{}".format(line, before)
    # groups come before the interfaces that use them
    assert before.index("monitor-group uplinks") < before.index("interface r1-eth0")

    rc, out = lib_rbp.vtysh_lines(r1, "write memory")
    assert rc == 0, out
    lib_rbp.restart_daemons(r1, ["vrrpd"], reapply=True)
    after = lib_rbp.running_config(r1)
    assert after == before, "--- before\n{}\n--- after\n{}".format(before, after)
    # the restarted r1 waited out its preempt delay, then took over again
    wait_roles({"r1": "Master", "r2": "Backup"}, 4, timeout=60)
    assert router_json("r1")["preemptDelays"] >= 1
    configure("r1", "no vrrp 5 preempt delay", interface="r1-eth0")
    assert "preempt delay" not in lib_rbp.running_config(r1)


@pytest.mark.parametrize(
    "lines,error",
    [
        (["interface r1-eth0", "vrrp 5 track monitor-group nosuch failure-ratio 50"],
         "monitor-group nosuch does not exist"),
        (["interface r1-eth0", "vrrp 5 track monitor-group uplinks failure-ratio 0"],
         "failure-ratio 0 is not valid: use 1-100"),
        (["interface r1-eth0", "vrrp 5 track monitor-group uplinks failure-ratio 150"],
         "failure-ratio 150 is not valid: use 1-100"),
        (["interface r1-eth0",
          "vrrp 5 track monitor-group uplinks failure-ratio 50 reduced 300"],
         "reduced 300 is not valid: use 1-254"),
        (["interface r1-eth0", "vrrp 9 track monitor-group uplinks failure-ratio 50"],
         "VRRP 9 does not exist on interface r1-eth0"),
        (["interface r1-eth1", "vrrp 5 track bfd peer 10.0.12.2 reduced 10"],
         "VRRP 5 does not exist on interface r1-eth1"),
        (["interface r1-eth0",
          "vrrp 5 track bfd peer 10.0.12.2 local-address 2001:db8:10::1 peer"],
         "not of the same address family"),
        (["no monitor-group uplinks"],
         "monitor-group uplinks is tracked by VRRP 5 on interface r1-eth0"),
        (["monitor-group uplinks", "no binding interface r1-eth9"],
         "interface r1-eth9 is not bound to monitor-group uplinks"),
        # names are refused, never cut short (IFNAMSIZ, BFD and group names)
        (["interface r1-eth0", "vrrp 5 track bfd peer 10.0.12.2 local-address 10.0.12.1"
          " interface " + IFNAME16 + " reduced 10"],
         "interface name {} is too long: at most 15 characters".format(IFNAME16)),
        (["interface r1-eth0", "no vrrp 5 track bfd peer 10.0.12.2 interface " + IFNAME16],
         "interface name {} is too long: at most 15 characters".format(IFNAME16)),
        (["interface r1-eth0", "vrrp 5 track bfd peer 10.0.12.2 profile " + NAME64
          + " reduced 10"],
         "BFD profile name {} is too long: at most 63 characters".format(NAME64)),
        (["monitor-group " + NAME64],
         "monitor-group name {} is too long: at most 63 characters".format(NAME64)),
        (["no monitor-group " + NAME64],
         "monitor-group name {} is too long: at most 63 characters".format(NAME64)),
        (["interface r1-eth0",
          "vrrp 5 track monitor-group " + NAME64 + " failure-ratio 50"],
         "monitor-group name {} is too long: at most 63 characters".format(NAME64)),
        (["interface r1-eth0", "no vrrp 5 track monitor-group " + NAME64],
         "monitor-group name {} is too long: at most 63 characters".format(NAME64)),
        (["monitor-group uplinks", "binding interface " + IFNAME16],
         "interface name {} is too long: at most 15 characters".format(IFNAME16)),
        (["monitor-group uplinks", "no binding interface " + IFNAME16],
         "interface name {} is too long: at most 15 characters".format(IFNAME16)),
    ],
    ids=["unknown-group", "ratio-0", "ratio-150", "reduced-300", "no-such-vrid",
         "no-vrrp-on-interface", "family-mismatch", "delete-used-group",
         "unbind-unknown", "bfd-ifname-16", "no-bfd-ifname-16", "bfd-profile-64",
         "group-name-64", "no-group-name-64", "track-group-name-64",
         "no-track-group-name-64", "bind-ifname-16", "unbind-ifname-16"],
)
def test_bad_config_rejected(lines, error):
    "A clear error, a failing exit status, and no change to the config."
    lib_rbp.skip_on_failure()
    r1 = gear("r1")
    before = lib_rbp.running_config(r1)
    rc, out = lib_rbp.vtysh_lines(r1, "conf t", *lines)
    assert rc != 0, "accepted: {}\n{}".format(lines, out)
    assert error in out, "expected {!r} in:\n{}".format(error, out)
    assert lib_rbp.running_config(r1) == before


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
