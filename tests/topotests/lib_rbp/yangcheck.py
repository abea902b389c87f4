# SPDX-License-Identifier: GPL-2.0-or-later
"""
Checks the pimd-rbp modules' `show ... json` output (and optionally their
configuration) against the YANG model yang/frr-rbp.yang with libyang's
yanglint; vrrpd-track's `show vrrp track json` / `show vrrp monitor-group
json` / `show e-trunk json` against the model yang/frr-vrrpd-track.yang.

    from lib_rbp import vtysh, vtysh_json, yangcheck

    js = vtysh_json(r1, "show remote-backup-service json")
    yangcheck.validate_vtysh_json("service", js)    # {"pimd": .., "pim6d": ..}
    js = vtysh_json(r1, "show remote-backup-profile json")
    yangcheck.validate_json("profile", js["pimd"], daemon="pimd")
    yangcheck.validate_json(
        "entries", vtysh_json(r1, "show ip remote-backup entries json"), daemon="pimd")
    yangcheck.validate_json("track", vtysh_json(r1, "show vrrp track json"))
    yangcheck.validate_json("etrunk", vtysh_json(r1, "show e-trunk json"))
    yangcheck.validate_config(vtysh(r1, "show running-config"))

Every function raises AssertionError (with yanglint's message and the
instance that failed) when the data do not match the model and returns
None when they do; RuntimeError when yanglint cannot be run at all
(`available()` says beforehand).

FRR json is not YANG instance json (RFC 7951), so the data are converted
first:
  - the name-keyed maps ("services", "profiles", "groups") become lists
    whose entries carry the map key as "name" (a "name" inside that
    differs from the key is an error); `show e-trunk json` is such a
    map itself, keyed by the E-Trunk ID as text: it becomes the list
    "etrunks", the ID text its "name" (the model checks it is "id");
  - the object is wrapped in its top-level container
    ({"frr-rbp:service-state": ...}, "profile-state", "entry-state");
  - 64-bit integers (yang:counter64, gauge64) are json strings in RFC
    7951 and plain numbers in FRR's json: for those leaves (found in the
    schema) a json number becomes a string, anything else is an error
    here, since libyang would accept a string.
Nothing else is touched: an unknown or misspelled key, a wrong enum value,
a string where a number goes, a missing key or mandatory leaf, a broken
when/must all fail in yanglint, which parses strictly.  The command run is
yanglint_cmd(): yanglint -t data -I json -p yang/ yang/frr-rbp.yang FILE
(-t config for validate_config).

Python standard library only; importing this module runs nothing.
Environment: YANGLINT (the binary; default $FRR_RBP_PREFIX/bin/yanglint,
FRR_RBP_PREFIX default /opt/frr-rbp, whose lib/ is added to
LD_LIBRARY_PATH), RBP_YANG_DIR (default: yang/ of this source tree).
"""

import functools
import json
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET

__all__ = [
    "KINDS",
    "available",
    "yang_module",
    "yanglint_cmd",
    "to_instance",
    "config_to_instance",
    "validate_json",
    "validate_vtysh_json",
    "validate_config",
]

MODULE = "frr-rbp"

# kind -> (module, top-level container, json key of the data, whether that
# is a json map keyed by name)
KINDS = {
    # pimd-rbp: show remote-backup-service|remote-backup-profile json,
    # show ip|ipv6 remote-backup entries json
    "service": (MODULE, "service-state", "services", True),
    "profile": (MODULE, "profile-state", "profiles", True),
    "entries": (MODULE, "entry-state", "entries", False),
    # show ip|ipv6 remote-backup interfaces json, show ip|ipv6
    # remote-backup vrrp json
    "interfaces": (MODULE, "interface-state", "interfaces", False),
    "vrrp": (MODULE, "vrrp-state", "states", False),
    # vrrpd-track: show vrrp track json, show vrrp
    # monitor-group json, show e-trunk json
    "track": ("frr-vrrpd-track", "track-state", "routers", False),
    "monitor-group": ("frr-vrrpd-track", "monitor-group-state", "groups", True),
    "etrunk": ("frr-vrrpd-track", "etrunk-state", "etrunks", True),
}

# kinds whose json is the name-keyed map itself ({"1": {...}}), not an
# object holding it under the key of KINDS
TOP_LEVEL_MAP = frozenset(["etrunk"])

# which daemon prints what (vtysh wraps service/profile per daemon)
DAEMON_SERVICE_TYPE = {"pimd": "igmp", "pim6d": "mld"}

_HERE = os.path.dirname(os.path.abspath(__file__))
_SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(_HERE)))


def _prefix():
    return os.environ.get("FRR_RBP_PREFIX", "/opt/frr-rbp")


def yang_dir():
    return os.environ.get("RBP_YANG_DIR", os.path.join(_SRC_ROOT, "yang"))


def yang_module(module=MODULE):
    """Path of a module of yang/ (default frr-rbp.yang)."""
    return os.path.join(yang_dir(), module + ".yang")


def _yanglint_bin():
    return os.environ.get("YANGLINT", os.path.join(_prefix(), "bin", "yanglint"))


def _env():
    env = dict(os.environ)
    lib = os.path.join(_prefix(), "lib")
    old = env.get("LD_LIBRARY_PATH")
    env["LD_LIBRARY_PATH"] = lib + (os.pathsep + old if old else "")
    return env


def available():
    """True if yanglint and frr-rbp.yang are there (for pytest.skip)."""
    return os.access(_yanglint_bin(), os.X_OK) and os.path.isfile(yang_module())


def _run(args):
    cmd = [_yanglint_bin()] + args
    try:
        return subprocess.run(
            cmd,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=120,
            check=False,
        )
    except OSError as e:
        raise RuntimeError("cannot run %s: %s" % (cmd[0], e)) from e


def yanglint_cmd(datafile, dtype="data", module=MODULE):
    """The yanglint command line that validates datafile (json)."""
    return [
        _yanglint_bin(),
        "-t",
        dtype,
        "-I",
        "json",
        "-p",
        yang_dir(),
        yang_module(module),
        datafile,
    ]


# --- schema: which leaves are 64-bit ----------------------------------------
#
# Read from the module as yanglint prints it in YIN (XML): libyang 3.12.2's
# printer of the compiled schema ("-f info") misquotes "unique".

_YIN = "{urn:ietf:params:xml:ns:yang:yin:1}"
_INT64_BUILTIN = ("int64", "uint64", "decimal64")
# 64-bit typedefs of ietf-yang-types (RFC 6991)
_INT64_YANG_TYPES = ("counter64", "zero-based-counter64", "gauge64")


def _yin_typedefs(module_el):
    return {
        td.get("name"): td.find(_YIN + "type").get("name")
        for td in module_el.iter(_YIN + "typedef")
    }


def _yin_type_is_64(name, typedefs, yang_prefix, seen=()):
    if name in _INT64_BUILTIN:
        return True
    if ":" in name:
        prefix, base = name.split(":", 1)
        return prefix == yang_prefix and base in _INT64_YANG_TYPES
    if name in typedefs and name not in seen:
        return _yin_type_is_64(typedefs[name], typedefs, yang_prefix, seen + (name,))
    # a union is not modelled: a 64-bit member would need the value's
    # actual member type to decide
    return False


def _yin_walk(el, path, ctx, out):
    typedefs, groupings, yang_prefix = ctx
    for child in el:
        tag = child.tag[len(_YIN):] if child.tag.startswith(_YIN) else None
        if tag in ("choice", "case"):
            _yin_walk(child, path, ctx, out)
        elif tag == "uses":
            grp = groupings.get(child.get("name"))
            if grp is not None:
                _yin_walk(grp, path, ctx, out)
        elif tag in ("container", "list"):
            _yin_walk(child, path + (child.get("name"),), ctx, out)
        elif tag in ("leaf", "leaf-list"):
            typ = child.find(_YIN + "type")
            if typ is not None and _yin_type_is_64(typ.get("name"), typedefs, yang_prefix):
                out.add(path + (child.get("name"),))


@functools.lru_cache(maxsize=4)
def _int64_paths_cached(module, mtime):
    res = _run(["-f", "yin", "-p", os.path.dirname(module), module])
    if res.returncode != 0:
        raise RuntimeError("yanglint cannot read %s:\n%s" % (module, res.stderr))
    root = ET.fromstring(res.stdout.encode())
    yang_prefix = None
    for imp in root.findall(_YIN + "import"):
        if imp.get("module") == "ietf-yang-types":
            yang_prefix = imp.find(_YIN + "prefix").get("value")
    groupings = {g.get("name"): g for g in root.iter(_YIN + "grouping")}
    ctx = (_yin_typedefs(root), groupings, yang_prefix)
    out = set()
    # groupings, typedefs, rpcs... are not walked: data nodes only
    _yin_walk(root, (), ctx, out)
    return frozenset(out)


def _int64_paths(module=MODULE):
    """Data paths (tuples of node names, no module prefix) of 64-bit leaves."""
    path = yang_module(module)
    return _int64_paths_cached(path, os.stat(path).st_mtime_ns)


def _fix_int64(node, path, paths, where, module):
    """RFC 7951: 64-bit numbers as strings (FRR prints json numbers)."""
    if isinstance(node, dict):
        return {
            k: _fix_int64(v, path + (k,), paths, "%s/%s" % (where, k), module)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_fix_int64(v, path, paths, where, module) for v in node]
    if path in paths:
        if isinstance(node, int) and not isinstance(node, bool):
            return str(node)
        raise AssertionError(
            "%s: %r is not a json number (a 64-bit integer in %s.yang)"
            % (where, node, module)
        )
    return node


# --- FRR json -> YANG instance json ------------------------------------------


def to_instance(kind, obj):
    """YANG instance json (a dict) of one daemon's show json `obj`."""
    if kind not in KINDS:
        raise ValueError("kind %r is not one of %s" % (kind, ", ".join(KINDS)))
    module, container, key, keyed = KINDS[kind]
    if not isinstance(obj, dict):
        raise AssertionError(
            "%s json is %s, not an object: %r" % (kind, type(obj).__name__, obj)
        )
    if kind in TOP_LEVEL_MAP:
        obj = {key: obj} if obj else {}
    data = {}
    for k, v in obj.items():
        if k == key and keyed:
            if not isinstance(v, dict):
                raise AssertionError(
                    "%s json: %r is %s, not a map keyed by name"
                    % (kind, key, type(v).__name__)
                )
            items = []
            for name, item in v.items():
                if not isinstance(item, dict):
                    raise AssertionError(
                        "%s json: %s[%r] is not an object: %r" % (kind, key, name, item)
                    )
                if "name" in item and item["name"] != name:
                    raise AssertionError(
                        "%s json: %s[%r] has name %r" % (kind, key, name, item["name"])
                    )
                entry = {"name": name}
                entry.update(item)
                items.append(entry)
            data[k] = items
        else:
            data[k] = v
    data = _fix_int64(data, (container,), _int64_paths(module), container, module)
    return {"%s:%s" % (module, container): data}


def _lint(instance, dtype, what, module=MODULE):
    text = json.dumps(instance, indent=1)
    fd, path = tempfile.mkstemp(prefix="rbp-yang-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text + "\n")
        res = _run(yanglint_cmd(path, dtype, module)[1:])
    finally:
        os.unlink(path)
    if res.returncode != 0:
        shown = text if len(text) <= 6000 else text[:6000] + "\n..."
        raise AssertionError(
            "%s does not match %s.yang (yanglint -t %s):\n%s\ninstance:\n%s"
            % (what, module, dtype, (res.stderr + res.stdout).strip(), shown)
        )


def _check_daemon(kind, obj, daemon):
    if daemon not in DAEMON_SERVICE_TYPE:
        raise ValueError("daemon %r is not pimd or pim6d" % daemon)
    want = DAEMON_SERVICE_TYPE[daemon]
    if kind == "service":
        for name, svc in (obj.get("services") or {}).items():
            if isinstance(svc, dict) and svc.get("serviceType") != want:
                raise AssertionError(
                    "%s shows service %s with serviceType %r, not %r"
                    % (daemon, name, svc.get("serviceType"), want)
                )
    elif kind == "profile":
        for name, prf in (obj.get("profiles") or {}).items():
            if not isinstance(prf, dict) or not prf.get("active"):
                continue
            if prf.get("serviceType") != want:
                raise AssertionError(
                    "%s says it replicates profile %s of serviceType %r"
                    % (daemon, name, prf.get("serviceType"))
                )
    elif kind == "entries":
        v6 = daemon == "pim6d"
        for e in obj.get("entries") or []:
            if isinstance(e, dict) and (":" in str(e.get("group", ""))) != v6:
                raise AssertionError(
                    "%s shows an entry of the other family: %r" % (daemon, e)
                )


def validate_json(kind, obj, daemon=None):
    """Check one daemon's show json against frr-rbp.yang.

    kind: "service" (show remote-backup-service json), "profile" (show
    remote-backup-profile json) or "entries" (show ip|ipv6 remote-backup
    entries json); obj: the parsed json of ONE daemon (js["pimd"] of
    vtysh's output, or the entries json).  Also "track" (show vrrp track
    json), "monitor-group" (show vrrp monitor-group json) and "etrunk"
    (show e-trunk json) of vrrpd, against frr-vrrpd-track.yang.  daemon
    ("pimd"/"pim6d"), optional: also check the service type / address
    family is that daemon's.  Raises AssertionError on a mismatch, returns None.
    """
    inst = to_instance(kind, obj)
    _lint(
        inst,
        "data",
        "%s json%s" % (kind, " of " + daemon if daemon else ""),
        KINDS[kind][0],
    )
    if daemon and kind in ("service", "profile", "entries"):
        _check_daemon(kind, obj, daemon)


def validate_vtysh_json(kind, js):
    """Check vtysh's json: {"pimd": {...}, "pim6d": {...}} for "service"
    and "profile" (each daemon's object, at least one daemon), the plain
    object for "entries" (that comes from one daemon)."""
    if kind not in ("service", "profile"):
        validate_json(kind, js)
        return
    if not isinstance(js, dict) or not js:
        raise AssertionError("vtysh %s json is not {daemon: object}: %r" % (kind, js))
    unknown = set(js) - set(DAEMON_SERVICE_TYPE)
    if unknown:
        raise AssertionError(
            "vtysh %s json has keys other than pimd/pim6d: %s"
            % (kind, ", ".join(sorted(unknown)))
        )
    for daemon, obj in js.items():
        validate_json(kind, obj, daemon=daemon)


# --- configuration -----------------------------------------------------------


def _num(word):
    """A CLI number as json int; anything else stays a string, which
    yanglint rejects where a number goes."""
    return int(word) if re.fullmatch(r"\d+", word) else word


def config_to_instance(text):
    """YANG instance json of the frr-rbp lines of an FRR configuration
    (frr.conf, `show running-config`, pimd.conf ...).  Other lines are
    ignored.  A setting given twice in a block keeps the last one, as the
    CLI does.  Raises AssertionError on a line of our blocks this parser
    does not know, or a binding on an interface outside the default VRF.
    """
    services, profiles, ifaces = {}, {}, {}
    ctx = None  # (kind, dict) of the block being read, or None

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        words = line.split()
        if not words or words[0].startswith("!"):
            continue
        if not line[0].isspace():
            ctx = None
            if words[0] == "remote-backup-service" and len(words) == 2:
                ctx = ("service", services.setdefault(words[1], {"name": words[1]}))
            elif words[0] == "remote-backup-profile" and len(words) == 2:
                ctx = ("profile", profiles.setdefault(words[1], {"name": words[1]}))
            elif words[0] == "interface" and len(words) >= 2:
                vrf = words[3] if len(words) == 4 and words[2] == "vrf" else "default"
                ent = ifaces.setdefault(words[1], {"name": words[1]})
                ctx = ("interface", ent, vrf)
            continue
        if ctx is None:
            continue
        kind, ent = ctx[0], ctx[1]
        bad = "line %d: %r is not a %s line of frr-rbp" % (lineno, line.strip(), kind)
        if kind == "service":
            if len(words) == 6 and words[0::2] == ["peer", "source", "port"]:
                ent["peer"] = {
                    "address": words[1],
                    "source": words[3],
                    "port": _num(words[5]),
                }
            elif len(words) == 3 and words[:2] == ["authentication", "key-chain"]:
                ent["authentication-key-chain"] = words[2]
            elif len(words) == 2 and words[0] == "password":
                ent["password"] = words[1]
            elif words == ["ttl-security"]:
                ent["ttl-security"] = [None]
            elif len(words) == 3 and words[:2] == ["tcp-ao", "key-chain"]:
                ent["tcp-ao-key-chain"] = words[2]
            elif len(words) == 5 and words[:2] == ["timers", "keepalive"] and words[3] == "hold":
                tm = ent.setdefault("timers", {})
                tm["keepalive"] = _num(words[2])
                tm["hold"] = _num(words[4])
            elif len(words) == 3 and words[:2] == ["timers", "digest"]:
                ent.setdefault("timers", {})["digest"] = _num(words[2])
            else:
                raise AssertionError(bad)
        elif kind == "profile":
            if len(words) == 4 and words[0] == "backup-id" and words[2] == "remote-backup-service":
                ent["backup-id"] = _num(words[1])
                ent["remote-backup-service"] = words[3]
            elif len(words) == 2 and words[0] == "service-type":
                ent["service-type"] = words[1]
            elif len(words) == 2 and words[0] == "peer-backup":
                ent["peer-backup"] = words[1]
            elif len(words) == 2 and words[0] == "max-entries":
                ent["max-entries"] = _num(words[1])
            elif (
                len(words) == 4
                and words[0] in ("vrrp-id", "vrrp6-id")
                and words[2] == "interface"
            ):
                for k in ("vrrp-id", "vrrp6-id", "e-trunk"):
                    ent.pop(k, None)
                ent[words[0]] = {"id": _num(words[1]), "interface": words[3]}
            elif len(words) == 4 and words[0] == "e-trunk" and words[2] == "eth-trunk":
                for k in ("vrrp-id", "vrrp6-id", "e-trunk"):
                    ent.pop(k, None)
                ent["e-trunk"] = {"id": _num(words[1]), "eth-trunk": words[3]}
            else:
                raise AssertionError(bad)
        elif kind == "interface":
            ours = words[0] == "remote-backup-profile" or (
                words[0] in ("ip", "ipv6") and words[1:3] in (["multicast", "track"],
                                                             ["pim", "ignore"]))
            if not ours:
                continue  # pimd's, zebra's ... interface lines
            if ctx[2] != "default":
                raise AssertionError(
                    "line %d: remote backup works in the default VRF only "
                    "(interface %s vrf %s)" % (lineno, ent["name"], ctx[2])
                )
            if words[0] in ("ip", "ipv6") and words[1] == "multicast":
                track = {"family": words[0]}
                if len(words) == 6 and words[3] in ("vrrp", "vrrp6") and words[4] == "vrid":
                    track["vrrp"] = _num(words[5])
                elif (len(words) in (8, 9) and words[3] in ("admin-vrrp", "admin-vrrp6")
                      and words[4] == "interface" and words[6] == "vrid"
                      and words[8:] in ([], ["ignore-if-down"])):
                    track["admin-vrrp"] = {"interface": words[5], "vrid": _num(words[7])}
                    if words[8:]:
                        track["admin-vrrp"]["ignore-if-down"] = [None]
                else:
                    raise AssertionError(bad)
                tracks = [t for t in ent.get("multicast-track", [])
                          if t["family"] != words[0]]
                ent["multicast-track"] = tracks + [track]
                continue
            if words[0] in ("ip", "ipv6") and words[1] == "pim":
                if len(words) != 4 or words[3] not in ("dr-state", "assert-state"):
                    raise AssertionError(bad)
                ign = [g for g in ent.setdefault("pim-ignore", []) if g["family"] == words[0]]
                if not ign:
                    ign = [{"family": words[0]}]
                    ent["pim-ignore"].append(ign[0])
                ign[0][words[3]] = [None]
                continue
            if len(words) != 2:
                raise AssertionError(bad)
            bound = ent.setdefault("remote-backup-profile", [])
            if words[1] not in bound:
                bound.append(words[1])

    data = {}
    if services:
        data["service"] = list(services.values())
    if profiles:
        data["profile"] = list(profiles.values())
    bound = [i for i in ifaces.values() if len(i) > 1]
    if bound:
        data["interface"] = bound
    return {"%s:remote-backup" % MODULE: data}


def validate_config(text):
    """Check the frr-rbp configuration in an FRR config text against
    frr-rbp.yang (yanglint -t config): ranges, names, enums, leafrefs
    (profile -> service, interface -> profile), same family of peer and
    source, port overlap, unique backup-id per service, one profile per
    service type per interface.  Raises AssertionError, returns None."""
    _lint(config_to_instance(text), "config", "configuration")
