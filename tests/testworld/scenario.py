"""Scenarios: a cluster described as data, applied through the real API server.

A scenario is ``scenarios/<name>.yaml``, then every ``scenarios/<name>.d/*.yaml`` fragment in
file-name order, then overrides. Keys (lists are concatenated, maps merged, scalars replaced; an
object with the same apiVersion/kind/namespace/name as an earlier one replaces it):

``base``        another scenario loaded first
``description`` one line
``kubernetes``  the release the world runs (``"1.34"`` default, ``"1.33"``, ``"1.37"``)
``files``       globs, relative to ``scenarios/``, of YAML/JSON documents loaded as objects
``objects``     Kubernetes objects; ``status`` only where no component of the world writes it
                (``apply.py`` says which), written through the status subresource and listed as simulated
``endpoints``   what pods would serve if their containers ran (``hardware.py``): ``name``, ``simulates``,
                ``namespace``, ``selector`` (pod labels), ``port``, ``tls``, ``paths`` (path or glob -> page)
``simulated``   [{what, why}]: what else the scenario stands in for, shown in ``world.simulated``
``network``     ``{node_cidr_mask_size: N, node_lease_seconds: S}``: pod CIDR size per node (default 24:
                256 nodes), how long a node's lease lasts (default 40, a kubelet's; kwok renews it)
``runtime_config``, ``feature_gates``  kube-apiserver's ``--runtime-config`` and every component's
                ``--feature-gates`` (e.g. DRA's beta API on 1.33), as an operator would set them

Overrides (``TestWorld(overrides=...)``, ``--override FILE``) take the same keys plus ``add``,
``replace``, ``remove`` and ``patch`` (see ``apply_overrides``).
"""

import copy
import glob
import json
import os
import re

import yaml

SCENARIO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
LIST_KEYS = ("objects", "simulated")
MAP_KEYS = ("network",)
SCALAR_KEYS = ("description", "kubernetes", "runtime_config", "feature_gates")
KNOWN_KEYS = set(LIST_KEYS) | set(MAP_KEYS) | set(SCALAR_KEYS) | {"base", "files", "endpoints", "name"}
OVERRIDE_KEYS = KNOWN_KEYS | {"add", "replace", "remove", "patch"}
# keys of the retired Python stand-in: each gets a message saying what replaced it
RETIRED_KEYS = {
    "catalog": "the built-in APIs are the real server's: choose the release with `kubernetes`",
    "version": "/version is the real server's (the build stamps gitVersion)",
    "behaviours": "controllers are real now; a status no running component writes goes in the object's `status`",
    "logs": "container output is not simulated by scenarios",
    "proxy": "pages behind the API server's proxy come from `endpoints` served at the pods' addresses",
    "aggregated": "an aggregated API is an APIService, its Service and pods, and an `endpoints` entry with tls",
}
ENDPOINT_KEYS = {"name", "simulates", "namespace", "selector", "port", "tls", "paths"}
KUBERNETES_RELEASES = ("1.33", "1.34", "1.37")


class ScenarioError(ValueError):
    """A scenario or override that cannot be loaded or applied; the message names the file and field."""


def identity(obj):
    meta = obj.get("metadata") or {}
    return (obj.get("apiVersion"), obj.get("kind"), meta.get("namespace") or "", meta.get("name"))


def describe(ident):
    api_version, kind, namespace, name = ident
    return "%s %s %s%s" % (api_version, kind, namespace + "/" if namespace else "", name)


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch (returns a new value)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


class Scenario(object):
    def __init__(self, name):
        self.name = name
        self.description = ""
        self.kubernetes = "1.34"
        self.objects = []
        self.endpoints = []
        self.simulated = []
        self.network = {}
        self.runtime_config = None
        self.feature_gates = None
        self.generated = None  # parameters of a generated scale scenario

    def merge(self, data, where, base_dir):
        _check_keys(data, KNOWN_KEYS, where)
        if data.get("description"):
            self.description = data["description"]
        if data.get("kubernetes") is not None:
            release = str(data["kubernetes"])
            if release not in KUBERNETES_RELEASES:
                raise ScenarioError(
                    "%s: kubernetes: expected one of %s, got %r" % (where, ", ".join(KUBERNETES_RELEASES), release)
                )
            self.kubernetes = release
        for key in ("runtime_config", "feature_gates"):
            if data.get(key) is not None:
                if not isinstance(data[key], str) or not re.match(r"^[A-Za-z0-9./=,_-]+$", data[key]):
                    raise ScenarioError(
                        "%s: %s: expected key=value pairs separated by commas, got %r" % (where, key, data[key])
                    )
                setattr(self, key, data[key])
        network = data.get("network")
        if network is not None:
            if not isinstance(network, dict) or set(network) - {"node_cidr_mask_size", "node_lease_seconds"}:
                raise ScenarioError(
                    "%s: network: expected {node_cidr_mask_size: 16..30, node_lease_seconds: 10..3600}" % where
                )
            mask = network.get("node_cidr_mask_size")
            if mask is not None and (not isinstance(mask, int) or not 16 <= mask <= 30):
                raise ScenarioError("%s: network.node_cidr_mask_size: expected 16..30, got %r" % (where, mask))
            lease = network.get("node_lease_seconds")
            if lease is not None and (not isinstance(lease, int) or not 10 <= lease <= 3600):
                raise ScenarioError("%s: network.node_lease_seconds: expected 10..3600, got %r" % (where, lease))
            self.network.update(network)
        for pattern in data.get("files") or []:
            paths = sorted(glob.glob(os.path.join(base_dir, pattern)))
            if not paths:
                raise ScenarioError("%s: files: %r matches no file under %s" % (where, pattern, base_dir))
            for path in paths:
                for i, doc in enumerate(load_documents(path)):
                    self.add_object(doc, "%s (document %d)" % (path, i + 1))
        objects = data.get("objects") or []
        if not isinstance(objects, list):
            raise ScenarioError("%s: objects: expected a list of Kubernetes objects" % where)
        for i, obj in enumerate(objects):
            self.add_object(obj, "%s: objects[%d]" % (where, i))
        for i, entry in enumerate(_as_list(data, "endpoints", where)):
            self.add_endpoint(entry, "%s: endpoints[%d]" % (where, i))
        for i, entry in enumerate(_as_list(data, "simulated", where)):
            if not isinstance(entry, dict) or set(entry) != {"what", "why"}:
                raise ScenarioError("%s: simulated[%d]: expected {what: ..., why: ...}" % (where, i))
            self.simulated.append(dict(entry))

    def add_object(self, obj, where):
        check_object(obj, where)
        ident = identity(obj)
        self.objects = [o for o in self.objects if identity(o) != ident]
        self.objects.append(copy.deepcopy(obj))

    def add_endpoint(self, entry, where):
        check_endpoint(entry, where)
        self.endpoints = [e for e in self.endpoints if e["name"] != entry["name"]]
        self.endpoints.append(copy.deepcopy(entry))

    def find(self, ident):
        for o in self.objects:
            if identity(o) == ident:
                return o
        return None


def _as_list(data, key, where):
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ScenarioError("%s: %s: expected a list" % (where, key))
    return value


def _check_keys(data, allowed, where):
    if not isinstance(data, dict):
        raise ScenarioError("%s: expected a mapping of scenario keys, got %s" % (where, type(data).__name__))
    for key in sorted(set(data) & set(RETIRED_KEYS)):
        raise ScenarioError("%s: %s: no longer a scenario key: %s" % (where, key, RETIRED_KEYS[key]))
    unknown = set(data) - allowed
    if unknown:
        raise ScenarioError(
            "%s: unknown key(s) %s; expected some of %s"
            % (where, ", ".join(sorted(unknown)), ", ".join(sorted(allowed)))
        )


def check_object(obj, where):
    if not isinstance(obj, dict):
        raise ScenarioError("%s: expected a Kubernetes object (a mapping), got %s" % (where, type(obj).__name__))
    for field in ("apiVersion", "kind"):
        if not isinstance(obj.get(field), str) or not obj.get(field):
            raise ScenarioError("%s: %s is required (a string)" % (where, field))
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta.get("name"):
        raise ScenarioError("%s: metadata.name is required (%s %s)" % (where, obj.get("apiVersion"), obj.get("kind")))


def check_endpoint(entry, where):
    if not isinstance(entry, dict):
        raise ScenarioError("%s: expected a mapping" % where)
    unknown = set(entry) - ENDPOINT_KEYS
    if unknown:
        raise ScenarioError(
            "%s: unknown key(s) %s; expected %s" % (where, ", ".join(sorted(unknown)), ", ".join(sorted(ENDPOINT_KEYS)))
        )
    for field in ("name", "simulates", "namespace"):
        if not isinstance(entry.get(field), str) or not entry.get(field):
            raise ScenarioError("%s: %s is required (a string)" % (where, field))
    selector = entry.get("selector")
    if not isinstance(selector, dict) or not selector or not all(isinstance(v, str) for v in selector.values()):
        raise ScenarioError("%s: selector: expected pod labels (a non-empty mapping of strings)" % where)
    port = entry.get("port")
    if not isinstance(port, int) or not 1 <= port <= 65535:
        raise ScenarioError("%s: port: expected a port number, got %r" % (where, port))
    paths = entry.get("paths")
    if not isinstance(paths, dict) or not paths:
        raise ScenarioError("%s: paths: expected a mapping of request path (or glob) to page" % where)
    for path, page in paths.items():
        if not isinstance(path, str) or not path.startswith("/"):
            raise ScenarioError("%s: paths: %r is not a path (starts with /)" % (where, path))
        if isinstance(page, dict):
            if set(page) - {"body", "status", "content_type"} or not isinstance(page.get("body", ""), str):
                raise ScenarioError(
                    "%s: paths[%s]: expected a page (text) or {body, status, content_type}" % (where, path)
                )
        elif not isinstance(page, str):
            raise ScenarioError("%s: paths[%s]: expected a page (text) or {body, status, content_type}" % (where, path))


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARSED = {}


def load_documents(path):
    """The documents of a YAML or JSON file (parsed once per process and file version; callers copy)."""
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    if key not in _PARSED:
        with open(path) as fh:
            text = fh.read()
        try:
            if path.endswith(".json"):
                data = json.loads(text)
                docs = data if isinstance(data, list) else [data]
            else:
                docs = [d for d in yaml.load_all(text, Loader=_LOADER) if d is not None]
        except (ValueError, yaml.YAMLError) as exc:
            raise ScenarioError("%s: not valid YAML/JSON: %s" % (path, " ".join(str(exc).split()))) from None
        _PARSED[key] = docs
    return copy.deepcopy(_PARSED[key])


def _read(path):
    try:
        docs = load_documents(path)
    except OSError as exc:
        raise ScenarioError("cannot read scenario file %s: %s" % (path, exc)) from None
    if len(docs) != 1:
        raise ScenarioError("%s: a scenario file holds exactly one YAML document, found %d" % (path, len(docs)))
    return docs[0]


def known_scenarios():
    return sorted(f[:-5] for f in os.listdir(SCENARIO_DIR) if f.endswith(".yaml"))


def load(name, overrides=None, _seen=()):
    """Load a scenario by name (``scale:nodes=N,pods=M`` generates one), then apply ``overrides``."""
    if name.startswith("scale"):
        scen = generate_scale(name)
    else:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
            raise ScenarioError("scenario: %r is not a scenario name (letters, digits, '-', '_', '.')" % name)
        path = os.path.join(SCENARIO_DIR, name + ".yaml")
        if not os.path.isfile(path):
            raise ScenarioError(
                "scenario: no scenario named %r; known: %s, or scale:nodes=N,pods=M"
                % (name, ", ".join(known_scenarios()))
            )
        data = _read(path)
        if not isinstance(data, dict):
            raise ScenarioError("%s: expected a mapping of scenario keys" % path)
        base = data.get("base")
        if base:
            if base in _seen:
                raise ScenarioError("%s: base: %r makes a cycle" % (path, base))
            scen = load(base, None, (*_seen, name))
            scen.name = name
        else:
            scen = Scenario(name)
        scen.merge(data, path, SCENARIO_DIR)
        for frag in sorted(glob.glob(os.path.join(SCENARIO_DIR, name + ".d", "*.yaml"))):
            scen.merge(_read(frag), frag, SCENARIO_DIR)
    if overrides:
        apply_overrides(scen, overrides, "overrides")
    return scen


def apply_overrides(scen, overrides, where):
    """Apply test overrides: scenario keys (merged like a fragment) and

    - ``add``: objects to add (replacing one with the same identity),
    - ``replace``: objects that must already exist, replaced whole,
    - ``remove``: [{apiVersion, kind, name, namespace}] objects that must exist, removed,
    - ``patch``: [{apiVersion, kind, name, namespace, patch: {JSON merge patch}}].
    """
    _check_keys(overrides, OVERRIDE_KEYS, where)
    plain = {k: v for k, v in overrides.items() if k in KNOWN_KEYS and k not in ("base", "name")}
    if plain:
        scen.merge(plain, where, SCENARIO_DIR)
    for i, obj in enumerate(_as_list(overrides, "add", where)):
        scen.add_object(obj, "%s: add[%d]" % (where, i))
    for i, obj in enumerate(_as_list(overrides, "replace", where)):
        check_object(obj, "%s: replace[%d]" % (where, i))
        if scen.find(identity(obj)) is None:
            raise ScenarioError(
                "%s: replace[%d]: %s is not in scenario %s (use add)" % (where, i, describe(identity(obj)), scen.name)
            )
        scen.add_object(obj, "%s: replace[%d]" % (where, i))
    for i, ref in enumerate(_as_list(overrides, "remove", where)):
        here = "%s: remove[%d]" % (where, i)
        if isinstance(ref, dict) and set(ref) == {"endpoint"}:
            if not any(e["name"] == ref["endpoint"] for e in scen.endpoints):
                raise ScenarioError("%s: endpoint %r is not in scenario %s" % (here, ref["endpoint"], scen.name))
            scen.endpoints = [e for e in scen.endpoints if e["name"] != ref["endpoint"]]
            continue
        ident = _ref(ref, here)
        if scen.find(ident) is None:
            raise ScenarioError("%s: %s is not in scenario %s" % (here, describe(ident), scen.name))
        scen.objects = [o for o in scen.objects if identity(o) != ident]
    for i, ref in enumerate(_as_list(overrides, "patch", where)):
        here = "%s: patch[%d]" % (where, i)
        ident = _ref(ref, here)
        if not isinstance(ref.get("patch"), dict):
            raise ScenarioError("%s: patch: expected a JSON merge patch (a mapping)" % here)
        obj = scen.find(ident)
        if obj is None:
            raise ScenarioError("%s: %s is not in scenario %s" % (here, describe(ident), scen.name))
        patched = merge_patch(obj, ref["patch"])
        scen.objects = [patched if identity(o) == ident else o for o in scen.objects]
    return scen


def _ref(ref, where):
    if not isinstance(ref, dict):
        raise ScenarioError("%s: expected {apiVersion, kind, name, namespace} or {endpoint: name}" % where)
    for field in ("apiVersion", "kind", "name"):
        if not ref.get(field):
            raise ScenarioError("%s: %s is required" % (where, field))
    return (ref["apiVersion"], ref["kind"], ref.get("namespace") or "", ref["name"])


# --- generated scale scenarios -----------------------------------------------------------------
SCALE_PARAMS = {"nodes": 5000, "pods": 50000, "gpu_every": 4, "namespaces": 50, "base": "rke2-gpu"}


def parse_scale(name):
    params = dict(SCALE_PARAMS)
    _prefix, _sep, spec = name.partition(":")
    if name != "scale" and not name.startswith("scale:"):
        raise ScenarioError("scenario: %r: expected scale or scale:nodes=N,pods=M" % name)
    for part in [p for p in spec.split(",") if p.strip()]:
        key, _sep, value = part.partition("=")
        key = key.strip()
        if key == "base":
            params["base"] = value.strip()
            continue
        if key not in SCALE_PARAMS:
            raise ScenarioError("scenario %s: unknown parameter %r; expected %s" % (name, key, ", ".join(SCALE_PARAMS)))
        try:
            params[key] = int(value)
        except ValueError:
            raise ScenarioError("scenario %s: %s must be an integer, got %r" % (name, key, value)) from None
        if params[key] < (1 if key in ("nodes", "gpu_every", "namespaces") else 0):
            raise ScenarioError("scenario %s: %s is too small: %d" % (name, key, params[key]))
    return params


def generate_scale(name):
    """The base scenario; ``scale.py`` creates the nodes and pods through the API once it runs."""
    params = parse_scale(name)
    if params["base"].startswith("scale"):
        raise ScenarioError("scenario %s: base: a scale scenario cannot be the base of another" % name)
    scen = load(params["base"])
    scen.name = name
    scen.description = "generated on %(base)s: %(nodes)d nodes, %(pods)d pods in %(namespaces)d namespaces" % params
    scen.generated = params
    # the node CIDRs of 5,000 nodes do not fit a /16 at /24 each; /29 gives 8,192
    scen.network.setdefault("node_cidr_mask_size", 29)
    # 5,000 leases renewed every 10 s (a kubelet's 40 s lease) are 500 writes a second, which alone
    # fill 2 cores; a 10-minute lease keeps the heartbeats and the node monitor real but rarer
    scen.network.setdefault("node_lease_seconds", 600)
    return scen
