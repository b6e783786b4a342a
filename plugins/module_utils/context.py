# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a check gets to work with: the shared client and discovery, its options, and
read helpers that record each request as evidence with the matching kubectl command."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import api_path
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError


def kubectl_get(resource, group="", name=None, namespace=None, label_selector=None, field_selector=None, output=None):
    """The kubectl command that shows what ``CheckContext.list``/``get`` read."""
    parts = ["kubectl", "get", resource + ("." + group if group else "")]
    if name:
        parts.append(name)
    if namespace:
        parts.extend(["-n", namespace])
    elif namespace is None and not name:
        parts.append("-A")
    if label_selector:
        parts.extend(["-l", "'%s'" % label_selector])
    if field_selector:
        parts.extend(["--field-selector", "'%s'" % field_selector])
    if output:
        parts.extend(["-o", output])
    return " ".join(parts)


def api_resources_table(resources):
    """``kubectl api-resources`` output for ``resources`` (NAME SHORTNAMES APIVERSION NAMESPACED KIND)."""
    rows = [("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND")]
    for res in resources:
        rows.append((res.name, ",".join(res.short_names), res.group_version, str(res.namespaced).lower(), res.kind))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "   ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "   " + row[4] for row in rows
    )


def with_defaults(values, spec):
    """One check's options with its argument spec's defaults wherever a value is missing or None.

    The module's argument spec fills them already; ``runner.run`` applies this for every caller
    (tests, benchmarks), so a check reads each option with a default as set."""
    out = dict(values or {})
    for key, option in spec.items():
        if out.get(key) is None and option.get("default") is not None:
            out[key] = copy.deepcopy(option["default"])
    return out


class CheckContext(object):
    """Shared, read-only view of the cluster for the checks of one run."""

    def __init__(self, client, discovery, cluster_version=None, checklist_version=None, options=None):
        self.client = client
        self.discovery = discovery
        self.cluster_version = cluster_version or {}
        self.checklist_version = checklist_version
        self._options = options or {}

    def options(self, requirement):
        """The options of one check (validated by the module's argument spec, defaults filled in by
        ``runner.run``)."""
        return dict(self._options.get(requirement) or {})

    @staticmethod
    def record_list(
        result, description, resource, namespace=None, label_selector=None, field_selector=None, limit=None
    ):
        """Record the evidence of a list read (request and kubectl equivalent) and return it."""
        path = api_path(resource.group, resource.version, resource.name, namespace=namespace)
        query = ["limit=%d" % limit] if limit else []
        if label_selector:
            query.append("labelSelector=" + label_selector)
        if field_selector:
            query.append("fieldSelector=" + field_selector)
        return result.add(
            description,
            request="GET %s%s" % (path, "?" + "&".join(query) if query else ""),
            kubectl=kubectl_get(
                resource.name,
                resource.group,
                namespace=namespace if resource.namespaced else "",
                label_selector=label_selector,
                field_selector=field_selector,
            ),
        )

    def list(self, result, description, resource, namespace=None, label_selector=None, field_selector=None, limit=500):
        """List a discovered ``Resource`` (paged, selectors server-side) and record the request."""
        path = api_path(resource.group, resource.version, resource.name, namespace=namespace)
        items, _pages = self.client.list(
            path, label_selector=label_selector, field_selector=field_selector, limit=limit
        )
        return items, self.record_list(result, description, resource, namespace, label_selector, field_selector)

    @staticmethod
    def record_get(result, description, resource, name, namespace=None):
        """Record the evidence of a read of one object (request and kubectl equivalent) and return it."""
        path = api_path(resource.group, resource.version, resource.name, namespace=namespace, name=name)
        return result.add(
            description,
            request="GET " + path,
            kubectl=kubectl_get(resource.name, resource.group, name=name, namespace=namespace, output="yaml"),
        )

    def get_or_none(self, path):
        """The object at ``path``, or None when the server answers 404 Not Found."""
        try:
            return self.client.get(path)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def get(self, result, description, resource, name, namespace=None):
        """Read one object, or None when it does not exist; records the request."""
        path = api_path(resource.group, resource.version, resource.name, namespace=namespace, name=name)
        evidence = self.record_get(result, description, resource, name, namespace)
        obj = self.get_or_none(path)
        if obj is None:
            evidence.output = "not found"
        return obj, evidence
