#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Join multicast groups on an interface and hold them until killed.

  mcast_join.py IFNAME GROUP [GROUP...] [--source S]

Works for IPv4 (IGMP) and IPv6 (MLD) through the protocol-independent
MCAST_JOIN_GROUP / MCAST_JOIN_SOURCE_GROUP socket options (RFC 3678), so the
kernel of the namespace sends the reports and answers queries.  Prints
"joined <group>" per group once the kernel accepted the join, then sleeps;
SIGTERM/SIGINT closes the sockets (the kernel then sends leaves).
Standard library only.
"""

import argparse
import ipaddress
import signal
import socket
import struct
import sys
import time

MCAST_JOIN_GROUP = 42
MCAST_JOIN_SOURCE_GROUP = 46


def _sockaddr(addr):
    ip = ipaddress.ip_address(addr)
    if ip.version == 4:
        sa = struct.pack("=HH4s8x", socket.AF_INET, 0, ip.packed)
    else:
        sa = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, ip.packed, 0)
    return sa.ljust(128, b"\0")  # struct sockaddr_storage


def join(ifname, group, source=None):
    ip = ipaddress.ip_address(group)
    fam = socket.AF_INET if ip.version == 4 else socket.AF_INET6
    level = socket.IPPROTO_IP if ip.version == 4 else socket.IPPROTO_IPV6
    s = socket.socket(fam, socket.SOCK_DGRAM)
    ifindex = socket.if_nametoindex(ifname)
    # struct group_req / group_source_req: uint32 ifindex, 4 bytes of
    # padding (sockaddr_storage is 8-aligned), then the sockaddr(s)
    if source:
        req = struct.pack("=I4x", ifindex) + _sockaddr(group) + _sockaddr(source)
        s.setsockopt(level, MCAST_JOIN_SOURCE_GROUP, req)
    else:
        req = struct.pack("=I4x", ifindex) + _sockaddr(group)
        s.setsockopt(level, MCAST_JOIN_GROUP, req)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ifname")
    ap.add_argument("groups", nargs="+")
    ap.add_argument("--source", help="SSM source (IGMPv3/MLDv2 INCLUDE join)")
    args = ap.parse_args()

    def _stop(signum, frame):  # pylint: disable=unused-argument
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    socks = []
    for g in args.groups:
        socks.append(join(args.ifname, g, args.source))
        print("joined {}".format(g), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
