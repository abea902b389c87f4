#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds the three modules (pimd_rbp.so, pim6d_rbp.so, vrrpd_track.so)
# with AddressSanitizer and UBSan, out of tree, and stages them in one
# module directory for `--moduledir` (RBP_MODULEDIR).  Used by
# `run.sh --asan`; nothing is installed.
#
#   tests/topotests/asan-build.sh [BUILDDIR]      default: _build/asan
#
# Prints, as its last line, `MODULEDIR=<dir> PRELOAD=<libasan>`: the staged
# modules and the ASan runtime of the compiler that built them (to
# LD_PRELOAD into the daemons: their binaries are not instrumented).
#
# Environment: FRR_TREE (default /var/cache/frr-rbp/build/frr), CC (gcc),
#   RBP_ASAN_CFLAGS (default: -g -O1 -fno-omit-frame-pointer
#   -fsanitize=address,undefined -fno-sanitize-recover=undefined),
#   RBP_SRCDIR (sources to build, default this repository).
set -eu

srcdir=${RBP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=$(cd "$srcdir" && pwd)
builddir=${1:-$srcdir/_build/asan}
case $builddir in /*) ;; *) builddir=$(pwd)/$builddir ;; esac
FRR_TREE=${FRR_TREE:-/var/cache/frr-rbp/build/frr}
CC=${CC:-gcc}
cflags=${RBP_ASAN_CFLAGS:--g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined}
# the link needs the sanitizer options too (DT_NEEDED libasan, libubsan)
ldflags=$(printf '%s\n' $cflags | grep -e '^-fsanitize' -e '^-fno-sanitize' | tr '\n' ' ')

say() { echo "asan-build: $*" >&2; }

# Automake refuses a VPATH build from a source tree configured in place
# (as tests/unit/run-sanitizers.sh): then build from a copy of its files.
# The copy is refreshed, not recreated, so that make rebuilds only what
# changed (tar keeps the files' times).
if [ -f "$srcdir/config.status" ]; then
	copy=$builddir-src
	say "$srcdir is configured in place, building from a copy in $copy"
	mkdir -p "$copy"
	(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$copy"
	srcdir=$copy
fi
if [ ! -x "$srcdir/configure" ]; then
	say "autoreconf in $srcdir"
	(cd "$srcdir" && autoreconf -fi) >&2
fi

mkdir -p "$builddir"
cd "$builddir"
want="CC=$CC CFLAGS=$cflags LDFLAGS=$ldflags FRR_TREE=$FRR_TREE SRC=$srcdir"
if [ ! -f config.status ] || [ "$(cat .asan-configured 2>/dev/null)" != "$want" ]; then
	say "configure in $builddir ($cflags)"
	rm -f .asan-configured
	"$srcdir/configure" --with-frr="$FRR_TREE" CC="$CC" CFLAGS="$cflags" \
		LDFLAGS="$ldflags" >&2
	echo "$want" >.asan-configured
fi

# generated sources first (make does not build BUILT_SOURCES for a named
# target), then the three modules only: not vtysh, not the tests
built=$(printf 'print-built:\n\t@echo $(BUILT_SOURCES)\n' |
	make -s -f Makefile -f - print-built)
# shellcheck disable=SC2086
make -s -j"$(nproc)" $built >&2
mods="pimd-rbp/pimd_rbp.la pimd-rbp/pim6d_rbp.la vrrpd-track/vrrpd_track.la"
# shellcheck disable=SC2086
make -s -j"$(nproc)" $mods >&2

# one directory with the three .so (pimd -M rbp loads pimd_rbp.so from it)
moddir=$builddir/modules
mkdir -p "$moddir"
for m in pimd-rbp/pimd_rbp pimd-rbp/pim6d_rbp vrrpd-track/vrrpd_track; do
	so=$(dirname "$m")/.libs/$(basename "$m").so
	[ -f "$so" ] || { say "$so not built"; exit 1; }
	cp -p "$so" "$moddir/"
done
chmod -R a+rX "$moddir"

# The ASan runtime of this compiler; the modules must want that one.
preload=$(readlink -f "$("$CC" -print-file-name=libasan.so)")
[ -f "$preload" ] || { say "no libasan.so for $CC"; exit 1; }
need=$(readelf -d "$moddir/pimd_rbp.so" | sed -n 's/.*NEEDED.*\[\(libasan[^]]*\)\].*/\1/p')
have=$(readelf -d "$preload" | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
if [ -z "$need" ]; then
	say "$moddir/pimd_rbp.so is not linked with libasan (CFLAGS: $cflags)"
	exit 1
fi
if [ "$need" != "$have" ]; then
	say "modules need $need, $CC's runtime is $have ($preload)"
	exit 1
fi
say "modules in $moddir (need $need), ASan runtime $preload"
echo "MODULEDIR=$moddir PRELOAD=$preload"
