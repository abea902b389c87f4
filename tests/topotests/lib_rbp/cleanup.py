# SPDX-License-Identifier: GPL-2.0-or-later
"""
Clean up what a crashed earlier topotest run left behind.

munet runs every router/switch/host in unshared namespaces and marks every
process it starts with MUNET_PID=<pid of the pytest that started it>.  When
pytest dies (SIGKILL, OOM, timeout) the namespaces stay alive as long as
processes (FRR daemons, joiners) are in them.  munet.cleanup.cleanup_previous()
kills exactly the processes whose MUNET_PID is no longer running; FRR's
conftest does that at session start too, run.sh does it before pytest so a
previous crash cannot disturb collection either.

Usage: python3 -m lib_rbp.cleanup [--list]
"""

import sys

from lib_rbp import frrenv


def leftovers():
    """{munet_pid: set(pids)} of processes whose munet parent is gone."""
    frrenv.install()
    from munet import cleanup  # pylint: disable=import-outside-toplevel

    return cleanup._get_other_pids(None)  # pylint: disable=protected-access


def main(argv):
    left = leftovers()
    n = sum(len(v) for v in left.values())
    if "--list" in argv:
        for upid, pids in left.items():
            print("munet pid {} (gone): {}".format(upid, " ".join(sorted(pids))))
        return 0
    if n:
        from munet import cleanup  # pylint: disable=import-outside-toplevel

        print("cleanup: killing {} process(es) left by dead topotest run(s) {}".format(
            n, ", ".join(sorted(left))))
        cleanup.cleanup_previous()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
