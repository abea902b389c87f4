#!/bin/bash
# Build and install everything: Debian packages, the FRR 10.3 toolchain
# (cached in $FRR_RBP_CACHE, default /var/cache/frr-rbp), then the modules
# and the rebuilt vtysh into the same prefix ($FRR_RBP_PREFIX, default
# /opt/frr-rbp; configure takes it from the FRR tree).  Idempotent.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
JOBS=${JOBS:-$(nproc)}
PREFIX=${FRR_RBP_PREFIX:-/opt/frr-rbp}

FRR_TREE=$("$TOP/scripts/build-frr.sh" | tail -n1)

if [ ! -f Makefile ] || [ configure.ac -nt configure ] ||
	! grep -q "^FRR_TREE = $FRR_TREE\$" Makefile; then
	echo "build: configuring frr-rbp against $FRR_TREE" >&2
	autoreconf -fi >/dev/null 2>&1
	./configure -q --with-frr="$FRR_TREE"
fi
echo "build: compiling modules and vtysh" >&2
make -s -j"$JOBS" >/dev/null
make -s install >/dev/null
echo "build: installed $(ls "$PREFIX"/lib/frr/modules/*_rbp.so "$PREFIX"/lib/frr/modules/vrrpd_track.so | xargs -n1 basename | tr '\n' ' ')and vtysh in $PREFIX" >&2
