# SPDX-License-Identifier: GPL-2.0-or-later
"""
The topology of the seed-001 scenario (dual-device hot backup with VRRP),
shared by the topotests, the lab and the switchover benchmark.

                  src (10.0.10.2, 2001:db8:10::2)
                   |
                   up   PIM RP 10.0.10.1 / 2001:db8:10::1
                 /    \\
        10.0.11.0/24   10.0.12.0/24
               /        \\
             r1 -------- r2     r1-eth2/r2-eth2: 10.0.20.0/24, the RBS
               \\        /       channel (and BFD)
         r1-eth1      r2-eth1
                 \\    /
                  sw1            LAN 10.0.1.0/24, 2001:db8:1::/64
                   |             VRRP 1: 10.0.1.254, 2001:db8:1::fe
                   h1 (receiver, .10)

sw1 is an IGMP/MLD snooping switch.  Linux's bridge floods IGMPv3/MLDv2
reports (they go to link-local groups), so a bridge filter (nftables,
set_report_port) plays the snooping switch's part: reports reach the
master's port only, the way the seed's access link to the backup carries
none.  The backup learns the joins from the master over the RBS channel.
At a takeover the test points the reports at the new master, as the
switch would after hearing its queries.  mode="active-active": reports
reach both routers, and only the VRRP master forwards.

The configurations: tests/topotests/seed001/{up,r1,r2}/frr.conf (the
standard one; router_conf() derives the variants some scenarios use).

The LAN runs PIM in passive mode (no downstream PIM routers): the DR
election does not decide who forwards, VRRP does.
"""

import os

ROUTERS = ("r1", "r2")
SW_PORT = {"r1": "sw1-eth0", "r2": "sw1-eth1", "h1": "sw1-eth2"}
LAN_IF = {"r1": "r1-eth1", "r2": "r2-eth1"}
UP_IF = {"r1": "r1-eth0", "r2": "r2-eth0"}
LINK_IF = {"r1": "r1-eth2", "r2": "r2-eth2"}
LAN4 = {"r1": "10.0.1.1", "r2": "10.0.1.2", "h1": "10.0.1.10"}
LAN6 = {"r1": "2001:db8:1::1", "r2": "2001:db8:1::2", "h1": "2001:db8:1::10"}
LL6 = {"r1": "fe80::1", "r2": "fe80::2"}
LINK4 = {"r1": "10.0.20.1", "r2": "10.0.20.2"}
LINK6 = {"r1": "2001:db8:20::1", "r2": "2001:db8:20::2"}
UPNET4 = {"r1": "10.0.11", "r2": "10.0.12"}
UPNET6 = {"r1": "2001:db8:11", "r2": "2001:db8:12"}
PEER = {"r1": "r2", "r2": "r1"}
VRID = 1
VIP4 = "10.0.1.254"
VIP6 = "2001:db8:1::fe"
RP4 = "10.0.10.1"
RP6 = "2001:db8:10::1"
SRC4 = "10.0.10.2"
SRC6 = "2001:db8:10::2"
PRIO = {"r1": 200, "r2": 150}
RBS_PORT = 2100

# groups: ASM and SSM per family
ASM4, SSM4 = "239.1.1.1", "232.1.1.1"
ASM6, SSM6 = "ff15::1:1", "ff35::1:1"


def build_topo(tgen):
    for rn in ("up",) + ROUTERS:
        tgen.add_router(rn)
    tgen.add_host("src", "10.0.10.2/24", "via 10.0.10.1")
    tgen.add_host("h1", "10.0.1.10/24", "via 10.0.1.254")
    tgen.add_link(tgen.gears["r1"], tgen.gears["up"])   # r1-eth0 up-eth0
    tgen.add_link(tgen.gears["r2"], tgen.gears["up"])   # r2-eth0 up-eth1
    sw = tgen.add_switch("sw1")
    sw.add_link(tgen.gears["r1"])                        # r1-eth1
    sw.add_link(tgen.gears["r2"])                        # r2-eth1
    sw.add_link(tgen.gears["h1"])                        # h1-eth0
    tgen.add_link(tgen.gears["r1"], tgen.gears["r2"])   # r1-eth2 r2-eth2
    tgen.add_link(tgen.gears["src"], tgen.gears["up"])  # src-eth0 up-eth2


# The standard configurations: static files a reader can open, loaded as
# they are by the scenarios that use them (start() without variants).
CONF_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "seed001")


def conf_path(rn):
    "The standard integrated frr.conf of up, r1 or r2 (tests/topotests/seed001/)."
    return os.path.join(CONF_DIR, rn, "frr.conf")


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def up_conf():
    "up's frr.conf (seed001/up/frr.conf)."
    return _read(conf_path("up"))


def router_conf(rn, modules=True, hot=True, adv_ms=100, bfd=False,
                profiles=True, vrrp=True, pim_passive=True, lan_extra=(),
                debug=True, preempt_delay=None, service_extra=()):
    """Integrated frr.conf of r1 or r2: seed001/<rn>/frr.conf (what the
    defaults give) with a variant's changes.

    modules=False: without the remote backup service, its profiles,
    bindings and debug (the -M options are given at daemon start); hot:
    peer-backup hot; adv_ms: VRRP advertisement interval; bfd: "lan" or
    "link", a BFD session (10 ms x 3) between r1 and r2 over the LAN or
    over the r1-r2 link, and `vrrp 1 track bfd ... peer` on the backup;
    profiles=False: no profiles and bindings; vrrp=False: no VRRP;
    pim_passive=False: PIM hellos on the LAN (the DR election then
    matters); lan_extra: more lines for the LAN interface; debug=False:
    no `debug remote-backup`; preempt_delay: seconds of `vrrp 1 preempt
    delay` (vrrpd-track) on both twins, as in the seed (or the rest of
    the line: "60 wait-sync"); service_extra:
    more lines for the remote-backup-service (e.g. "timers keepalive 1000
    hold 15000").
    """
    assert bfd in (False, "lan", "link"), bfd
    lan = "interface " + LAN_IF[rn]
    # after the VRRP lines, before the profile bindings
    lan_add = []
    if vrrp and preempt_delay:
        lan_add += [" vrrp {} preempt delay {}".format(VRID, preempt_delay)]
    peer = PEER[rn]
    bfd_addr = LAN4 if bfd == "lan" else LINK4
    # on the LAN the session is bound to the interface: the VRRP macvlan
    # holds an address of the same subnet, and an unbound session follows
    # whichever route the kernel picks (it flaps when the macvlan comes up)
    bfd_if = " interface " + LAN_IF[rn] if bfd == "lan" else ""
    if bfd and rn == "r2":
        # the backup takes over as soon as the BFD session to the master
        # goes down (vrrpd-track)
        lan_add += [" vrrp {} track bfd peer {} local-address {}{} profile fast peer".format(
            VRID, bfd_addr[peer], bfd_addr[rn], bfd_if)]

    def keep(head, line):
        if head.startswith("remote-backup-service "):
            return modules
        if head.startswith("remote-backup-profile "):
            return modules and profiles and (hot or line != " peer-backup hot")
        if head == "debug remote-backup":
            return modules and debug
        if head == lan:
            if line.startswith(" remote-backup-profile "):
                return modules and profiles
            if line in (" ip pim passive", " ipv6 pim passive"):
                return pim_passive
            if line.startswith(" vrrp "):
                return vrrp
        return True

    out, comments, head = [], [], None
    for line in _read(conf_path(rn)).splitlines():
        if line.startswith("!"):
            comments.append(line)  # goes with the line it stands before
            continue
        if not line.startswith(" ") and line != "exit":
            head = line
        if head.startswith("remote-backup-service ") and line == "exit":
            out += [" " + x for x in service_extra if modules]
        if head == lan:
            if line.startswith(" vrrp {} advertisement-interval ".format(VRID)):
                line = " vrrp {} advertisement-interval {}".format(VRID, adv_ms)
            if line.startswith(" remote-backup-profile ") or line == "exit":
                out += lan_add
                lan_add = []
            if line == "exit":
                out += [" " + x for x in lan_extra]
        if keep(head, line):
            out += comments + [line]
        comments = []
    if bfd:
        out += [
            "bfd",
            " profile fast",
            "  receive-interval 10",
            "  transmit-interval 10",
            "  detect-multiplier 3",
            " exit",
            " peer {} local-address {}{}".format(bfd_addr[peer], bfd_addr[rn], bfd_if),
            "  profile fast",
            " exit",
            "exit",
        ]
    return "\n".join(out) + "\n"


def prepare_nodes(tgen, mode="master-backup"):
    """Host addresses, fixed link-local addresses, VRRP macvlans, and the
    switch's snooping (on for master/backup, off for active-active)."""
    # pylint: disable=import-outside-toplevel
    import lib_rbp

    h1 = tgen.gears["h1"]
    h1.cmd_raises("ip -6 addr add {}/64 dev h1-eth0 nodad".format(LAN6["h1"]))
    h1.cmd_raises("ip -6 route add default via {}".format(VIP6))
    src = tgen.gears["src"]
    srcif = "src-eth0"
    src.cmd_raises("ip -6 addr add {}/64 dev {} nodad".format(SRC6, srcif))
    src.cmd_raises("ip -6 route add default via {}".format(RP6))

    for rn in ROUTERS:
        r = tgen.gears[rn]
        lan = LAN_IF[rn]
        # deterministic MLD querier election: r1 has the lowest link-local
        r.cmd_raises("ip -6 addr flush dev {} scope link".format(lan))
        r.cmd_raises("ip -6 addr add {}/64 dev {} nodad".format(LL6[rn], lan))
        r.cmd_raises("sysctl -qw net.ipv4.conf.all.rp_filter=0")
        lib_rbp.add_vrrp_macvlan(r, lan, VRID, 4, [VIP4 + "/24"])
        lib_rbp.add_vrrp_macvlan(r, lan, VRID, 6, [VIP6 + "/64"])

    sw = tgen.gears["sw1"]
    snoop = 1 if mode == "master-backup" else 0
    # a router port learned from queries lapses after 12 s without one (not
    # 255 s): the backup stops querying once it hears the master, and
    # after a takeover the new master's queries make its port a router port
    sw.cmd_raises("ip link set dev sw1 type bridge mcast_snooping {} "
                  "mcast_igmp_version 3 mcast_mld_version 2 "
                  "mcast_querier_interval 1200".format(snoop))
    set_report_port(tgen, "r1" if mode == "master-backup" else None)
    return srcif


_REPORT_PORT = {4: "r1", 6: "r1"}


def set_report_port(tgen, router, family=None):
    """Let the switch give IGMP/MLD reports (and leaves) to `router`'s port
    only; None: to every port.  family (4 or 6): for that family's reports
    only, the other keeps its port.  Queries always go everywhere, so the
    other router keeps seeing the querier."""
    sw = tgen.gears["sw1"]
    for fam in (4, 6) if family is None else (family,):
        _REPORT_PORT[fam] = router
    sw.cmd("nft delete table bridge rbp_snoop 2>/dev/null; true")
    rules = []
    for rn in ROUTERS:
        port = SW_PORT[rn]
        if _REPORT_PORT[4] not in (None, rn):
            rules.append('oifname "{}" ip protocol igmp igmp type != membership-query drop'
                         .format(port))
        if _REPORT_PORT[6] not in (None, rn):
            rules.append('oifname "{}" meta l4proto ipv6-icmp icmpv6 type '
                         '{{ mld-listener-report, mld-listener-done, mld2-listener-report }} drop'
                         .format(port))
    if not rules:
        return
    ruleset = ("table bridge rbp_snoop {\n chain forward {\n"
               "  type filter hook forward priority 0; policy accept;\n  "
               + "\n  ".join(rules) + "\n }\n}\n")
    sw.cmd_raises("nft -f - <<'EOF'\n{}EOF".format(ruleset))


def router_ports(tgen):
    "The switch ports the bridge currently treats as multicast router ports."
    # pylint: disable=import-outside-toplevel
    import json

    out = tgen.gears["sw1"].cmd_raises("bridge -j -d mdb show")
    ports = set()
    for dev in json.loads(out or "[]"):
        for entry in dev.get("router", {}).get("sw1", []) if isinstance(dev.get("router"), dict) else dev.get("router", []):
            ports.add(entry.get("port") if isinstance(entry, dict) else entry)
    return ports


def wait_snooping_settled(tgen, timeout=60):
    """In master/backup mode: wait until only the master's switch port is
    a router port, i.e. the backup no longer hears the receiver."""
    # pylint: disable=import-outside-toplevel
    import lib_rbp

    ok, last = lib_rbp.wait_until(lambda: router_ports(tgen) == {"sw1-eth0"},
                                  timeout=timeout, interval=1)
    if not ok:
        raise RuntimeError("snooping switch router ports: {}".format(last))


UP_DAEMONS = ("zebra", "mgmtd", "staticd", "pimd", "pim6d")
STREAM_GROUPS = {4: ASM4, 6: ASM6}


def start(modname, mode="master-backup", streams=False, **conf):
    """Build and start the topology for a test module: nodes prepared for
    `mode`, `up` and the twins configured (seed001/<rn>/frr.conf, or the
    variant router_conf(rn, **conf); the modules loaded unless conf says
    modules=False).  streams: start a
    1000 pkt/s stream to the IGMP and the MLD group from src.  Returns
    (tgen, the stream senders to kill at teardown)."""
    # pylint: disable=import-outside-toplevel
    import lib_rbp
    from lib.topogen import Topogen

    tgen = Topogen(build_topo, modname)
    tgen.start_topology()
    prepare_nodes(tgen, mode)
    lib_rbp.load_router_integrated(tgen.gears["up"], conf_path("up"), daemons=UP_DAEMONS)
    args = lib_rbp.MODULE_ARGS if conf.get("modules", True) else None
    for rn in ROUTERS:
        # the standard configuration is loaded from its file; a variant
        # from the text router_conf() derives (in the router's log
        # directory as frr.conf.in)
        lib_rbp.load_router_integrated(
            tgen.gears[rn], router_conf(rn, **conf) if conf else conf_path(rn),
            daemon_args=args)
    lib_rbp.start_routers(tgen)
    senders = []
    if streams:
        for fam in (4, 6):
            senders.append(lib_rbp.start_stream_sender(
                tgen.gears["src"], "src-eth0", STREAM_GROUPS[fam], rate=1000))
    _SENDERS.extend(senders)
    return tgen, senders


_SENDERS = []


def stop(senders=()):
    """teardown_module of a seed-001 module: kill the stream senders (those
    start() started, and `senders`), stop the topology."""
    from lib.topogen import get_topogen  # pylint: disable=import-outside-toplevel

    for p in set(_SENDERS) | set(senders):
        p.kill()
    del _SENDERS[:]
    get_topogen().stop_topology()


# --- small accessors the seed-001 tests and benchmarks share ---------------


def gear(name):
    "A node of the running topology (lib_rbp.gear)."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    return lib_rbp.gear(name)


def ipv(family):
    "The vtysh keyword of a family: ip or ipv6."
    return "ip" if family == 4 else "ipv6"


def gm_daemon(family):
    "The daemon of a family's group membership: pimd (IGMP) or pim6d (MLD)."
    return "pimd" if family == 4 else "pim6d"


def lan_tx(rn):
    "Packets the router sent on its LAN interface so far."
    out = gear(rn).cmd_raises(
        "cat /sys/class/net/{}/statistics/tx_packets".format(LAN_IF[rn]))
    return int(out.strip())


def forwarding(rn, window=1.0):
    "Whether the router sends a 1000 pps stream onto the LAN."
    import time  # pylint: disable=import-outside-toplevel

    before = lan_tx(rn)
    time.sleep(window)
    return lan_tx(rn) - before > 500 * window


def profile_state(rn, family):
    "rn's `show remote-backup-profile json` of the family's profile (p4 or p6)."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-profile json")
    return js[gm_daemon(family)]["profiles"]["p4" if family == 4 else "p6"]


def twin_entries(rn, family, group):
    """rn's entries of its twin for group: installed hot, or held by local
    membership (state `local`)."""
    import lib_rbp  # pylint: disable=import-outside-toplevel

    js = lib_rbp.vtysh_json(gear(rn), "show {} remote-backup entries json".format(ipv(family)))
    return [e for e in js["entries"] if e["group"] == group and e["origin"] == "peer"
            and e["state"] in ("installed", "local")]


def vrrp_track(rn, family=4):
    "vrrpd-track's json of VRRP VRID on rn's LAN interface, one family."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    js = lib_rbp.vtysh_json(gear(rn), "show vrrp interface {} {} track json".format(
        LAN_IF[rn], VRID))
    return [r for r in js["routers"] if r["family"] == family][0]


def roles(family):
    "(r1's, r2's) state in the family's profile: master or backup."
    return (profile_state("r1", family)["state"], profile_state("r2", family)["state"])


def wait_roles(r1_role, r2_role, family=None, timeout=30):
    """Wait until r1 and r2 hold these roles in the family's profile (both
    families, one after the other, when family is None); assert."""
    import lib_rbp  # pylint: disable=import-outside-toplevel

    seen = {}

    def check(fam):
        seen[fam] = roles(fam)
        return seen[fam] == (r1_role, r2_role)

    for fam in (4, 6) if family is None else (family,):
        ok, last = lib_rbp.wait_until(lambda fam=fam: check(fam), timeout=timeout)
        assert ok, "IPv{} roles {} (want {} {})".format(
            fam, seen.get(fam, last), r1_role, r2_role)


def entries(rn, family, origin=None):
    "rn's remote-backup entries of a family (of one origin: local or peer)."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    js = lib_rbp.vtysh_json(gear(rn), "show {} remote-backup entries json".format(ipv(family)))
    return [e for e in js["entries"] if origin is None or e["origin"] == origin]


def find_entry(rn, family, group, origin, source=None):
    "rn's first entry of group (and source) of that origin, or None."
    for e in entries(rn, family, origin):
        if e["group"] == group and (source is None or e["source"] == source):
            return e
    return None


def debug_state():
    "The twins' channels, entries and memberships, for an assertion message."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    out = []
    for rn in ROUTERS:
        for cmd in ("show remote-backup-service", "show ip remote-backup entries",
                    "show ipv6 remote-backup entries", "show ip igmp groups",
                    "show ipv6 mld groups"):
            out.append("--- {} {}\n{}".format(rn, cmd, lib_rbp.vtysh(gear(rn), cmd)))
    return "\n".join(out)


def forwarding_state(family):
    """Why a stream does or does not reach the LAN: roles, gates, PIM and
    the kernel's multicast routes of both twins (for an assertion message)."""
    import lib_rbp  # pylint: disable=import-outside-toplevel

    ip = ipv(family)
    out = []
    for rn in ROUTERS:
        for cmd in ("show vrrp", "show remote-backup-profile", "show {} pim upstream".format(ip),
                    "show {} mroute".format(ip), "show {} pim neighbor".format(ip),
                    "show {} pim rp-info".format(ip), "show {} pim nexthop".format(ip),
                    "show {} route".format(ip)):
            out.append("--- {} {}\n{}".format(rn, cmd, lib_rbp.vtysh(gear(rn), cmd)))
        out.append("--- {} kernel\n{}".format(
            rn, gear(rn).cmd("ip {} mroute".format("" if family == 4 else "-6"))))
    return "\n".join(out)


def wait_installed(family, group, source=None, timeout=30):
    """Wait until r2 holds r1's entry of group (and source) installed hot;
    assert; return the entry."""
    import lib_rbp  # pylint: disable=import-outside-toplevel

    def installed():
        e = find_entry("r2", family, group, "peer", source)
        return e if e and e["state"] == "installed" else None

    ok, e = lib_rbp.wait_until(installed, timeout=timeout)
    assert ok, "{} not installed on r2:\n{}".format(group, debug_state())
    return e


def service(rn, family, name="svc1"):
    "rn's `show remote-backup-service json` of the service, in the family's daemon."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-service json")
    return js[gm_daemon(family)]["services"][name]


def wait_established(family, timeout=40):
    "Wait until both twins' channel of the family is established; assert."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    for rn in ROUTERS:
        ok, _ = lib_rbp.wait_until(
            lambda rn=rn: service(rn, family)["tcpState"] == "established",
            timeout=timeout)
        assert ok, "{} {}: channel not up: {}".format(rn, gm_daemon(family), service(rn, family))


def kill_all(rn):
    "SIGKILL every FRR daemon of the router at once."
    gear(rn).cmd("for p in /var/run/frr/*.pid; do kill -9 $(cat $p); done")
