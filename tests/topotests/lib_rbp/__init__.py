# SPDX-License-Identifier: GPL-2.0-or-later
"""
lib_rbp: helpers for the frr-rbp topotests, on top of FRR's topotest library.

Importing this package applies the harness workarounds (lib_rbp.frrenv) and
makes FRR's `lib` and `munet` importable.  Named lib_rbp so that it cannot
clash with FRR's `lib` package.
"""

from lib_rbp import frrenv

frrenv.install()

# pylint: disable=wrong-import-position
from lib_rbp.helpers import *  # noqa: E402,F401,F403
from lib_rbp.helpers import __all__  # noqa: E402,F401
