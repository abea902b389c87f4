#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Failback on the seed-001 topology with `vrrp 1 preempt delay` (vrrpd-track)
on both twins, as in the seed's configuration.

FRR's vrrpd preempts at once: a master that restarts takes mastership back
before its RBS channel is up, with no membership, and r2, now backup,
mutes.  With the preempt delay the restarted r1 stays at priority 1 while
the channel comes up and r2's entries are installed on it (hot, muted);
then it preempts, unmutes, and the stream goes on through it without a new
join.

With `preempt delay S wait-sync` the delay ends as soon as pimd and pim6d
report their channel's resync done (S is only the bound), and r2 hands
the forwarding back over the channel before VRRP preempts.

No timing threshold is asserted (the gated failback must only come well
before its 60 s bound); the gaps are printed.
"""

import os
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp import yangcheck  # noqa: E402
from lib_rbp.seed001 import gear, ipv, forwarding, twin_entries, vrrp_track  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

DELAY = 8
GROUP = {4: S.ASM4, 6: S.ASM6}


def setup_module(mod):
    S.start(mod.__name__, "master-backup", streams=True, preempt_delay=DELAY)


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def test_preempt_delay_config():
    "The delay is in the running config once, shown, and validated."
    for rn in S.ROUTERS:
        cfg = lib_rbp.vtysh(gear(rn), "show running-config")
        assert cfg.count(" vrrp {} preempt delay {}\n".format(S.VRID, DELAY)) == 1, cfg
        assert vrrp_track(rn)["preemptDelay"] == DELAY
    _, out = lib_rbp.vtysh_lines(gear("r1"), "configure terminal",
                                 "interface " + S.LAN_IF["r1"], "vrrp 9 preempt delay 5")
    assert "VRRP 9 does not exist on interface r1-eth1" in out, out
    _, out = lib_rbp.vtysh_lines(gear("r1"), "configure terminal",
                                 "interface " + S.LAN_IF["r1"], "no vrrp 9 preempt delay")
    assert "VRRP 9 on interface r1-eth1 has no preempt delay" in out, out
    # running, the master has nothing to delay
    js = vrrp_track("r1")
    assert js["state"] == "Master" and "preemptDelayRemaining" not in js, js


def test_failback_after_restart():
    """r1 killed: r2 takes over.  r1 restarted: it waits at priority 1 while
    it gets r2's entries, then preempts and forwards them; the stream goes
    on without a new join."""
    tgen = get_topogen()
    S.wait_roles("master", "backup", timeout=30)
    recv = {fam: lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP[fam])
            for fam in (4, 6)}
    summary = {}
    try:
        for fam in (4, 6):
            ok, _ = lib_rbp.wait_until(lambda fam=fam: twin_entries("r2", fam, GROUP[fam]),
                                       timeout=30)
            assert ok, "not replicated to r2"
            ok, _ = lib_rbp.wait_until(lambda fam=fam: lib_rbp.stream_receiving(recv[fam]),
                                       timeout=30)
            assert ok, "no IPv{} stream before the failure\n{}".format(
                fam, S.forwarding_state(fam))

        S.kill_all("r1")
        S.set_report_port(tgen, "r2")
        for fam in (4, 6):
            ok, _ = lib_rbp.wait_until(lambda fam=fam: lib_rbp.stream_receiving(recv[fam]),
                                       timeout=30)
            assert ok, "the IPv{} stream did not resume through r2\n{}".format(
                fam, S.forwarding_state(fam))

        t_restart = time.monotonic()
        lib_rbp.restart_daemons(gear("r1"), lib_rbp.DAEMONS, reapply=True)
        # the delay runs: r1 is backup at priority 1 although its base is higher
        # (vrrpd starts its routers in Initialize, until the interfaces are up)
        ok, js = lib_rbp.wait_until(lambda: (lambda j: j if j["state"] != "Initialize" else None)(
            vrrp_track("r1")), timeout=10)
        assert ok, "r1's VRRP router stays in Initialize"
        assert js["state"] == "Backup", js
        assert js["effectivePriority"] == 1 and js["basePriority"] > 1, js
        assert js.get("preemptDelayRemaining", -1) >= 0, js
        yangcheck.validate_json("track", lib_rbp.vtysh_json(gear("r1"), "show vrrp track json"))
        # meanwhile r1 gets r2's entries, and only then becomes master
        for fam in (4, 6):
            ok, _ = lib_rbp.wait_until(
                lambda fam=fam: twin_entries("r1", fam, GROUP[fam]), timeout=DELAY + 10)
            assert ok, lib_rbp.vtysh(gear("r1"), "show {} remote-backup entries".format(
                ipv(fam)))
        got_entries = time.monotonic()
        assert vrrp_track("r1")["state"] == "Backup", \
            "r1 preempted before it had r2's entries"
        S.wait_roles("master", "backup", timeout=DELAY + 20)
        preempted = time.monotonic()
        js = vrrp_track("r1")
        assert js["effectivePriority"] == js["basePriority"], js
        assert "preemptDelayRemaining" not in js, js
        S.set_report_port(tgen, "r1")
        ok, _ = lib_rbp.wait_until(lambda: forwarding("r1") and not forwarding("r2"),
                                   timeout=30)
        assert ok, "r1 does not forward alone after it preempted"
        for fam in (4, 6):
            assert lib_rbp.stream_receiving(recv[fam]), "the stream stopped after failback"
    finally:
        for fam in (4, 6):
            summary[fam] = lib_rbp.stop_stream_receiver(recv[fam])
        if lib_rbp.missing_daemons(gear("r1"), lib_rbp.DAEMONS):
            lib_rbp.restart_daemons(gear("r1"), lib_rbp.DAEMONS, reapply=True)
        S.set_report_port(tgen, "r1")
    print("entries on r1 {:.1f} s after its restart, preempted after {:.1f} s".format(
        got_entries - t_restart, preempted - t_restart))
    for fam in (4, 6):
        print("IPv{}: longest gap at the failback {} ms, lost {}, duplicates {}".format(
            fam, lib_rbp.longest_gap(summary[fam], t_restart), summary[fam].get("lost"),
            summary[fam].get("duplicates")))
        assert summary[fam]["received"] > 0


def set_wait_sync(rn, seconds, wait_sync=True):
    lib_rbp.vtysh_lines(gear(rn), "configure terminal", "interface " + S.LAN_IF[rn],
                        "vrrp {} preempt delay {}{}".format(S.VRID, seconds,
                                                            " wait-sync" if wait_sync else ""))


def test_failback_gated_on_resync():
    """`preempt delay 60 wait-sync`: the restarted r1 stays at priority 1
    only until pimd and pim6d report their resync done, far less than the
    60 s bound; then r2 hands the forwarding back and r1 preempts."""
    tgen = get_topogen()
    bound = 60
    S.wait_roles("master", "backup", timeout=30)
    for rn in S.ROUTERS:
        set_wait_sync(rn, bound)
    recv = {fam: lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP[fam])
            for fam in (4, 6)}
    summary = {}
    try:
        js = vrrp_track("r1")
        assert js["preemptWaitSync"] is True, js
        assert {(s["daemon"], s["profile"], s["synced"]) for s in js["syncStates"]} == \
            {("pimd", "p4", True), ("pim6d", "p6", True)}, js
        for fam in (4, 6):
            ok, _ = lib_rbp.wait_until(lambda fam=fam: lib_rbp.stream_receiving(recv[fam]),
                                       timeout=30)
            assert ok, "no IPv{} stream before the failure".format(fam)
        S.kill_all("r1")
        S.set_report_port(tgen, "r2")
        for fam in (4, 6):
            ok, _ = lib_rbp.wait_until(lambda fam=fam: lib_rbp.stream_receiving(recv[fam]),
                                       timeout=30)
            assert ok, "the IPv{} stream did not resume through r2".format(fam)
        # the failback alone from here (the kill may cost a duplicate:
        # r2 unmutes within a packet interval of r1's routes going)
        for fam in (4, 6):
            lib_rbp.stop_stream_receiver(recv[fam])
            recv[fam] = lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP[fam])
        t_restart = time.monotonic()
        lib_rbp.restart_daemons(gear("r1"), lib_rbp.DAEMONS, reapply=True)
        # the file says preempt delay 8: the bound and the gate again
        set_wait_sync("r1", bound)
        S.set_report_port(tgen, "r1")
        ok, _ = lib_rbp.wait_until(
            lambda: vrrp_track("r1")["state"] == "Master" and forwarding("r1")
            and not forwarding("r2"), timeout=bound / 2)
        assert ok, "r1 did not take back before half the bound:\n{}".format(
            lib_rbp.vtysh(gear("r1"), "show vrrp track"))
        back = time.monotonic()
        js = vrrp_track("r1")
        assert js["effectivePriority"] == js["basePriority"], js
        assert all(s["synced"] for s in js["syncStates"]), js
        yangcheck.validate_json("track", lib_rbp.vtysh_json(gear("r1"), "show vrrp track json"))
        for fam in (4, 6):
            assert lib_rbp.stream_receiving(recv[fam]), "the stream stopped after failback"
    finally:
        for fam in (4, 6):
            summary[fam] = lib_rbp.stop_stream_receiver(recv[fam])
        if lib_rbp.missing_daemons(gear("r1"), lib_rbp.DAEMONS):
            lib_rbp.restart_daemons(gear("r1"), lib_rbp.DAEMONS, reapply=True)
        for rn in S.ROUTERS:
            set_wait_sync(rn, DELAY, False)
        S.set_report_port(tgen, "r1")
    with open(os.path.join(tgen.logdir, "r1", "vrrpd.log"), encoding="utf-8",
              errors="replace") as f:
        assert "preempt delay ended early: the profiles' resync is done" in f.read()
    print("resync-gated failback: r1 forwards {:.1f} s after its restart (bound {} s)".format(
        back - t_restart, bound))
    for fam in (4, 6):
        print("IPv{}: longest gap at the failback {} ms, lost {}, duplicates {}".format(
            fam, lib_rbp.longest_gap(summary[fam], t_restart), summary[fam].get("lost"),
            summary[fam].get("duplicates")))
        assert summary[fam]["duplicates"] == 0, summary[fam]


def test_no_crash():
    "Every daemon still runs."
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
