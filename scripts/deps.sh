#!/bin/bash
# Install the Debian 12 packages the toolchain, the modules, the tests and
# the lab need.  Idempotent: apt is only called when something is missing.
set -euo pipefail

PKGS=(
	# fetching and unpacking Debian source packages
	dpkg-dev
	# libyang
	cmake libpcre2-dev libxxhash-dev pkgconf
	# FRR
	autoconf automake libtool make gcc bison flex gawk libc-ares-dev
	libcap-dev libelf-dev libjson-c-dev libreadline-dev libunwind-dev
	python3-dev install-info
	# mldsync
	libprotobuf-c-dev protobuf-c-compiler
	# unit tests, sanitizers, fuzzing; the call-graph check
	check clang libclang-rt-14-dev cflow
	# topotests and lab; the Wireshark dissector's tests
	python3-pytest python3-scapy iproute2 gdb procps psmisc iputils-ping
	tcpdump nftables tshark
	# the Debian packages and their install test
	mmdebstrap lintian
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

# FRR runs as frr:frr, with frrvty for vtysh access (as Debian's package does)
getent group frr >/dev/null || groupadd --system frr
getent group frrvty >/dev/null || groupadd --system frrvty
getent passwd frr >/dev/null ||
	useradd --system -g frr -G frrvty -d /nonexistent -s /usr/sbin/nologin frr
exit 0
