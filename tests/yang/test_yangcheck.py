# SPDX-License-Identifier: GPL-2.0-or-later
"""
Proof that tests/topotests/lib_rbp/yangcheck.py and yang/frr-rbp.yang check
something: show json the daemons print (samples written after
pimd-rbp/rbp_vty.c, rbp_install.c and rbp_session.c) passes, and json with
one thing wrong fails in yanglint.

Run: /usr/bin/python3 -m pytest tests/yang   (needs /opt/frr-rbp/bin/yanglint)
"""

import copy
import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# loaded by path: importing the lib_rbp package would set up FRR's topotest
# library, which these tests do not need
_spec = importlib.util.spec_from_file_location(
    "yangcheck", os.path.join(ROOT, "tests", "topotests", "lib_rbp", "yangcheck.py")
)
yangcheck = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(yangcheck)

if not yangcheck.available():
    pytest.skip("yanglint or yang/frr-rbp.yang not found", allow_module_level=True)

ERROR_CLASSES = [
    "truncated", "oversize", "zero-length", "unknown-type", "decode",
    "missing-field", "version", "hello-mismatch", "unknown-backup-id",
    "bad-group", "bad-family", "hold-expired", "socket", "bad-value",
    "sequence", "unexpected", "auth", "handshake-timeout", "write-stalled",
]

AUTH_FAILURES = ["mode-mismatch", "no-send-key", "key-not-accepted", "bad-mac"]

# a service without authentication, as rbp_show.c prints it
NO_AUTH = {
    "authentication": "none",
    "authWarning": "no authentication: any host with the peer's address can act as the twin",
    "tcpMd5": False, "ttlSecurity": False, "tcpAo": "off",
    "authFailures": {f: 0 for f in AUTH_FAILURES},
    "probesSent": 0, "takeoversRefused": 0, "probeTimeouts": 0,
}


def _counters(**kw):
    c = {
        "entriesSent": 3, "entriesReceived": 1,
        "updatesSent": 7, "updatesReceived": 2,
        "deletesSent": 1, "deletesReceived": 0,
        "messagesSent": 120, "messagesReceived": 118,
        "resyncsSent": 1, "resyncsReceived": 1,
        "digestMismatches": 0, "resyncRequestsSent": 0, "peerLimitDrops": 0,
        "sessionsUp": 1,
        "sessionsDown": 0,
        "errors": {e: 0 for e in ERROR_CLASSES},
        "keepaliveMs": 1000, "holdMs": 3000, "digestMs": 10000,
        "timersConfigured": False, "digestConfigured": False,
    }
    c.update(kw)
    return c


def _service(name, stype, **kw):
    s = {"name": name, "serviceType": stype}
    s.update(kw)
    s.update({k: v for k, v in _counters().items() if k not in kw})
    if "authentication" not in kw:
        s.update({k: v for k, v in copy.deepcopy(NO_AUTH).items() if k not in kw})
    else:
        s.update({k: v for k, v in copy.deepcopy(NO_AUTH).items()
                  if k not in kw and k not in ("authWarning",)})
    return s


# --- samples that must pass ---------------------------------------------------

SVC_PIMD = {
    "services": {
        "svc1": _service(
            "svc1", "igmp", peer="10.0.12.2", source="10.0.12.1", port=5000,
            channelPort=5000, tcpState="established", resyncState="done",
            upSeconds=42, lastReason="", profiles=["p1", "p6"],
            # timers keepalive 500 hold 2000 here, defaults on the twin
            keepaliveMs=500, holdMs=2000, timersConfigured=True,
            negotiatedHoldMs=2000, negotiatedKeepaliveMs=500,
            peerHoldMs=3000, peerKeepaliveMs=1000,
        ),
        "svc2": _service(
            "svc2", "igmp", tcpState="idle (no peer)", resyncState="-",
            lastReason="", profiles=[], entriesSent=0, entriesReceived=0,
        ),
        # authenticated, TCP-MD5, GTSM, TCP-AO asked for on a kernel
        # without it; a key rolled over; a few failures
        "svc4": _service(
            "svc4", "igmp", peer="10.0.20.2", source="10.0.20.1", port=2100,
            channelPort=2100, tcpState="established", resyncState="done",
            upSeconds=7, lastReason="bad MAC (key id 1) (bad-mac)", profiles=[],
            authentication="hmac-sha-256", authKeyChain="rbs-keys",
            authSendKeyId=2, authAcceptKeyId=2, tcpMd5=True, ttlSecurity=True,
            tcpAo="not available on this kernel", tcpAoKeyChain="ao-keys",
            authFailures={"mode-mismatch": 0, "no-send-key": 0,
                          "key-not-accepted": 1, "bad-mac": 3},
            probesSent=2, takeoversRefused=1, probeTimeouts=1,
            errors=dict({e: 0 for e in ERROR_CLASSES}, auth=4),
            # the twin has timers keepalive 100 hold 300, timers digest
            digestMs=600000, digestConfigured=True,
            negotiatedHoldMs=300, negotiatedKeepaliveMs=100,
            peerHoldMs=300, peerKeepaliveMs=100,
        ),
        "svc5": _service(
            "svc5", "igmp", peer="10.0.30.2", source="10.0.30.1", port=2200,
            channelPort=2200, tcpState="connect", resyncState="-",
            lastReason="", profiles=[], authentication="hmac-sha-256",
            authKeyChain="nosuch", authProblem="key chain nosuch does not exist",
        ),
    }
}

SVC_PIM6D = {
    "services": {
        "svc1": _service(
            "svc1", "mld", peer="2001:db8:10::2", source="2001:db8:10::1",
            port=1025, channelPort=1026, tcpState="refused", resyncState="-",
            lastReason="backup-id 10: service-type mld here, igmp on peer",
            profiles=["p6"],
            errors=dict({e: 0 for e in ERROR_CLASSES}, **{"hello-mismatch": 3}),
        ),
        "svc3": _service(
            "svc3", "mld", peer="10.0.0.2", source="10.0.0.1", port=7000,
            channelPort=7001,
            tcpState="idle (no profile of this service type)",
            resyncState="-", lastReason="", profiles=["p1"],
            # counters are 64-bit in mldsync
            messagesSent=2**40, updatesSent=18446744073709551615,
        ),
    }
}

PRF_PIMD = {
    "profiles": {
        "p1": {
            "name": "p1", "serviceType": "igmp", "backupId": 10,
            "service": "svc1", "backupMode": "hot", "trackProtocol": "vrrp",
            "vrrpFamily": 4, "vrrpId": 1, "vrrpInterface": "eth0",
            "state": "master", "roleSource": "vrrpd-track",
            "peerState": "backup", "active": True, "maxEntries": 65536, "twinEntries": 0, "twinEntriesQueued": 0, "peerTableEntries": 0, "peerTableDropped": 0, "peerTableFull": False, "refused": {"linkLocalScope": 0, "ssmAnySource": 0, "badSource": 0, "multicastBoundary": 0, "noBoundInterface": 0, "maxEntries": 0}, "interfaces": ["eth0"],
        },
        "p6": {
            "name": "p6", "serviceType": "mld", "backupId": 11,
            "service": "svc1", "backupMode": "warm", "trackProtocol": "vrrp",
            "vrrpFamily": 6, "vrrpId": 2, "vrrpInterface": "eth0",
            "state": "handled by pim6d", "roleSource": "eth0-vrrp6",
            "peerState": "-", "active": False, "maxEntries": 65536, "interfaces": ["eth0", "eth1"],
        },
        "p0": {
            "name": "p0", "serviceType": "none", "backupMode": "warm",
            "trackProtocol": "none", "state": "no service-type",
            "roleSource": "none", "peerState": "-", "active": False, "maxEntries": 65536,
            "interfaces": [],
        },
        "p2": {
            "name": "p2", "serviceType": "igmp", "backupMode": "hot",
            "trackProtocol": "vrrp", "vrrpFamily": 4, "vrrpId": 255,
            "vrrpInterface": "r1-eth0", "state": "no backup-id",
            "roleSource": "VRRP macvlan not found", "peerState": "-",
            "active": False, "maxEntries": 65536, "interfaces": [],
        },
        "p3": {
            "name": "p3", "serviceType": "igmp", "backupId": 65535,
            "service": "svc2", "backupMode": "hot", "trackProtocol": "none",
            "state": "service has no peer", "roleSource": "none",
            "peerState": "-", "active": False, "maxEntries": 65536, "interfaces": [],
        },
    }
}

PRF_PIM6D = {
    "profiles": {
        "p6": {
            "name": "p6", "serviceType": "mld", "backupId": 11,
            "service": "svc1", "backupMode": "warm", "trackProtocol": "none",
            "state": "unknown", "roleSource": "none", "peerState": "unknown",
            "active": True, "maxEntries": 65536, "twinEntries": 0, "twinEntriesQueued": 0, "peerTableEntries": 0, "peerTableDropped": 0, "peerTableFull": False, "refused": {"linkLocalScope": 0, "ssmAnySource": 0, "badSource": 0, "multicastBoundary": 0, "noBoundInterface": 0, "maxEntries": 0}, "interfaces": ["eth1"],
        },
    }
}

ENT_PIMD = {
    "entries": [
        {"interface": "r1-eth1", "group": "239.1.3.3", "source": "0.0.0.0",
         "origin": "local", "profile": "p4", "state": "published",
         "filterMode": "exclude", "version": 3, "remainingSeconds": 250},
        # same (S,G,if) from the twin, owned by local IGMP
        {"interface": "r1-eth1", "group": "239.1.3.3", "source": "0.0.0.0",
         "origin": "peer", "profile": "p4", "peerInterface": "r2-eth1",
         "state": "local", "filterMode": "exclude", "version": 3,
         "restored": False, "remainingSeconds": 12},
        {"interface": "r2-eth1", "group": "239.1.3.3", "source": "0.0.0.0",
         "origin": "peer", "profile": "p4", "peerInterface": "r1-eth1",
         "state": "installed", "filterMode": "exclude", "version": 3,
         "restored": False, "remainingSeconds": 9},
        {"interface": "r2-eth2", "group": "232.1.1.1", "source": "10.0.0.5",
         "origin": "peer", "profile": "p4", "peerInterface": "r1-eth2",
         "state": "pending", "reason": "PIM is not enabled on the interface",
         "filterMode": "include", "version": 3, "restored": True},
        # the twin's entry already gone from the peer table: no filter etc.
        {"interface": "r2-eth3", "group": "239.9.9.9", "source": "0.0.0.0",
         "origin": "peer", "profile": "p5", "peerInterface": "r1-eth3",
         "state": "pending", "reason": "withdrawn"},
        {"interface": "r2-eth3", "group": "239.9.9.8", "source": "0.0.0.0",
         "origin": "local", "profile": "p5", "state": "published",
         "filterMode": "exclude", "version": 2},
        {"interface": "r2-eth4", "group": "239.9.9.7", "source": "0.0.0.0",
         "origin": "peer", "profile": "p5", "peerInterface": "r1-eth4",
         "state": "warm", "filterMode": "exclude", "version": 2,
         "restored": False, "remainingSeconds": 200},
    ]
}

ENT_PIM6D = {
    "entries": [
        {"interface": "r1-eth1", "group": "ff05::1:3", "source": "::",
         "origin": "local", "profile": "p6", "state": "published",
         "filterMode": "exclude", "version": 2, "remainingSeconds": 255},
        {"interface": "r1-eth1", "group": "ff05::1:4", "source": "2001:db8::5",
         "origin": "peer", "profile": "p6", "peerInterface": "r2-eth1",
         "state": "installed", "filterMode": "include", "version": 1,
         "restored": False, "remainingSeconds": 0},
    ]
}

# show ip remote-backup interfaces json, as the code prints it
IFS_PIMD = {"interfaces": [
    {"interface": "eth1", "exists": True, "profile": "p4", "forwardingFollows": "track",
     "vrrpFamily": 4, "vrrpId": 10, "vrrpInterface": "eth2", "roleSource": "vrrpd-track",
     "role": "master", "ignoreIfDown": False, "ignoreDrState": True,
     "ignoreAssertState": True, "forwarderOverride": True, "tracked": True, "muted": False},
    {"interface": "eth3", "exists": False, "forwardingFollows": "pim",
     "ignoreDrState": True, "ignoreAssertState": False, "forwarderOverride": True,
     "tracked": False, "muted": False},
    {"interface": "eth4", "exists": True, "profile": "p5", "forwardingFollows": "profile",
     "vrrpFamily": 4, "vrrpId": 1, "vrrpInterface": "eth4",
     "roleSource": "vrrpd gone, macvlan not trusted", "role": "backup",
     "splitBrainYield": True, "ignoreDrState": False, "ignoreAssertState": False,
     "forwarderOverride": True, "tracked": True, "muted": True},
]}

# show ip remote-backup vrrp json
VRRP_PIMD = {"vrrpdGone": False, "dumpInProgress": False, "lastSequence": 12,
             "messages": 12, "badMessages": 0, "dumps": 2, "sequenceGaps": 1,
             "dumpRequests": 2, "vrrpdCloses": 0, "states": [
                 {"interface": "eth1", "family": 4, "vrid": 1, "state": "Master",
                  "priority": 200},
                 {"interface": "eth1", "family": 6, "vrid": 1, "state": "Backup",
                  "priority": 100}]}

# --- E-Trunk role source (pimd-rbp): rbp_show.c, rbp_role.c, rbp_install.c --

REFUSED0 = {"linkLocalScope": 0, "ssmAnySource": 0, "badSource": 0,
            "multicastBoundary": 0, "noBoundInterface": 0, "maxEntries": 0}

# show remote-backup-profile json of pim6d: E-Trunk profiles
PRF_ET = {"profiles": {
    # active-active: load balanced, forwards share 1
    "pe": {"name": "pe", "serviceType": "mld", "backupId": 20, "service": "svc1",
           "backupMode": "hot", "trackProtocol": "e-trunk", "etrunkId": 1,
           "ethTrunk": "Eth-Trunk1", "state": "master", "roleSource": "e-trunk",
           "peerState": "master", "splitBrainYield": False, "forwarding": True,
           "forwardingReason": "load balanced with the twin", "released": False,
           "synced": True, "priority": 155, "channelTakeovers": 0, "channelReleases": 0,
           "loadBalance": True, "share": 1,
           "twin": {"role": "master", "able": True, "forwarding": True,
                    "released": False, "synced": True, "priority": 155},
           "active": True, "maxEntries": 65536, "twinEntries": 4, "twinEntriesQueued": 0,
           "peerTableEntries": 4, "peerTableDropped": 0, "peerTableFull": False,
           "refused": REFUSED0, "interfaces": ["Eth-Trunk1"]},
    # nothing from vrrpd-track for the Eth-Trunk yet
    "pw": {"name": "pw", "serviceType": "mld", "backupId": 21, "service": "svc1",
           "backupMode": "warm", "trackProtocol": "e-trunk", "etrunkId": 16,
           "ethTrunk": "bond0", "state": "backup",
           "roleSource": "waiting for the E-Trunk state", "peerState": "unknown",
           "splitBrainYield": False, "forwarding": False,
           "forwardingReason": "released, cannot forward", "released": True,
           "synced": False, "priority": 0, "channelTakeovers": 0, "channelReleases": 1,
           "loadBalance": False, "active": True, "maxEntries": 65536, "twinEntries": 0,
           "twinEntriesQueued": 0, "peerTableEntries": 0, "peerTableDropped": 0,
           "peerTableFull": False, "refused": REFUSED0, "interfaces": ["bond0"]},
    # the bound Eth-Trunk down
    "pd": {"name": "pd", "serviceType": "mld", "backupId": 22, "service": "svc1",
           "backupMode": "hot", "trackProtocol": "e-trunk", "etrunkId": 2,
           "ethTrunk": "bond2", "state": "backup", "roleSource": "VRRP interface down",
           "peerState": "master", "splitBrainYield": False, "forwarding": False,
           "forwardingReason": "released, cannot forward", "released": True,
           "synced": True, "priority": 0, "channelTakeovers": 0, "channelReleases": 1,
           "loadBalance": False, "active": True, "maxEntries": 65536, "twinEntries": 0,
           "twinEntriesQueued": 0, "peerTableEntries": 0, "peerTableDropped": 0,
           "peerTableFull": False, "refused": REFUSED0, "interfaces": ["bond2"]},
    # force-master, just restarted: the twin forwards until balanced
    "pf": {"name": "pf", "serviceType": "mld", "backupId": 24, "service": "svc1",
           "backupMode": "hot", "trackProtocol": "e-trunk", "etrunkId": 3,
           "ethTrunk": "Eth-Trunk3", "state": "master", "roleSource": "e-trunk",
           "peerState": "master", "splitBrainYield": False, "forwarding": False,
           "forwardingReason": "force-master, the twin forwards until balanced",
           "released": False, "synced": True, "priority": 155, "channelTakeovers": 0,
           "channelReleases": 0, "loadBalance": False,
           "twin": {"role": "master", "able": True, "forwarding": True,
                    "released": False, "synced": True, "priority": 155},
           "active": True, "maxEntries": 65536, "twinEntries": 2, "twinEntriesQueued": 0,
           "peerTableEntries": 2, "peerTableDropped": 0, "peerTableFull": False,
           "refused": REFUSED0, "interfaces": ["Eth-Trunk3"]},
    # an igmp profile as pim6d shows it: not active, no loadBalance
    "pi": {"name": "pi", "serviceType": "igmp", "backupId": 23, "service": "svc1",
           "backupMode": "hot", "trackProtocol": "e-trunk", "etrunkId": 1,
           "ethTrunk": "Eth-Trunk1", "state": "handled by pimd", "roleSource": "e-trunk",
           "peerState": "-", "active": False, "maxEntries": 65536,
           "interfaces": ["Eth-Trunk1"]},
}}

# show ipv6 remote-backup interfaces json: decided by an E-Trunk profile
IFS_ET = {"interfaces": [
    {"interface": "Eth-Trunk1", "exists": True, "profile": "pe",
     "forwardingFollows": "profile", "etrunkId": 1, "ethTrunk": "Eth-Trunk1",
     "roleSource": "e-trunk", "role": "master", "ignoreDrState": False,
     "ignoreAssertState": False, "forwarderOverride": True, "tracked": True, "muted": False},
    {"interface": "bond0", "exists": False, "profile": "pw", "forwardingFollows": "profile",
     "etrunkId": 16, "ethTrunk": "bond0", "roleSource": "waiting for the E-Trunk state",
     "role": "backup", "ignoreDrState": False, "ignoreAssertState": False,
     "forwarderOverride": True, "tracked": True, "muted": True},
]}

# show ipv6 remote-backup vrrp json: Eth-Trunk states next to a VRRP one
VRRP_ET = {"vrrpdGone": False, "dumpInProgress": False, "lastSequence": 5,
           "messages": 5, "badMessages": 0, "dumps": 1, "sequenceGaps": 0,
           "dumpRequests": 1, "vrrpdCloses": 0, "states": [
               {"interface": "Eth-Trunk1", "source": "e-trunk", "etrunkId": 1,
                "etrunkFlags": 0x3f, "state": "Master", "priority": 100},
               {"interface": "bond2", "source": "e-trunk", "etrunkId": 2,
                "etrunkFlags": 0, "state": "Initialize", "priority": 254},
               {"interface": "eth1", "family": 6, "vrid": 1, "state": "Backup",
                "priority": 100}]}

# show ipv6 remote-backup entries json of a load-balanced profile
ENT_ET = {"entries": [
    {"interface": "Eth-Trunk1", "group": "ff15::3:1", "source": "::", "origin": "local",
     "profile": "pe", "forwarder": "local", "state": "published", "filterMode": "exclude",
     "version": 2, "remainingSeconds": 250},
    {"interface": "Eth-Trunk1", "group": "ff15::3:2", "source": "::", "origin": "peer",
     "profile": "pe", "forwarder": "twin", "peerInterface": "Eth-Trunk1",
     "state": "installed", "filterMode": "exclude", "version": 2, "restored": False,
     "remainingSeconds": 12},
]}

GOOD = [
    ("interfaces", IFS_PIMD, None),
    ("vrrp", VRRP_PIMD, None),
    ("vrrp", {"vrrpdGone": True, "dumpInProgress": False, "lastSequence": 0,
              "messages": 0, "badMessages": 0, "dumps": 0, "sequenceGaps": 0,
              "dumpRequests": 1, "vrrpdCloses": 1, "states": []}, None),
    ("service", SVC_PIMD, "pimd"),
    ("service", SVC_PIM6D, "pim6d"),
    ("service", {}, None),  # show remote-backup-service NOSUCH json
    ("service", {"services": {}}, "pimd"),
    ("profile", PRF_PIMD, "pimd"),
    ("profile", PRF_PIM6D, "pim6d"),
    ("profile", {"profiles": {}}, None),
    ("entries", ENT_PIMD, "pimd"),
    ("entries", ENT_PIM6D, "pim6d"),
    ("entries", {"entries": []}, None),
    ("profile", PRF_ET, "pim6d"),
    ("interfaces", IFS_ET, None),
    ("vrrp", VRRP_ET, None),
    ("entries", ENT_ET, "pim6d"),
]


@pytest.mark.parametrize(
    "kind,obj,daemon", GOOD, ids=["%s-%d" % (g[0], i) for i, g in enumerate(GOOD)]
)
def test_good(kind, obj, daemon):
    assert yangcheck.validate_json(kind, obj, daemon=daemon) is None


def test_brief_samples_vtysh():
    """The samples of the brief, as vtysh prints them."""
    prof = {"pimd": {"profiles": {"p1": {
        "name": "p1", "serviceType": "igmp", "backupId": 10, "service": "svc1",
        "backupMode": "hot", "trackProtocol": "vrrp", "vrrpFamily": 4,
        "vrrpId": 1, "vrrpInterface": "eth0", "state": "master",
        "roleSource": "vrrpd-track", "peerState": "backup", "active": True, "maxEntries": 65536, "twinEntries": 0, "twinEntriesQueued": 0, "peerTableEntries": 0, "peerTableDropped": 0, "peerTableFull": False, "refused": {"linkLocalScope": 0, "ssmAnySource": 0, "badSource": 0, "multicastBoundary": 0, "noBoundInterface": 0, "maxEntries": 0},
        "interfaces": ["eth0"]}}}}
    ent = {"entries": [{
        "interface": "r2-eth1", "group": "239.1.3.3", "source": "0.0.0.0",
        "origin": "peer", "profile": "p4", "peerInterface": "r1-eth1",
        "state": "installed", "filterMode": "exclude", "version": 3,
        "restored": False, "remainingSeconds": 9}]}
    yangcheck.validate_vtysh_json("profile", prof)
    yangcheck.validate_vtysh_json("entries", ent)
    yangcheck.validate_vtysh_json("service", {"pimd": SVC_PIMD, "pim6d": SVC_PIM6D})
    yangcheck.validate_vtysh_json("profile", {"pimd": PRF_PIMD, "pim6d": PRF_PIM6D})


def test_instance_shape():
    inst = yangcheck.to_instance("service", SVC_PIMD)
    svcs = inst["frr-rbp:service-state"]["services"]
    assert [s["name"] for s in svcs] == ["svc1", "svc2", "svc4", "svc5"]
    # 64-bit counters become strings (RFC 7951), others stay numbers
    assert svcs[0]["updatesSent"] == "7" and svcs[0]["port"] == 5000
    assert svcs[0]["errors"]["socket"] == "0"
    inst = yangcheck.to_instance("entries", ENT_PIMD)
    assert inst["frr-rbp:entry-state"]["entries"][0]["version"] == 3
    # show e-trunk json is the map keyed by the E-Trunk ID itself
    inst = yangcheck.to_instance("etrunk", ETRUNK)
    ets = inst["frr-vrrpd-track:etrunk-state"]["etrunks"]
    assert [(e["name"], e["id"]) for e in ets] == [("1", 1), ("2", 2), ("16", 16)]
    assert ets[0]["helloSent"] == "120" and ets[0]["holdMs"] == 3000
    assert ets[0]["ethTrunks"][0]["changes"] == 2
    assert yangcheck.to_instance("etrunk", {}) == {"frr-vrrpd-track:etrunk-state": {}}


# --- broken samples that must fail ---------------------------------------------


def _svc(d):
    return d["services"]["svc1"]


def _prf_et(name):
    return lambda d: d["profiles"][name]


def _prf(d):
    return d["profiles"]["p1"]


def _ent(i):
    return lambda d: d["entries"][i]


def _rename(key, new):
    def f(o):
        o[new] = o.pop(key)
    return f


def _set(key, value):
    def f(o):
        o[key] = value
    return f


def _del(key):
    def f(o):
        del o[key]
    return f


# (id, kind, sample, daemon, where, change, what yanglint/yangcheck says)
BAD = [
    # the interfaces and VRRP states of pimd
    ("if-role-enum", "interfaces", IFS_PIMD, None, lambda d: d["interfaces"][0], _set("role", "primary"), "primary"),
    ("if-follows-enum", "interfaces", IFS_PIMD, None, lambda d: d["interfaces"][1], _set("forwardingFollows", "dr"), "dr"),
    ("vrrp-state-case", "vrrp", VRRP_PIMD, None, lambda d: d["states"][0], _set("state", "master"), "master"),
    ("vrrp-family", "vrrp", VRRP_PIMD, None, lambda d: d["states"][1], _set("family", 5), "5"),
    # misspelled keys
    ("svc-key-case", "service", SVC_PIMD, "pimd", _svc, _rename("tcpState", "tcpstate"), "tcpstate"),
    ("prf-key-typo", "profile", PRF_PIMD, "pimd", _prf, _rename("roleSource", "roleSrc"), "roleSrc"),
    ("ent-key-typo", "entries", ENT_PIMD, "pimd", _ent(2), _rename("peerInterface", "peerInterfce"), "peerInterfce"),
    ("err-class-unknown", "service", SVC_PIMD, "pimd", lambda d: _svc(d)["errors"], _set("bogus", 0), "bogus"),
    ("top-key-typo", "profile", {"profile": {}}, None, lambda d: d, lambda o: None, "profile"),
    # wrong enum values
    ("svc-enum", "service", SVC_PIMD, "pimd", _svc, _set("tcpState", "up"), "up"),
    ("svc-resync-enum", "service", SVC_PIMD, "pimd", _svc, _set("resyncState", "in-progress"), "in-progress"),
    ("prf-enum", "profile", PRF_PIMD, "pimd", _prf, _set("backupMode", "cold"), "cold"),
    ("prf-state-enum", "profile", PRF_PIMD, "pimd", _prf, _set("state", "Master"), "Master"),
    ("ent-enum", "entries", ENT_PIMD, "pimd", _ent(2), _set("state", "installing"), "installing"),
    ("ent-origin-enum", "entries", ENT_PIMD, "pimd", _ent(0), _set("origin", "remote"), "remote"),
    ("ent-filter-enum", "entries", ENT_PIMD, "pimd", _ent(0), _set("filterMode", "EXCLUDE"), "EXCLUDE"),
    # strings where numbers go (and the other way round)
    ("ent-version-str", "entries", ENT_PIMD, "pimd", _ent(0), _set("version", "3"), "version"),
    ("svc-port-str", "service", SVC_PIMD, "pimd", _svc, _set("port", "5000"), "port"),
    ("svc-counter-str", "service", SVC_PIMD, "pimd", _svc, _set("updatesSent", "7"), "updatesSent"),
    ("svc-drops-str", "service", SVC_PIMD, "pimd", _svc, _set("peerLimitDrops", "7"), "peerLimitDrops"),
    ("prf-bool-str", "profile", PRF_PIMD, "pimd", _prf, _set("active", "true"), "active"),
    ("prf-id-str", "profile", PRF_PIMD, "pimd", _prf, _set("backupId", "ten"), "backupId"),
    ("ent-group-num", "entries", ENT_PIMD, "pimd", _ent(0), _set("group", 4009820931), "group"),
    # missing list keys and mandatory leaves
    ("ent-no-group", "entries", ENT_PIMD, "pimd", _ent(0), _del("group"), "group"),
    ("ent-no-origin", "entries", ENT_PIMD, "pimd", _ent(3), _del("origin"), "origin"),
    ("svc-no-tcpstate", "service", SVC_PIMD, "pimd", _svc, _del("tcpState"), "tcpState"),
    ("svc-no-keepalive", "service", SVC_PIMD, "pimd", _svc, _del("keepaliveMs"), "keepaliveMs"),
    ("svc-no-digest", "service", SVC_PIMD, "pimd", _svc, _del("digestMs"), "digestMs"),
    ("svc-keepalive-floor", "service", SVC_PIMD, "pimd", _svc, _set("keepaliveMs", 99), "99"),
    ("svc-hold-floor", "service", SVC_PIMD, "pimd", _svc, _set("holdMs", 299), "299"),
    ("svc-hold-3ka", "service", SVC_PIMD, "pimd", _svc, _set("holdMs", 1499), "3 x keepaliveMs"),
    ("svc-negotiated-down", "service", SVC_PIMD, "pimd", lambda d: d["services"]["svc5"],
     _set("negotiatedHoldMs", 3000), "negotiatedHoldMs"),
    ("svc-negotiated-ka-alone", "service", SVC_PIMD, "pimd", _svc, _del("negotiatedHoldMs"),
     "negotiatedHoldMs"),
    ("svc-negotiated-ka-high", "service", SVC_PIMD, "pimd", _svc,
     _set("negotiatedKeepaliveMs", 700), "negotiatedKeepaliveMs"),
    ("svc-timers-configured-str", "service", SVC_PIMD, "pimd", _svc,
     _set("timersConfigured", "yes"), "timersConfigured"),
    ("svc-no-err-class", "service", SVC_PIMD, "pimd", lambda d: _svc(d)["errors"], _del("socket"), "socket"),
    ("svc-no-auth-err", "service", SVC_PIMD, "pimd", lambda d: _svc(d)["errors"], _del("write-stalled"), "write-stalled"),
    ("svc-no-auth", "service", SVC_PIMD, "pimd", _svc, _del("authentication"), "authentication"),
    ("svc-no-authfail", "service", SVC_PIMD, "pimd", lambda d: _svc(d)["authFailures"], _del("bad-mac"), "bad-mac"),
    ("svc-auth-enum", "service", SVC_PIMD, "pimd", _svc, _set("authentication", "md5"), "md5"),
    ("svc-warning-auth", "service", SVC_PIMD, "pimd", lambda d: d["services"]["svc4"],
     _set("authWarning", "x"), "authWarning"),
    ("svc-chain-noauth", "service", SVC_PIMD, "pimd", _svc, _set("authKeyChain", "k"), "authKeyChain"),
    ("svc-tcpao-enum", "service", SVC_PIMD, "pimd", _svc, _set("tcpAo", "unavailable"), "unavailable"),
    ("svc-tcpao-chain-off", "service", SVC_PIMD, "pimd", _svc, _set("tcpAoKeyChain", "k"), "tcpAoKeyChain"),
    ("svc-md5-type", "service", SVC_PIMD, "pimd", _svc, _set("tcpMd5", "on"), "tcpMd5"),
    ("prf-no-active", "profile", PRF_PIMD, "pimd", _prf, _del("active"), "active"),
    ("ent-no-profile", "entries", ENT_PIMD, "pimd", _ent(1), _del("profile"), "profile"),
    # out of range, wrong type of value
    ("svc-port-range", "service", SVC_PIMD, "pimd", _svc, _set("port", 65535), "65535"),
    ("prf-vrid-range", "profile", PRF_PIMD, "pimd", _prf, _set("vrrpId", 256), "256"),
    ("prf-family", "profile", PRF_PIMD, "pimd", _prf, _set("vrrpFamily", 5), "5"),
    ("ent-version-range", "entries", ENT_PIMD, "pimd", _ent(0), _set("version", 4), "4"),
    ("ent-bad-addr", "entries", ENT_PIMD, "pimd", _ent(0), _set("group", "239.1.3.300"), "239.1.3.300"),
    ("prf-name-long", "profile", PRF_PIMD, "pimd", _prf, _set("service", "s" * 32), "s" * 32),
    ("svc-negative", "service", SVC_PIMD, "pimd", _svc, _set("upSeconds", -1), "-1"),
    # constraints between fields (when / must)
    ("svc-channel-port", "service", SVC_PIM6D, "pim6d", _svc, _set("channelPort", 1025), "channelPort"),
    ("svc-upseconds-down", "service", SVC_PIM6D, "pim6d", _svc, _set("upSeconds", 5), "upSeconds"),
    ("svc-resync-down", "service", SVC_PIM6D, "pim6d", _svc, _set("resyncState", "done"), "resyncState"),
    ("svc-nopeer-state", "service", SVC_PIMD, "pimd", _svc, _set("tcpState", "idle (no peer)"), "tcpState"),
    ("svc-peer-alone", "service", SVC_PIMD, "pimd", _svc, _del("source"), "peer"),
    ("svc-family", "service", SVC_PIMD, "pimd", _svc, _set("source", "2001:db8::1"), "source"),
    ("prf-vrrp-none", "profile", PRF_PIMD, "pimd", _prf, _set("trackProtocol", "none"), "vrrp"),
    ("prf-peerstate", "profile", PRF_PIMD, "pimd", _prf, _set("peerState", "-"), "peerState"),
    ("prf-id-alone", "profile", PRF_PIMD, "pimd", _prf, _del("service"), "backupId"),
    ("prf-active-state", "profile", PRF_PIMD, "pimd", _prf, _set("state", "service has no peer"), "active is true"),
    ("prf-handled-type", "profile", PRF_PIMD, "pimd", lambda d: d["profiles"]["p6"], _set("state", "handled by pimd"), "handled by pimd"),
    ("prf-no-type-state", "profile", PRF_PIMD, "pimd", lambda d: d["profiles"]["p0"], _set("serviceType", "igmp"), "no service-type"),
    ("prf-rolesource-none", "profile", PRF_PIMD, "pimd", _prf, _set("roleSource", "none"), "roleSource"),
    ("prf-peertable-inactive", "profile", PRF_PIMD, "pimd", lambda d: d["profiles"]["p6"],
     _set("peerTableEntries", 3), "peerTableEntries"),
    ("prf-peertable-full-str", "profile", PRF_PIMD, "pimd", _prf, _set("peerTableFull", "yes"), "peerTableFull"),
    ("prf-peertable-dropped-neg", "profile", PRF_PIMD, "pimd", _prf, _set("peerTableDropped", -1), "-1"),
    ("ent-local-installed", "entries", ENT_PIMD, "pimd", _ent(0), _set("state", "installed"), "published"),
    ("ent-peer-published", "entries", ENT_PIMD, "pimd", _ent(2), _set("state", "published"), "published"),
    ("ent-local-peerif", "entries", ENT_PIMD, "pimd", _ent(0), _set("peerInterface", "r2-eth1"), "peerInterface"),
    ("ent-peer-no-peerif", "entries", ENT_PIMD, "pimd", _ent(2), _del("peerInterface"), "peerInterface"),
    ("ent-reason-installed", "entries", ENT_PIMD, "pimd", _ent(2), _set("reason", "x"), "reason"),
    ("ent-local-no-filter", "entries", ENT_PIMD, "pimd", _ent(0), _del("filterMode"), "filterMode"),
    ("ent-mixed-family", "entries", ENT_PIM6D, "pim6d", _ent(1), _set("source", "10.0.0.5"), "famil"),
    ("ent-mld-v3", "entries", ENT_PIM6D, "pim6d", _ent(0), _set("version", 3), "MLD version"),
    ("ent-unicast-group", "entries", ENT_PIMD, "pimd", _ent(0), _set("group", "10.1.3.3"), "not a multicast"),
    ("ent-unicast-group6", "entries", ENT_PIM6D, "pim6d", _ent(1), _set("group", "2001:db8::9"), "not a multicast"),
    ("ent-group-240", "entries", ENT_PIMD, "pimd", _ent(0), _set("group", "240.0.0.1"), "not a multicast"),
    ("ent-mcast-source", "entries", ENT_PIMD, "pimd", _ent(3), _set("source", "239.0.0.1"), "source is a multicast"),
    ("ent-mcast-source6", "entries", ENT_PIM6D, "pim6d", _ent(1), _set("source", "FF02::1"), "source is a multicast"),
    ("ent-duplicate", "entries", ENT_PIMD, "pimd", lambda d: d["entries"],
     lambda o: o.append(copy.deepcopy(o[0])), "Duplicate"),
    # FRR map whose inner name is not its key
    ("prf-name-mismatch", "profile", PRF_PIMD, "pimd", _prf, _set("name", "p9"), "p9"),
    ("svc-not-map", "service", {"services": [{"name": "svc1"}]}, None, lambda d: d, lambda o: None, "map"),
    # daemon checks
    ("svc-wrong-daemon", "service", SVC_PIMD, "pim6d", lambda d: d, lambda o: None, "serviceType"),
    ("ent-wrong-daemon", "entries", ENT_PIM6D, "pimd", lambda d: d, lambda o: None, "other family"),
    # E-Trunk role source
    ("prf-et-share-2", "profile", PRF_ET, "pim6d", _prf_et("pe"), _set("share", 2), 'value "2"'),
    ("prf-et-no-id", "profile", PRF_ET, "pim6d", _prf_et("pe"), _del("etrunkId"), "etrunkId"),
    ("prf-et-no-trunk", "profile", PRF_ET, "pim6d", _prf_et("pe"), _del("ethTrunk"), "ethTrunk"),
    ("prf-et-id-range", "profile", PRF_ET, "pim6d", _prf_et("pe"), _set("etrunkId", 17), "17"),
    ("prf-et-vrrp-leaf", "profile", PRF_ET, "pim6d", _prf_et("pe"), _set("vrrpId", 1), "vrrpId"),
    ("prf-vrrp-et-leaf", "profile", PRF_PIMD, "pimd", _prf, _set("etrunkId", 1), "etrunkId"),
    ("prf-et-lb-no-share", "profile", PRF_ET, "pim6d", _prf_et("pe"), _del("share"), "share"),
    ("prf-et-share-no-lb", "profile", PRF_ET, "pim6d", _prf_et("pw"), _set("share", 0), "share"),
    ("prf-et-active-no-lb", "profile", PRF_ET, "pim6d", _prf_et("pw"), _del("loadBalance"), "loadBalance"),
    ("prf-et-inactive-lb", "profile", PRF_ET, "pim6d", _prf_et("pi"), _set("loadBalance", False), "loadBalance"),
    ("prf-vrrp-lb", "profile", PRF_PIMD, "pimd", _prf, _set("loadBalance", False), "loadBalance"),
    ("prf-et-rolesource", "profile", PRF_ET, "pim6d", _prf_et("pe"), _set("roleSource", "vrrpd-track"), "roleSource"),
    ("prf-et-rolesource-macvlan", "profile", PRF_ET, "pim6d", _prf_et("pe"), _set("roleSource", "eth0-vrrp"), "roleSource"),
    ("prf-vrrp-rolesource-et", "profile", PRF_PIMD, "pimd", _prf, _set("roleSource", "waiting for the E-Trunk state"), "roleSource"),
    ("prf-et-reason", "profile", PRF_ET, "pim6d", _prf_et("pe"), _set("forwardingReason", "load balanced"), "load balanced"),
    ("if-et-and-vrrp", "interfaces", IFS_ET, None, lambda d: d["interfaces"][0], _set("vrrpId", 1), "not both"),
    ("if-et-no-trunk", "interfaces", IFS_ET, None, lambda d: d["interfaces"][0], _del("ethTrunk"), "ethTrunk"),
    ("if-et-track", "interfaces", IFS_ET, None, lambda d: d["interfaces"][0], _set("forwardingFollows", "track"), "profile only"),
    ("if-et-rolesource", "interfaces", IFS_ET, None, lambda d: d["interfaces"][0], _set("roleSource", "vrrpd-track"), "roleSource"),
    ("vrrp-et-family", "vrrp", VRRP_ET, None, lambda d: d["states"][0], _set("family", 4), "family"),
    ("vrrp-et-no-id", "vrrp", VRRP_ET, None, lambda d: d["states"][0], _del("etrunkId"), "etrunkId"),
    ("vrrp-et-flags", "vrrp", VRRP_ET, None, lambda d: d["states"][0], _set("etrunkFlags", 65536), "65536"),
    ("vrrp-no-vrid", "vrrp", VRRP_ET, None, lambda d: d["states"][2], _del("vrid"), "vrid"),
    ("vrrp-dup", "vrrp", VRRP_PIMD, None, lambda d: d["states"],
     lambda o: o.append(dict(o[0], state="Backup")), "Unique"),
    ("vrrp-et-dup", "vrrp", VRRP_ET, None, lambda d: d["states"],
     lambda o: o.append(dict(o[0], state="Backup")), "Unique"),
    ("ent-forwarder-enum", "entries", ENT_ET, "pim6d", _ent(0), _set("forwarder", "peer"), "peer"),
]


@pytest.mark.parametrize(
    "kind,sample,daemon,where,change,says", [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad(kind, sample, daemon, where, change, says):
    obj = copy.deepcopy(sample)
    change(where(obj))
    with pytest.raises(AssertionError) as exc:
        yangcheck.validate_json(kind, obj, daemon=daemon)
    assert says in str(exc.value)


def test_bad_vtysh_wrapper():
    with pytest.raises(AssertionError, match="bgpd"):
        yangcheck.validate_vtysh_json("service", {"pimd": SVC_PIMD, "bgpd": {}})
    with pytest.raises(AssertionError, match="serviceType"):
        yangcheck.validate_vtysh_json("service", {"pimd": SVC_PIM6D})
    with pytest.raises(AssertionError):
        yangcheck.validate_vtysh_json("profile", {})


def test_unknown_kind():
    with pytest.raises(ValueError):
        yangcheck.validate_json("services", SVC_PIMD)


# --- vrrpd-track (frr-vrrpd-track.yang) ---------------------------------

TRACK = {
    "routers": [
        {"vrid": 1, "interface": "r1-eth0", "family": 4, "state": "Master",
         "basePriority": 100, "effectivePriority": 100, "transitions": 2,
         "heldInInitialize": False, "tracked": [
             {"type": "bfd", "peer": "10.0.1.2", "interface": "r1-eth0",
              "sessionUpToDown": 0, "mode": "reduced", "value": 60,
              "state": "up", "effect": "none", "downEvents": 0},
             {"type": "monitor-group", "group": "uplinks", "failureRatio": 50,
              "downWeight": 10, "totalWeight": 20, "downPercent": 50,
              "mode": "link", "state": "down", "effect": "held in Initialize",
              "downEvents": 1, "lastChangeSecondsAgo": 3},
         ]},
        {"vrid": 1, "interface": "r1-eth0", "family": 6, "state": "Backup",
         "basePriority": 100, "effectivePriority": 40, "transitions": 1,
         "heldInInitialize": False, "preemptDelay": 10, "preemptDelays": 1,
         "preemptDelayRemaining": 4, "tracked": [
             {"type": "bfd", "peer": "fe80::2", "localAddress": "fe80::1",
              "profile": "fast", "sessionUpToDown": 2, "mode": "peer",
              "state": "down", "effect": "takeover on failure",
              "downEvents": 2, "takeovers": 1, "takeoversSuppressed": 0},
             {"type": "bfd", "peer": "10.0.9.9", "sessionUpToDown": 1,
              "mode": "reduced", "value": 60, "state": "down",
              "effect": "priority -60", "downEvents": 1,
              "lastChangeSecondsAgo": 30},
         ]},
        {"vrid": 7, "interface": "r1-eth3", "family": 4, "state": "Initialize",
         "basePriority": 254, "effectivePriority": 254, "transitions": 0,
         "heldInInitialize": True, "tracked": []},
    ],
    "publication": {
        "zebraConnected": True, "zebraConnects": 1, "sessionId": 7,
        "sent": 12, "sendFailures": 0, "transitions": 4, "deletions": 0,
        "dumps": 2, "requestsReceived": 2, "requestsAnswered": 2,
        "lastSeq": 12,
    },
}

MGROUP = {
    "groups": {
        "uplinks": {
            "downWeight": 10, "totalWeight": 20, "downPercent": 50,
            "interfaces": [
                {"interface": "r1-eth1", "downWeight": 10, "state": "down"},
                {"interface": "r1-eth2", "downWeight": 10, "state": "up"},
            ],
            "trackedBy": [{"interface": "r1-eth0", "vrid": 1, "failed": True}],
        },
        "empty": {"downWeight": 0, "totalWeight": 0, "downPercent": 0,
                  "interfaces": [], "trackedBy": []},
    }
}


def _etrunk(etid, **kw):
    """One E-Trunk of `show e-trunk json` (vrrpd-track/etrunk.c
    etrunk_show, etrunk_show_member): master with a live peer, both
    Eth-Trunks force-master, load balanced."""
    e = {"id": etid, "state": "master", "reason": "peer up", "priority": 100,
         "systemId": "02:00:00:00:01:01", "authentication": True,
         "helloMs": 1000, "holdMs": 3000,
         "peer": {"address": "2001:db8:12::2", "source": "2001:db8:12::1", "port": 1025,
                  "alive": True, "priority": 100, "systemId": "02:00:00:00:02:01",
                  "state": "backup", "holdMs": 3000},
         "bfd": "up", "bothMaster": False,
         "helloSent": 120, "helloSendErrors": 0, "helloReceived": 118, "helloInvalid": 0,
         "helloAuthFailures": 0, "helloStale": 0, "helloNotFromPeer": 0,
         "peerUps": 1, "peerDowns": 0, "stateChanges": 1,
         "ethTrunks": [
             {"interface": "Eth-Trunk1", "trunkId": 1, "mode": "force-master",
              "state": "master", "peerState": "master", "peerForceMaster": True,
              "loadBalance": True, "share": 0, "lacpActorSystem": "shared actor system",
              "changes": 2},
             {"interface": "Eth-Trunk2", "trunkId": 2, "mode": "auto", "state": "master",
              "peerState": "absent", "peerForceMaster": False, "loadBalance": False,
              "lacpActorSystem": "own actor system", "changes": 1},
             {"interface": "Eth-Trunk3", "trunkId": 3, "mode": "force-master",
              "state": "master", "peerState": "backup", "peerForceMaster": True,
              "loadBalance": False, "lacpActorSystem": "bond not in 802.3ad mode",
              "changes": 1}]}
    e.update(kw)
    return {k: v for k, v in e.items() if v is not None}


ETRUNK = {
    "1": _etrunk(1),
    # the peer configured but not heard (its socket cannot bind), IPv4
    "2": _etrunk(
        2, state="master", reason="no peer", priority=254, authentication=False,
        helloMs=100, holdMs=2000, bfd=None,
        peer={"address": "10.0.12.2", "source": "10.0.12.1", "port": 65535, "alive": False,
              "socketError": "bind 10.0.12.1 port 65535: Cannot assign requested address"},
        ethTrunks=[
            {"interface": "bond1", "trunkId": 4096, "mode": "auto", "state": "down",
             "peerState": "unknown", "peerForceMaster": False, "loadBalance": False,
             "lacpActorSystem": "none (no lacp system-id)", "changes": 0},
            {"interface": "bond2", "trunkId": 2, "mode": "force-master", "state": "master",
             "peerState": "unknown", "peerForceMaster": False, "loadBalance": False,
             "lacpActorSystem": "error: No such device", "changes": 4294967295}]),
    # no peer configured, no Eth-Trunk
    "16": _etrunk(16, state="init", reason="none", peer=None, bfd=None, ethTrunks=[]),
}


def test_track_good():
    yangcheck.validate_json("track", TRACK)
    yangcheck.validate_json("monitor-group", MGROUP)
    yangcheck.validate_json("monitor-group", {})


def test_etrunk_good():
    yangcheck.validate_json("etrunk", ETRUNK)
    yangcheck.validate_json("etrunk", {"1": ETRUNK["1"]})  # show e-trunk 1 json
    yangcheck.validate_json("etrunk", {})  # none, or show e-trunk 9 json
    # equal priority and system ID: both master
    tie = _etrunk(1, bothMaster=True, reason="peer changed")
    tie["peer"].update(state="master", systemId="02:00:00:00:01:01")
    yangcheck.validate_json("etrunk", {"1": tie})


def _tracked(r, i):
    return lambda d: d["routers"][r]["tracked"][i]


def _et(etid, trunk=None):
    if trunk is None:
        return lambda d: d[etid]
    return lambda d: d[etid]["ethTrunks"][trunk]


TRACK_BAD = [
    # show e-trunk json
    ("et-share-2", "etrunk", ETRUNK, _et("1", 0), _set("share", 2), 'value "2"'),
    ("et-share-no-lb", "etrunk", ETRUNK, _et("1", 1), _set("share", 1), "share"),
    ("et-lb-no-share", "etrunk", ETRUNK, _et("1", 0), _del("share"), "share"),
    ("et-lb-auto", "etrunk", ETRUNK, _et("1", 0), _set("mode", "auto"), "loadBalance"),
    ("et-lb-false", "etrunk", ETRUNK, _et("1", 2), _set("peerState", "master"), "loadBalance"),
    ("et-peerstate-dead", "etrunk", ETRUNK, _et("2", 0), _set("peerState", "down"), "peerState"),
    ("et-peerstate-alive", "etrunk", ETRUNK, _et("1", 1), _set("peerState", "unknown"), "peerState"),
    ("et-peerforce-absent", "etrunk", ETRUNK, _et("1", 1), _set("peerForceMaster", True), "peerForceMaster"),
    ("et-lacp", "etrunk", ETRUNK, _et("1", 0), _set("lacpActorSystem", "shared"), "shared"),
    ("et-trunk-id", "etrunk", ETRUNK, _et("1", 0), _set("trunkId", 4097), "4097"),
    ("et-key-not-id", "etrunk", ETRUNK, lambda d: d, lambda o: o.__setitem__("5", o.pop("1")), "its id"),
    ("et-key-range", "etrunk", ETRUNK, lambda d: d,
     lambda o: o.__setitem__("17", dict(o.pop("16"), id=17)), "17"),
    ("et-state-case", "etrunk", ETRUNK, _et("1"), _set("state", "Master"), "Master"),
    ("et-reason", "etrunk", ETRUNK, _et("1"), _set("reason", "election"), "election"),
    ("et-prio-255", "etrunk", ETRUNK, _et("1"), _set("priority", 255), "255"),
    ("et-sysid", "etrunk", ETRUNK, _et("1"), _set("systemId", "0200.0000.0101"), "0200.0000.0101"),
    ("et-hold-mult", "etrunk", ETRUNK, _et("1"), _set("holdMs", 2500), "multiplier"),
    ("et-dead-peer-prio", "etrunk", ETRUNK, lambda d: d["2"]["peer"], _set("priority", 3), "priority"),
    ("et-alive-no-state", "etrunk", ETRUNK, lambda d: d["1"]["peer"], _del("state"), "state"),
    ("et-peer-family", "etrunk", ETRUNK, lambda d: d["1"]["peer"], _set("source", "10.0.0.1"), "family"),
    ("et-bfd-enum", "etrunk", ETRUNK, _et("1"), _set("bfd", "Up"), "Up"),
    ("et-both-master", "etrunk", ETRUNK, _et("2"), _set("bothMaster", True), "bothMaster"),
    ("et-counter-str", "etrunk", ETRUNK, _et("1"), _set("helloSent", "120"), "helloSent"),
    ("et-no-counter", "etrunk", ETRUNK, _et("1"), _del("peerDowns"), "peerDowns"),
    ("et-dup-trunk", "etrunk", ETRUNK, lambda d: d["1"]["ethTrunks"],
     lambda o: o.append(copy.deepcopy(o[0])), "Duplicate"),
    ("et-not-map", "etrunk", {"1": [1]}, lambda d: d, lambda o: None, "not an object"),
    ("track-state-case", "track", TRACK, lambda d: d["routers"][0], _set("state", "master"), "master"),
    ("track-effect", "track", TRACK, _tracked(1, 1), _set("effect", "priority 60"), "priority 60"),
    ("track-value-peer", "track", TRACK, _tracked(1, 0), _set("value", 10), "value"),
    ("track-bfd-group", "track", TRACK, _tracked(0, 0), _set("group", "g"), "group"),
    ("track-no-peer", "track", TRACK, _tracked(0, 0), _del("peer"), "peer"),
    ("track-pub-str", "track", TRACK, lambda d: d["publication"], _set("sent", "12"), "sent"),
    ("track-no-pub", "track", TRACK, lambda d: d, _del("publication"), "zebraConnected"),
    ("track-dup-router", "track", TRACK, lambda d: d["routers"],
     lambda o: o.append(copy.deepcopy(o[0])), "Duplicate"),
    ("mgroup-weight", "monitor-group", MGROUP, lambda d: d["groups"]["uplinks"]["interfaces"][0],
     _set("downWeight", 0), "downWeight"),
    ("mgroup-key", "monitor-group", MGROUP, lambda d: d["groups"]["uplinks"],
     _rename("trackedBy", "tracked"), "tracked"),
]


@pytest.mark.parametrize(
    "kind,sample,where,change,says", [b[1:] for b in TRACK_BAD], ids=[b[0] for b in TRACK_BAD]
)
def test_track_bad(kind, sample, where, change, says):
    obj = copy.deepcopy(sample)
    change(where(obj))
    with pytest.raises(AssertionError) as exc:
        yangcheck.validate_json(kind, obj)
    assert says in str(exc.value)


# --- configuration ---------------------------------------------------------------

CONFIG = """\
frr version 10.3
hostname r1
!
remote-backup-service svc1
 peer 10.0.12.2 source 10.0.12.1 port 5000
exit
!
remote-backup-service svc6
 peer 2001:db8:10::2 source 2001:db8:10::1 port 5002
 authentication key-chain rbs-keys
 password md5-secret
 ttl-security
 timers keepalive 500 hold 2000
 timers digest 30000
exit
!
remote-backup-service idle
 tcp-ao key-chain ao-keys
 timers digest 600000
exit
!
remote-backup-profile p1
 backup-id 10 remote-backup-service svc1
 service-type igmp
 peer-backup hot
 vrrp-id 1 interface eth0
exit
!
remote-backup-profile p6
 backup-id 10 remote-backup-service svc6
 service-type mld
 peer-backup hot
 vrrp6-id 1 interface eth0
exit
!
remote-backup-profile p7
 backup-id 11 remote-backup-service svc1
 service-type igmp
 max-entries 100
exit
!
interface eth0
 ip pim
 ipv6 mld
 remote-backup-profile p1
 remote-backup-profile p6
 ip multicast track admin-vrrp interface eth9 vrid 10 ignore-if-down
 ipv6 multicast track vrrp6 vrid 1
 ip pim ignore dr-state
 ip pim ignore assert-state
 ipv6 pim ignore dr-state
exit
!
interface eth1
 remote-backup-profile p7
exit
!
"""


def test_config_good():
    assert yangcheck.validate_config(CONFIG) is None
    inst = yangcheck.config_to_instance(CONFIG)["frr-rbp:remote-backup"]
    assert [p["name"] for p in inst["profile"]] == ["p1", "p6", "p7"]
    assert inst["interface"][0]["remote-backup-profile"] == ["p1", "p6"]
    svc = {v["name"]: v for v in inst["service"]}
    assert svc["svc6"]["timers"] == {"keepalive": 500, "hold": 2000, "digest": 30000}
    assert svc["idle"]["timers"] == {"digest": 600000}
    assert "timers" not in svc["svc1"]


def test_config_seed001_mld():
    """seed 001's DeviceA, in frr-rbp's CLI."""
    yangcheck.validate_config(
        "remote-backup-service service1\n"
        " peer 2001:DB8:10::2 source 2001:DB8:10::1 port 1025\n"
        "remote-backup-profile profile1\n"
        " backup-id 10 remote-backup-service service1\n"
        " peer-backup hot\n"
        " service-type mld\n"
        " vrrp6-id 1 interface GE0/1/2\n"
        "interface GE0/1/2\n"
        " remote-backup-profile profile1\n"
    )


CONFIG_ETRUNK = """\
remote-backup-service svc1
 peer 2001:db8:12::2 source 2001:db8:12::1 port 1025
exit
!
e-trunk 1
 priority 10
 peer 2001:db8:12::2 source 2001:db8:12::1
exit
!
remote-backup-profile pe
 backup-id 20 remote-backup-service svc1
 service-type mld
 peer-backup hot
 e-trunk 1 eth-trunk Eth-Trunk1
exit
!
remote-backup-profile pi
 backup-id 21 remote-backup-service svc1
 service-type igmp
 e-trunk 16 eth-trunk Eth-Trunk1
exit
!
interface Eth-Trunk1
 e-trunk 1 trunk-id 1
 e-trunk mode force-master
 remote-backup-profile pe
 remote-backup-profile pi
exit
"""


def test_config_etrunk():
    """A profile's role from an E-Trunk (vrrpd-track's own e-trunk lines
    are not frr-rbp's and are skipped)."""
    yangcheck.validate_config(CONFIG_ETRUNK)
    prf = {p["name"]: p for p in
           yangcheck.config_to_instance(CONFIG_ETRUNK)["frr-rbp:remote-backup"]["profile"]}
    assert prf["pe"]["e-trunk"] == {"id": 1, "eth-trunk": "Eth-Trunk1"}
    # vrrp6-id after e-trunk replaces it, as the CLI does
    text = CONFIG_ETRUNK.replace(" e-trunk 1 eth-trunk Eth-Trunk1\n",
                                 " e-trunk 1 eth-trunk Eth-Trunk1\n vrrp6-id 1 interface eth0\n")
    prf = {p["name"]: p for p in
           yangcheck.config_to_instance(text)["frr-rbp:remote-backup"]["profile"]}
    assert "e-trunk" not in prf["pe"] and prf["pe"]["vrrp6-id"] == {"id": 1, "interface": "eth0"}
    for old, new, says in [("e-trunk 16 eth-trunk", "e-trunk 17 eth-trunk", "17"),
                           ("eth-trunk Eth-Trunk1\nexit\n!\nremote-backup-profile pi",
                            "eth-trunk " + "E" * 16 + "\nexit\n!\nremote-backup-profile pi",
                            "E" * 16)]:
        assert old in CONFIG_ETRUNK
        with pytest.raises(AssertionError) as exc:
            yangcheck.validate_config(CONFIG_ETRUNK.replace(old, new, 1))
        assert says in str(exc.value)


CONFIG_BAD = [
    ("bound-no-type", (" service-type igmp\n max-entries 100\n", " max-entries 100\n"), "service-type"),
    ("vrrp-family", ("vrrp6-id 1 interface eth0", "vrrp-id 1 interface eth0"), "vrrp6-id"),
    ("track-range", ("vrrp6 vrid 1", "vrrp6 vrid 0"), "0"),
    ("max-entries-range", ("max-entries 100", "max-entries 0"), "0"),
    ("timers-hold-3ka", ("keepalive 500 hold 2000", "keepalive 500 hold 1499"), "3 x keepalive"),
    ("timers-keepalive-range", ("keepalive 500 hold 2000", "keepalive 99 hold 2000"), "99"),
    ("timers-hold-range", ("keepalive 500 hold 2000", "keepalive 500 hold 180001"), "180001"),
    ("timers-digest-range", ("timers digest 30000", "timers digest 999"), "999"),
    ("timers-digest-word", ("timers digest 30000", "timers digest soon"), "soon"),
    ("dup-backup-id", ("backup-id 11 remote-backup-service svc1", "backup-id 10 remote-backup-service svc1"), "Unique"),
    ("no-service", ("backup-id 11 remote-backup-service svc1", "backup-id 11 remote-backup-service nosuch"), "nosuch"),
    ("no-profile", (" remote-backup-profile p7\n", " remote-backup-profile nosuch\n"), "nosuch"),
    ("family", ("peer 10.0.12.2 source 10.0.12.1", "peer 10.0.12.2 source 2001:db8::1"), "family"),
    ("same-address", ("source 10.0.12.1", "source 10.0.12.2"), "same address"),
    ("port-range", ("port 5000", "port 65535"), "65535"),
    ("port-overlap", ("peer 2001:db8:10::2 source 2001:db8:10::1 port 5002",
                      "peer 10.0.12.3 source 10.0.12.1 port 5001"), "overlaps"),
    ("service-type", ("service-type mld", "service-type pim"), "pim"),
    ("backup-id-range", ("backup-id 11", "backup-id 0"), "range"),
    ("vrid-range", ("vrrp-id 1 interface", "vrrp-id 256 interface"), "256"),
    ("id-not-number", ("backup-id 11", "backup-id eleven"), "eleven"),
    ("two-igmp-on-if", (" service-type mld\n peer-backup hot\n vrrp6-id",
                        " service-type igmp\n peer-backup hot\n vrrp6-id"), "service type"),
    ("three-on-if", (" remote-backup-profile p6\n", " remote-backup-profile p6\n remote-backup-profile p7\n"), "p7"),
    ("name-long", ("remote-backup-service idle", "remote-backup-service " + "x" * 32), "x" * 32),
    ("ifname-long", ("interface eth1", "interface " + "e" * 16), "e" * 16),
    ("unknown-line", ("peer-backup hot\n vrrp6-id", "peer-backup hot\n backup-mode warm\n vrrp6-id"), "backup-mode"),
    ("hot-typo", ("peer-backup hot\n vrrp6-id", "peer-backup hto\n vrrp6-id"), "hto"),
    ("vrf", ("interface eth1", "interface eth1 vrf red"), "default VRF"),
    ("md5-and-ao", (" tcp-ao key-chain ao-keys\n", " tcp-ao key-chain ao-keys\n password x\n"), "exclude"),
    ("password-long", (" password md5-secret\n", " password " + "p" * 81 + "\n"), "p" * 81),
    ("auth-typo", (" authentication key-chain rbs-keys\n", " authentication keychain rbs-keys\n"), "keychain"),
]


@pytest.mark.parametrize("old_new,says", [c[1:] for c in CONFIG_BAD], ids=[c[0] for c in CONFIG_BAD])
def test_config_bad(old_new, says):
    old, new = old_new
    assert old in CONFIG
    text = CONFIG.replace(old, new, 1)
    with pytest.raises(AssertionError) as exc:
        yangcheck.validate_config(text)
    assert says in str(exc.value)
