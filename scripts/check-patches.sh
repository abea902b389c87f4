#!/bin/bash
# Check that every patch of patches/frr-10.3 compiles on its own, in series
# order (the series is bisectable).  Works on a copy of the FRR build tree
# made by scripts/build-frr.sh: takes all patches out, then puts them back
# one at a time and runs make after each.  Not part of the test command
# (about 5 minutes on 2 cores: 280 s on 2026-11-27); run it after changing
# the series.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FRR_RBP_CACHE:-/var/cache/frr-rbp}
WORK=$CACHE/patchcheck
JOBS=${JOBS:-$(nproc)}
mapfile -t PATCHES < <(ls "$TOP"/patches/frr-10.3/*.patch)

tree=$("$TOP/scripts/build-frr.sh" | tail -n1)
rm -rf "$WORK"
cp -a "$tree" "$WORK"
cd "$WORK"
for ((i = ${#PATCHES[@]} - 1; i >= 0; i--)); do
	patch -R -p1 --batch --quiet <"${PATCHES[$i]}"
done
echo "check-patches: building without the series"
make -j"$JOBS" >"$WORK/make-0.log" 2>&1 || { echo "unpatched tree does not build"; exit 1; }
n=0
for p in "${PATCHES[@]}"; do
	n=$((n + 1))
	patch -p1 --batch --quiet <"$p"
	if make -j"$JOBS" >"$WORK/make-$n.log" 2>&1; then
		w=$(grep -c "warning:" "$WORK/make-$n.log" || true)
		echo "check-patches: $(basename "$p"): builds ($w compiler warnings)"
		grep "warning:" "$WORK/make-$n.log" | head -5 || true
	else
		echo "check-patches: $(basename "$p"): FAILS, see $WORK/make-$n.log"
		grep -E "error|warning:" "$WORK/make-$n.log" | head -5
		exit 1
	fi
done
rm -rf "$WORK"
echo "check-patches: all ${#PATCHES[@]} patches build one by one"
