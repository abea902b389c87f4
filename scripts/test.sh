#!/bin/bash
# The project's test command: builds what is needed, then runs
#   0. the structure of pimd-rbp: no cycle in the call graph across its
#      files (scripts/callgraph.py, GNU cflow),
#   1. the Check unit tests (make check),
#   2. the same unit tests under AddressSanitizer and UBSan,
#   3. the YANG models (yanglint) and the json validator's own tests,
#      the Wireshark dissector on synthetic captures (tshark), and the
#      mldsync fuzzer for a short, fixed time,
#   4. the topotests (real daemons in network namespaces), then the
#      configuration, configuration-file, lifetime and E-Trunk topotests again with
#      the modules built with AddressSanitizer and UBSan (run.sh --asan),
#   5. FRR's own pim_basic and multicast_mld_join_topo1 on the patched
#      build (the patches change nothing without the modules),
#   6. the Debian packages for Debian 12 (scripts/packages.sh, lintian)
#      and the install test: installed with apt into a clean root, the
#      seed-001 lab run from the installed files (tests/install/run.sh).
# Run as root.  Exits non-zero on the first failing stage.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

stage() { printf '\n=== %s ===\n' "$*"; }
t0=$(date +%s)

[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (network namespaces, FRR daemons)" >&2; exit 1; }

stage "build (packages, FRR toolchain, modules, vtysh)"
scripts/build.sh

stage "structure: pimd-rbp's call graph across files (no cycle)"
/usr/bin/python3 scripts/callgraph.py pimd-rbp

stage "unit tests (Check)"
make -s check || { cat tests/unit/*.log 2>/dev/null | tail -50; exit 1; }

stage "unit tests under ASan + UBSan"
tests/unit/run-sanitizers.sh

stage "YANG models and the json validator"
tests/yang/run.sh

stage "the Wireshark dissector (tshark, synthetic captures)"
/usr/bin/python3 wireshark/test_dissector.py

stage "fuzzing mldsync for ${FUZZ_SECONDS}s"
tests/fuzz/run.sh "$FUZZ_SECONDS"

stage "topotests"
tests/topotests/run.sh

stage "configuration topotests with the modules under ASan + UBSan"
tests/topotests/run.sh --asan rbp_config rbp_config_files rbp_config_lifetimes rbp_etrunk

stage "FRR's own topotests on the patched build"
tests/topotests/run.sh --frr-own

stage "Debian packages (Debian 12) and the install test"
tests/install/run.sh bookworm

stage "all tests passed in $(($(date +%s) - t0)) s"
