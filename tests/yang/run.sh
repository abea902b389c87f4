#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Checks the YANG models of frr-rbp: yanglint over yang/*.yang (a module
# that does not compile, or any warning, fails), then the unit tests of the
# json validator (tests/yang/test_yangcheck.py).  Exit status non-zero on
# any failure.
#
# Environment: FRR_RBP_PREFIX (default /opt/frr-rbp; yanglint from its bin/,
# libyang from its lib/), YANGLINT (the binary), PYTHON (default
# /usr/bin/python3, which has pytest).

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PREFIX=${FRR_RBP_PREFIX:-/opt/frr-rbp}
YANGLINT=${YANGLINT:-$PREFIX/bin/yanglint}
PY=${PYTHON:-/usr/bin/python3}

export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

die() { echo "run.sh: $*" >&2; exit 2; }

[ -x "$YANGLINT" ] || die "no yanglint at $YANGLINT (set YANGLINT or FRR_RBP_PREFIX)"
"$YANGLINT" -v >/dev/null 2>&1 || die "$YANGLINT does not run"
"$PY" -c 'import pytest' 2>/dev/null || die "$PY has no pytest"

rc=0
shopt -s nullglob
models=("$ROOT"/yang/*.yang)
[ ${#models[@]} -gt 0 ] || die "no models in $ROOT/yang"

for m in "${models[@]}"; do
	# -p: imports among our own modules; ietf-inet/yang-types are
	# libyang's own
	out=$("$YANGLINT" -p "$ROOT/yang" "$m" 2>&1)
	st=$?
	if [ $st -ne 0 ] || [ -n "$out" ]; then
		echo "FAIL yanglint ${m#"$ROOT"/}" >&2
		[ -n "$out" ] && echo "$out" >&2
		rc=1
	else
		echo "ok   yanglint ${m#"$ROOT"/}"
	fi
done

"$PY" -m pytest -q -p no:cacheprovider "$ROOT/tests/yang" || rc=1

exit $rc
