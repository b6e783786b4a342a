# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small helpers shared by the checks: readiness of workloads, conditions, selectors, and reads
shared by several checks of one run.

Append new helpers; do not rewrite the ones others rely on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import weakref

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import api_path
from ansible_collections.ai_conformance.rke2.plugins.module_utils.context import kubectl_get
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError


def condition(obj, kind):
    """The status condition of type ``kind`` of ``obj``, or None."""
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def condition_true(obj, kind):
    return (condition(obj, kind) or {}).get("status") == "True"


def name_of(obj):
    return ((obj or {}).get("metadata") or {}).get("name")


def namespace_of(obj):
    return ((obj or {}).get("metadata") or {}).get("namespace")


def labels_of(obj):
    return ((obj or {}).get("metadata") or {}).get("labels") or {}


def selector_string(match_labels):
    """``{"app": "x", "tier": "y"}`` -> ``app=x,tier=y`` (sorted, for a server-side labelSelector)."""
    return ",".join("%s=%s" % (k, v) for k, v in sorted((match_labels or {}).items()))


def daemonset_ready(ds):
    """``(ready, "3/3 ready, 3 up to date")`` for a DaemonSet."""
    status = (ds or {}).get("status") or {}
    desired = status.get("desiredNumberScheduled", 0) or 0
    ready = status.get("numberReady", 0) or 0
    updated = status.get("updatedNumberScheduled", desired)
    return desired > 0 and ready >= desired, "%d/%d ready, %s up to date" % (ready, desired, updated)


def deployment_ready(dep):
    """``(ready, text)`` for a Deployment: every wanted replica ready and Available=True when reported."""
    spec = (dep or {}).get("spec") or {}
    status = (dep or {}).get("status") or {}
    wanted = spec.get("replicas", 1)
    ready = status.get("readyReplicas", 0) or 0
    available = condition(dep, "Available")
    ok = wanted > 0 and ready >= wanted and (available is None or available.get("status") == "True")
    return ok, "%d/%d ready" % (ready, wanted)


def statefulset_ready(sts):
    """``(ready, text)`` for a StatefulSet."""
    spec = (sts or {}).get("spec") or {}
    status = (sts or {}).get("status") or {}
    wanted = spec.get("replicas", 1)
    ready = status.get("readyReplicas", 0) or 0
    return wanted > 0 and ready >= wanted, "%d/%d ready" % (ready, wanted)


def pod_ready(pod):
    """``(ready, text)`` for a Pod: phase Running and condition Ready=True."""
    status = (pod or {}).get("status") or {}
    phase = status.get("phase", "Unknown")
    ready = condition_true(pod, "Ready")
    return phase == "Running" and ready, "%s, Ready=%s" % (phase, "True" if ready else "False")


def container_env(container):
    """A container's literal environment as a dict; ``valueFrom`` entries show where they come from."""
    env = {}
    for item in (container or {}).get("env") or []:
        if "value" in item:
            env[item.get("name")] = item.get("value")
        elif item.get("valueFrom"):
            env[item.get("name")] = "<from %s>" % ",".join(sorted(item["valueFrom"]))
        else:
            env[item.get("name")] = ""
    return env


def containers_of(workload):
    """Containers of a Pod, or of a workload's pod template."""
    spec = (workload or {}).get("spec") or {}
    if "template" in spec:
        spec = (spec.get("template") or {}).get("spec") or {}
    return spec.get("containers") or []


def trim(text, limit=2000):
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit] + "\n... (%d more characters)" % (len(text) - limit)


# -- reads shared by several checks of one run -------------------------------------------------
# Checks run concurrently on one CheckContext. A read several checks need (the GPU nodes, the
# ClusterPolicy) is made once per run; every check still records it as its own evidence.
_MEMO = weakref.WeakKeyDictionary()
_MEMO_LOCK = threading.Lock()


class _Slot(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.done = False
        self.value = None
        self.error = None


def memo(ctx, key, compute):
    """``compute()`` once per ``ctx`` and ``key``; an ApiError is remembered and raised again."""
    with _MEMO_LOCK:
        slots = _MEMO.setdefault(ctx, {})
        slot = slots.setdefault(key, _Slot())
    with slot.lock:
        if not slot.done:
            try:
                slot.value = compute()
            except ApiError as exc:
                slot.error = exc
            slot.done = True
    if slot.error is not None:
        raise slot.error
    return slot.value


def _query(label_selector=None, field_selector=None):
    query = []
    if label_selector:
        query.append("labelSelector=" + label_selector)
    if field_selector:
        query.append("fieldSelector=" + field_selector)
    return "?" + "&".join(query) if query else ""


def shared_list(ctx, result, description, resource, namespace=None, label_selector=None, field_selector=None):
    """Like ``CheckContext.list`` but made once per run for every check that asks the same."""
    path = api_path(resource.group, resource.version, resource.name, namespace=namespace)
    key = ("list", path, label_selector, field_selector)

    def compute():
        items, _pages = ctx.client.list(path, label_selector=label_selector, field_selector=field_selector)
        return items

    evidence = result.add(
        description,
        request="GET %s%s" % (path, _query(label_selector, field_selector)),
        kubectl=kubectl_get(
            resource.name,
            resource.group,
            namespace=namespace if resource.namespaced else "",
            label_selector=label_selector,
            field_selector=field_selector,
        ),
    )
    return memo(ctx, key, compute), evidence


def shared_get(ctx, result, description, resource, name, namespace=None):
    """Like ``CheckContext.get`` (None when the object does not exist), made once per run."""
    path = api_path(resource.group, resource.version, resource.name, namespace=namespace, name=name)

    def compute():
        try:
            return ctx.client.get(path)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    evidence = result.add(
        description,
        request="GET " + path,
        kubectl=kubectl_get(resource.name, resource.group, name=name, namespace=namespace, output="yaml"),
    )
    obj = memo(ctx, ("get", path), compute)
    if obj is None:
        evidence.output = "not found"
    return obj, evidence
