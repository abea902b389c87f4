#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The lab (scripts/lab.sh): the seed-001 story in network namespaces.

Two routers, r1 (master) and r2 (backup), share a LAN with a receiver
behind an IGMP/MLD snooping switch that gives reports to the master only.
The receiver joins an IGMP and an MLD group; r1 learns the joins and
replicates them to r2 over the remote backup service; r2 installs them
hot (upstream joins built, LAN muted).  Then r1 dies (every daemon killed
with SIGKILL): r2 becomes VRRP master, unmutes, and the streams resume
without a new join.  r1 comes back: it waits out its VRRP preempt delay
(vrrpd-track) while it gets the memberships from r2, then takes over
again, and the streams go on through it, still without a new join.

Not a test (it lives outside tests/topotests, which run.sh collects): run
it with scripts/lab.sh.
"""

import os
import sys
import time

CWD = os.path.dirname(os.path.realpath(__file__))
# lib_rbp (run.sh also puts tests/topotests on PYTHONPATH)
sys.path.insert(0, os.path.join(CWD, "..", "tests", "topotests"))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

GROUP = {4: S.ASM4, 6: S.ASM6}
SENDERS = []
PREEMPT_DELAY = 8

TOPOLOGY = """
                  src  (stream 1000 pkt/s to {g4} and {g6})
                   |
                   up  (PIM RP)
                 /    \\
              r1 ------ r2      r1-eth2/r2-eth2: remote backup service svc1
    master VRRP 1\\      /backup  (IGMP channel tcp/2100, MLD tcp/2101)
                  sw1            snooping switch: reports go to the master
                   |
                   h1  (receiver)
""".format(g4=S.ASM4, g6=S.ASM6)


def say(*lines):
    print("\n".join(lines), flush=True)


def section(title):
    say("", "=" * 72, "  " + title, "=" * 72)


def show(rn, cmd):
    out = lib_rbp.vtysh(get_topogen().gears[rn], cmd).rstrip()
    say("", "{}# {}".format(rn, cmd), out)


def setup_module(mod):
    S.start(mod.__name__, "master-backup", debug=False, preempt_delay=PREEMPT_DELAY)


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop(SENDERS)


def wait(desc, func, timeout=60):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    if not ok:
        raise RuntimeError("lab: {} did not happen: {}".format(desc, last))
    return last


def test_lab():
    tgen = get_topogen()
    r = {n: tgen.gears[n] for n in ("r1", "r2", "h1", "src")}
    section("The topology")
    say(TOPOLOGY)
    section("r1's remote backup configuration (r2's mirrors it)")
    cfg = lib_rbp.vtysh(r["r1"], "show running-config")
    keep = []
    for block in cfg.split("!\n"):
        if block.startswith(("remote-backup", "interface r1-eth1")):
            keep.append(block.rstrip())
    say(*keep)

    section("1. The twins connect and take their roles from VRRP")
    for fam in (4, 6):
        wait("roles", lambda fam=fam: S.roles(fam) == ("master", "backup"))
    show("r1", "show remote-backup-service")
    show("r2", "show remote-backup-profile")

    section("2. The receiver joins; r1 learns, r2 gets the entries over the channel")
    for fam in (4, 6):
        SENDERS.append(lib_rbp.start_stream_sender(r["src"], "src-eth0", GROUP[fam]))
    recv = {fam: lib_rbp.start_stream_receiver(r["h1"], "h1-eth0", GROUP[fam])
            for fam in (4, 6)}
    for fam in (4, 6):
        wait("replication of " + GROUP[fam],
             lambda fam=fam: S.twin_entries("r2", fam, GROUP[fam]))
        wait("stream of " + GROUP[fam], lambda fam=fam: lib_rbp.stream_receiving(recv[fam]))
    show("r1", "show ip remote-backup entries")
    show("r2", "show ip remote-backup entries")
    show("r2", "show ipv6 remote-backup entries")
    show("r2", "show ip remote-backup interfaces")
    say("", "r2 built its upstream join in advance (hot) but keeps its LAN muted:")
    show("r2", "show ip pim upstream")
    for fam in (4, 6):
        say("receiver: {} packets of {} so far".format(
            lib_rbp.stream_receiver_count(recv[fam]), GROUP[fam]))

    section("3. r1 dies: kill -9 of all its daemons")
    t_fail = time.monotonic()
    S.kill_all("r1")
    S.set_report_port(tgen, "r2")
    for fam in (4, 6):
        wait("takeover", lambda fam=fam: lib_rbp.stream_receiving(recv[fam]), timeout=60)
    say("the streams flow again through r2; no receiver joined anew.")
    show("r2", "show remote-backup-profile")
    show("r2", "show ip remote-backup interfaces")

    section("4. r1 comes back: it waits out its preempt delay, gets the "
            "memberships from r2, and takes over again")
    t_restart = time.monotonic()
    lib_rbp.restart_daemons(r["r1"], lib_rbp.DAEMONS, reapply=True)
    js = S.vrrp_track("r1")
    say("", "r1 restarted with no state; vrrpd-track holds it at priority {} (base {}) "
        "for its preempt delay of {} s, so it does not preempt r2 yet.".format(
            js["effectivePriority"], js["basePriority"], js.get("preemptDelay")))
    for fam in (4, 6):
        wait("memberships on r1", lambda fam=fam: S.twin_entries("r1", fam, GROUP[fam]))
    say("Meanwhile the channel came up and r2 sent r1 its memberships (with the ones "
        "r2 still held for r1, marked restored); r1 installed them hot while still "
        "VRRP {}:".format(S.vrrp_track("r1")["state"]))
    show("r1", "show ip remote-backup entries")
    for fam in (4, 6):
        wait("r1 master again",
             lambda fam=fam: S.profile_state("r1", fam)["state"] == "master", timeout=60)
    S.set_report_port(tgen, "r1")
    for fam in (4, 6):
        wait("stream through r1", lambda fam=fam: lib_rbp.stream_receiving(recv[fam]))
    say("", "r1 preempted after its delay and forwards what it installed; "
        "no receiver joined anew.")
    show("r1", "show ip remote-backup interfaces")

    section("5. What the receiver saw")
    summaries = {fam: lib_rbp.stop_stream_receiver(recv[fam]) for fam in (4, 6)}
    for fam in (4, 6):
        s = summaries[fam]
        say("receiver, {} ({}): longest gap at the takeover {:.0f} ms, at the failback "
            "{:.0f} ms; {} packets lost in all, {} duplicates".format(
                GROUP[fam], "IGMP" if fam == 4 else "MLD",
                lib_rbp.longest_gap(s, t_fail, t_restart), lib_rbp.longest_gap(s, t_restart),
                s.get("lost"), s.get("duplicates")))
    section("Done")


if __name__ == "__main__":
    import pytest

    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
