# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""secure_accelerator_access (configuration part): GPUs reach only the containers they were allocated to.

The NVIDIA GPU Operator must be installed and its ClusterPolicy ``ready``. Then, by how the
cluster isolates GPUs:

- **volume mounts** (GPU Operator before v25.10, the seed's setup): the device plugin runs with
  ``DEVICE_LIST_STRATEGY=volume-mounts`` and the container toolkit on every GPU node has
  ``accept-nvidia-visible-devices-as-volume-mounts = true`` and
  ``accept-nvidia-visible-devices-envvar-when-unprivileged = false``. The toolkit file lives on
  the nodes: the module ``nvidia_toolkit_info`` reads it there and its registered results are
  passed in as ``toolkit_configs`` (keyed by node name). Without them the node side is not
  verified and the result is ``partial``: the cluster side was proven, the node side was not, and
  claiming either ``passed`` or ``failed`` would be a guess.
- **CDI** (GPU Operator v25.10 and later by default): ``cdi.enabled`` and the device plugin's
  ``cdi-annotations``/``cdi-cri`` strategies; devices are injected by the container runtime from
  CDI specs, so the toolkit settings are not needed (node facts, when given, are still reported).
- **DRA**: the NVIDIA DRA driver (DeviceClass ``gpu.nvidia.com`` and its ResourceSlices) instead of
  the device plugin.

A device plugin that hands out GPUs through the ``NVIDIA_VISIBLE_DEVICES`` environment variable
only (``envvar``, the plugin's default) fails: any container may set that variable itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    container_env,
    daemonset_ready,
    name_of,
    shared_get,
    shared_list,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._nvidia import (
    DEVICE_PLUGIN_APP,
    DEVICE_PLUGIN_CONTAINER,
    TOOLKIT_APP,
    TOOLKIT_CONTAINER,
    cluster_policy,
    component_enabled,
    container_named,
    gpu_node_option,
    gpu_nodes,
    operator_daemonsets,
    operator_namespace,
    policy_spec,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.nvidia_toolkit import (
    ACCEPT_ENVVAR_UNPRIVILEGED,
    ACCEPT_VOLUME_MOUNTS,
    FACT_FIELDS,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import ERROR, FAILED, PARTIAL, PASSED

REQUIREMENT = "secure_accelerator_access"
ARGUMENT_SPEC = {
    "cluster_policy": dict(type="str"),
    "operator_namespace": dict(type="str"),
    "gpu_node_selector": gpu_node_option(),
    "toolkit_configs": dict(type="dict", default={}),
    "dra_device_class": dict(type="str", default="gpu.nvidia.com"),
    "dra_driver": dict(type="str", default="gpu.nvidia.com"),
}

STRATEGY_ENV = "DEVICE_LIST_STRATEGY"
CDI_STRATEGIES = frozenset(("cdi-annotations", "cdi-cri"))
KNOWN_STRATEGIES = frozenset(("envvar", "volume-mounts")) | CDI_STRATEGIES
# config.toml key -> the value that keeps unprivileged containers from choosing GPUs
REQUIRED = {ACCEPT_VOLUME_MOUNTS: True, ACCEPT_ENVVAR_UNPRIVILEGED: False}
# toolkit container env -> the config.toml key it makes the toolkit write
TOOLKIT_ENV = {
    "ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS": ACCEPT_VOLUME_MOUNTS,
    "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED": ACCEPT_ENVVAR_UNPRIVILEGED,
}
FIX_VOLUME_MOUNTS = (
    "set the GPU Operator's devicePlugin.env DEVICE_LIST_STRATEGY=volume-mounts and toolkit.env "
    "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED=false, ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS=true "
    "(GPU Operator before v25.10), or use CDI (cdi.enabled=true, the default from v25.10)"
)


class BadInput(Exception):
    """toolkit_configs has a shape that is not nvidia_toolkit_info's result."""


def _strategies(device_plugin):
    container = container_named(device_plugin, DEVICE_PLUGIN_CONTAINER)
    env = container_env(container)
    raw = env.get(STRATEGY_ENV)
    # the device plugin's own default is envvar
    values = [s.strip() for s in (raw or "envvar").split(",") if s.strip()]
    return raw, values, env


def _fact_entry(configs, node):
    """The nvidia_toolkit_info result for ``node``: by key, else by the ``hostname`` it reported."""
    if node in configs:
        return node, configs[node]
    for key, entry in sorted(configs.items()):
        if isinstance(entry, dict) and entry.get("hostname") in (node, node.split(".")[0]):
            return key, entry
    return None, None


def _check_entry(node, entry, keys):
    """``(problems, verified)`` of one node's toolkit facts: each config key in ``keys`` has its required value."""
    if not isinstance(entry, dict):
        raise BadInput(
            "secure_accelerator_access.toolkit_configs[%r]: expected the registered result of "
            "ai_conformance.rke2.nvidia_toolkit_info (a dict), got %s" % (node, type(entry).__name__)
        )
    if entry.get("skipped") or entry.get("unreachable"):
        return [], False
    if entry.get("failed"):
        return ["%s: reading the toolkit config failed: %s" % (node, entry.get("msg") or "no message")], True
    if "exists" not in entry:
        raise BadInput(
            "secure_accelerator_access.toolkit_configs[%r]: expected the registered result of "
            "ai_conformance.rke2.nvidia_toolkit_info (with 'exists'), got keys %s" % (node, ", ".join(sorted(entry)))
        )
    if not entry.get("exists"):
        return ["%s: toolkit config %s does not exist" % (node, entry.get("path") or "config.toml")], True
    problems = []
    defaulted = entry.get("defaults_applied") or []
    for key in keys:
        wanted = REQUIRED[key]
        value = entry.get(FACT_FIELDS[key])
        if value is not wanted:
            problems.append(
                "%s: %s = %s%s, expected %s"
                % (
                    node,
                    key,
                    str(value).lower() if isinstance(value, bool) else repr(value),
                    " (not set, the toolkit's default)" if key in defaulted else "",
                    str(wanted).lower(),
                )
            )
    return problems, True


def _node_side(result, nodes, configs, keys):
    """``(problems, unverified nodes)`` of the toolkit facts of every GPU node, for the config ``keys``."""
    problems, unverified, lines, used = [], [], [], set()
    for node in sorted(name_of(n) for n in nodes):
        key, entry = _fact_entry(configs, node)
        used.add(key)
        if entry is None:
            unverified.append(node)
            lines.append("%s: no nvidia_toolkit_info result" % node)
            continue
        node_problems, verified = _check_entry(node, entry, keys)
        if not verified:
            unverified.append(node)
            lines.append("%s: not read (task skipped or host unreachable)" % node)
            continue
        problems.extend(node_problems)
        if not node_problems:
            lines.append(
                "%s: %s: %s"
                % (node, entry.get("path"), ", ".join("%s = %s" % (k, str(REQUIRED[k]).lower()) for k in keys))
            )
        else:
            lines.extend(node_problems)
    if configs:
        extra = sorted(k for k in configs if k not in used)
        if extra:
            lines.append("ignored (not GPU nodes): %s" % ", ".join(extra))
    result.add(
        "toolkit config.toml on each GPU node (from nvidia_toolkit_info)",
        request="toolkit_configs option (%d node result(s))" % len(configs),
        kubectl="ansible <gpu nodes> -b -m ai_conformance.rke2.nvidia_toolkit_info",
        output=lines,
        ok=not problems and not unverified,
    )
    return problems, unverified


def _toolkit_env_problems(result, toolkit, namespace):
    """Cluster-side: what the toolkit DaemonSet tells the toolkit to write into config.toml."""
    if toolkit is None:
        result.add(
            "container toolkit DaemonSet",
            output="no DaemonSet labelled app=%s in %s: the toolkit is not managed by the GPU Operator "
            "(toolkit.enabled=false); only the node-side facts can show its settings" % (TOOLKIT_APP, namespace),
        )
        return []
    env = container_env(container_named(toolkit, TOOLKIT_CONTAINER))
    problems, lines = [], []
    for name, key in sorted(TOOLKIT_ENV.items()):
        wanted = REQUIRED[key]
        value = env.get(name)
        lines.append("%s=%s" % (name, value if value is not None else "(not set)"))
        if value is None or value.strip().lower() != str(wanted).lower():
            problems.append(
                "the toolkit DaemonSet %s/%s %s (the toolkit then writes %s = %s)"
                % (
                    namespace,
                    name_of(toolkit),
                    "sets %s=%s" % (name, value) if value is not None else "does not set %s" % name,
                    key,
                    str(not wanted).lower() if value is None else value,
                )
            )
    result.add(
        "container toolkit DaemonSet %s/%s environment" % (namespace, name_of(toolkit)),
        output=lines,
        ok=not problems,
    )
    return problems


def _dra(ctx, result, opts, nodes):
    """``(found, problems, text)`` for the NVIDIA DRA driver: its DeviceClass and ResourceSlices."""
    disco = ctx.discovery
    classes = disco.find("resource.k8s.io", "deviceclasses", ["v1", "v1beta2", "v1beta1"])
    slices_res = disco.find("resource.k8s.io", "resourceslices", ["v1", "v1beta2", "v1beta1"])
    if classes is None or slices_res is None:
        return False, [], "resource.k8s.io is not served"
    device_class, evidence = shared_get(
        ctx, result, "DRA DeviceClass %s" % opts["dra_device_class"], classes, opts["dra_device_class"]
    )
    if device_class is None:
        return False, [], "no DeviceClass %s" % opts["dra_device_class"]
    evidence.output = "exists"
    slices, slice_ev = shared_list(
        ctx,
        result,
        "ResourceSlices of the DRA driver %s" % opts["dra_driver"],
        slices_res,
        field_selector="spec.driver=%s" % opts["dra_driver"],
    )
    with_slices = {(s.get("spec") or {}).get("nodeName") for s in slices}
    slice_ev.output = "%d ResourceSlice(s) on node(s): %s" % (
        len(slices),
        ", ".join(sorted(n for n in with_slices if n)) or "none",
    )
    missing = sorted(name_of(n) for n in nodes if name_of(n) not in with_slices)
    problems = (
        ["GPU node(s) without ResourceSlices of %s: %s" % (opts["dra_driver"], ", ".join(missing))] if missing else []
    )
    slice_ev.ok = bool(slices) and not problems
    if not slices:
        return (
            False,
            [],
            "DeviceClass %s exists but driver %s publishes no ResourceSlice"
            % (opts["dra_device_class"], opts["dra_driver"]),
        )
    return (
        True,
        problems,
        "DRA driver %s (DeviceClass %s, %d ResourceSlice(s))"
        % (
            opts["dra_driver"],
            opts["dra_device_class"],
            len(slices),
        ),
    )


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    configs = opts.get("toolkit_configs") or {}
    nodes, _ev = gpu_nodes(ctx, result, opts["gpu_node_selector"])
    policy, served = cluster_policy(ctx, result, opts.get("cluster_policy"))

    if policy is None:
        found, problems, text = _dra(ctx, result, opts, nodes)
        if found:
            if problems:
                return result.finish(FAILED, "GPUs are isolated through the %s, but %s" % (text, "; ".join(problems)))
            return result.finish(
                PASSED,
                "GPUs are allocated only through the %s (no GPU Operator ClusterPolicy; DRA isolates claims)" % text,
            )
        why = (
            "nvidia.com/v1 clusterpolicies is not served (GPU Operator not installed)"
            if not served
            else "no ClusterPolicy %sexists"
            % ("named %s " % opts["cluster_policy"] if opts.get("cluster_policy") else "")
        )
        return result.finish(
            FAILED,
            "nothing mediates GPU access: %s and no NVIDIA DRA driver was found (%s); install the NVIDIA GPU "
            "Operator (or the NVIDIA DRA driver)" % (why, text),
        )

    policy_name = name_of(policy)
    state = (policy.get("status") or {}).get("state") or "unknown"
    if state != "ready":
        return result.finish(
            FAILED,
            "the GPU Operator's ClusterPolicy %s is %s, not ready: its components (driver, toolkit, device "
            "plugin) are not all running; see kubectl get pods -n %s"
            % (policy_name, state, operator_namespace(policy, opts.get("operator_namespace"))),
        )
    namespace = operator_namespace(policy, opts.get("operator_namespace"))
    daemonsets, ds_ev = operator_daemonsets(ctx, result, namespace)
    device_plugin = daemonsets.get(DEVICE_PLUGIN_APP)
    toolkit = daemonsets.get(TOOLKIT_APP)
    ds_ev.output = ["%s: %s" % (name_of(ds), daemonset_ready(ds)[1]) for ds in daemonsets.values()] or "none found"

    if device_plugin is None:
        found, problems, text = _dra(ctx, result, opts, nodes)
        if found and not problems:
            return result.finish(
                PASSED,
                "ClusterPolicy %s is ready, its device plugin is off and GPUs are allocated through the %s"
                % (policy_name, text),
            )
        if found:
            return result.finish(FAILED, "GPUs are isolated through the %s, but %s" % (text, "; ".join(problems)))
        return result.finish(
            FAILED,
            "ClusterPolicy %s is ready but no device plugin DaemonSet (app=%s) runs in %s and no NVIDIA DRA "
            "driver was found (%s): nothing allocates GPUs" % (policy_name, DEVICE_PLUGIN_APP, namespace, text),
        )

    raw, strategies, env = _strategies(device_plugin)
    cdi_enabled = policy_spec(policy, "cdi", "enabled")
    result.details.update(
        {
            "device_list_strategy": strategies,
            "cdi_enabled": cdi_enabled,
            "cdi_env": env.get("CDI_ENABLED"),
            "toolkit_managed": toolkit is not None and component_enabled(policy, "toolkit"),
        }
    )
    result.add(
        "device plugin DaemonSet %s/%s: %s" % (namespace, name_of(device_plugin), STRATEGY_ENV),
        request="(from the DaemonSet list above)",
        kubectl="kubectl get daemonset %s -n %s -o jsonpath='{.spec.template.spec.containers[?(@.name==\"%s\")].env}'"
        % (name_of(device_plugin), namespace, DEVICE_PLUGIN_CONTAINER),
        output="%s=%s; ClusterPolicy spec.cdi.enabled=%s"
        % (STRATEGY_ENV, raw if raw is not None else "(not set: the plugin's default is envvar)", cdi_enabled),
        ok="envvar" not in strategies,
    )
    unknown = [s for s in strategies if s not in KNOWN_STRATEGIES]
    if unknown:
        return result.finish(
            FAILED,
            "the device plugin %s/%s has %s=%s with unknown value(s) %s (expected volume-mounts, cdi-annotations, "
            "cdi-cri or envvar)" % (namespace, name_of(device_plugin), STRATEGY_ENV, raw, ", ".join(unknown)),
        )
    if strategies == ["envvar"]:
        return result.finish(
            FAILED,
            "the device plugin %s/%s hands out GPUs through the NVIDIA_VISIBLE_DEVICES environment variable "
            "(%s=%s): any container can set that variable and reach GPUs it was not allocated; %s"
            % (
                namespace,
                name_of(device_plugin),
                STRATEGY_ENV,
                raw or "envvar (not set, the plugin's default)",
                FIX_VOLUME_MOUNTS,
            ),
        )

    mode = "cdi" if set(strategies) <= CDI_STRATEGIES else "volume-mounts"
    result.details["isolation"] = mode
    if mode == "cdi":
        if cdi_enabled is False:
            return result.finish(
                FAILED,
                "the device plugin uses CDI strategies (%s) but ClusterPolicy %s has cdi.enabled=false, so no "
                "CDI specs are generated; set cdi.enabled=true" % (raw, policy_name),
            )
        summary = "ClusterPolicy %s is ready and GPUs are injected through CDI (device plugin %s=%s)" % (
            policy_name,
            STRATEGY_ENV,
            raw,
        )
        if not configs:
            return result.finish(PASSED, summary + "; the toolkit's envvar settings are not needed with CDI")
        try:
            problems, _unverified = _node_side(result, nodes, configs, (ACCEPT_ENVVAR_UNPRIVILEGED,))
        except BadInput as exc:
            return result.finish(ERROR, str(exc))
        if problems:
            return result.finish(
                PARTIAL,
                summary + ", but pods that select the 'nvidia' RuntimeClass may still request GPUs through "
                "NVIDIA_VISIBLE_DEVICES: %s" % "; ".join(problems),
            )
        return result.finish(
            PASSED,
            summary + "; the toolkit ignores NVIDIA_VISIBLE_DEVICES from unprivileged containers on the nodes given",
        )

    # volume mounts (possibly next to envvar): the toolkit must ignore the variable and accept mounts
    problems = []
    if "volume-mounts" not in strategies:
        problems.append("the device plugin's %s=%s mixes envvar with CDI strategies" % (STRATEGY_ENV, raw))
    problems.extend(_toolkit_env_problems(result, toolkit, namespace))
    try:
        node_problems, unverified = (
            _node_side(result, nodes, configs, (ACCEPT_VOLUME_MOUNTS, ACCEPT_ENVVAR_UNPRIVILEGED))
            if configs
            else ([], None)
        )
    except BadInput as exc:
        return result.finish(ERROR, str(exc))
    problems.extend(node_problems)
    if problems:
        return result.finish(
            FAILED,
            "GPU isolation through volume mounts is not in place: %s; %s" % ("; ".join(problems), FIX_VOLUME_MOUNTS),
        )
    cluster_side = "ClusterPolicy %s is ready, the device plugin uses %s=%s and the toolkit DaemonSet sets %s" % (
        policy_name,
        STRATEGY_ENV,
        raw,
        "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED=false, "
        "ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS=true"
        if toolkit is not None
        else "nothing (toolkit not managed by the operator)",
    )
    if unverified is None:
        return result.finish(
            PARTIAL,
            cluster_side + "; the node side was not verified: pass the results of ai_conformance.rke2."
            "nvidia_toolkit_info from every GPU node as secure_accelerator_access.toolkit_configs",
        )
    if unverified:
        return result.finish(
            PARTIAL,
            cluster_side + "; the toolkit config was verified on %d GPU node(s) but not on %s (no "
            "nvidia_toolkit_info result)" % (len(nodes) - len(unverified), ", ".join(unverified)),
        )
    return result.finish(
        PASSED,
        cluster_side + "; config.toml on all %d GPU node(s) has accept-nvidia-visible-devices-as-volume-mounts = true "
        "and accept-nvidia-visible-devices-envvar-when-unprivileged = false" % len(nodes),
    )
