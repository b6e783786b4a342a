# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""driver_runtime_management (SHOULD): accelerator drivers and runtime versions are managed and verifiable.

GPU feature discovery labels each GPU node with the driver and CUDA runtime versions it found
(``nvidia.com/cuda.driver-version.full`` and its ``major``/``minor``/``revision`` parts, the
older ``nvidia.com/cuda.driver.*`` labels, ``nvidia.com/cuda.runtime-version.*``). The check
requires those labels to agree with each other on every GPU node and, when the GPU Operator
manages the driver, with the version its ClusterPolicy (or NVIDIADriver objects) asks for. The
ClusterPolicy must be ``ready``. Nodes without any driver label mean nothing can be verified
there: ``skipped`` with "not detected" when no node has them, ``partial`` when some lack them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    labels_of,
    name_of,
    shared_list,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._nvidia import (
    POLICY_GROUP,
    capped,
    cluster_policy,
    component_enabled,
    gpu_node_option,
    gpu_nodes,
    policy_spec,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PARTIAL, PASSED, SKIPPED

REQUIREMENT = "driver_runtime_management"
ARGUMENT_SPEC = {
    "cluster_policy": dict(type="str"),
    "gpu_node_selector": gpu_node_option(),
}

PREFIX = "nvidia.com/"
DRIVER_FULL = PREFIX + "cuda.driver-version.full"
DRIVER_PARTS = tuple(PREFIX + "cuda.driver-version." + p for p in ("major", "minor", "revision"))
LEGACY_DRIVER_PARTS = tuple(PREFIX + "cuda.driver." + p for p in ("major", "minor", "rev"))
RUNTIME_FULL = PREFIX + "cuda.runtime-version.full"
RUNTIME_PARTS = tuple(PREFIX + "cuda.runtime-version." + p for p in ("major", "minor"))
LEGACY_RUNTIME_PARTS = tuple(PREFIX + "cuda.runtime." + p for p in ("major", "minor"))
DEPLOY_DRIVER = PREFIX + "gpu.deploy.driver"
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+)*")


def _joined(labels, keys):
    values = [labels.get(k) for k in keys]
    return ".".join(values) if all(values) else None


def node_versions(node):
    """``(driver, runtime, problems)`` from one node's labels; driver/runtime None when unlabelled."""
    labels = labels_of(node)
    problems = []
    driver = labels.get(DRIVER_FULL)
    candidates = [
        (DRIVER_FULL, driver),
        ("%s/.minor/.revision" % DRIVER_PARTS[0], _joined(labels, DRIVER_PARTS)),
        ("%s/.minor/.rev" % LEGACY_DRIVER_PARTS[0], _joined(labels, LEGACY_DRIVER_PARTS)),
    ]
    runtime_candidates = [
        (RUNTIME_FULL, labels.get(RUNTIME_FULL)),
        ("%s/.minor" % RUNTIME_PARTS[0], _joined(labels, RUNTIME_PARTS)),
        ("%s/.minor" % LEGACY_RUNTIME_PARTS[0], _joined(labels, LEGACY_RUNTIME_PARTS)),
    ]
    for kind, found in (("driver", candidates), ("runtime", runtime_candidates)):
        present = [(k, v) for k, v in found if v]
        if len({v for _k, v in present}) > 1:
            problems.append("%s version labels disagree: %s" % (kind, ", ".join("%s=%s" % (k, v) for k, v in present)))
    driver = next((v for _k, v in candidates if v), None)
    runtime = next((v for _k, v in runtime_candidates if v), None)
    return driver, runtime, problems


def _wanted_versions(ctx, result, policy):
    """``(versions, how)``: driver versions the operator installs, or ``(None, why)`` when it does not manage them."""
    if policy is None:
        return None, "no GPU Operator ClusterPolicy"
    if not component_enabled(policy, "driver"):
        return None, "ClusterPolicy %s has driver.enabled=false (drivers installed outside the operator)" % name_of(
            policy
        )
    if policy_spec(policy, "driver", "useNvidiaDriverCRD"):
        resource = ctx.discovery.find(POLICY_GROUP, "nvidiadrivers", ["v1alpha1"])
        if resource is None:
            return (
                [],
                "ClusterPolicy %s uses NVIDIADriver objects, but nvidia.com nvidiadrivers is not served"
                % name_of(policy),
            )
        drivers, evidence = shared_list(ctx, result, "NVIDIADriver objects (driver versions per node pool)", resource)
        versions = sorted(
            {(d.get("spec") or {}).get("version") for d in drivers if (d.get("spec") or {}).get("version")}
        )
        evidence.output = [
            "%s version=%s" % (name_of(d), (d.get("spec") or {}).get("version")) for d in drivers
        ] or "none"
        return versions, "NVIDIADriver objects (%s)" % (", ".join(versions) or "none")
    version = policy_spec(policy, "driver", "version")
    if not version:
        return [], "ClusterPolicy %s sets no driver.version" % name_of(policy)
    return [str(version)], "ClusterPolicy %s driver.version %s" % (name_of(policy), version)


def _matches(found, wanted):
    """A node's driver ``580.82.07`` matches ``580.82.07`` or an image tag like ``580.82.07-ubuntu22.04``."""
    for version in wanted:
        head = _VERSION.match(version)
        if head and found == head.group(0):
            return True
    return False


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    nodes, node_ev = gpu_nodes(ctx, result, opts["gpu_node_selector"])
    if not nodes:
        return result.finish(
            SKIPPED, "not detected: no GPU node (label selector %s), so no driver to manage" % opts["gpu_node_selector"]
        )
    policy, _served = cluster_policy(ctx, result, opts.get("cluster_policy"))

    per_node, problems, unlabelled, lines = {}, [], [], []
    for node in sorted(nodes, key=name_of):
        name = name_of(node)
        driver, runtime, node_problems = node_versions(node)
        deploy = labels_of(node).get(DEPLOY_DRIVER)
        per_node[name] = {"driver": driver, "cuda_runtime": runtime, "deploy_driver": deploy}
        lines.append("%s: driver=%s cuda=%s deploy.driver=%s" % (name, driver, runtime, deploy))
        if driver is None:
            unlabelled.append(name)
        problems.extend("%s: %s" % (name, p) for p in node_problems)
    node_ev.output = capped(lines)
    result.details["nodes"] = per_node
    if len(unlabelled) == len(nodes):
        return result.finish(
            SKIPPED,
            "not detected: none of the %d GPU node(s) carries driver version labels (%s from GPU feature "
            "discovery)" % (len(nodes), DRIVER_FULL),
        )

    wanted, how = _wanted_versions(ctx, result, policy)
    result.details["operator_driver_versions"] = wanted
    state = ((policy or {}).get("status") or {}).get("state")
    if policy is not None and state != "ready":
        problems.append("ClusterPolicy %s is %s, not ready" % (name_of(policy), state or "without a state"))
    # the operator skips nodes whose driver came with the host (it labels them pre-installed)
    preinstalled = sorted(n for n, v in per_node.items() if v["deploy_driver"] == "pre-installed" and v["driver"])
    if wanted:
        for name, versions in sorted(per_node.items()):
            if name in preinstalled:
                continue
            if versions["driver"] and not _matches(versions["driver"], wanted):
                problems.append(
                    "%s runs driver %s, the operator wants %s" % (name, versions["driver"], ", ".join(wanted))
                )
    elif wanted == []:
        problems.append(how)
    drivers = sorted({v["driver"] for v in per_node.values() if v["driver"]})
    runtimes = sorted({v["cuda_runtime"] for v in per_node.values() if v["cuda_runtime"]})
    result.add(
        "driver versions: wanted by the operator vs found on the nodes",
        output="operator: %s; nodes: driver %s, CUDA %s" % (how, ", ".join(drivers), ", ".join(runtimes) or "unknown"),
        ok=not problems,
    )
    if problems:
        return result.finish(FAILED, "driver/runtime versions are not consistent: %s" % shorten(problems, 8))
    labelled = len(nodes) - len(unlabelled)
    summary = "%d GPU node(s) report driver %s (CUDA %s) in consistent labels" % (
        labelled,
        ", ".join(drivers),
        ", ".join(runtimes) or "unknown",
    )
    if unlabelled:
        return result.finish(PARTIAL, summary + ", but %s carry no driver version labels" % shorten(unlabelled, 8))
    if wanted is None:
        return result.finish(PARTIAL, summary + "; they are not managed by an operator (%s)" % how)
    if preinstalled:
        return result.finish(
            PARTIAL,
            summary
            + "; the driver of %s came with the host (%s=pre-installed), outside the operator's lifecycle"
            % (shorten(preinstalled, 8), DEPLOY_DRIVER),
        )
    return result.finish(PASSED, summary + ", matching %s (ClusterPolicy %s is ready)" % (how, name_of(policy)))
