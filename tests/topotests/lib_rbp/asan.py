# SPDX-License-Identifier: GPL-2.0-or-later
"""
Find sanitizer reports and daemon crashes in topotest log directories
(run.sh --asan runs this after pytest).

Looked for, in every test module's log dir under RUNDIR:

- ASan reports: <logdir>/<router>.asan.<daemon>.<pid> (ASAN_OPTIONS
  log_path, set by FRR's library for every daemon);
- UBSan reports: <logdir>/<router>.ubsan.<daemon>.<pid> (lib_rbp.frrenv);
- either kind printed to stderr instead (<logdir>/<router>/<daemon>.err),
  e.g. when the log file could not be opened;
- FRR's own crash and assertion messages in <logdir>/<router>/<daemon>.log
  ("Received signal N ...; aborting...", "assertion (...) failed"): a
  daemon that dies on an assert, or at shutdown, fails no test by itself.

Usage: python3 -m lib_rbp.asan RUNDIR [--since FILE] [--frames N]
  --since FILE: only files modified after FILE (the start of this run).
Prints each finding (file, the error line, the first N frames, default 10,
and for a use after free the first N/2 frames of where it was freed)
and exits 1 if there is any, 0 otherwise.
"""

import argparse
import glob
import os
import re
import sys

# "==1234==ERROR: AddressSanitizer: heap-use-after-free on address ..."
_SAN_ERROR = re.compile(
    r"^(==\d+==\s*)?(ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)\b.*"
    r"|WARNING: AddressSanitizer failed to allocate.*"
    r"|.*\bruntime error: .*)$",
    re.M,
)
_FRAME = re.compile(r"^\s+#\d+ ", re.M)
_FRR_CRASH = re.compile(
    r"^.*(Received signal \d+ at \d+.*aborting|assertion \(.*\) failed).*$", re.M
)


def frr_crash_lines(text):
    """FRR's lines for a daemon that crashed or failed an assertion, in a
    daemon's log text."""
    return [m.group(0) for m in _FRR_CRASH.finditer(text)]


class Finding:
    "One report: kind, file, headline, first frames."

    def __init__(self, kind, path, headline, frames):
        self.kind = kind
        self.path = path
        self.headline = headline
        self.frames = frames

    def __str__(self):
        out = ["{}: {}".format(self.kind, self.path), "    " + self.headline.strip()]
        out += ["    " + f.strip() for f in self.frames]
        return "\n".join(out)


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _sanitizer_findings(path, text, nframes):
    out = []
    for m in _SAN_ERROR.finditer(text):
        line = m.group(0)
        # the frames of this report: the "    #N ..." lines after it
        frames = []
        for fl in text[m.end():].splitlines():
            if _FRAME.match(fl):
                frames.append(fl)
                if len(frames) >= nframes:
                    break
            elif frames:
                break
        kind = "UBSan" if "runtime error" in line or "UndefinedBehavior" in line else "ASan"
        # a use after free: where it was freed, too
        fm = re.compile(r"^freed by thread .*$", re.M).search(text, m.end())
        if kind == "ASan" and fm:
            freed = [fm.group(0)]
            for fl in text[fm.end():].splitlines()[1:]:
                if not _FRAME.match(fl) or len(freed) > nframes // 2:
                    break
                freed.append(fl)
            frames = frames + freed
        out.append(Finding(kind, path, line, frames))
        if kind == "ASan":
            # one ASan report per file: the daemon stops at the first one
            break
    return out


def scan(rundir, since=None, nframes=10):
    """Findings in rundir's log dirs, for files modified after `since`
    (a time in seconds, or None for all)."""
    findings = []

    def fresh(p):
        try:
            return since is None or os.path.getmtime(p) > since
        except OSError:
            return False

    pats = [
        os.path.join(rundir, "**", "*.asan.*"),
        os.path.join(rundir, "**", "*.ubsan.*"),
        os.path.join(rundir, "**", "*.err"),
    ]
    files = sorted({p for pat in pats for p in glob.glob(pat, recursive=True)})
    for p in files:
        if os.path.isfile(p) and fresh(p):
            findings += _sanitizer_findings(p, _read(p), nframes)
    for p in sorted(glob.glob(os.path.join(rundir, "**", "*.log"), recursive=True)):
        # daemon logs only: <logdir>/<router>/<daemon>.log
        if os.path.basename(p) == "exec.log" or not fresh(p):
            continue
        text = _read(p)
        for m in _FRR_CRASH.finditer(text):
            # the backtrace FRR logs after the signal line
            frames = []
            for fl in text[m.end():].splitlines()[1:]:
                if re.search(r"\[bt \d+\]", fl):
                    frames.append(fl)
                    if len(frames) >= nframes:
                        break
                elif frames:
                    break
            findings.append(Finding("crash", p, m.group(0), frames))
    return findings


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m lib_rbp.asan", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rundir")
    ap.add_argument("--since", metavar="FILE",
                    help="only files modified after FILE was")
    ap.add_argument("--frames", type=int, default=10)
    args = ap.parse_args(argv)
    since = os.path.getmtime(args.since) if args.since else None
    findings = scan(args.rundir, since, args.frames)
    if not findings:
        print("asan: no sanitizer report or daemon crash in {}".format(args.rundir))
        return 0
    print("asan: {} finding(s) in {}:".format(len(findings), args.rundir))
    for f in findings:
        print(str(f))
    return 1


if __name__ == "__main__":
    sys.exit(main())
