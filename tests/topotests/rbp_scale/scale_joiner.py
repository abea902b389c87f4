#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The receiver of rbp_scale: joins and leaves many IPv4 and IPv6 groups on
one interface and holds them until its stdin closes (run inside h1 by
test_rbp_scale.py; the group-joining method of bench/topo/bench_sync.py,
with leaves added).

  scale_joiner.py IFNAME GROUPS_PER_SOCKET

stdin, one command a line:
  join FILE     join the groups of FILE (one a line), ASM
  leave FILE    leave them again (MCAST_LEAVE_GROUP on the socket holding each)
stdout: "done COUNT" after each command (groups held now), or
"error MESSAGE" (the command stopped at the first failure).

The kernel of the namespace sends the IGMPv3/MLDv2 reports and answers
the queries; one socket per GROUPS_PER_SOCKET groups of a family (the IPv4
per-socket limit is net.ipv4.igmp_max_memberships, which the test
raises).  Standard library only.
"""

import ipaddress
import socket
import struct
import sys

MCAST_JOIN_GROUP = 42
MCAST_LEAVE_GROUP = 45


def sockaddr(ip):
    if ip.version == 4:
        sa = struct.pack("=HH4s8x", socket.AF_INET, 0, ip.packed)
    else:
        sa = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, ip.packed, 0)
    return sa.ljust(128, b"\0")  # struct sockaddr_storage


def main():
    ifindex = socket.if_nametoindex(sys.argv[1])
    per = int(sys.argv[2])
    # per family: [socket, groups joined on it ever]; a socket is not
    # reused after leaves (it only counts against the per-socket limit)
    socks = {4: [], 6: []}
    held = {}  # group -> socket

    def req(ip):
        # struct group_req: uint32 ifindex, 4 bytes of padding, sockaddr_storage
        return struct.pack("=I4x", ifindex) + sockaddr(ip)

    def level(ip):
        return socket.IPPROTO_IP if ip.version == 4 else socket.IPPROTO_IPV6

    def join(group):
        ip = ipaddress.ip_address(group)
        if ip in held:
            return
        lst = socks[ip.version]
        if not lst or lst[-1][1] >= per:
            fam = socket.AF_INET if ip.version == 4 else socket.AF_INET6
            lst.append([socket.socket(fam, socket.SOCK_DGRAM), 0])
        s = lst[-1]
        s[0].setsockopt(level(ip), MCAST_JOIN_GROUP, req(ip))
        s[1] += 1
        held[ip] = s[0]

    def leave(group):
        ip = ipaddress.ip_address(group)
        s = held.pop(ip, None)
        if s is not None:
            s.setsockopt(level(ip), MCAST_LEAVE_GROUP, req(ip))

    for line in sys.stdin:
        cmd = line.split()
        if len(cmd) != 2 or cmd[0] not in ("join", "leave"):
            print("error bad command {!r}".format(line.strip()), flush=True)
            continue
        fn = join if cmd[0] == "join" else leave
        try:
            with open(cmd[1], encoding="utf-8") as f:
                for g in f.read().split():
                    fn(g)
        except (OSError, ValueError) as e:
            print("error {} {}: {}".format(cmd[0], cmd[1], e), flush=True)
            continue
        print("done {}".format(len(held)), flush=True)


if __name__ == "__main__":
    main()
