#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds frr-rbp out of tree with ASan and UBSan (configure
# --enable-sanitizers) and runs "make check" there.
#
#   tests/unit/run-sanitizers.sh [BUILDDIR]     default: _build/san
#
# CONFIGURE_FLAGS adds configure options (e.g. --with-frr=DIR).
set -eu

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${1:-$srcdir/_build/san}
case $builddir in /*) ;; *) builddir=$(pwd)/$builddir ;; esac

# Automake refuses a VPATH build from a source tree that is configured in
# place: use a pristine copy of its files (committed or not) then.
if [ -f "$srcdir/config.status" ]; then
	copy=$builddir-src
	echo "run-sanitizers: $srcdir is configured in place, building from a copy in $copy"
	rm -rf "$copy"
	mkdir -p "$copy"
	(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$copy"
	srcdir=$copy
fi
if [ ! -x "$srcdir/configure" ]; then
	(cd "$srcdir" && autoreconf -fi)
fi

mkdir -p "$builddir"
cd "$builddir"
# shellcheck disable=SC2086
"$srcdir/configure" --enable-sanitizers ${CONFIGURE_FLAGS:-}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
make -j"$(nproc)" check || {
	cat tests/unit/*.log >&2 || true
	exit 1
}
echo "run-sanitizers: make check clean under ASan+UBSan in $builddir"
