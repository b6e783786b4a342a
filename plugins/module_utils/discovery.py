# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One discovery pass over the API server, shared by every check of a run.

Aggregated discovery (``apidiscovery.k8s.io/v2``, Kubernetes 1.30+, and ``v2beta1`` from
1.26) answers with all groups, versions and resources in two requests (``/api`` and
``/apis``). Servers without it get the legacy walk: ``/api``, ``/apis``, then one
``APIResourceList`` per group-version.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError

AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)


class Resource(object):
    """A served resource of one group-version, as discovery describes it."""

    __slots__ = (
        "categories",
        "group",
        "kind",
        "name",
        "namespaced",
        "short_names",
        "singular",
        "subresources",
        "verbs",
        "version",
    )

    def __init__(
        self,
        group,
        version,
        name,
        kind,
        namespaced,
        verbs=(),
        short_names=(),
        singular="",
        categories=(),
        subresources=(),
    ):
        self.group = group
        self.version = version
        self.name = name
        self.kind = kind
        self.namespaced = namespaced
        self.verbs = tuple(verbs or ())
        self.short_names = tuple(short_names or ())
        self.singular = singular or ""
        self.categories = tuple(categories or ())
        self.subresources = tuple(subresources or ())

    @property
    def group_version(self):
        return "%s/%s" % (self.group, self.version) if self.group else self.version

    @property
    def scope(self):
        return "Namespaced" if self.namespaced else "Cluster"

    def to_dict(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "apiVersion": self.group_version,
            "namespaced": self.namespaced,
            "shortNames": list(self.short_names),
            "verbs": list(self.verbs),
            "subresources": list(self.subresources),
        }


class Discovery(object):
    """Groups, versions and resources the server serves.

    ``groups`` maps a group name ("" for the core group) to its versions in the server's
    preference order. ``unavailable`` maps ``group/version`` to why it could not be read
    (an aggregated API whose backend is down is ``Stale`` or answers 503).
    """

    def __init__(self, mode, requests):
        self.mode = mode
        self.requests = list(requests)
        self.groups = {}
        self.resources = {}
        self.unavailable = {}

    def _add(self, resource):
        versions = self.groups.setdefault(resource.group, [])
        if resource.version not in versions:
            versions.append(resource.version)
        self.resources[(resource.group, resource.version, resource.name)] = resource

    def versions(self, group):
        return list(self.groups.get(group, ()))

    def preferred_version(self, group):
        versions = self.groups.get(group)
        return versions[0] if versions else None

    def resource(self, group, version, name):
        return self.resources.get((group, version, name))

    def require(self, group, version, name):
        """The resource a check cannot do without (a built-in one, as a rule), or ``ApiError``.

        A cluster that does not serve, say, ``apps/v1 deployments`` is broken or locked down; the
        check reports that as its error instead of failing on a missing resource later."""
        found = self.resources.get((group, version, name))
        if found is None:
            gv = "%s/%s" % (group, version) if group else version
            raise ApiError(
                "the API server does not serve %s %s (not in discovery); the check needs it" % (gv, name),
                status=None,
                reason="NotServed",
            )
        return found

    def resources_in(self, group, version):
        return sorted(
            (r for (g, v, _name), r in self.resources.items() if g == group and v == version), key=lambda r: r.name
        )

    def find(self, group, name, versions=None):
        """The resource ``name`` of ``group`` in the first of ``versions`` (or preferred order) that serves it."""
        for version in versions or self.versions(group):
            found = self.resources.get((group, version, name))
            if found:
                return found
        return None

    def summary(self):
        return {
            "mode": self.mode,
            "requests": list(self.requests),
            "groups": len([g for g in self.groups if g]),
            "resources": len(self.resources),
            "unavailable": dict(self.unavailable),
        }

    # -- aggregated discovery -------------------------------------------------------------
    @classmethod
    def from_aggregated(cls, documents, requests=()):
        """Build from the ``APIGroupDiscoveryList`` bodies of ``/api`` and ``/apis``."""
        disco = cls("aggregated", requests)
        for doc in documents:
            for item in doc.get("items") or []:
                group = (item.get("metadata") or {}).get("name") or ""
                disco.groups.setdefault(group, [])
                for version_doc in item.get("versions") or []:
                    version = version_doc.get("version")
                    if not version:
                        continue
                    if version not in disco.groups[group]:
                        disco.groups[group].append(version)
                    if version_doc.get("freshness") == "Stale":
                        disco.unavailable["%s/%s" % (group, version) if group else version] = "Stale"
                    for res in version_doc.get("resources") or []:
                        kind = (res.get("responseKind") or {}).get("kind", "")
                        disco._add(
                            Resource(
                                group,
                                version,
                                res.get("resource"),
                                kind,
                                res.get("scope") == "Namespaced",
                                verbs=res.get("verbs"),
                                short_names=res.get("shortNames"),
                                singular=res.get("singularResource"),
                                categories=res.get("categories"),
                                subresources=[s.get("subresource") for s in res.get("subresources") or []],
                            )
                        )
        return disco

    # -- legacy discovery -----------------------------------------------------------------
    @classmethod
    def from_legacy(cls, core_versions, group_list, resource_lists, failures=None, requests=()):
        """Build from ``/api`` (APIVersions), ``/apis`` (APIGroupList) and ``APIResourceList`` bodies.

        ``resource_lists`` maps ``group/version`` (``v1`` for core) to its body.
        """
        disco = cls("legacy", requests)
        order = [("", v) for v in core_versions.get("versions") or []]
        for group in group_list.get("groups") or []:
            name = group.get("name")
            preferred = (group.get("preferredVersion") or {}).get("version")
            versions = [v.get("version") for v in group.get("versions") or []]
            if preferred in versions:
                versions.remove(preferred)
                versions.insert(0, preferred)
            order.extend((name, v) for v in versions)
        for group, version in order:
            disco.groups.setdefault(group, [])
            if version not in disco.groups[group]:
                disco.groups[group].append(version)
            gv = "%s/%s" % (group, version) if group else version
            body = resource_lists.get(gv)
            if body is None:
                continue
            subresources = {}
            for res in body.get("resources") or []:
                name = res.get("name", "")
                if "/" in name:
                    parent, sub = name.split("/", 1)
                    subresources.setdefault(parent, []).append(sub)
            for res in body.get("resources") or []:
                name = res.get("name", "")
                if "/" in name:
                    continue
                disco._add(
                    Resource(
                        group,
                        version,
                        name,
                        res.get("kind", ""),
                        bool(res.get("namespaced")),
                        verbs=res.get("verbs"),
                        short_names=res.get("shortNames"),
                        singular=res.get("singularName"),
                        categories=res.get("categories"),
                        subresources=subresources.get(name, ()),
                    )
                )
        disco.unavailable.update(failures or {})
        return disco


def _is_aggregated(response):
    if "apidiscovery.k8s.io" in response.content_type:
        return True
    try:
        return response.json().get("kind") == "APIGroupDiscoveryList"
    except (ValueError, AttributeError):
        return False


def discover(client, workers=4):
    """Run one discovery pass with ``client``; aggregated if the server offers it."""
    core = client.request("GET", "/api", accept=AGGREGATED_ACCEPT)
    if _is_aggregated(core):
        apis = client.request("GET", "/apis", accept=AGGREGATED_ACCEPT)
        if _is_aggregated(apis):
            return Discovery.from_aggregated([core.json(), apis.json()], requests=["GET /api", "GET /apis"])
        core = client.request("GET", "/api")
    return _legacy(client, core.json(), workers)


def _legacy(client, core_versions, workers):
    requests = ["GET /api", "GET /apis"]
    group_list = client.get("/apis")
    paths = {v: "/api/" + v for v in core_versions.get("versions") or []}
    for group in group_list.get("groups") or []:
        for version in group.get("versions") or []:
            paths[version["groupVersion"]] = "/apis/" + version["groupVersion"]
    failures = {}

    def fetch(item):
        gv, path = item
        try:
            return gv, client.get(path)
        except ApiError as exc:
            # kubectl's "unable to retrieve the complete list of server APIs": keep going
            failures[gv] = exc.message
            return gv, None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        bodies = dict(pool.map(fetch, sorted(paths.items())))
    requests.extend("GET " + paths[gv] for gv in sorted(paths))
    return Discovery.from_legacy(
        core_versions, group_list, {k: v for k, v in bodies.items() if v is not None}, failures, requests
    )
