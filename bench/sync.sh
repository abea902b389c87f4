#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sync latency and bulk resync of the remote backup service, on the
# seed-001 topology (bench/topo/bench_sync.py).  See bench/README.md.
#
#   bench/sync.sh [-n GROUPS] [-i INTERVAL_MS] [-b "1000 10000"] [-o OUT.json]
#
#   -n  groups joined one after the other for the sync latency (200)
#   -i  time between two joins, ms (50)
#   -b  bulk resync sizes, entries per family, cumulative ("1000 10000";
#       "" = none)
#   -o  results (doc/bench-sync.json)
# As root; runs tests/topotests/run.sh (one topotest run at a time on the
# machine).  Prints the tables; exit status: the run's.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")
N=200
INTERVAL=50
BULK="1000 10000"
OUT=$TOP/doc/bench-sync.json

while getopts "n:i:b:o:h" opt; do
	case $opt in
	n) N=$OPTARG ;;
	i) INTERVAL=$OPTARG ;;
	b) BULK=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '4,16p' "$0"; exit 2 ;;
	esac
done

RAW=/tmp/frr-rbp-topotests/bench_sync.raw.json
rm -f "$RAW"
start=$(date +%s)
BENCH_SYNC_N=$N BENCH_SYNC_INTERVAL_MS=$INTERVAL BENCH_SYNC_BULK=$BULK \
BENCH_SYNC_OUT=$RAW "$TOP/tests/topotests/run.sh" -p lib_rbp.pytest_plugin \
	--rootdir="$HERE/topo" "$HERE/topo/bench_sync.py" -s
rc=$?
end=$(date +%s)
[ -f "$RAW" ] || { echo "sync.sh: no results ($RAW)" >&2; exit "${rc:-1}"; }

/usr/bin/python3 - "$RAW" "$OUT" "$((end - start))" "$rc" <<'EOF'
import json, os, platform, subprocess, sys, time

raw, out, secs, rc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
res = json.load(open(raw))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


res["meta"] = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "machine": "{}, {} cores, kernel {}".format(
        sh(". /etc/os-release && echo $PRETTY_NAME"), os.cpu_count(), platform.release()),
    "commit": sh("git -C {} rev-parse --short HEAD".format(os.path.dirname(os.path.abspath(out)))),
    "run_seconds": secs,
    "pytest_status": rc,
    "notes": "daemons log with `debug remote-backup` (per-entry lines); "
             "latencies from the daemons' microsecond log timestamps",
}
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w") as f:
    json.dump(res, f, indent=1)
    f.write("\n")

print("\n== Sync latency (ms): r1 publish (new) -> r2 installed; host join -> r2 installed")
print("{:<6} {:>5} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7}".format(
    "family", "n", "p50", "p90", "p99", "max", "p50", "p90", "p99", "max"))
for fam, r in res["sync_latency"].items():
    s, e = r["sync_ms"], r["join_to_installed_ms"]
    print("{:<6} {:>5} | {:>7.3f} {:>7.3f} {:>7.3f} {:>7.3f} | {:>7.2f} {:>7.2f} {:>7.2f} {:>7.2f}".format(
        fam, s.get("n", 0), s["p50"], s["p90"], s["p99"], s["max"],
        e["p50"], e["p90"], e["p99"], e["max"]))

print("\n== Join storm: h1 joins N groups per family at once (both families); "
      "learned on r1 and installed on r2; the longest task of each daemon meanwhile")
for st in res.get("join_storm", []):
    print("{:>7} groups: {:>6.1f} s; longest task ms: {}".format(
        st["entries"], st["learned_s"], ", ".join(
            "{} {} ({})".format(k, v["longest_task_ms"], v["top"][0]["task"])
            for k, v in st.items() if isinstance(v, dict))))

print("\n== Bulk resync after a restart of the backup's daemon")
hdr = ("family", "entries", "->complete ms", "->last inst ms", "entries/s",
       "CPU ms", "RSS +kB", "RSS B/entry", "module B/entry", "longest task ms")
print("{:<6} {:>7} {:>13} {:>14} {:>9} {:>7} {:>8} {:>11} {:>14} {:>15}".format(*hdr))
for r in res["bulk_resync"]:
    print("{:<6} {:>7} {:>13} {:>14} {:>9} {:>7} {:>8} {:>11} {:>14} {:>15}".format(
        r["family"], r["entries"], r.get("hello_to_complete_ms"),
        r.get("hello_to_last_installed_ms"), r.get("entries_per_s"),
        r.get("cpu_ms"), r["rss_after_kb"] - r["rss_before_kb"],
        r["rss_per_entry_b"], r["module_entry_bytes_per_entry"],
        "{} ({})".format(r.get("loop_longest_task_ms"),
                         (r.get("loop_top_tasks") or [{}])[0].get("task"))))
print("\n(times from r2's 'channel hello -> resync'; module B/entry: MTYPEs "
      "'mldsync entry' + 'remote-backup installed entry'; longest task: the "
      "longest run of one task of r2's daemon from the port opening to the "
      "last installed entry, `show event cpu`, which bounds how late its "
      "timers and sockets were served)")
print("run time {} s; results in {}".format(secs, out))
EOF
exit $rc
