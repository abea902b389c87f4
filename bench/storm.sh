#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Join storm from real IGMPv3/MLDv2 reports on the seed-001 topology
# (bench/topo/bench_storm.py): h1 joins N groups per family at once, both
# families; how long r1 takes to hold them all (and, with the modules, r2
# to install them), whether they stay, the daemons' longest task.  Stock
# pimd/pim6d (baseline) against the modules.  See bench/README.md.
#
#   bench/storm.sh [-n "10000"] [-c "baseline modules"] [-r RUNS] [-t TIMEOUT]
#                  [-w WINDOW] [-T TIMERS] [-o OUT.json]
#
#   -n  sizes, groups per family ("10000"; e.g. "10000 50000:1": SIZE:RUNS
#       gives a size its own number of runs)
#   -c  configurations ("baseline modules"): baseline = FRR without the
#       modules, modules = r1 master, r2 hot backup
#   -r  runs per configuration and size (2); every run is one run.sh (a
#       fresh topology; other topotest runs can take the machine lock in
#       between); the configurations alternate within a size
#   -t  seconds to wait for the convergence (60 + N/200)
#   -w  seconds the counts are watched after it (20)
#   -T  the channel's timers on both twins (modules), e.g. "keepalive 1000
#       hold 15000" (default: the service's, keepalive 1 s, hold 3 s)
#   -o  merged results (doc/bench-storm.json)
# As root.  Prints the table; exit status: non-zero if a run failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")
SIZES="10000"
CONFIGS="baseline modules"
RUNS=2
TIMEOUT=
WINDOW=20
OUT=$TOP/doc/bench-storm.json

TIMERS=
while getopts "n:c:r:t:w:T:o:h" opt; do
	case $opt in
	n) SIZES=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	w) WINDOW=$OPTARG ;;
	T) TIMERS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '4,25p' "$0"; exit 2 ;;
	esac
done

start=$(date +%s)
status=0
files=()
stamp=$(date +%Y%m%d-%H%M%S)
for size in $SIZES; do
	n=${size%%:*}
	runs=$RUNS
	[ "$n" = "$size" ] || runs=${size#*:}
	for run in $(seq 1 "$runs"); do
		for cfg in $CONFIGS; do
			raw=/tmp/frr-rbp-topotests/bench_storm-$stamp-$cfg-$n-$run.raw.json
			rm -f "$raw"
			t0=$(date +%s)
			echo "== storm: $cfg, $n groups per family, run $run"
			BENCH_STORM_CONFIG=$cfg BENCH_STORM_N=$n BENCH_STORM_RUN=$run \
			BENCH_STORM_TIMEOUT=$TIMEOUT BENCH_STORM_WINDOW=$WINDOW \
			BENCH_STORM_TIMERS=$TIMERS \
			BENCH_STORM_OUT=$raw "$TOP/tests/topotests/run.sh" -p lib_rbp.pytest_plugin \
				--rootdir="$HERE/topo" "$HERE/topo/bench_storm.py" -s
			rc=$?
			echo "== storm: $cfg $n run $run took $(( $(date +%s) - t0 )) s (pytest status $rc)"
			[ $rc = 0 ] || status=$rc
			[ -f "$raw" ] && files+=("$raw")
		done
	done
done
end=$(date +%s)
[ ${#files[@]} -gt 0 ] || { echo "storm.sh: no results" >&2; exit 1; }

/usr/bin/python3 - "$TOP" "$OUT" "$((end - start))" "$status" "${files[@]}" <<'EOF'
import json, os, platform, subprocess, sys, time

top, out, secs, status, raws = (sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                sys.argv[5:])
runs = []
for p in raws:
    with open(p) as f:
        runs.append(json.load(f))
runs.sort(key=lambda r: (r["n"], r["config"], str(r["run"])))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


res = {"meta": {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "machine": "{}, {} cores, kernel {}".format(
        sh(". /etc/os-release && echo $PRETTY_NAME"), os.cpu_count(), platform.release()),
    "commit": sh("git -C {} rev-parse --short HEAD".format(top)),
    "run_seconds": secs,
    "status": status,
    "notes": "h1 joins N groups per family at once (both families, real IGMPv3/MLDv2 "
             "reports, hosts answering r1's 5 s queries); times from the start of the "
             "joins; r1 IGMP: pimd's totalGroups; r1 MLD: pim6d's MTYPE 'MLD (S,G)' "
             "count less the link-scope joins; r1 upstreams: MTYPE 'PIM upstream (S,G) "
             "state'; r2: twinEntries with twinEntriesQueued 0; stable: min/max over "
             "the window after convergence; longest task: `show event cpu`, main "
             "pthread, wall clock",
}, "runs": runs}
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w") as f:
    json.dump(res, f, indent=1)
    f.write("\n")


def fmt(x, spec="{:.1f}"):
    return "-" if x is None else spec.format(x)


def rng(v):
    return "-" if not v else ("{}".format(v[0]) if v[0] == v[1] else "{}..{}".format(v[0], v[1]))


print("\n== Join storm: time from the joins to all N groups on r1 (memberships; "
      "upstreams), and installed on r2; counts over the window after it")
hdr = ("config", "N", "run", "fam", "joined s", "r1 all s", "r1 up s", "r2 all s",
       "r1 window", "r2 window", "r1 raw drops", "resets")
fmt_row = "{:<8} {:>6} {:>3} {:<4} {:>8} {:>8} {:>8} {:>8} {:>13} {:>13} {:>12} {:>6}"
print(fmt_row.format(*hdr))
for r in runs:
    for fam, fr in r.get("families", {}).items():
        j = r.get("joiners", {}).get("4" if fam == "igmp" else "6", {})
        print(fmt_row.format(
            r["config"], r["n"], r["run"], fam, fmt(j.get("join_s"), "{:.2f}"),
            fmt(fr.get("r1_all_s")), fmt(fr.get("r1_upstreams_all_s")),
            fmt(fr.get("r2_all_s")), rng(fr.get("r1_stable")),
            rng(fr.get("r2_stable")), fr.get("r1_raw_drops", "-"),
            fmt(fr.get("channel_resets"), "{}")))

print("\n== Medians over the runs (s; '-': not reached in some run; n: runs)")
groups = {}
for r in runs:
    for fam, fr in r.get("families", {}).items():
        groups.setdefault((r["config"], r["n"], fam), []).append(fr)


def med(vals):
    if not vals or any(v is None for v in vals):
        return None
    v = sorted(vals)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


print("{:<8} {:>6} {:<4} {:>2} {:>8} {:>8} {:>8}".format("config", "N", "fam", "n", "r1 all", "r1 up", "r2 all"))
for (cfg, n, fam), frs in sorted(groups.items()):
    print("{:<8} {:>6} {:<4} {:>2} {:>8} {:>8} {:>8}".format(
        cfg, n, fam, len(frs), fmt(med([f.get("r1_all_s") for f in frs])),
        fmt(med([f.get("r1_upstreams_all_s") for f in frs])),
        fmt(med([f.get("r2_all_s") for f in frs])) if cfg == "modules" else "-"))

print("\n== Event loops: the longest task (ms, wall clock) during the storm / during the window; "
      "starvation warnings (storm + window); vtysh's longest answer during the storm")
fmt2 = "{:<8} {:>6} {:>3} {:<10} {:>9} {:>9} {:>6}  {}"
print(fmt2.format("config", "N", "run", "daemon", "storm ms", "window ms", "starv", "longest task (storm)"))
for r in runs:
    for k, v in (r.get("event_loop_storm") or {}).items():
        w = (r.get("event_loop_window") or {}).get(k) or {}
        if not v:
            continue
        print(fmt2.format(r["config"], r["n"], r["run"], k, fmt(v["longest_task_ms"]),
                          fmt(w.get("longest_task_ms")),
                          v["starv_warn"] + (w.get("starv_warn") or 0), v["longest_task"]))
    print("{:<8} {:>6} {:>3} vtysh longest answer s: {}".format(
        r["config"], r["n"], r["run"], r.get("vty_max_s")))

print("\n== r1's daemons: RSS before -> after (MB), CPU during the storm (s)")
for r in runs:
    print("{:<8} {:>6} {:>3}  {}".format(r["config"], r["n"], r["run"], "; ".join(
        "{} {:.1f}->{:.1f} MB, {} s".format(k, v["rss_before_kb"] / 1024,
                                           v["rss_after_window_kb"] / 1024, v["cpu_storm_s"])
        for k, v in r.get("daemons", {}).items())))
print("run time {} s; results in {}".format(secs, out))
EOF
exit $status
