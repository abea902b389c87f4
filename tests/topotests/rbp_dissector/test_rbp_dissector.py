#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The Wireshark dissector (wireshark/rbs.lua) on a capture of the real
channel, seed-001 topology: h1 joins an IGMP and an MLD group through r1,
tcpdump on r1's channel link records r2's pimd and pim6d restarting and
the channels coming back (Hellos, the resync with r1's entries, role
reports), and tshark with the dissector decodes it.  Checked against what
the daemons say they sent and hold: the protocol version, every message
type of a reconnection, and the entries r1 published (interface and group,
per family) exactly in the resync's Updates to r2.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp.seed001 import gear  # noqa: E402
from lib.topogen import get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.rbp]

LUA = os.path.join(CWD, "..", "..", "..", "wireshark", "rbs.lua")
GROUP = {4: S.ASM4, 6: S.ASM6}
STATE = {}


def setup_module(mod):
    if not shutil.which("tshark"):
        pytest.skip("tshark not installed (scripts/deps.sh installs it)")
    tgen, _ = S.start(mod.__name__, "master-backup")
    STATE["joins"] = [lib_rbp.start_mcast_join(tgen.gears["h1"], "h1-eth0", GROUP[fam])
                      for fam in (4, 6)]


def teardown_module(mod):  # pylint: disable=unused-argument
    for p in STATE.get("joins", []):
        lib_rbp.stop_mcast_join(p)
    S.stop()


def tshark_fields(pcap, fields, flt="rbs"):
    cmd = ["tshark", "-r", pcap, "-X", "lua_script:" + os.path.realpath(LUA),
           "-Y", flt, "-T", "json"] + [x for f in fields for x in ("-e", f)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [p["_source"]["layers"] for p in json.loads(out or "[]")]


def test_capture_decoded():
    tgen = get_topogen()
    r1, r2 = gear("r1"), gear("r2")
    for fam in (4, 6):
        S.wait_installed(fam, GROUP[fam])
    pcap = os.path.join(tgen.logdir, "r1", "rbs.pcap")
    dump = r1.popen(["tcpdump", "-i", S.LINK_IF["r1"], "-U", "-s", "0", "-w", pcap,
                     "tcp port {} or tcp port {}".format(S.RBS_PORT, S.RBS_PORT + 1)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        lib_rbp.restart_daemons(r2, ["pimd", "pim6d"], reapply=True)
        for fam in (4, 6):
            S.wait_established(fam)
            S.wait_installed(fam, GROUP[fam])
        time.sleep(2)
    finally:
        dump.terminate()
        dump.wait(10)

    # what r1 sent in the resync: its local entries, and the restarted
    # twin's own entries it held, given back (`restored` on r2)
    published = {}
    for fam in (4, 6):
        published[fam] = {(e["interface"], e["group"]) for e in S.entries("r1", fam, "local")}
        assert (S.LAN_IF["r1"], GROUP[fam]) in published[fam], published
        published[fam] |= {(e["peerInterface"], e["group"])
                           for e in S.entries("r1", fam, "peer")}

    hellos = tshark_fields(pcap, ["rbs.version"], "rbs.hello")
    assert hellos, "no Hello decoded in {}".format(pcap)
    versions = {v for p in hellos for v in p.get("rbs.version", [])}
    assert versions == {"2"}, versions
    # the entries of r1's Updates (a packet with a Delete too would mix keys)
    pkts = tshark_fields(pcap, ["ip.src", "tcp.srcport", "tcp.dstport", "rbs.key.ifname",
                                "rbs.key.group", "rbs.key.group_v6"],
                         "rbs.update && !rbs.delete")
    sent = {4: set(), 6: set()}
    for p in pkts:
        if p.get("ip.src") != [S.LINK4["r1"]]:
            continue
        # pimd's channel on the service's port, pim6d's on port + 1 (either
        # end may have connected: the other port is ephemeral)
        ports = {int(p["tcp.srcport"][0]), int(p["tcp.dstport"][0])}
        fam = 4 if S.RBS_PORT in ports else 6
        ifs = p.get("rbs.key.ifname", [])
        groups = p.get("rbs.key.group", []) + p.get("rbs.key.group_v6", [])
        sent[fam] |= set(zip(ifs, groups))
    for fam in (4, 6):
        # the resync carries those entries, nothing else
        assert sent[fam] == published[fam], (fam, sent[fam], published[fam])
    text = subprocess.run(["tshark", "-r", pcap, "-X", "lua_script:" + os.path.realpath(LUA),
                           "-Y", "rbs", "-V"], capture_output=True, text=True,
                          check=True).stdout
    assert "Lua Error" not in text
    for want in ("Hello", "Update", "RoleReport"):
        assert want in text, want


def test_no_crash():
    lib_rbp.assert_no_crash(get_topogen(), ["r1", "r2"])
