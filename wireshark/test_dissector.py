#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Test of wireshark/rbs.lua, the RBS channel (mldsync) dissector.

Builds synthetic captures (pcap written by hand: Ethernet, IPv4/IPv6,
TCP with correct lengths and checksums) whose payloads are frames encoded
here by a small protobuf encoder that follows mldsync/msync.proto, runs
tshark with the dissector and checks the decoded fields against what was
encoded.

    /usr/bin/python3 wireshark/test_dissector.py            # the test
    /usr/bin/python3 wireshark/test_dissector.py -v         # every check
    /usr/bin/python3 wireshark/test_dissector.py --keep DIR # keep the pcaps
    /usr/bin/python3 wireshark/test_dissector.py --mutations
        # breaks the dissector in several ways (copies in a temp dir) and
        # verifies that the checks catch every break
    /usr/bin/python3 wireshark/test_dissector.py --dump-pb
        # the encoder's bytes of a reference set of messages, one per line
        # ("name hex"), to compare with protobuf-c's (see the report)

Needs tshark (Wireshark 4.0 with Lua).  Exit status 0 when every check
passed.
"""

import argparse
import hashlib
import hmac
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "rbs.lua")
TSHARK = shutil.which("tshark") or "/usr/bin/tshark"

# ---------------------------------------------------------------------------
# protobuf encoder (proto2, fields written in field-number order like
# protobuf-c)

VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5


def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(num, wt):
    return varint(num << 3 | wt)


def f_varint(num, v):
    return b"" if v is None else tag(num, VARINT) + varint(v)


def f_bool(num, v):
    return b"" if v is None else tag(num, VARINT) + varint(1 if v else 0)


def f_bytes(num, b):
    if b is None:
        return b""
    if isinstance(b, str):
        b = b.encode()
    return tag(num, LEN) + varint(len(b)) + b


def f_fixed64(num, v):
    return b"" if v is None else tag(num, FIXED64) + struct.pack("<Q", v)


def f_fixed32(num, v):
    return b"" if v is None else tag(num, FIXED32) + struct.pack("<I", v)


def f_msgs(num, msgs):
    return b"".join(f_bytes(num, m) for m in msgs)


# msync.proto enums
AUTH_NONE, AUTH_HMAC_SHA256 = 0, 1
SVC_IGMP, SVC_MLD = 1, 2
FILTER_INCLUDE, FILTER_EXCLUDE = 1, 2
ROLE_UNKNOWN, ROLE_MASTER, ROLE_BACKUP = 0, 1, 2
FRAME_HELLO, FRAME_ENVELOPE = 1, 16

# Envelope body field numbers
KEEPALIVE, RESYNC_BEGIN, RESYNC_END, UPDATE, DELETE, ACK, DIGEST = 2, 3, 4, 5, 6, 7, 8
RESYNC_REQUEST, ROLE, AUTH, OFFERS, PROBE, PROBE_REPLY, BYE = 9, 10, 11, 12, 13, 14, 15


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress

    return ipaddress.IPv6Address(s).packed


def pb_offer(backup_id, svc):
    return f_varint(1, backup_id) + f_varint(2, svc)


def pb_hello(version=2, router_id=None, service=None, offers=(), incarnation=None,
             keepalive_ms=None, hold_ms=None, nonce=None, auth=None):
    return (f_varint(1, version) + f_bytes(2, router_id) + f_bytes(3, service) +
            f_msgs(4, [pb_offer(*o) for o in offers]) + f_fixed64(5, incarnation) +
            f_varint(6, keepalive_ms) + f_varint(7, hold_ms) + f_bytes(8, nonce) +
            f_varint(9, auth))


def pb_key(backup_id, svc, ifname, group, source=None):
    return (f_varint(1, backup_id) + f_varint(2, svc) + f_bytes(3, ifname) +
            f_bytes(4, group) + f_bytes(5, source))


def pb_entry(key, filter=None, version=None, timer_ms=None, origin_role=None, restored=None):
    return (f_bytes(1, key) + f_varint(2, filter) + f_varint(3, version) +
            f_varint(4, timer_ms) + f_varint(5, origin_role) + f_bool(6, restored))


def pb_update(entries):
    return f_msgs(2, entries)


def pb_delete(keys):
    return f_msgs(2, keys)


def pb_resync_begin(generation):
    return f_varint(2, generation)


def pb_resync_end(generation, count=None):
    return f_varint(2, generation) + f_varint(3, count)


def pb_ack(seq):
    return f_varint(1, seq)


def pb_digest_item(backup_id, count, sum_):
    return f_varint(1, backup_id) + f_varint(2, count) + f_fixed64(3, sum_)


def pb_digest(items):
    return f_msgs(1, items)


def pb_resync_request(reason=None):
    return f_bytes(1, reason)


def pb_role_item(backup_id, role, able=None, forwarding=None, released=None,
                 synced=None, priority=None):
    return (f_varint(1, backup_id) + f_varint(2, role) + f_bool(3, able) +
            f_bool(4, forwarding) + f_bool(5, released) + f_bool(6, synced) +
            f_varint(7, priority))


def pb_role_report(items, ask=None):
    return f_msgs(1, items) + f_bool(2, ask)


def pb_offers(offers):
    return f_msgs(1, [pb_offer(*o) for o in offers])


def pb_probe(id_):
    return f_varint(1, id_)


def pb_bye(reason=None, stopping=None):
    return f_bytes(1, reason) + f_bool(2, stopping)


def pb_envelope(seq, body_num, body):
    return f_varint(1, seq) + f_bytes(body_num, body)


def frame(ftype, payload):
    return struct.pack(">IB", len(payload) + 1, ftype) + payload


def hello_frame(**kw):
    return frame(FRAME_HELLO, pb_hello(**kw))


# ---------------------------------------------------------------------------
# authentication (doc/protocol.md 4.2): the real MAC, so the test's
# trailers look like the daemon's


def transcript(h_i, h_r):
    return hashlib.sha256(b"mldsync-v2 hello" + struct.pack(">I", len(h_i)) + h_i +
                          struct.pack(">I", len(h_r)) + h_r).digest()


def frame_mac(key, direction, t, key_id, env):
    return hmac.new(key, b"mldsync-v2 frame" + direction + t + struct.pack(">I", key_id) + env,
                    hashlib.sha256).digest()[:16]


def env_frame(seq, body_num, body, seal=None):
    """seal: (key, dir b'I'/b'R', transcript, key id); returns (frame, mac)."""
    env = pb_envelope(seq, body_num, body)
    if seal is None:
        return frame(FRAME_ENVELOPE, env), None
    key, d, t, kid = seal
    mac = frame_mac(key, d, t, kid, env)
    return frame(FRAME_ENVELOPE, env + struct.pack(">I", kid) + mac), mac


# ---------------------------------------------------------------------------
# pcap writer


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Pcap:
    def __init__(self):
        self.packets = []
        self.t = 1700000000.0

    def add(self, pkt):
        self.t += 0.001
        self.packets.append((self.t, pkt))
        return len(self.packets)  # frame number

    def bytes(self):
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
        for t, p in self.packets:
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            out.append(struct.pack("<IIII", sec, usec, len(p), len(p)) + p)
        return b"".join(out)


class TcpConn:
    """One TCP connection; side 0 is the client (initiator), 1 the server."""

    SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01

    def __init__(self, pcap, cli, srv, isn=(1000, 50000)):
        self.pcap = pcap
        self.ep = (cli, srv)  # (address string, port)
        self.v6 = ":" in cli[0]
        self.seq = list(isn)
        self.macs = (b"\x02\x00\x00\x00\x00\x01", b"\x02\x00\x00\x00\x00\x02")

    def _packet(self, side, flags, payload=b""):
        (sa, sp), (da, dp) = self.ep[side], self.ep[1 - side]
        ack = self.seq[1 - side] if flags & self.ACK else 0
        tcp = struct.pack("!HHIIBBHHH", sp, dp, self.seq[side], ack, 5 << 4, flags, 65535, 0, 0)
        if self.v6:
            src, dst = ip6(sa), ip6(da)
            pseudo = src + dst + struct.pack("!IxxxB", len(tcp) + len(payload), 6)
        else:
            src, dst = ip4(sa), ip4(da)
            pseudo = src + dst + struct.pack("!xBH", 6, len(tcp) + len(payload))
        c = csum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        if self.v6:
            ip = struct.pack("!IHBB", 6 << 28, len(tcp) + len(payload), 6, 255) + src + dst
            ethertype = 0x86DD
        else:
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(tcp) + len(payload), 0, 0x4000,
                              255, 6, 0, src, dst)
            ip = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
            ethertype = 0x0800
        eth = self.macs[1 - side] + self.macs[side] + struct.pack("!H", ethertype)
        n = self.pcap.add(eth + ip + tcp + payload)
        self.seq[side] += len(payload) + (1 if flags & (self.SYN | self.FIN) else 0)
        return n

    def handshake(self):
        self._packet(0, self.SYN)
        self._packet(1, self.SYN | self.ACK)
        self._packet(0, self.ACK)

    def send(self, side, payload):
        return self._packet(side, self.PSH | self.ACK, payload)

    def close(self):
        self._packet(0, self.FIN | self.ACK)
        self._packet(1, self.FIN | self.ACK)
        self._packet(0, self.ACK)


# ---------------------------------------------------------------------------
# the scenario: packets and what tshark must decode in them

FIELDS = [
    "rbs.length", "rbs.type", "rbs.payload", "rbs.version",
    "rbs.hello.router_id", "rbs.hello.router_id_v6", "rbs.hello.service",
    "rbs.hello.incarnation", "rbs.hello.keepalive_ms", "rbs.hello.hold_ms",
    "rbs.hello.nonce", "rbs.hello.auth",
    "rbs.offer.backup_id", "rbs.offer.svc",
    "rbs.envelope.length", "rbs.seq", "rbs.msgtype",
    "rbs.resync.generation", "rbs.resync.count",
    "rbs.update.entry_count", "rbs.delete.key_count",
    "rbs.key.backup_id", "rbs.key.svc", "rbs.key.ifname",
    "rbs.key.group", "rbs.key.group_v6", "rbs.key.source", "rbs.key.source_v6",
    "rbs.key.group_raw",
    "rbs.entry.filter", "rbs.entry.version", "rbs.entry.timer_ms",
    "rbs.entry.origin_role", "rbs.entry.restored",
    "rbs.ack.seq",
    "rbs.digest.backup_id", "rbs.digest.count", "rbs.digest.sum",
    "rbs.resync_request.reason",
    "rbs.role.backup_id", "rbs.role.role", "rbs.role.able", "rbs.role.forwarding",
    "rbs.role.released", "rbs.role.synced", "rbs.role.priority", "rbs.role.ask",
    "rbs.probe.id", "rbs.probe_reply.id",
    "rbs.bye.reason", "rbs.bye.stopping",
    "rbs.trailer.key_id", "rbs.trailer.mac", "rbs.trailer.basis",
    "rbs.unknown.field", "rbs.unknown.wire_type", "rbs.bad_wire_type",
    "_ws.expert.message", "_ws.col.Info", "_ws.col.Protocol",
]

# fields a packet must NOT have unless its check names them (so that an
# extra entry, trailer, unknown field or expert message is caught)
STRICT = ["rbs.seq", "rbs.key.group", "rbs.key.group_v6", "rbs.key.source",
          "rbs.key.source_v6", "rbs.trailer.key_id", "rbs.unknown.field", "rbs.role.backup_id",
          "rbs.entry.restored", "rbs.role.synced", "rbs.role.priority", "rbs.hello.auth",
          "_ws.expert.message"]


class Scenario:
    def __init__(self):
        self.pcap = Pcap()
        self.checks = {}  # frame number -> {field: expected}

    def expect(self, n, **kw):
        """kw: field with '.' written '__'; a value is a list of strings
        (exact, in order), or a string "~regex" for the whole joined value."""
        d = self.checks.setdefault(n, {})
        for k, v in kw.items():
            d[k.replace("__", ".")] = v


def hexs(b):
    return b.hex()


def scenario_main():
    sc = Scenario()
    ck = sc.expect
    pc = sc.pcap

    # ---- A: IPv4, IGMP channel on port 2100, no authentication ----------
    a = TcpConn(pc, ("10.0.20.1", 40001), ("10.0.20.2", 2100))
    a.handshake()
    nonce_c, nonce_s = bytes(range(32)), bytes(range(32, 64))
    hc = hello_frame(version=2, router_id=ip4("10.0.20.1"), service="svc1",
                     incarnation=0x1122334455667788, keepalive_ms=1000, hold_ms=3000,
                     nonce=nonce_c)
    n = sc.hello_a = a.send(0, hc)
    ck(n, rbs__length=[str(len(hc) - 4)], rbs__type=["1"], rbs__version=["2"],
       rbs__hello__router_id=["10.0.20.1"], rbs__hello__service=["svc1"],
       rbs__hello__incarnation=["0x1122334455667788"], rbs__hello__keepalive_ms=["1000"],
       rbs__hello__hold_ms=["3000"], rbs__hello__nonce=[hexs(nonce_c)], rbs__hello__auth=[],
       rbs__seq=[], _ws__col__Info=["Hello v2 auth none service svc1"],
       _ws__col__Protocol=["RBS"])
    hs = hello_frame(version=2, router_id=ip4("10.0.20.2"), service="svc1",
                     incarnation=0x8877665544332211, keepalive_ms=500, hold_ms=1500,
                     nonce=nonce_s)
    n = a.send(1, hs)
    ck(n, rbs__type=["1"], rbs__hello__router_id=["10.0.20.2"],
       rbs__hello__incarnation=["0x8877665544332211"], rbs__hello__keepalive_ms=["500"],
       rbs__hello__hold_ms=["1500"], rbs__hello__nonce=[hexs(nonce_s)])

    # two frames in one segment: Auth (seq 1) and Offers (seq 2)
    f1, _ = env_frame(1, AUTH, b"")
    f2, _ = env_frame(2, OFFERS, pb_offers([(10, SVC_IGMP), (11, SVC_MLD)]))
    n = a.send(0, f1 + f2)
    ck(n, rbs__type=["16", "16"], rbs__seq=["1", "2"], rbs__msgtype=["11", "12"],
       rbs__length=[str(len(f1) - 4), str(len(f2) - 4)],
       rbs__offer__backup_id=["10", "11"], rbs__offer__svc=["1", "2"], rbs__trailer__key_id=[],
       rbs__trailer__basis=["absent, from this direction's Hello (auth none)"] * 2,
       _ws__col__Info=["Auth seq 1, Offers seq 2: 10 igmp, 11 mld"])
    n = a.send(1, env_frame(1, AUTH, b"")[0])
    ck(n, rbs__seq=["1"], rbs__msgtype=["11"], _ws__col__Info=["Auth seq 1"])
    n = a.send(1, env_frame(2, OFFERS, pb_offers([(10, SVC_IGMP), (11, SVC_MLD)]))[0])
    ck(n, rbs__seq=["2"], rbs__offer__backup_id=["10", "11"])
    n = a.send(0, env_frame(3, RESYNC_BEGIN, pb_resync_begin(5))[0])
    ck(n, rbs__seq=["3"], rbs__msgtype=["3"], rbs__resync__generation=["5"],
       _ws__col__Info=["ResyncBegin seq 3: generation 5"])

    # Update of two IPv4 entries
    e1 = pb_entry(pb_key(10, SVC_IGMP, "eth1", ip4("239.1.1.1"), ip4("192.0.2.10")),
                  FILTER_INCLUDE, 3, 260000, ROLE_MASTER)
    e2 = pb_entry(pb_key(10, SVC_IGMP, "eth2", ip4("239.2.2.2")),
                  FILTER_EXCLUDE, 2, 125000, ROLE_BACKUP, True)
    n = a.send(0, env_frame(4, UPDATE, pb_update([e1, e2]))[0])
    ck(n, rbs__seq=["4"], rbs__msgtype=["5"], rbs__update__entry_count=["2"],
       rbs__key__backup_id=["10", "10"], rbs__key__svc=["1", "1"],
       rbs__key__ifname=["eth1", "eth2"], rbs__key__group=["239.1.1.1", "239.2.2.2"],
       rbs__key__source=["192.0.2.10"], rbs__key__group_v6=[], rbs__key__source_v6=[],
       rbs__entry__filter=["1", "2"], rbs__entry__version=["3", "2"],
       rbs__entry__timer_ms=["260000", "125000"], rbs__entry__origin_role=["1", "2"],
       rbs__entry__restored=["1"], rbs__version=[],
       _ws__col__Info=["Update seq 4: 2 entries"])

    # Update of one IPv6 entry, split over two segments inside its length
    # field (the dissector asks for one more segment)
    e3 = pb_entry(pb_key(11, SVC_MLD, "eth3", ip6("ff0e::1234"), ip6("2001:db8::5")),
                  FILTER_INCLUDE, 2, 260000, ROLE_MASTER)
    f5, _ = env_frame(5, UPDATE, pb_update([e3]))
    n = a.send(0, f5[:3])
    ck(n, rbs__type=[], rbs__seq=[])
    n = a.send(0, f5[3:])
    ck(n, rbs__type=["16"], rbs__seq=["5"], rbs__length=[str(len(f5) - 4)],
       rbs__update__entry_count=["1"], rbs__key__backup_id=["11"], rbs__key__svc=["2"],
       rbs__key__ifname=["eth3"], rbs__key__group_v6=["ff0e::1234"],
       rbs__key__source_v6=["2001:db8::5"], rbs__key__group=[], rbs__key__source=[],
       rbs__entry__filter=["1"], rbs__entry__version=["2"], rbs__entry__timer_ms=["260000"],
       rbs__entry__origin_role=["1"], _ws__col__Info=["Update seq 5: 1 entry"])

    n = a.send(1, env_frame(3, ACK, pb_ack(5))[0])
    ck(n, rbs__seq=["3"], rbs__msgtype=["7"], rbs__ack__seq=["5"],
       _ws__col__Info=["Ack seq 3: up to seq 5"])

    # Delete, RoleReport, ResyncEnd over three segments: the first holds the
    # Delete's header and 4 bytes (the dissector asks for the exact rest),
    # the second the rest of the Delete, the whole RoleReport and 10 bytes
    # of the ResyncEnd (TCP calls the dissector twice: the reassembled
    # Delete, then the rest), the third the rest of the ResyncEnd
    fd, _ = env_frame(6, DELETE, pb_delete([pb_key(10, SVC_IGMP, "eth2", ip4("239.2.2.2"))]))
    fr, _ = env_frame(7, ROLE, pb_role_report(
        [pb_role_item(10, ROLE_MASTER, True, True, False, True, 200),
         pb_role_item(11, ROLE_BACKUP, True, False, True)], ask=True))
    fe, _ = env_frame(8, RESYNC_END, pb_resync_end(5, 3))
    stream = fd + fr + fe
    cut1, cut2 = 9, len(fd) + len(fr) + 10
    n = a.send(0, stream[:cut1])
    ck(n, rbs__type=[], rbs__seq=[])
    n = a.send(0, stream[cut1:cut2])
    ck(n, rbs__type=["16", "16"], rbs__seq=["6", "7"], rbs__msgtype=["6", "10"],
       rbs__delete__key_count=["1"], rbs__key__backup_id=["10"], rbs__key__ifname=["eth2"],
       rbs__key__group=["239.2.2.2"], rbs__key__source=[],
       rbs__role__backup_id=["10", "11"], rbs__role__role=["1", "2"],
       rbs__role__able=["1", "1"], rbs__role__forwarding=["1", "0"],
       rbs__role__released=["0", "1"], rbs__role__synced=["1"], rbs__role__priority=["200"],
       rbs__role__ask=["1"],
       _ws__col__Info=["Delete seq 6: 1 key, RoleReport seq 7: backup-id 10 master able "
                       "forwarding synced priority 200; backup-id 11 backup able released (ask)"])
    n = a.send(0, stream[cut2:])
    ck(n, rbs__type=["16"], rbs__seq=["8"], rbs__msgtype=["4"], rbs__resync__generation=["5"],
       rbs__resync__count=["3"], _ws__col__Info=["ResyncEnd seq 8: generation 5 count 3"])

    n = a.send(1, env_frame(4, DIGEST, pb_digest([
        pb_digest_item(10, 2, 0xDEADBEEFCAFEBABE), pb_digest_item(11, 1, 0x0123456789ABCDEF)]))[0])
    ck(n, rbs__seq=["4"], rbs__msgtype=["8"], rbs__digest__backup_id=["10", "11"],
       rbs__digest__count=["2", "1"], rbs__digest__sum=["0xdeadbeefcafebabe", "0x0123456789abcdef"],
       _ws__col__Info=["Digest seq 4: 2 items"])
    n = a.send(0, env_frame(9, PROBE, pb_probe(77))[0])
    ck(n, rbs__seq=["9"], rbs__msgtype=["13"], rbs__probe__id=["77"], rbs__probe_reply__id=[],
       _ws__col__Info=["Probe seq 9: id 77"])
    n = a.send(1, env_frame(5, PROBE_REPLY, pb_probe(77))[0])
    ck(n, rbs__seq=["5"], rbs__msgtype=["14"], rbs__probe_reply__id=["77"], rbs__probe__id=[],
       _ws__col__Info=["ProbeReply seq 5: id 77"])
    n = a.send(0, env_frame(10, KEEPALIVE, b"")[0])
    ck(n, rbs__seq=["10"], rbs__msgtype=["2"], _ws__col__Info=["Keepalive seq 10"])
    n = a.send(1, env_frame(6, RESYNC_REQUEST, pb_resync_request("digest mismatch"))[0])
    ck(n, rbs__seq=["6"], rbs__msgtype=["9"], rbs__resync_request__reason=["digest mismatch"],
       _ws__col__Info=['ResyncRequest seq 6: reason "digest mismatch"'])

    # unknown fields: RoleItem field 9 (varint), Envelope fields 20
    # (length-delimited) and 21 (fixed32), a huge seq (uint64)
    item = pb_role_item(10, ROLE_BACKUP) + f_varint(9, 5)
    env = (f_varint(1, 0xFFFFFFFFFFFFFFFE) + f_bytes(ROLE, pb_role_report([item])) +
           f_bytes(20, b"xyz") + f_fixed32(21, 7))
    n = a.send(1, frame(FRAME_ENVELOPE, env))
    ck(n, rbs__seq=["18446744073709551614"], rbs__msgtype=["10"], rbs__role__backup_id=["10"],
       rbs__role__role=["2"], rbs__unknown__field=["9", "20", "21"],
       rbs__unknown__wire_type=["0", "2", "5"], _ws__expert__message=[],
       _ws__col__Info=["RoleReport seq 18446744073709551614: backup-id 10 backup"])

    # addresses that do not fit the service type, an interface name that is
    # not printable (shown escaped, as mldsync logs it)
    bf = [pb_entry(pb_key(10, SVC_IGMP, "et\x01h\\", ip6("ff02::1")), FILTER_EXCLUDE, 2, 1, ROLE_MASTER),
          pb_entry(pb_key(11, SVC_MLD, "eth3", b""), FILTER_EXCLUDE, 2, 1, ROLE_MASTER),
          pb_entry(pb_key(12, None, "eth4", b"\xe0\x00\x01"), FILTER_EXCLUDE, 2, 1, ROLE_MASTER)]
    n = a.send(1, env_frame(8, UPDATE, pb_update(bf))[0])
    ck(n, rbs__seq=["8"], rbs__update__entry_count=["3"], rbs__key__svc=["1", "2"],
       rbs__key__ifname=["et\\x01h\\x5c", "eth3", "eth4"], rbs__key__group_v6=["ff02::1"],
       rbs__key__group_raw=["<MISSING>", "e00001"], rbs__key__group=[],
       _ws__expert__message=["group: 16-byte address, service type igmp",
                             "group: 0-byte address, service type mld", "group: 3-byte address"],
       _ws__col__Info=["Update seq 8: 3 entries"])

    # garbage frames: a length past the end, a truncated varint, a wrong
    # wire type, an unknown frame type, bytes that are no protobuf at all
    n = a.send(0, frame(FRAME_ENVELOPE, f_varint(1, 11) + bytes([0x2A, 0x05, 0x01, 0x02])))
    ck(n, rbs__type=["16"], rbs__seq=["11"],
       _ws__expert__message=["~^malformed: field 5: length 5 past the end \\(2 bytes left\\)"],
       _ws__col__Info=["~^Envelope seq 11 \\[malformed\\]$"])
    n = a.send(0, frame(FRAME_ENVELOPE, bytes([0x08, 0xFF, 0xFF])))
    ck(n, rbs__type=["16"], rbs__seq=[], _ws__expert__message=["~^malformed: field 1: truncated varint"],
       _ws__col__Info=["~^Envelope seq \\? \\[malformed\\]$"])
    n = a.send(0, frame(FRAME_ENVELOPE, f_bytes(1, b"\x01") + f_bytes(KEEPALIVE, b"")))
    ck(n, rbs__type=["16"], rbs__seq=[], rbs__msgtype=["2"], rbs__bad_wire_type=["1"],
       _ws__expert__message=["~^malformed: field 1 \\(seq\\) has wire type 2"],
       _ws__col__Info=["~^Keepalive seq \\? \\[malformed\\]$"])
    n = a.send(0, frame(7, b"hello"))
    ck(n, rbs__type=["7"], rbs__payload=[hexs(b"hello")], rbs__seq=[],
       _ws__expert__message=["unknown frame type 7"], _ws__col__Info=["Unknown frame type 7"])
    junk = bytes((i * 73 + 41) & 0xFF for i in range(48))
    n = a.send(0, frame(FRAME_ENVELOPE, junk))
    ck(n, rbs__type=["16"], _ws__expert__message="~malformed", rbs__seq=None,
       rbs__unknown__field=None)

    # Bye, and the connection closes
    n = a.send(0, env_frame(12, BYE, pb_bye("operator clear", True))[0])
    ck(n, rbs__seq=["12"], rbs__msgtype=["15"], rbs__bye__reason=["operator clear"],
       rbs__bye__stopping=["1"], _ws__col__Info=['Bye seq 12: reason "operator clear" stopping'])
    a.close()

    # ---- B: IPv6 transport, MLD channel on port 2101, authenticated ------
    b = TcpConn(pc, ("2001:db8:30::1", 40002), ("2001:db8:30::2", 2101), isn=(7000, 9000))
    b.handshake()
    hb_c = pb_hello(version=2, router_id=ip6("2001:db8:30::1"), service="svc6",
                    incarnation=0x0102030405060708, keepalive_ms=1000, hold_ms=3000,
                    nonce=bytes(range(100, 132)), auth=AUTH_HMAC_SHA256)
    hb_s = pb_hello(version=2, router_id=ip6("2001:db8:30::2"), service="svc6",
                    incarnation=0x0807060504030201, keepalive_ms=1000, hold_ms=3000,
                    nonce=bytes(range(200, 232)), auth=AUTH_HMAC_SHA256)
    n = b.send(0, frame(FRAME_HELLO, hb_c))
    ck(n, rbs__type=["1"], rbs__version=["2"], rbs__hello__router_id_v6=["2001:db8:30::1"],
       rbs__hello__router_id=[], rbs__hello__auth=["1"], rbs__hello__service=["svc6"],
       _ws__col__Info=["Hello v2 auth hmac-sha256 service svc6"])
    n = b.send(1, frame(FRAME_HELLO, hb_s))
    ck(n, rbs__hello__router_id_v6=["2001:db8:30::2"], rbs__hello__auth=["1"])
    t = transcript(hb_c, hb_s)
    key7, key8 = b"secret-7", b"secret-8"
    fa, mac = env_frame(1, AUTH, b"", (key7, b"I", t, 7))
    n = b.send(0, fa)
    ck(n, rbs__seq=["1"], rbs__msgtype=["11"], rbs__trailer__key_id=["7"],
       rbs__trailer__mac=[hexs(mac)], rbs__envelope__length=[str(len(fa) - 5 - 20)],
       rbs__trailer__basis=["present, from this direction's Hello (auth hmac-sha256)"],
       _ws__col__Info=["Auth seq 1 [key 7]"])
    fa, mac = env_frame(1, AUTH, b"", (key7, b"R", t, 7))
    n = b.send(1, fa)
    ck(n, rbs__seq=["1"], rbs__trailer__key_id=["7"], rbs__trailer__mac=[hexs(mac)])
    fo, mac = env_frame(2, OFFERS, pb_offers([(20, SVC_MLD)]), (key7, b"I", t, 7))
    n = b.send(0, fo)
    ck(n, rbs__seq=["2"], rbs__offer__backup_id=["20"], rbs__offer__svc=["2"],
       rbs__trailer__key_id=["7"], rbs__trailer__mac=[hexs(mac)])
    e6 = pb_entry(pb_key(20, SVC_MLD, "eth6", ip6("ff05::1:3")), FILTER_EXCLUDE, 2, 1000,
                  ROLE_MASTER, False)
    fu, mac = env_frame(3, UPDATE, pb_update([e6]), (key7, b"I", t, 7))
    # the sealed Update split inside its MAC
    n = b.send(0, fu[:-7])
    ck(n, rbs__type=[], rbs__trailer__key_id=[])
    n = b.send(0, fu[-7:])
    ck(n, rbs__seq=["3"], rbs__key__group_v6=["ff05::1:3"], rbs__key__source_v6=[],
       rbs__entry__restored=["0"], rbs__entry__filter=["2"], rbs__trailer__key_id=["7"],
       rbs__trailer__mac=[hexs(mac)], _ws__col__Info=["Update seq 3: 1 entry [key 7]"])
    # two sealed frames in one segment, the second with the next key
    fr, mac_r = env_frame(4, ROLE, pb_role_report([pb_role_item(20, ROLE_MASTER, True, True)]),
                          (key7, b"I", t, 7))
    fb, mac_b = env_frame(5, BYE, pb_bye("stopping daemon", True), (key8, b"I", t, 8))
    n = b.send(0, fr + fb)
    ck(n, rbs__seq=["4", "5"], rbs__msgtype=["10", "15"], rbs__role__backup_id=["20"],
       rbs__role__role=["1"], rbs__role__able=["1"], rbs__role__forwarding=["1"],
       rbs__bye__reason=["stopping daemon"], rbs__bye__stopping=["1"],
       rbs__trailer__key_id=["7", "8"], rbs__trailer__mac=[hexs(mac_r), hexs(mac_b)],
       _ws__col__Info=['RoleReport seq 4: backup-id 20 master able forwarding [key 7], '
                       'Bye seq 5: reason "stopping daemon" stopping [key 8]'])
    b.close()

    # ---- C: capture started mid-connection, sealed frames: guessed -------
    c = TcpConn(pc, ("10.0.40.1", 40003), ("10.0.40.2", 2100), isn=(123456, 654321))
    tc = bytes(32)
    fk, mac = env_frame(41, KEEPALIVE, b"", (b"k", b"I", tc, 3))
    n = c.send(0, fk)
    ck(n, rbs__seq=["41"], rbs__msgtype=["2"], rbs__trailer__key_id=["3"],
       rbs__trailer__mac=[hexs(mac)],
       rbs__trailer__basis=["present, guessed (no Hello seen): an Envelope and 20 bytes"],
       _ws__expert__message=["~^trailer present, guessed"])
    e7 = pb_entry(pb_key(10, SVC_IGMP, "eth1", ip4("239.3.3.3"), ip4("192.0.2.1")),
                  FILTER_INCLUDE, 3, 5000, ROLE_BACKUP)
    fu, mac = env_frame(42, UPDATE, pb_update([e7]), (b"k", b"I", tc, 3))
    n = c.send(0, fu)
    ck(n, rbs__seq=["42"], rbs__key__group=["239.3.3.3"], rbs__key__source=["192.0.2.1"],
       rbs__trailer__key_id=["3"], rbs__trailer__mac=[hexs(mac)],
       _ws__expert__message=["~^trailer present, guessed"])

    # ---- D: capture started mid-connection, no trailer: guessed ----------
    d = TcpConn(pc, ("10.0.40.1", 40004), ("10.0.40.2", 2100), isn=(5, 6))
    n = d.send(1, env_frame(9, ACK, pb_ack(8))[0])
    ck(n, rbs__seq=["9"], rbs__ack__seq=["8"], rbs__trailer__key_id=[],
       rbs__trailer__basis=["absent, guessed (no Hello seen): the payload is one Envelope"],
       _ws__expert__message=["~^trailer absent, guessed"])
    n = d.send(1, env_frame(10, ROLE, pb_role_report([pb_role_item(10, ROLE_MASTER)]))[0])
    ck(n, rbs__seq=["10"], rbs__role__backup_id=["10"], rbs__trailer__key_id=[],
       _ws__expert__message=["~^trailer absent, guessed"])

    # ---- E: framing errors: oversize one way, zero-length the other ------
    e = TcpConn(pc, ("10.0.50.1", 40005), ("10.0.50.2", 2100))
    e.handshake()
    n = e.send(0, hello_frame(version=2, service="svc1", incarnation=1, nonce=bytes(32)))
    ck(n, rbs__type=["1"], rbs__hello__service=["svc1"], rbs__hello__router_id=[])
    n = e.send(0, struct.pack(">IB", 0x00100000, 16) + b"\x08\x01")
    ck(n, rbs__length=["1048576"], rbs__type=[],
       _ws__expert__message=["~^framing error: length 1048576 \\(oversize"],
       _ws__col__Info=["Framing error: length 1048576"])
    n = e.send(0, env_frame(2, KEEPALIVE, b"")[0])
    ck(n, rbs__type=[], rbs__seq=[], _ws__expert__message=["~^stream lost"],
       _ws__col__Info=["Data after a framing error"])
    n = e.send(1, struct.pack(">IB", 0, 16))
    ck(n, rbs__length=["0"], rbs__type=[],
       _ws__expert__message=["~^framing error: length 0 \\(zero-length"])

    # ---- F: a connection on a port not configured (heuristic) -----------
    g = TcpConn(pc, ("10.0.60.1", 40006), ("10.0.60.2", 39123))
    g.handshake()
    hello_f = hello_frame(version=2, router_id=ip4("10.0.60.1"), service="svcx",
                          incarnation=99, nonce=bytes(32))
    nf1 = g.send(0, hello_f)
    ck(nf1, rbs__type=["1"], rbs__hello__service=["svcx"], rbs__hello__incarnation=["0x0000000000000063"])
    nf2 = g.send(0, env_frame(1, AUTH, b"")[0])
    ck(nf2, rbs__type=["16"], rbs__seq=["1"])
    # a version 1 Hello (offers in the Hello)
    n = g.send(1, hello_frame(version=1, service="svcx", offers=[(10, SVC_IGMP)], incarnation=7,
                              nonce=bytes(32)))
    ck(n, rbs__type=["1"], rbs__version=["1"], rbs__offer__backup_id=["10"], rbs__offer__svc=["1"],
       _ws__col__Info=["Hello v1 auth none service svcx"])
    g.close()

    # ---- G: fuzz: damaged copies of valid messages, framing kept intact;
    #      the client sends in the clear, the server seals --------------
    z = TcpConn(pc, ("10.0.70.1", 40007), ("10.0.70.2", 2100))
    z.handshake()
    z.send(0, hello_frame(version=2, service="fz", incarnation=1, nonce=bytes(32)))
    z.send(1, hello_frame(version=2, service="fz", incarnation=2, nonce=bytes(32),
                          auth=AUTH_HMAC_SHA256))
    rng = random.Random(20240601)
    bases = [m for _, m in reference_messages()]
    sc.fuzz = []
    for i in range(400):
        m = bytearray(rng.choice(bases))
        op = rng.randrange(4)
        p = rng.randrange(len(m) + 1)
        if op == 0 and m:
            m[min(p, len(m) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            del m[p:]
        elif op == 2:
            m[p:p] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6)))
        else:
            m[p:p + rng.randrange(1, 8)] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        side = i % 2
        if side and rng.randrange(2):
            m += bytes(rng.randrange(256) for _ in range(20))
        sc.fuzz.append(z.send(side, frame(FRAME_HELLO if i % 16 == 0 else FRAME_ENVELOPE, bytes(m))))
    return sc, (nf1, nf2)


# ---------------------------------------------------------------------------
# running tshark


def run_tshark(pcap_path, lua, extra=(), fields=FIELDS):
    cmd = [TSHARK, "-n", "-r", pcap_path, "-X", "lua_script:" + lua,
           "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E", "header=n",
           "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|",
           "-e", "frame.number"]
    cmd += list(extra)
    for fl in fields:
        cmd += ["-e", fl]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    rows = {}
    for line in p.stdout.splitlines():
        cols = line.split("\t")
        if not cols or not cols[0].isdigit():
            continue
        vals = cols[1:] + [""] * (len(fields) - len(cols) + 1)
        rows[int(cols[0])] = {fl: vals[i] for i, fl in enumerate(fields)}
    return rows, p.returncode, p.stderr


def matches(got, exp):
    """got: tshark's value ('|' between occurrences); exp: a list of exact
    values, or "~regex" (on the joined value), or ["~regex"] (one value)."""
    if isinstance(exp, str) and exp.startswith("~"):
        return re.search(exp[1:], got) is not None
    gl = got.split("|") if got != "" else []
    if len(exp) == 1 and exp[0].startswith("~"):
        return len(gl) == 1 and re.search(exp[0][1:], got) is not None
    return gl == exp


def wrong_values(got, exp):
    """Values that the assertion must refuse: the field absent, and for
    exact lists also an extra occurrence and a changed value."""
    if isinstance(exp, str):
        return [""]
    return [g for g in ("", got + "|bogus", "bogus" + got) if g != got]


def compare(rows, checks, verbose, failures, label):
    """Returns (passed, vacuous): vacuous lists the assertions that would
    also have passed with a wrong value."""
    npass, vacuous = 0, []
    for n in sorted(checks):
        row = rows.get(n)
        exp_all = dict(checks[n])
        for s in STRICT:
            exp_all.setdefault(s, [])
        for fl, exp in exp_all.items():
            if exp is None:
                continue
            got = row.get(fl, "") if row else None
            if got is None:
                failures.append("%s: frame %d missing from tshark's output" % (label, n))
                break
            if matches(got, exp):
                npass += 1
                if verbose:
                    print("  ok   %s frame %d %s = %r" % (label, n, fl, got))
                for w in wrong_values(got, exp):
                    if matches(w, exp):
                        vacuous.append("%s: frame %d %s also passes with %r" % (label, n, fl, w))
            else:
                want = exp if isinstance(exp, str) else "|".join(exp)
                failures.append("%s: frame %d %s: got %r, want %r" % (label, n, fl, got, want))
    return npass, vacuous


def check_all(lua, workdir, verbose=False):
    """Runs every check with dissector lua; returns (passed, failures)."""
    failures = []
    sc, (nf1, nf2) = scenario_main()
    path = os.path.join(workdir, "rbs.pcap")
    with open(path, "wb") as fh:
        fh.write(sc.pcap.bytes())
    npass = 0

    # 1. every field, default preferences
    rows, rc, err = run_tshark(path, lua)
    err = "\n".join(ln for ln in err.splitlines() if "Running as user" not in ln)
    if rc != 0 or err.strip():
        failures.append("tshark exit %d, stderr: %s" % (rc, err.strip()[:500]))
    n, vacuous = compare(rows, sc.checks, verbose, failures, "default")
    npass += n
    # every assertion above must refuse a wrong or missing value
    failures += ["vacuous assertion: " + v for v in vacuous]
    # two-pass (tshark -2, like the GUI's re-dissection): the same result
    rows2, rc, _ = run_tshark(path, lua, ["-2"])
    diff = [n for n in rows if rows2.get(n) != rows[n]]
    if rc != 0 or diff or len(rows2) != len(rows):
        failures.append("tshark -2 differs from one pass in frames %r" % diff[:10])
    else:
        npass += 1

    # the fuzzed frames: each one dissected (no Lua error stops it), and
    # the damage seen as malformed in some
    undecoded = [n for n in sc.fuzz if rows.get(n, {}).get("rbs.type", "") not in ("1", "16")]
    nmal = sum(1 for n in sc.fuzz if "malformed" in rows.get(n, {}).get("_ws.expert.message", ""))
    lua_err = [n for n in sc.fuzz if "Lua Error" in rows.get(n, {}).get("_ws.expert.message", "")]
    if undecoded or lua_err or nmal < len(sc.fuzz) // 10:
        failures.append("fuzz: %d frames not dissected, %d Lua errors, %d of %d malformed"
                        % (len(undecoded), len(lua_err), nmal, len(sc.fuzz)))
    else:
        npass += 1
        if verbose:
            print("  ok   fuzz: %d frames dissected, %d malformed" % (len(sc.fuzz), nmal))
    if len(rows) != len(sc.pcap.packets):
        failures.append("tshark printed %d packets, the capture has %d" % (len(rows), len(sc.pcap.packets)))

    # 2. no Lua error anywhere, in the full tree
    p = subprocess.run([TSHARK, "-n", "-r", path, "-X", "lua_script:" + lua, "-V"],
                       capture_output=True, text=True, errors="replace")
    bad = [ln for ln in (p.stdout + p.stderr).splitlines() if "Lua Error" in ln or "lua:" in ln.lower()]
    if p.returncode != 0 or bad:
        failures.append("tshark -V: exit %d, %s" % (p.returncode, "; ".join(bad[:3])))
    else:
        npass += 1
    for text in ("unknown field 20 wire type 2", "unknown field 9 wire type 0",
                 "unknown field 21 wire type 5"):
        if text in p.stdout:
            npass += 1
        else:
            failures.append("tshark -V: no %r" % text)

    # 3. the heuristic off: port 39123 is not RBS any more; Decode As and
    #    the port preference bring it back (and the preference drops 2100)
    few = ["rbs.type", "rbs.seq"]
    heur_off = ["-o", "rbs.heuristic:FALSE"]
    for label, extra, want_f, want_a in (
            ("heuristic off", heur_off, [], ["1"]),
            ("heuristic disabled", ["--disable-heuristic", "rbs_tcp"], [], ["1"]),
            ("decode as", heur_off + ["-d", "tcp.port==39123,rbs"], ["1"], ["1"]),
            ("tcp_ports pref", heur_off + ["-o", "rbs.tcp_ports:39123"], ["1"], []),
            ("heuristic on", [], ["1"], ["1"])):
        rows, rc, err = run_tshark(path, lua, extra, few)
        if rc != 0:
            failures.append("%s: tshark exit %d: %s" % (label, rc, err.strip()[:300]))
            continue
        got_f = rows.get(nf2, {}).get("rbs.seq", "")
        got_a = rows.get(sc.hello_a, {}).get("rbs.type", "")  # conversation A's first Hello
        got_f = got_f.split("|") if got_f else []
        got_a = got_a.split("|") if got_a else []
        for what, got, want in (("port 39123 Auth seq", got_f, want_f),
                                ("port 2100 Hello type", got_a, want_a)):
            if got == want:
                npass += 1
                if verbose:
                    print("  ok   %s: %s = %r" % (label, what, got))
            else:
                failures.append("%s: %s: got %r, want %r" % (label, what, got, want))

    # 4. the trailer preference overrides the Hellos
    rows, rc, err = run_tshark(path, lua, ["-o", "rbs.trailer:never"], ["rbs.trailer.key_id", "rbs.trailer.basis"])
    fr = [n for n, c in sc.checks.items() if c.get("rbs.trailer.key_id") not in (None, [])]
    got = [rows.get(n, {}).get("rbs.trailer.key_id", "") for n in fr]
    if fr and all(g == "" for g in got):
        npass += 1
    else:
        failures.append("trailer:never: trailers still decoded in %r" % got)
    if verbose is not None:  # None: quiet (mutation runs)
        print("capture: %d packets, 7 TCP connections, %d packets with field checks, "
              "%d fuzzed frames" % (len(sc.pcap.packets), len(sc.checks), len(sc.fuzz)))
    return npass, failures


# ---------------------------------------------------------------------------
# mutations: each must make check_all fail

MUTATIONS = [
    ("varint continuation bit ignored", "if b < 0x80 then return lo, hi, i + 1 end",
     "if b < 0x100 then return lo, hi, i + 1 end"),
    ("Key group and source swapped",
     '[4] = { name = "group", kind = "addr", pf = f.key_group,',
     '[4] = { name = "group", kind = "addr", pf = f.key_source,'),
    ("trailer ignored from the Hello", "return me.auth ~= 0, (me.auth", "return false, (me.auth"),
    ("no reassembly", "pinfo.desegment_len = 4 + flen - rem", "pinfo.desegment_len = 0"),
    ("only the first frame of a segment", "off = off + 4 + flen", "off = total"),
    ("RoleItem released/synced swapped", '[5] = { name = "released", kind = "bool", pf = f.role_released }',
     '[5] = { name = "released", kind = "bool", pf = f.role_synced }'),
    ("fixed64 read big endian", "v = tvb(fl.voff, 8):le_uint64()", "v = tvb(fl.voff, 8):uint64()"),
    ("high half of varints dropped", "v = UInt64.new(fl.lo, fl.hi)", "v = UInt64.new(fl.lo, 0)"),
    ("length past the end not checked", "if hi ~= 0 or lo > stop - pos then", "if hi ~= 0 then"),
    ("trailer guess off", "if plen >= TRAILER_LEN and envelope_strict", "if false and envelope_strict"),
    ("Info of a second call overwrites the first", 'pinfo.cols.info:append(", " .. text)',
     "pinfo.cols.info:set(text)"),
    ("unknown fields hidden", 'it:set_text(string.format("unknown field %d wire type %d", fl.num, fl.wt))',
     'it:set_text("field")'),
    ("Bye stopping not shown", 'if b.stopping then t[#t + 1] = "stopping" end', ""),
    ("heuristic ignores its preference", "if not rbs.prefs.heuristic then return false end", ""),
    ("ports preference not applied", "if ports == registered_ports then return end", "do return end"),
    ("state kept on the first pass only", "	if me.auth == nil then", "	if me.auth == nil and not pinfo.visited then"),
]


def run_mutations(verbose):
    src = open(LUA).read()
    missed = []
    with tempfile.TemporaryDirectory(prefix="rbs-mut-") as tmp:
        for name, old, new in MUTATIONS:
            if src.count(old) != 1:
                print("mutation %-45s: pattern not found once in rbs.lua" % name)
                missed.append(name)
                continue
            path = os.path.join(tmp, "rbs.lua")
            with open(path, "w") as fh:
                fh.write(src.replace(old, new))
            _, failures = check_all(path, tmp, None)
            print("mutation %-45s: %s" % (name, "caught, %d failed checks" % len(failures)
                                           if failures else "NOT CAUGHT"))
            if verbose and failures:
                for fl in failures[:3]:
                    print("      " + fl)
            if not failures:
                missed.append(name)
    return missed


# ---------------------------------------------------------------------------
# reference messages for the comparison with protobuf-c


def reference_messages():
    k4 = pb_key(10, SVC_IGMP, "eth1", ip4("239.1.1.1"), ip4("192.0.2.10"))
    k6 = pb_key(11, SVC_MLD, "eth3", ip6("ff0e::1234"), ip6("2001:db8::5"))
    return [
        ("hello", pb_hello(version=2, router_id=ip4("10.0.20.1"), service="svc1",
                           incarnation=0x8877665544332211, keepalive_ms=1000, hold_ms=3000,
                           nonce=bytes(range(32)), auth=AUTH_HMAC_SHA256)),
        ("env_auth", pb_envelope(1, AUTH, b"")),
        ("env_offers", pb_envelope(2, OFFERS, pb_offers([(10, SVC_IGMP), (11, SVC_MLD)]))),
        ("env_update", pb_envelope(300, UPDATE, pb_update([
            pb_entry(k4, FILTER_INCLUDE, 3, 260000, ROLE_MASTER),
            pb_entry(k6, FILTER_EXCLUDE, 2, 125000, ROLE_BACKUP, True)]))),
        ("env_delete", pb_envelope(6, DELETE, pb_delete([k4]))),
        ("env_role", pb_envelope(7, ROLE, pb_role_report(
            [pb_role_item(10, ROLE_MASTER, True, True, False, True, 200),
             pb_role_item(11, ROLE_BACKUP, True, False, True)], ask=True))),
        ("env_resync_end", pb_envelope(8, RESYNC_END, pb_resync_end(5, 3))),
        ("env_digest", pb_envelope(0xFFFFFFFFFFFFFFFE, DIGEST, pb_digest(
            [pb_digest_item(10, 2, 0xDEADBEEFCAFEBABE)]))),
        ("env_bye", pb_envelope(12, BYE, pb_bye("operator clear", True))),
        ("env_probe", pb_envelope(9, PROBE, pb_probe(77))),
        ("env_ack", pb_envelope(3, ACK, pb_ack(5))),
        ("env_keepalive", pb_envelope(10, KEEPALIVE, b"")),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--lua", default=LUA, help="dissector to test (default: %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="write the capture into DIR and keep it")
    ap.add_argument("--mutations", action="store_true", help="check that broken dissectors fail")
    ap.add_argument("--dump-pb", action="store_true", help="print the reference messages' bytes")
    args = ap.parse_args()

    if args.dump_pb:
        for name, b in reference_messages():
            print(name, b.hex())
        return 0
    if not os.path.exists(TSHARK):
        print("tshark not found (apt-get install tshark)", file=sys.stderr)
        return 2
    ver = subprocess.run([TSHARK, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    if args.mutations:
        missed = run_mutations(args.verbose)
        print("%d mutations, %d not caught" % (len(MUTATIONS), len(missed)))
        return 1 if missed else 0
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        npass, failures = check_all(args.lua, args.keep, args.verbose)
    else:
        with tempfile.TemporaryDirectory(prefix="rbs-test-") as tmp:
            npass, failures = check_all(args.lua, tmp, args.verbose)
    for fl in failures:
        print("FAIL " + fl)
    print("%s: %d checks passed, %d failed (%s)" % (os.path.basename(args.lua), npass,
                                                   len(failures), ver))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
