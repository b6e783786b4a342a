# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads of the NVIDIA GPU stack shared by the accelerator checks (accelerator_metrics,
secure_accelerator_access, driver_runtime_management, gpu_sharing, virtualized_accelerator).

Each read is made once per run (``_common.shared_list``/``shared_get``) and recorded as evidence
in every check that uses it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    labels_of,
    name_of,
    shared_list,
)

GPU_NODE_SELECTOR = "nvidia.com/gpu.present=true"
OPERATOR_NAMESPACE = "gpu-operator"
POLICY_GROUP = "nvidia.com"
POLICY_NAME = "cluster-policy"
DEVICE_PLUGIN_APP = "nvidia-device-plugin-daemonset"
TOOLKIT_APP = "nvidia-container-toolkit-daemonset"
DEVICE_PLUGIN_CONTAINER = "nvidia-device-plugin"
TOOLKIT_CONTAINER = "nvidia-container-toolkit-ctr"
# evidence lists of nodes and pods stop here on large clusters
EVIDENCE_LINES = 50


def gpu_node_option():
    """The ``gpu_node_selector`` suboption every accelerator check has."""
    return dict(type="str", default=GPU_NODE_SELECTOR)


def gpu_nodes(ctx, result, selector):
    """GPU nodes (label selector evaluated by the server), read once per run."""
    nodes_res = ctx.discovery.require("", "v1", "nodes")
    items, evidence = shared_list(
        ctx, result, "GPU nodes (label selector %s)" % selector, nodes_res, label_selector=selector
    )
    evidence.output = capped([name_of(n) for n in items]) or "no node matches %s" % selector
    return items, evidence


def capped(lines, limit=EVIDENCE_LINES):
    """At most ``limit`` evidence lines, saying how many were left out (details keep everything)."""
    lines = list(lines)
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], "... and %d more" % (len(lines) - limit)]


def policy_resource(ctx):
    return ctx.discovery.find(POLICY_GROUP, "clusterpolicies", ["v1"])


def cluster_policy(ctx, result, wanted=None):
    """``(policy or None, served)``: the GPU Operator's ClusterPolicy.

    ``wanted`` names it; else ``cluster-policy`` when it exists, else the only one. Served is False
    when ``nvidia.com/v1 clusterpolicies`` is not served at all (no GPU Operator CRD).
    """
    resource = policy_resource(ctx)
    if resource is None:
        result.add(
            "GPU Operator ClusterPolicy API (nvidia.com/v1 clusterpolicies)",
            request=", ".join(ctx.discovery.requests[:2]),
            kubectl="kubectl api-resources --api-group=nvidia.com",
            output="nvidia.com/v1 clusterpolicies is not served: the NVIDIA GPU Operator is not installed",
            ok=False,
        )
        return None, False
    items, evidence = shared_list(ctx, result, "GPU Operator ClusterPolicies and their state", resource)
    evidence.output = [
        "%s state=%s" % (name_of(p), ((p.get("status") or {}).get("state") or "unknown")) for p in items
    ] or "no ClusterPolicy exists"
    chosen = None
    if wanted:
        chosen = next((p for p in items if name_of(p) == wanted), None)
    else:
        chosen = next((p for p in items if name_of(p) == POLICY_NAME), None)
        if chosen is None and len(items) == 1:
            chosen = items[0]
    if chosen is not None:
        result.details["cluster_policy"] = {
            "name": name_of(chosen),
            "state": (chosen.get("status") or {}).get("state"),
            "namespace": (chosen.get("status") or {}).get("namespace"),
            "labels": {k: v for k, v in labels_of(chosen).items() if "version" in k or k.endswith("/chart")},
        }
    elif items:
        result.details["cluster_policies"] = [name_of(p) for p in items]
    return chosen, True


def policy_spec(policy, *path):
    """``spec.<path>`` of the ClusterPolicy, or None."""
    node = (policy or {}).get("spec") or {}
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def component_enabled(policy, component, default=True):
    """Whether ``spec.<component>.enabled`` is on (the CRD defaults most components to enabled)."""
    value = policy_spec(policy, component, "enabled")
    return default if value is None else bool(value)


def operator_namespace(policy, override=None):
    """Where the operator runs: the option, else ClusterPolicy ``status.namespace``, else gpu-operator."""
    if override:
        return override
    return ((policy or {}).get("status") or {}).get("namespace") or OPERATOR_NAMESPACE


def operator_daemonsets(ctx, result, namespace):
    """The device plugin and toolkit DaemonSets of the operator, by their ``app`` label, read once per run."""
    resource = ctx.discovery.require("apps", "v1", "daemonsets")
    selector = "app in (%s,%s)" % (DEVICE_PLUGIN_APP, TOOLKIT_APP)
    items, evidence = shared_list(
        ctx,
        result,
        "GPU Operator device plugin and container toolkit DaemonSets",
        resource,
        namespace=namespace,
        label_selector=selector,
    )
    found = {}
    for ds in items:
        found.setdefault(labels_of(ds).get("app"), ds)
    return found, evidence


def container_named(workload, name):
    """The container ``name`` of a workload's pod template, else its first container."""
    spec = (((workload or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    containers = spec.get("containers") or []
    for container in containers:
        if container.get("name") == name:
            return container
    return containers[0] if containers else None


def allocatable(node):
    return (node.get("status") or {}).get("allocatable") or {}


def quantity_int(value):
    """An extended-resource quantity (always an integer) as int; 0 when absent or odd."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0
