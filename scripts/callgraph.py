#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The file-level call graph of a directory of C files, from GNU cflow: an
edge a.c -> b.c for every function of a.c that calls a function defined
in b.c.  Prints the edges and the files' cycles (strongly connected
components of more than one file); exits 1 if there is a cycle.

    scripts/callgraph.py [--dot] DIR [DIR...]

Calls through function pointers (callbacks, hooks) are not calls here:
cflow does not see them, and they are how a leaf reports upwards.  FRR's
command macros (DEFPY, DEFUN...) become functions of their own name, and
of `#if PIM_IPV == 4 ... #else ... #endif` the first branch is kept, so
that cflow (which does not preprocess) reads each command once.
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = re.compile(r"^(\w+)\(\) <.* at ([^:>]+):\d+>")
CHILD = re.compile(r"^\s+(\w+)\(\)")


CMD_MACRO = re.compile(r"\bDEF(?:PY|UN|UNSH|SH)(?:_NOSH|_HIDDEN|_ATTR)?\(\s*(?:\w+\s*,\s*)??(\w+)\s*,")


def command_macros(text):
    "DEFPY(name, cmd, \"...\", ...) -> int name(void)"
    out, i = [], 0
    for m in CMD_MACRO.finditer(text):
        if m.start() < i:
            continue
        depth, j, quote = 1, text.index("(", m.start()) + 1, False
        while depth:
            c = text[j]
            if quote:
                if c == "\\":
                    j += 1
                elif c == '"':
                    quote = False
            elif c == '"':
                quote = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            j += 1
        out.append(text[i:m.start()])
        out.append("int defpy_{}(void)".format(m.group(1)))
        i = j
    out.append(text[i:])
    return "".join(out)


def first_branches(text):
    "Keep the first branch of #if PIM_IPV ... #else ... #endif"
    out, skip, depth = [], [], 0
    for line in text.splitlines(True):
        d = line.strip()
        if d.startswith("#if PIM_IPV"):
            skip.append(False)
            continue
        if skip and d.startswith("#if"):
            depth += 1
        elif skip and depth and d.startswith("#endif"):
            depth -= 1
        elif skip and not depth and d.startswith("#else"):
            skip[-1] = True
            continue
        elif skip and not depth and d.startswith("#endif"):
            skip.pop()
            continue
        if not any(skip):
            out.append(line)
    return "".join(out)


def graph(files):
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for f in files:
            copy = os.path.join(tmp, os.path.basename(f))
            with open(f) as src, open(copy, "w") as dst:
                dst.write(command_macros(first_branches(src.read())))
            copies.append(copy)
        out = subprocess.run(
            ["cflow", "--omit-arguments", "--no-main", "-A", "-A", "-d", "2"] + copies,
            check=True, capture_output=True, text=True).stdout
    # a name defined in several files is a macro cflow took for a
    # function (DEFPY): its calls count for the file it appears in
    defined = collections.defaultdict(set)
    calls = collections.defaultdict(set)
    caller = None
    for line in out.splitlines():
        m = ROOT.match(line)
        if m:
            caller = (m.group(1), os.path.basename(m.group(2)))
            defined[caller[0]].add(caller[1])
            continue
        m = CHILD.match(line)
        if m and caller:
            calls[caller].add(m.group(1))
    edges = collections.defaultdict(set)
    for (fn, src), callees in calls.items():
        for callee in callees:
            dst = defined.get(callee, set())
            if len(dst) == 1 and src not in dst:
                edges[src] |= dst
    return sorted({f for files in defined.values() for f in files}), edges


def cycles(nodes, edges):
    "Tarjan's strongly connected components with more than one node."
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in nodes:
        if v not in index:
            visit(v)
    return sccs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dot", action="store_true", help="print a graphviz digraph")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    files = sorted(f for d in args.dirs for f in glob.glob(os.path.join(d, "*.c")))
    nodes, edges = graph(files)
    if args.dot:
        print("digraph calls {")
        for src in sorted(edges):
            for dst in sorted(edges[src]):
                print('  "{}" -> "{}";'.format(src, dst))
        print("}")
    else:
        for src in nodes:
            print("{:18} -> {}".format(src, " ".join(sorted(edges.get(src, ()))) or "-"))
    found = cycles(nodes, edges)
    for comp in found:
        print("cycle: " + " <-> ".join(comp), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
