#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Configuration files with garbage in them, applied the three ways an
operator applies a file: `vtysh -f FILE`, `vtysh -b` (boot, the file is
/etc/frr/frr.conf) and `copy FILE running-config`.  Each must finish,
apply the valid lines, say which lines it refused, and leave every daemon
running and answering.

The garbage: over-long lines (4094 and 9000 characters: the length at
which FRR 10.3's vtysh and daemons hung before patches 0007/0008), a
5000-character remote-backup-service name, binary junk, a peer line with
junk, a remote-backup-profile name of 300 characters, a line of 5000
letters.  A block whose first line fails is skipped to its exit, and the
valid blocks after it are applied (patch 0008).

    r1 -- sw1        (LAN 10.0.1.0/24)
"""

import os
import sys

import pytest

CWD = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(CWD, ".."))

# pylint: disable=wrong-import-position
import lib_rbp  # noqa: E402
from lib.topogen import Topogen, get_topogen  # noqa: E402

pytestmark = [pytest.mark.pimd, pytest.mark.pim6d, pytest.mark.vrrpd, pytest.mark.rbp]

def build_topo(tgen):
    tgen.add_router("r1")
    sw = tgen.add_switch("sw1")
    sw.add_link(tgen.gears["r1"])


def setup_module(mod):
    tgen = Topogen(build_topo, mod.__name__)
    tgen.start_topology()
    lib_rbp.load_router_integrated(tgen.gears["r1"], os.path.join(CWD, "r1/frr.conf"),
                                   daemon_args=lib_rbp.MODULE_ARGS)
    lib_rbp.start_routers(tgen)


def teardown_module(mod):  # pylint: disable=unused-argument
    get_topogen().stop_topology()


def r1():
    return get_topogen().gears["r1"]


PORTS = {"f": 2100, "b": 2110, "c": 2120}


def garbage_file(tag):
    """A configuration with a valid service and profile of name `tag`
    between lines of garbage."""
    port = PORTS[tag]
    return "\n".join([
        "remote-backup-service " + "S" * 5000,
        " peer 10.0.1.2 source 10.0.1.1 port 2100",
        "exit",
        "remote-backup-service svc-" + tag,
        " peer 10.0.1.2 source 10.0.1.1 port {}".format(port),
        " peer 10.0.1.2 source 10.0.1.1 port {} ".format(port) + "x" * 4050,
        " peer junk junk junk",
        "exit",
        "!" + " comment " * 1000,
        "a" * 5000,
        "\x01\x02\x03\xff garbage \x7f",
        "remote-backup-service svc-" + tag.ljust(4094, "z"),
        "remote-backup-profile prf-" + tag,
        " backup-id 10 remote-backup-service svc-" + tag,
        " service-type igmp",
        "exit",
        "remote-backup-profile " + "p" * 300,
        # an interface of its own per file: one igmp profile per interface
        "interface lan-" + tag,
        " remote-backup-profile prf-" + tag,
        " description " + "d" * 9000,
        "exit",
    ]) + "\n"


def write_file(name, text):
    path = lib_rbp.write_router_file(r1(), name, text)
    r1().net.cmd_raises(["chmod", "644", path])
    return path


def responsive():
    "Every daemon runs and pimd, pim6d and vrrpd answer."
    assert lib_rbp.missing_daemons(r1(), lib_rbp.DAEMONS) == []
    js = lib_rbp.vtysh_json(r1(), "show remote-backup-service json")
    for daemon in ("pimd", "pim6d"):
        assert "services" in js[daemon], js
    lib_rbp.vtysh_json(r1(), "show vrrp json")


def applied(tag):
    run = lib_rbp.vtysh(r1(), "show running-config")
    return ("remote-backup-service svc-{}\n peer 10.0.1.2 source 10.0.1.1 port {}\n".format(
        tag, PORTS[tag]) in run
            and "remote-backup-profile prf-{}\n backup-id 10 remote-backup-service svc-{}\n"
                " service-type igmp\n".format(tag, tag) in run
            and "interface lan-{}\n remote-backup-profile prf-{}\n".format(tag, tag) in run
            and "S" * 100 not in run and "p" * 100 not in run and "zzzz" not in run
            and "d" * 100 not in run)


def run_timed(cmd):
    # a hang fails the test instead of the whole run
    rc, out, err = r1().net.cmd_status(["timeout", "60"] + cmd, warn=False)
    assert rc != 124, "{} hung:\n{}{}".format(" ".join(cmd), out, err)
    return rc, out + err


def test_vtysh_f():
    path = write_file("garbage-f.conf", garbage_file("f"))
    rc, out = run_timed(["vtysh", "-f", path])
    assert rc != 0, out
    assert "Line too long" in out, out
    assert "Skipped, the first line of its block failed" in out, out
    assert "name is too long" in out, out
    assert applied("f"), lib_rbp.vtysh(r1(), "show running-config")
    responsive()


def test_vtysh_b():
    boot = lib_rbp.vtysh(r1(), "show running-config")
    boot = boot[boot.index("frr version"):] if "frr version" in boot else boot
    text = boot + garbage_file("b")
    path = write_file("garbage-b.conf", text)
    r1().net.cmd_raises(["cp", path, "/etc/frr/frr.conf"])
    r1().net.cmd_raises(["chown", "frr:frr", "/etc/frr/frr.conf"])
    rc, out = run_timed(["vtysh", "-b"])
    assert rc != 0, out
    assert applied("b"), lib_rbp.vtysh(r1(), "show running-config")
    responsive()


def test_copy_running_config():
    path = write_file("garbage-copy.conf", garbage_file("c"))
    rc, out = run_timed(["vtysh", "-c", "copy {} running-config".format(path)])
    assert applied("c"), (rc, out, lib_rbp.vtysh(r1(), "show running-config"))
    responsive()


def test_long_command():
    "A command longer than the daemons' buffer is refused whole, not cut."
    rc, out = run_timed(["vtysh", "-c", "conf t", "-c",
                         "interface r1-eth0", "-c", "description " + "d" * 5000 + " ip pim"])
    assert rc != 0, out
    run = lib_rbp.vtysh(r1(), "show running-config")
    assert "d" * 100 not in run, run
    responsive()


if __name__ == "__main__":
    sys.exit(pytest.main(["-s"] + sys.argv[1:]))
