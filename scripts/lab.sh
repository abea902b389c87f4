#!/bin/bash
# The main job: a two-router lab in network namespaces that shows IGMP and
# MLD membership replicated from the master to the backup over the remote
# backup service, and a failover with the receiver's gap printed.
# Builds what is needed first (scripts/build.sh; RBP_SKIP_BUILD=1: no
# build, use what is installed in $FRR_RBP_PREFIX).  Run as root.
# The lab itself is scripts/lab_seed001.py, run by tests/topotests/run.sh.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "lab.sh: run as root (network namespaces, FRR daemons)" >&2; exit 1; }
[ "${RBP_SKIP_BUILD:-0}" = 1 ] || "$TOP/scripts/build.sh"
LOG=/tmp/frr-rbp-topotests/lab.log
mkdir -p "$(dirname "$LOG")"
echo "lab: starting the seed-001 topology (about a minute); full log in $LOG"
# the topotest library's own log lines go to the log only; of the
# allocations the daemons leave at exit, the modules' (memory groups of
# pimd-rbp, mldsync, vrrpd-track) are shown, FRR's own (stock vrrpd leaves
# some in libfrr) only logged
set +e
"$TOP/tests/topotests/run.sh" -p lib_rbp.pytest_plugin --rootdir="$TOP/scripts" \
	"$TOP/scripts/lab_seed001.py" -s -q --tb=short -o log_cli=false 2>&1 |
	tee "$LOG" |
	awk '/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ (DEBUG|INFO|WARNING):/ {skip = 1; next}
	     skip && /^\t/ {next}
	     {skip = 0}
	     /has memory leaks/ {who = $0; sub(/ has memory leaks:.*/, "", who); ours = 0; next}
	     /## showing active allocations in memory group/ {
		ours = /memory group (remote backup|mldsync|vrrpd track)/
		if (ours) { print "lab: " who " leaks memory of its module:"; leaks++ }
		next
	     }
	     /^[a-z0-9]+d: / {if (ours) print; next}
	     /^-+ (live log|generated xml)/ || /^run\.sh:/ {next}
	     {print}
	     END {if (!leaks) print "lab: the modules freed all their memory at exit"}'
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && echo "lab: done" || echo "lab: FAILED (rc $rc), see $LOG"
exit "$rc"
