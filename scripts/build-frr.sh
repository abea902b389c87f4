#!/bin/bash
# Build the FRR toolchain the modules run in: libyang and FRR 10.3 from
# Debian 13 (trixie) source packages, with patches/frr-10.3/ applied,
# installed under a private prefix (default /opt/frr-rbp).
#
# Idempotent: a stamp in the prefix records the source versions, the patch
# series and this script; when it matches and the build tree is intact the
# build is skipped.  The build tree is kept in $FRR_RBP_CACHE because the
# modules are compiled against it (headers, config.h, clippy, frr.xref).
#
# Prints the FRR build tree path on the last line of stdout; with --sources,
# fetches only and prints the two .dsc paths (frr, libyang) instead
# (scripts/packages.sh builds Debian packages from them).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${FRR_RBP_PREFIX:-/opt/frr-rbp}
CACHE=${FRR_RBP_CACHE:-/var/cache/frr-rbp}
JOBS=${JOBS:-$(nproc)}
SRC=$CACHE/src
BUILD=$CACHE/build
LOG=$CACHE/log
STAMP=$PREFIX/share/frr-rbp/toolchain.stamp

# Only what the project needs.  bgpd is built for FRR's own pim_basic and
# multicast_mld_join_topo1 topotests, which prove the patches are inert.
FRR_CONFIGURE=(
	--prefix="$PREFIX"
	--sbindir="$PREFIX/lib/frr"
	--sysconfdir=/etc
	--localstatedir=/var
	--enable-user=frr --enable-group=frr --enable-vty-group=frrvty
	--enable-configfile-mask=0640 --enable-logfile-mask=0640
	--disable-doc --disable-ripd --disable-ripngd --disable-ospfd
	--disable-ospf6d --disable-ldpd --disable-nhrpd --disable-eigrpd
	--disable-babeld --disable-isisd --disable-pbrd --disable-fabricd
	--disable-pathd --disable-sharpd --disable-snmp --disable-zeromq
	--disable-scripting
)

log() { echo "build-frr: $*" >&2; }

mkdir -p "$SRC" "$BUILD" "$LOG"
exec 9>"$CACHE/lock"
flock 9

"$TOP/scripts/deps.sh"

# --- sources -----------------------------------------------------------
ensure_deb_src() {
	local f=/etc/apt/sources.list.d/frr-rbp-trixie-src.sources
	if ! apt-cache showsrc frr 2>/dev/null | grep -q '^Version: 10\.3-'; then
		log "adding deb-src for trixie ($f)"
		cat >"$f" <<-EOT
			Types: deb-src
			URIs: http://deb.debian.org/debian
			Suites: trixie
			Components: main
			Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOT
		apt-get update -qq
	fi
}

# newest dsc of a source package in $SRC, or nothing
local_dsc() { ls -1 "$SRC"/"$1"_*.dsc 2>/dev/null | sort -V | tail -n1; }

fetch() { # package upstream-version-prefix
	local dsc
	dsc=$(local_dsc "$1")
	if [ -z "$dsc" ] || ! grep -q "^Version: $2" "$dsc"; then
		ensure_deb_src
		log "fetching source package $1/trixie"
		(cd "$SRC" && apt-get source --download-only -qq "$1/trixie" 2>&1 |
			grep -v "unsandboxed" >&2 || true)
		dsc=$(local_dsc "$1")
	fi
	grep -q "^Version: $2" "$dsc" || {
		log "$1: expected version $2*, got $(grep ^Version: "$dsc")"
		exit 1
	}
	echo "$dsc"
}

FRR_DSC=$(fetch frr 10.3-)
LY_DSC=$(fetch libyang 3.12.2-)
FRR_VER=$(sed -n 's/^Version: //p' "$FRR_DSC")
LY_VER=$(sed -n 's/^Version: //p' "$LY_DSC")
if [ "${1:-}" = --sources ]; then
	echo "$FRR_DSC $LY_DSC"
	exit 0
fi

stamp_value() {
	{
		echo "frr $FRR_VER libyang $LY_VER"
		cat "$TOP"/patches/frr-10.3/*.patch 2>/dev/null || true
		cat "$0"
	} | sha256sum | cut -d' ' -f1
}
WANT=$(stamp_value)

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] &&
	[ -f "$BUILD/frr/frr.xref" ] && [ -x "$PREFIX/lib/frr/pimd" ]; then
	log "up to date (frr $FRR_VER, libyang $LY_VER, $(ls "$TOP"/patches/frr-10.3/*.patch 2>/dev/null | wc -l) patches)"
	echo "$BUILD/frr"
	exit 0
fi

t0=$(date +%s)
rm -f "$STAMP"

# --- libyang -----------------------------------------------------------
log "libyang $LY_VER"
rm -rf "$BUILD/libyang"
dpkg-source -x "$LY_DSC" "$BUILD/libyang" >"$LOG/libyang-unpack.log" 2>&1
mkdir -p "$BUILD/libyang/build"
(
	cd "$BUILD/libyang/build"
	cmake -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_BUILD_TYPE=Release -DENABLE_TESTS=OFF .. >"$LOG/libyang.log" 2>&1
	make -j"$JOBS" >>"$LOG/libyang.log" 2>&1
	make install >>"$LOG/libyang.log" 2>&1
) || { log "libyang build failed, see $LOG/libyang.log"; tail -20 "$LOG/libyang.log" >&2; exit 1; }

# --- FRR ---------------------------------------------------------------
log "frr $FRR_VER (Debian patches + $(ls "$TOP"/patches/frr-10.3/*.patch 2>/dev/null | wc -l) frr-rbp patches)"
rm -rf "$BUILD/frr"
dpkg-source -x "$FRR_DSC" "$BUILD/frr" >"$LOG/frr-unpack.log" 2>&1
cd "$BUILD/frr"
for p in "$TOP"/patches/frr-10.3/*.patch; do
	[ -e "$p" ] || continue
	log "  applying $(basename "$p")"
	patch -p1 --batch --quiet <"$p" || { log "patch $p does not apply"; exit 1; }
done
{
	./bootstrap.sh
	PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" \
		LDFLAGS="-L$PREFIX/lib -Wl,-rpath,$PREFIX/lib" CFLAGS="-g -O2" \
		./configure "${FRR_CONFIGURE[@]}"
} >"$LOG/frr-configure.log" 2>&1 || {
	log "FRR configure failed, see $LOG/frr-configure.log"
	tail -20 "$LOG/frr-configure.log" >&2
	exit 1
}
make -j"$JOBS" >"$LOG/frr-make.log" 2>&1 || {
	log "FRR build failed, see $LOG/frr-make.log"
	grep -E "error|Error" "$LOG/frr-make.log" | head -20 >&2
	exit 1
}
make install >"$LOG/frr-install.log" 2>&1
install -d -o frr -g frr /var/run/frr /var/log/frr
install -d -o frr -g frrvty /etc/frr

mkdir -p "$(dirname "$STAMP")"
echo "$WANT" >"$STAMP"
log "built in $(($(date +%s) - t0)) s"
echo "$BUILD/frr"
