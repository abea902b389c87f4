#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The twin's entries pass the rules pimd applies to its own reports before
they reach pimd, and a profile holds at most max-entries of them: what is
refused is counted by reason (show remote-backup-profile json: refused)
and nothing of it is installed.  On the seed-001 topology
(lib_rbp/seed001.py, master/backup): the master r1 learns the receiver's
joins; the backup r2's configuration differs from r1's in the one rule a
case checks.

- max-entries one below what r2 holds: one entry is refused (maxEntries);
  removing the limit installs it;
- an `ip multicast boundary oil` on r2's LAN that denies a group: its
  entry stays pending for that reason (multicastBoundary); removing the
  boundary installs it;
- r2's SSM range covering an ASM group r1 replicates: the (*,G) entry is
  refused (ssmAnySource, RFC 4604) and uninstalled; back to the default
  range, it is installed again.
"""

import os
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib_rbp import seed001 as S  # noqa: E402
from lib_rbp import yangcheck  # noqa: E402
from lib_rbp.seed001 import gear  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

G1, G2 = "239.1.1.1", "239.1.1.2"
LAN = S.LAN_IF["r2"]


def setup_module(mod):
    S.start(mod.__name__, "master-backup")


def teardown_module(mod):  # pylint: disable=unused-argument
    S.stop()


def r2_conf(*lines):
    rc, out = lib_rbp.vtysh_lines(gear("r2"), "conf t", *lines)
    assert rc == 0, out


def refused(reason):
    return S.profile_state("r2", 4)["refused"][reason]


def state(group):
    e = S.find_entry("r2", 4, group, "peer")
    return e["state"] if e else None


def wait(func, desc, timeout=30):
    ok, last = lib_rbp.wait_until(func, timeout=timeout)
    assert ok, "{}: {}\n{}".format(desc, last, S.debug_state())


@pytest.fixture(scope="module")
def joins():
    recv = [lib_rbp.start_stream_receiver(gear("h1"), "h1-eth0", g) for g in (G1, G2)]
    S.wait_installed(4, G1)
    S.wait_installed(4, G2)
    yield
    for r in recv:
        lib_rbp.stop_stream_receiver(r)


def test_max_entries(joins):  # pylint: disable=unused-argument,redefined-outer-name
    "max-entries one below what the twin has: one entry refused; no limit: all held."
    before = refused("maxEntries")
    held = S.profile_state("r2", 4)["twinEntries"]
    assert held >= 2, S.profile_state("r2", 4)
    # the limit applies to records as they are made (lowering it drops
    # none): unbind and bind again to make them anew
    r2_conf("remote-backup-profile p4", "max-entries {}".format(held - 1), "exit",
            "interface " + LAN, "no remote-backup-profile p4", "remote-backup-profile p4")
    try:
        wait(lambda: S.profile_state("r2", 4)["twinEntries"] == held - 1
             and refused("maxEntries") > before, "max-entries not enforced")
        prf = S.profile_state("r2", 4)
        assert prf["maxEntries"] == held - 1, prf
        yangcheck.validate_vtysh_json("profile", lib_rbp.vtysh_json(
            gear("r2"), "show remote-backup-profile json"))
        assert " max-entries {}\n".format(held - 1) in lib_rbp.running_config(gear("r2"))
    finally:
        r2_conf("remote-backup-profile p4", "no max-entries")
    wait(lambda: state(G1) == "installed" and state(G2) == "installed"
         and S.profile_state("r2", 4)["twinEntries"] == held,
         "not every entry installed without the limit")
    assert "max-entries" not in lib_rbp.running_config(gear("r2"))


def test_multicast_boundary(joins):  # pylint: disable=unused-argument,redefined-outer-name
    "A boundary that denies G2 on r2's LAN: G2 pending, counted; removed: installed."
    before = refused("multicastBoundary")
    r2_conf("ip prefix-list RBPDENY seq 5 deny 239.1.1.2/32",
            "ip prefix-list RBPDENY seq 10 permit 0.0.0.0/0 le 32",
            "interface " + LAN, "ip multicast boundary oil RBPDENY")
    try:
        wait(lambda: state(G2) == "pending", "G2 installed through the boundary")
        e = S.find_entry("r2", 4, G2, "peer")
        assert e["reason"] == "multicast boundary of the interface", e
        assert state(G1) == "installed"
        assert refused("multicastBoundary") > before
    finally:
        r2_conf("interface " + LAN, "no ip multicast boundary oil RBPDENY")
    wait(lambda: state(G2) == "installed", "G2 not installed after the boundary went")


def test_ssm_range(joins):  # pylint: disable=unused-argument,redefined-outer-name
    "r2's SSM range covers G1: its (*,G) is refused and uninstalled; restored after."
    before = refused("ssmAnySource")
    r2_conf("ip prefix-list RBPSSM seq 5 permit 239.1.1.1/32",
            "router pim", "ssm prefix-list RBPSSM")
    try:
        wait(lambda: state(G1) is None and refused("ssmAnySource") > before,
             "(*,G1) in r2's SSM range still held")
        assert state(G2) == "installed"
    finally:
        r2_conf("router pim", "no ssm prefix-list RBPSSM")
    wait(lambda: state(G1) == "installed", "G1 not installed with the default SSM range")


def test_no_crash():
    lib_rbp.assert_no_crash()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
