#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The install test: the seed-001 lab run from the installed Debian packages.

    install_test.py ROOT [--full] [--log FILE]

ROOT is a clean Debian root (tests/install/run.sh makes it with mmdebstrap
and installs the packages into it with apt).  Each router (up, r1, r2) runs
in its own network namespace on an overlay of ROOT (its own /etc/frr and
/run/frr, ROOT untouched), started the way `systemctl start frr` starts
FRR: /usr/lib/frr/frrinit.sh start (watchfrr, the daemons from /usr/lib/frr
with the options of /etc/frr/daemons).  r1 and r2 use the package's example
files as they are: /usr/share/doc/frr-rbp/examples/{daemons,seed001-rN.conf}.
The source, the snooping switch and the receiver run the host's tools.

Steps (each asserts; the first failure stops the test):
  1. the packages' files: modules, vtysh diverted, YANG, frr-reload.py's
     keywords, the Wireshark plugin;
  2. frrinit.sh starts every daemon with its module; roles from VRRP;
     the channel up (authenticated: key chain, TCP-MD5, GTSM);
  3. the receiver joins (IGMP, MLD); r2 holds r1's entries hot; the
     streams arrive once;
  4. pimd of r1 killed with SIGKILL: watchfrr restarts it with its
     configuration, r2 forwarded meanwhile, the channel resyncs;
  5. `frrinit.sh reload` (frr-reload.py, what `systemctl reload frr`
     runs): the service's port changed on both twins, VRRP tracking
     (preempt delay) added, a profile removed and added again: no daemon
     restarts, the channel comes back on the new port; the channel's
     capture at the reconnect decoded by the installed dissector;
  6. --full: tshark installed in the root loads the dissector from
     Wireshark's plugin directory (no -X option);
  7. frr-rbp removed with apt: the warning about /etc/frr/daemons, FRR's
     own vtysh back, FRR starts and runs without the modules.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
LIB = os.path.join(TOP, "tests", "topotests", "lib_rbp")
PY = "/usr/bin/python3"
NSP = "rbpi-"
ROUTERS = ("up", "r1", "r2")
HOSTS = ("sw1", "h1", "src")
MULTIARCH = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"],
                           capture_output=True, text=True, check=False).stdout.strip() \
    or "x86_64-linux-gnu"
MODDIR = "/usr/lib/{}/frr/modules".format(MULTIARCH)
PLUGIN = "/usr/lib/{}/wireshark/plugins/frr-rbp.lua".format(MULTIARCH)
GROUP = {4: "239.1.1.1", 6: "ff15::1:1"}
GM = {4: "pimd", 6: "pim6d"}
IPV = {4: "ip", 6: "ipv6"}

LOG = sys.stdout
WORK = None
ROOT = None
PROCS = []
T0 = time.monotonic()


def say(*lines):
    for line in lines:
        LOG.write("[{:6.1f}] {}\n".format(time.monotonic() - T0, line))
    LOG.flush()


class Failed(Exception):
    pass


def run(cmd, check=True, timeout=300, input=None):  # pylint: disable=redefined-builtin
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input,
                           check=False, shell=isinstance(cmd, str))
    except subprocess.TimeoutExpired as e:
        raise Failed("command timed out after {} s: {}".format(timeout, cmd)) from e
    if check and p.returncode != 0:
        raise Failed("command failed ({}): {}\n{}{}".format(p.returncode, cmd, p.stdout,
                                                          p.stderr))
    return p


def ns(name):
    return ["ip", "netns", "exec", NSP + name]


def merged(rn):
    return os.path.join(WORK, rn, "merged")


def chroot_cmd(root, script, netns=None):
    """Run a shell script chrooted in root, in a private mount namespace
    with its own /proc and /sys (of the network namespace) and /dev, and
    the router's host name (its own UTS namespace, as a router has)."""
    wrapper = ('hostname "$2" && mount -t proc proc "$0/proc" && '
               'mount -t sysfs sysfs "$0/sys" && '
               'mount --rbind /dev "$0/dev" && exec chroot "$0" /usr/bin/env -i '
               'PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 '
               'DEBIAN_FRONTEND=noninteractive /bin/sh -c "$1"')
    cmd = ["unshare", "--mount", "--uts", "--propagation", "private", "--fork", "sh", "-c",
           wrapper, root, script, netns or "install"]
    return (ns(netns) if netns else []) + cmd


def in_router(rn, script, check=True, timeout=120):
    return run(chroot_cmd(merged(rn), script, rn), check=check, timeout=timeout)


def frrinit(rn, action, check=True):
    """/usr/lib/frr/frrinit.sh ACTION in rn (what systemctl start/reload/stop
    frr runs); its output.  The daemons it starts must not inherit our
    pipe, so it writes to a file first."""
    return in_router(rn, "/usr/lib/frr/frrinit.sh {} >/tmp/frrinit.out 2>&1; rc=$?; "
                     "cat /tmp/frrinit.out; exit $rc".format(action), check=check,
                     timeout=180).stdout


def vtysh(rn, *cmds, check=True):
    args = " ".join("-c '{}'".format(c) for c in cmds)
    return in_router(rn, "vtysh " + args, check=check).stdout


def vtysh_json(rn, cmd):
    out = vtysh(rn, cmd)
    try:
        return json.loads(out)
    except ValueError as e:
        raise Failed("{}: `{}` gave no json: {}".format(rn, cmd, out[:300])) from e


def wait(desc, func, timeout=60, interval=0.5):
    end = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = func()
        except Failed as e:
            last = str(e)
        else:
            if last:
                return last
        if time.monotonic() > end:
            raise Failed("{} did not happen in {} s (last: {})".format(desc, timeout, last))
        time.sleep(interval)


def check(cond, desc):
    if not cond:
        raise Failed(desc)
    say("ok: " + desc)


# --- the lab ------------------------------------------------------------


def setup_network():
    for n in ROUTERS + HOSTS:
        run(["ip", "netns", "add", NSP + n])
        run(ns(n) + ["ip", "link", "set", "lo", "up"])
    links = [("r1", "r1-eth0", "up", "up-eth0"), ("r2", "r2-eth0", "up", "up-eth1"),
             ("src", "src-eth0", "up", "up-eth2"), ("r1", "r1-eth1", "sw1", "sw1-eth0"),
             ("r2", "r2-eth1", "sw1", "sw1-eth1"), ("h1", "h1-eth0", "sw1", "sw1-eth2"),
             ("r1", "r1-eth2", "r2", "r2-eth2")]
    for a, ia, b, ib in links:
        run(["ip", "link", "add", ia, "netns", NSP + a, "type", "veth", "peer", "name", ib,
             "netns", NSP + b])
        run(ns(a) + ["ip", "link", "set", ia, "up"])
        run(ns(b) + ["ip", "link", "set", ib, "up"])
    # the snooping switch: reports (and leaves) to r1's port only, as the
    # seed's access link to the backup carries none (lib_rbp/seed001.py)
    sw = ns("sw1")
    run(sw + ["ip", "link", "add", "sw1", "type", "bridge", "mcast_snooping", "1",
              "mcast_igmp_version", "3", "mcast_mld_version", "2",
              "mcast_querier_interval", "1200"])
    for p in ("sw1-eth0", "sw1-eth1", "sw1-eth2"):
        run(sw + ["ip", "link", "set", p, "master", "sw1"])
    run(sw + ["ip", "link", "set", "sw1", "up"])
    run(sw + ["nft", "-f", "-"], input=(
        "table bridge rbp_snoop {\n chain forward {\n"
        "  type filter hook forward priority 0; policy accept;\n"
        '  oifname "sw1-eth1" ip protocol igmp igmp type != membership-query drop\n'
        '  oifname "sw1-eth1" meta l4proto ipv6-icmp icmpv6 type { mld-listener-report, '
        "mld-listener-done, mld2-listener-report } drop\n }\n}\n"))
    for host, ifname, a4, gw4, a6, gw6 in (
            ("h1", "h1-eth0", "10.0.1.10/24", "10.0.1.254", "2001:db8:1::10/64",
             "2001:db8:1::fe"),
            ("src", "src-eth0", "10.0.10.2/24", "10.0.10.1", "2001:db8:10::2/64",
             "2001:db8:10::1")):
        h = ns(host)
        run(h + ["ip", "addr", "add", a4, "dev", ifname])
        run(h + ["ip", "route", "add", "default", "via", gw4])
        run(h + ["ip", "-6", "addr", "add", a6, "dev", ifname, "nodad"])
        run(h + ["ip", "-6", "route", "add", "default", "via", gw6])
    for rn in ROUTERS:
        r = ns(rn)
        for key in ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"):
            run(r + ["sysctl", "-qw", key])
    # the LAN: fixed link-local addresses, the macvlans vrrpd needs
    for rn, ll in (("r1", "fe80::1"), ("r2", "fe80::2")):
        r = ns(rn)
        lan = rn + "-eth1"
        run(r + ["ip", "-6", "addr", "flush", "dev", lan, "scope", "link"])
        run(r + ["ip", "-6", "addr", "add", ll + "/64", "dev", lan, "nodad"])
        ifindex = json.loads(run(r + ["ip", "-j", "link", "show", "dev", lan]).stdout)[0][
            "ifindex"]
        for fam, mac, addr in ((4, "00:00:5e:00:01:01", "10.0.1.254/24"),
                               (6, "00:00:5e:00:02:01", "2001:db8:1::fe/64")):
            name = "vrrp{}-{}-1".format(fam, ifindex)
            run(r + ["ip", "link", "add", name, "link", lan, "type", "macvlan", "mode",
                     "bridge"])
            run(r + ["ip", "link", "set", "dev", name, "addrgenmode", "random"])
            run(r + ["ip", "link", "set", "dev", name, "address", mac])
            run(r + ["ip", "addr", "add", addr, "dev", name] +
                (["nodad"] if fam == 6 else []))
            run(r + ["ip", "link", "set", "dev", name, "up"])


def mount_overlay(name):
    d = os.path.join(WORK, name)
    for sub in ("upper", "work", "merged"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    run(["mount", "-t", "overlay", "overlay", "-o",
         "lowerdir={},upperdir={}/upper,workdir={}/work".format(ROOT, d, d), merged(name)])


def install_file(rn, content, path, owner="frr:frr", mode="0640"):
    dst = merged(rn) + path
    with open(dst, "w", encoding="utf-8") as f:
        f.write(content)
    in_router(rn, "chown {} {} && chmod {} {}".format(owner, path, mode, path))


def doc_example(rn, name):
    "An example of the frr-rbp package, as installed (compressed or not)."
    base = merged(rn) + "/usr/share/doc/frr-rbp/examples/" + name
    for path in (base, base + ".gz"):
        if os.path.exists(path):
            return run(["zcat", "-f", path]).stdout
    raise Failed("example {} not installed".format(name))


def configure(rn):
    if rn == "up":
        daemons = open(merged(rn) + "/etc/frr/daemons", encoding="utf-8").read()
        daemons = daemons.replace("pimd=no", "pimd=yes").replace("pim6d=no", "pim6d=yes")
        conf = open(os.path.join(TOP, "tests/topotests/seed001/up/frr.conf"),
                    encoding="utf-8").read()
    else:
        daemons = doc_example(rn, "daemons")
        conf = doc_example(rn, "seed001-{}.conf".format(rn))
        # the lab's logs, for the note and for a failure's diagnosis
        conf = conf.replace("service integrated-vtysh-config\n",
                            "service integrated-vtysh-config\nlog file /var/log/frr/frr.log\n"
                            "debug remote-backup\n")
    install_file(rn, daemons, "/etc/frr/daemons")
    install_file(rn, conf, "/etc/frr/frr.conf")


def pids(rn):
    "daemon -> pid, from the pid files frrinit.sh's daemons write."
    out = {}
    for f in glob.glob(merged(rn) + "/run/frr/*.pid"):
        name = os.path.basename(f)[:-4]
        try:
            pid = int(open(f, encoding="utf-8").read().strip())
        except ValueError:
            continue
        if os.path.exists("/proc/{}".format(pid)):
            out[name] = pid
    return out


def cmdline(pid):
    with open("/proc/{}/cmdline".format(pid), "rb") as f:
        return f.read().replace(b"\0", b" ").decode().strip()


def profile_state(rn, fam):
    js = vtysh_json(rn, "show remote-backup-profile json")
    return js[GM[fam]]["profiles"]["p4" if fam == 4 else "p6"]


def service(rn, fam):
    return vtysh_json(rn, "show remote-backup-service json")[GM[fam]]["services"]["svc1"]


def twin_entries(rn, fam):
    js = vtysh_json(rn, "show {} remote-backup entries json".format(IPV[fam]))
    return [e for e in js["entries"] if e["group"] == GROUP[fam] and e["origin"] == "peer"
            and e["state"] in ("installed", "local")]


def roles(fam):
    return (profile_state("r1", fam)["state"], profile_state("r2", fam)["state"])


class Receiver:
    def __init__(self, fam):
        self.out = os.path.join(WORK, "recv{}.json".format(fam))
        self.proc = subprocess.Popen(
            ns("h1") + [PY, os.path.join(LIB, "mcast_stream.py"), "recv", "h1-eth0",
                        GROUP[fam], "--out", self.out],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        PROCS.append(self.proc)
        line = self.proc.stdout.readline()
        if not line.startswith("joined"):
            raise Failed("receiver of {} did not join: {}".format(GROUP[fam], line))
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.rx = 0
        self.buf = ""

    def count(self):
        try:
            chunk = os.read(self.proc.stdout.fileno(), 65536).decode()
        except BlockingIOError:
            chunk = ""
        self.buf += chunk
        *lines, self.buf = self.buf.split("\n")
        for line in lines:
            if line.startswith("rx "):
                self.rx = int(line.split()[1])
        return self.rx

    def receiving(self):
        "More than half of the 1000 packets/s in the last 2 s."
        time.sleep(1.1)
        before = self.count()
        time.sleep(2.1)
        return self.count() - before > 1000

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        with open(self.out, encoding="utf-8") as f:
            return json.load(f)


def sender(fam):
    p = subprocess.Popen(ns("src") + [PY, os.path.join(LIB, "mcast_stream.py"), "send",
                                      "src-eth0", GROUP[fam], "--rate", "1000"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    PROCS.append(p)
    return p


# --- the steps ----------------------------------------------------------


def step_files():
    say("== 1. the installed files")
    r = ROOT
    for mod in ("pimd_rbp.so", "pim6d_rbp.so", "vrrpd_track.so"):
        check(os.path.exists(r + MODDIR + "/" + mod), "module {}/{}".format(MODDIR, mod))
    div = run(["chroot", r, "dpkg-divert", "--list", "/usr/bin/vtysh"]).stdout.strip()
    check("by frr-rbp" in div and "vtysh.frr" in div, "vtysh diverted: " + div)
    check(os.path.exists(r + "/usr/bin/vtysh.frr"), "FRR's vtysh kept as /usr/bin/vtysh.frr")
    same = run(["cmp", "-s", r + "/usr/bin/vtysh", r + "/usr/bin/vtysh.frr"], check=False)
    check(same.returncode == 1, "/usr/bin/vtysh is frr-rbp's, not FRR's")
    for y in ("frr-rbp.yang", "frr-vrrpd-track.yang"):
        check(os.path.exists(r + "/usr/share/yang/" + y), "YANG model /usr/share/yang/" + y)
    check(os.path.exists(r + "/usr/lib/frr/reload-contexts.d/frr-rbp.json"),
          "frr-reload.py's keywords /usr/lib/frr/reload-contexts.d/frr-rbp.json")
    # a relative link inside the root: resolve it there, not on the host
    target = r + PLUGIN
    if os.path.islink(target):
        target = r + os.path.normpath(os.path.join(os.path.dirname(PLUGIN),
                                                   os.readlink(target)))
    check(os.path.isfile(target), "Wireshark plugin {} -> {}".format(PLUGIN, target[len(r):]))
    vers = run(["chroot", r, "dpkg-query", "-W", "-f", "${Package} ${Version}\n", "frr",
                "frr-rbp", "frr-pythontools", "libyang3"]).stdout
    say("installed:", *vers.strip().splitlines())
    check("+rbp" in vers, "the +rbp versions installed")


def step_start():
    say("== 2. frrinit.sh starts FRR with the modules")
    setup_network()
    for rn in ROUTERS:
        mount_overlay(rn)
        configure(rn)
    for rn in ROUTERS:
        out = frrinit(rn, "start")
        say("{}: frrinit.sh start: {}".format(rn, " ".join(out.split())[:300]))
    for rn in ("r1", "r2"):
        p = wait("{}'s daemons".format(rn),
                 lambda rn=rn: (lambda d: d if {"watchfrr", "zebra", "mgmtd", "pimd", "pim6d",
                                                 "vrrpd", "bfdd"} <= set(d) else None)(
                     pids(rn)), timeout=60)
        for d, mod in (("pimd", "-M rbp"), ("pim6d", "-M rbp"), ("vrrpd", "-M track")):
            line = cmdline(p[d])
            check(line.startswith("/usr/lib/frr/" + d) and mod in line,
                  "{} {} runs as: {}".format(rn, d, line))
    for fam in (4, 6):
        wait("IPv{} roles master/backup".format(fam), lambda fam=fam: roles(fam) == (
            "master", "backup"), timeout=90)
        wait("IPv{} channel".format(fam), lambda fam=fam: all(
            service(rn, fam)["tcpState"] == "established" for rn in ("r1", "r2")), timeout=60)
    svc = service("r1", 4)
    check(svc["tcpState"] == "established", "channel established, r1 -> {} port {}".format(
        svc["peer"], svc["port"]))
    say(vtysh("r1", "show remote-backup-service"))


def step_replication(recv):
    say("== 3. replication")
    for fam in (4, 6):
        wait("r2 holds r1's {}".format(GROUP[fam]), lambda fam=fam: twin_entries("r2", fam),
             timeout=60)
        check(True, "r2 holds r1's entry of {} ({})".format(GROUP[fam],
                                                           twin_entries("r2", fam)[0]["state"]))
        wait("stream of " + GROUP[fam], recv[fam].receiving, timeout=60)
        check(True, "the receiver gets the stream of " + GROUP[fam])
    say(vtysh("r2", "show ip remote-backup entries"))


def step_kill_pimd(recv):
    say("== 4. r1's pimd killed (SIGKILL): watchfrr restarts it")
    old = pids("r1")
    t_kill = time.monotonic()
    os.kill(old["pimd"], signal.SIGKILL)
    new = wait("a new pimd", lambda: (lambda p: p if p.get("pimd") not in (None, old["pimd"])
                                      else None)(pids("r1")), timeout=60)
    say("pimd {} -> {} ({:.1f} s after the kill)".format(old["pimd"], new["pimd"],
                                                          time.monotonic() - t_kill))
    check(all(new.get(d) == old[d] for d in old if d != "pimd"),
          "only pimd restarted (watchfrr)")
    check("-M rbp" in cmdline(new["pimd"]), "the new pimd loaded the module: " +
          cmdline(new["pimd"]))
    wait("r1's pimd configured and the channel up again",
         lambda: service("r1", 4)["tcpState"] == "established", timeout=90)
    check(True, "r1's new pimd has its configuration and the channel is established")
    # the new pimd's channel got the entries r2 held for it back (resync)
    wait("resync", lambda: service("r1", 4)["entriesReceived"] > 0, timeout=60)
    wait("r2 holds r1's entries again", lambda: twin_entries("r2", 4), timeout=60)
    wait("r1 master again", lambda: profile_state("r1", 4)["state"] == "master", timeout=90)
    check(True, "resynced: r1's new pimd received {} entries from r2, r2 holds r1's entry "
          "again, r1 is the IGMP master again".format(service("r1", 4)["entriesReceived"]))
    wait("stream of " + GROUP[4], recv[4].receiving, timeout=60)
    check(True, "the receiver gets the stream of {} after pimd's restart".format(GROUP[4]))
    return t_kill


def edit_conf(rn, edits):
    path = merged(rn) + "/etc/frr/frr.conf"
    with open(path, encoding="utf-8") as f:
        conf = f.read()
    for old, new in edits:
        if old not in conf:
            raise Failed("{}: '{}' not in frr.conf".format(rn, old.strip()))
        conf = conf.replace(old, new)
    with open(path, "w", encoding="utf-8") as f:
        f.write(conf)


def reload(rn):
    """What `systemctl reload frr` runs; returns its output and the
    commands frr-reload.py executed (its log, /var/log/frr/frr-reload.log)."""
    log = merged(rn) + "/var/log/frr/frr-reload.log"
    seen = os.path.getsize(log) if os.path.exists(log) else 0
    before = pids(rn)
    out = frrinit(rn, "reload")
    after = pids(rn)
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(seen)
        new = f.read()
    executed = [line.split(": ", 1)[1] for line in new.splitlines()
                if " INFO: Executed " in line or " ERROR: " in line]
    check(not any("Failed" in e or "ERROR" in e for e in executed) and
          not [e for e in new.splitlines() if " ERROR: " in e],
          "{}: frr-reload.py executed every command".format(rn))
    check(not any(" no vrrp 1 " in e + " " for e in executed),
          "{}: the reload left the VRRP router alone".format(rn))
    check("failure" not in out.lower() and "% " not in out,
          "{}: every line of the reload applied at the first try".format(rn))
    out += "\n".join(executed) + "\n"
    # frrinit.sh reload restarts watchfrr (to pick up added daemons), and
    # only watchfrr
    before.pop("watchfrr", None)
    after.pop("watchfrr", None)
    check(before == after, "{}: frrinit.sh reload: no routing daemon restarted".format(rn))
    return out


def step_reload():
    say("== 5. reload (frrinit.sh reload -> frr-reload.py)")
    cap = os.path.join(WORK, "channel.pcap")
    tcpdump = subprocess.Popen(ns("r2") + ["tcpdump", "-i", "r2-eth2", "-s", "0", "-U", "-w",
                                           cap, "tcp"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    PROCS.append(tcpdump)
    time.sleep(1)
    logs = []
    for rn in ("r1", "r2"):
        edit_conf(rn, [(" port 2100\n", " port 2110\n")])
        logs.append("--- {}: the service's port 2100 -> 2110\n{}".format(rn, reload(rn)))
    for fam in (4, 6):
        wait("the channel on port 2110", lambda fam=fam: all(
            service(rn, fam)["port"] == 2110 and service(rn, fam)["tcpState"] == "established"
            for rn in ("r1", "r2")), timeout=90)
    check(True, "the channel is up again on ports 2110/2111 (IGMP/MLD)")
    time.sleep(2)
    tcpdump.terminate()
    tcpdump.wait(10)

    edit_conf("r2", [(" vrrp 1 priority 150\n", " vrrp 1 priority 150\n vrrp 1 preempt delay 30\n")])
    logs.append("--- r2: VRRP tracking: vrrp 1 preempt delay 30\n" + reload("r2"))
    js = vtysh_json("r2", "show vrrp interface r2-eth1 1 track json")
    delays = [r.get("preemptDelay") for r in js["routers"]]
    check(30 in delays, "r2's vrrpd-track has the preempt delay: {}".format(delays))

    conf = open(merged("r2") + "/etc/frr/frr.conf", encoding="utf-8").read()
    start = conf.index("remote-backup-profile p6\n")
    block = conf[start:conf.index("exit\n", start) + 5]
    edit_conf("r2", [(block, ""), (" remote-backup-profile p6\n", "")])
    logs.append("--- r2: profile p6 removed\n" + reload("r2"))
    js = vtysh_json("r2", "show remote-backup-profile json")
    check("p6" not in js["pim6d"].get("profiles", {}), "r2's profile p6 removed")
    edit_conf("r2", [("\nremote-backup-profile p4\n", "\n" + block + "remote-backup-profile p4\n"),
                     (" remote-backup-profile p4\n", " remote-backup-profile p4\n"
                      " remote-backup-profile p6\n")])
    logs.append("--- r2: profile p6 added again\n" + reload("r2"))
    wait("p6 back", lambda: roles(6) == ("master", "backup"), timeout=60)
    wait("r2 holds r1's MLD entry again", lambda: twin_entries("r2", 6), timeout=60)
    check(True, "r2's profile p6 back, master/backup, r1's MLD entry resynced")
    diff = vtysh("r2", "show running-config")
    check("vrrp 1 preempt delay 30" in diff and " port 2110" in diff,
          "r2's running configuration has the reloaded lines")
    with open(os.path.join(WORK, "reload.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(logs))
    say("reload outputs: {}".format(os.path.join(WORK, "reload.log")))
    return cap


def step_dissector(cap, full):
    say("== 6. the Wireshark dissector on the reconnect's capture")
    plugin = ROOT + PLUGIN
    fields = ["-T", "fields", "-e", "tcp.dstport", "-e", "rbs.msgtype", "-e", "rbs.version"]
    out = run(["tshark", "-n", "-r", cap, "-X", "lua_script:" + plugin, "-Y", "rbs"] +
              fields).stdout
    lines = [line for line in out.splitlines() if line.strip()]
    check(lines, "the host's tshark with the installed plugin decodes {} RBS frames".format(
        len(lines)))
    check(any("2110" in line or "2111" in line for line in lines),
          "frames of the new port 2110/2111 decoded")
    if not full:
        return
    say("installing tshark in r1's root (apt)")
    # mmdebstrap leaves neither package lists nor a resolver behind
    shutil.copy("/etc/resolv.conf", merged("r1") + "/etc/resolv.conf")
    run(chroot_cmd(merged("r1"), "apt-get update -qq && apt-get install -y -qq "
                   "--no-install-recommends tshark 2>&1 | tail -5"), timeout=900)
    shutil.copy(cap, merged("r1") + "/tmp/channel.pcap")
    plug = in_router("r1", "tshark -G plugins 2>/dev/null | grep -i frr-rbp || true").stdout
    check("frr-rbp.lua" in plug, "Wireshark in the root lists the plugin: " + plug.strip())
    out = in_router("r1", "tshark -n -r /tmp/channel.pcap -Y rbs -T fields -e rbs.msgtype "
                    "2>/dev/null | sort | uniq -c").stdout
    check(out.strip(), "tshark in the root decodes the channel with no option:\n" + out)


def step_remove():
    say("== 7. frr-rbp removed: FRR without the modules")
    for rn in ROUTERS:
        frrinit(rn, "stop", check=False)
    mount_overlay("rm")
    run(["ip", "netns", "add", NSP + "rm"])
    run(ns("rm") + ["ip", "link", "set", "lo", "up"])
    orig = open(ROOT + "/etc/frr/daemons", encoding="utf-8").read()
    install_file("rm", doc_example("rm", "daemons"), "/etc/frr/daemons")
    out = in_router("rm", "apt-get remove -y frr-rbp 2>&1")
    say(*[line for line in out.stdout.splitlines() if "frr-rbp" in line])
    check("/etc/frr/daemons still loads its modules" in out.stdout,
          "apt-get remove warns that /etc/frr/daemons still loads the modules")
    div = in_router("rm", "dpkg-divert --list /usr/bin/vtysh").stdout.strip()
    check(not div, "no diversion of vtysh left")
    owner = in_router("rm", "dpkg -S /usr/bin/vtysh").stdout.strip()
    check(owner.startswith("frr:"), "/usr/bin/vtysh is frr's again ({})".format(owner))
    check(not os.path.exists(merged("rm") + MODDIR + "/pimd_rbp.so"), "modules removed")
    install_file("rm", orig.replace("pimd=no", "pimd=yes").replace("pim6d=no", "pim6d=yes")
                 .replace("vrrpd=no", "vrrpd=yes"), "/etc/frr/daemons")
    install_file("rm", "frr defaults traditional\nhostname rm\n"
                 "service integrated-vtysh-config\nrouter pim\nexit\n", "/etc/frr/frr.conf")
    frrinit("rm", "start")
    wait("FRR without the modules", lambda: {"pimd", "pim6d", "vrrpd"} <= set(pids("rm")),
         timeout=60)
    ver = vtysh("rm", "show version")
    check("FRRouting 10.3" in ver, "FRR runs without frr-rbp: " + ver.splitlines()[0])
    bad = vtysh("rm", "configure terminal", "remote-backup-service x", check=False)
    check("Unknown command" in bad or "nknown" in bad,
          "FRR's vtysh does not know the modules' commands")
    frrinit("rm", "stop", check=False)


def cleanup():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    for n in ROUTERS + HOSTS + ("rm",):
        out = run(["ip", "netns", "pids", NSP + n], check=False).stdout.split()
        for pid in out:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
    time.sleep(0.5)
    for n in ROUTERS + HOSTS + ("rm",):
        run(["ip", "netns", "del", NSP + n], check=False)
    for n in ROUTERS + ("rm",):
        run(["umount", "-l", merged(n)], check=False)


def main():
    global LOG, WORK, ROOT  # pylint: disable=global-statement
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    ROOT = os.path.realpath(args.root)
    WORK = args.work or tempfile.mkdtemp(prefix="frr-rbp-install-")
    os.makedirs(WORK, exist_ok=True)
    cleanup()
    recv = {}
    ok = False
    try:
        step_files()
        step_start()
        for fam in (4, 6):
            sender(fam)
        recv = {fam: Receiver(fam) for fam in (4, 6)}
        step_replication(recv)
        t_kill = step_kill_pimd(recv)
        t_reload = time.monotonic()
        cap = step_reload()
        t_reloaded = time.monotonic()
        step_dissector(cap, args.full)
        summary = {fam: recv[fam].stop() for fam in (4, 6)}
        for fam in (4, 6):
            s = summary[fam]
            gaps = [g[2] for g in s["gaps"] if g[1] >= t_kill]
            say("receiver {}: {} packets, {} lost, {} duplicates; longest gap since r1's "
                "pimd was killed {:.0f} ms".format(GROUP[fam], s.get("received"),
                                                   s.get("lost"), s.get("duplicates"),
                                                   max(gaps, default=0.0)))
            for first, last, n in s.get("duplicate_spans", []):
                say("  {} duplicates from {:.1f} s to {:.1f} s".format(
                    n, first - T0, last - T0))
        # a reload is no failure: the twin must not forward along with the
        # master meanwhile (the channel's Bye says the close is on purpose)
        for fam in (4, 6):
            during = [d for d in summary[fam].get("duplicate_spans", [])
                      if d[1] >= t_reload and d[0] <= t_reloaded]
            check(not during, "no duplicate of {} during the reloads: {}".format(
                GROUP[fam], during))
        step_remove()
        ok = True
    except Failed as e:
        say("FAILED: {}".format(e))
        for rn in ROUTERS:
            log = merged(rn) + "/var/log/frr/frr.log"
            if os.path.exists(log):
                say("--- {}'s frr.log (last 30 lines)".format(rn))
                say(*open(log, encoding="utf-8", errors="replace").read().splitlines()[-30:])
    finally:
        cleanup()
    say("install test {} ({:.0f} s); work directory {}".format(
        "passed" if ok else "FAILED", time.monotonic() - T0, WORK))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
