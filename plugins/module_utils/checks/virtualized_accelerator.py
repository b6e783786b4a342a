# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""virtualized_accelerator (SHOULD): virtual GPUs (NVIDIA vGPU) are exposed and managed.

Two ways a cluster uses vGPU, both recognised from what the GPU Operator and GPU feature discovery
publish:

- Kubernetes nodes that are VMs with a vGPU: GPU feature discovery labels them
  ``nvidia.com/vgpu.present=true``; the vGPU must be allocatable (``nvidia.com/gpu``).
- Nodes that host VMs (sandbox workloads, ``nvidia.com/gpu.workload.config=vm-vgpu``): the
  ClusterPolicy's ``vgpuManager`` and ``vgpuDeviceManager`` manage the vGPU host driver and devices,
  which are allocatable as ``nvidia.com/<vGPU type>`` resources.

Nothing of either: ``skipped`` ("not detected"). Enabled in the ClusterPolicy but no node uses it,
or vGPU nodes that expose nothing: ``failed``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    labels_of,
    name_of,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._nvidia import (
    allocatable,
    capped,
    cluster_policy,
    gpu_node_option,
    gpu_nodes,
    policy_spec,
    quantity_int,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PASSED, SKIPPED

REQUIREMENT = "virtualized_accelerator"
ARGUMENT_SPEC = {
    "cluster_policy": dict(type="str"),
    "gpu_node_selector": gpu_node_option(),
}
VGPU_PRESENT = "nvidia.com/vgpu.present"
WORKLOAD_CONFIG = "nvidia.com/gpu.workload.config"
# allocatable nvidia.com/* resources that are not vGPU devices on a vm-vgpu host
NOT_VGPU = ("nvidia.com/gpu", "nvidia.com/gpu.shared")


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    nodes, node_ev = gpu_nodes(ctx, result, opts["gpu_node_selector"])
    policy, _served = cluster_policy(ctx, result, opts.get("cluster_policy"))
    managers = {
        component: bool(policy_spec(policy, component, "enabled")) for component in ("vgpuManager", "vgpuDeviceManager")
    }
    sandbox = bool(policy_spec(policy, "sandboxWorkloads", "enabled"))
    default_workload = policy_spec(policy, "sandboxWorkloads", "defaultWorkload")
    # vgpuDeviceManager is on by default but acts only on vm-vgpu nodes: vGPU is "configured" when the
    # host driver manager is on, or sandbox workloads default to vm-vgpu
    configured = managers["vgpuManager"] or (sandbox and default_workload == "vm-vgpu")
    result.details.update(
        {"cluster_policy_components": managers, "sandbox_workloads": sandbox, "default_workload": default_workload}
    )

    guests, hosts, problems, lines = {}, {}, [], []
    for node in sorted(nodes, key=name_of):
        name = name_of(node)
        labels = labels_of(node)
        alloc = allocatable(node)
        if labels.get(VGPU_PRESENT) == "true":
            gpus = quantity_int(alloc.get("nvidia.com/gpu"))
            guests[name] = "%s, allocatable nvidia.com/gpu=%d" % (labels.get("nvidia.com/gpu.product", "vGPU"), gpus)
            lines.append("%s: vGPU guest (%s=true), %s" % (name, VGPU_PRESENT, guests[name]))
            if not gpus:
                problems.append("%s runs on a vGPU (%s=true) but allocates no nvidia.com/gpu" % (name, VGPU_PRESENT))
        elif labels.get(WORKLOAD_CONFIG) == "vm-vgpu":
            devices = {
                k: v
                for k, v in alloc.items()
                if k.startswith("nvidia.com/") and k not in NOT_VGPU and quantity_int(v) > 0
            }
            hosts[name] = ", ".join("%s=%s" % kv for kv in sorted(devices.items())) or "no vGPU devices allocatable"
            lines.append("%s: vGPU host (%s=vm-vgpu), %s" % (name, WORKLOAD_CONFIG, hosts[name]))
            if not devices:
                problems.append(
                    "%s is a vGPU host (%s=vm-vgpu) but advertises no vGPU devices: check the vgpu-device-manager "
                    "pod and its vGPU config" % (name, WORKLOAD_CONFIG)
                )
    node_ev.output = capped(lines) or "no GPU node is labelled %s=true or %s=vm-vgpu" % (VGPU_PRESENT, WORKLOAD_CONFIG)
    result.details.update({"vgpu_guests": guests, "vgpu_hosts": hosts})

    if hosts:
        off = ["%s.enabled" % c for c, on in managers.items() if not on]
        if not sandbox:
            off.append("sandboxWorkloads.enabled")
        if off:
            problems.append(
                "vGPU host node(s) %s exist but ClusterPolicy %s does not set %s"
                % (", ".join(sorted(hosts)), name_of(policy) or "(none)", ", ".join("%s=true" % o for o in off))
            )
    if configured and not hosts and not guests:
        problems.append(
            "ClusterPolicy %s sets up vGPU (%s) but no GPU node is labelled %s=vm-vgpu or %s=true"
            % (
                name_of(policy),
                "vgpuManager.enabled=true" if managers["vgpuManager"] else "sandboxWorkloads.defaultWorkload=vm-vgpu",
                WORKLOAD_CONFIG,
                VGPU_PRESENT,
            )
        )
    if not guests and not hosts and not problems:
        return result.finish(
            SKIPPED,
            "not detected: no GPU node runs on or hosts vGPUs (%s=true, %s=vm-vgpu) and the ClusterPolicy does "
            "not set up vGPU (vgpuManager.enabled=false)" % (VGPU_PRESENT, WORKLOAD_CONFIG),
        )
    if problems:
        return result.finish(FAILED, "vGPU is set up but not exposed: %s" % shorten(problems, 6))
    parts = []
    if guests:
        parts.append(
            "%d node(s) run on vGPUs allocatable as nvidia.com/gpu (%s)"
            % (len(guests), shorten(("%s: %s" % kv for kv in sorted(guests.items())), 4))
        )
    if hosts:
        parts.append(
            "%d vGPU host node(s) managed by the GPU Operator's vGPU manager expose %s"
            % (len(hosts), shorten(("%s: %s" % kv for kv in sorted(hosts.items())), 4))
        )
    return result.finish(PASSED, "; ".join(parts))
