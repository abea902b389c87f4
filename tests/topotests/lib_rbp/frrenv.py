# SPDX-License-Identifier: GPL-2.0-or-later
"""
Make FRR's topotest library (tests/topotests/{lib,munet} of an FRR 10.3
source tree) usable against the frr-rbp build installed under /opt/frr-rbp,
without editing the FRR tree.

install() is idempotent and must run before FRR's conftest.py is imported
(lib_rbp.pytest_plugin does that).  It:

  1. puts $FRR_TREE/tests/topotests on sys.path (FRR's `lib` and `munet`);
  2. points the harness at our daemons: topogen's default `frrdir`
     (tgen_defaults) and the [topogen] section of our pytest.ini, which FRR's
     library would otherwise never read (it only reads the pytest.ini next to
     its own lib/);
  3. replaces lib.topogen.diagnose_env() with a check of what this project
     builds (FRR's insists on ospfd, ripd, isisd, pbrd... and reads
     /proc/modules);
  4. replaces lib.topotest.module_present_linux(), which opens /proc/modules
     (absent in this sandbox): falls back to /sys/module/<name> and modprobe;
  5. teaches the harness about vrrpd: TopoRouter.RD_VRRP and a "vrrpd" entry
     in every topotest.Router's daemon table, so load_config(RD_VRRP, conf,
     "-M track") starts vrrpd like any other daemon;
  6. rewrites commands that FRR's library runs from the hard-coded
     /usr/lib/frr (frr-reload.py in reset_config_on_routers(),
     generate_support_bundle.py on failures, fpm_listener) to the installed
     frrdir, and gives frr-reload.py `--bindir` of our vtysh;
  7. with $RBP_ASAN_PRELOAD set (run.sh --asan): starts the daemons that
     load a module (pimd, pim6d, vrrpd given -M) with the ASan runtime
     preloaded and ASan/UBSan options for a long-running daemon, the
     reports going where FRR's library already looks for them;
  8. check_for_backtraces_rbp(), which lib_rbp.pytest_plugin puts in place
     of the check FRR's conftest runs after every test: FRR's reads the
     daemons' logs as strict ASCII, and one byte that is not (a name read
     from freed memory, say) fails every later test of the module with a
     UnicodeDecodeError.
"""

import configparser
import grp
import logging
import os
import pwd
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOPOTESTS_DIR = os.path.dirname(HERE)
OUR_PYTEST_INI = os.path.join(TOPOTESTS_DIR, "pytest.ini")

DEFAULT_FRR_TREE = "/var/cache/frr-rbp/build/frr"
DEFAULT_PREFIX = "/opt/frr-rbp"
DISTRO_FRRDIR = "/usr/lib/frr"

# Daemons the project's topotests need (FRR's diagnose_env asks for others).
REQUIRED_DAEMONS = ("zebra", "mgmtd", "staticd", "pimd", "pim6d", "vrrpd", "bfdd")
# Only needed by some tests (FRR's own pim_basic / multicast_mld_join_topo1).
OPTIONAL_DAEMONS = ("bgpd",)

_installed = False
_settings = {}


def _read_our_ini():
    cfg = configparser.ConfigParser()
    cfg.read(OUR_PYTEST_INI)
    return cfg


def settings():
    """Resolved paths: frr_tree, topotests (FRR's), frrdir, bindir, moduledir."""
    if _settings:
        return dict(_settings)
    cfg = _read_our_ini()
    frr_tree = os.environ.get("FRR_TREE", DEFAULT_FRR_TREE)
    prefix = os.environ.get("FRR_RBP_PREFIX", DEFAULT_PREFIX)
    frrdir = os.environ.get("FRR_DIR") or cfg.get(
        "topogen", "frrdir", fallback=os.path.join(prefix, "lib/frr")
    )
    bindir = os.environ.get("FRR_BINDIR") or cfg.get(
        "topogen", "bindir", fallback=os.path.join(prefix, "bin")
    )
    _settings.update(
        frr_tree=frr_tree,
        topotests=os.path.join(frr_tree, "tests", "topotests"),
        frrdir=frrdir,
        bindir=bindir,
        moduledir=os.path.join(frrdir, "modules"),
    )
    return dict(_settings)


def _setup_sys_path(s):
    ttdir = s["topotests"]
    if not os.path.isdir(os.path.join(ttdir, "lib")) or not os.path.isdir(
        os.path.join(ttdir, "munet")
    ):
        raise RuntimeError(
            "FRR topotest library not found in {} (set FRR_TREE)".format(ttdir)
        )
    if ttdir not in sys.path:
        sys.path.insert(0, ttdir)
    # vtysh is called from PATH by FRR's library: ours must come first.
    path = os.environ.get("PATH", "").split(os.pathsep)
    if not path or path[0] != s["bindir"]:
        path = [s["bindir"]] + [p for p in path if p != s["bindir"]]
        os.environ["PATH"] = os.pathsep.join(path)


# --------------------------------------------------------------------------
# 3. diagnose_env
# --------------------------------------------------------------------------
def diagnose_env_rbp(rundir):
    """Environment check for this project (replaces lib.topogen.diagnose_env).

    Returns True when the harness can run.  Findings are logged to
    <rundir>/diagnostics.txt like FRR's version does.
    """
    from lib import topolog  # pylint: disable=import-outside-toplevel
    from lib.topolog import logger  # pylint: disable=import-outside-toplevel

    s = settings()
    ok = True
    os.makedirs(rundir, exist_ok=True)
    fh = logging.FileHandler(
        filename=os.path.join(rundir, "diagnostics.txt"), mode="w"
    )
    fh.setLevel(logging.DEBUG)
    fh.setFormatter(logging.Formatter(fmt=topolog.FORMAT))
    logger.addHandler(fh)
    try:
        logger.info("Running frr-rbp environment diagnostics (frrdir %s)", s["frrdir"])
        if os.getuid() != 0:
            logger.error("you must run topotest as root")
            ok = False
        for tool in ("ip", "nsenter", "unshare"):
            if shutil.which(tool) is None:
                logger.error("could not find %s binary", tool)
                ok = False
        if shutil.which("gdb") is None:
            logger.warning("gdb not installed: no backtraces from core files")
        for user, group in (("frr", "frr"),):
            try:
                pwd.getpwnam(user)
                grp.getgrnam(group)
            except KeyError:
                logger.error('user/group "%s" missing', user)
                ok = False
        try:
            if "frr" not in grp.getgrnam("frrvty").gr_mem:
                logger.error('"frr" user is not in group "frrvty"')
                ok = False
        except KeyError:
            logger.error('group "frrvty" missing')
            ok = False
        if not os.path.isdir(s["frrdir"]):
            logger.error("frrdir %s does not exist", s["frrdir"])
            ok = False
        for d in REQUIRED_DAEMONS:
            if not os.access(os.path.join(s["frrdir"], d), os.X_OK):
                logger.error("could not find %s in %s", d, s["frrdir"])
                ok = False
        for d in OPTIONAL_DAEMONS:
            if not os.access(os.path.join(s["frrdir"], d), os.X_OK):
                logger.warning("%s not in %s: tests using it will fail", d, s["frrdir"])
        vtysh = shutil.which("vtysh")
        want = os.path.join(s["bindir"], "vtysh")
        if vtysh is None:
            logger.error("no vtysh on PATH (expected %s)", want)
            ok = False
        elif os.path.realpath(vtysh) != os.path.realpath(want):
            logger.error("vtysh on PATH is %s, not %s", vtysh, want)
            ok = False
        zebra = os.path.join(s["frrdir"], "zebra")
        if os.access(zebra, os.X_OK):
            p = subprocess.run(
                [zebra, "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                check=False, encoding="utf-8", errors="replace",
            )
            if p.returncode != 0:
                logger.error("%s -v failed: %s", zebra, p.stdout.strip())
                ok = False
            else:
                logger.info("zebra -v: %s", p.stdout.strip().splitlines()[0])
        if not os.path.exists("/proc/modules"):
            logger.info("/proc/modules absent: module checks use /sys/module")
    finally:
        logger.removeHandler(fh)
        fh.close()
    return ok


# --------------------------------------------------------------------------
# 4. module_present_linux
# --------------------------------------------------------------------------
def module_present_linux_rbp(module, load):
    """Like lib.topotest.module_present_linux without requiring /proc/modules."""
    name = module.replace("-", "_")
    try:
        with open("/proc/modules", "r", encoding="ascii") as f:
            if name in f.read():
                return True
    except OSError:
        pass
    if os.path.isdir(os.path.join("/sys/module", name)):
        return True
    modprobe = shutil.which("modprobe") or (
        "/sbin/modprobe" if os.path.exists("/sbin/modprobe") else None
    )
    if modprobe is None:
        return False
    cmd = [modprobe] + ([] if load else ["-n"]) + [module]
    return (
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        ).returncode
        == 0
    )


# --------------------------------------------------------------------------
# 5. vrrpd
# --------------------------------------------------------------------------
RD_VRRP = 23  # FRR 10.3 uses 0..22 (topogen.py TopoRouter.RD)
EXTRA_DAEMONS = {"vrrpd": RD_VRRP}


def _patch_vrrpd(topogen, topotest):
    for dname, rd in EXTRA_DAEMONS.items():
        existing = topogen.TopoRouter.RD.get(rd)
        if existing not in (None, dname):
            raise RuntimeError("RD id {} already used by {}".format(rd, existing))
        topogen.TopoRouter.RD[rd] = dname
        setattr(topogen.TopoRouter, "RD_" + dname[:-1].upper(), rd)

    orig_init = topotest.Router.__init__
    if getattr(orig_init, "_rbp_patched", False):
        return

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        for dname in EXTRA_DAEMONS:
            self.daemons.setdefault(dname, 0)

    __init__._rbp_patched = True
    topotest.Router.__init__ = __init__


# --------------------------------------------------------------------------
# 2. frrdir / our pytest.ini
# --------------------------------------------------------------------------
def _patch_frrdir(topogen, topotest, s):
    topogen.tgen_defaults["frrdir"] = s["frrdir"]

    # topotest.Router.config_host() -> _config_frr() is called without the
    # frrdir given to add_router() and falls back to the hard-coded
    # /usr/lib/frr of Router.config_defaults.
    orig_cfg = topotest.Router._config_frr
    if not getattr(orig_cfg, "_rbp_patched", False):

        def _config_frr(self, **params):
            if params.get("frrdir") is None:
                params["frrdir"] = s["frrdir"]
            return orig_cfg(self, **params)

        _config_frr._rbp_patched = True
        topotest.Router._config_frr = _config_frr

    orig = topogen.Topogen._load_config
    if getattr(orig, "_rbp_patched", False):
        return

    def _load_config(self):
        orig(self)
        self.config.read(OUR_PYTEST_INI)
        if not self.config.has_section(self.CONFIG_SECTION):
            self.config.add_section(self.CONFIG_SECTION)
        # environment overrides win over both ini files
        self.config.set(self.CONFIG_SECTION, "frrdir", s["frrdir"])

    _load_config._rbp_patched = True
    topogen.Topogen._load_config = _load_config


# --------------------------------------------------------------------------
# 6. /usr/lib/frr hard-coded paths
# --------------------------------------------------------------------------
def translate_cmd(cmd, s=None):
    """Map commands under /usr/lib/frr to the installed frrdir."""
    s = s or settings()
    prefix = DISTRO_FRRDIR + "/"
    if isinstance(cmd, str):
        if prefix in cmd:
            cmd = cmd.replace(prefix, s["frrdir"].rstrip("/") + "/")
        return cmd
    if not cmd:
        return cmd
    cmd = list(cmd)
    if str(cmd[0]).startswith(prefix):
        base = str(cmd[0])[len(prefix):]
        cmd[0] = os.path.join(s["frrdir"], base)
        if base == "frr-reload.py" and "--bindir" not in cmd:
            cmd[1:1] = ["--bindir", s["bindir"]]
    return cmd


def _patch_commander(base):
    orig = base.Commander._get_cmd_as_list
    if getattr(orig, "_rbp_patched", False):
        return

    def _get_cmd_as_list(self, cmd):
        return orig(self, translate_cmd(cmd))

    _get_cmd_as_list._rbp_patched = True
    base.Commander._get_cmd_as_list = _get_cmd_as_list


# --------------------------------------------------------------------------
# 7. ASan: instrumented modules in uninstrumented daemons
# --------------------------------------------------------------------------
# run.sh --asan builds the modules with -fsanitize=address,undefined
# (asan-build.sh) and sets these.  The daemons are not instrumented, so the
# ASan runtime must be the first library of the process: LD_PRELOAD, into
# the daemons that load a module only.
ENV_ASAN_PRELOAD = "RBP_ASAN_PRELOAD"  # libasan.so of the modules' compiler
ENV_ASAN_DAEMONS = "RBP_ASAN_DAEMONS"  # default: pimd,pim6d,vrrpd
ENV_ASAN_OPTIONS = "RBP_ASAN_OPTIONS"  # default: ASAN_DAEMON_OPTIONS
ENV_UBSAN_OPTIONS = "RBP_UBSAN_OPTIONS"  # default: UBSAN_DAEMON_OPTIONS
ASAN_DAEMONS = ("pimd", "pim6d", "vrrpd")
# A daemon runs for minutes and is killed at teardown: no leak report (it
# would list every allocation of pimd alive at exit); the first error is
# reported and the daemon aborts (the test sees it die).  The SEGV handler
# stays ASan's (FRR's would replace it), so a crash gives a report with
# its stack too.  FRR's library adds log_path=<logdir>/<router>.asan.<daemon>.
ASAN_DAEMON_OPTIONS = ("detect_leaks=0:halt_on_error=1:abort_on_error=1:"
                       "allow_user_segv_handler=0:disable_coredump=1:"
                       "print_scariness=1")
UBSAN_DAEMON_OPTIONS = "print_stacktrace=1:halt_on_error=1:abort_on_error=1"

# FRR's startRouterDaemons() runs, through the shell of the router:
#   ASAN_OPTIONS=[abort_on_error=1:]log_path=<logdir>/<router>.asan.<daemon> \
#       <frrdir>/<daemon> <options> -d > <daemon>.out 2> <daemon>.err
_DAEMON_START_RE = re.compile(
    r"^ASAN_OPTIONS=(?P<opts>\S*)\s+(?P<bin>\S*/(?P<daemon>[A-Za-z0-9_]+))(?P<rest>\s.*)$",
    re.DOTALL,
)


def asan_settings():
    """None unless $RBP_ASAN_PRELOAD is set; else preload, daemons, options."""
    preload = os.environ.get(ENV_ASAN_PRELOAD)
    if not preload:
        return None
    daemons = os.environ.get(ENV_ASAN_DAEMONS)
    return {
        "preload": preload,
        "daemons": tuple(d for d in re.split(r"[\s,]+", daemons) if d)
        if daemons else ASAN_DAEMONS,
        "asan_options": os.environ.get(ENV_ASAN_OPTIONS, ASAN_DAEMON_OPTIONS),
        "ubsan_options": os.environ.get(ENV_UBSAN_OPTIONS, UBSAN_DAEMON_OPTIONS),
    }


def asan_daemon_cmd(cmd, a=None):
    """The daemon start command `cmd` of FRR's library, rewritten to run the
    daemon with the ASan runtime preloaded, if it is one of a["daemons"]
    and loads a module (-M); else cmd unchanged."""
    a = a or asan_settings()
    if not a or not isinstance(cmd, str):
        return cmd
    m = _DAEMON_START_RE.match(cmd)
    if not m or m.group("daemon") not in a["daemons"]:
        return cmd
    if not re.search(r"(^|\s)-M\s*\S", m.group("rest")):
        return cmd
    frr_opts = m.group("opts")
    lp = re.search(r"(?:^|:)log_path=([^:\s]+)", frr_opts)
    env = ["ASAN_OPTIONS=" + ":".join(x for x in (a["asan_options"], frr_opts) if x)]
    ub = a["ubsan_options"]
    if lp:
        # its own file: ASan and UBSan each open <log_path>.<pid> afresh.
        # (Seen with gcc 12: the UBSan runtime, loaded with the module,
        # writes to stderr all the same, i.e. <router>/<daemon>.err.)
        ub = ":".join(x for x in (ub, "log_path=" + lp.group(1).replace(".asan.", ".ubsan.")) if x)
    env.append("UBSAN_OPTIONS=" + ub)
    env.append("LD_PRELOAD=" + a["preload"])
    return " ".join(env + [m.group("bin")]) + m.group("rest")


def _patch_asan(topotest):
    orig = topotest.Router.cmd_raises
    if getattr(orig, "_rbp_patched", False):
        return

    def cmd_raises(self, cmd, **kwargs):
        new = asan_daemon_cmd(cmd)
        if new is not cmd:
            self.logger.info("under ASan: %s", new)
        return orig(self, new, **kwargs)

    cmd_raises._rbp_patched = True
    topotest.Router.cmd_raises = cmd_raises


# --------------------------------------------------------------------------
# 8. FRR conftest's check_for_backtraces(), tolerant of non-ASCII logs
# --------------------------------------------------------------------------
def check_for_backtraces_rbp():
    """FRR 10.3 conftest.check_for_backtraces() reading the logs with
    errors="replace": a new "Backtrace:" in a daemon log fails the test."""
    # pylint: disable=import-outside-toplevel
    import glob

    import pytest
    from lib.topogen import get_topogen
    from lib.topolog import logger

    tgen = get_topogen()
    if not tgen:
        return
    if not hasattr(tgen, "existing_backtrace_files"):
        tgen.existing_backtrace_files = {}
    existing = tgen.existing_backtrace_files
    backtraces = []
    for vfile in glob.glob(os.path.join(tgen.logdir, "*/*.log")):
        with open(vfile, encoding="ascii", errors="replace") as vf:
            btcount = vf.read().count("Backtrace:")
        if not btcount:
            continue
        if btcount == existing.setdefault(vfile, 0):
            continue
        existing[vfile] = btcount
        backtraces.append(vfile)
    if backtraces:
        emsg = "New backtraces found in: " + ", ".join(backtraces)
        logger.error(emsg)
        pytest.fail(emsg)


def install():
    """Apply all workarounds (idempotent).  Returns settings()."""
    global _installed  # pylint: disable=global-statement
    s = settings()
    if _installed:
        return s
    _setup_sys_path(s)

    # pylint: disable=import-outside-toplevel
    from lib import topogen, topotest
    from munet import base

    topogen.diagnose_env = diagnose_env_rbp
    topogen.diagnose_env_linux = diagnose_env_rbp
    topotest.module_present_linux = module_present_linux_rbp
    _patch_frrdir(topogen, topotest, s)
    _patch_vrrpd(topogen, topotest)
    _patch_commander(base)
    _patch_asan(topotest)
    _installed = True
    return s
