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

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps sanity quiet
    from urllib import quote

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import api_path
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


def shared_list(ctx, result, description, resource, namespace=None, label_selector=None, field_selector=None):
    """Like ``CheckContext.list`` but made once per run for every check that asks the same."""
    path = api_path(resource.group, resource.version, resource.name, namespace=namespace)
    key = ("list", path, label_selector, field_selector)

    def compute():
        items, _pages = ctx.client.list(path, label_selector=label_selector, field_selector=field_selector)
        return items

    evidence = ctx.record_list(result, description, resource, namespace, label_selector, field_selector)
    return memo(ctx, key, compute), evidence


def shared_get(ctx, result, description, resource, name, namespace=None):
    """Like ``CheckContext.get`` (None when the object does not exist), made once per run."""
    path = api_path(resource.group, resource.version, resource.name, namespace=namespace, name=name)
    evidence = ctx.record_get(result, description, resource, name, namespace)
    obj = memo(ctx, ("get", path), lambda: ctx.get_or_none(path))
    if obj is None:
        evidence.output = "not found"
    return obj, evidence


# -- helpers of the scheduling, autoscaling, operator and networking checks -------------------
try:
    from kubernetes.utils.quantity import parse_quantity
except ImportError:  # pragma: no cover - the module needs the kubernetes library anyway
    parse_quantity = None

CRD_RESOURCE = ("apiextensions.k8s.io", "v1", "customresourcedefinitions")


def crd_established(crd):
    """``(ok, text)`` for a CustomResourceDefinition: Established=True and NamesAccepted=True."""
    parts, ok = [], True
    for kind in ("Established", "NamesAccepted"):
        cond = condition(crd, kind) or {}
        status = cond.get("status", "Unknown")
        if status != "True":
            ok = False
            detail = ", ".join(x for x in (cond.get("reason"), cond.get("message")) if x)
            parts.append("%s=%s%s" % (kind, status, " (%s)" % detail if detail else ""))
        else:
            parts.append("%s=True" % kind)
    return ok, " ".join(parts)


def read_crds(ctx, result, description, names):
    """GET the CRDs ``names`` (once per run each; a bounded handful per check, never a list of
    every CRD, whose schemas run to megabytes). Returns ``({name: crd or None}, evidence)``;
    the evidence output says for each whether it exists and is established."""
    group, version, plural = CRD_RESOURCE
    found, lines, ok = {}, [], True
    paths = []
    for name in names:
        path = api_path(group, version, plural, name=name)
        paths.append(path)
        crd = memo(ctx, ("get", path), lambda path=path: ctx.get_or_none(path))
        found[name] = crd
        if crd is None:
            ok = False
            lines.append("%s: not found" % name)
        else:
            established, text = crd_established(crd)
            ok = ok and established
            lines.append("%s: %s" % (name, text))
    evidence = result.add(
        description,
        request=", ".join("GET " + p for p in paths),
        kubectl="kubectl get customresourcedefinitions %s -o custom-columns="
        "NAME:.metadata.name,ESTABLISHED:'.status.conditions[?(@.type==\"Established\")].status'" % " ".join(names),
        output=lines,
        ok=ok,
    )
    return found, evidence


def crd_problems(found):
    """Human-readable problems of ``read_crds``' answer (missing or not established CRDs)."""
    problems = []
    for name, crd in found.items():
        if crd is None:
            problems.append("CRD %s is missing" % name)
        else:
            ok, text = crd_established(crd)
            if not ok:
                problems.append("CRD %s is not established (%s)" % (name, text))
    return problems


def pods_health(pods):
    """Readiness of a controller's pods, ignoring finished and terminating ones.

    Returns ``{"ready": [names], "not_ready": ["name (why)"], "lines": [...]}``."""
    ready, not_ready, lines = [], [], []
    for pod in pods:
        meta = pod.get("metadata") or {}
        phase = (pod.get("status") or {}).get("phase", "Unknown")
        if meta.get("deletionTimestamp") or phase in ("Succeeded", "Failed"):
            lines.append("%s/%s: %s (ignored)" % (meta.get("namespace"), meta.get("name"), phase))
            continue
        ok, text = pod_ready(pod)
        lines.append("%s/%s: %s" % (meta.get("namespace"), meta.get("name"), text))
        if ok:
            ready.append(meta.get("name"))
        else:
            cond = condition(pod, "Ready") or {}
            why = ", ".join(x for x in (cond.get("reason"), cond.get("message")) if x)
            not_ready.append("%s (%s%s)" % (meta.get("name"), text, "; " + why if why else ""))
    return {"ready": ready, "not_ready": not_ready, "lines": lines}


def deployments_by_name(ctx, result, description, namespace, names, label_selector=None):
    """One list of the Deployments of ``namespace`` (not one GET each); returns
    ``({name: deployment or None}, problems, evidence)`` for the Deployments ``names``."""
    resource = ctx.discovery.require("apps", "v1", "deployments")
    items, evidence = ctx.list(result, description, resource, namespace=namespace, label_selector=label_selector)
    by_name = {name_of(d): d for d in items}
    found, problems, lines = {}, [], []
    for name in names:
        dep = by_name.get(name)
        found[name] = dep
        if dep is None:
            problems.append("Deployment %s/%s is missing" % (namespace, name))
            lines.append("%s: not found" % name)
            continue
        ok, text = deployment_ready(dep)
        lines.append("%s: %s" % (name, text))
        if not ok:
            problems.append("Deployment %s/%s is not ready (%s)" % (namespace, name, text))
    evidence.output = lines
    evidence.ok = not problems
    return found, problems, evidence


def detect_components(ctx, result, description, components, wanted):
    """The ``components`` to examine (anything with ``key``, ``title``, ``group`` and ``plural``):
    with ``wanted`` ``auto``, those whose API the shared discovery serves; else the one named
    ``wanted``, examined even when not served. Records what discovery showed as evidence."""
    candidates = list(components) if wanted == "auto" else [c for c in components if c.key == wanted]
    lines, detected = [], []
    for comp in candidates:
        res = ctx.discovery.find(comp.group, comp.plural)
        lines.append(
            "%s (%s): %s" % (comp.title, comp.group, "served at %s" % res.group_version if res else "not served")
        )
        if res is not None or wanted != "auto":
            detected.append(comp)
    result.add(
        description,
        request=", ".join(ctx.discovery.requests[:2]),
        kubectl="kubectl api-resources --api-group=<group> (for %s)" % ", ".join(c.group for c in candidates),
        output=lines,
        ok=bool(detected),
    )
    return detected


def endpoint_slices_ready(slices):
    """``{service name: number of ready endpoint addresses}`` from EndpointSlices; an endpoint
    whose ``ready`` condition is unset counts as ready, as the API documents."""
    counts = {}
    for eps in slices:
        service = labels_of(eps).get("kubernetes.io/service-name")
        counts.setdefault(service, 0)
        for endpoint in eps.get("endpoints") or []:
            if (endpoint.get("conditions") or {}).get("ready", True) is not False:
                counts[service] += len(endpoint.get("addresses") or []) or 1
    return counts


def quantity(value):
    """A Kubernetes quantity (``"38500m"``, ``"70"``, ``"1Gi"``) as a float, or None when it is not one."""
    if value is None:
        return None
    try:
        return float(parse_quantity(value) if parse_quantity else value)
    except (TypeError, ValueError, ArithmeticError):
        return None


def shorten(items, limit=10):
    """The first ``limit`` entries of ``items`` as one string, saying how many were left out."""
    items = list(items)
    text = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        text += " and %d more" % (len(items) - limit)
    return text


def first_page(ctx, result, description, resource, namespace=None, label_selector=None, field_selector=None, limit=1):
    """One page of at most ``limit`` objects, for "does any exist" questions: ``(items, more, evidence)``.

    Unlike ``CheckContext.list`` it never pages through the rest (a DRA driver publishes one
    ResourceSlice per node; a 5,000-node cluster need not be read to see that one exists)."""
    path = api_path(resource.group, resource.version, resource.name, namespace=namespace)
    query = {"limit": limit, "labelSelector": label_selector, "fieldSelector": field_selector}
    data = ctx.client.get(path, query=query)
    items = data.get("items") or []
    more = bool((data.get("metadata") or {}).get("continue"))
    evidence = ctx.record_list(result, description, resource, namespace, label_selector, field_selector, limit=limit)
    return items, more, evidence


def proxy_path(plural, namespace, name, port, path):
    """API server proxy path of a Service or Pod port, as kubectl spells it:
    ``/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`` (``plural`` is services or pods)."""
    base = api_path("", "v1", plural, namespace=namespace, name=name)
    if port not in (None, ""):
        base += ":" + quote(str(port), safe="")
    return base + "/proxy" + (path if path.startswith("/") else "/" + path)
