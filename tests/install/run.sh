#!/bin/bash
# The install test: build the Debian packages (scripts/packages.sh), install
# them with apt into a clean Debian root made with mmdebstrap from this
# machine's mirror, and run the seed-001 lab from the installed files
# (install_test.py says what it checks).
#
#   tests/install/run.sh [--full] [bookworm|trixie]...   (default: bookworm)
#
# --full also installs tshark in the root and checks that Wireshark loads
# the dissector from its plugin directory (a larger download).  Run as
# root; takes the topotests' machine-wide lock (namespaces, FRR daemons).
# Logs: /tmp/frr-rbp-install/<dist>/install.log, reload.log.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
FULL=
if [ "${1:-}" = --full ]; then
	FULL=--full
	shift
fi
[ $# -gt 0 ] || set -- bookworm
# shellcheck source=../../scripts/debian-mirror.sh
. "$TOP/scripts/debian-mirror.sh"

log() { echo "install-test: $*" >&2; }
[ "$(id -u)" = 0 ] || { log "run as root"; exit 1; }

for dist in "$@"; do
	t0=$(date +%s)
	debs=$("$TOP/scripts/packages.sh" "$dist" | tail -n1)
	t1=$(date +%s)
	work=/tmp/frr-rbp-install/$dist
	root=$work/root
	exec 8>/run/lock/frr-rbp-topotests.lock
	flock 8
	umount -l "$work"/*/merged 2>/dev/null || true
	rm -rf "$work"
	mkdir -p "$work"
	log "$dist: a clean root (mmdebstrap) with the packages installed by apt"
	want=(frr_ frr-rbp_ frr-pythontools_)
	[ "$dist" != bookworm ] || want+=(libyang3_)
	host_files=() root_files=()
	for w in "${want[@]}"; do
		f=$(ls "$debs/$w"*.deb)
		host_files+=("$f")
		root_files+=("/tmp/debs/$(basename "$f")")
	done
	mmdebstrap --quiet --variant=apt --include=iproute2,procps,ca-certificates \
		--customize-hook='mkdir -p "$1/tmp/debs"' \
		--customize-hook="copy-in ${host_files[*]} /tmp/debs" \
		--customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${root_files[*]} >$work/apt-install.log 2>&1" \
		"$dist" "$root" - <<<"$(debian_sources "$dist")" >/dev/null || {
		tail -30 "$work/apt-install.log" >&2
		log "$dist: the root or the installation failed"
		exit 1
	}
	t2=$(date +%s)
	log "$dist: packages built or cached in $((t1 - t0)) s, root made and packages installed in $((t2 - t1)) s"
	/usr/bin/python3 "$TOP/tests/install/install_test.py" "$root" $FULL --work "$work" |
		tee "$work/install.log"
	rc=${PIPESTATUS[0]}
	flock -u 8
	[ "$rc" = 0 ] || exit "$rc"
done
