#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Switchover gap on the seed-001 topology (bench/topo/bench_switchover.py),
# in three configurations: baseline (FRR 10.3 without the modules, VRRP
# only), vrrp (modules, VRRP 100 ms), bfd (modules + BFD 10 ms x 3 peer
# tracking); and on the E-Trunk topology (bench/topo/bench_etrunk.py):
# etrunk (master/backup), etrunk-aa (seed 002, active-active), failures
# kill and link-cut only.  Configurations not run keep their figures in
# OUT.  See bench/README.md.
#
#   bench/switchover.sh [-r RUNS] [-c "baseline vrrp bfd etrunk etrunk-aa"]
#                       [-f "kill kill-mcast link-cut silent prio restart"] [-o OUT.json]
#
#   -r  runs per configuration and failure (5)
#   -c  configurations (one run.sh each, so other topotest runs can get
#       the machine lock in between)
#   -f  failures: kill (kill -9 of all r1 daemons), kill-mcast (kill -9 of
#       r1's pimd and pim6d alone: vrrpd lives), link-cut (r1's LAN link
#       down), silent (r1 cut off the LAN and the channel's link without
#       knowing: a power loss as r2 sees it), prio (r1's VRRP priority
#       below r2's, then back: two live handovers, duplicates counted),
#       restart (kill -9 of all r1 daemons, then their restart with
#       `vrrp 1 preempt delay 60 wait-sync`: restart -> resync done -> r1
#       forwarding again); kill-mcast, prio and restart need the modules
#       (skipped in baseline)
#   -o  merged results (doc/switchover.json); the plot goes next to it (.png)
# As root.  Prints the summary table; exit status: non-zero if a run failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")
RUNS=5
CONFIGS="baseline vrrp bfd"
FAILURES="kill kill-mcast link-cut silent prio restart"
OUT=$TOP/doc/switchover.json

while getopts "r:c:f:o:h" opt; do
	case $opt in
	r) RUNS=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
	f) FAILURES=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '4,28p' "$0"; exit 2 ;;
	esac
done

start=$(date +%s)
status=0
files=()
for cfg in $CONFIGS; do
	raw=/tmp/frr-rbp-topotests/bench_switchover-$cfg.raw.json
	rm -f "$raw"
	t0=$(date +%s)
	module=bench_switchover.py
	fails=$FAILURES
	case $cfg in
	etrunk | etrunk-aa)
		module=bench_etrunk.py
		# the E-Trunk bench knows kill and link-cut
		fails=$(for f in $FAILURES; do case $f in kill | link-cut) echo "$f" ;; esac; done)
		fails=$(echo $fails)
		[ -n "$fails" ] || fails="kill link-cut"
		;;
	esac
	echo "== switchover: configuration $cfg ($RUNS runs x $fails)"
	BENCH_SW_CONFIG=$cfg BENCH_SW_RUNS=$RUNS BENCH_SW_FAILURES=$fails \
	BENCH_SW_OUT=$raw "$TOP/tests/topotests/run.sh" -p lib_rbp.pytest_plugin \
		--rootdir="$HERE/topo" "$HERE/topo/$module" -s
	rc=$?
	echo "== switchover: $cfg took $(( $(date +%s) - t0 )) s (pytest status $rc)"
	[ $rc = 0 ] || status=$rc
	[ -f "$raw" ] && files+=("$raw")
done
end=$(date +%s)
[ ${#files[@]} -gt 0 ] || { echo "switchover.sh: no results" >&2; exit 1; }

/usr/bin/python3 "$HERE/plot_switchover.py" --merge "$OUT" "$((end - start))" "${files[@]}"
echo "run time $((end - start)) s; results in $OUT"
exit $status
