# Sourced by scripts/packages.sh and tests/install/run.sh: the Debian
# archive this machine's apt uses (FRR_RBP_MIRROR overrides), and the
# sources of a distribution's clean root for mmdebstrap.

debian_mirror() {
	[ -z "${FRR_RBP_MIRROR:-}" ] || { echo "$FRR_RBP_MIRROR"; return; }
	local m
	m=$(grep -rhoE '(URIs:|^deb(-src)?) *https?://[^ ]*/debian/?( |$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
		grep -oE 'https?://[^ ]*' | head -n1)
	echo "${m:-http://deb.debian.org/debian}"
}

# sources.list lines of DIST: main, updates, security
debian_sources() { # dist
	local m
	m=$(debian_mirror)
	printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
		"$m" "$1" "$m" "$1" "${FRR_RBP_SECURITY_MIRROR:-${m%/debian*}/debian-security}" "$1"
}
