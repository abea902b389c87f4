# SPDX-License-Identifier: GPL-2.0-or-later
"""
pytest plugin: FRR's topotest conftest.py, made to run against frr-rbp.

Loaded by tests/topotests/conftest.py (our own tests) and with
`pytest --noconftest -p lib_rbp.pytest_plugin` by run.sh --frr-own (FRR's
own tests, whose tree conftest.py must not be used as is).

It applies the workarounds of lib_rbp.frrenv, then imports FRR's
tests/topotests/conftest.py under the module name `frr_topotests_conftest`
and registers it as a plugin, so all of FRR's options (--topology-only,
--pause, --gdb-*...), hooks and fixtures (tgen, topo, session cleanup of a
crashed previous run...) are available unchanged.
"""

import importlib.util
import os
import sys

from lib_rbp import frrenv

_S = frrenv.install()

FRR_CONFTEST_MODNAME = "frr_topotests_conftest"


def _load_frr_conftest():
    if FRR_CONFTEST_MODNAME in sys.modules:
        return sys.modules[FRR_CONFTEST_MODNAME]
    path = os.path.join(_S["topotests"], "conftest.py")
    spec = importlib.util.spec_from_file_location(FRR_CONFTEST_MODNAME, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[FRR_CONFTEST_MODNAME] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[FRR_CONFTEST_MODNAME]
        raise
    # It bound diagnose_env at import: make sure it is ours.
    mod.diagnose_env = frrenv.diagnose_env_rbp
    # Its check after every test reads daemon logs as strict ASCII.
    if hasattr(mod, "check_for_backtraces"):
        mod.check_for_backtraces = frrenv.check_for_backtraces_rbp
    return mod


_load_frr_conftest()

pytest_plugins = [FRR_CONFTEST_MODNAME]


def pytest_report_header(config):  # pylint: disable=unused-argument
    return [
        "frr-rbp topotests: FRR tree {}, frrdir {}, vtysh {}".format(
            _S["frr_tree"], _S["frrdir"], os.path.join(_S["bindir"], "vtysh")
        )
    ]
