#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the frr-rbp topotests (tests/topotests/*/test_*.py) with FRR's topotest
# library against the frr-rbp build.  See README.md.
#
#   run.sh [--asan] [--junit FILE] [PYTEST ARGS / TEST PATHS...]
#   run.sh --frr-own [--junit FILE] [FRR TEST DIRS...] [PYTEST ARGS...]
#        FRR's own tests from $FRR_TREE/tests/topotests, default:
#        pim_basic multicast_mld_join_topo1
#   run.sh --cleanup     only kill what a crashed earlier run left behind
#   --asan: build the modules with ASan+UBSan (asan-build.sh, into
#        _build/asan), run the tests with them in pimd/pim6d/vrrpd and
#        libasan preloaded there (logs in /tmp/frr-rbp-topotests-asan),
#        then fail if any sanitizer report or daemon crash is in the logs
#        (lib_rbp/asan.py).  See README.md, "AddressSanitizer".
#
# Environment: FRR_TREE (default /var/cache/frr-rbp/build/frr),
#   FRR_RBP_PREFIX (default /opt/frr-rbp), FRR_DIR, FRR_BINDIR,
#   PYTHON (default /usr/bin/python3), RBP_DAEMON_ARGS (see lib_rbp);
#   with --asan: RBP_ASAN_BUILDDIR, RBP_ASAN_RUNDIR, RBP_ASAN_OPTIONS,
#   RBP_UBSAN_OPTIONS, RBP_ASAN_DAEMONS (README.md).
# Exit status: pytest's (0 only if everything collected passed or skipped);
# with --asan also 1 when pytest passed but the logs hold a report.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export FRR_TREE=${FRR_TREE:-/var/cache/frr-rbp/build/frr}
PREFIX=${FRR_RBP_PREFIX:-/opt/frr-rbp}
PY=${PYTHON:-/usr/bin/python3}
FRR_TT=$FRR_TREE/tests/topotests
FRR_OWN_DEFAULT=(pim_basic multicast_mld_join_topo1)

# Our vtysh first; then the system dirs, so `python3` in test helpers and
# FRR scripts (#!/usr/bin/env python3) is Debian's, which sees python3-scapy.
export PATH="${FRR_BINDIR:-$PREFIX/bin}:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
# Do not write __pycache__ into FRR's tree.
export PYTHONDONTWRITEBYTECODE=1

die() { echo "run.sh: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
[ -x "$PY" ] || die "$PY not found"
[ -d "$FRR_TT/lib" ] && [ -d "$FRR_TT/munet" ] ||
	die "FRR topotest library not found in $FRR_TT (set FRR_TREE)"
"$PY" -c 'import pytest' 2>/dev/null || die "$PY has no pytest (apt install python3-pytest)"

mode=ours
asan=0
junit=()
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--frr-own) mode=frr ;;
	--cleanup) mode=cleanup ;;
	--asan) asan=1 ;;
	--junit) [ $# -ge 2 ] || die "--junit needs a file"; junit=("--junitxml=$2"); shift ;;
	--junit=*) junit=("--junitxml=${1#--junit=}") ;;
	*) args+=("$1") ;;
	esac
	shift
done

# One run at a time on a machine: FRR's conftest and munet clean up the
# namespaces and processes of any other run they find.
exec 8>/run/lock/frr-rbp-topotests.lock
flock 8

# Kill processes left in namespaces by a crashed earlier run (munet marks
# them with MUNET_PID; only those whose pytest is gone are touched).
"$PY" -m lib_rbp.cleanup || die "cleanup of a previous run failed"
[ "$mode" = cleanup ] && exit 0

common=(-c "$HERE/pytest.ini" -rA --durations=10 "${junit[@]}")

# --asan: instrumented modules, libasan preloaded into the daemons that
# load them (lib_rbp/frrenv.py), a run directory of its own, and a scan of
# the logs of this run afterwards.
asan_stamp=
asan_rundir=
if [ "$asan" = 1 ]; then
	if [ -n "${RBP_ASAN_PRELOAD:-}" ] && [ -n "${RBP_MODULEDIR:-}" ]; then
		echo "run.sh: --asan with RBP_MODULEDIR=$RBP_MODULEDIR RBP_ASAN_PRELOAD=$RBP_ASAN_PRELOAD (no build)"
	else
		built=$("$HERE/asan-build.sh" ${RBP_ASAN_BUILDDIR:+"$RBP_ASAN_BUILDDIR"} | tail -n1) ||
			die "asan-build.sh failed"
		case $built in MODULEDIR=*" PRELOAD="*) ;; *) die "asan-build.sh said: $built" ;; esac
		RBP_MODULEDIR=${built#MODULEDIR=}
		RBP_MODULEDIR=${RBP_MODULEDIR%% PRELOAD=*}
		RBP_ASAN_PRELOAD=${built##* PRELOAD=}
	fi
	export RBP_MODULEDIR RBP_ASAN_PRELOAD
	asan_rundir=${RBP_ASAN_RUNDIR:-/tmp/frr-rbp-topotests-asan}
	for a in "${args[@]}"; do
		case $a in
		--rundir=*) asan_rundir=${a#--rundir=} ;;
		--rundir) die "--asan: give --rundir=DIR (one argument)" ;;
		esac
	done
	case " ${args[*]} " in *" --rundir="*) ;; *) common+=("--rundir=$asan_rundir") ;; esac
	mkdir -p "$asan_rundir"
	asan_stamp=$asan_rundir/.asan-run-start
	touch "$asan_stamp"
	echo "run.sh: ASan: modules from $RBP_MODULEDIR, LD_PRELOAD=$RBP_ASAN_PRELOAD into ${RBP_ASAN_DAEMONS:-pimd,pim6d,vrrpd} when given -M, logs in $asan_rundir"
fi

# After pytest: with --asan, the scan of this run's logs decides too.
finish() {
	local rc=$1 arc=0
	if [ "$asan" = 1 ]; then
		echo
		"$PY" -m lib_rbp.asan "$asan_rundir" --since "$asan_stamp" || arc=$?
		if [ "$rc" = 0 ] && [ "$arc" != 0 ]; then
			echo "run.sh: ASan: pytest passed, but the logs hold the report(s) above"
			rc=1
		fi
	fi
	exit "$rc"
}

if [ "$mode" = ours ]; then
	cd "$HERE" || exit 2
	[ ${#args[@]} -gt 0 ] || args=("$HERE")
	echo "run.sh: $PY -m pytest ${common[*]} ${args[*]}"
	"$PY" -m pytest "${common[@]}" "${args[@]}"
	finish $?
fi

# --frr-own: FRR's tests with our plugin instead of FRR's conftest.py
# (--noconftest), rootdir FRR's topotests dir so log dirs are named as in FRR.
tests=()
pyargs=()
for a in "${args[@]}"; do
	if [ -d "$FRR_TT/$a" ] || [ -f "$FRR_TT/$a" ] || [ -f "$FRR_TT/${a%%::*}" ]; then
		tests+=("$a")
	else
		pyargs+=("$a")
	fi
done
[ ${#tests[@]} -gt 0 ] || tests=("${FRR_OWN_DEFAULT[@]}")
cd "$FRR_TT" || exit 2
echo "run.sh: (in $FRR_TT) $PY -m pytest ${common[*]} --rootdir=$FRR_TT --noconftest -p lib_rbp.pytest_plugin ${pyargs[*]} ${tests[*]}"
"$PY" -m pytest "${common[@]}" --rootdir="$FRR_TT" --noconftest \
	-p lib_rbp.pytest_plugin "${pyargs[@]}" "${tests[@]}"
finish $?
