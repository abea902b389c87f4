#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
A hand-written RBS peer (doc/protocol.md, protocol version 2), standard
library only: the protobuf wire format of mldsync/msync.proto encoded and
decoded by hand (varint, fixed64, length-delimited), the framing (4-byte
length, type byte), the handshake (Hello, transcript hash, Auth, Offers)
with HMAC-SHA-256 frame authentication, and the data messages.  It plays
a twin (with the right key it reaches ESTABLISHED on a real daemon) or a
hostile stranger (random bytes, huge lengths, slow writers, floods of
connections, wrong keys, replays, entries outside the install policy).

Two uses:

* run inside a network namespace as a JSON-lines server,
  `rbs_peer.py serve`: one request per line on stdin
  `{"fn": NAME, "args": {...}}`, one answer per line on stdout
  `{"ok": true, "result": ...}` or `{"ok": false, "error": "..."}`;
  persistent sessions (`open`) keep themselves alive (keepalives, acks,
  probe replies) in a thread between requests;
* from a test: `PeerProcess(node)` starts that server in a topotest node
  and `call(fn, **args)` runs one request (see FUNCTIONS below).

Nothing here imports FRR's library: the server runs in the namespace with
Debian's python3 and this file alone.
"""

import hashlib
import hmac
import json
import os
import random
import resource
import select
import socket
import struct
import subprocess
import sys
import threading
import time

# --------------------------------------------------------------------------
# protobuf wire format (proto2, as protoc-c writes it)

WT_VARINT, WT_FIXED64, WT_LEN, WT_FIXED32 = 0, 1, 2, 5


def enc_varint(v):
    if v < 0:
        v &= (1 << 64) - 1  # negative int32/int64: ten bytes, as protobuf does
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _tag(fn, wt):
    return enc_varint((fn << 3) | wt)


def f_varint(fn, v):
    "A varint field (uint32, uint64, enum, bool)."
    return _tag(fn, WT_VARINT) + enc_varint(int(v))


def f_fixed64(fn, v):
    return _tag(fn, WT_FIXED64) + struct.pack("<Q", v & ((1 << 64) - 1))


def f_bytes(fn, b):
    "A length-delimited field: bytes, string or an embedded message."
    if isinstance(b, str):
        b = b.encode()
    return _tag(fn, WT_LEN) + enc_varint(len(b)) + b


def dec_varint(buf, pos):
    v = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, pos
        shift += 7
        if shift >= 70:
            raise ValueError("varint too long")


def pb_decode(buf):
    """Decode one message into {field number: [values]} (varints as int,
    fixed64/32 as int, length-delimited as bytes).  ValueError if malformed."""
    out = {}
    pos = 0
    buf = bytes(buf)
    while pos < len(buf):
        key, pos = dec_varint(buf, pos)
        fn, wt = key >> 3, key & 7
        if fn == 0:
            raise ValueError("field number 0")
        if wt == WT_VARINT:
            v, pos = dec_varint(buf, pos)
        elif wt == WT_FIXED64:
            if pos + 8 > len(buf):
                raise ValueError("truncated fixed64")
            v = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wt == WT_FIXED32:
            if pos + 4 > len(buf):
                raise ValueError("truncated fixed32")
            v = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        elif wt == WT_LEN:
            n, pos = dec_varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("truncated length-delimited field")
            v = buf[pos:pos + n]
            pos += n
        else:
            raise ValueError("wire type {}".format(wt))
        out.setdefault(fn, []).append(v)
    return out


def _one(d, fn, default=None):
    v = d.get(fn)
    return v[-1] if v else default  # proto2: the last one wins


# --------------------------------------------------------------------------
# msync.proto

FRAME_HELLO = 1
FRAME_ENVELOPE = 16
FRAME_MAX = 65536  # length field limit (type byte + payload)

AUTH_NONE, AUTH_HMAC_SHA256 = 0, 1
SVC_IGMP, SVC_MLD = 1, 2
FILTER_INCLUDE, FILTER_EXCLUDE = 1, 2
ROLE_UNKNOWN, ROLE_MASTER, ROLE_BACKUP = 0, 1, 2

# Envelope body field numbers (version 1's frame types)
BODY = {
    "keepalive": 2, "resync_begin": 3, "resync_end": 4, "update": 5, "delete": 6,
    "ack": 7, "digest": 8, "resync_request": 9, "role": 10, "auth": 11,
    "offers": 12, "probe": 13, "probe_reply": 14,
}
BODY_NAME = {v: k for k, v in BODY.items()}
DATA_BODIES = ("resync_begin", "resync_end", "update", "delete")

HELLO_LABEL = b"mldsync-v2 hello"
FRAME_LABEL = b"mldsync-v2 frame"
NONCE_LEN = 32
MAC_LEN = 16
TRAILER_LEN = 4 + MAC_LEN


def msg_hello(service, incarnation, nonce, router_id=b"", auth=AUTH_NONE, version=2,
              keepalive_ms=1000, hold_ms=3000, offers=()):
    out = f_varint(1, version)
    if router_id:
        out += f_bytes(2, router_id)
    if service is not None:
        out += f_bytes(3, service)
    for bid, svc in offers:  # version 1 only: a version 2 Hello carries none
        out += f_bytes(4, f_varint(1, bid) + f_varint(2, svc))
    if incarnation is not None:
        out += f_fixed64(5, incarnation)
    out += f_varint(6, keepalive_ms) + f_varint(7, hold_ms)
    if nonce is not None:
        out += f_bytes(8, nonce)
    if auth is not None:
        out += f_varint(9, auth)
    return out


def parse_hello(payload):
    d = pb_decode(payload)
    return {
        "version": _one(d, 1),
        "router_id": _one(d, 2, b""),
        "service": _one(d, 3, b"").decode(errors="replace"),
        "offers": len(d.get(4, [])),
        "incarnation": _one(d, 5),
        "keepalive_ms": _one(d, 6),
        "hold_ms": _one(d, 7),
        "nonce": _one(d, 8),
        "auth": _one(d, 9, AUTH_NONE),
    }


def msg_offers(offers):
    return b"".join(f_bytes(1, f_varint(1, bid) + f_varint(2, svc)) for bid, svc in offers)


def parse_offers(payload):
    out = []
    for o in pb_decode(payload).get(1, []):
        od = pb_decode(o)
        out.append((_one(od, 1), _one(od, 2)))
    return out


def msg_key(backup_id, svc, ifname, group, source=None):
    """A Key; group/source as bytes (4 or 16) or address strings."""
    out = f_varint(1, backup_id) + f_varint(2, svc) + f_bytes(3, ifname)
    out += f_bytes(4, _addr(group))
    if source is not None:
        out += f_bytes(5, _addr(source))
    return out


def msg_entry(key, filt=FILTER_EXCLUDE, version=None, timer_ms=10000, role=ROLE_MASTER,
              restored=None):
    out = f_bytes(1, key) + f_varint(2, filt)
    if version is not None:
        out += f_varint(3, version)
    if timer_ms is not None:
        out += f_varint(4, timer_ms)
    if role is not None:
        out += f_varint(5, role)
    if restored is not None:
        out += f_varint(6, 1 if restored else 0)
    return out


def msg_update(entries):
    return b"".join(f_bytes(2, e) for e in entries)


def msg_delete(keys):
    return b"".join(f_bytes(2, k) for k in keys)


def _addr(a):
    if isinstance(a, (bytes, bytearray)):
        return bytes(a)
    fam = socket.AF_INET6 if ":" in a else socket.AF_INET
    return socket.inet_pton(fam, a)


def envelope(seq, body, body_bytes=b""):
    "Envelope{seq, body}: body is a name of BODY or a field number."
    fn = BODY[body] if isinstance(body, str) else int(body)
    out = b""
    if seq is not None:
        out += f_varint(1, seq)
    return out + f_bytes(fn, body_bytes)


def frame(ftype, payload, length=None):
    "A frame: length (type byte + payload, unless given), type, payload."
    n = len(payload) + 1 if length is None else length
    return struct.pack(">IB", n, ftype) + payload


def transcript(h_i, h_r):
    "T = SHA-256(label || len(H_I) || H_I || len(H_R) || H_R) (4.2)."
    h = hashlib.sha256()
    h.update(HELLO_LABEL)
    h.update(struct.pack(">I", len(h_i)))
    h.update(h_i)
    h.update(struct.pack(">I", len(h_r)))
    h.update(h_r)
    return h.digest()


def frame_mac(key, direction, tr, key_id, env):
    "First 16 bytes of HMAC-SHA-256(K, label || dir || T || key_id || E)."
    if isinstance(key, str):
        key = key.encode()
    m = hmac.new(key, digestmod=hashlib.sha256)
    m.update(FRAME_LABEL)
    m.update(direction)
    m.update(tr)
    m.update(struct.pack(">I", key_id))
    m.update(env)
    return m.digest()[:MAC_LEN]


def seal(env, key, key_id, direction, tr):
    "The authenticated Envelope frame payload: E || key id || MAC."
    return env + struct.pack(">I", key_id) + frame_mac(key, direction, tr, key_id, env)


# --------------------------------------------------------------------------
# a connection to a daemon


class Closed(Exception):
    "The daemon closed the connection."


class RbsConn:
    """One TCP connection to a daemon's channel port, as the initiator.

    key: the key string (str/bytes) of key key_id, or None for a service
    without authentication; auth: the Hello's auth mode (default: from
    key).  sign_key: the key actually used for MACs (a wrong key).
    """

    def __init__(self, host, port, source=None, service="svc1", key=None, key_id=1,
                 auth=None, sign_key=None, timeout=5.0, rcvbuf=None):
        self.host, self.port, self.source = host, port, source
        self.service = service
        self.key = key
        self.key_id = key_id
        self.auth = (AUTH_HMAC_SHA256 if key is not None else AUTH_NONE) if auth is None else auth
        self.sign_key = key if sign_key is None else sign_key
        self.timeout = timeout
        self.sock = None
        self.rbuf = b""
        self.tx_seq = 0
        self.rx_seq = 0
        self.rx_acked = 0
        self.incarnation = random.getrandbits(64) or 1
        self.nonce = os.urandom(NONCE_LEN)
        self.hello_tx = None
        self.peer_hello = None
        self.peer_hello_raw = None
        self.tr = None
        self.peer_offers = None
        self.peer_authed = False
        self.closed = False
        self.close_reason = None
        self.rx_bodies = []  # (seq, body name) received
        self.peer_end = False
        self.our_end_seq = None
        self.our_end_acked = False
        self.peer_entries = 0
        self.sent = []  # (seq, frame bytes) as sent, for replays
        self.lock = threading.RLock()
        self.thread = None
        self.stop = False
        self.rcvbuf = rcvbuf
        self.stalled = False  # keepalives only, nothing read any more

    # --- socket ---
    def connect(self):
        fam = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        if self.source:
            s.bind((self.source, 0))
        s.settimeout(self.timeout)
        s.connect((self.host, self.port))
        self.sock = s
        return self

    def send_raw(self, data):
        with self.lock:
            self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("no frame in time")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError as e:
            self.closed, self.close_reason = True, "reset"
            raise Closed("reset") from e
        if not chunk:
            self.closed, self.close_reason = True, "eof"
            raise Closed("eof")
        self.rbuf += chunk

    def recv_frame(self, timeout=None):
        "(type, payload) of the next frame; Closed, socket.timeout."
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while len(self.rbuf) < 5:
            self._fill(deadline)
        n = struct.unpack_from(">I", self.rbuf)[0]
        if n == 0 or n > FRAME_MAX:
            raise ValueError("daemon sent a frame of length {}".format(n))
        while len(self.rbuf) < 4 + n:
            self._fill(deadline)
        ftype, payload = self.rbuf[4], self.rbuf[5:4 + n]
        self.rbuf = self.rbuf[4 + n:]
        return ftype, payload

    def wait_closed(self, timeout):
        "Read and discard until the daemon closes; True if it did in time."
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._fill(deadline)
                self.rbuf = b""
        except Closed:
            return True
        except (socket.timeout, BlockingIOError):
            return False

    def close(self):
        self.stop = True
        if self.thread and self.thread is not threading.current_thread():
            self.thread.join(5)
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass

    # --- frames ---
    def our_router_id(self):
        return _addr(self.sock.getsockname()[0])

    def send_hello(self, **over):
        args = dict(service=self.service, incarnation=self.incarnation, nonce=self.nonce,
                    router_id=self.our_router_id(), auth=self.auth)
        args.update(over)
        self.hello_tx = msg_hello(**args)
        self.send_raw(frame(FRAME_HELLO, self.hello_tx))

    def recv_hello(self, timeout=None):
        ftype, payload = self.recv_frame(timeout)
        if ftype != FRAME_HELLO:
            raise ValueError("first frame of type {}".format(ftype))
        self.peer_hello_raw = payload
        self.peer_hello = parse_hello(payload)
        # we connected: we are the initiator
        self.tr = transcript(self.hello_tx, payload) if self.hello_tx is not None else None
        return self.peer_hello

    def make_env_frame(self, body, body_bytes=b"", seq=None, key=None, key_id=None, tr=None):
        """The bytes of an Envelope frame with our next seq (or seq), sealed
        when authenticating (with key / key_id / transcript if given)."""
        env = envelope(self.tx_seq + 1 if seq is None else seq, body, body_bytes)
        if self.auth == AUTH_HMAC_SHA256 and self.sign_key is not None:
            env = seal(env, self.sign_key if key is None else key,
                       self.key_id if key_id is None else key_id, b"I",
                       self.tr if tr is None else tr)
        return frame(FRAME_ENVELOPE, env)

    def send_env(self, body, body_bytes=b""):
        with self.lock:
            fr = self.make_env_frame(body, body_bytes)
            self.tx_seq += 1
            self.sent.append((self.tx_seq, body, fr))
            if body == "resync_end":
                self.our_end_seq = self.tx_seq
            self.sock.sendall(fr)
            return self.tx_seq

    def open_envelope(self, payload):
        "(seq, body name, body bytes) of a daemon's Envelope, MAC checked."
        if self.auth == AUTH_HMAC_SHA256 and self.key is not None:
            if len(payload) < TRAILER_LEN:
                raise ValueError("envelope too short for a MAC")
            env, tail = payload[:-TRAILER_LEN], payload[-TRAILER_LEN:]
            kid = struct.unpack(">I", tail[:4])[0]
            want = frame_mac(self.key, b"R", self.tr, kid, env)
            if not hmac.compare_digest(want, tail[4:]):
                raise ValueError("the daemon's MAC does not verify (key id {})".format(kid))
        else:
            env = payload
        d = pb_decode(env)
        seq = _one(d, 1)
        body = [(fn, v[-1]) for fn, v in d.items() if fn != 1]
        if len(body) != 1:
            raise ValueError("envelope with {} bodies".format(len(body)))
        fn, b = body[0]
        return seq, BODY_NAME.get(fn, str(fn)), b

    def handle_env(self, seq, body, b):
        "What a twin does with the daemon's frames (acks, probe replies)."
        if seq != self.rx_seq + 1:
            raise ValueError("daemon sent seq {} after {}".format(seq, self.rx_seq))
        self.rx_seq = seq
        self.rx_bodies.append((seq, body))
        if body == "offers":
            self.peer_offers = parse_offers(b)
        elif body == "auth":
            self.peer_authed = True
        elif body == "resync_end":
            self.peer_end = True
        elif body == "update":
            self.peer_entries += len(pb_decode(b).get(2, []))
        elif body == "ack":
            if self.our_end_seq and _one(pb_decode(b), 1, 0) >= self.our_end_seq:
                self.our_end_acked = True
        elif body == "probe":
            self.send_env("probe_reply", f_varint(1, _one(pb_decode(b), 1, 0)))

    def ack_if_due(self):
        if self.rx_seq > self.rx_acked and any(
                body in DATA_BODIES for s, body in self.rx_bodies if s > self.rx_acked):
            self.rx_acked = self.rx_seq
            self.send_env("ack", f_varint(1, self.rx_seq))

    # --- the twin's part ---
    def handshake(self, offers=None, timeout=5.0):
        """Hello, Auth, Offers.  offers: [(backup_id, svc)] or None to echo
        the daemon's.  Returns a dict of what happened; raises nothing on
        a refusal (closed: True, step reached)."""
        res = {"hello_rx": False, "auth_rx": False, "offers_rx": None, "agreed": False,
               "closed": False}
        try:
            self.send_hello()
            h = self.recv_hello(timeout)
            res["hello_rx"] = True
            res["peer_hello"] = {k: (v.hex() if isinstance(v, bytes) else v)
                                 for k, v in h.items()}
            self.send_env("auth")
            deadline = time.monotonic() + timeout
            while self.peer_offers is None:
                ftype, payload = self.recv_frame(max(0.01, deadline - time.monotonic()))
                if ftype != FRAME_ENVELOPE:
                    raise ValueError("frame type {} in the handshake".format(ftype))
                seq, body, b = self.open_envelope(payload)
                self.handle_env(seq, body, b)
                res["auth_rx"] = res["auth_rx"] or body == "auth"
            res["offers_rx"] = self.peer_offers
            self.send_env("offers", msg_offers(self.peer_offers if offers is None else offers))
            res["agreed"] = True
        except Closed:
            res["closed"] = True
        except socket.timeout:
            res["timeout"] = True
        res["rx_bodies"] = [b for _s, b in self.rx_bodies]
        return res

    def establish(self, timeout=10.0, generation=1):
        """After the handshake: our (empty) resync, then pump until the
        daemon's End came and ours is acked: the daemon is ESTABLISHED."""
        self.send_env("resync_begin", f_varint(2, generation))
        self.send_env("resync_end", f_varint(2, generation) + f_varint(3, 0))
        deadline = time.monotonic() + timeout
        while not (self.peer_end and self.our_end_acked):
            if time.monotonic() > deadline:
                raise socket.timeout("not established: end rx {} acked {}".format(
                    self.peer_end, self.our_end_acked))
            self.pump_once(0.2)
        return True

    def pump_once(self, timeout):
        "Handle what arrived within timeout; Closed when the daemon closes."
        deadline = time.monotonic() + timeout
        try:
            while True:
                if len(self.rbuf) < 5 or len(self.rbuf) < 4 + struct.unpack_from(
                        ">I", self.rbuf)[0]:
                    self._fill(deadline)
                    continue
                ftype, payload = self.recv_frame(0.01)
                seq, body, b = self.open_envelope(payload)
                with self.lock:
                    self.handle_env(seq, body, b)
                if time.monotonic() >= deadline:
                    break
        except socket.timeout:
            pass
        with self.lock:
            self.ack_if_due()

    def start_keepalive(self, interval=0.5):
        "A thread that keeps the session alive: reads, acks, keepalives."
        def run():
            last_ka = 0.0
            while not self.stop and not self.closed:
                try:
                    if self.stalled:
                        # a twin that stopped reading but is alive
                        time.sleep(0.1)
                    else:
                        self.pump_once(0.1)
                    if time.monotonic() - last_ka >= interval:
                        self.send_env("keepalive")
                        last_ka = time.monotonic()
                except (Closed, OSError, ValueError) as e:
                    self.closed = True
                    self.close_reason = self.close_reason or repr(e)
                    return
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()


# --------------------------------------------------------------------------
# attacks: each returns a dict (JSON) of what happened


def _conn(host, port, source, timeout=5.0):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if source:
        s.bind((source, 0))
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def _wait_closed(s, timeout):
    """Read until EOF/reset: (closed, seconds waited, bytes read)."""
    t0 = time.monotonic()
    n = 0
    while True:
        left = timeout - (time.monotonic() - t0)
        if left <= 0:
            return False, time.monotonic() - t0, n
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True, time.monotonic() - t0, n
        if not chunk:
            return True, time.monotonic() - t0, n
        n += len(chunk)


def random_bytes(host, port, source=None, nbytes=4096, seed=1, wait=10.0, prefix_hex=""):
    """Connect, send nbytes of (seeded) random bytes after an optional
    prefix (hex; e.g. a valid Hello), see whether the daemon closes."""
    rnd = random.Random(seed)
    data = bytes.fromhex(prefix_hex) + bytes(rnd.getrandbits(8) for _ in range(nbytes))
    s = _conn(host, port, source)
    t0 = time.monotonic()
    try:
        s.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        return {"closed": True, "after_s": 0.0, "sent": 0, "first": data[:8].hex()}
    closed, after, n = _wait_closed(s, wait)
    s.close()
    return {"closed": closed, "after_s": round(time.monotonic() - t0, 3), "rx_bytes": n,
            "first": data[:8].hex()}


def huge_length(host, port, source=None, length=0xFFFFFFFF, ftype=FRAME_HELLO, body_hex="",
                wait=10.0):
    """A frame header announcing `length`, then body (hex, less than that)."""
    body = bytes.fromhex(body_hex)
    s = _conn(host, port, source)
    t0 = time.monotonic()
    try:
        s.sendall(struct.pack(">IB", length, ftype) + body)
    except (ConnectionResetError, BrokenPipeError):
        return {"closed": True, "after_s": 0.0, "length": length}
    closed, after, n = _wait_closed(s, wait)
    s.close()
    return {"closed": closed, "after_s": round(time.monotonic() - t0, 3), "length": length,
            "rx_bytes": n}


def slow_writer(host, port, source=None, service="svc1", rate=1.0, limit=15.0,
                after_hello=False, key=None):
    """Trickle a valid Hello (or, after_hello, a valid Hello at once and
    then an Auth frame) one byte per 1/rate s until the daemon closes or
    limit s pass.  Returns closed, after_s, bytes trickled."""
    c = RbsConn(host, port, source=source, service=service, key=key).connect()
    t0 = time.monotonic()
    hello = msg_hello(service, c.incarnation, c.nonce, c.our_router_id(),
                      AUTH_HMAC_SHA256 if key is not None else AUTH_NONE)
    c.hello_tx = hello
    data = frame(FRAME_HELLO, hello)
    if after_hello:
        c.send_raw(data)
        try:
            c.recv_hello(3.0)
        except (Closed, socket.timeout):
            pass
        data = c.make_env_frame("auth") if c.tr else frame(FRAME_ENVELOPE, envelope(1, "auth"))
    sent = 0
    closed = False
    s = c.sock
    while time.monotonic() - t0 < limit:
        # a whole frame is never completed: the daemon must not wait for it
        if sent < len(data) - 1:
            try:
                s.send(data[sent:sent + 1])
                sent += 1
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
        closed, _after, _n = _wait_closed(s, 1.0 / rate)
        if closed:
            break
    after = time.monotonic() - t0
    s.close()
    return {"closed": closed, "after_s": round(after, 3), "trickled": sent,
            "after_hello": after_hello}


def silent(host, port, source=None, limit=15.0):
    "Connect and send nothing: does the daemon close, and when."
    s = _conn(host, port, source)
    closed, after, n = _wait_closed(s, limit)
    s.close()
    return {"closed": closed, "after_s": round(after, 3), "rx_bytes": n}


def flood(host, port, source=None, n=1000, limit=30.0, batch=100):
    """n non-blocking connections held open (never closed by us); count
    how many the daemon closed within limit s.  Returns connected (TCP
    handshake completed), closed (EOF/reset seen), open at the end."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(n + 64, soft)), hard))
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    t0 = time.monotonic()
    socks = {}
    state = {}
    poller = select.poll()
    opened = 0
    connected = closed = failed = 0
    rx = 0

    def open_some(k):
        nonlocal opened
        for _ in range(k):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            if source:
                s.bind((source, 0))
            err = s.connect_ex((host, port))
            socks[s.fileno()] = s
            state[s.fileno()] = "connecting"
            poller.register(s.fileno(), select.POLLOUT | select.POLLIN)
            opened += 1
            del err

    while time.monotonic() - t0 < limit:
        if opened < n:
            open_some(min(batch, n - opened))
        for fd, ev in poller.poll(50):
            s = socks[fd]
            if state[fd] == "connecting" and ev & (select.POLLOUT | select.POLLERR | select.POLLHUP):
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    state[fd] = "failed"
                    failed += 1
                    poller.unregister(fd)
                    continue
                state[fd] = "open"
                connected += 1
                poller.modify(fd, select.POLLIN)
                ev &= ~select.POLLOUT
            if state[fd] == "open" and ev & (select.POLLIN | select.POLLERR | select.POLLHUP):
                try:
                    chunk = s.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    rx += len(chunk)
                    continue
                state[fd] = "closed"
                closed += 1
                poller.unregister(fd)
        if opened >= n and all(v in ("closed", "failed") for v in state.values()):
            break
    elapsed = time.monotonic() - t0
    still = sum(1 for v in state.values() if v in ("open", "connecting"))
    for s in socks.values():
        s.close()
    return {"n": n, "connected": connected, "closed": closed, "failed": failed,
            "open_at_end": still, "rx_bytes": rx, "elapsed_s": round(elapsed, 3)}


def stranger(host, port, source=None, service="svc1", mode="wrong-key", key="first-secret",
             key_id=1, wait=10.0, offers=((10, SVC_IGMP),), update=None, roles=None,
             hello_service=None):
    """A well-formed peer that cannot authenticate.  mode:
    no-key: Hello without authentication (auth none);
    wrong-key: HMAC mode, frames signed with another key string;
    unknown-key-id: HMAC mode, the right key string under key id 99;
    no-trailer: HMAC mode, an Auth Envelope without its MAC;
    new-incarnation-hello: a copied-looking Hello (right service,
    authentication claimed) and then nothing (it cannot make an Auth).
    After its Auth it sends its Offers (offers) and, if given, an Update
    of `update` (entry dicts, see _entries) and keepalives, and answers
    nothing; roles: a RoleReport [(backup_id, role)] after that (e.g.
    MASTER for every backup-id, to make the real master yield).
    hello_service: the service name its Hello says (another one: a
    disagreeing Hello).  Returns the handshake's steps and how the
    connection ended."""
    if mode == "no-key":
        c = RbsConn(host, port, source, service=service, key=None)
    elif mode == "wrong-key":
        c = RbsConn(host, port, source, service=service, key=key, sign_key="not-the-secret")
    elif mode == "unknown-key-id":
        c = RbsConn(host, port, source, service=service, key=key, key_id=99)
    elif mode in ("no-trailer", "new-incarnation-hello"):
        c = RbsConn(host, port, source, service=service, key=key)
    else:
        raise ValueError("mode " + mode)
    c.connect()
    t0 = time.monotonic()
    res = {"mode": mode, "hello_rx": False, "envelopes_rx": [], "closed": False}
    try:
        c.send_hello(**({"service": hello_service} if hello_service else {}))
        c.recv_hello(5.0)
        res["hello_rx"] = True
        res["peer_auth"] = c.peer_hello["auth"]
        if mode == "no-trailer":
            c.send_raw(frame(FRAME_ENVELOPE, envelope(1, "auth")))
        elif mode != "new-incarnation-hello":
            c.send_env("auth")
        if mode != "new-incarnation-hello":
            # our Offers too, as a twin would, hoping for the best
            c.send_env("offers", msg_offers([tuple(o) for o in offers]))
            if update:
                c.send_env("resync_begin", f_varint(2, 1))
                c.send_env("update", msg_update(_entries(update)))
                c.send_env("resync_end", f_varint(2, 1) + f_varint(3, len(update)))
            if roles:
                c.send_env("role", b"".join(
                    f_bytes(1, f_varint(1, bid) + f_varint(2, role)) for bid, role in roles))
        deadline = t0 + wait
        last_ka = time.monotonic()
        while True:
            if mode != "new-incarnation-hello" and time.monotonic() - last_ka > 0.5:
                # alive, so that only the daemon's decision closes it
                c.send_env("keepalive")
                last_ka = time.monotonic()
            try:
                ftype, payload = c.recv_frame(
                    min(0.5, max(0.01, deadline - time.monotonic())))
            except socket.timeout:
                if time.monotonic() >= deadline:
                    raise
                continue
            if ftype == FRAME_ENVELOPE:
                # read as plain Envelopes (we may not hold the key)
                env = payload[:-TRAILER_LEN] if c.peer_hello["auth"] else payload
                try:
                    d = pb_decode(env)
                    res["envelopes_rx"].append(
                        [BODY_NAME.get(fn, str(fn)) for fn in d if fn != 1][0])
                except (ValueError, IndexError):
                    res["envelopes_rx"].append("?")
    except Closed as e:
        res["closed"] = True
        res["how"] = str(e)
    except socket.timeout:
        res["timeout"] = True
    except (BrokenPipeError, ConnectionResetError):
        res["closed"] = True
        res["how"] = "reset on send"
    res["after_s"] = round(time.monotonic() - t0, 3)
    res["offers_rx"] = "offers" in res["envelopes_rx"]
    c.close()
    return res


def listen_stranger(addr, port, service="svc1", key="not-the-secret", key_id=1, wait=8.0,
                    offers=((10, SVC_IGMP),), roles=None):
    """Listen on addr:port (the twin's address, taken over) for the
    daemon's own connections and answer them as a responder that cannot
    authenticate: our Hello (authentication claimed, a new incarnation),
    an Auth signed with `key` (a wrong one), our Offers and roles.
    Returns, per connection the daemon made: whether it sent its Hello,
    its Auth, its Offers (it must not) and how the connection ended."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)
    ls.settimeout(0.2)
    t0 = time.monotonic()
    conns = []
    while time.monotonic() - t0 < wait:
        try:
            s, peer = ls.accept()
        except socket.timeout:
            continue
        r = {"from": peer[0], "hello_rx": False, "envelopes_rx": [], "closed": False}
        c = RbsConn(addr, port, service=service, key=key, key_id=key_id)
        c.sock = s
        try:
            # the daemon (the initiator) sends its Hello at once
            ftype, payload = c.recv_frame(3.0)
            r["hello_rx"] = ftype == FRAME_HELLO
            hello = msg_hello(service, c.incarnation, c.nonce, _addr(addr), AUTH_HMAC_SHA256)
            c.send_raw(frame(FRAME_HELLO, hello))
            tr = transcript(payload, hello)  # the daemon initiated
            env = envelope(1, "auth")
            c.send_raw(frame(FRAME_ENVELOPE, seal(env, key, key_id, b"R", tr)))
            env = envelope(2, "offers", msg_offers([tuple(o) for o in offers]))
            c.send_raw(frame(FRAME_ENVELOPE, seal(env, key, key_id, b"R", tr)))
            if roles:
                env = envelope(3, "role", b"".join(
                    f_bytes(1, f_varint(1, bid) + f_varint(2, role)) for bid, role in roles))
                c.send_raw(frame(FRAME_ENVELOPE, seal(env, key, key_id, b"R", tr)))
            while True:
                ftype, payload = c.recv_frame(5.0)
                if ftype == FRAME_ENVELOPE:
                    try:
                        d = pb_decode(payload[:-TRAILER_LEN])
                        r["envelopes_rx"].append(
                            [BODY_NAME.get(fn, str(fn)) for fn in d if fn != 1][0])
                    except (ValueError, IndexError):
                        r["envelopes_rx"].append("?")
        except Closed as e:
            r["closed"] = True
            r["how"] = str(e)
        except (BrokenPipeError, ConnectionResetError):
            r["closed"] = True
            r["how"] = "reset on send"
        except socket.timeout:
            r["timeout"] = True
        r["offers_rx"] = "offers" in r["envelopes_rx"]
        s.close()
        conns.append(r)
    ls.close()
    return {"connections": conns}


def garp(ifname, ip):
    "Send a gratuitous ARP for ip from ifname's MAC (take the address over)."
    with open("/sys/class/net/{}/address".format(ifname), encoding="ascii") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    ipb = socket.inet_aton(ip)
    bcast = b"\xff" * 6
    for op in (1, 2):  # a request and a reply, as arping -U / -A do
        arp = struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac, ipb,
                          bcast if op == 2 else b"\0" * 6, ipb)
        s.send(bcast + mac + b"\x08\x06" + arp)
    s.close()
    return {"sent": True}


# --------------------------------------------------------------------------
# persistent sessions (the server keeps them, keyed by name)

SESSIONS = {}


def open_session(name, host, port, source=None, service="svc1", key=None, key_id=1,
                 offers=None, establish=True, timeout=10.0, rcvbuf=None, stall=False):
    """Handshake (and, establish, both resyncs) as a twin; the session is
    then kept alive in a thread.  stall: right after the handshake, stop
    reading (keepalives still sent), with a receive buffer of rcvbuf
    bytes.  Returns the handshake's result."""
    old = SESSIONS.pop(name, None)
    if old:
        old.close()
    c = RbsConn(host, port, source, service=service, key=key, key_id=key_id,
                rcvbuf=rcvbuf).connect()
    res = c.handshake(offers=[tuple(o) for o in offers] if offers else None)
    if res["agreed"] and stall:
        c.stalled = True
    elif res["agreed"] and establish:
        try:
            c.establish(timeout)
            res["established"] = True
        except (Closed, socket.timeout) as e:
            res["established"] = False
            res["error"] = repr(e)
    SESSIONS[name] = c
    if not c.closed:
        c.start_keepalive()
    res["tx_seq"] = c.tx_seq
    res["rx_seq"] = c.rx_seq
    return res


def _entries(entries):
    """Entries given as dicts: backup_id, svc, ifname, group, source,
    filter, version, timer_ms, role, restored."""
    out = []
    for e in entries:
        k = msg_key(e["backup_id"], e["svc"], e.get("ifname", "x1-lan"), e["group"],
                    e.get("source"))
        out.append(msg_entry(k, e.get("filter", FILTER_EXCLUDE if not e.get("source")
                                       else FILTER_INCLUDE),
                             e.get("version", 3 if e["svc"] == SVC_IGMP else 2),
                             e.get("timer_ms", 60000), e.get("role", ROLE_MASTER),
                             e.get("restored")))
    return out


def send_update(name, entries, chunk=128):
    "Send entries in Updates of `chunk` entries; returns the seqs used."
    c = SESSIONS[name]
    ents = _entries(entries)
    seqs = []
    for i in range(0, len(ents), chunk):
        seqs.append(c.send_env("update", msg_update(ents[i:i + chunk])))
    return {"seqs": seqs, "closed": c.closed}


def send_message(name, body, payload_hex="", count=1):
    """Send `count` Envelopes of a body (name of BODY) with the given
    body bytes (hex) on the session, e.g. ResyncRequests."""
    c = SESSIONS[name]
    b = bytes.fromhex(payload_hex)
    seqs = [c.send_env(body, b) for _ in range(count)]
    return {"first": seqs[0] if seqs else None, "last": seqs[-1] if seqs else None,
            "closed": c.closed}


def make_update_frame(name, entries, seq=None, dup=False):
    """The bytes (hex) of an Update frame of this session (sealed when
    authenticating) with seq (default: the next one; dup: the last one
    sent again), not sent."""
    c = SESSIONS[name]
    with c.lock:
        if seq is None:
            seq = c.tx_seq if dup else c.tx_seq + 1
        fr = c.make_env_frame("update", msg_update(_entries(entries)), seq=seq)
    return {"frame": fr.hex(), "seq": seq}


def make_frames(name, entries, count=200):
    """Update frames of this session's connection for seq 1..count (hex,
    by seq), not sent: to replay into another connection later."""
    c = SESSIONS[name]
    body = msg_update(_entries(entries))
    with c.lock:
        return {"frames": {str(q): c.make_env_frame("update", body, seq=q).hex()
                           for q in range(1, count + 1)}}


def send_foreign(name, frames):
    """Send the frame (of another connection) whose seq is this
    connection's next one: only its MAC can tell it is not ours."""
    c = SESSIONS[name]
    with c.lock:
        seq = c.tx_seq + 1
        c.sock.sendall(bytes.fromhex(frames[str(seq)]))
        c.tx_seq = seq
    return {"seq": seq}


def send_raw(name, hexdata, advance_seq=False):
    "Send bytes on the session as they are (a replay, a forged frame)."
    c = SESSIONS[name]
    with c.lock:
        c.sock.sendall(bytes.fromhex(hexdata))
        if advance_seq:
            c.tx_seq += 1
    return {"sent": len(hexdata) // 2}


def sent_frame(name, seq):
    "The bytes (hex) of the frame this session sent with seq."
    for s, body, fr in SESSIONS[name].sent:
        if s == seq:
            return {"frame": fr.hex(), "body": body}
    raise KeyError("no frame with seq {}".format(seq))


def session_state(name, wait=0.0):
    """Whether the session is still open (after waiting up to wait s for
    the daemon to close it)."""
    c = SESSIONS[name]
    deadline = time.monotonic() + wait
    while not c.closed and time.monotonic() < deadline:
        time.sleep(0.05)
    return {"closed": c.closed, "reason": c.close_reason, "tx_seq": c.tx_seq,
            "rx_seq": c.rx_seq, "peer_entries": c.peer_entries}


def close_session(name):
    c = SESSIONS.pop(name, None)
    if c:
        c.close()
    return {"closed": True}


BACKGROUND = {}


def spawn(handle, target, args=None):
    "Start FUNCTIONS[target](**args) in a thread; join(handle) gives its result."
    box = {}

    def run():
        try:
            box["res"] = {"ok": True, "result": FUNCTIONS[target](**(args or {}))}
        except Exception as e:  # pylint: disable=broad-except
            box["res"] = {"ok": False, "error": repr(e)}

    t = threading.Thread(target=run, daemon=True)
    t.start()
    BACKGROUND[handle] = (t, box)
    return {"started": handle}


def join(handle, timeout=120.0):
    "The result of a spawned call (waits for it)."
    t, box = BACKGROUND.pop(handle)
    t.join(timeout)
    if t.is_alive():
        raise TimeoutError("{} still running".format(handle))
    return box["res"]


def parallel(calls):
    "Run [{fn, args}] at once in threads; results in order."
    out = [None] * len(calls)

    def run(i, call):
        try:
            out[i] = {"ok": True, "result": FUNCTIONS[call["fn"]](**call.get("args", {}))}
        except Exception as e:  # pylint: disable=broad-except
            out[i] = {"ok": False, "error": repr(e)}

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


FUNCTIONS = {
    "random_bytes": random_bytes,
    "huge_length": huge_length,
    "slow_writer": slow_writer,
    "silent": silent,
    "flood": flood,
    "stranger": stranger,
    "garp": garp,
    "open_session": open_session,
    "send_update": send_update,
    "send_message": send_message,
    "make_update_frame": make_update_frame,
    "make_frames": make_frames,
    "send_foreign": send_foreign,
    "send_raw": send_raw,
    "sent_frame": sent_frame,
    "session_state": session_state,
    "close_session": close_session,
    "parallel": parallel,
    "spawn": spawn,
    "join": join,
    "listen_stranger": listen_stranger,
}


def serve():
    "The JSON-lines server: one request per line, one answer per line."
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            res = {"ok": True, "result": FUNCTIONS[req["fn"]](**req.get("args", {}))}
        except Exception as e:  # pylint: disable=broad-except
            res = {"ok": False, "error": repr(e)}
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
    for c in list(SESSIONS.values()):
        c.close()


# --------------------------------------------------------------------------
# the test's side


class PeerProcess:
    """rbs_peer.py serve running in a topotest node (host or router):
    call(fn, **args) -> result, or RuntimeError with the server's error."""

    def __init__(self, node, python="/usr/bin/python3"):
        self.node = node
        self.proc = node.net.popen([python, os.path.abspath(__file__), "serve"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, encoding="utf-8")

    def call(self, fn, timeout=120.0, **args):
        self.proc.stdin.write(json.dumps({"fn": fn, "args": args}) + "\n")
        self.proc.stdin.flush()
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if r else ""
        if not line:
            err = ""
            if self.proc.poll() is not None:
                err = self.proc.stderr.read()
            raise RuntimeError("rbs_peer {}: no answer ({})".format(fn, err))
        res = json.loads(line)
        if not res["ok"]:
            raise RuntimeError("rbs_peer {}({}): {}".format(fn, args, res["error"]))
        return res["result"]

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve()
    elif len(sys.argv) >= 3:
        # one call from the command line: rbs_peer.py FN '{"arg": ...}'
        print(json.dumps(FUNCTIONS[sys.argv[1]](**json.loads(sys.argv[2]))))
    else:
        sys.exit(__doc__)
