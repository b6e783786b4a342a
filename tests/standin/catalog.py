"""What the server serves: built-in catalog plus CRDs and APIServices, and the discovery documents."""

import os
import re
import threading

import yaml

CATALOG_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog")
CATALOGS = ("1.34", "1.33")
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def version_priority(version):
    """Sort key of Kubernetes version names: v1 > v1beta2 > v1beta1 > v1alpha1 > other (alphabetical)."""
    m = re.match(r"^v(\d+)(?:(alpha|beta)(\d+))?$", version)
    if not m:
        return (3, 0, 0, version)
    major = int(m.group(1))
    stage = {"alpha": 2, "beta": 1, None: 0}[m.group(2)]
    minor = int(m.group(3) or 0)
    return (stage, -major, -minor, version)


class ResourceType(object):
    """One resource of one group-version (e.g. apps/v1 deployments) and how it behaves."""

    def __init__(self, group, version, spec, crd=None):
        self.group = group
        self.version = version
        self.resource = spec["resource"]
        self.kind = spec["kind"]
        self.namespaced = spec["scope"] == "Namespaced"
        self.singular = spec.get("singularResource") or self.kind.lower()
        self.short_names = list(spec.get("shortNames") or [])
        self.categories = list(spec.get("categories") or [])
        self.verbs = list(spec.get("verbs") or ALL_VERBS)
        self.subresources = {}
        for sub in spec.get("subresources") or []:
            self.subresources[sub["subresource"]] = {
                "kind": sub.get("kind") or self.kind,
                "group": sub.get("group", ""),
                "version": sub.get("version", ""),
                "verbs": list(sub.get("verbs") or ["get", "patch", "update"]),
            }
        self.crd = crd  # CRD version dict (schema, printer columns) for custom resources
        self.schema = None
        self.printer_columns = []
        self.selectable_fields = []
        if crd is not None:
            self.schema = (crd.get("schema") or {}).get("openAPIV3Schema")
            self.printer_columns = list(crd.get("additionalPrinterColumns") or [])
            self.selectable_fields = [f.get("jsonPath", "").lstrip(".") for f in crd.get("selectableFields") or []]

    @property
    def custom(self):
        return self.crd is not None

    @property
    def group_version(self):
        return "%s/%s" % (self.group, self.version) if self.group else self.version

    @property
    def has_status(self):
        return "status" in self.subresources

    @property
    def list_kind(self):
        return self.kind + "List"

    def aggregated(self):
        entry = {
            "resource": self.resource,
            "responseKind": {"group": "", "version": "", "kind": self.kind},
            "scope": "Namespaced" if self.namespaced else "Cluster",
            "singularResource": self.singular,
            "verbs": list(self.verbs),
        }
        if self.short_names:
            entry["shortNames"] = list(self.short_names)
        if self.categories:
            entry["categories"] = list(self.categories)
        if self.subresources:
            entry["subresources"] = [
                {
                    "subresource": name,
                    "responseKind": {"group": sub["group"], "version": sub["version"], "kind": sub["kind"]},
                    "verbs": list(sub["verbs"]),
                }
                for name, sub in sorted(self.subresources.items())
            ]
        return entry

    def legacy(self):
        out = [
            {
                "name": self.resource,
                "singularName": self.singular,
                "namespaced": self.namespaced,
                "kind": self.kind,
                "verbs": list(self.verbs),
            }
        ]
        if self.short_names:
            out[0]["shortNames"] = list(self.short_names)
        if self.categories:
            out[0]["categories"] = list(self.categories)
        for name, sub in sorted(self.subresources.items()):
            entry = {
                "name": "%s/%s" % (self.resource, name),
                "singularName": "",
                "namespaced": self.namespaced,
                "kind": sub["kind"],
                "verbs": list(sub["verbs"]),
            }
            if sub["group"]:
                entry["group"] = sub["group"]
                entry["version"] = sub["version"]
            out.append(entry)
        return out


_CATALOG_CACHE = {}


def load_catalog(name):
    if name not in CATALOGS:
        raise ValueError("catalog: expected one of %s, got %r" % (", ".join(CATALOGS), name))
    if name not in _CATALOG_CACHE:
        with open(os.path.join(CATALOG_DIR, "kube-%s.yaml" % name)) as fh:
            _CATALOG_CACHE[name] = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _CATALOG_CACHE[name]


def crd_resource_types(crd):
    """ResourceTypes of the served versions of a CustomResourceDefinition object."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    out = []
    for ver in spec.get("versions") or []:
        if not ver.get("served", True):
            continue
        subs = []
        subresources = ver.get("subresources") or spec.get("subresources") or {}
        if "status" in subresources:
            subs.append({"subresource": "status"})
        if "scale" in subresources:
            subs.append({"subresource": "scale", "kind": "Scale", "group": "autoscaling", "version": "v1"})
        rspec = {
            "resource": names.get("plural"),
            "kind": names.get("kind"),
            "scope": spec.get("scope", "Namespaced"),
            "singularResource": names.get("singular") or (names.get("kind") or "").lower(),
            "shortNames": names.get("shortNames"),
            "categories": names.get("categories"),
            "subresources": subs,
        }
        crd_version = ver
        if not ver.get("schema") and spec.get("validation"):
            crd_version = dict(ver, schema=spec["validation"])
        out.append(ResourceType(spec.get("group"), ver.get("name"), rspec, crd=crd_version))
    return out


class Registry(object):
    """Group-versions and resources currently served, with lookups by path and by kind."""

    def __init__(self, catalog="1.34"):
        self._lock = threading.RLock()
        self._builtin = []  # [(group, [(version, [ResourceType])])]
        for g in load_catalog(catalog)["groups"]:
            versions = []
            for v in g["versions"]:
                versions.append((v["version"], [ResourceType(g["group"], v["version"], r) for r in v["resources"]]))
            self._builtin.append((g["group"], versions))
        self._crds = {}  # crd name -> [ResourceType]
        self._aggregated = {}  # "group/version" -> {"resources": [...], "available": bool}
        self._rebuild()

    # --- mutation -------------------------------------------------------------------------
    def add_crd(self, crd):
        with self._lock:
            self._crds[crd["metadata"]["name"]] = crd_resource_types(crd)
            self._rebuild()

    def remove_crd(self, name):
        with self._lock:
            if self._crds.pop(name, None) is not None:
                self._rebuild()

    def set_aggregated(self, group_version, resources, available):
        with self._lock:
            self._aggregated[group_version] = {"resources": resources, "available": available}
            self._rebuild()

    def remove_aggregated(self, group_version):
        with self._lock:
            if self._aggregated.pop(group_version, None) is not None:
                self._rebuild()

    def _rebuild(self):
        groups = [(g, [(v, list(rs)) for v, rs in vers]) for g, vers in self._builtin]
        custom = {}
        for types in self._crds.values():
            for rt in types:
                custom.setdefault(rt.group, {}).setdefault(rt.version, []).append(rt)
        for gv, info in self._aggregated.items():
            group, version = gv.split("/", 1)
            types = [ResourceType(group, version, r) for r in info["resources"]]
            custom.setdefault(group, {}).setdefault(version, []).extend(types)
        for group in sorted(custom):
            versions = sorted(custom[group], key=version_priority)
            groups.append((group, [(v, sorted(custom[group][v], key=lambda r: r.resource)) for v in versions]))
        by_gvr = {}
        by_gr = {}
        for group, versions in groups:
            for version, types in versions:
                for rt in types:
                    by_gvr[(group, version, rt.resource)] = rt
                    by_gr.setdefault((group, rt.resource), rt)
        self.groups = groups
        self.by_gvr = by_gvr
        self.by_gr = by_gr  # preferred-version type per group/resource (storage key)

    # --- lookups --------------------------------------------------------------------------
    def lookup(self, group, version, resource):
        return self.by_gvr.get((group, version, resource))

    def has_group_version(self, group, version):
        return any(g == group and any(v == version for v, _types in vers) for g, vers in self.groups)

    def versions(self, group):
        for g, vers in self.groups:
            if g == group:
                return [v for v, _types in vers]
        return []

    def is_aggregated(self, group, version):
        return "%s/%s" % (group, version) in self._aggregated

    def aggregated_available(self, group, version):
        info = self._aggregated.get("%s/%s" % (group, version))
        return bool(info and info["available"])

    def by_kind(self, api_version, kind):
        group, _sep, version = api_version.rpartition("/")
        for (g, v, _r), rt in self.by_gvr.items():
            if g == group and v == version and rt.kind == kind:
                return rt
        return None

    def find(self, api_version, kind_or_plural):
        """ResourceType for an apiVersion and a kind or plural name (tests' convenience)."""
        group, _sep, version = api_version.rpartition("/")
        for (g, v, r), rt in self.by_gvr.items():
            if g == group and v == version and kind_or_plural in (r, rt.kind, rt.kind.lower(), rt.singular):
                return rt
        return None

    # --- discovery documents ----------------------------------------------------------------
    def _is_stale(self, group, version):
        return self.is_aggregated(group, version) and not self.aggregated_available(group, version)

    def aggregated_list(self, core, version="v2"):
        items = []
        for group, versions in self.groups:
            if (group == "") != core:
                continue
            item = {"metadata": {"name": group, "creationTimestamp": None}, "versions": []}
            if core:
                item["metadata"] = {"creationTimestamp": None}
            for v, types in versions:
                entry = {"version": v, "resources": [rt.aggregated() for rt in types]}
                entry["freshness"] = "Stale" if self._is_stale(group, v) else "Current"
                item["versions"].append(entry)
            items.append(item)
        return {
            "kind": "APIGroupDiscoveryList",
            "apiVersion": "apidiscovery.k8s.io/%s" % version,
            "metadata": {},
            "items": items,
        }

    def api_group(self, group):
        for g, versions in self.groups:
            if g == group:
                vers = [{"groupVersion": "%s/%s" % (g, v), "version": v} for v, _types in versions]
                return {"name": g, "versions": vers, "preferredVersion": vers[0]}
        return None

    def api_group_list(self):
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [self.api_group(g) for g, _versions in self.groups if g],
        }

    def resource_list(self, group, version):
        for g, versions in self.groups:
            if g != group:
                continue
            for v, types in versions:
                if v == version:
                    resources = []
                    for rt in types:
                        resources.extend(rt.legacy())
                    gv = "%s/%s" % (g, v) if g else v
                    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}
        return None
