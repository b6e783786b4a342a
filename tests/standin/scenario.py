"""Scenarios: a cluster described as data (objects, logs, proxied pages, aggregated APIs, behaviours).

A scenario is ``scenarios/<name>.yaml``, plus every ``scenarios/<name>.d/*.yaml`` fragment in name
order (so add-ons can be added without editing the base file), plus optional overrides. Keys:

``base`` (another scenario loaded first), ``description``, ``version`` (fields of ``/version``),
``catalog`` ("1.34" or "1.33"), ``files`` (globs, relative to the scenario folder, of YAML/JSON
documents loaded as objects), ``objects`` (list of objects), ``logs`` ("ns/pod" or
"ns/pod/container" -> text), ``proxy`` ("ns/name[:port]/path" -> text served by
the proxy subresource of the Service or Pod ``name``), ``aggregated``
("group/version" -> {resources: [...], paths: {request path: JSON body}}), ``behaviours`` (list,
see behaviours.py). Lists are concatenated, maps merged (later wins), scalars replaced. Objects
with the same apiVersion/kind/namespace/name: the later one replaces the earlier.

Overrides (``StandIn(overrides=...)``, ``--override FILE``) take the same keys plus ``add``,
``replace``, ``remove`` and ``patch`` (see ``apply_overrides``).
"""

import copy
import glob
import json
import os
import re

import yaml

from tests.standin import behaviours as behaviours_mod
from tests.standin.catalog import CATALOGS
from tests.standin.patch import merge_patch

SCENARIO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
MAP_KEYS = ("logs", "proxy", "aggregated", "version")
LIST_KEYS = ("objects", "behaviours")
SCALAR_KEYS = ("description", "catalog")
KNOWN_KEYS = set(MAP_KEYS) | set(LIST_KEYS) | set(SCALAR_KEYS) | {"base", "files", "name"}
OVERRIDE_KEYS = KNOWN_KEYS | {"add", "replace", "remove", "patch"}


class ScenarioError(ValueError):
    """A scenario or override that cannot be loaded; the message names the file and field."""


def identity(obj):
    meta = obj.get("metadata") or {}
    return (obj.get("apiVersion"), obj.get("kind"), meta.get("namespace") or "", meta.get("name"))


def describe(ident):
    api_version, kind, namespace, name = ident
    return "%s %s %s%s" % (api_version, kind, namespace + "/" if namespace else "", name)


class Scenario(object):
    def __init__(self, name):
        self.name = name
        self.description = ""
        self.catalog = None
        self.version = {}
        self.objects = []
        self.logs = {}
        self.proxy = {}
        self.aggregated = {}
        self.behaviours = []
        self.generated = None  # scale parameters of a generated scenario (scale_objects)

    # --- merging ------------------------------------------------------------------------------
    def merge(self, data, where, base_dir):
        _check_keys(data, KNOWN_KEYS, where)
        if data.get("description"):
            self.description = data["description"]
        if data.get("catalog") is not None:
            catalog = str(data["catalog"])
            if catalog not in CATALOGS:
                raise ScenarioError("%s: catalog: expected one of %s, got %r" % (where, ", ".join(CATALOGS), catalog))
            self.catalog = catalog
        for key in MAP_KEYS:
            value = data.get(key)
            if value is None:
                continue
            if not isinstance(value, dict):
                raise ScenarioError("%s: %s: expected a mapping, got %s" % (where, key, type(value).__name__))
            getattr(self, key).update(copy.deepcopy(value))
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
        entries = data.get("behaviours") or []
        if not isinstance(entries, list):
            raise ScenarioError("%s: behaviours: expected a list" % where)
        for i, entry in enumerate(entries):
            try:
                behaviours_mod.check_behaviour(entry, "%s: behaviours[%d]" % (where, i))
            except ValueError as exc:
                raise ScenarioError(str(exc)) from None
            self.behaviours.append(copy.deepcopy(entry))
        for key, value in self.aggregated.items():
            if "/" not in key or not isinstance(value, dict):
                raise ScenarioError(
                    "%s: aggregated: keys are group/version (e.g. custom.metrics.k8s.io/v1beta1) "
                    "and values mappings with resources and paths; got %r" % (where, key)
                )

    def add_object(self, obj, where):
        check_object(obj, where)
        ident = identity(obj)
        self.objects = [o for o in self.objects if identity(o) != ident]
        self.objects.append(copy.deepcopy(obj))

    def find(self, ident):
        for o in self.objects:
            if identity(o) == ident:
                return o
        return None


def _check_keys(data, allowed, where):
    if not isinstance(data, dict):
        raise ScenarioError("%s: expected a mapping of scenario keys, got %s" % (where, type(data).__name__))
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


def load(name, overrides=None, _seen=()):
    """Load a scenario by name (``scale:nodes=N,pods=M`` generates one), then apply ``overrides``."""
    if name.startswith("scale"):
        scen = generate_scale(name)
    else:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
            raise ScenarioError("scenario: %r is not a scenario name (letters, digits, '-', '_', '.')" % name)
        path = os.path.join(SCENARIO_DIR, name + ".yaml")
        if not os.path.isfile(path):
            known = sorted(f[:-5] for f in os.listdir(SCENARIO_DIR) if f.endswith(".yaml"))
            raise ScenarioError(
                "scenario: no scenario named %r; known: %s, or scale:nodes=N,pods=M" % (name, ", ".join(known))
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
    for i, obj in enumerate(_list(overrides, "add", where)):
        scen.add_object(obj, "%s: add[%d]" % (where, i))
    for i, obj in enumerate(_list(overrides, "replace", where)):
        check_object(obj, "%s: replace[%d]" % (where, i))
        if scen.find(identity(obj)) is None:
            raise ScenarioError(
                "%s: replace[%d]: %s is not in scenario %s (use add)" % (where, i, describe(identity(obj)), scen.name)
            )
        scen.add_object(obj, "%s: replace[%d]" % (where, i))
    for i, ref in enumerate(_list(overrides, "remove", where)):
        ident = _ref(ref, "%s: remove[%d]" % (where, i))
        if scen.find(ident) is None:
            raise ScenarioError("%s: remove[%d]: %s is not in scenario %s" % (where, i, describe(ident), scen.name))
        scen.objects = [o for o in scen.objects if identity(o) != ident]
    for i, ref in enumerate(_list(overrides, "patch", where)):
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


def _list(overrides, key, where):
    value = overrides.get(key) or []
    if not isinstance(value, list):
        raise ScenarioError("%s: %s: expected a list" % (where, key))
    return value


def _ref(ref, where):
    if not isinstance(ref, dict):
        raise ScenarioError("%s: expected {apiVersion, kind, name, namespace}" % where)
    for field in ("apiVersion", "kind", "name"):
        if not ref.get(field):
            raise ScenarioError("%s: %s is required" % (where, field))
    return (ref["apiVersion"], ref["kind"], ref.get("namespace") or "", ref["name"])


# --- generated scale scenarios -----------------------------------------------------------------
SCALE_PARAMS = {"nodes": 5000, "pods": 150000, "gpu_every": 4, "namespaces": 50}


def parse_scale(name):
    params = dict(SCALE_PARAMS)
    _prefix, _sep, spec = name.partition(":")
    if name != "scale" and not name.startswith("scale:"):
        raise ScenarioError("scenario: %r: expected scale or scale:nodes=N,pods=M" % name)
    for part in [p for p in spec.split(",") if p.strip()]:
        key, _sep, value = part.partition("=")
        key = key.strip()
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
    """The ``empty`` scenario plus N nodes (every ``gpu_every``-th a GPU node) and M running pods."""
    params = parse_scale(name)
    scen = load("empty")
    scen.name = name
    scen.description = "generated: %(nodes)d nodes, %(pods)d pods in %(namespaces)d namespaces" % params
    scen.generated = params
    return scen


def scale_objects(params, created):
    """Yield the generated nodes, namespaces and pods (plain dicts, ready to store)."""
    for i in range(params["namespaces"]):
        yield {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": "load-%03d" % i,
                "creationTimestamp": created,
                "labels": {"kubernetes.io/metadata.name": "load-%03d" % i},
            },
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }
    for i in range(params["nodes"]):
        gpu = i % params["gpu_every"] == params["gpu_every"] - 1
        labels = {
            "kubernetes.io/hostname": "node-%05d" % i,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "node.kubernetes.io/instance-type": "Standard_NC24ads_A100_v4" if gpu else "Standard_D8s_v5",
        }
        capacity = {"cpu": "24" if gpu else "8", "memory": "226Gi" if gpu else "32Gi", "pods": "110"}
        if gpu:
            labels.update(
                {
                    "nvidia.com/gpu.present": "true",
                    "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
                    "nvidia.com/gpu.count": "1",
                    "kubernetes.azure.com/accelerator": "nvidia",
                }
            )
            capacity["nvidia.com/gpu"] = "1"
        yield {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "node-%05d" % i, "labels": labels, "creationTimestamp": created},
            "spec": {
                "providerID": "azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
                "load/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/"
                "virtualMachines/%d" % i
            },
            "status": {
                "capacity": capacity,
                "allocatable": dict(capacity),
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                "nodeInfo": {"kubeletVersion": "v1.34.1+rke2r1"},
            },
        }
    for i in range(params["pods"]):
        ns = "load-%03d" % (i % params["namespaces"])
        yield {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "load-%06d" % i,
                "namespace": ns,
                "labels": {"app": "load-%d" % (i % 100)},
                "creationTimestamp": created,
            },
            "spec": {
                "nodeName": "node-%05d" % (i % params["nodes"]),
                "containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}],
            },
            "status": {"phase": "Running", "podIP": "10.42.%d.%d" % (i // 250 % 250, i % 250 + 2)},
        }
