#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Benchmark (not a test): the switchover gap with E-Trunk role sources, on
the E-Trunk topology (tests/topotests/lib_rbp/etrunk.py).  Run it with
bench/switchover.sh -c "etrunk etrunk-aa", which runs this module once
per configuration (BENCH_SW_CONFIG):

  etrunk     master/backup (tests/topotests/rbp_etrunk/): r1 E-Trunk
             master (priority 10), hellos every 100 ms (hold 300 ms); one
             IGMP and one MLD stream, 1000 packets/s each, to h1, whose
             reports the CE gives to r1's member.
  etrunk-aa  seed 002, active-active (tests/topotests/rbp_etrunk_aa/):
             force-master on both; two MLD streams of 1000 packets/s,
             ff15::2:1 (share 0: r1 forwards it) and ff15::2:2 (share 1:
             r2's).  "mld" below is r1's group, the one that moves;
             "mld-r2" is r2's own, which should not move at all.

Failures of r1: kill (kill -9 of every daemon), link-cut (r1's Eth-Trunk
member link down).  Per run: steady state; the failure, stamped by the
shell that causes it; the CE's reports re-pointed at r2; the streams back
plus 2 s; then r1 restored (daemons restarted with their configuration,
or the link up), the CE's aggregation as before, and the failback
measured with the same receivers (failback_gap_ms).

Per run and stream: gap_ms (the longest gap after the failure and before
the restore), detection_ms (failure to r2's E-Trunk log line: its
Eth-Trunk master, or in active-active its peer's Eth-Trunk down / the
peer lost), unmute_ms (failure to r2's pimd/pim6d forwarding the group:
"not forwarding -> forwarding", or in active-active "no longer load
balanced"), lost, duplicates, failback_gap_ms.

Environment: BENCH_SW_CONFIG (etrunk), BENCH_SW_RUNS (5),
BENCH_SW_FAILURES ("kill link-cut"), BENCH_SW_OUT.  Figures are printed,
never asserted.
"""

import json
import os
import re
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, "..", "..", "tests", "topotests"))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import etrunk as E  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.helpers import gear  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402
from bench_sync import LogTail, log_size  # noqa: E402
from bench_switchover import first_after, median  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd]

CONFIG = os.environ.get("BENCH_SW_CONFIG", "etrunk")
RUNS = int(os.environ.get("BENCH_SW_RUNS", "5"))
FAILURES = os.environ.get("BENCH_SW_FAILURES", "kill link-cut").split()
OUT = os.environ.get("BENCH_SW_OUT",
                     "/tmp/frr-rbp-topotests/bench_switchover-{}.json".format(CONFIG))
AA = CONFIG == "etrunk-aa"
# stream key -> (group, daemon whose log says it forwards)
if AA:
    STREAMS = {"mld": ("ff15::2:1", "pim6d"), "mld-r2": ("ff15::2:2", "pim6d")}
else:
    STREAMS = {"igmp": (S.ASM4, "pimd"), "mld": (S.ASM6, "pim6d")}
STATE = {"joiners": []}
RESULTS = {"config": CONFIG, "rate_pps": 1000, "runs": []}

ET_MASTER_RE = re.compile(r"e-trunk 1: Eth-Trunk r2-eth1 \(trunk-id 10\): backup -> master")
ET_PEER_RE = re.compile(r"e-trunk 1: (peer \S+: .*peer down|"
                        r"Eth-Trunk r2-eth1: the peer's Eth-Trunk is no longer master)")
FWD_RE = re.compile(r"remote-backup-profile \S+: (not forwarding -> forwarding|"
                    r"no longer load balanced with the twin)")


def setup_module(mod):
    assert CONFIG in ("etrunk", "etrunk-aa"), CONFIG
    tgen = E.start(mod.__name__, "rbp_etrunk_aa" if AA else "rbp_etrunk",
                   "active-active" if AA else "master-backup")
    for i, (group, _) in enumerate(STREAMS.values()):
        E.start_sender(group, rate=1000, port=5000 + i)
    STATE["joiners"] = [lib_rbp.start_mcast_join(tgen.gears["h1"], "h1-eth0", g)
                        for g, _ in STREAMS.values()]


def teardown_module(mod):  # pylint: disable=unused-argument
    for p in STATE["joiners"]:
        lib_rbp.stop_mcast_join(p)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, indent=1)
    print("\nbench_etrunk: results in {}".format(OUT))
    E.stop()


def trunk_tx(rn):
    out = gear(rn).cmd_raises("cat /sys/class/net/{}/statistics/tx_packets".format(
        E.TRUNK_IF[rn]))
    return int(out.strip())


def tx_rates(window=1.0):
    b = {rn: trunk_tx(rn) for rn in E.ROUTERS}
    time.sleep(window)
    return {rn: (trunk_tx(rn) - b[rn]) / window for rn in E.ROUTERS}


def steady():
    try:
        if AA:
            for rn in E.ROUTERS:
                p = E.profile(rn, "pim6d", "profile1")
                if not p.get("loadBalance"):
                    return False
            r = tx_rates()
            return r["r1"] > 800 and r["r2"] > 800
        if E.etrunk("r1").get("state") != "master" or E.etrunk("r2").get("state") != "backup":
            return False
        for fam, (group, _) in ((4, STREAMS["igmp"]), (6, STREAMS["mld"])):
            if not S.twin_entries("r2", fam, group):
                return False
        r = tx_rates()
        return r["r1"] > 1800 and r["r2"] < 500
    except (KeyError, ValueError, AssertionError):
        return False


def wait_steady(timeout=180):
    t0 = time.monotonic()
    ok, last = lib_rbp.wait_until(steady, timeout=timeout, interval=1)
    assert ok, "no steady state: {} {}".format(last, tx_rates())
    return time.monotonic() - t0


def fail(failure):
    r1 = gear("r1")
    if failure == "kill":
        out = r1.cmd("P=$(cat /var/run/frr/*.pid); date +%s.%N; kill -9 $P")
    else:
        out = r1.cmd("date +%s.%N; ip link set {} down".format(E.TRUNK_IF["r1"]))
    return float(out.split()[0])


def restore(failure):
    r1 = gear("r1")
    t = time.time()
    if failure == "kill":
        lib_rbp.restart_daemons(r1, lib_rbp.DAEMONS, reapply=True)
    else:
        trunk = E.TRUNK_IF["r1"]
        r1.cmd_raises("ip link set {} up".format(trunk))
        r1.cmd_raises("ip -6 addr flush dev {} scope link".format(trunk))
        r1.cmd_raises("ip -6 addr add {}/64 dev {} nodad".format(E.LL6["r1"], trunk))
    return t


def one_run(failure, idx):
    tgen = get_topogen()
    settle_s = wait_steady()
    recv = {k: lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", g, port=5000 + i)
            for i, (k, (g, _)) in enumerate(STREAMS.items())}
    try:
        for k, rv in recv.items():
            ok, _ = lib_rbp.wait_until(lambda rv=rv: lib_rbp.stream_receiving(rv), timeout=30)
            assert ok, "no {} stream before the failure".format(k)
        time.sleep(1.0)
        tails = {d: LogTail("r2", d, log_size("r2", d)) for d in ("vrrpd", "pimd", "pim6d")}
        offset = time.time() - time.monotonic()
        t_fail = fail(failure)
        E.set_lag(tgen, selected="r2")
        for k, rv in recv.items():
            ok, _ = lib_rbp.wait_until(lambda rv=rv: lib_rbp.stream_receiving(rv), timeout=90)
            assert ok, "{} stream did not resume".format(k)
        time.sleep(2.0)
        t_back = restore(failure)
        E.set_lag(tgen, selected=None if AA else "r1")
        wait_steady()
        time.sleep(2.0)
    finally:
        summ = {k: lib_rbp.stop_stream_receiver(rv) for k, rv in recv.items()}
        E.set_lag(tgen, selected=None if AA else "r1")
    logs = {d: tail.lines() for d, tail in tails.items()}
    ms = lambda a, b: round((a - b) * 1000, 3) if a and b else None  # noqa: E731
    run = {"failure": failure, "run": idx, "t_fail": round(t_fail, 6),
           "steady_wait_s": round(settle_s, 1), "valid": True}
    t_det = first_after(logs["vrrpd"], ET_PEER_RE if AA else ET_MASTER_RE, t_fail - 0.001)
    for k, (group, daemon) in STREAMS.items():
        s = summ[k]
        before = [g for g in s.get("gaps", []) if t_fail - offset < g[1] <= t_back - offset]
        after = [g for g in s.get("gaps", []) if g[1] > t_back - offset]
        t_fwd = first_after(logs[daemon], FWD_RE, t_fail - 0.001)
        run[k] = {
            "gap_ms": max((g[2] for g in before), default=s.get("typical_interval_ms")),
            "detection_ms": ms(t_det, t_fail),
            "unmute_ms": ms(t_fwd, t_fail) if k != "mld-r2" else None,
            "lost": s.get("lost"), "duplicates": s.get("duplicates"),
            "received": s.get("received"),
            "failback_gap_ms": max((g[2] for g in after), default=s.get("typical_interval_ms")),
        }
        if run[k]["gap_ms"] is not None and run[k]["detection_ms"] is not None:
            run[k]["share_ms"] = round(run[k]["gap_ms"] - run[k]["detection_ms"], 3)
    RESULTS["runs"].append(run)
    print("\n{} {} run {}: {}".format(CONFIG, failure, idx, json.dumps(run)), flush=True)
    return True


@pytest.mark.parametrize("failure", FAILURES)
def test_switchover(failure):
    for idx in range(1, RUNS + 1):
        one_run(failure, idx)
    med = {}
    for k in STREAMS:
        runs = [r[k] for r in RESULTS["runs"] if r["failure"] == failure]
        med[k] = {f: median([r.get(f) for r in runs])
                  for f in ("gap_ms", "detection_ms", "share_ms", "unmute_ms", "lost",
                            "duplicates", "failback_gap_ms")}
        med[k]["runs"] = len(runs)
    RESULTS.setdefault("medians", {})[failure] = med
    print("\n{} {} medians: {}".format(CONFIG, failure, json.dumps(med)))


def test_no_crash():
    wait_steady()
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
