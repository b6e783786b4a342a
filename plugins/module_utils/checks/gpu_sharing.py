# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gpu_sharing (SHOULD): a GPU sharing strategy is configured and exposed as schedulable resources.

Configured: the device plugin config the ClusterPolicy names (``devicePlugin.config.name``, a
ConfigMap in the operator's namespace, read only when no node exposes sharing) has
``sharing.timeSlicing`` or ``sharing.mps`` resources with more than one replica, or nodes are set
to a MIG layout (``nvidia.com/mig.config`` other than ``all-disabled``).
Exposed: GPU nodes advertise it, as GPU feature discovery and the device plugin publish it:
``nvidia.com/gpu.replicas`` above 1 or ``nvidia.com/gpu.sharing-strategy`` ``time-slicing``/``mps``,
an allocatable ``nvidia.com/gpu.shared``, or allocatable ``nvidia.com/mig-*`` resources (MIG
``mixed``) or MIG products with ``nvidia.com/mig.strategy=single``.
Nothing of either: ``skipped`` ("not detected"). Configured but not exposed, or a MIG layout that
failed to apply: ``failed``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML is a dependency of ansible-core
    HAS_YAML = False

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    labels_of,
    name_of,
    shared_get,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._nvidia import (
    allocatable,
    capped,
    cluster_policy,
    gpu_node_option,
    gpu_nodes,
    operator_namespace,
    policy_spec,
    quantity_int,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PASSED, SKIPPED

REQUIREMENT = "gpu_sharing"
ARGUMENT_SPEC = {
    "cluster_policy": dict(type="str"),
    "operator_namespace": dict(type="str"),
    "gpu_node_selector": gpu_node_option(),
}
MIG_DISABLED = ("", "all-disabled")


def sharing_in_config(text):
    """``[(strategy, resource, replicas)]`` with replicas > 1 in one device plugin config document."""
    if not HAS_YAML:
        return []
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return [("invalid", "not valid YAML", 0)]
    found = []
    sharing = (doc or {}).get("sharing") if isinstance(doc, dict) else None
    for strategy in ("timeSlicing", "mps"):
        resources = ((sharing or {}).get(strategy) or {}).get("resources") or []
        for res in resources:
            replicas = quantity_int(res.get("replicas")) if isinstance(res, dict) else 0
            if replicas > 1:
                found.append((strategy, res.get("rename") or res.get("name"), replicas))
    return found


def _configured_sharing(ctx, result, policy, namespace):
    """Time-slicing/MPS entries of the device plugin ConfigMap the ClusterPolicy names: ``{config key: [...]}``."""
    name = policy_spec(policy, "devicePlugin", "config", "name")
    if not name:
        return {}, None
    configmaps = ctx.discovery.require("", "v1", "configmaps")
    cm, evidence = shared_get(
        ctx, result, "device plugin config ConfigMap %s/%s" % (namespace, name), configmaps, name, namespace
    )
    if cm is None:
        evidence.ok = False
        return {}, "ClusterPolicy devicePlugin.config.name names ConfigMap %s/%s, which does not exist" % (
            namespace,
            name,
        )
    found = {}
    for key, text in sorted((cm.get("data") or {}).items()):
        entries = sharing_in_config(text)
        if entries:
            found[key] = entries
    evidence.output = [
        "%s: %s" % (key, ", ".join("%s %s x%d" % e for e in entries)) for key, entries in found.items()
    ] or "no config in it shares GPUs (keys: %s)" % ", ".join(sorted(cm.get("data") or {}))
    return found, None


def _exposed(node):
    """What a node advertises: ``{"time-slicing": text}``, ``{"mig": text}``, and MIG state problems."""
    labels = labels_of(node)
    alloc = allocatable(node)
    exposed, problems = {}, []
    replicas = quantity_int(labels.get("nvidia.com/gpu.replicas"))
    strategy = labels.get("nvidia.com/gpu.sharing-strategy")
    shared = quantity_int(alloc.get("nvidia.com/gpu.shared"))
    if replicas > 1 or strategy in ("time-slicing", "mps") or shared:
        exposed["shared"] = "%s replicas=%s, allocatable nvidia.com/gpu=%s%s" % (
            strategy or "time-slicing",
            labels.get("nvidia.com/gpu.replicas"),
            alloc.get("nvidia.com/gpu", 0),
            ", nvidia.com/gpu.shared=%s" % shared if shared else "",
        )
    mig = {k: v for k, v in alloc.items() if k.startswith("nvidia.com/mig-") and quantity_int(v) > 0}
    mig_strategy = labels.get("nvidia.com/mig.strategy")
    product = labels.get("nvidia.com/gpu.product") or ""
    if mig:
        exposed["mig"] = "allocatable %s" % ", ".join("%s=%s" % kv for kv in sorted(mig.items()))
    elif mig_strategy == "single" and "MIG" in product and quantity_int(alloc.get("nvidia.com/gpu")):
        exposed["mig"] = "MIG strategy single: nvidia.com/gpu=%s of %s" % (alloc.get("nvidia.com/gpu"), product)
    layout = labels.get("nvidia.com/mig.config") or ""
    state = labels.get("nvidia.com/mig.config.state")
    if layout not in MIG_DISABLED and state == "failed":
        problems.append("MIG layout %s failed to apply (nvidia.com/mig.config.state=failed)" % layout)
    return exposed, layout if layout not in MIG_DISABLED else None, problems


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    nodes, node_ev = gpu_nodes(ctx, result, opts["gpu_node_selector"])
    policy, _served = cluster_policy(ctx, result, opts.get("cluster_policy"))
    namespace = operator_namespace(policy, opts.get("operator_namespace"))
    default_config = policy_spec(policy, "devicePlugin", "config", "default")

    exposing, layouts, problems, lines = {}, {}, [], []
    for node in sorted(nodes, key=name_of):
        name = name_of(node)
        exposed, layout, node_problems = _exposed(node)
        if exposed:
            exposing[name] = exposed
        if layout:
            layouts[name] = layout
        problems.extend("%s: %s" % (name, p) for p in node_problems)
        lines.append(
            "%s: %s%s"
            % (
                name,
                "; ".join("%s (%s)" % kv for kv in sorted(exposed.items())) or "no shared or MIG resources",
                ", device-plugin.config=%s" % labels_of(node)["nvidia.com/device-plugin.config"]
                if labels_of(node).get("nvidia.com/device-plugin.config")
                else "",
            )
        )
    node_ev.output = capped(lines) or "no GPU node"
    # the device plugin config is read only when no node shows sharing, to tell "configured but not
    # exposed" from "not detected" (what nodes advertise is the proof; the config is the diagnosis)
    configured, config_problem = {}, None
    if policy is not None and not exposing:
        configured, config_problem = _configured_sharing(ctx, result, policy, namespace)
    result.details.update(
        {
            "configured": {k: [list(e) for e in v] for k, v in configured.items()},
            "default_config": default_config,
            "mig_strategy": policy_spec(policy, "mig", "strategy"),
            "mig_layouts": layouts,
            "exposed": exposing,
        }
    )
    if config_problem:
        problems.append(config_problem)
    if not configured and not layouts and not exposing and not problems:
        return result.finish(
            SKIPPED,
            "not detected: no time-slicing or MPS config in the device plugin, no MIG layout, and no GPU node "
            "(%d checked) advertises shared or MIG resources" % len(nodes),
        )
    if problems:
        return result.finish(FAILED, "GPU sharing is set up but broken: %s" % shorten(problems, 6))
    if not exposing:
        what = []
        if configured:
            what.append("time-slicing/MPS in device plugin config(s) %s" % ", ".join(sorted(configured)))
        if layouts:
            what.append("MIG layouts on %s" % ", ".join("%s=%s" % kv for kv in sorted(layouts.items())))
        return result.finish(
            FAILED,
            "%s configured, but no GPU node advertises shared GPUs (nvidia.com/gpu.replicas > 1, "
            "nvidia.com/gpu.shared) or MIG resources (nvidia.com/mig-*): select the config for the nodes "
            "(devicePlugin.config.default or the node label nvidia.com/device-plugin.config) and check the "
            "device plugin and MIG manager pods" % " and ".join(what),
        )
    kinds = sorted({k for exposed in exposing.values() for k in exposed})
    return result.finish(
        PASSED,
        "%s exposed on %d of %d GPU node(s): %s"
        % (
            " and ".join({"shared": "GPU time-slicing/MPS", "mig": "MIG partitions"}[k] for k in kinds),
            len(exposing),
            len(nodes),
            shorten(("%s (%s)" % (n, "; ".join(e.values())) for n, e in sorted(exposing.items())), 4),
        ),
    )
