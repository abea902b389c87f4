#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Merge the per-configuration results of bench/topo/bench_switchover.py
into one JSON file, print the summary table and draw the plot.

  plot_switchover.py --merge OUT.json RUN_SECONDS CFG.json [CFG.json...]
  plot_switchover.py OUT.json [PLOT.png|.svg]     (table and plot only)

The plot: median gap per failure, family and configuration (log scale),
the lower part of each bar (hatched) being the failure detection (failure
to r2's VRRP Backup -> Master), the rest the takeover after it.
Needs python3-matplotlib (Debian package) for the plot.
"""

import json
import os
import platform
import subprocess
import sys
import time

VRRP_CONFIGS = ("baseline", "vrrp", "bfd")
# bench/topo/bench_etrunk.py: E-Trunk role sources (plotted apart: <out>-etrunk.png)
ETRUNK_CONFIGS = ("etrunk", "etrunk-aa")
CONFIGS = VRRP_CONFIGS + ETRUNK_CONFIGS
LABEL = {"baseline": "FRR 10.3, VRRP only (no modules)",
         "vrrp": "modules, VRRP 100 ms",
         "bfd": "modules + BFD 10 ms x 3",
         "etrunk": "E-Trunk master/backup, hello 100 ms x 3",
         "etrunk-aa": "E-Trunk active-active (seed 002): the failed twin's share"}
FAILURES = ("kill", "kill-mcast", "link-cut", "silent", "prio", "restart")
FAILURE_LABEL = {"kill": "kill -9\nall daemons", "kill-mcast": "kill -9\npimd+pim6d",
                 "link-cut": "LAN link\ncut", "silent": "cut off\nsilently",
                 "prio": "priority\ndrop+back",
                 "restart": "kill -9 all,\nrestart"}
FAMILIES = ("igmp", "mld")
# etrunk-aa: "mld" is the failed twin's group, "mld-r2" the survivor's own
ALL_FAMILIES = FAMILIES + ("mld-r2",)


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return ""


def merge(out, secs, files):
    """Merge the runs' files into out; configurations not rerun keep their
    figures from out as it was (each says its own date)."""
    configs = {}
    try:
        with open(out, encoding="utf-8") as f:
            configs = json.load(f).get("configs", {})
    except (OSError, ValueError):
        pass
    for path in files:
        with open(path, encoding="utf-8") as f:
            res = json.load(f)
        res.setdefault("date", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        configs[res["config"]] = res
    summary = []
    for cfg in CONFIGS:
        for failure in FAILURES:
            for fam in ALL_FAMILIES:
                m = configs.get(cfg, {}).get("medians", {}).get(failure, {}).get(fam)
                if m:
                    summary.append(dict(config=cfg, failure=failure, family=fam, **m))
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    doc = {
        "meta": {
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": "{}, {} cores, kernel {}".format(
                sh(". /etc/os-release && echo $PRETTY_NAME"), os.cpu_count(),
                platform.release()),
            "commit": sh("git -C {} rev-parse --short HEAD".format(top)),
            "run_seconds": secs,
            "rate_pps": 1000,
            "definitions": {
                "gap_ms": "longest inter-arrival gap at the receiver after the failure",
                "detection_ms": "failure (shell timestamp just before kill -9 / link down) "
                                "to r2 vrrpd 'Backup -> Master' log line (per family); "
                                "E-Trunk: to r2's E-Trunk log line (its Eth-Trunk master, "
                                "or active-active: the peer or its Eth-Trunk lost)",
                "share_ms": "gap_ms - detection_ms (the takeover after detection)",
                "resume_ms": "failure to the first packet after it",
                "role_ms": "failure to r2 pimd/pim6d 'role backup -> master' log line",
                "stop_ms": "failure stamp to the last packet before the gap (r1's "
                           "forwarding outlives the stamp by the time kill -9 or "
                           "ip link takes, so gap_ms - detection_ms can be negative)",
                "master_to_resume_ms": "r2 vrrpd 'Backup -> Master' to the first packet "
                                       "after the gap: the takeover's own time on r2",
                "unmute_ms": "failure to r2 pimd/pim6d 'not forwarding -> forwarding' "
                             "(over the channel, or at its VRRP takeover)",
                "lost": "packets lost at the receiver over the run (the failure, and "
                        "for prio the failback too)",
                "duplicates": "packets received twice over the run",
                "failback_gap_ms": "prio, restart: the longest gap after r1's priority "
                                   "came back / r1's daemons were restarted",
                "restart_to_forward_ms": "restart: r1's daemons restarted to r1's pimd/"
                                         "pim6d 'not forwarding -> forwarding'",
                "restart_to_sync_ms": "restart: to vrrpd-track ending the preempt delay "
                                      "(wait-sync: the profiles' resync done)",
                "sync_to_forward_ms": "restart: resync done to r1 forwarding",
            },
            "notes": "both families measured in the same failure (one IGMP and one "
                     "MLD stream at 1000 packets/s each); medians over the runs",
        },
        "summary": summary,
        "configs": configs,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return doc


def fmt(x, nd=1):
    return "-" if x is None else "{:.{}f}".format(x, nd)


def table(doc):
    print("\n== Switchover: median over the runs (ms)")
    print("{:<9} {:<10} {:<6} {:>4} {:>8} {:>9} {:>8} {:>8} {:>6} {:>5}  {}".format(
        "config", "failure", "fam", "runs", "gap", "detection", "gap-det", "unmute",
        "lost", "dups", "gaps of the runs"))
    for s in doc["summary"]:
        runs = [r[s["family"]] for r in doc["configs"][s["config"]]["runs"]
                if r["failure"] == s["failure"] and r.get("valid", True)]
        print("{:<9} {:<10} {:<6} {:>4} {:>8} {:>9} {:>8} {:>8} {:>6} {:>5}  {}".format(
            s["config"], s["failure"], s["family"], s["runs"], fmt(s.get("gap_ms")),
            fmt(s.get("detection_ms")), fmt(s.get("share_ms")), fmt(s.get("unmute_ms")),
            fmt(s.get("lost"), 0), fmt(s.get("duplicates"), 0),
            " ".join(fmt(r["gap_ms"], 0) for r in runs)))


def plot(doc, path, configs=VRRP_CONFIGS):
    # pylint: disable=import-outside-toplevel
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"baseline": "#9e9e9e", "vrrp": "#1f77b4", "bfd": "#2ca02c",
              "etrunk": "#ff7f0e", "etrunk-aa": "#9467bd"}
    summary = [s for s in doc["summary"] if s["config"] in configs]
    if not summary:
        return
    failures = [f for f in FAILURES if any(s["failure"] == f for s in summary)]
    groups = [(f, fam) for f in failures for fam in FAMILIES]
    med = {(s["config"], s["failure"], s["family"]): s for s in summary}
    fig, ax = plt.subplots(figsize=(14 if len(groups) > 6 else 8, 5.5))
    width = 0.78 / len(configs)
    floor = 1.0
    etrunk = configs == ETRUNK_CONFIGS
    labelled = set()
    for ci, cfg in enumerate(configs):
        for gi, (failure, fam) in enumerate(groups):
            s = med.get((cfg, failure, fam))
            if not s or s.get("gap_ms") is None:
                continue
            x = gi + (ci - (len(configs) - 1) / 2) * width
            gap = max(s["gap_ms"], floor)
            det = s.get("detection_ms")
            ax.bar(x, gap - floor, width, bottom=floor, color=colors[cfg],
                   edgecolor="black", linewidth=0.5,
                   label=LABEL[cfg] if cfg not in labelled else None)
            labelled.add(cfg)
            if det is not None and det > gap * 1.05:
                # taken over on the channel's word, before VRRP's detection
                ax.text(x, gap * 2.2, "{}\n{:.0f}".format("E-Trunk" if etrunk else "VRRP", det),
                        ha="center", va="bottom", fontsize=6, color="dimgray")
            elif det is not None:
                d = min(max(det, floor), gap)
                ax.bar(x, d - floor, width, bottom=floor, color="none",
                       edgecolor="black", hatch="///", linewidth=0.5,
                       label="detection (failure -> r2's VRRP Master / E-Trunk)"
                       if gi == 0 and ci == 0 else None)
            ax.text(x, gap * 1.08, "{:.0f}".format(s["gap_ms"]), ha="center",
                    va="bottom", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(floor, max(s.get("gap_ms") or 1 for s in summary) * 40)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(["{}\n{}".format(
        FAILURE_LABEL[f].replace("LAN link", "Eth-Trunk link") if etrunk else FAILURE_LABEL[f],
        fam.upper()) for f, fam in groups], fontsize=7)
    ax.set_ylabel("longest gap at the receiver, ms (median, log scale)")
    runs = min((s.get("runs") or 0) for s in summary)
    if etrunk:
        ax.set_title("E-Trunk switchover gap, 1000 packets/s per stream, median of {} runs\n"
                     "hatched: detection; grey 'E-Trunk n': the E-Trunk's detection\n"
                     "(hold time) that the channel's takeover beat".format(runs), fontsize=10)
    else:
        ax.set_title("Switchover gap, 1000 packets/s per stream, median of {} runs\n"
                     "hatched: failure detection; above it: the takeover's own share; "
                     "grey 'VRRP n': VRRP's detection a channel takeover beat"
                     .format(runs))
    ax.legend(loc="upper center", ncol=2, fontsize=8)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.text(0.01, 0.01, doc["meta"].get("machine", ""), fontsize=7, color="gray")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print("plot: {}".format(path))


def main(argv):
    if len(argv) >= 4 and argv[1] == "--merge":
        doc = merge(argv[2], int(argv[3]), argv[4:])
        out = argv[2]
        png = os.path.splitext(out)[0] + ".png"
    elif len(argv) in (2, 3):
        out = argv[1]
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
        png = argv[2] if len(argv) == 3 else os.path.splitext(out)[0] + ".png"
    else:
        print(__doc__)
        return 2
    table(doc)
    try:
        plot(doc, png)
        plot(doc, os.path.splitext(png)[0] + "-etrunk.png", ETRUNK_CONFIGS)
    except ImportError:
        print("no matplotlib (apt install python3-matplotlib): no plot")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
