# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pod_autoscaling: HorizontalPodAutoscalers can scale accelerator pods on a custom metric.

The chain checked: ``autoscaling/v2`` served; the custom metrics APIService (default
``v1beta1.custom.metrics.k8s.io``, served by prometheus-adapter) ``Available=True``; the configured
custom metric readable (default: the seed's Object metric ``gpu_utilization`` described by the
Namespace ``suse-private-ai``); every HPA whose scale target's pod template requests an accelerator
resource has ``AbleToScale`` and ``ScalingActive`` True. HPA targets are read with one list per
target kind and namespace (or one cluster-wide list when HPAs span many namespaces), never one
GET per HPA.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    condition,
    name_of,
    namespace_of,
    quantity,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PARTIAL, PASSED

REQUIREMENT = "pod_autoscaling"
DEFAULT_APISERVICE = "v1beta1.custom.metrics.k8s.io"
DEFAULT_METRIC = "gpu_utilization"
DEFAULT_METRIC_NAMESPACE = "suse-private-ai"
DEFAULT_ACCELERATOR_RESOURCES = ["nvidia.com/gpu", "amd.com/gpu"]
# above this many namespaces per target kind, one cluster-wide list beats a list per namespace
PER_NAMESPACE_LISTS = 5

ARGUMENT_SPEC = {
    "apiservice": dict(type="str", default=DEFAULT_APISERVICE),
    "metric": dict(type="str", default=DEFAULT_METRIC),
    "metric_namespace": dict(type="str", default=DEFAULT_METRIC_NAMESPACE),
    "metric_object": dict(type="str", default=""),
    "accelerator_resources": dict(type="list", elements="str", default=list(DEFAULT_ACCELERATOR_RESOURCES)),
}


def metric_path(apiservice, metric, namespace, described):
    """Custom metrics API path of ``metric``.

    ``described`` empty: the metric of the Namespace ``namespace`` itself; otherwise
    ``<resource>/<name>`` (``pods/*``, ``deployments.apps/ollama``) in ``namespace``, or of a
    cluster-scoped object when ``namespace`` is empty.
    """
    version, group = apiservice.split(".", 1)
    base = "/apis/%s/%s" % (group, version)
    if not described:
        return "%s/namespaces/%s/metrics/%s" % (base, namespace, metric)
    if namespace:
        return "%s/namespaces/%s/%s/%s" % (base, namespace, described.strip("/"), metric)
    return "%s/%s/%s" % (base, described.strip("/"), metric)


def _describe_value(item):
    obj = item.get("describedObject") or {}
    value = item.get("value")
    number = quantity(value)
    shown = value if number is None else ("%g" % number)
    return "%s %s: %s = %s (at %s)" % (
        obj.get("kind"),
        "%s/%s" % (obj["namespace"], obj.get("name")) if obj.get("namespace") else obj.get("name"),
        item.get("metricName") or (item.get("metric") or {}).get("name"),
        shown,
        item.get("timestamp"),
    )


def current_metrics(hpa):
    """``["Object gpu_utilization=38", "Resource cpu=45%"...]`` from ``status.currentMetrics``."""
    out = []
    for cur in (hpa.get("status") or {}).get("currentMetrics") or []:
        kind = cur.get("type") or ""
        body = cur.get(kind[:1].lower() + kind[1:]) or {}
        name = (body.get("metric") or {}).get("name") or body.get("name")
        current = body.get("current") or {}
        if current.get("averageUtilization") is not None:
            value = "%s%%" % current["averageUtilization"]
        else:
            value = current.get("value") or current.get("averageValue")
            number = quantity(value)
            value = value if number is None else "%g" % number
        out.append("%s %s=%s" % (kind, name, value))
    return out


def _pod_spec(obj):
    spec = (obj or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) if "template" in spec else None


def accelerator_requests(obj, resources):
    """Accelerator resources the pod template of ``obj`` requests (limits or requests)."""
    pod_spec = _pod_spec(obj)
    if pod_spec is None:
        return None
    found = set()
    for container in (pod_spec.get("containers") or []) + (pod_spec.get("initContainers") or []):
        res = container.get("resources") or {}
        for section in ("limits", "requests"):
            for key, value in (res.get(section) or {}).items():
                if key in resources and str(value) not in ("0", ""):
                    found.add(key)
    return sorted(found)


def _resource_for_kind(ctx, api_version, kind):
    group, _sep, version = api_version.rpartition("/")
    for res in ctx.discovery.resources_in(group, version):
        if res.kind == kind:
            return res
    return None


def _read_targets(ctx, result, hpas):
    """``{(apiVersion, kind, namespace, name): object}`` for the HPAs' scale targets, read in bulk."""
    wanted = {}
    for hpa in hpas:
        ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        key = (ref.get("apiVersion") or "", ref.get("kind") or "")
        wanted.setdefault(key, set()).add(namespace_of(hpa))
    targets, unresolved = {}, []
    for (api_version, kind), namespaces in sorted(wanted.items()):
        res = _resource_for_kind(ctx, api_version, kind)
        if res is None:
            unresolved.append("%s %s" % (api_version, kind))
            continue
        scopes = [None] if len(namespaces) > PER_NAMESPACE_LISTS else sorted(namespaces)
        for ns in scopes:
            items, evidence = ctx.list(
                result, "Scale targets (%s) of the HorizontalPodAutoscalers" % kind, res, namespace=ns
            )
            evidence.output = "%d %s read" % (len(items), res.name)
            for obj in items:
                targets[(api_version, kind, namespace_of(obj), name_of(obj))] = obj
    return targets, unresolved


def _reason(cond):
    return ", ".join(x for x in ((cond or {}).get("reason"), (cond or {}).get("message")) if x)


def _examine_hpas(ctx, result, hpa_res, accel_resources):
    hpas, evidence = ctx.list(result, "HorizontalPodAutoscalers (autoscaling/v2), all namespaces", hpa_res)
    targets, unresolved = _read_targets(ctx, result, hpas) if hpas else ({}, [])
    rows, lines = [], []
    for hpa in hpas:
        spec = hpa.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        key = (ref.get("apiVersion") or "", ref.get("kind") or "", namespace_of(hpa), ref.get("name"))
        target = targets.get(key)
        accel = accelerator_requests(target, accel_resources) if target is not None else None
        able, active = condition(hpa, "AbleToScale"), condition(hpa, "ScalingActive")
        status = hpa.get("status") or {}
        row = {
            "namespace": namespace_of(hpa),
            "name": name_of(hpa),
            "target": "%s/%s" % (ref.get("kind"), ref.get("name")),
            "target_found": target is not None,
            "accelerators": accel or [],
            "able_to_scale": (able or {}).get("status", "not reported"),
            "able_to_scale_reason": _reason(able),
            "scaling_active": (active or {}).get("status", "not reported"),
            "scaling_active_reason": _reason(active),
            "min_replicas": spec.get("minReplicas", 1),
            "max_replicas": spec.get("maxReplicas"),
            "current_replicas": status.get("currentReplicas"),
            "desired_replicas": status.get("desiredReplicas"),
            "current_metrics": current_metrics(hpa),
        }
        rows.append(row)
        lines.append(
            "%(namespace)s/%(name)s -> %(target)s accelerators=%(accel)s AbleToScale=%(able_to_scale)s "
            "ScalingActive=%(scaling_active)s replicas=%(current_replicas)s->%(desired_replicas)s "
            "(min %(min_replicas)s, max %(max_replicas)s) metrics: %(metrics)s"
            % dict(
                row,
                accel=",".join(row["accelerators"]) or ("target not found" if target is None else "none"),
                metrics="; ".join(row["current_metrics"]) or "none reported",
            )
        )
    evidence.output = lines or "no HorizontalPodAutoscaler exists"
    return rows, unresolved


def _check_apiservice(ctx, result, name):
    res = ctx.discovery.require("apiregistration.k8s.io", "v1", "apiservices")
    obj, evidence = ctx.get(result, "Custom metrics APIService", res, name)
    if obj is None:
        evidence.ok = False
        return (
            "the APIService %s does not exist: no custom metrics adapter is registered (install "
            "prometheus-adapter with a rule that exposes the metric)" % name
        ), None
    spec = obj.get("spec") or {}
    svc = spec.get("service") or {}
    backend = "%s/%s" % (svc.get("namespace"), svc.get("name")) if svc else "local"
    available = condition(obj, "Available") or {}
    evidence.output = "service %s, Available=%s%s" % (
        backend,
        available.get("status", "not reported"),
        " (%s: %s)" % (available.get("reason"), available.get("message")) if available.get("status") != "True" else "",
    )
    evidence.ok = available.get("status") == "True"
    if not evidence.ok:
        return (
            "the APIService %s (service %s) is not available: Available=%s, reason %s: %s"
            % (
                name,
                backend,
                available.get("status", "not reported"),
                available.get("reason"),
                available.get("message"),
            )
        ), backend
    return None, backend


def _read_metric(ctx, result, apiservice, metric, namespace, described):
    path = metric_path(apiservice, metric, namespace, described)
    what = (
        "%s of Namespace %s" % (metric, namespace)
        if not described
        else "%s of %s%s" % (metric, described, " in namespace %s" % namespace if namespace else "")
    )
    evidence = result.add("Custom metric %s" % what, request="GET " + path, kubectl="kubectl get --raw '%s'" % path)
    try:
        body = ctx.client.get(path)
    except ApiError as exc:
        if exc.status == 404:
            evidence.output = exc.message
            evidence.ok = False
            return (
                "the custom metric %s cannot be read (404 from %s): the adapter has no rule that "
                "exposes it, or no series for it yet" % (what, path)
            ), []
        raise
    items = body.get("items") or []
    evidence.output = [_describe_value(i) for i in items] or "no values"
    evidence.ok = bool(items)
    if not items:
        return "the custom metric %s answered with no values" % what, []
    return None, items


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    apiservice = opts["apiservice"] or DEFAULT_APISERVICE
    metric = opts["metric"] or DEFAULT_METRIC
    metric_ns = opts["metric_namespace"]
    described = opts["metric_object"]
    accel_resources = opts["accelerator_resources"]
    if "." not in apiservice:
        return result.finish(
            FAILED,
            "pod_autoscaling.apiservice: expected an APIService name such as %s, got %r"
            % (DEFAULT_APISERVICE, apiservice),
        )
    if not described and not metric_ns:
        return result.finish(
            FAILED,
            "pod_autoscaling.metric_namespace: expected the Namespace whose metric %s is read (empty "
            "pod_autoscaling.metric_object means the metric describes that Namespace), got an empty string" % metric,
        )
    problems = []

    disco = ctx.discovery
    hpa_res = disco.resource("autoscaling", "v2", "horizontalpodautoscalers")
    result.add(
        "autoscaling/v2 HorizontalPodAutoscaler served (autoscaling versions: %s)"
        % (", ".join(disco.versions("autoscaling")) or "none"),
        request=", ".join(disco.requests[:2]),
        kubectl="kubectl api-resources --api-group=autoscaling",
        output="horizontalpodautoscalers at autoscaling/v2" if hpa_res else "autoscaling/v2 is not served",
        ok=hpa_res is not None,
    )
    if hpa_res is None:
        problems.append("autoscaling/v2 HorizontalPodAutoscaler is not served")

    problem, backend = _check_apiservice(ctx, result, apiservice)
    values = []
    if problem:
        problems.append(problem)
    else:
        problem, values = _read_metric(ctx, result, apiservice, metric, metric_ns, described)
        if problem:
            problems.append(problem)
    result.details["apiservice"] = {"name": apiservice, "service": backend}
    result.details["metric"] = {
        "name": metric,
        "namespace": metric_ns,
        "object": described or "Namespace",
        "values": [{"object": (i.get("describedObject") or {}), "value": i.get("value")} for i in values],
    }

    rows, unresolved = _examine_hpas(ctx, result, hpa_res, accel_resources) if hpa_res else ([], [])
    accel_rows = [r for r in rows if r["accelerators"]]
    result.details["hpas"] = rows
    if unresolved:
        result.details["unresolved_target_kinds"] = unresolved
    for row in accel_rows:
        for cond, key in (("AbleToScale", "able_to_scale"), ("ScalingActive", "scaling_active")):
            if row[key] != "True":
                problems.append(
                    "HPA %s/%s on %s (requests %s) has %s=%s%s"
                    % (
                        row["namespace"],
                        row["name"],
                        row["target"],
                        ", ".join(row["accelerators"]),
                        cond,
                        row[key],
                        ": " + row[key + "_reason"] if row[key + "_reason"] else "",
                    )
                )
    if problems:
        return result.finish(FAILED, "; ".join(problems))

    chain = "autoscaling/v2 served; APIService %s available (service %s); %s" % (
        apiservice,
        backend,
        "; ".join(_describe_value(i) for i in values[:3]),
    )
    if not accel_rows:
        others = " (HPAs found: %s)" % shorten("%s/%s" % (r["namespace"], r["name"]) for r in rows) if rows else ""
        return result.finish(
            PARTIAL,
            "%s; but no HorizontalPodAutoscaler targets a workload that requests %s%s, so scaling of "
            "accelerator pods on a custom metric is not shown: create one (as the seed's ollama-hpa)"
            % (chain, " or ".join(accel_resources) or "an accelerator", others),
        )
    return result.finish(
        PASSED,
        "%s; %s"
        % (
            chain,
            "; ".join(
                "HPA %s/%s on %s (%s) is AbleToScale and ScalingActive, replicas %s->%s, current %s"
                % (
                    r["namespace"],
                    r["name"],
                    r["target"],
                    ", ".join(r["accelerators"]),
                    r["current_replicas"],
                    r["desired_replicas"],
                    ", ".join(r["current_metrics"]) or "metrics not reported",
                )
                for r in accel_rows
            ),
        ),
    )
