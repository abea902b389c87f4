#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The growth of a full resync with the table's size: merges the bulk-resync
figures of several bench/sync.sh runs into one file and draws them on
log-log axes (a slope of 1 is linear growth).

  plot_scale.py --merge OUT.json SYNC.json [SYNC.json ...]
  plot_scale.py OUT.json [PLOT.png|.svg]          (table and plot only)

Per family and size: the median over the runs of "hello -> last
installed" (r2's channel hello to the last of the N entries installed in
pimd), with every run's figure.  Needs python3-matplotlib (Debian
package) for the plot.
"""

import json
import statistics
import sys

FAMILIES = ("igmp", "mld")
FIELDS = ("hello_to_complete_ms", "hello_to_last_installed_ms", "cpu_ms",
          "loop_longest_task_ms", "module_entry_bytes_per_entry", "rss_per_entry_b")


def merge(out, files):
    runs = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            r = json.load(fh)
        runs.append({"file": f, "meta": r.get("meta", {}),
                     "bulk_resync": [{k: b.get(k) for k in ("family", "entries") + FIELDS}
                                     for b in r.get("bulk_resync", [])]})
    table = {}
    for r in runs:
        for b in r["bulk_resync"]:
            table.setdefault("{}-{}".format(b["family"], b["entries"]), []).append(b)
    summary = []
    for key, bs in sorted(table.items(), key=lambda kv: (kv[1][0]["entries"], kv[0])):
        row = {"family": bs[0]["family"], "entries": bs[0]["entries"], "runs": len(bs)}
        for f in FIELDS:
            vals = [b[f] for b in bs if b.get(f) is not None]
            if vals:
                row[f] = {"median": round(statistics.median(vals), 1), "all": vals}
        summary.append(row)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"summary": summary, "runs": runs}, fh, indent=1)
        fh.write("\n")


def show(path, plot=None):
    with open(path, encoding="utf-8") as fh:
        res = json.load(fh)
    print("{:<6} {:>7} {:>4} {:>16} {:>20} {:>10}".format(
        "family", "entries", "runs", "-> complete ms", "-> last installed ms", "CPU ms"))
    for r in res["summary"]:
        print("{:<6} {:>7} {:>4} {:>16} {:>20} {:>10}".format(
            r["family"], r["entries"], r["runs"],
            r.get("hello_to_complete_ms", {}).get("median"),
            r.get("hello_to_last_installed_ms", {}).get("median"),
            r.get("cpu_ms", {}).get("median")))
    if not plot:
        return
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for fam, marker in zip(FAMILIES, ("o", "s")):
        rows = [r for r in res["summary"] if r["family"] == fam
                and "hello_to_last_installed_ms" in r]
        xs = [r["entries"] for r in rows]
        ys = [r["hello_to_last_installed_ms"]["median"] for r in rows]
        ax.plot(xs, ys, marker=marker, label="{} (median)".format(fam.upper()))
        for r in rows:
            ax.scatter([r["entries"]] * len(r["hello_to_last_installed_ms"]["all"]),
                       r["hello_to_last_installed_ms"]["all"], s=8, color="grey", zorder=3)
    rows = [r for r in res["summary"] if "hello_to_last_installed_ms" in r]
    if rows:
        x0 = min(r["entries"] for r in rows)
        y0 = min(r["hello_to_last_installed_ms"]["median"] for r in rows if r["entries"] == x0)
        x1 = max(r["entries"] for r in rows)
        ax.plot([x0, x1], [y0, y0 * x1 / x0], linestyle=":", color="black",
                label="linear (slope 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("entries per family")
    ax.set_ylabel("backup restart: hello -> last installed (ms)")
    ax.set_title("Full resync into pimd/pim6d")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot)
    print("plot: {}".format(plot))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--merge":
        merge(sys.argv[2], sys.argv[3:])
        show(sys.argv[2])
    elif len(sys.argv) in (2, 3):
        show(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    else:
        print(__doc__)
        sys.exit(2)
