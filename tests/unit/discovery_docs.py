"""Discovery documents for unit tests, built from real kube-apiserver documents.

Legacy ``APIResourceList`` fixtures and Gateway API CRDs are converted into the aggregated
``APIGroupDiscoveryList`` form with the field set kube-apiserver uses (see
tests/fixtures/discovery/README.md), so a test can serve the same cluster both ways.
"""

import copy
import functools
import json
import pathlib

import yaml

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


def legacy(group, version):
    """A real ``APIResourceList`` from tests/fixtures/discovery."""
    path = FIXTURES / "discovery" / ("apis__%s__%s.json" % (group, version))
    return json.loads(path.read_text())


@functools.lru_cache(maxsize=None)
def _load_crds(release):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [
        yaml.load(p.read_text(), Loader=loader) for p in sorted((FIXTURES / "gateway-api" / release).glob("*.yaml"))
    ]


def gateway_crds(release="v1.6.1"):
    return copy.deepcopy(_load_crds(release))


def crd_resource_lists(crds):
    """``{group/version: APIResourceList}`` as kube-apiserver serves for these CRDs."""
    lists = {}
    for crd in crds:
        spec = crd["spec"]
        names = spec["names"]
        for ver in spec["versions"]:
            if not ver.get("served"):
                continue
            gv = "%s/%s" % (spec["group"], ver["name"])
            body = lists.setdefault(
                gv, {"apiVersion": "v1", "groupVersion": gv, "kind": "APIResourceList", "resources": []}
            )
            entry = {
                "kind": names["kind"],
                "name": names["plural"],
                "namespaced": spec["scope"] == "Namespaced",
                "singularName": names.get("singular", names["kind"].lower()),
                "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
            }
            if names.get("shortNames"):
                entry["shortNames"] = names["shortNames"]
            if names.get("categories"):
                entry["categories"] = names["categories"]
            body["resources"].append(entry)
            if (ver.get("subresources") or {}).get("status") is not None:
                body["resources"].append(
                    {
                        "kind": names["kind"],
                        "name": names["plural"] + "/status",
                        "namespaced": spec["scope"] == "Namespaced",
                        "singularName": "",
                        "verbs": ["get", "patch", "update"],
                    }
                )
    return lists


def to_aggregated_version(resource_list, freshness="Current"):
    """One ``versions[]`` entry of an ``APIGroupDiscovery`` from an ``APIResourceList``."""
    version = resource_list["groupVersion"].split("/")[-1]
    subresources = {}
    for res in resource_list["resources"]:
        if "/" in res["name"]:
            parent, sub = res["name"].split("/", 1)
            subresources.setdefault(parent, []).append(
                {
                    "responseKind": {"group": "", "kind": res["kind"], "version": ""},
                    "subresource": sub,
                    "verbs": res["verbs"],
                }
            )
    resources = []
    for res in resource_list["resources"]:
        if "/" in res["name"]:
            continue
        entry = {}
        if res.get("categories"):
            entry["categories"] = res["categories"]
        entry["resource"] = res["name"]
        entry["responseKind"] = {"group": "", "kind": res["kind"], "version": ""}
        entry["scope"] = "Namespaced" if res["namespaced"] else "Cluster"
        if res.get("shortNames"):
            entry["shortNames"] = res["shortNames"]
        entry["singularResource"] = res["singularName"]
        if res["name"] in subresources:
            entry["subresources"] = subresources[res["name"]]
        entry["verbs"] = res["verbs"]
        resources.append(entry)
    return {"freshness": freshness, "resources": resources, "version": version}


def aggregated(groups):
    """An ``APIGroupDiscoveryList``; ``groups`` maps a group name to its ``APIResourceList``s, preferred first."""
    items = []
    for group, lists in groups.items():
        items.append(
            {
                "metadata": {"creationTimestamp": None, "name": group},
                "versions": [to_aggregated_version(body) for body in lists],
            }
        )
    return {"apiVersion": "apidiscovery.k8s.io/v2", "items": items, "kind": "APIGroupDiscoveryList", "metadata": {}}


def group_list(groups):
    """The legacy ``/apis`` ``APIGroupList`` for ``{group: [versions, preferred first]}``."""
    out = []
    for group, versions in groups.items():
        out.append(
            {
                "name": group,
                "preferredVersion": {"groupVersion": "%s/%s" % (group, versions[0]), "version": versions[0]},
                "versions": [{"groupVersion": "%s/%s" % (group, v), "version": v} for v in versions],
            }
        )
    return {"apiVersion": "v1", "groups": out, "kind": "APIGroupList"}


_CORE_V1 = {
    "apiVersion": "v1",
    "groupVersion": "v1",
    "kind": "APIResourceList",
    "resources": [
        {
            "kind": "Namespace",
            "name": "namespaces",
            "namespaced": False,
            "singularName": "namespace",
            "shortNames": ["ns"],
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
        },
        {
            "kind": "Node",
            "name": "nodes",
            "namespaced": False,
            "singularName": "node",
            "shortNames": ["no"],
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        },
        {
            "kind": "Pod",
            "name": "pods",
            "namespaced": True,
            "singularName": "pod",
            "shortNames": ["po"],
            "categories": ["all"],
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        },
    ],
}


def cluster(dra_versions=("v1", "v1beta2"), gateway_release="v1.6.1", drop=()):
    """Legacy resource lists of a small cluster: ``{group: [APIResourceList, ...]}``, preferred first.

    ``drop`` removes ``(group/version, resource)`` pairs to break the cluster in one way.
    """
    groups = {"": [copy.deepcopy(_CORE_V1)]}
    if dra_versions:
        groups["resource.k8s.io"] = [legacy("resource.k8s.io", v) for v in dra_versions]
    if gateway_release:
        lists = crd_resource_lists(gateway_crds(gateway_release))
        order = sorted(lists, key=lambda gv: (gv.split("/")[1] != "v1", gv))
        groups["gateway.networking.k8s.io"] = [lists[gv] for gv in order]
    for gv, name in drop:
        for lists in groups.values():
            for body in lists:
                if body["groupVersion"] == gv:
                    body["resources"] = [r for r in body["resources"] if r["name"].split("/")[0] != name]
    return groups


# -- built-in groups of a real kube-apiserver, and CRD groups -----------------------------------
# tests/fixtures/discovery/kube-<release>.json holds the aggregated discovery a real kube-apiserver
# of that release serves for its built-in groups (captured from the test world by
# ``python -m tests.testworld.capture_discovery``); these helpers turn it into legacy
# APIResourceLists so checks that read apps, autoscaling, apiextensions... can be unit-tested.
@functools.lru_cache(maxsize=None)
def _catalog(release):
    captured = json.loads((FIXTURES / "discovery" / ("kube-%s.json" % release)).read_text())
    groups = []
    for root in ("api", "apis"):
        for item in captured[root]["items"]:
            versions = []
            for ver in item["versions"]:
                resources = []
                for res in ver.get("resources") or []:
                    entry = dict(res, kind=(res.get("responseKind") or {}).get("kind"))
                    entry["subresources"] = [
                        dict(sub, kind=(sub.get("responseKind") or {}).get("kind"))
                        for sub in res.get("subresources") or []
                    ]
                    resources.append(entry)
                versions.append({"version": ver["version"], "resources": resources})
            groups.append({"group": (item.get("metadata") or {}).get("name", ""), "versions": versions})
    return {"groups": groups}


def builtin(group, version, release="1.34"):
    """The built-in ``APIResourceList`` of ``group/version`` as kube-apiserver ``release`` serves it."""
    for grp in _catalog(release)["groups"]:
        if grp["group"] != group:
            continue
        for ver in grp["versions"]:
            if ver["version"] == version:
                return _resource_list(group, version, ver["resources"])
    raise KeyError("%s/%s is not in the %s catalog" % (group, version, release))


def _resource_list(group, version, resources):
    gv = "%s/%s" % (group, version) if group else version
    out = []
    for res in resources:
        entry = {
            "kind": res["kind"],
            "name": res["resource"],
            "namespaced": res["scope"] == "Namespaced",
            "singularName": res.get("singularResource", ""),
            "verbs": list(res.get("verbs") or []),
        }
        for key in ("shortNames", "categories"):
            if res.get(key):
                entry[key] = list(res[key])
        out.append(entry)
        for sub in res.get("subresources") or []:
            out.append(
                {
                    "kind": sub.get("kind") or res["kind"],
                    "name": "%s/%s" % (res["resource"], sub["subresource"]),
                    "namespaced": res["scope"] == "Namespaced",
                    "singularName": "",
                    "verbs": list(sub.get("verbs") or []),
                }
            )
    return {"apiVersion": "v1", "groupVersion": gv, "kind": "APIResourceList", "resources": out}


def custom_group(group, version, resources):
    """The ``APIResourceList`` kube-apiserver serves for CRDs of one group-version.

    ``resources`` lists ``(plural, kind, namespaced)``; each gets a ``status`` subresource like
    most operator CRDs."""
    listed = []
    for plural, kind, namespaced in resources:
        listed.append(
            {
                "resource": plural,
                "kind": kind,
                "scope": "Namespaced" if namespaced else "Cluster",
                "singularResource": kind.lower(),
                "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
                "subresources": [{"subresource": "status", "verbs": ["get", "patch", "update"]}],
            }
        )
    return _resource_list(group, version, listed)


BUILTIN_GROUPS = (
    ("apps", ("v1",)),
    ("autoscaling", ("v2", "v1")),
    ("apiextensions.k8s.io", ("v1",)),
    ("apiregistration.k8s.io", ("v1",)),
    ("admissionregistration.k8s.io", ("v1",)),
    ("discovery.k8s.io", ("v1",)),
    ("node.k8s.io", ("v1",)),
)


def full_cluster(extra=None, drop_groups=(), **kwargs):
    """``cluster()`` with the catalog's core group and ``BUILTIN_GROUPS``, plus ``extra``
    (``{group: [APIResourceList, ...]}``, e.g. from ``custom_group``); ``drop_groups`` removes groups."""
    groups = cluster(**kwargs)
    groups[""] = [builtin("", "v1")]
    for group, versions in BUILTIN_GROUPS:
        groups[group] = [builtin(group, v) for v in versions]
    for group, lists in (extra or {}).items():
        groups.setdefault(group, [])
        groups[group].extend(lists)
    for group in drop_groups:
        groups.pop(group, None)
    return groups
