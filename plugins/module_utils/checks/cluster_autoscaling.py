# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""cluster_autoscaling: a cluster autoscaler runs and manages node groups that carry accelerators.

The requirement is conditional ("if the platform provides a cluster autoscaler"). RKE2 itself
provides none, so the user may declare that with a justification (``not_provided``), which gives
``not_applicable`` with that text. Otherwise the check finds the autoscaler Deployment (server-side
label selector), reads its status ConfigMap by name, and lists the nodes once to see which node
groups carry accelerators and which nodes have a cloud ``providerID``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    HAS_YAML = False

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    deployment_ready,
    labels_of,
    name_of,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import (
    FAILED,
    NOT_APPLICABLE,
    PARTIAL,
    PASSED,
)

REQUIREMENT = "cluster_autoscaling"
DEFAULT_NAMESPACE = "kube-system"
# the upstream chart labels its objects app.kubernetes.io/instance=<release>; the seed (and this
# collection's role) install the release "cluster-autoscaler"
DEFAULT_SELECTOR = "app.kubernetes.io/instance=cluster-autoscaler"
DEFAULT_STATUS_CONFIGMAP = "cluster-autoscaler-status"
DEFAULT_ACCELERATOR_LABELS = ["kubernetes.azure.com/accelerator", "nvidia.com/gpu.present"]
DEFAULT_ACCELERATOR_RESOURCES = ["nvidia.com/gpu"]
# node labels that name a node's group on common platforms (AKS, EKS, GKE, Cluster API, eksctl)
DEFAULT_NODE_GROUP_LABELS = [
    "kubernetes.azure.com/agentpool",
    "agentpool",
    "eks.amazonaws.com/nodegroup",
    "alpha.eksctl.io/nodegroup-name",
    "cloud.google.com/gke-nodepool",
    "cluster.x-k8s.io/deployment-name",
]
UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized"
VMSS_RE = re.compile(r"/virtualMachineScaleSets/([^/]+)/", re.IGNORECASE)

ARGUMENT_SPEC = {
    "not_provided": dict(type="str"),
    "namespace": dict(type="str", default=DEFAULT_NAMESPACE),
    "label_selector": dict(type="str", default=DEFAULT_SELECTOR),
    "status_configmap": dict(type="str", default=DEFAULT_STATUS_CONFIGMAP),
    "accelerator_labels": dict(type="list", elements="str", default=list(DEFAULT_ACCELERATOR_LABELS)),
    "accelerator_resources": dict(type="list", elements="str", default=list(DEFAULT_ACCELERATOR_RESOURCES)),
    "node_group_labels": dict(type="list", elements="str", default=list(DEFAULT_NODE_GROUP_LABELS)),
    "accelerator_node_groups": dict(type="list", elements="str", default=[]),
}


# -- the status ConfigMap -------------------------------------------------------------------
def parse_status(text):
    """Parse the ``status`` key of ``cluster-autoscaler-status``.

    Cluster Autoscaler 1.30+ writes YAML (``autoscalerStatus``, ``clusterWide``, ``nodeGroups``);
    older releases wrote a text report ("Cluster-autoscaler status at ...", ``NodeGroups:`` with
    ``Name:`` and ``Health:`` lines). Both become ``{"format", "autoscaler", "health",
    "node_groups": [{"name", "health", "min", "max", "target", "ready", "registered"}]}``.
    """
    text = text or ""
    if HAS_YAML and not text.lstrip().startswith("Cluster-autoscaler status"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and ("nodeGroups" in data or "clusterWide" in data or "autoscalerStatus" in data):
            return _from_yaml(data)
    return _from_text(text)


def _from_yaml(data):
    groups = []
    for group in data.get("nodeGroups") or []:
        health = group.get("health") or {}
        registered = ((health.get("nodeCounts") or {}).get("registered")) or {}
        groups.append(
            {
                "name": group.get("name"),
                "health": health.get("status"),
                "min": health.get("minSize"),
                "max": health.get("maxSize"),
                "target": health.get("cloudProviderTarget"),
                "ready": registered.get("ready"),
                "registered": registered.get("total"),
                "scale_up": (group.get("scaleUp") or {}).get("status"),
            }
        )
    cluster = data.get("clusterWide") or {}
    return {
        "format": "yaml",
        "autoscaler": data.get("autoscalerStatus"),
        "health": (cluster.get("health") or {}).get("status"),
        "time": data.get("time"),
        "node_groups": groups,
    }


def _int(text, key):
    match = re.search(r"\b%s=(\d+)" % key, text)
    return int(match.group(1)) if match else None


def _from_text(text):
    groups, section, health, current = [], None, None, None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("NodeGroups:"):
            section = "groups"
            continue
        if stripped.startswith("Cluster-wide:"):
            section = "cluster"
            continue
        if section == "cluster" and stripped.startswith("Health:") and health is None:
            health = stripped.split(":", 1)[1].split()[0] if stripped.split(":", 1)[1].split() else None
        if section == "groups" and stripped.startswith("Name:"):
            current = {"name": stripped.split(":", 1)[1].strip(), "health": None, "min": None, "max": None}
            current.update({"target": None, "ready": None, "registered": None, "scale_up": None})
            groups.append(current)
        elif section == "groups" and current is not None and stripped.startswith("Health:"):
            rest = stripped.split(":", 1)[1]
            current["health"] = rest.split()[0] if rest.split() else None
            current.update(
                {
                    "min": _int(rest, "minSize"),
                    "max": _int(rest, "maxSize"),
                    "target": _int(rest, "cloudProviderTarget"),
                    "ready": _int(rest, "ready"),
                    "registered": _int(rest, "registered"),
                }
            )
        elif section == "groups" and current is not None and stripped.startswith("ScaleUp:"):
            rest = stripped.split(":", 1)[1].split()
            current["scale_up"] = rest[0] if rest else None
    return {
        "format": "text" if text.strip() else "empty",
        "autoscaler": "Running" if text.strip() else None,
        "health": health,
        "time": None,
        "node_groups": groups,
    }


# -- nodes ------------------------------------------------------------------------------------
def _node_group(node, group_names, group_labels):
    """The node group of ``node``: a node-group label, else the Azure scale set in its providerID."""
    labels = labels_of(node)
    for key in group_labels:
        value = labels.get(key)
        if value and value in group_names:
            return value
    provider_id = (node.get("spec") or {}).get("providerID") or ""
    match = VMSS_RE.search(provider_id)
    if match:
        wanted = match.group(1).lower()
        for name in group_names:
            if name.lower() == wanted:
                return name
    return None


def _accelerators(node, accel_labels, accel_resources):
    """Why ``node`` counts as an accelerator node (label or capacity), or None."""
    labels = labels_of(node)
    for key in accel_labels:
        value = labels.get(key)
        if value is not None and str(value).lower() != "false":
            return "%s=%s" % (key, value)
    capacity = (node.get("status") or {}).get("capacity") or {}
    for res in accel_resources:
        if str(capacity.get(res, "0")) not in ("0", ""):
            return "capacity %s=%s" % (res, capacity[res])
    return None


def _settings(opts):
    """The options under short names; an empty namespace, selector or ConfigMap name means the default."""
    return {
        "namespace": opts["namespace"] or DEFAULT_NAMESPACE,
        "selector": opts["label_selector"] or DEFAULT_SELECTOR,
        "configmap": opts["status_configmap"] or DEFAULT_STATUS_CONFIGMAP,
        "accel_labels": opts["accelerator_labels"],
        "accel_resources": opts["accelerator_resources"],
        "group_labels": opts["node_group_labels"],
        "declared_groups": opts["accelerator_node_groups"],
    }


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    declaration = (opts.get("not_provided") or "").strip()
    if declaration:
        result.details["declaration"] = declaration
        result.add("Declared by the user: the platform provides no cluster autoscaler", output=declaration)
        return result.finish(
            NOT_APPLICABLE, "declared that the platform provides no cluster autoscaler: %s" % declaration
        )
    cfg = _settings(opts)
    ns = cfg["namespace"]

    deployments = ctx.discovery.require("apps", "v1", "deployments")
    items, evidence = ctx.list(
        result, "Cluster autoscaler Deployment", deployments, namespace=ns, label_selector=cfg["selector"]
    )
    states = [(name_of(d), *deployment_ready(d)) for d in items]
    evidence.output = ["%s: %s" % (n, t) for n, _ok, t in states] or "no Deployment matches"
    evidence.ok = any(ok for _n, ok, _t in states)

    configmaps = ctx.discovery.require("", "v1", "configmaps")
    status_cm, cm_evidence = ctx.get(
        result, "Cluster autoscaler status ConfigMap", configmaps, cfg["configmap"], namespace=ns
    )

    if not items:
        hint = ""
        if status_cm is not None:
            hint = (
                " (the ConfigMap %s/%s exists, so an autoscaler probably runs with other labels: set "
                "cluster_autoscaling.label_selector and cluster_autoscaling.namespace)" % (ns, cfg["configmap"])
            )
        return result.finish(
            FAILED,
            "no cluster autoscaler found: no Deployment in %s matches %s%s. Either install one that scales "
            "the accelerator node groups (for RKE2 on Azure: the cluster-autoscaler chart with "
            "cloudProvider=azure and the GPU scale set in autoscalingGroups), or, if the platform provides "
            "none, declare it with cluster_autoscaling.not_provided set to the justification (the result "
            "is then N/A with that text)" % (ns, cfg["selector"], hint),
        )
    problems = []
    ready = [n for n, ok, _t in states if ok]
    if not ready:
        problems.append(
            "the autoscaler Deployment is not ready (%s)" % "; ".join("%s: %s" % (n, t) for n, _ok, t in states)
        )

    if status_cm is None:
        problems.append(
            "the status ConfigMap %s/%s does not exist: the autoscaler has not completed a loop (it writes it "
            "unless --write-status-configmap=false; see its logs)" % (ns, cfg["configmap"])
        )
        status = {"node_groups": [], "autoscaler": None, "health": None, "format": None}
    else:
        status = parse_status((status_cm.get("data") or {}).get("status"))
        head = "format: %s, autoscaler: %s, cluster health: %s" % (
            status["format"],
            status["autoscaler"],
            status["health"],
        )
        cm_evidence.output = [head] + [
            "node group %(name)s: health=%(health)s min=%(min)s max=%(max)s target=%(target)s ready=%(ready)s" % g
            for g in status["node_groups"]
        ]
        if status["autoscaler"] not in (None, "Running"):
            problems.append("the autoscaler reports status %s, not Running" % status["autoscaler"])
        if status["health"] not in (None, "Healthy"):
            problems.append("the autoscaler reports cluster health %s" % status["health"])
        if not status["node_groups"]:
            problems.append("the autoscaler manages no node groups (its status lists none)")
    groups = status["node_groups"]
    result.details["node_groups"] = groups

    nodes, node_evidence = ctx.list(result, "Nodes: cloud providerID, node group, accelerators", _nodes(ctx))
    names = [g["name"] for g in groups]
    with_id, without_id, uninitialized, lines = 0, [], [], []
    per_group = {n: {"nodes": 0, "accelerator_nodes": 0, "why": set()} for n in names}
    for node in nodes:
        spec = node.get("spec") or {}
        if spec.get("providerID"):
            with_id += 1
        else:
            without_id.append(name_of(node))
        if any(t.get("key") == UNINITIALIZED_TAINT for t in spec.get("taints") or []):
            uninitialized.append(name_of(node))
        group = _node_group(node, names, cfg["group_labels"])
        accel = _accelerators(node, cfg["accel_labels"], cfg["accel_resources"])
        if group:
            per_group[group]["nodes"] += 1
            if accel:
                per_group[group]["accelerator_nodes"] += 1
                per_group[group]["why"].add(accel)
        lines.append(
            "%s: providerID=%s group=%s accelerators=%s"
            % (name_of(node), spec.get("providerID") or "-", group or "-", accel or "-")
        )
    node_evidence.output = lines if len(lines) <= 50 else [*lines[:50], "... %d more nodes" % (len(lines) - 50)]
    result.details["nodes"] = {
        "total": len(nodes),
        "with_provider_id": with_id,
        "without_provider_id": without_id[:50],
        "uninitialized": uninitialized[:50],
    }
    if nodes and not with_id:
        problems.append(
            "no node has a cloud providerID: the cloud controller manager is missing or failing, so the "
            "autoscaler cannot match nodes to node groups (RKE2: disable-cloud-controller plus the cloud "
            "provider's CCM)"
        )
    note = ""
    if uninitialized:
        # reported, not failed: a node that joined seconds ago carries it until the CCM catches up
        note = "; note: nodes not yet initialised by the cloud controller manager (taint %s): %s" % (
            UNINITIALIZED_TAINT,
            shorten(uninitialized),
        )

    accel_groups, unknown = [], []
    for group in groups:
        info = per_group[group["name"]]
        group["nodes"] = info["nodes"]
        group["accelerator_nodes"] = info["accelerator_nodes"]
        group["accelerators"] = sorted(info["why"])
        declared = group["name"] in cfg["declared_groups"]
        group["carries_accelerators"] = bool(info["accelerator_nodes"]) or declared
        if group["carries_accelerators"]:
            accel_groups.append(group)
        elif not info["nodes"]:
            unknown.append(group["name"])
    missing_declared = [g for g in cfg["declared_groups"] if g not in names]
    if missing_declared:
        problems.append(
            "node group(s) %s named in cluster_autoscaling.accelerator_node_groups are not managed by the "
            "autoscaler (it manages: %s)" % (", ".join(missing_declared), ", ".join(names) or "none")
        )
    result.add(
        "Node groups that carry accelerators",
        output=[
            "%s: min=%s max=%s nodes=%d accelerator nodes=%d %s"
            % (
                g["name"],
                g["min"],
                g["max"],
                g["nodes"],
                g["accelerator_nodes"],
                ",".join(g["accelerators"]) or ("declared" if g["carries_accelerators"] else ""),
            )
            for g in groups
        ]
        or "no node groups",
        ok=bool(accel_groups),
    )

    if groups and not accel_groups:
        if unknown:
            problems.append(
                "no node group is known to carry accelerators: %s have no nodes now, so their accelerators "
                "cannot be seen; name the accelerator groups in cluster_autoscaling.accelerator_node_groups"
                % ", ".join(unknown)
            )
            return result.finish(PARTIAL if len(problems) == 1 else FAILED, "; ".join(problems))
        problems.append(
            "none of the node groups %s carries accelerators (no node with %s, or capacity %s)"
            % (", ".join(names), " / ".join(cfg["accel_labels"]) or "-", " / ".join(cfg["accel_resources"]) or "-")
        )
    fixed = [g for g in accel_groups if g["min"] is not None and g["max"] is not None and g["max"] <= g["min"]]
    if accel_groups and len(fixed) == len(accel_groups):
        problems.append(
            "no accelerator node group can scale: %s"
            % ", ".join("%s has min %s and max %s" % (g["name"], g["min"], g["max"]) for g in fixed)
        )
    if problems:
        return result.finish(FAILED, "; ".join(problems))
    return result.finish(
        PASSED,
        "cluster autoscaler %s is ready in %s and manages %d node group(s); accelerator group(s): %s; "
        "%d of %d nodes have a cloud providerID"
        % (
            ", ".join(ready),
            ns,
            len(groups),
            ", ".join(
                "%s (min %s, max %s%s)"
                % (g["name"], g["min"], g["max"], ", " + ",".join(g["accelerators"]) if g["accelerators"] else "")
                for g in accel_groups
            ),
            with_id,
            len(nodes),
        )
        + note,
    )


def _nodes(ctx):
    return ctx.discovery.require("", "v1", "nodes")
