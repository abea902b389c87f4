#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the frr-rbp topotests (tests/topotests/*/test_*.py) with FRR's topotest
# library against the frr-rbp build.  See README.md.
#
#   run.sh [--junit FILE] [PYTEST ARGS / TEST PATHS...]
#   run.sh --frr-own [--junit FILE] [FRR TEST DIRS...] [PYTEST ARGS...]
#        FRR's own tests from $FRR_TREE/tests/topotests, default:
#        pim_basic multicast_mld_join_topo1
#   run.sh --cleanup     only kill what a crashed earlier run left behind
#
# Environment: FRR_TREE (default /var/cache/frr-rbp/build/frr),
#   FRR_RBP_PREFIX (default /opt/frr-rbp), FRR_DIR, FRR_BINDIR,
#   PYTHON (default /usr/bin/python3), RBP_DAEMON_ARGS (see lib_rbp).
# Exit status: pytest's (0 only if everything collected passed or skipped).
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
junit=()
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--frr-own) mode=frr ;;
	--cleanup) mode=cleanup ;;
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

if [ "$mode" = ours ]; then
	cd "$HERE" || exit 2
	[ ${#args[@]} -gt 0 ] || args=("$HERE")
	echo "run.sh: $PY -m pytest ${common[*]} ${args[*]}"
	"$PY" -m pytest "${common[@]}" "${args[@]}"
	exit $?
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
exit $?
