# SPDX-License-Identifier: GPL-2.0-or-later
"""
Helpers for frr-rbp topotests: routers running zebra, mgmtd, staticd, pimd,
pim6d, vrrpd and bfdd (optionally with modules: pimd/pim6d `-M rbp`, vrrpd
`-M track`), configs per daemon or integrated (vtysh -f / vtysh -b), vtysh
JSON, waiting, VRRP macvlans and multicast joiners on hosts.

All router arguments are topogen TopoRouter objects (tgen.gears["r1"]);
host arguments may be TopoHost or TopoRouter.
"""

import ipaddress
import json
import os
import re
import select
import shlex
import subprocess
import time

import pytest

from lib import topotest
from lib.topogen import TopoRouter, get_topogen
from lib.topolog import logger

from lib_rbp import frrenv

__all__ = [
    "DAEMONS",
    "MODULE_ARGS",
    "RD_VRRP",
    "daemon_rd",
    "env_daemon_args",
    "merge_daemon_args",
    "write_router_file",
    "load_router_daemons",
    "load_router_integrated",
    "start_routers",
    "restart_daemons",
    "running_daemons",
    "missing_daemons",
    "asan_problems",
    "vtysh",
    "vtysh_status",
    "vtysh_json",
    "cmd_json",
    "apply_config",
    "wait_until",
    "wait_json",
    "vrrp_vmac",
    "add_vrrp_macvlan",
    "vrrp_states",
    "start_mcast_join",
    "stop_mcast_join",
    "vtysh_lines",
    "start_stream_sender",
    "start_stream_receiver",
    "stream_receiver_count",
    "stream_receiving",
    "stop_stream_receiver",
    "longest_gap",
    "gear",
    "running_config",
    "skip_on_failure",
    "assert_no_crash",
    "vrrp_roles",
    "load_json",
]

# Every router of the project's tests runs these (staticd too: zebra's
# static routes live there since FRR 6, and topotest starts it with zebra).
DAEMONS = ("zebra", "mgmtd", "staticd", "pimd", "pim6d", "vrrpd", "bfdd")

# Module options of the frr-rbp modules (loaded from the daemons' moduledir:
# pimd_rbp.so, pim6d_rbp.so, vrrpd_track.so).
MODULE_ARGS = {"pimd": "-M rbp", "pim6d": "-M rbp", "vrrpd": "-M track"}

RD_VRRP = frrenv.RD_VRRP

# Environment hook: extra daemon arguments for every router a test starts
# through load_router_daemons()/load_router_integrated(), e.g.
#   RBP_DAEMON_ARGS="pimd=-M rbp;pim6d=-M rbp;vrrpd=-M track"
# or RBP_DAEMON_ARGS=modules (shorthand for MODULE_ARGS).
# RBP_MODULEDIR=DIR adds `--moduledir DIR` to daemons that load modules
# (to test modules from a build tree without installing them).
ENV_DAEMON_ARGS = "RBP_DAEMON_ARGS"
ENV_MODULEDIR = "RBP_MODULEDIR"

_JOINER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcast_join.py")
_PYTHON = "/usr/bin/python3"
_STREAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcast_stream.py")


def daemon_rd(name):
    """TopoRouter.RD_* id of a daemon name ("pimd" -> TopoRouter.RD_PIM)."""
    for rd, dname in TopoRouter.RD.items():
        if dname == name:
            return rd
    raise KeyError("daemon {} unknown to the topotest library".format(name))


def env_daemon_args(var=ENV_DAEMON_ARGS):
    """Parse $RBP_DAEMON_ARGS ("d=args;d=args" or "modules") into a dict."""
    val = os.environ.get(var, "").strip()
    if not val:
        return {}
    if val == "modules":
        return dict(MODULE_ARGS)
    out = {}
    for item in val.split(";"):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ValueError("{}: bad item {!r} (want daemon=args)".format(var, item))
        d, a = item.split("=", 1)
        out[d.strip()] = a.strip()
    return out


def merge_daemon_args(*dicts):
    """Merge daemon->args dicts; args for the same daemon are concatenated."""
    out = {}
    for d in dicts:
        for k, v in (d or {}).items():
            if v:
                out[k] = (out[k] + " " + v) if out.get(k) else v
    return out


def _final_args(daemon_args, use_env):
    args = merge_daemon_args(daemon_args, env_daemon_args() if use_env else None)
    mdir = os.environ.get(ENV_MODULEDIR)
    if mdir:
        for d, a in args.items():
            if "-M" in shlex.split(a) and "--moduledir" not in a:
                args[d] = a + " --moduledir " + mdir
    return args


def write_router_file(router, name, text):
    """Write text to <logdir>/<router>/<name> (visible in the router's
    namespace at the same path) and return the path."""
    d = os.path.join(router.logdir, router.name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    os.chmod(path, 0o644)
    return path


def _config_source(router, daemon, config):
    """A config given as a path is used as is; a string with a newline (or
    not naming an existing file) is config text, written to a file."""
    if config is None:
        return None
    if "\n" not in config and os.path.isfile(config):
        return config
    return write_router_file(router, "{}.conf.in".format(daemon), config)


def load_router_daemons(router, configs=None, daemons=DAEMONS, daemon_args=None,
                        use_env=True):
    """Enable `daemons` on router with per-daemon configs.

    configs: {daemon: path or config text}; daemons without one start empty.
    daemon_args: {daemon: "extra args"} e.g. MODULE_ARGS; merged with
    $RBP_DAEMON_ARGS unless use_env=False.  Call before start_routers().
    """
    configs = dict(configs or {})
    args = _final_args(daemon_args, use_env)
    unknown = set(configs) - set(daemons)
    if unknown:
        raise ValueError("configs for daemons not started: {}".format(sorted(unknown)))
    # zebra first: loadConf() auto-adds mgmtd/staticd with zebra (and copies
    # zebra.conf for mgmtd); ours overrides that for listed daemons.
    order = sorted(daemons, key=lambda d: d != "zebra")
    for d in order:
        src = _config_source(router, d, configs.get(d))
        router.load_config(daemon_rd(d), src if src else "", args.get(d))
    return args


def load_router_integrated(router, config, daemons=DAEMONS, daemon_args=None,
                           use_env=True):
    """Enable `daemons` with one integrated config (frr.conf).

    config: path or text.  It is installed as /etc/frr/frr.conf with
    `service integrated-vtysh-config`; the daemons start empty and the
    topotest library applies it with `vtysh -f /etc/frr/frr.conf` once all
    are up (same code path as `vtysh -b`).  Call before start_routers().
    """
    args = _final_args(daemon_args, use_env)
    src = _config_source(router, "frr", config)
    router.load_config(TopoRouter.RD_FRR, src)
    order = sorted(daemons, key=lambda d: d != "zebra")
    for d in order:
        router.load_config(daemon_rd(d), "", args.get(d))
    return args


def _daemon_errors(router, daemons):
    """Tail of <daemon>.err of each listed daemon (why it did not start)."""
    out = []
    for d in daemons:
        path = os.path.join(router.logdir, router.name, "{}.err".format(d))
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                tail = f.read().strip().splitlines()[-5:]
        except OSError:
            tail = ["(no {})".format(path)]
        out.append("{}/{}: {}".format(router.name, d, " | ".join(tail) or "(empty)"))
    return out


def start_routers(tgen=None, routers=None):
    """Start all (or the listed) routers.  Raises RuntimeError naming the
    daemons that are not running and the end of their stderr (FRR's
    startRouterDaemons() hides that behind a NameError in 10.3)."""
    tgen = tgen or get_topogen()
    names = routers or list(tgen.routers().keys())
    gears = [tgen.gears[n] if isinstance(n, str) else n for n in names]
    error = None
    started = []
    for r in gears:
        started.append(r)
        try:
            tgen.start_router(r)
        except Exception as e:  # pylint: disable=broad-except
            error = e
            break
    problems = []
    for r in started:
        miss = missing_daemons(r)
        if miss:
            problems.extend(_daemon_errors(r, miss))
        else:
            problems.extend(asan_problems(r))
    if problems or error:
        msg = "routers did not start: " + "; ".join(problems or [repr(error)])
        raise RuntimeError(msg) from error


def running_daemons(router):
    """Names of FRR daemons with a live process (from their pid files)."""
    return {name for name, _pid in router.net.listDaemons()}


def missing_daemons(router, daemons=None):
    """Enabled (or listed) daemons that are not running."""
    if daemons is None:
        daemons = [d for d, on in router.net.daemons.items() if on]
    run = running_daemons(router)
    return sorted(d for d in daemons if d not in run)


def asan_problems(router, daemons=None):
    """Under run.sh --asan ($RBP_ASAN_PRELOAD set): check that every running
    daemon of the ASan set that was given -M has the ASan runtime and the
    modules of $RBP_MODULEDIR mapped.  Returns a list of problems ([] when
    all is well, or without --asan)."""
    a = frrenv.asan_settings()
    if not a:
        return []
    mdir = os.environ.get(ENV_MODULEDIR)
    problems = []
    for name, pid in router.net.listDaemons():
        if name not in a["daemons"] or (daemons and name not in daemons):
            continue
        if not re.search(r"(^|\s)-M\s*\S", router.net.daemons_options.get(name, "")):
            continue
        rc, maps, _ = router.net.cmd_status(["cat", "/proc/{}/maps".format(pid)], warn=False)
        if rc:
            continue  # gone meanwhile: missing_daemons() reports that
        if os.path.basename(a["preload"]) not in maps:
            problems.append("{}/{}: {} not loaded (LD_PRELOAD)".format(
                router.name, name, a["preload"]))
        if mdir and os.path.realpath(mdir) + "/" not in maps and mdir + "/" not in maps:
            problems.append("{}/{}: no module from {} loaded".format(router.name, name, mdir))
    return problems


def restart_daemons(router, daemons, reapply=None):
    """SIGKILL then restart daemons (same args as before, e.g. -M options).

    With an integrated config the restarted daemons come up empty: pass
    reapply=True to run `vtysh -f /etc/frr/frr.conf` again (vtysh -b style),
    or a config text/path to apply instead.
    """
    router.killDaemons(list(daemons))
    router.startDaemons(list(daemons))
    problems = asan_problems(router, daemons)
    if problems:
        raise RuntimeError("; ".join(problems))
    if reapply is True:
        return apply_config(router, None, boot=True)
    if reapply:
        return apply_config(router, reapply)
    return None


def vtysh_status(router, command, daemon=None):
    """Run one vtysh command; return (rc, stdout, stderr)."""
    cmd = ["vtysh"]
    if daemon:
        cmd += ["-d", daemon]
    cmd += ["-c", command]
    rc, out, err = router.net.cmd_status(cmd, warn=False)
    router.logger.debug("vtysh %r -> rc %s\n%s%s", command, rc, out, err)
    return rc, out, err


def vtysh(router, command, daemon=None):
    """Run one vtysh command and return its output (stdout)."""
    return vtysh_status(router, command, daemon)[1]


def vtysh_json(router, command, daemon=None):
    """Run a vtysh `... json` command and return the parsed JSON.

    Raises ValueError (with the output) when the output is not JSON, unlike
    TopoRouter.vtysh_cmd(isjson=True) which returns {}.
    """
    rc, out, err = vtysh_status(router, command, daemon)
    try:
        return json.loads(out)
    except ValueError as e:
        raise ValueError(
            "{}: `{}` rc={} gave no JSON: {!r} {!r}".format(
                router.name, command, rc, out[:500], err[:500]
            )
        ) from e


def cmd_json(node, argv):
    """Run a command (argv list) in node's namespace and parse its JSON
    output, e.g. cmd_json(r1, ["ip", "-j", "-d", "link", "show", "dev", "x"])."""
    return json.loads(node.net.cmd_raises(list(argv)))


def apply_config(router, config, boot=False, check=True):
    """Apply config through vtysh in router.

    boot=False: config (text or path) is applied with `vtysh -f FILE`
    (added to the running configuration, like a config-file replay).
    boot=True: `vtysh -b`: apply /etc/frr/frr.conf; if config is given it
    first replaces /etc/frr/frr.conf.
    Returns vtysh's output; raises RuntimeError if vtysh fails and check.
    """
    if config is not None:
        src = _config_source(router, "vtysh-apply", config)
    if boot:
        if config is not None:
            router.net.cmd_raises(["cp", src, "/etc/frr/frr.conf"])
            router.net.cmd_raises(["chown", "frr:frr", "/etc/frr/frr.conf"])
        cmd = ["vtysh", "-b"]
    else:
        if config is None:
            raise ValueError("config required unless boot=True")
        cmd = ["vtysh", "-f", src]
    rc, out, err = router.net.cmd_status(cmd, warn=False)
    router.logger.debug("%s -> rc %s\n%s%s", " ".join(cmd), rc, out, err)
    if rc and check:
        raise RuntimeError(
            "{}: {} failed ({}):\n{}{}".format(router.name, " ".join(cmd), rc, out, err)
        )
    return out + err


def wait_until(func, timeout=30.0, interval=0.5, desc=None):
    """Call func() until it returns a truthy value or timeout seconds pass.

    Exceptions raised by func count as "not yet" (the last one is kept).
    Returns (True, value) or (False, last value or exception).  Like
    topotest.run_and_expect but with a predicate and a time budget.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = func()
            if last:
                return True, last
        except Exception as e:  # pylint: disable=broad-except
            last = e
        if time.monotonic() >= deadline:
            logger.info("wait_until %s: gave up after %ss: %r", desc or func, timeout, last)
            return False, last
        time.sleep(interval)


def wait_json(router, command, expected, timeout=30.0, interval=1.0, exact=False):
    """Poll a vtysh JSON command until topotest.json_cmp(out, expected) is None.

    Returns None on success, else the last json_cmp_result (whose str()
    explains the difference): `assert wait_json(...) is None, msg`.
    """
    state = {"res": None}

    def _check():
        try:
            out = vtysh_json(router, command)
        except ValueError as e:
            state["res"] = str(e)
            return False
        state["res"] = topotest.json_cmp(out, expected, exact=exact)
        return state["res"] is None

    ok, _ = wait_until(_check, timeout, interval, desc="{}: {}".format(router.name, command))
    return None if ok else state["res"]


def vrrp_vmac(vrid, family=4):
    """VRRP virtual MAC: 00:00:5e:00:01:VRID (IPv4), 00:00:5e:00:02:VRID (IPv6)."""
    if not 1 <= int(vrid) <= 255:
        raise ValueError("VRID must be 1..255")
    return "00:00:5e:00:{:02x}:{:02x}".format(1 if family == 4 else 2, int(vrid))


def add_vrrp_macvlan(node, parent, vrid, family=4, addresses=(), name=None):
    """Create the macvlan vrrpd needs for a VRRP group (FRR doc/user/vrrp.rst).

    On `parent` in node's namespace: macvlan mode bridge, addrgenmode random,
    MAC vrrp_vmac(vrid, family), the virtual addresses (prefix length
    included, e.g. "192.168.1.254/24"; IPv6 ones with nodad since both
    routers hold them), link up.  zebra does not create it; do this before
    or after the daemons start.  Default name vrrp<family>-<ifindex>-<vrid>.
    Returns the interface name.
    """
    net = node.net
    if name is None:
        out = net.cmd_raises(["ip", "-j", "link", "show", "dev", parent])
        ifindex = json.loads(out)[0]["ifindex"]
        name = "vrrp{}-{}-{}".format(family, ifindex, vrid)
    # `addrgenmode random` is set after creation: given to `ip link add`
    # (as in FRR's doc) this kernel answers EAFNOSUPPORT.
    net.cmd_raises(
        ["ip", "link", "add", name, "link", parent, "type", "macvlan", "mode", "bridge"]
    )
    net.cmd_raises(["ip", "link", "set", "dev", name, "addrgenmode", "random"])
    net.cmd_raises(["ip", "link", "set", "dev", name, "address", vrrp_vmac(vrid, family)])
    for a in addresses:
        ver = ipaddress.ip_interface(a).version
        if ver != family:
            raise ValueError("{} is not IPv{}".format(a, family))
        cmd = ["ip", "-{}".format(ver), "addr", "add", a, "dev", name]
        if ver == 6:
            cmd.append("nodad")
        net.cmd_raises(cmd)
    net.cmd_raises(["ip", "link", "set", "dev", name, "up"])
    return name


def vrrp_states(router, family=4):
    """{(interface, vrid): status} from `show vrrp json` ("Master",
    "Backup", "Initialize"), for the v4 or v6 instance."""
    key = "v4" if family == 4 else "v6"
    out = {}
    for vr in vtysh_json(router, "show vrrp json"):
        out[(vr["interface"], vr["vrid"])] = vr[key]["status"]
    return out


def start_mcast_join(host, ifname, groups, source=None, timeout=10.0):
    """Join groups (IPv4 or IPv6) on host's ifname with a small python
    process (lib_rbp/mcast_join.py) that holds the membership until
    stop_mcast_join().  Returns the Popen; raises if the join failed."""
    if isinstance(groups, str):
        groups = [groups]
    cmd = [_PYTHON, _JOINER, ifname] + list(groups)
    if source:
        cmd += ["--source", source]
    p = host.net.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding="utf-8")
    want = set(groups)
    seen = set()
    deadline = time.monotonic() + timeout
    # the pipe's descriptor, not the buffered file: select() does not see
    # lines a readline() already pulled into the buffer (many groups)
    fd = p.stdout.fileno()
    pending = b""
    while seen != want:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            if line.startswith(b"joined "):
                seen.add(line.split()[1].decode())
    if seen != want:
        stop_mcast_join(p)
        err = p.stderr.read() if p.stderr else ""
        raise RuntimeError(
            "{}: joining {} on {} failed: {}".format(host.name, groups, ifname, err)
        )
    return p


def stop_mcast_join(proc, timeout=5.0):
    """Stop a joiner from start_mcast_join, or one driven through its stdin
    (bench and scale joiners: stdin is closed first); the kernel then
    sends leaves."""
    if proc.poll() is None:
        if proc.stdin:
            proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def vtysh_lines(router, *lines):
    """Run several lines in one vtysh session ("conf t", ...); return
    (rc, stdout + stderr)."""
    cmd = ["vtysh"]
    for line in lines:
        cmd += ["-c", line]
    rc, out, err = router.net.cmd_status(cmd, warn=False)
    router.logger.debug("vtysh %r -> rc %s\n%s%s", lines, rc, out, err)
    return rc, out + err


def start_stream_sender(host, ifname, group, rate=1000, port=5000):
    """Send a sequence-numbered multicast stream from host until killed
    (lib_rbp/mcast_stream.py send)."""
    cmd = [_PYTHON, _STREAM, "send", ifname, group, "--rate", str(rate),
           "--port", str(port)]
    return host.net.popen(cmd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, encoding="utf-8")


class StreamReceiver:
    "A running mcast_stream.py recv and its progress lines."

    def __init__(self, proc, out):
        self.proc = proc
        self.out = out
        self.rx = 0
        self.last = 0
        self.pending = b""


def start_stream_receiver(host, ifname, group, source=None, exclude=None,
                          port=5000, timeout=10.0):
    """Join group on host's ifname and count the stream; returns a
    StreamReceiver once joined.  stop_stream_receiver() gives the summary
    (received, lost, max_gap_ms, gaps ...)."""
    out = "/tmp/frr-rbp-stream-{}-{}-{}-{}.json".format(host.name, ifname, group,
                                                          os.getpid())
    cmd = [_PYTHON, _STREAM, "recv", ifname, group, "--port", str(port),
           "--out", out]
    if source:
        cmd += ["--source", source]
    if exclude:
        cmd += ["--exclude", exclude]
    p = host.net.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding="utf-8")
    r, _, _ = select.select([p.stdout], [], [], timeout)
    line = p.stdout.readline() if r else ""
    if not line.startswith("joined"):
        p.kill()
        raise RuntimeError("{}: stream receiver did not join {}: {}".format(
            host.name, group, p.stderr.read()))
    return StreamReceiver(p, out)


def stream_receiver_count(recv):
    """Packets received so far (reads the receiver's status lines).

    Reads the pipe's descriptor, not the buffered file object: select()
    does not see lines a readline() has already pulled into the buffer,
    which would leave the count seconds behind."""
    fd = recv.proc.stdout.fileno()
    while select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        recv.pending += chunk
    *lines, recv.pending = recv.pending.split(b"\n")
    for line in lines:
        if line.startswith(b"rx "):
            parts = line.split()
            recv.rx, recv.last = int(parts[1]), int(parts[3])
    return recv.rx


def stream_receiving(recv, window=1.0, rate=1000):
    """True if the stream arrives now: more than half of `rate` packets/s
    over `window` s, counted between two status lines printed after this
    call.  (They come once a second: the first read may still return a
    line printed before a failure, and count packets that came before it
    as new ones.)"""
    time.sleep(1.1)
    before = stream_receiver_count(recv)
    time.sleep(window + 1.1)
    return stream_receiver_count(recv) - before > rate / 2 * window


def longest_gap(summary, since, until=None):
    """The longest gap (ms) of a receiver's summary whose first packet
    after it came at or after `since` (and before `until`), monotonic s;
    0.0 if none."""
    gaps = [g[2] for g in summary["gaps"] if g[1] >= since and (until is None or g[1] < until)]
    return max(gaps, default=0.0)


def stop_stream_receiver(recv, timeout=10.0):
    """Stop the receiver (it leaves the group); return its JSON summary."""
    if recv.proc.poll() is None:
        recv.proc.terminate()
        try:
            recv.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            recv.proc.kill()
            recv.proc.wait()
    with open(recv.out, encoding="utf-8") as f:
        summary = json.load(f)
    os.unlink(recv.out)
    return summary


# --- what every test module needs ---------------------------------------


def gear(name):
    "A node of the running topology: get_topogen().gears[name]."
    return get_topogen().gears[name]


def running_config(router):
    """`show running-config` from its first "!" on, without the per-daemon
    `log file` lines the harness starts daemons with (one of them survives
    `write memory`, then applies to all): what a round trip must keep."""
    out = vtysh(router, "show running-config")
    out = out[out.index("!"):]
    return "".join(
        line for line in out.splitlines(True) if not line.startswith("log file ")
    )


def skip_on_failure(tgen=None):
    "Skip the test if a router of the topology has failed (FRR's idiom)."
    tgen = tgen or get_topogen()
    if tgen.routers_have_failure():
        pytest.skip(tgen.errors)


def assert_no_crash(tgen=None, routers=None):
    """The check of a module's last test (`test_no_crash`): every daemon
    enabled on the routers (by default every router of the topology) still
    runs and answers vtysh; a daemon that died during the module fails it."""
    tgen = tgen or get_topogen()
    for rn in routers or list(tgen.routers()):
        r = tgen.gears[rn]
        assert missing_daemons(r) == [], "{}: not running: {}".format(rn, missing_daemons(r))
        status = r.check_router_running()
        assert status == "", status


def load_json(*path):
    """A JSON file, e.g. the expected output of a show command beside a test:
    load_json(CWD, "r1", "show_bfd_peers.json") (for topotest.router_json_cmp)."""
    with open(os.path.join(*path), encoding="utf-8") as f:
        return json.load(f)


def vrrp_roles(vrid, family=4, routers=("r1", "r2"), ifname="{}-eth0"):
    """{router: "Master"|"Backup"|"Initialize"|None} of VRRP vrid on each
    router's interface ifname.format(router), one family."""
    return {
        rn: vrrp_states(gear(rn), family).get((ifname.format(rn), vrid))
        for rn in routers
    }
