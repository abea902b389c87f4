#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds the mldsync libFuzzer target (frame reader, handshake and its
# authentication, message handler) with clang
# -fsanitize=fuzzer,address,undefined and runs it.
#
#   tests/fuzz/run.sh [SECONDS]          default 30
#
# Environment: FRR_TREE (default /var/cache/frr-rbp/build/frr), CC (clang),
# FUZZ_OUT (build directory, default _build/fuzz), FUZZ_JOBS (parallel
# workers, default 1), FUZZ_ARGS (more libFuzzer options).
# The working corpus grows in tests/fuzz/corpus-run/ (not committed);
# tests/fuzz/corpus/ holds the seeds.  A crash leaves crash-* here and
# makes the script fail.
set -eu

secs=${1:-30}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
FRR_TREE=${FRR_TREE:-/var/cache/frr-rbp/build/frr}
CC=${CC:-clang}
out=${FUZZ_OUT:-$srcdir/_build/fuzz}
seeds=$srcdir/tests/fuzz/corpus
work=$srcdir/tests/fuzz/corpus-run

if [ ! -f "$FRR_TREE/config.h" ]; then
	echo "run.sh: $FRR_TREE is not a built FRR tree (set FRR_TREE)" >&2
	exit 1
fi
frr_var() { sed -n "s/^$1 = //p" "$FRR_TREE/Makefile" | head -n1; }

mkdir -p "$out/gen/mldsync" "$work"
protoc-c --proto_path="$srcdir/mldsync" --c_out="$out/gen/mldsync" \
	"$srcdir/mldsync/msync.proto"

# the flags FRR compiles itself with, plus the fuzzer's
cflags="-g -O1 -fno-omit-frame-pointer -fms-extensions -Wno-microsoft-anon-tag
	-Wno-unknown-attributes
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-DHAVE_CONFIG_H -I$FRR_TREE/lib/assert -I$FRR_TREE -I$FRR_TREE/include
	-I$FRR_TREE/lib $(frr_var LIBYANG_CFLAGS) -I$srcdir -I$out/gen
	$(pkg-config --cflags libprotobuf-c)"
yang_libdir=$(frr_var LIBYANG_LIBS | sed -n 's/.*-L\([^ ]*\).*/\1/p')
yang_libdir=${yang_libdir:-$(sed -n "s/^libdir='\(.*\)'/\1/p" "$FRR_TREE/lib/libfrr.la")}
libs="-L$FRR_TREE/lib/.libs -Wl,-rpath,$FRR_TREE/lib/.libs -lfrr
	-L$yang_libdir -Wl,-rpath,$yang_libdir -lyang
	$(pkg-config --libs libprotobuf-c)"

echo "run.sh: building $out/fuzz_msync"
# shellcheck disable=SC2086
$CC $cflags -o "$out/fuzz_msync" \
	"$srcdir/tests/fuzz/fuzz_msync.c" \
	"$srcdir/tests/unit/fake_io.c" \
	"$srcdir/mldsync/msync_auth.c" \
	"$srcdir/mldsync/msync_codec.c" \
	"$srcdir/mldsync/msync_entry.c" \
	"$srcdir/mldsync/msync_frame.c" \
	"$srcdir/mldsync/msync_listen.c" \
	"$srcdir/mldsync/msync_session.c" \
	"$srcdir/mldsync/msync_sync.c" \
	"$srcdir/mldsync/msync_table.c" \
	"$out/gen/mldsync/msync.pb-c.c" \
	$libs

if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
	MSYNC_FUZZ_GEN_CORPUS="$seeds" "$out/fuzz_msync"
fi

echo "run.sh: fuzzing for $secs s"
log=$out/fuzz.log
status=0
jobs=
if [ "${FUZZ_JOBS:-1}" != 1 ]; then
	jobs="-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS"
fi
# shellcheck disable=SC2086
(cd "$srcdir/tests/fuzz" && "$out/fuzz_msync" -max_total_time="$secs" \
	-print_final_stats=1 -max_len=8192 -timeout=${FUZZ_TIMEOUT:-10} $jobs ${FUZZ_ARGS:-} "$work" "$seeds") \
	>"$log" 2>&1 || status=$?
stats=$log
if [ -n "$jobs" ]; then
	# one log per job; the summary below adds them up
	stats=$out/fuzz-jobs.log
	cat "$srcdir"/tests/fuzz/fuzz-*.log >"$stats" 2>/dev/null || true
	rm -f "$srcdir"/tests/fuzz/fuzz-*.log
fi
tail -n 25 "$log"

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$stats" | awk '{s+=$1} END {print s+0}')
final=$(grep -E '^#[0-9]+.*cov:' "$stats" | tail -n1)
cov=$(grep -oE 'cov: [0-9]+' "$stats" | awk '{if ($2>m) m=$2} END {print m+0}')
ft=$(grep -oE 'ft: [0-9]+' "$stats" | awk '{if ($2>m) m=$2} END {print m+0}')
corp=$(echo "$final" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
echo "run.sh: executions: $execs  coverage: $cov edges (cov), $ft features (ft)  corpus: ${corp:-?} inputs  time: $secs s${jobs:+, $FUZZ_JOBS jobs}"
if [ "$status" -ne 0 ]; then
	echo "run.sh: the fuzzer failed (status $status); see $log and tests/fuzz/crash-*" >&2
	exit "$status"
fi
