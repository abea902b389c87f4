# SPDX-License-Identifier: GPL-2.0-or-later
"""
frr-rbp topotests: use FRR's topotest library (from $FRR_TREE, default
/var/cache/frr-rbp/build/frr) against the frr-rbp build in /opt/frr-rbp.

All the work is in lib_rbp/pytest_plugin.py (workarounds in lib_rbp/frrenv.py)
so that run.sh --frr-own can load the same thing with -p for FRR's own tests.
FRR's pytest hooks and fixtures (tgen, topo, options such as --topology-only)
are re-exported through that plugin.  See README.md.
"""

pytest_plugins = ["lib_rbp.pytest_plugin"]
