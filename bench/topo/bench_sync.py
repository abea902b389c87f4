#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Benchmark (not a test: it lives outside tests/topotests, which run.sh
collects): sync latency and bulk resync of the remote backup service on
the seed-001 topology (tests/topotests/lib_rbp/seed001.py) with the
modules loaded.  Run it with bench/sync.sh
(or `tests/topotests/run.sh -p lib_rbp.pytest_plugin --rootdir=bench/topo
bench/topo/bench_sync.py -s`).

Sync latency, per family: the receiver h1 joins N distinct groups one
after the other (BENCH_SYNC_INTERVAL_MS apart); per group
  sync latency = r2's "<if> (*,G): ... -> installed" log line
                 - r1's "<if> (*,G): publish ... (new)" log line
  end to end   = r2's installed line - the host's join (setsockopt) time
(the daemons log with microsecond timestamps; every namespace shares the
host clock).

Bulk resync, per family and size: h1 holds N groups (cumulative: 1000,
then 10000); r2's pimd (pim6d) is killed with SIGKILL and restarted with
its config (lib_rbp.restart_daemons(reapply=True)) while r2 rejects the
channel's TCP port, so that its RSS, `show memory` and CPU time can be
read before the resync; then the port is opened and the resync runs.
From r2's log: "channel hello -> resync" to "channel resync ->
established: resync complete", and to the last "-> installed" line of
the N groups.  CPU time: /proc/PID/schedstat (ns) and utime+stime of
/proc/PID/stat from the opening of the port to the N-th installed line
(found by polling the log every 50 ms, so it may include up to ~0.1 s
of other work: membership refreshes from r1 arrive every query interval).

Environment: BENCH_SYNC_N (200), BENCH_SYNC_INTERVAL_MS (50),
BENCH_SYNC_BULK ("1000 10000"; empty: no bulk test), BENCH_SYNC_OUT (JSON
results, default /tmp/frr-rbp-topotests/bench_sync.json), BENCH_SYNC_PERF
(a directory: profile r2's daemon with `perf record -g` during each resync).
Figures are printed, never asserted.
"""

import calendar
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
from lib_rbp.seed001 import gear, ipv, gm_daemon, service  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

UP_DAEMONS = ("zebra", "mgmtd", "staticd", "pimd", "pim6d")
N_SYNC = int(os.environ.get("BENCH_SYNC_N", "200"))
INTERVAL_MS = float(os.environ.get("BENCH_SYNC_INTERVAL_MS", "50"))
BULK = [int(x) for x in os.environ.get("BENCH_SYNC_BULK", "1000 10000").split()]
OUT = os.environ.get("BENCH_SYNC_OUT", "/tmp/frr-rbp-topotests/bench_sync.json")
GROUPS_PER_SOCKET = 200
RESULTS = {"sync_latency": {}, "bulk_resync": []}

# A joiner held in h1: joins groups on request (one socket per
# GROUPS_PER_SOCKET groups) and keeps them until stdin closes.
#   stdin:  "join FILE INTERVAL_MS VERBOSE"   (FILE: one group a line)
#   stdout: "joined GROUP REALTIME_NS" (if VERBOSE), then "done COUNT"
JOINER = r'''
import ipaddress, socket, struct, sys, time
MCAST_JOIN_GROUP = 42
ifindex = socket.if_nametoindex(sys.argv[1])
per = int(sys.argv[2])
socks = {4: [], 6: []}

def sockaddr(ip):
    if ip.version == 4:
        sa = struct.pack("=HH4s8x", socket.AF_INET, 0, ip.packed)
    else:
        sa = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, ip.packed, 0)
    return sa.ljust(128, b"\0")

def join(group):
    ip = ipaddress.ip_address(group)
    lst = socks[ip.version]
    if not lst or lst[-1][1] >= per:
        fam = socket.AF_INET if ip.version == 4 else socket.AF_INET6
        lst.append([socket.socket(fam, socket.SOCK_DGRAM), 0])
    s = lst[-1]
    level = socket.IPPROTO_IP if ip.version == 4 else socket.IPPROTO_IPV6
    s[0].setsockopt(level, MCAST_JOIN_GROUP,
                    struct.pack("=I4x", ifindex) + sockaddr(ip))
    s[1] += 1

total = 0
for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] != "join":
        continue
    with open(cmd[1]) as f:
        groups = f.read().split()
    interval = float(cmd[2]) / 1000.0
    verbose = cmd[3] == "1"
    start = time.monotonic()
    for i, g in enumerate(groups):
        t = time.time_ns()
        join(g)
        total += 1
        if verbose:
            print("joined", g, t, flush=True)
        if interval:
            delay = start + (i + 1) * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    print("done", total, flush=True)
'''


# ---------------------------------------------------------------- setup

def setup_module(mod):
    tgen = Topogen(S.build_topo, mod.__name__)
    tgen.start_topology()
    S.prepare_nodes(tgen, "master-backup")
    # room for 10k+ groups: the bridge's mdb (default 4096) and h1's
    # per-socket IGMP limit (default 20)
    tgen.gears["sw1"].cmd_raises(
        "ip link set dev sw1 type bridge mcast_hash_max 65536")
    tgen.gears["h1"].cmd_raises(
        "sysctl -qw net.ipv4.igmp_max_memberships={}".format(GROUPS_PER_SOCKET * 2))
    lib_rbp.load_router_integrated(tgen.gears["up"], S.up_conf(), daemons=UP_DAEMONS)
    for rn in S.ROUTERS:
        lib_rbp.load_router_integrated(
            tgen.gears[rn], S.router_conf(rn), daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)
    S.wait_snooping_settled(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, indent=1)
    print("\nbench_sync: results in {}".format(OUT))
    get_topogen().stop_topology()


def wait_established(family, timeout=60):
    S.wait_established(family, timeout=timeout)


def local_groups(rn, family, origin):
    js = lib_rbp.vtysh_json(
        gear(rn), "show {} remote-backup entries json".format(ipv(family)))
    return {e["group"] for e in js["entries"] if e["origin"] == origin}


# ------------------------------------------------------------- log parsing

LOG_RE = re.compile(r"^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)? (\S+): \[[^\]]*\] (.*)$")
PUBLISH_RE = re.compile(r"^\S+ \(\*,([^)]+)\): publish \S+ v\d+ \d+ms \(new\)")
INSTALLED_RE = re.compile(r"^\S+ \(\*,([^)]+)\): \S+ -> installed")


def log_path(rn, daemon):
    r = gear(rn)
    return os.path.join(r.logdir, r.name, "{}.log".format(daemon))


def log_size(rn, daemon):
    try:
        return os.path.getsize(log_path(rn, daemon))
    except OSError:
        return 0


class LogTail:
    "Incremental reader of a daemon log from a byte offset."

    def __init__(self, rn, daemon, offset):
        self.path = log_path(rn, daemon)
        self.offset = offset
        self.partial = b""

    def lines(self):
        "New complete lines since the last call: [(epoch s, message)]."
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return []
        self.offset += len(data)
        data = self.partial + data
        parts = data.split(b"\n")
        self.partial = parts.pop()
        out = []
        for raw in parts:
            m = LOG_RE.match(raw.decode("utf-8", "replace"))
            if not m:
                continue
            y, mo, d, h, mi, s, frac = m.group(1, 2, 3, 4, 5, 6, 7)
            t = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s)))
            t += float(frac) if frac else 0.0
            out.append((t, m.group(9)))
        return out


def stats(values):
    "p50/p90/p99/max (nearest rank) of a list, in the values' unit."
    v = sorted(values)
    if not v:
        return {}

    def pct(p):
        k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
        return v[k]

    return {"n": len(v), "min": v[0], "p50": pct(50), "p90": pct(90),
            "p99": pct(99), "max": v[-1], "mean": sum(v) / len(v)}


def r3(x):
    return None if x is None else round(x, 3)


# --------------------------------------------------------------- joiner

class Joiner:
    def __init__(self):
        path = lib_rbp.write_router_file(gear("h1"), "bench_joiner.py", JOINER)
        self.proc = gear("h1").net.popen(
            ["/usr/bin/python3", path, "h1-eth0", str(GROUPS_PER_SOCKET)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, encoding="utf-8")
        self.seq = 0

    def join(self, groups, interval_ms=0.0, verbose=False, timeout=600):
        """Join the groups; returns {group: realtime s of the join} if
        verbose."""
        self.seq += 1
        path = lib_rbp.write_router_file(
            gear("h1"), "bench_groups_{}.txt".format(self.seq), "\n".join(groups))
        self.proc.stdin.write("join {} {} {}\n".format(path, interval_ms, int(verbose)))
        self.proc.stdin.flush()
        times = {}
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.proc.stdout], [], [], max(0, left))
            if not r:
                raise RuntimeError("joiner timed out")
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("joiner died: " + self.proc.stderr.read())
            parts = line.split()
            if parts[0] == "joined":
                times[parts[1]] = int(parts[2]) / 1e9
            elif parts[0] == "done":
                return times

    def stop(self):
        lib_rbp.stop_mcast_join(self.proc, timeout=10)


def group_list(family, block, n):
    "n distinct groups of a block (0..), ASM, not link-local."
    if family == 4:
        base = int(ipaddress.ip_address("239.{}.0.0".format(10 + block)))
        return [str(ipaddress.ip_address(base + 256 + i)) for i in range(n)]
    base = int(ipaddress.ip_address("ff15::{:x}:0:0".format(0x100 + block)))
    return [str(ipaddress.ip_address(base + 1 + i)) for i in range(n)]


def canon(group):
    return str(ipaddress.ip_address(group))


# ------------------------------------------------------------------ tests

def test_channels_up():
    for fam in (4, 6):
        wait_established(fam)
    ok, last = lib_rbp.wait_until(
        lambda: [S.roles(f) for f in (4, 6)] == [("master", "backup")] * 2, timeout=30)
    assert ok, last


@pytest.mark.parametrize("family", [4, 6])
def test_sync_latency(family):
    "N joins one after the other: publish on r1 -> installed on r2."
    groups = group_list(family, 0 if family == 4 else 1, N_SYNC)
    d = gm_daemon(family)
    t1 = LogTail("r1", d, log_size("r1", d))
    t2 = LogTail("r2", d, log_size("r2", d))
    joiner = Joiner()
    try:
        joined = joiner.join(groups, INTERVAL_MS, verbose=True)
        want = set(groups)
        published, installed = {}, {}

        def collect():
            for t, msg in t1.lines():
                m = PUBLISH_RE.match(msg)
                if m and canon(m.group(1)) in want:
                    published.setdefault(canon(m.group(1)), t)
            for t, msg in t2.lines():
                m = INSTALLED_RE.match(msg)
                if m and canon(m.group(1)) in want:
                    installed.setdefault(canon(m.group(1)), t)
            return len(installed) == len(want) and len(published) == len(want)

        ok, _ = lib_rbp.wait_until(collect, timeout=60, interval=0.5)
        sync = [(installed[g] - published[g]) * 1000 for g in groups
                if g in installed and g in published]
        e2e = [(installed[g] - joined[g]) * 1000 for g in groups
               if g in installed and g in joined]
        j2p = [(published[g] - joined[g]) * 1000 for g in groups
               if g in published and g in joined]
        res = {
            "groups": len(groups), "join_interval_ms": INTERVAL_MS,
            "published": len(published), "installed": len(installed),
            "sync_ms": {k: r3(v) for k, v in stats(sync).items()},
            "join_to_installed_ms": {k: r3(v) for k, v in stats(e2e).items()},
            "join_to_publish_ms": {k: r3(v) for k, v in stats(j2p).items()},
        }
        RESULTS["sync_latency"]["igmp" if family == 4 else "mld"] = res
        print("\nsync latency {}: {}".format("IGMP" if family == 4 else "MLD",
                                             json.dumps(res)))
        assert ok, "published {} installed {} of {}".format(
            len(published), len(installed), len(want))
    finally:
        joiner.stop()
    # the leaves drain before the next measure
    lib_rbp.wait_until(
        lambda: not (local_groups("r2", family, "peer") & set(groups)), timeout=60)


# ------------------------------------------------------------ bulk resync

def proc_pid(rn, daemon):
    return int(gear(rn).cmd_raises("cat /var/run/frr/{}.pid".format(daemon)).strip())


def proc_sample(rn, pid):
    "RSS kB, CPU ns (schedstat), CPU ticks (utime+stime) of a pid in rn."
    out = gear(rn).cmd_raises(
        "grep VmRSS /proc/{p}/status; cat /proc/{p}/schedstat; cat /proc/{p}/stat".format(p=pid))
    lines = out.strip().splitlines()
    rss = int(lines[0].split()[1])
    sched_ns = int(lines[1].split()[0])
    stat = lines[2].rsplit(")", 1)[1].split()
    ticks = int(stat[11]) + int(stat[12])  # fields 14, 15
    return {"rss_kb": rss, "cpu_ns": sched_ns, "cpu_ticks": ticks,
            "t": time.time()}


MEM_RE = re.compile(r"^(.*?)\s*:\s*(\d+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def show_memory(rn, daemon):
    "{MTYPE name: (count, total bytes)} of `show memory DAEMON`."
    out = lib_rbp.vtysh(gear(rn), "show memory " + daemon)
    mem = {}
    for line in out.splitlines():
        m = MEM_RE.match(line)
        if m:
            mem[m.group(1).strip()] = (int(m.group(2)), int(m.group(4)))
    return mem


def block_channel(rn, port, on):
    r = gear(rn)
    r.cmd("nft delete table inet rbp_bench")
    if on:
        r.cmd_raises("nft -f - <<'EOF'\ntable inet rbp_bench {{\n"
                     " chain in {{ type filter hook input priority 0; policy accept;\n"
                     "  tcp dport {p} reject with tcp reset\n"
                     "  tcp sport {p} reject with tcp reset\n }}\n"
                     " chain out {{ type filter hook output priority 0; policy accept;\n"
                     "  tcp dport {p} reject with tcp reset\n"
                     "  tcp sport {p} reject with tcp reset\n }}\n}}\nEOF".format(p=port))


EVENT_CPU_RE = re.compile(
    r"^\s*\d+\s+\d+\.\d+\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\d+\s+\d+\s+(\d+)"
    r"\s+[RWTEX ]+?\s+(\S+)\s*$")


def event_cpu(rn, daemon):
    """The daemon's event loops since `clear event cpu`: [(longest run of
    one task in us (wall clock), task, calls, starvation warnings)],
    longest first.  The longest task bounds how late any timer or socket
    of the daemon was served (its event loop runs one task at a time)."""
    out = lib_rbp.vtysh(gear(rn), "show event cpu", daemon)
    rows = []
    for line in out.splitlines():
        if line.startswith("Total Event statistics"):
            break
        m = EVENT_CPU_RE.match(line)
        if m:
            rows.append((int(m.group(2)), m.group(4), int(m.group(1)), int(m.group(3))))
    return sorted(rows, reverse=True)


def counters(rn, family):
    "(entriesSent, entriesReceived) of the channel: cheap, unlike the entries json"
    svc = service(rn, family)
    return svc["entriesSent"], svc["entriesReceived"]


def set_debug(rn, lines):
    rc, out = lib_rbp.vtysh_lines(gear(rn), *lines)
    assert rc == 0, out


def start_perf(pid, family, n):
    """With BENCH_SYNC_PERF=DIR: `perf record -g` of r2's pimd/pim6d during
    the resync, into DIR/resync-<family>-<n>.data (perf report -i ...)."""
    out_dir = os.environ.get("BENCH_SYNC_PERF")
    if not out_dir:
        return None
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "resync-{}-{}.data".format(
        "igmp" if family == 4 else "mld", n))
    # in r2: the pid is the one r2 sees
    return gear("r2").popen(["perf", "record", "-q", "-g", "-F", "999", "-p", str(pid),
                             "-o", out], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop_perf(proc):
    if proc:
        proc.send_signal(2)
        proc.wait(timeout=60)


def measure_resync(family, n, groups):
    d = gm_daemon(family)
    r2 = gear("r2")
    port = service("r2", family)["channelPort"]
    block_channel("r2", port, True)
    try:
        tail = LogTail("r2", d, log_size("r2", d))
        t_kill = time.time()
        lib_rbp.restart_daemons(r2, [d], reapply=True)
        assert lib_rbp.missing_daemons(r2, [d]) == []
        time.sleep(2)  # config applied, interfaces up; channel refused
        pid = proc_pid("r2", d)
        before = proc_sample("r2", pid)
        mem0 = show_memory("r2", d)
        st = service("r2", family)
        assert st["tcpState"] != "established", st
        # the config turned every debug on again: keep only what is parsed
        set_debug("r2", R2_BULK_DEBUG)
        lib_rbp.vtysh(r2, "clear event cpu", d)
    finally:
        perf = start_perf(pid, family, n)
        block_channel("r2", port, False)
    t_open = time.time()
    installed = {}
    marks = {}
    after = None

    def collect():
        nonlocal after
        for t, msg in tail.lines():
            if "channel hello -> resync" in msg:
                marks["hello_resync"] = t
                marks.pop("resync_complete", None)
            elif "channel resync -> established: resync complete" in msg:
                marks.setdefault("resync_complete", t)
            else:
                m = INSTALLED_RE.match(msg)
                if m:
                    g = canon(m.group(1))
                    if g in groups:
                        installed.setdefault(g, t)
        if len(installed) >= n and after is None:
            after = proc_sample("r2", pid)
        return after is not None and "resync_complete" in marks

    ok, _ = lib_rbp.wait_until(collect, timeout=120 + n / 50, interval=0.05)
    loop = event_cpu("r2", d)
    stop_perf(perf)
    time.sleep(1)
    rss_settled = proc_sample("r2", pid)
    mem1 = show_memory("r2", d)
    res = {"family": "igmp" if family == 4 else "mld", "entries": n,
           "installed": len(installed), "complete": ok}
    h = marks.get("hello_resync")
    c = marks.get("resync_complete")
    last = max(installed.values()) if installed else None
    res["open_to_hello_ms"] = r3((h - t_open) * 1000) if h else None
    res["hello_to_complete_ms"] = r3((c - h) * 1000) if h and c else None
    res["hello_to_last_installed_ms"] = r3((last - h) * 1000) if h and last else None
    if h and last and last > h:
        res["entries_per_s"] = round(len(installed) / (last - h))
    if after:
        res["cpu_ms"] = r3((after["cpu_ns"] - before["cpu_ns"]) / 1e6)
        res["cpu_ticks_ms"] = (after["cpu_ticks"] - before["cpu_ticks"]) * 10
        res["cpu_wall_ms"] = r3((after["t"] - t_open) * 1000)
    if loop:
        res["loop_longest_task_ms"] = r3(loop[0][0] / 1000)
        res["loop_top_tasks"] = [{"task": t, "max_ms": r3(us / 1000), "calls": c}
                                 for us, t, c, _ in loop[:4]]
        res["loop_starvation_warnings"] = sum(w for _, _, _, w in loop)
    res["rss_before_kb"] = before["rss_kb"]
    res["rss_after_kb"] = rss_settled["rss_kb"]
    res["rss_per_entry_b"] = round((rss_settled["rss_kb"] - before["rss_kb"]) * 1024 / n, 1)
    modmem = {}
    for name in sorted(set(mem0) | set(mem1)):
        if not (name.startswith("remote-backup") or name.startswith("mldsync")):
            continue
        c0, b0 = mem0.get(name, (0, 0))
        c1, b1 = mem1.get(name, (0, 0))
        if (c0, b0) != (c1, b1) or c1:
            modmem[name] = {"count": c1, "bytes": b1, "delta_count": c1 - c0,
                            "delta_bytes": b1 - b0}
    res["module_memory"] = modmem
    # per entry: the entry MTYPEs (the backup's table entry and its
    # installed state); the total also counts fixed buffers
    ent = sum(modmem.get(k, {}).get("delta_bytes", 0)
              for k in ("mldsync entry", "remote-backup installed entry"))
    res["module_entry_bytes_per_entry"] = round(ent / n, 1)
    mod_bytes = sum(v["delta_bytes"] for v in modmem.values())
    res["module_bytes_per_entry"] = round(mod_bytes / n, 1)
    # everything pimd allocates through FRR's MTYPEs (PIM state included)
    all0 = sum(b for _, b in mem0.values())
    all1 = sum(b for _, b in mem1.values())
    res["mtype_bytes_per_entry"] = round((all1 - all0) / n, 1)
    res["t_kill"] = round(t_kill, 6)
    print("\nbulk resync {} x{}: {}".format(res["family"], n, json.dumps(res)))
    return res


# Bulk phase debugs.  r1: none: with `debug remote-backup` (two log lines
# per entry and refresh) r1's pim6d drops MLD reports at 10 000 groups
# (see bench/README.md) and memberships churn.  r2: the channel states and
# installations only (the lines parsed), not a line per received entry.
R1_BULK_DEBUG = ["no debug remote-backup"]
R2_BULK_DEBUG = ["no debug remote-backup packets", "no debug remote-backup entries"]


def test_bulk_resync():
    if not BULK:
        pytest.skip("BENCH_SYNC_BULK empty")
    set_debug("r1", R1_BULK_DEBUG)
    set_debug("r2", R2_BULK_DEBUG)
    RESULTS["bulk_debug"] = {"r1": R1_BULK_DEBUG, "r2": R2_BULK_DEBUG}
    # entries that are not ours (e.g. groups the routers join themselves)
    base = {fam: counters("r1", fam)[0] for fam in (4, 6)}
    joiner = Joiner()
    held = {4: [], 6: []}
    try:
        for n in BULK:
            t0 = time.time()
            for rn in ("r1", "r2"):
                for fam in (4, 6):
                    lib_rbp.vtysh(gear(rn), "clear event cpu", gm_daemon(fam))
            for fam in (4, 6):
                all_groups = group_list(fam, 2 + (fam == 6), n)
                more = all_groups[len(held[fam]):]
                joiner.join(more, 0.0)
                held[fam] = all_groups
            for fam in (4, 6):
                want = base[fam] + n
                ok, last = lib_rbp.wait_until(
                    lambda fam=fam, want=want: counters("r1", fam)[0] == want
                    and counters("r2", fam)[1] == want,
                    timeout=60 + n / 100, interval=1)
                assert ok, "{} (r1 sent, r2 received) {}, want {}".format(
                    ipv(fam), counters("r1", fam), want)
            t_learned = time.time() - t0
            storm = {"entries": n, "learned_s": round(t_learned, 2)}
            for rn in ("r1", "r2"):
                for fam in (4, 6):
                    loop = event_cpu(rn, gm_daemon(fam))
                    if loop:
                        storm["{}_{}".format(rn, gm_daemon(fam))] = {
                            "longest_task_ms": r3(loop[0][0] / 1000),
                            "top": [{"task": t, "max_ms": r3(us / 1000), "calls": c}
                                    for us, t, c, _ in loop[:3]]}
            RESULTS.setdefault("join_storm", []).append(storm)
            print("\njoin storm {}: {}".format(n, json.dumps(storm)))
            # stable over two query intervals (no membership lost)
            stable = []
            for _ in range(10):
                time.sleep(1)
                stable.append(tuple(counters(rn, fam)[i] for fam in (4, 6)
                                    for rn, i in (("r1", 0), ("r2", 1))))
            print("\n{} groups per family held after {:.1f} s; counters "
                  "(r1 v4, r2 v4, r1 v6, r2 v6) over 10 s: {}".format(
                      n, time.time() - t0, sorted(set(stable))))
            for fam in (4, 6):
                want = {canon(g) for g in held[fam]}
                res = measure_resync(fam, n, want)
                res["stable_counters"] = sorted(set(stable))
                RESULTS["bulk_resync"].append(res)
                wait_established(fam)
                ok, last = lib_rbp.wait_until(
                    lambda fam=fam: counters("r2", fam)[1] == base[fam] + n,
                    timeout=60, interval=1)
    finally:
        joiner.stop()


def test_no_crash():
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
