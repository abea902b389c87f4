#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Benchmark (not a test: it lives outside tests/topotests, which run.sh
collects): the switchover gap on the seed-001 topology
(tests/topotests/lib_rbp/seed001.py).  Run it with
bench/switchover.sh, which runs this module once per configuration
(BENCH_SW_CONFIG):

  baseline  FRR 10.3 without the modules: VRRP only (no -M options, no
            remote backup configuration).  The snooping switch gives the
            receiver's reports to the master only, so the backup learns
            the joins only once it is querier (other-querier-present
            interval) and has asked.
  vrrp      the modules, VRRP advertisement interval 100 ms
            (router_conf's default), no BFD.
  bfd       the modules and BFD 10 ms x 3 between r1 and r2 over the LAN
            (the path the VRRP advertisements take, so a LAN link cut is
            seen too), r2 tracking it with `vrrp 1 track bfd ... peer`
            (vrrpd-track).

src sends two sequence-numbered streams, 1000 packets/s each, to an IGMP
group (239.1.1.1) and an MLD group (ff15::1:1); h1 receives both (one
failure measures both families at once).  Per run: steady state (r1 VRRP
master, r1 forwarding both streams, r2 not; with the modules r2 holds both
entries installed); fresh receivers; the failure, timestamped by the shell
that causes it (`date +%s.%N` just before `kill -9` of every r1 daemon, or
before `ip link set r1-eth1 down`); the switch re-points the reports at
r2 (set_report_port); the receivers run until both streams are back plus
2 s, and are stopped before r1 is restored, so their gaps are the
takeover's only.  Then r1 is restored (daemons restarted with their config,
or link up) and the reports go back to r1.

A run where r1 still sends more than 500 packets/s onto the LAN in the
0.5 s after the failure is recorded with "valid": false and not counted
(seen in baseline runs: both streams went on without a loss after kill -9
of every r1 daemon); up to 2 x RUNS runs are made to get RUNS valid ones.

Per run and family: gap = the receiver's longest inter-arrival gap after
the failure; detection = r2's vrrpd "[IPv4|IPv6] Backup -> Master" log line
- failure time; modules' share = gap - detection; resume = first packet
after the failure - failure time.  The receiver's monotonic clock and the
failure's realtime stamp are related through one offset taken by this
process (same host clock; no time namespaces).

Environment: BENCH_SW_CONFIG (vrrp), BENCH_SW_RUNS (5),
BENCH_SW_FAILURES ("kill kill-mcast link-cut silent prio"), BENCH_SW_OUT (JSON, default
/tmp/frr-rbp-topotests/bench_switchover-<config>.json).
Figures are printed, never asserted.
"""

import json
import os
import re
import statistics
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
# lib_rbp (run.sh also puts tests/topotests on PYTHONPATH)
sys.path.insert(0, os.path.join(CWD, "..", "..", "tests", "topotests"))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.seed001 import gear, ipv, lan_tx  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402
from bench_sync import LogTail, log_size  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

CONFIG = os.environ.get("BENCH_SW_CONFIG", "vrrp")
RUNS = int(os.environ.get("BENCH_SW_RUNS", "5"))
FAILURES = os.environ.get("BENCH_SW_FAILURES",
                          "kill kill-mcast link-cut silent prio restart").split()
OUT = os.environ.get("BENCH_SW_OUT",
                     "/tmp/frr-rbp-topotests/bench_switchover-{}.json".format(CONFIG))
CONFIGS = ("baseline", "vrrp", "bfd")
MODULES = CONFIG != "baseline"
GROUP = {4: S.ASM4, 6: S.ASM6}
FAM = {4: "igmp", 6: "mld"}
STATE = {"joiners": []}
RESULTS = {"config": CONFIG, "rate_pps": 1000, "runs": []}


def setup_module(mod):
    assert CONFIG in CONFIGS, "BENCH_SW_CONFIG must be one of {}".format(CONFIGS)
    # the streams: 1000 pkt/s to GROUP[4] and GROUP[6] (S.STREAM_GROUPS)
    # with the modules: the failback gated on the resync (60 s at most)
    tgen, _ = S.start(mod.__name__, "master-backup", streams=True, modules=MODULES,
                      bfd="lan" if CONFIG == "bfd" else False,
                      preempt_delay="60 wait-sync" if MODULES else None)
    # holds both memberships across the runs; each run has its own
    # receivers (the same groups: the host sends no leave when they stop)
    # (one joiner per group: start_mcast_join() waits with select() on a
    # buffered pipe and misses a second "joined" line read along with the
    # first)
    STATE["joiners"] = [lib_rbp.start_mcast_join(tgen.gears["h1"], "h1-eth0", GROUP[fam])
                        for fam in (4, 6)]


def teardown_module(mod):  # pylint: disable=unused-argument
    for p in STATE["joiners"]:
        lib_rbp.stop_mcast_join(p)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, indent=1)
    print("\nbench_switchover: results in {}".format(OUT))
    S.stop()


def tx_rates(window=1.0):
    "LAN packets/s sent by r1 and r2 over the window."
    b = {rn: lan_tx(rn) for rn in S.ROUTERS}
    time.sleep(window)
    return {rn: (lan_tx(rn) - b[rn]) / window for rn in S.ROUTERS}


def installed_on_r2(family):
    js = lib_rbp.vtysh_json(
        gear("r2"), "show {} remote-backup entries json".format(ipv(family)))
    return any(e["group"] == GROUP[family] and e["origin"] == "peer"
               and e["state"] == "installed" for e in js["entries"])


def steady():
    """r1 VRRP master (v4 and v6), r2 backup; with the modules r1/r2 profile
    roles master/backup and both entries installed on r2; with BFD the
    session up; r1 forwards both
    streams onto the LAN and r2 no stream."""
    for fam in (4, 6):
        if list(lib_rbp.vrrp_states(gear("r1"), fam).values()) != ["Master"]:
            return False
        if list(lib_rbp.vrrp_states(gear("r2"), fam).values()) != ["Backup"]:
            return False
    if MODULES:
        for rn, role in (("r1", "master"), ("r2", "backup")):
            js = lib_rbp.vtysh_json(gear(rn), "show remote-backup-profile json")
            if (js["pimd"]["profiles"]["p4"]["state"],
                    js["pim6d"]["profiles"]["p6"]["state"]) != (role, role):
                return False
        if not (installed_on_r2(4) and installed_on_r2(6)):
            return False
    if CONFIG == "bfd":
        peers = lib_rbp.vtysh_json(gear("r2"), "show bfd peers json")
        if not peers or any(p.get("status") != "up" for p in peers):
            return False
    rates = tx_rates()
    # (r2 sends 100 pps of BFD control packets in the bfd configuration)
    return rates["r1"] > 1800 and rates["r2"] < 500


def wait_steady(timeout=180):
    t0 = time.monotonic()
    ok, last = lib_rbp.wait_until(steady, timeout=timeout, interval=1)
    assert ok, "no steady state: {}\n{}".format(last, debug_state())
    return time.monotonic() - t0


def debug_state():
    out = []
    for rn in S.ROUTERS:
        cmds = ["show vrrp", "show ip igmp groups", "show ipv6 mld groups"]
        if MODULES:
            cmds += ["show remote-backup-profile", "show ip remote-backup entries",
                     "show ipv6 remote-backup entries"]
        for cmd in cmds:
            out.append("--- {} {}\n{}".format(rn, cmd, lib_rbp.vtysh(gear(rn), cmd)))
    out.append("tx rates {}".format(tx_rates()))
    return "\n".join(out)


def fail(failure):
    "Cause the failure; return its realtime stamp (taken in r1 just before)."
    r1 = gear("r1")
    if failure in ("kill", "restart"):
        out = r1.cmd("P=$(cat /var/run/frr/*.pid); date +%s.%N; kill -9 $P")
    elif failure == "kill-mcast":
        # pimd and pim6d alone: vrrpd lives and stays VRRP Master
        out = r1.cmd("P=$(cat /var/run/frr/pimd.pid /var/run/frr/pim6d.pid); "
                     "date +%s.%N; kill -9 $P")
    elif failure == "silent":
        # a power loss as the twin sees it: r1 neither sends nor hears on
        # the LAN and the channel's link, and tells nobody
        out = r1.cmd("date +%s.%N; nft -f - <<'EOF'\n{}EOF".format(SILENT))
    elif failure == "prio":
        # a live handover: r1's priority below r2's (150)
        out = r1.cmd("date +%s.%N; vtysh -c 'configure terminal' -c 'interface {}' "
                     "-c 'vrrp {} priority 50'".format(S.LAN_IF["r1"], S.VRID))
    else:
        out = r1.cmd("date +%s.%N; ip link set {} down".format(S.LAN_IF["r1"]))
    return float(out.split()[0])


SILENT = """table netdev rbp_silent {
 chain lan_in { type filter hook ingress device "r1-eth1" priority 0; policy drop; }
 chain lan_out { type filter hook egress device "r1-eth1" priority 0; policy drop; }
 chain rbs_in { type filter hook ingress device "r1-eth2" priority 0; policy drop; }
 chain rbs_out { type filter hook egress device "r1-eth2" priority 0; policy drop; }
}
"""


SYNC_RE = re.compile(r"preempt delay ended early: the profiles' resync is done|"
                     r"no preempt delay, the profiles are synced")


def failback_restart():
    """r1's daemons restarted (after the kill); their configuration has
    `vrrp 1 preempt delay 60 wait-sync`: r2 hands back once r1 has resynced.  Returns the restart's
    realtime stamp and, per family, restart -> r1 forwarding, restart ->
    resync done (vrrpd-track's gate), resync done -> r1 forwarding (ms)."""
    tgen = get_topogen()
    r1 = gear("r1")
    S.set_report_port(tgen, "r1")
    tails = {d: LogTail("r1", d, log_size("r1", d)) for d in ("vrrpd", "pimd", "pim6d")}
    t_restart = time.time()
    lib_rbp.restart_daemons(r1, lib_rbp.DAEMONS, reapply=True)
    ok, _ = lib_rbp.wait_until(lambda: tx_rates(0.5)["r1"] > 1800, timeout=60)
    assert ok, "r1 did not take back after its restart:\n{}".format(debug_state())
    time.sleep(2.0)
    logs = {d: t.lines() for d, t in tails.items()}
    t_sync = first_after(logs["vrrpd"], SYNC_RE, t_restart)
    ms = lambda a, b: round((a - b) * 1000, 3) if a and b else None  # noqa: E731
    out = {"t_restart": t_restart, "restart_to_forward_ms": {}, "restart_to_sync_ms": {},
           "sync_to_forward_ms": {}}
    for fam in (4, 6):
        t_fwd = first_after(logs["pimd" if fam == 4 else "pim6d"], FWD_RE, t_restart)
        out["restart_to_forward_ms"][fam] = ms(t_fwd, t_restart)
        out["restart_to_sync_ms"][fam] = ms(t_sync, t_restart)
        out["sync_to_forward_ms"][fam] = ms(t_fwd, t_sync)
    return out


def prio_back():
    "r1's priority back (preemption): the twin hands back; its realtime stamp."
    out = gear("r1").cmd("date +%s.%N; vtysh -c 'configure terminal' -c 'interface {}' "
                         "-c 'vrrp {} priority {}'".format(S.LAN_IF["r1"], S.VRID, S.PRIO["r1"]))
    return float(out.split()[0])


def restore(failure):
    tgen = get_topogen()
    r1 = gear("r1")
    if failure == "kill":
        lib_rbp.restart_daemons(r1, lib_rbp.DAEMONS, reapply=True)
        assert lib_rbp.missing_daemons(r1, lib_rbp.DAEMONS) == []
    elif failure == "kill-mcast":
        lib_rbp.restart_daemons(r1, ["pimd", "pim6d"], reapply=True)
        assert lib_rbp.missing_daemons(r1, lib_rbp.DAEMONS) == []
    elif failure in ("prio", "restart"):
        pass  # measured in the run (the failback)
    elif failure == "silent":
        r1.cmd_raises("nft delete table netdev rbp_silent")
    else:
        lan = S.LAN_IF["r1"]
        r1.cmd_raises("ip link set {} up".format(lan))
        # the link down flushed the IPv6 addresses: the fixed link-local
        # (MLD querier election) and the VRRP virtual address
        r1.cmd_raises("ip -6 addr flush dev {} scope link".format(lan))
        r1.cmd_raises("ip -6 addr add {}/64 dev {} nodad".format(S.LL6["r1"], lan))
        ifindex = json.loads(r1.cmd_raises("ip -j link show dev " + lan))[0]["ifindex"]
        r1.cmd("ip -6 addr replace {}/64 dev vrrp6-{}-{} nodad".format(
            S.VIP6, ifindex, S.VRID))
    S.set_report_port(tgen, "r1")


VRRP_RE = re.compile(r"\[VRID \d+\] \[IPv([46])\] Backup -> Master")
ROLE_RE = re.compile(r"remote-backup-profile p[46]: role backup -> master")
FWD_RE = re.compile(r"remote-backup-profile p[46]: not forwarding -> forwarding")


def first_after(lines, regex, t_min, key=None):
    "First log line time >= t_min matching regex (and group 1 == key)."
    for t, msg in lines:
        m = regex.search(msg)
        if m and t >= t_min and (key is None or m.group(1) == key):
            return t
    return None


def takeover_gap(summary, t_fail_mono):
    """The longest gap after the failure: (gap ms, stop, resume) with stop
    and resume its bounds (receiver's monotonic s), or (typical interval,
    None, None) if the stream did not stop."""
    after = [g for g in summary.get("gaps", []) if g[1] > t_fail_mono]
    if not after:
        return summary.get("typical_interval_ms"), None, None
    worst = max(after, key=lambda g: g[2])
    return worst[2], worst[0], worst[1]


def one_run(failure, idx):
    tgen = get_topogen()
    settle_s = wait_steady()
    recv = {fam: lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", GROUP[fam])
            for fam in (4, 6)}
    try:
        for fam in (4, 6):
            ok, _ = lib_rbp.wait_until(
                lambda fam=fam: lib_rbp.stream_receiving(recv[fam]), timeout=30)
            assert ok, "no {} stream before the failure".format(FAM[fam])
        time.sleep(1.0)
        tails = {"vrrpd": LogTail("r2", "vrrpd", log_size("r2", "vrrpd"))}
        if MODULES:
            for d in ("pimd", "pim6d"):
                tails[d] = LogTail("r2", d, log_size("r2", d))
        # who forwards onto the LAN just before the failure (r2 must not)
        tx_before = tx_rates(0.5)
        offset = time.time() - time.monotonic()
        t_fail = fail(failure)
        S.set_report_port(tgen, "r2")
        t_fail_mono = t_fail - offset
        # r1 must have stopped forwarding (the failure took effect)
        tx_after = tx_rates(0.5)
        for fam in (4, 6):
            # (stream_receiving() counts between status lines printed
            # after the failure, never packets from before it)
            ok, _ = lib_rbp.wait_until(
                lambda fam=fam: lib_rbp.stream_receiving(recv[fam]), timeout=90)
            assert ok, "{} stream did not resume:\n{}".format(FAM[fam], debug_state())
        time.sleep(2.0)
        t_back = None
        if failure == "restart":
            restart = failback_restart()
            t_back = restart["t_restart"]
        if failure == "prio":
            # the failback, a live handover too: r2 hands back to r1
            S.set_report_port(tgen, "r1")
            t_back = prio_back()
            ok, _ = lib_rbp.wait_until(lambda: tx_rates(0.5)["r1"] > 1800, timeout=60)
            assert ok, "r1 did not take back:\n{}".format(debug_state())
            time.sleep(2.0)
    finally:
        summ = {fam: lib_rbp.stop_stream_receiver(recv[fam]) for fam in (4, 6)}
    # (a tail gives each line once: read every daemon's once)
    logs = {d: tail.lines() for d, tail in tails.items()}
    vrrp_lines = logs["vrrpd"]
    run = {"failure": failure, "run": idx, "t_fail": round(t_fail, 6),
           "steady_wait_s": round(settle_s, 1),
           "lan_tx_pps_before": {rn: round(v) for rn, v in tx_before.items()},
           "lan_tx_pps_after": {rn: round(v) for rn, v in tx_after.items()},
           # r1 still forwarding a stream after the failure: not counted
           "valid": tx_after["r1"] < 500}
    for fam in (4, 6):
        s = summ[fam]
        gap, stop, resume = takeover_gap(s, t_fail_mono)
        t_master = None
        for t, msg in vrrp_lines:
            m = VRRP_RE.search(msg)
            if m and m.group(1) == str(fam) and t >= t_fail - 0.001:
                t_master = t
                break
        ms = lambda a, b: round((a - b) * 1000, 3)  # noqa: E731
        det = ms(t_master, t_fail) if t_master else None
        r = {"gap_ms": gap,
             "detection_ms": det,
             "share_ms": round(gap - det, 3) if det is not None and gap is not None else None}
        if stop is not None:
            # the stream's own view: when r1's forwarding actually stopped
            # (after the stamp: the kill -9'd processes take a while to
            # die, `ip` to start) and how long after r2's VRRP Master the
            # stream came back (the modules' reaction, or the baseline's
            # querier takeover and join)
            r["stop_ms"] = ms(stop + offset, t_fail)
            r["resume_ms"] = ms(resume + offset, t_fail)
            if t_master:
                r["stop_to_master_ms"] = ms(t_master, stop + offset)
                r["master_to_resume_ms"] = ms(resume + offset, t_master)
        r.update({"lost": s.get("lost"), "duplicates": s.get("duplicates"),
                  "received": s.get("received"),
                  "gaps_after": [g for g in s.get("gaps", []) if g[1] > t_fail_mono]})
        if MODULES:
            tail = logs["pimd" if fam == 4 else "pim6d"]
            t_role = first_after(tail, ROLE_RE, t_fail - 0.001)
            r["role_ms"] = ms(t_role, t_fail) if t_role else None
            # r2 unmutes: over the channel, or at its VRRP takeover
            t_fwd = first_after(tail, FWD_RE, t_fail - 0.001)
            r["unmute_ms"] = ms(t_fwd, t_fail) if t_fwd else None
        if failure == "restart":
            r.update({k: v[fam] if isinstance(v, dict) else v
                      for k, v in restart.items() if k != "t_restart"})
        if t_back is not None:
            back = [g for g in s.get("gaps", []) if g[1] > t_back - offset]
            r["failback_gap_ms"] = max((g[2] for g in back), default=s.get(
                "typical_interval_ms"))
        run[FAM[fam]] = r
    RESULTS["runs"].append(run)
    print("\n{} {} run {}: {}".format(CONFIG, failure, idx, json.dumps(
        {k: {kk: vv for kk, vv in v.items() if kk != "gaps_after"}
         if isinstance(v, dict) else v for k, v in run.items()})), flush=True)
    restore(failure)
    return run["valid"]


def median(values):
    v = [x for x in values if x is not None]
    return round(statistics.median(v), 3) if v else None


@pytest.mark.parametrize("failure", FAILURES)
def test_switchover(failure):
    if failure in ("kill-mcast", "prio", "restart") and not MODULES:
        pytest.skip("without the modules VRRP alone decides: pimd killed alone is "
                    "not taken over, a priority drop is VRRP's preemption")
    valid = 0
    for idx in range(1, 2 * RUNS + 1):
        valid += one_run(failure, idx)
        if valid == RUNS:
            break
    med = {}
    for fam in ("igmp", "mld"):
        runs = [r[fam] for r in RESULTS["runs"]
                if r["failure"] == failure and r.get("valid", True)]
        med[fam] = {k: median([r.get(k) for r in runs])
                    for k in ("gap_ms", "detection_ms", "share_ms", "stop_ms", "resume_ms",
                          "stop_to_master_ms", "master_to_resume_ms", "role_ms",
                          "unmute_ms", "lost", "duplicates", "failback_gap_ms",
                          "restart_to_forward_ms", "restart_to_sync_ms", "sync_to_forward_ms")
                    if any(k in r for r in runs)}
        med[fam]["runs"] = len(runs)
    RESULTS.setdefault("medians", {})[failure] = med
    print("\n{} {} medians: {}".format(CONFIG, failure, json.dumps(med)))


def test_no_crash():
    wait_steady()
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
