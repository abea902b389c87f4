#!/bin/bash
# Build the Debian packages: FRR 10.3 from Debian's frr source package with
# patches/frr-10.3 applied and a binary package frr-rbp added (the modules
# are compiled against that very FRR build, so they come from the same
# source package, as Debian's frr-snmp does), and, for Debian 12, libyang
# 3.12 from Debian 13's source (Debian 12's 2.1.30 is too old for FRR 10.3).
#
#   scripts/packages.sh [bookworm|trixie]...    (default: bookworm)
#
# Each distribution is built in its own clean root made with mmdebstrap from
# the Debian mirror this machine uses (FRR_RBP_MIRROR to override), with
# dpkg-buildpackage, then checked with lintian.  Versions:
#   frr, frr-rbp ...  10.3-3+deb13u1+rbp<frr-rbp version>[~deb12]
#   libyang (Debian 12 only)  3.12.2-1~rbp12+1
# "+rbp" orders them above Debian's frr 10.3-3+deb13u1; "~deb12" keeps the
# Debian 12 build below the Debian 13 one, so a dist-upgrade moves on.
#
# Output: $FRR_RBP_CACHE/packages/<dist>/debs/*.deb (the last line of stdout
# is that directory, one per dist), lintian.txt next to it.  Cached: the
# roots, ccache, and the debs, rebuilt when the sources, the patches, the
# packaging or this script change.  Options (environment): DEB_BUILD_OPTIONS
# (default "nocheck noautodbgsym": FRR's own unit tests take long, frr-rbp's
# run in scripts/test.sh), FRR_RBP_PKG_FORCE=1 to rebuild.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FRR_RBP_CACHE:-/var/cache/frr-rbp}
JOBS=${JOBS:-$(nproc)}
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck noautodbgsym}

log() { echo "packages: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap, chroot)"
[ $# -gt 0 ] || set -- bookworm

# shellcheck source=debian-mirror.sh
. "$TOP/scripts/debian-mirror.sh"

read -r FRR_DSC LY_DSC < <("$TOP/scripts/build-frr.sh" --sources | tail -n1)
FRR_VER=$(sed -n 's/^Version: //p' "$FRR_DSC")
LY_VER=$(sed -n 's/^Version: //p' "$LY_DSC")
RBP_VER=$(sed -n 's/^AC_INIT(\[frr-rbp\], \[\([^]]*\)\].*/\1/p' "$TOP/configure.ac")
[ -n "$RBP_VER" ] || die "no version in configure.ac"
PATCHES=("$TOP"/patches/frr-10.3/*.patch)
GIT_REV=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)
# who built them, for the changelog entries: DEBFULLNAME/DEBEMAIL as for
# dch, else git's identity, else root at this host (a dotted name: lintian
# takes a bare host name for a bogus address)
host=$(hostname -f 2>/dev/null || hostname)
case "$host" in *.*) ;; *) host=$host.localdomain ;; esac
BUILDER="${DEBFULLNAME:-$(git -C "$TOP" config user.name || echo frr-rbp builder)} <${DEBEMAIL:-$(git -C "$TOP" config user.email || echo "root@$host")}>"
# reproducible dates: the last commit's
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || date +%s)}

for cmd in mmdebstrap lintian dpkg-source; do
	command -v "$cmd" >/dev/null || die "$cmd missing (scripts/deps.sh installs it)"
done

# --- a clean build root per distribution --------------------------------
# Run a command in ROOT in a private mount namespace (proc, dev, ccache).
in_root() {
	local root=$1
	shift
	unshare --mount --propagation private --fork -- sh -c '
		root=$1; ccache=$2; shift 2
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mkdir -p "$root/ccache" && mount --bind "$ccache" "$root/ccache"
		exec chroot "$root" env -i PATH=/usr/lib/ccache:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 CCACHE_DIR=/ccache CCACHE_MAXSIZE=4G \
			DEB_BUILD_OPTIONS="$DEB_BUILD_OPTIONS" DEB_BUILD_PROFILES="${DEB_BUILD_PROFILES:-}" \
			SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" "$@"' \
		sh "$root" "$CCACHE" "$@"
}

make_root() { # dist root
	local dist=$1 root=$2
	log "$dist: creating the build root (mmdebstrap, $(debian_mirror))"
	rm -rf "$root" "$root.new"
	mmdebstrap --quiet --variant=buildd --include=ccache,ca-certificates \
		"$dist" "$root.new" - <<<"$(debian_sources "$dist")" >/dev/null
	mv "$root.new" "$root"
}

# --- sources -------------------------------------------------------------
# frr-rbp as the project tracks it (the work tree's version of each file)
rbp_tree() { # dest
	mkdir -p "$1"
	git -C "$TOP" ls-files -z | (cd "$TOP" && tar --null -T - -cf -) | tar -xf - -C "$1"
}

# A source tree of DSC in DIR (fresh) with a changelog entry of ours on top
unpack() { # dsc dir package version dist text...
	local dsc=$1 dir=$2 pkg=$3 ver=$4 dist=$5 line
	shift 5
	rm -rf "$dir"
	dpkg-source -x "$dsc" "$dir" >/dev/null 2>&1
	{
		echo "$pkg ($ver) $dist; urgency=medium"
		echo
		for line in "$@"; do echo "  $line"; done
		echo
		echo " -- $BUILDER  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
		echo
		cat "$dir/debian/changelog"
	} >"$dir/debian/changelog.new"
	mv "$dir/debian/changelog.new" "$dir/debian/changelog"
}

prepare_frr() { # dist dir version
	local dist=$1 dir=$2 ver=$3 p
	unpack "$FRR_DSC" "$dir" frr "$ver" "$dist" \
		"* frr-rbp $RBP_VER (IGMP/MLD dual-device hot backup), git $GIT_REV:" \
		"  - ${#PATCHES[@]} FRR patches (debian/patches/rbp/): hook points for the modules" \
		"    and fixes (frr-rbp's doc/patches.md)." \
		"  - New binary package frr-rbp: the pimd, pim6d and vrrpd modules," \
		"    vtysh with their commands, YANG models, Wireshark dissector."
	# the frr-rbp patch series, after Debian's own, applied by dpkg-source
	# at the build's start
	mkdir -p "$dir/debian/patches/rbp"
	for p in "${PATCHES[@]}"; do
		cp "$p" "$dir/debian/patches/rbp/"
		echo "rbp/$(basename "$p")" >>"$dir/debian/patches/series"
	done
	rbp_tree "$dir/rbp"
	(cd "$dir" && patch -p1 --quiet <"$TOP/packaging/debian/rules-control.diff")
	cat "$TOP/packaging/debian/control.frr-rbp" >>"$dir/debian/control"
	# frr-rbp's Files paragraph after the last one of FRR's (before the
	# stand-alone License paragraphs)
	awk -v add="$TOP/packaging/debian/copyright.frr-rbp" '
		!done && /^License:/ && prev == "" {
			while ((getline line <add) > 0) print line
			done = 1
		}
		{ print; prev = $0 }' "$dir/debian/copyright" >"$dir/debian/copyright.new"
	mv "$dir/debian/copyright.new" "$dir/debian/copyright"
	for p in preinst postrm prerm docs examples; do
		cp "$TOP/packaging/debian/frr-rbp.$p" "$dir/debian/"
	done
}

prepare_libyang() { # dist dir version
	unpack "$LY_DSC" "$2" libyang "$3" "$1" \
		"* Rebuilt for Debian 12 by frr-rbp: FRR 10.3 needs libyang >= 2.1.128."
}

# dpkg-buildpackage in the root: build-dependencies from the source's
# control file (apt), then a binary-only build
build_in_root() { # root srcdir-in-root log profiles
	local root=$1 src=$2 logf=$3 profiles=$4 aptp
	aptp=$(echo $profiles | tr ' ' ,)
	DEB_BUILD_PROFILES=$profiles in_root "$root" sh -ec "
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq --no-install-recommends \
			${aptp:+-P $aptp} '$src' >/dev/null
		cd '$src'
		dpkg-buildpackage -b -uc -us -j$JOBS
	" >"$logf" 2>&1 || {
		tail -40 "$logf" >&2
		die "build of $src failed, see $logf"
	}
}

build_dist() { # dist
	local dist=$1 suffix ver lyver lykey root work out stamp want t0
	case "$dist" in
	bookworm) suffix="~deb12" ;;
	trixie) suffix="" ;;
	*) die "unknown distribution $dist (bookworm or trixie)" ;;
	esac
	ver="$FRR_VER+rbp$RBP_VER$suffix"
	lyver="$LY_VER~rbp12+1"
	work=$CACHE/packages/$dist
	root=$work/root
	out=$work/debs
	CCACHE=$work/ccache
	mkdir -p "$work" "$CCACHE"

	want=$({
		echo "$dist $FRR_VER $LY_VER $RBP_VER $DEB_BUILD_OPTIONS $(debian_mirror)"
		cat "$0" "$TOP"/packaging/debian/* "${PATCHES[@]}"
		git -C "$TOP" ls-files -z | (cd "$TOP" && xargs -0 cat)
	} | sha256sum | cut -d' ' -f1)
	stamp=$out/.stamp
	if [ -z "${FRR_RBP_PKG_FORCE:-}" ] && [ -f "$stamp" ] &&
		[ "$(cat "$stamp")" = "$want" ]; then
		log "$dist: up to date ($ver)"
		echo "$out"
		return
	fi
	t0=$(date +%s)
	[ -x "$root/usr/bin/dpkg-buildpackage" ] || make_root "$dist" "$root"
	rm -rf "$root/build" "$out"
	mkdir -p "$root/build" "$out"

	if [ "$dist" = bookworm ]; then
		lykey="$lyver $BUILDER"
		if [ "$(cat "$work/libyang/.key" 2>/dev/null)" != "$lykey" ]; then
			log "$dist: libyang $lyver"
			prepare_libyang "$dist" "$root/build/libyang" "$lyver"
			DEB_BUILD_OPTIONS="nocheck noautodbgsym" build_in_root "$root" /build/libyang \
				"$work/libyang.log" nocheck
			rm -rf "$work/libyang"
			mkdir -p "$work/libyang"
				mv "$root"/build/*.deb "$root"/build/*.changes "$work/libyang/"
			echo "$lykey" >"$work/libyang/.key"
		fi
		# the build-dependency comes from there, not from Debian 12
		mkdir -p "$root/build/libyang-debs"
		cp "$work/libyang/"*.deb "$root/build/libyang-debs/"
		in_root "$root" sh -ec "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends /build/libyang-debs/libyang3_*.deb \
			/build/libyang-debs/libyang-dev_*.deb >/dev/null"
		cp "$work/libyang/"libyang3_*.deb "$out/"
	fi

	log "$dist: frr $ver (${#PATCHES[@]} patches) and frr-rbp"
	prepare_frr "$dist" "$root/build/frr-10.3" "$ver"
	build_in_root "$root" /build/frr-10.3 "$work/frr.log" "$(
		case " $DEB_BUILD_OPTIONS " in *" nocheck "*) echo nocheck ;; esac)"
	mv "$root"/build/*.deb "$root"/build/*.changes "$out/"

	log "$dist: lintian"
	lintian --tag-display-limit 0 "$out"/*.deb 2>&1 |
		grep -v '^running with root privileges' >"$out/lintian.txt" || true
	sed 's/^/  /' "$out/lintian.txt" >&2
	if grep -q '^E: ' "$out/lintian.txt"; then
		die "$dist: lintian reports errors ($out/lintian.txt)"
	fi
	echo "$want" >"$stamp"
	log "$dist: built in $(($(date +%s) - t0)) s: $(cd "$out" && ls *.deb | tr '\n' ' ')"
	echo "$out"
}

exec 9>"$CACHE/packages.lock"
flock 9
for dist in "$@"; do
	build_dist "$dist"
done
