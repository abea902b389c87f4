#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
A sequence-numbered multicast stream, to see forwarding and measure gaps.

  mcast_stream.py send IFNAME GROUP [--rate PPS] [--port P] [--ttl T]
  mcast_stream.py recv IFNAME GROUP [--source S] [--exclude S] [--port P]
                       [--out FILE] [--version 2|3]

send: UDP datagrams "<seq> <send time ns>" at --rate per second until
      killed.
recv: joins GROUP on IFNAME (ASM, or SSM with --source, or EXCLUDE {S} with
      --exclude) and records each datagram's sequence number and arrival
      time.  Prints "joined" once joined, then a status line per second
      ("rx N last SEQ").  On SIGTERM/SIGINT it writes a JSON summary to
      --out (or stdout) and leaves the group:
        received, first_seq, last_seq, lost, max_gap_ms, gap_at (arrival
        time of the packet after the longest gap, monotonic s), gaps
        (every gap over 3 packet intervals: [start, end, ms]).
Standard library only.
"""

import argparse
import ipaddress
import json
import select
import signal
import socket
import struct
import sys
import time

MCAST_JOIN_GROUP = 42
MCAST_BLOCK_SOURCE = 43
MCAST_JOIN_SOURCE_GROUP = 46


def _sockaddr(addr):
    ip = ipaddress.ip_address(addr)
    if ip.version == 4:
        sa = struct.pack("=HH4s8x", socket.AF_INET, 0, ip.packed)
    else:
        sa = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, ip.packed, 0)
    return sa.ljust(128, b"\0")


def _family(group):
    return 4 if ipaddress.ip_address(group).version == 4 else 6


def send(args):
    fam = _family(args.group)
    ifindex = socket.if_nametoindex(args.ifname)
    if fam == 4:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, args.ttl)
        s.setsockopt(
            socket.IPPROTO_IP, socket.IP_MULTICAST_IF, struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, ifindex)
        )
        dst = (args.group, args.port)
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, args.ttl)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        dst = (args.group, args.port, 0, 0)
    interval = 1.0 / args.rate
    seq = 0
    start = time.monotonic()
    while True:
        seq += 1
        payload = "{} {}".format(seq, time.monotonic_ns()).encode()
        try:
            s.sendto(payload.ljust(64, b"."), dst)
        except OSError:
            pass  # no route yet: keep the clock going
        nxt = start + seq * interval
        delay = nxt - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def recv(args):
    fam = _family(args.group)
    ifindex = socket.if_nametoindex(args.ifname)
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    level = socket.IPPROTO_IP if fam == 4 else socket.IPPROTO_IPV6
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, args.ifname.encode())
    s.bind((args.group, args.port) if fam == 4 else (args.group, args.port, 0, 0))
    if args.source:
        req = struct.pack("=I4x", ifindex) + _sockaddr(args.group) + _sockaddr(args.source)
        s.setsockopt(level, MCAST_JOIN_SOURCE_GROUP, req)
    else:
        req = struct.pack("=I4x", ifindex) + _sockaddr(args.group)
        s.setsockopt(level, MCAST_JOIN_GROUP, req)
        if args.exclude:
            req = struct.pack("=I4x", ifindex) + _sockaddr(args.group) + _sockaddr(args.exclude)
            s.setsockopt(level, MCAST_BLOCK_SOURCE, req)
    print("joined", flush=True)

    seqs = []
    stop = []

    def _stop(signum, frame):  # pylint: disable=unused-argument
        stop.append(1)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    last_status = time.monotonic()
    while not stop:
        try:
            r, _, _ = select.select([s], [], [], 0.2)
        except InterruptedError:
            continue
        now = time.monotonic()
        if r:
            data = s.recv(2048)
            try:
                seqs.append((int(data.split(b" ", 1)[0]), now))
            except ValueError:
                pass
        if now - last_status >= 1.0:
            last_status = now
            print("rx {} last {}".format(len(seqs), seqs[-1][0] if seqs else 0), flush=True)

    summary = summarize(seqs)
    text = json.dumps(summary)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text, flush=True)
    s.close()


def summarize(seqs):
    if not seqs:
        return {"received": 0, "max_gap_ms": None, "gaps": []}
    arrivals = [t for _, t in seqs]
    nums = [n for n, _ in seqs]
    deltas = [(arrivals[i] - arrivals[i - 1], i) for i in range(1, len(arrivals))]
    typical = sorted(d for d, _ in deltas)[len(deltas) // 2] if deltas else 0
    gaps = [
        [round(arrivals[i - 1], 6), round(arrivals[i], 6), round(d * 1000, 3)]
        for d, i in deltas
        if typical and d > 3 * typical
    ]
    worst = max(deltas) if deltas else (0, 0)
    # when the duplicates came: [first, last, count] of runs 0.5 s apart
    seen, dup_spans = set(), []
    for n, t in seqs:
        if n not in seen:
            seen.add(n)
        elif dup_spans and t - dup_spans[-1][1] < 0.5:
            dup_spans[-1][1] = round(t, 6)
            dup_spans[-1][2] += 1
        else:
            dup_spans.append([round(t, 6), round(t, 6), 1])
    return {
        "received": len(seqs),
        "first_seq": nums[0],
        "last_seq": nums[-1],
        "lost": nums[-1] - nums[0] + 1 - len(set(nums)),
        "duplicates": len(nums) - len(set(nums)),
        "duplicate_spans": dup_spans,
        "typical_interval_ms": round(typical * 1000, 3),
        "max_gap_ms": round(worst[0] * 1000, 3),
        "gap_at": round(arrivals[worst[1]], 6) if deltas else None,
        "gaps": gaps,
        "first_at": round(arrivals[0], 6),
        "last_at": round(arrivals[-1], 6),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["send", "recv"])
    ap.add_argument("ifname")
    ap.add_argument("group")
    ap.add_argument("--port", type=int, default=5000)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--ttl", type=int, default=16)
    ap.add_argument("--source")
    ap.add_argument("--exclude")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.mode == "send":
        send(args)
    else:
        recv(args)


if __name__ == "__main__":
    main()
