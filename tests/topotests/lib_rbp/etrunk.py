# SPDX-License-Identifier: GPL-2.0-or-later
"""
The topology of the E-Trunk scenarios (seeds 002 and 004): two routers
present one link aggregation (an Eth-Trunk) to a CE switch, shared by the
topotests rbp_etrunk (master/backup) and rbp_etrunk_aa (seed 002,
active-active) and the switchover benchmark.

                  src (10.0.10.2, 2001:db8:10::2)
                   |
                   up   PIM RP 10.0.10.1 / 2001:db8:10::1
                 /    \\
             r1 -------- r2     r1-eth2/r2-eth2: the E-Trunk hellos, the
               \\        /       RBS channel (and BFD)
         r1-eth1      r2-eth1   each router's Eth-Trunk (10.0.1.0/24,
                 \\    /         2001:db8:1::/64)
                   ce            the CE: the other end of the link aggregation
                 /    \\
               h1      h2        receivers (.10, .11)

This kernel has no bonding driver: each router's Eth-Trunk is a veth (its
one member link), and the CE is a Linux bridge with an nftables table
(set_lag) that plays the CE's link aggregation: frames never go from one
member to the other (one LAG), and the receivers' reports go to the
member LACP would select: in master/backup the E-Trunk master's (the test
moves them after a failover, as the CE's LACP would once the new master's
bond carries the shared actor system); in active-active the CE's hash
gives h1's to r1 and h2's to r2.  Traffic from both members reaches the
receivers: the routers' muting alone keeps each packet single.
"""

import os

from lib_rbp import seed001

ROUTERS = ("r1", "r2")
PEER = {"r1": "r2", "r2": "r1"}
TRUNK_IF = {"r1": "r1-eth1", "r2": "r2-eth1"}
LINK_IF = {"r1": "r1-eth2", "r2": "r2-eth2"}
CE_PORT = {"r1": "ce-eth0", "r2": "ce-eth1", "h1": "ce-eth2", "h2": "ce-eth3"}
HOSTS = ("h1", "h2")
HOST4 = {"h1": "10.0.1.10", "h2": "10.0.1.11"}
HOST6 = {"h1": "2001:db8:1::10", "h2": "2001:db8:1::11"}
LL6 = {"r1": "fe80::1", "r2": "fe80::2"}
LINK4 = {"r1": "10.0.20.1", "r2": "10.0.20.2"}
LINK6 = {"r1": "2001:db8:20::1", "r2": "2001:db8:20::2"}
SRC4 = seed001.SRC4
SRC6 = seed001.SRC6
ETRUNK_PORT = 1025

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_topo(tgen):
    for rn in ("up",) + ROUTERS:
        tgen.add_router(rn)
    tgen.add_host("src", "10.0.10.2/24", "via 10.0.10.1")
    tgen.add_host("h1", "10.0.1.10/24", "via 10.0.1.1")
    tgen.add_host("h2", "10.0.1.11/24", "via 10.0.1.2")
    tgen.add_link(tgen.gears["r1"], tgen.gears["up"])   # r1-eth0 up-eth0
    tgen.add_link(tgen.gears["r2"], tgen.gears["up"])   # r2-eth0 up-eth1
    ce = tgen.add_switch("ce")
    ce.add_link(tgen.gears["r1"])                        # r1-eth1 ce-eth0
    ce.add_link(tgen.gears["r2"])                        # r2-eth1 ce-eth1
    ce.add_link(tgen.gears["h1"])                        # h1-eth0 ce-eth2
    ce.add_link(tgen.gears["h2"])                        # h2-eth0 ce-eth3
    tgen.add_link(tgen.gears["r1"], tgen.gears["r2"])   # r1-eth2 r2-eth2
    tgen.add_link(tgen.gears["src"], tgen.gears["up"])  # src-eth0 up-eth2


def conf_path(scenario, rn):
    "tests/topotests/<scenario>/<rn>/frr.conf; up's is seed001's."
    if rn == "up":
        return seed001.conf_path("up")
    return os.path.join(HERE, scenario, rn, "frr.conf")


_LAG = {"mode": "master-backup", "selected": "r1"}


def set_lag(tgen, mode=None, selected=None):
    """The CE's link aggregation.  mode "master-backup": the receivers'
    reports go to `selected`'s member only (None: to both); "active-active":
    h1's to r1, h2's to r2 (the CE's hash), or all to `selected` when one
    member is out of the aggregation.  Frames never cross between the
    members."""
    if mode is not None:
        _LAG["mode"] = mode
    _LAG["selected"] = selected
    ce = tgen.gears["ce"]
    ce.cmd("nft delete table bridge rbp_lag 2>/dev/null; true")
    members = "{{ {}, {} }}".format(CE_PORT["r1"], CE_PORT["r2"])
    rules = ["iifname {0} oifname {0} drop".format(members)]
    report4 = "ip protocol igmp igmp type != membership-query"
    report6 = ("meta l4proto ipv6-icmp icmpv6 type { mld-listener-report, "
               "mld-listener-done, mld2-listener-report }")
    for rn in ROUTERS:
        port = CE_PORT[rn]
        if selected is not None:
            if selected != rn:
                rules.append('oifname "{}" {} drop'.format(port, report4))
                rules.append('oifname "{}" {} drop'.format(port, report6))
            continue
        if _LAG["mode"] == "active-active":
            # the hash: h1's reports to r1's member, h2's to r2's
            other = "h2" if rn == "r1" else "h1"
            rules.append('iifname "{}" oifname "{}" {} drop'.format(
                CE_PORT[other], port, report4))
            rules.append('iifname "{}" oifname "{}" {} drop'.format(
                CE_PORT[other], port, report6))
    ruleset = ("table bridge rbp_lag {\n chain forward {\n"
               "  type filter hook forward priority 0; policy accept;\n  "
               + "\n  ".join(rules) + "\n }\n}\n")
    ce.cmd_raises("nft -f - <<'EOF'\n{}EOF".format(ruleset))


def prepare_nodes(tgen, mode):
    """Host addresses, fixed link-local addresses (the MLD querier), the
    CE bridge without snooping (it floods to both receivers), the LAG."""
    for hn in HOSTS:
        h = tgen.gears[hn]
        h.cmd_raises("ip -6 addr add {}/64 dev {}-eth0 nodad".format(HOST6[hn], hn))
        h.cmd_raises("ip -6 route add default via {}".format(
            "2001:db8:1::1" if hn == "h1" else "2001:db8:1::2"))
    src = tgen.gears["src"]
    src.cmd_raises("ip -6 addr add {}/64 dev src-eth0 nodad".format(SRC6))
    src.cmd_raises("ip -6 route add default via {}".format(seed001.RP6))
    for rn in ROUTERS:
        r = tgen.gears[rn]
        trunk = TRUNK_IF[rn]
        r.cmd_raises("ip -6 addr flush dev {} scope link".format(trunk))
        r.cmd_raises("ip -6 addr add {}/64 dev {} nodad".format(LL6[rn], trunk))
        r.cmd_raises("sysctl -qw net.ipv4.conf.all.rp_filter=0")
    tgen.gears["ce"].cmd_raises("ip link set dev ce type bridge mcast_snooping 0")
    set_lag(tgen, mode, "r1" if mode == "master-backup" else None)


UP_DAEMONS = seed001.UP_DAEMONS
_SENDERS = []


def start(modname, scenario, mode, conf=None):
    """Build and start the topology: nodes prepared for `mode`
    ("master-backup" or "active-active"), up and the twins configured
    from tests/topotests/<scenario>/ (or conf[rn], a text), modules
    loaded.  Returns tgen."""
    # pylint: disable=import-outside-toplevel
    import lib_rbp
    from lib.topogen import Topogen

    tgen = Topogen(build_topo, modname)
    tgen.start_topology()
    prepare_nodes(tgen, mode)
    lib_rbp.load_router_integrated(tgen.gears["up"], conf_path(scenario, "up"),
                                   daemons=UP_DAEMONS)
    for rn in ROUTERS:
        text = (conf or {}).get(rn)
        lib_rbp.load_router_integrated(tgen.gears[rn], text or conf_path(scenario, rn),
                                       daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)
    return tgen


def start_sender(group, rate=1000, port=5000):
    "A stream from src to group (killed by stop())."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    p = lib_rbp.start_stream_sender(lib_rbp.gear("src"), "src-eth0", group, rate=rate,
                                    port=port)
    _SENDERS.append(p)
    return p


def stop():
    "teardown_module: kill the senders, stop the topology."
    from lib.topogen import get_topogen  # pylint: disable=import-outside-toplevel

    for p in _SENDERS:
        p.kill()
    del _SENDERS[:]
    get_topogen().stop_topology()


def cut_hellos(rn):
    """rn drops the E-Trunk hellos it would send and those it receives (a
    split brain of the E-Trunk; the channel stays up)."""
    import lib_rbp  # pylint: disable=import-outside-toplevel

    lib_rbp.gear(rn).cmd_raises(
        "nft -f - <<'EOF'\ntable inet et_cut {{\n"
        " chain in {{ type filter hook input priority 0; udp dport {0} drop; }}\n"
        " chain out {{ type filter hook output priority 0; udp dport {0} drop; }}\n"
        "}}\nEOF".format(ETRUNK_PORT))


def restore_hellos(rn):
    "Undo cut_hellos() (no error if there is nothing to undo)."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    lib_rbp.gear(rn).cmd("nft delete table inet et_cut 2>/dev/null; true")


# --- accessors -------------------------------------------------------------


def etrunk(rn, etid=1):
    "rn's `show e-trunk json` of one E-Trunk."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    return lib_rbp.vtysh_json(lib_rbp.gear(rn), "show e-trunk {} json".format(etid)).get(
        str(etid), {})


def trunk(rn, etid=1):
    "rn's Eth-Trunk of the E-Trunk (show e-trunk json)."
    ets = etrunk(rn, etid).get("ethTrunks", [])
    return ets[0] if ets else {}


def wait_states(r1, r2, timeout=30):
    """Wait until r1's and r2's E-Trunk states are these (None: whatever,
    that router is not asked); assert."""
    import lib_rbp  # pylint: disable=import-outside-toplevel

    want = {"r1": r1, "r2": r2}

    def states():
        return {rn: etrunk(rn).get("state") for rn in ROUTERS if want[rn] is not None}

    ok, last = lib_rbp.wait_until(
        lambda: states() == {rn: s for rn, s in want.items() if s is not None},
        timeout=timeout)
    assert ok, "E-Trunk states {} (want {} {})".format(last, r1, r2)


def profile(rn, daemon, name):
    "rn's `show remote-backup-profile json` of one profile in one daemon."
    import lib_rbp  # pylint: disable=import-outside-toplevel

    js = lib_rbp.vtysh_json(lib_rbp.gear(rn), "show remote-backup-profile json")
    return js[daemon]["profiles"][name]


def trunk_oifs(rn, family):
    """{group: True if rn's Eth-Trunk is an outgoing interface of the
    kernel's (S,G) route}: where rn forwards (a muted interface is not in
    the kernel's list)."""
    out = {}
    text = lib_rbp_gear(rn).cmd("ip {} mroute".format("-4" if family == 4 else "-6"))
    for line in text.splitlines():
        # (S,G)  Iif: X  Oifs: a b  State: resolved
        if not line.startswith("("):
            continue
        sg = line.split(")")[0].strip("(")
        group = sg.split(",")[1].strip()
        oifs = line.split("Oifs:")[1].split("State:")[0].split() if "Oifs:" in line else []
        out[group] = out.get(group, False) or TRUNK_IF[rn] in oifs
    return out


def lib_rbp_gear(name):
    import lib_rbp  # pylint: disable=import-outside-toplevel

    return lib_rbp.gear(name)
