#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Benchmark (not a test: it lives outside tests/topotests, which run.sh
collects): a join storm from real IGMPv3/MLDv2 reports on the seed-001
topology (tests/topotests/lib_rbp/seed001.py), with or without the
modules.  Run it with bench/storm.sh, which runs this module once per
configuration, size and run (a fresh topology for every storm):

  baseline  FRR 10.3 with this project's patches, without the modules
            (no -M options, no remote backup configuration): what stock
            pimd/pim6d do with the same storm.
  modules   the modules loaded (pimd/pim6d -M rbp, vrrpd -M track), r1
            VRRP master, r2 hot backup; `debug remote-backup session` and
            `role` only (no line per entry).

The storm: h1 joins N groups per family at once, both families at the same
time: one joiner process per family (MCAST_JOIN_GROUP, GROUPS_PER_SOCKET
groups per socket), both started, then told to go together.  The kernel
sends the IGMPv3/MLDv2 state-change reports and answers the queries (r1
queries every 5 s, seed001's configuration), so the hosts re-report their
whole state all along.  The switch gives the reports to r1 only.

Figures, per family:
  r1_all_s      start of the joins -> r1 holds all N groups: pimd's own
                count (`show ip igmp groups r1-eth1 0.0.0.0 json`:
                totalGroups, without listing any group); pim6d has no such
                counter (pim->gm_group_count stays 0 in pim6d), so MLD
                counts the MTYPE "MLD (S,G)" of `show memory pim6d`
                (one per (*,G) membership: every join here is ASM) less
                the link-scope ones (`show ipv6 mld joins groups ff02::/16
                json`: a few lines; the hosts' and routers' own groups,
                which come and go);
  r1_upstreams_all_s  -> r1's pimd (pim6d) has N more (*,G) upstreams
                (MTYPE "PIM upstream (S,G) state"): the joins built
                towards the RP, pimd's join path;
  r2_all_s      (modules) -> r2 holds all N of r1's entries, none waiting
                in the installation queue (`show remote-backup-profile
                json`: twinEntries, twinEntriesQueued);
  stable        after convergence (or the timeout), min/max of every count
                over BENCH_STORM_WINDOW s (1 s samples): memberships lost
                or churning;
  event loop    `clear event cpu` before the storm, `show event cpu` at
                convergence ("storm") and at the end of the window
                ("window"): the longest task of the main pthread (wall
                clock, "Max uSecs" of the Real column), its name, the
                CPU/wall/starvation warnings, of r1's and r2's pimd and
                pim6d;
  vty latency   the longest time one poll's vtysh took on r1 and r2 during
                the storm (a daemon's answer waits for its event loop);
  CPU, RSS      utime+stime during the storm and RSS before/after of r1's
                (and r2's) pimd, pim6d and zebra;
  drops         the receive drops of pimd's IGMP and pim6d's ICMPv6 raw
                sockets (/proc/PID/net/raw{,6}, the sockets of the daemon's
                fds; pimd reads IGMP on its multicast routing socket, a raw
                IGMP socket: the task mroute_read), r1's kernel MLDv2 reports received
                (/proc/net/snmp6 Icmp6InMLDv2Reports) against pim6d's
                rxV2Reports, pimd's IGMP statistics (reportV3...), read
                once after the window;
  channel       (modules) sessionsUp of r1 and r2 before/after;
                channel_resets: their increase summed over both twins (a
                reset seen by both counts twice); entries sent/received.
  curve         every sample [t (the sample's start, s from the joins),
                r1 v4, v6, upstreams v4, v6, (r2 twinEntries v4, v6,
                queued v4, v6)], the storm's at POLL_S, the window's at 1 s.

No command that prints every group is run while measuring.

Environment: BENCH_STORM_CONFIG (modules | baseline), BENCH_STORM_N
(10000, groups per family), BENCH_STORM_TIMEOUT (s to wait for the
convergence, default 60 + N/200), BENCH_STORM_WINDOW (20 s),
BENCH_STORM_RUN (a label: the run number), BENCH_STORM_OUT (JSON, default
/tmp/frr-rbp-topotests/bench_storm-<config>-<N>.json).
Figures are printed, never asserted (only the setup and the daemons'
survival are).
"""

import ipaddress
import json
import os
import re
import select
import subprocess
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
# lib_rbp (run.sh also puts tests/topotests on PYTHONPATH)
sys.path.insert(0, os.path.join(CWD, "..", "..", "tests", "topotests"))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.seed001 import gear  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

CONFIGS = ("baseline", "modules")
CONFIG = os.environ.get("BENCH_STORM_CONFIG", "modules")
MODULES = CONFIG == "modules"
N = int(os.environ.get("BENCH_STORM_N", "10000"))
TIMEOUT = float(os.environ.get("BENCH_STORM_TIMEOUT") or 60 + N / 200)
WINDOW = float(os.environ.get("BENCH_STORM_WINDOW", "20"))
# the channel's timers, e.g. "keepalive 1000 hold 15000" (the service's
# `timers` command; default: none, keepalive 1 s, hold 3 s)
TIMERS = os.environ.get("BENCH_STORM_TIMERS", "")
RUN = os.environ.get("BENCH_STORM_RUN", "1")
OUT = os.environ.get("BENCH_STORM_OUT", "/tmp/frr-rbp-topotests/bench_storm-{}-{}.json".format(
    CONFIG, N))
POLL_S = 0.5
GROUPS_PER_SOCKET = 200
FAMS = (4, 6)
FAM = {4: "igmp", 6: "mld"}
DAEMON = {4: "pimd", 6: "pim6d"}
PROFILE = {4: "p4", 6: "p6"}
LAN = S.LAN_IF["r1"]
MT_GROUP = {4: "PIM interface IGMP group", 6: "MLD (S,G)"}
MT_UPSTREAM = "PIM upstream (S,G) state"
RESULTS = {"config": CONFIG, "n": N, "run": RUN, "timeout_s": TIMEOUT,
           "window_s": WINDOW, "poll_s": POLL_S, "timers": TIMERS or None}
STATE = {"joiners": {}}

# A joiner held in h1, one per family: reads its groups (one a line), says
# "ready", joins them all at once (one socket per PER groups) on "go" and
# says "done COUNT T0_NS T1_NS" (realtime), then holds the memberships
# until its stdin closes.  The kernel sends the reports.
#   argv: IFNAME PER FILE
JOINER = r'''
import ipaddress, socket, struct, sys, time
MCAST_JOIN_GROUP = 42
ifindex = socket.if_nametoindex(sys.argv[1])
per = int(sys.argv[2])
with open(sys.argv[3]) as f:
    groups = [ipaddress.ip_address(g) for g in f.read().split()]
reqs = []
for ip in groups:
    if ip.version == 4:
        sa = struct.pack("=HH4s8x", socket.AF_INET, 0, ip.packed)
    else:
        sa = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, ip.packed, 0)
    reqs.append((ip.version, struct.pack("=I4x", ifindex) + sa.ljust(128, b"\0")))
print("ready", len(reqs), flush=True)
socks = []
n = 0
for line in sys.stdin:
    if line.strip() != "go":
        continue
    t0 = time.time_ns()
    for ver, req in reqs:
        if n % per == 0:
            fam = socket.AF_INET if ver == 4 else socket.AF_INET6
            socks.append(socket.socket(fam, socket.SOCK_DGRAM))
        level = socket.IPPROTO_IP if ver == 4 else socket.IPPROTO_IPV6
        socks[-1].setsockopt(level, MCAST_JOIN_GROUP, req)
        n += 1
    print("done", n, t0, time.time_ns(), flush=True)
'''


def group_list(family, n):
    "n distinct ASM groups of the family, not link-local, not seed001's."
    if family == 4:
        base = int(ipaddress.ip_address("239.20.0.0"))
        return [str(ipaddress.ip_address(base + 256 + i)) for i in range(n)]
    base = int(ipaddress.ip_address("ff15::120:0:0"))
    return [str(ipaddress.ip_address(base + 1 + i)) for i in range(n)]


class Joiner:
    def __init__(self, family, groups):
        h1 = gear("h1")
        path = lib_rbp.write_router_file(h1, "storm_joiner.py", JOINER)
        gfile = lib_rbp.write_router_file(
            h1, "storm_groups_{}.txt".format(FAM[family]), "\n".join(groups))
        self.proc = h1.net.popen(
            ["/usr/bin/python3", path, "h1-eth0", str(GROUPS_PER_SOCKET), gfile],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            encoding="utf-8")
        # stdout is read from its descriptor (bytes), never through the
        # text wrapper's buffer
        self.buf = b""

    def line(self, timeout):
        "The next line of its stdout (read from the descriptor, not a buffer)."
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            r, _, _ = select.select([fd], [], [], max(0, left))
            if not r:
                raise RuntimeError("joiner timed out")
            data = os.read(fd, 4096)
            if not data:
                raise RuntimeError("joiner died: {}".format(self.proc.stderr.read()))
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode().split()

    def go(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def stop(self):
        lib_rbp.stop_mcast_join(self.proc, timeout=10)


# ---------------------------------------------------------------- setup

def setup_module(mod):
    assert CONFIG in CONFIGS, "BENCH_STORM_CONFIG must be one of {}".format(CONFIGS)
    # as bench_sync starts it (seed001, master-backup), without the
    # per-entry debug lines (bench_sync's bulk phase turns them off too)
    S.start(mod.__name__, "master-backup", modules=MODULES, debug=False,
            service_extra=["timers " + TIMERS] if TIMERS else [])
    # room for 2 x 50k groups in the switch's mdb (a bridge over its
    # mcast_hash_max turns snooping off), and h1's per-socket IGMP limit
    # (default 20; IPv6 has none but optmem_max)
    gear("sw1").cmd_raises("ip link set dev sw1 type bridge mcast_hash_max 262144")
    gear("h1").cmd_raises(
        "sysctl -qw net.ipv4.igmp_max_memberships={}".format(GROUPS_PER_SOCKET))
    S.wait_snooping_settled(get_tgen())
    if MODULES:
        for rn in S.ROUTERS:
            rc, out = lib_rbp.vtysh_lines(
                gear(rn), "debug remote-backup session", "debug remote-backup role")
            assert rc == 0, out


def get_tgen():
    from lib.topogen import get_topogen  # pylint: disable=import-outside-toplevel

    return get_topogen()


def teardown_module(mod):  # pylint: disable=unused-argument
    for j in STATE["joiners"].values():
        j.stop()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, indent=1)
    print("\nbench_storm: results in {}".format(OUT))
    S.stop()


# ------------------------------------------------------------ probes

def vtysh_multi(rn, cmds):
    "Run several vtysh commands in one vtysh; (stdout, seconds it took)."
    argv = ["vtysh"]
    for c in cmds:
        argv += ["-c", c]
    t = time.monotonic()
    _, out, _ = gear(rn).net.cmd_status(argv, warn=False)
    return out, time.monotonic() - t


def split_output(out):
    """The outputs of vtysh_multi: the JSON objects in order, and the text
    around them (show memory) in order."""
    dec = json.JSONDecoder()
    objs, texts, pos, txt = [], [], 0, []
    while pos < len(out):
        if out[pos] == "{":
            try:
                obj, end = dec.raw_decode(out, pos)
            except ValueError:
                txt.append(out[pos])
                pos += 1
                continue
            objs.append(obj)
            if "".join(txt).strip():
                texts.append("".join(txt))
            txt = []
            pos = end
        else:
            txt.append(out[pos])
            pos += 1
    if "".join(txt).strip():
        texts.append("".join(txt))
    return objs, texts


MEM_SPLIT = "--- qmem libfrr ---"


def memory_sections(text):
    """`show memory DAEMON` outputs run in one vtysh, in order: [{MTYPE:
    current count}] (each daemon's output has one libfrr memgroup)."""
    secs = []
    for part in text.split(MEM_SPLIT)[1:]:
        cur = {}
        for line in part.splitlines():
            if line.startswith("---") or ":" not in line:
                continue
            name, rest = line.split(":", 1)
            f = rest.split()
            if f and f[0].isdigit():
                cur[name.strip()] = int(f[0])
        secs.append(cur)
    return secs


def poll_r1():
    "{v4, v6 (memberships), up4, up6 (upstreams), sent4, sent6, vty_s}"
    cmds = ["show ip igmp groups {} 0.0.0.0 json".format(LAN)]
    if MODULES:
        cmds.append("show remote-backup-service json")
    cmds += ["show memory pimd", "show memory pim6d",
             "show ipv6 mld joins groups ff02::/16 json"]
    out, took = vtysh_multi("r1", cmds)
    objs, texts = split_output(out)
    mem = memory_sections("\n".join(texts))
    s = {"vty_s": took, "v4": objs[0]["totalGroups"]}
    if len(mem) == 2:
        # the link-scope (S,G)s (the hosts' and routers' own, they come
        # and go) are listed after the total is read: ours is never
        # overcounted
        ll6 = mld_joins_count(objs[-1])
        s["v4_mt"] = mem[0].get(MT_GROUP[4], 0)
        s["v6_mt"] = mem[1].get(MT_GROUP[6], 0)
        s["ll6"] = ll6
        s["v6"] = s["v6_mt"] - ll6
        s["up4"] = mem[0].get(MT_UPSTREAM, 0)
        s["up6"] = mem[1].get(MT_UPSTREAM, 0)
    if MODULES and len(objs) > 2:
        for fam in FAMS:
            svc = objs[1][DAEMON[fam]]["services"]["svc1"]
            s["sent{}".format(fam)] = svc["entriesSent"]
            s["ses{}".format(fam)] = svc.get("sessionsUp")
    return s


def mld_joins_count(js):
    "(S,G)s in `show ipv6 mld joins ... json`: {vrf: {ifname: {group: {source: {}}}}}"
    n = 0
    for vrf in js.values():
        for ifjs in vrf.values() if isinstance(vrf, dict) else ():
            if isinstance(ifjs, dict):
                n += sum(len(g) for g in ifjs.values() if isinstance(g, dict))
    return n


def poll_r2():
    "{t4, t6 (twinEntries), q4, q6 (twinEntriesQueued), recv4, recv6, ses4, ses6, vty_s}"
    out, took = vtysh_multi("r2", ["show remote-backup-profile json",
                                   "show remote-backup-service json"])
    objs, _ = split_output(out)
    s = {"vty_s": took}
    for fam in FAMS:
        prf = objs[0][DAEMON[fam]]["profiles"][PROFILE[fam]]
        s["t{}".format(fam)] = prf.get("twinEntries", 0)
        s["q{}".format(fam)] = prf.get("twinEntriesQueued", 0)
        svc = objs[1][DAEMON[fam]]["services"]["svc1"]
        s["recv{}".format(fam)] = svc["entriesReceived"]
        s["ses{}".format(fam)] = svc.get("sessionsUp")
        s["state{}".format(fam)] = svc.get("tcpState")
    return s


def poll():
    """One sample: t (its start) and, per router, its counts and t (when
    its vtysh returned: the counts are read just before, once the daemon's
    event loop has served the command)."""
    s = {"t": time.time()}
    s["r1"] = poll_r1()
    s["r1"]["t"] = time.time()
    if MODULES:
        s["r2"] = poll_r2()
        s["r2"]["t"] = time.time()
    return s


NUM_RE = re.compile(r"^\d+(\.\d+)?$")


def event_cpu_row(line):
    """One row of `show event cpu` (lib/event.c vty_out_cpu_event_history):
    Active, Runtime(ms) as "%zu.%03zu", Invoked, Avg/Max uSec CPU, Avg/Max
    uSec wall, CPU_Warn, Wall_Warn, Starv_Warn, the type letters ("RWTEX",
    blanks inside: one or more fields), the task.  None if not a row."""
    f = line.split()
    if len(f) < 12 or not all(NUM_RE.match(x) for x in f[:10]):
        return None
    n = [float(x) for x in f[:10]]
    return {"task": f[-1], "type": "".join(f[10:-1]), "calls": int(n[2]),
            "runtime_ms": n[1], "max_cpu_ms": n[4] / 1000,
            "max_wall_ms": n[6] / 1000, "cpu_warn": int(n[7]),
            "wall_warn": int(n[8]), "starv_warn": int(n[9])}


def event_cpu(rn, daemon):
    """The main pthread's rows of `show event cpu` ("Showing statistics
    for pthread default"; Active Runtime(ms)
    Invoked AvgCPU MaxCPU AvgWall MaxWall CPU_Warn Wall_Warn Starv_Warn
    Type Event): the longest task (wall clock), the top 4, warnings."""
    out = lib_rbp.vtysh(gear(rn), "show event cpu", daemon)
    rows, main = [], False
    for line in out.splitlines():
        if line.startswith("Showing statistics for pthread"):
            # the main pthread's loop is "default" (lib/event.c:
            # event_master_create(NULL)); others are named by frr_pthread
            main = line.split()[-1] in ("default", "main")
            continue
        if line.startswith("Total Event statistics"):
            break
        row = event_cpu_row(line) if main else None
        if row:
            rows.append(row)
    rows.sort(key=lambda r: -r["max_wall_ms"])
    if not rows:
        return None
    return {"longest_task_ms": rows[0]["max_wall_ms"], "longest_task": rows[0]["task"],
            "cpu_warn": sum(r["cpu_warn"] for r in rows),
            "wall_warn": sum(r["wall_warn"] for r in rows),
            "starv_warn": sum(r["starv_warn"] for r in rows),
            "runtime_ms": round(sum(r["runtime_ms"] for r in rows), 3),
            "top": [{k: r[k] for k in ("task", "max_wall_ms", "max_cpu_ms", "calls")}
                    for r in rows[:4]]}


def loop_routers():
    return S.ROUTERS if MODULES else ("r1",)


def clear_event_cpu():
    for rn in loop_routers():
        for fam in FAMS:
            lib_rbp.vtysh(gear(rn), "clear event cpu", DAEMON[fam])


def read_event_cpu():
    return {"{}_{}".format(rn, DAEMON[fam]): event_cpu(rn, DAEMON[fam])
            for rn in loop_routers() for fam in FAMS}


PROC_DAEMONS = ("pimd", "pim6d", "zebra")


def proc_stats(rn):
    """{daemon: {rss_kb, cpu_ticks, raw_drops: {proto: drops}}} of rn's
    daemons (the raw sockets among the daemon's descriptors)."""
    script = r'''
for d in %s; do
  p=$(cat /var/run/frr/$d.pid)
  echo "== $d $p"
  grep VmRSS /proc/$p/status
  echo "stat $(cut -d')' -f2- /proc/$p/stat)"
  ls -l /proc/$p/fd 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]/inode \1/p'
  cat /proc/$p/net/raw /proc/$p/net/raw6 | sed 's/^/raw /'
done
''' % " ".join(PROC_DAEMONS)
    out = gear(rn).cmd(script)
    res, cur, inodes, raws = {}, None, set(), []

    def close():
        if cur:
            drops = {}
            for proto, inode, d in raws:
                if inode in inodes:
                    drops[proto] = drops.get(proto, 0) + d
            res[cur]["raw_drops"] = drops

    for line in out.splitlines():
        f = line.split()
        if not f:
            continue
        if f[0] == "==":
            close()
            cur, inodes, raws = f[1], set(), []
            res[cur] = {"pid": int(f[2])}
        elif f[0] == "VmRSS:":
            res[cur]["rss_kb"] = int(f[1])
        elif f[0] == "stat":
            res[cur]["cpu_ticks"] = int(f[12]) + int(f[13])  # utime, stime
        elif f[0] == "inode":
            inodes.add(f[1])
        elif f[0] == "raw" and len(f) > 10 and ":" in f[2] and f[1] != "sl":
            # sl local rem st tx:rx tr:tm retr uid timeout inode ref ptr drops
            proto = int(f[2].split(":")[1], 16)
            raws.append((proto, f[10], int(f[-1])))
    close()
    return res


def snmp6(rn, keys=("Icmp6InMLDv2Reports", "Icmp6InErrors", "Icmp6InMsgs")):
    out = gear(rn).cmd("cat /proc/net/snmp6")
    vals = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] in keys:
            vals[f[0]] = int(f[1])
    return vals


def gm_stats():
    "r1's pimd and pim6d statistics of the LAN interface (after the window)."
    res = {}
    try:
        js = lib_rbp.vtysh_json(gear("r1"), "show ip igmp statistics interface {} json".format(LAN))
        row = js.get(LAN) or next(iter(js.values()))
        res["igmp"] = {k: row.get(k) for k in (
            "reportV3", "reportV2", "leaveV2", "totalReceivedMessages", "unsupported",
            "peakGroups", "totalGroups", "generalQueriesSent", "groupQueriesSent")}
    except (ValueError, StopIteration, AttributeError) as e:
        res["igmp"] = {"error": str(e)}
    try:
        js = lib_rbp.vtysh_json(gear("r1"), "show ipv6 mld statistics interface {} json".format(LAN))
        row = js["default"][LAN]
        res["mld"] = {k: v for k, v in row.items()
                      if k.startswith("rxV2") or k.startswith("rxDrop") or k in (
                          "rxV1Reports", "rxTruncatedRep", "txV2QueryGeneral",
                          "txV2QueryGroup", "txV2QueryGroupSource")}
    except (ValueError, KeyError) as e:
        res["mld"] = {"error": str(e)}
    return res


def mm(values):
    v = [x for x in values if x is not None]
    return [min(v), max(v)] if v else None


def r3(x):
    return None if x is None else round(x, 3)


# ------------------------------------------------------------------ tests

def test_ready():
    "r1 VRRP master, r2 backup (both families); with the modules the channels up and the roles."
    def vrrp_ok():
        return all(list(lib_rbp.vrrp_states(gear(rn), fam).values()) == [want]
                   for fam in FAMS for rn, want in (("r1", "Master"), ("r2", "Backup")))

    ok, last = lib_rbp.wait_until(vrrp_ok, timeout=60)
    assert ok, last
    if MODULES:
        for fam in FAMS:
            S.wait_established(fam, timeout=60)
        S.wait_roles("master", "backup", timeout=30)


def test_storm():
    want = {}
    groups = {fam: group_list(fam, N) for fam in FAMS}
    # the routers' own memberships and entries (none expected)
    base = poll()
    b1 = base["r1"]
    assert "v6" in b1, "show memory pim6d not parsed: {}".format(b1)
    # what "all N" means for each count: (router, key, target)
    for fam in FAMS:
        want["r1_{}".format(fam)] = ("r1", "v{}".format(fam), b1["v{}".format(fam)] + N)
        want["r1tib_{}".format(fam)] = ("r1", "up{}".format(fam), b1["up{}".format(fam)] + N)
        if MODULES:
            want["r2_{}".format(fam)] = ("r2", "t{}".format(fam),
                                         base["r2"]["t{}".format(fam)] + N)
    RESULTS["base"] = base
    joiners = STATE["joiners"]
    for fam in FAMS:
        joiners[fam] = Joiner(fam, groups[fam])
    for fam in FAMS:
        line = joiners[fam].line(120)
        assert line[0] == "ready" and int(line[1]) == N, line
    proc0 = {rn: proc_stats(rn) for rn in loop_routers()}
    snmp0 = snmp6("r1")
    clear_event_cpu()

    t0 = time.time()
    for fam in FAMS:
        joiners[fam].go()
    samples = []
    done = {}
    reached = {}
    vty_max = {}
    deadline = time.monotonic() + TIMEOUT
    while True:
        for fam in FAMS:
            if fam not in done:
                r, _, _ = select.select([joiners[fam].proc.stdout.fileno()], [], [], 0)
                if r or b"\n" in joiners[fam].buf:
                    f = joiners[fam].line(1)
                    done[fam] = {"joined": int(f[1]), "join_s": r3(int(f[3]) / 1e9 - t0),
                                 "joiner_s": r3((int(f[3]) - int(f[2])) / 1e9)}
        try:
            s = poll()
        except (ValueError, KeyError, IndexError) as e:  # a daemon too busy to answer whole
            s = {"t": time.time(), "error": repr(e)[:200]}
        samples.append(s)
        for rn in ("r1", "r2"):
            if rn in s:
                vty_max[rn] = max(vty_max.get(rn, 0), s[rn]["vty_s"])
        for k, (rn, key, target) in want.items():
            if k not in reached and rn in s:
                v = s[rn].get(key)
                queued = s[rn].get("q" + key[-1], 0) if rn == "r2" else 0
                if v is not None and v >= target and not queued:
                    reached[k] = s[rn]["t"] - t0
        if len(reached) == len(want) and len(done) == len(FAMS):
            break
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_S)
    t_conv = time.time() - t0
    converged = len(reached) == len(want)
    loop_storm = read_event_cpu()
    proc1 = {rn: proc_stats(rn) for rn in loop_routers()}
    clear_event_cpu()

    # stable?  1 s samples over the window
    window = []
    w_end = time.monotonic() + WINDOW
    while time.monotonic() < w_end:
        time.sleep(1)
        try:
            window.append(poll())
        except (ValueError, KeyError, IndexError) as e:
            window.append({"t": time.time(), "error": repr(e)[:200]})
    loop_window = read_event_cpu()
    proc2 = {rn: proc_stats(rn) for rn in loop_routers()}
    snmp2 = snmp6("r1")
    stats = gm_stats()
    # everything measured, as is, before it is worked into figures
    RESULTS["raw"] = {"t0": t0, "want": want, "reached": reached, "joiners": done,
                      "samples": samples, "window": window, "proc": [proc0, proc1, proc2],
                      "snmp6": [snmp0, snmp2], "loop": [loop_storm, loop_window],
                      "gm_stats": stats}

    res = {"converged": converged, "storm_s": r3(t_conv), "joiners": done}
    fams = {}
    for fam in FAMS:
        fr = {"want_r1": want["r1_{}".format(fam)][2]}
        fr["r1_all_s"] = r3(reached.get("r1_{}".format(fam)))
        fr["r1_upstreams_all_s"] = r3(reached.get("r1tib_{}".format(fam)))
        good = [w for w in window if "r1" in w]
        fr["r1_stable"] = mm([w["r1"].get("v{}".format(fam)) for w in good])
        fr["r1_upstreams_stable"] = mm([w["r1"].get("up{}".format(fam)) for w in good])
        fr["r1_max_seen_storm"] = max([s["r1"].get("v{}".format(fam), 0)
                                       for s in samples if "r1" in s] or [0])
        last = [s for s in samples if "r1" in s]
        fr["r1_at_end_of_storm"] = last[-1]["r1"].get("v{}".format(fam)) if last else None
        if MODULES:
            fr["want_r2"] = want["r2_{}".format(fam)][2]
            fr["r2_all_s"] = r3(reached.get("r2_{}".format(fam)))
            good2 = [w for w in window if "r2" in w]
            fr["r2_stable"] = mm([w["r2"].get("t{}".format(fam)) for w in good2])
            fr["r2_queued_stable"] = mm([w["r2"].get("q{}".format(fam)) for w in good2])
            ses_b = [base[rn].get("ses{}".format(fam)) for rn in ("r1", "r2")]
            ses_e = [x.get(rn, {}).get("ses{}".format(fam)) for x in window[-1:]
                     for rn in ("r1", "r2")]
            fr["sessions_up_before_after"] = [ses_b, ses_e]
            fr["channel_resets"] = (sum(ses_e) - sum(ses_b)) if all(
                isinstance(x, int) for x in ses_b + ses_e) else None
            fr["r1_entries_sent"] = window[-1]["r1"].get("sent{}".format(fam)) if window and "r1" in window[-1] else None
            fr["r2_entries_received"] = window[-1]["r2"].get("recv{}".format(fam)) if window and "r2" in window[-1] else None
        d = DAEMON[fam]
        proto = 2 if fam == 4 else 58
        fr["r1_raw_drops"] = (proc2["r1"][d]["raw_drops"].get(proto, 0)
                              - proc0["r1"][d]["raw_drops"].get(proto, 0))
        fams[FAM[fam]] = fr
    fams["mld"]["r1_kernel_mldv2_reports"] = (snmp2.get("Icmp6InMLDv2Reports", 0)
                                              - snmp0.get("Icmp6InMLDv2Reports", 0))
    res["families"] = fams
    res["r1_gm_stats"] = stats
    res["event_loop_storm"] = loop_storm
    res["event_loop_window"] = loop_window
    res["vty_max_s"] = {k: r3(v) for k, v in vty_max.items()}
    tick = os.sysconf("SC_CLK_TCK")
    res["daemons"] = {}
    for rn in loop_routers():
        for d in PROC_DAEMONS:
            p0, p1, p2 = proc0[rn][d], proc1[rn][d], proc2[rn][d]
            res["daemons"]["{}_{}".format(rn, d)] = {
                "rss_before_kb": p0["rss_kb"], "rss_after_storm_kb": p1["rss_kb"],
                "rss_after_window_kb": p2["rss_kb"],
                "cpu_storm_s": r3((p1["cpu_ticks"] - p0["cpu_ticks"]) / tick),
                "cpu_window_s": r3((p2["cpu_ticks"] - p1["cpu_ticks"]) / tick),
                "restarted": p0["pid"] != p2["pid"]}
    # the curve, compact: [t, r1 v4, r1 v6, r1 up4, r1 up6, (r2 t4, t6, q4, q6)]
    def row(s):
        r = [r3(s["t"] - t0)]
        a = s.get("r1", {})
        r += [a.get("v4"), a.get("v6"), a.get("up4"), a.get("up6")]
        if MODULES:
            b = s.get("r2", {})
            r += [b.get("t4"), b.get("t6"), b.get("q4"), b.get("q6")]
        return r
    res["curve_columns"] = ["t", "r1_v4", "r1_v6", "r1_up4", "r1_up6"] + (
        ["r2_t4", "r2_t6", "r2_q4", "r2_q6"] if MODULES else [])
    res["curve"] = [row(s) for s in samples + window]
    res["poll_errors"] = [s["error"] for s in samples + window if "error" in s][:10]
    if MODULES:
        res["channel_log"] = channel_log_lines()
    RESULTS.update(res)
    short = {k: v for k, v in res.items() if k not in ("curve", "curve_columns")}
    print("\nstorm {} N={} run {}: {}".format(CONFIG, N, RUN, json.dumps(short)))


CHANNEL_RE = re.compile(r"channel .*->|hold|resync|reset|closed", re.I)


def channel_log_lines(limit=20):
    "The twins' channel state lines (debug remote-backup session) of the run."
    out = []
    for rn in S.ROUTERS:
        for d in ("pimd", "pim6d"):
            path = os.path.join(gear(rn).logdir, rn, "{}.log".format(d))
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines = [ln.rstrip() for ln in f if "channel" in ln and CHANNEL_RE.search(ln)]
            except OSError:
                continue
            out += ["{} {}: {}".format(rn, d, ln[:200]) for ln in lines[-limit:]]
    return out


def test_no_crash():
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
