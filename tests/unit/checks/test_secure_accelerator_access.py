"""secure_accelerator_access: GPU Operator ready; volume mounts + toolkit settings, CDI, or a DRA driver."""

import pytest

from tests.unit.checks.gpu_world import (
    GPU_NODES,
    NS,
    NVIDIA_GROUPS,
    cluster_policy,
    gpu_world,
    operator_daemonsets,
    replace,
    toolkit_result,
)
from tests.unit.checks.world import World, meta, node

GOOD = {name: toolkit_result(name) for name in GPU_NODES}


def run(world, **options):
    return world.run("secure_accelerator_access", options={"secure_accelerator_access": options})


def with_daemonsets(world, **kwargs):
    for ds in operator_daemonsets(**kwargs):
        replace(world, ds)
    return world


def test_seed_setup_with_node_facts_passes():
    result, client = run(gpu_world("v25.3"), toolkit_configs=GOOD)
    assert result["status"] == "passed", result["summary"]
    assert "the device plugin uses DEVICE_LIST_STRATEGY=volume-mounts" in result["summary"]
    assert (
        "config.toml on all 2 GPU node(s) has accept-nvidia-visible-devices-as-volume-mounts = true"
        in (result["summary"])
    )
    assert result["details"]["isolation"] == "volume-mounts"
    # the two operator DaemonSets come from one list with a set-based selector
    ds_calls = [c for c in client.calls if c[1] == "/apis/apps/v1/namespaces/gpu-operator/daemonsets"]
    assert len(ds_calls) == 1
    assert ds_calls[0][2]["labelSelector"] == (
        "app in (nvidia-device-plugin-daemonset,nvidia-container-toolkit-daemonset)"
    )
    nodes = next(e for e in result["evidence"] if e["description"].startswith("toolkit config.toml"))
    assert nodes["ok"] is True


def test_without_node_facts_the_node_side_is_reported_unverified():
    result = run(gpu_world("v25.3"))[0]
    assert result["status"] == "partial"
    assert result["cncf_status"] == "Partially Implemented"
    assert "the node side was not verified" in result["summary"]
    assert "nvidia_toolkit_info" in result["summary"]


@pytest.mark.parametrize(
    ("node", "entry", "message"),
    [
        (
            "gpu-1",
            toolkit_result("gpu-1", envvar=True),
            "gpu-1: accept-nvidia-visible-devices-envvar-when-unprivileged = true, expected false",
        ),
        (
            "gpu-0",
            toolkit_result("gpu-0", volume_mounts=False, defaults=["accept-nvidia-visible-devices-as-volume-mounts"]),
            "gpu-0: accept-nvidia-visible-devices-as-volume-mounts = false (not set, the toolkit's default), "
            "expected true",
        ),
        (
            "gpu-0",
            toolkit_result("gpu-0", exists=False),
            "gpu-0: toolkit config /usr/local/nvidia/toolkit/.config/nvidia-container-runtime/config.toml "
            "does not exist",
        ),
        (
            "gpu-1",
            {"failed": True, "msg": "config.toml is not valid TOML: Expected '=' (line 7)"},
            "gpu-1: reading the toolkit config failed: config.toml is not valid TOML: Expected '=' (line 7)",
        ),
    ],
    ids=["accepts-envvar", "volume-mounts-by-default", "file-missing", "read-failed"],
)
def test_one_bad_node_fails_naming_it_and_only_it(node, entry, message):
    result = run(gpu_world("v25.3"), toolkit_configs=dict(GOOD, **{node: entry}))[0]
    assert result["status"] == "failed"
    assert message in result["summary"]
    (good_node,) = set(GPU_NODES) - {node}
    assert good_node not in result["summary"]


def test_facts_for_some_nodes_only_is_partial_naming_the_others():
    result = run(gpu_world("v25.3"), toolkit_configs={"gpu-0": GOOD["gpu-0"], "server-0": GOOD["gpu-0"]})[0]
    assert result["status"] == "partial"
    assert "verified on 1 GPU node(s) but not on gpu-1" in result["summary"]
    nodes = next(e for e in result["evidence"] if e["description"].startswith("toolkit config.toml"))
    assert "ignored (not GPU nodes): server-0" in nodes["output"]


def test_facts_keyed_by_inventory_name_are_found_by_hostname():
    configs = {"inventory-a": toolkit_result("gpu-0"), "inventory-b": toolkit_result("gpu-1")}
    result = run(gpu_world("v25.3"), toolkit_configs=configs)[0]
    assert result["status"] == "passed", result["summary"]


def test_skipped_host_counts_as_unverified():
    configs = dict(GOOD, **{"gpu-1": {"skipped": True, "changed": False}})
    result = run(gpu_world("v25.3"), toolkit_configs=configs)[0]
    assert result["status"] == "partial"
    assert "not on gpu-1" in result["summary"]


def test_bad_toolkit_configs_shape_is_an_error_naming_the_entry():
    result = run(gpu_world("v25.3"), toolkit_configs={"gpu-0": "true", "gpu-1": GOOD["gpu-1"]})[0]
    assert result["status"] == "error"
    assert "secure_accelerator_access.toolkit_configs['gpu-0']: expected the registered result of" in result["summary"]
    result = run(gpu_world("v25.3"), toolkit_configs={"gpu-0": {"stdout": "x"}, "gpu-1": GOOD["gpu-1"]})[0]
    assert result["status"] == "error"
    assert "(with 'exists'), got keys stdout" in result["summary"]


@pytest.mark.parametrize(
    ("strategy", "shown"),
    [("envvar", "DEVICE_LIST_STRATEGY=envvar"), (False, "envvar (not set, the plugin's default)")],
    ids=["explicit", "default"],
)
def test_device_plugin_with_the_envvar_strategy_fails(strategy, shown):
    world = with_daemonsets(gpu_world("v25.3"), strategy=strategy)
    result = run(world, toolkit_configs=GOOD)[0]
    assert result["status"] == "failed"
    assert "hands out GPUs through the NVIDIA_VISIBLE_DEVICES environment variable" in result["summary"]
    assert shown in result["summary"]
    assert "DEVICE_LIST_STRATEGY=volume-mounts" in result["summary"]  # how to fix
    strategy_ev = next(e for e in result["evidence"] if "DEVICE_LIST_STRATEGY" in e["description"])
    assert strategy_ev["ok"] is False


def test_unknown_strategy_fails():
    world = with_daemonsets(gpu_world("v25.3"), strategy="volume-mount")
    result = run(world, toolkit_configs=GOOD)[0]
    assert result["status"] == "failed"
    assert "unknown value(s) volume-mount" in result["summary"]


def test_envvar_next_to_volume_mounts_passes_only_with_the_toolkit_ignoring_the_envvar():
    world = with_daemonsets(gpu_world("v25.3"), strategy="envvar,volume-mounts")
    result = run(world, toolkit_configs=GOOD)[0]
    assert result["status"] == "passed", result["summary"]
    configs = dict(GOOD, **{"gpu-0": toolkit_result("gpu-0", envvar=True)})
    result = run(world, toolkit_configs=configs)[0]
    assert result["status"] == "failed"
    assert "gpu-0: accept-nvidia-visible-devices-envvar-when-unprivileged = true" in result["summary"]


def test_envvar_mixed_with_cdi_strategies_fails():
    world = with_daemonsets(gpu_world("v25.3"), strategy="envvar,cdi-cri")
    result = run(world, toolkit_configs=GOOD)[0]
    assert result["status"] == "failed"
    assert (
        "the device plugin's DEVICE_LIST_STRATEGY=envvar,cdi-cri mixes envvar with CDI strategies"
        in (result["summary"])
    )


def test_toolkit_daemonset_without_the_settings_fails_cluster_side():
    world = with_daemonsets(
        gpu_world("v25.3"),
        toolkit_env={"ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED": None},
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert (
        "the toolkit DaemonSet gpu-operator/nvidia-container-toolkit-daemonset does not set "
        "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED (the toolkit then writes "
        "accept-nvidia-visible-devices-envvar-when-unprivileged = true)" in result["summary"]
    )


def test_cluster_policy_not_ready_fails():
    world = replace(gpu_world("v25.3"), cluster_policy("v25.3", state="notReady"))
    result = run(world, toolkit_configs=GOOD)[0]
    assert result["status"] == "failed"
    assert "ClusterPolicy cluster-policy is notReady, not ready" in result["summary"]


def test_gpu_operator_v26_uses_cdi_and_needs_no_node_facts():
    result = run(gpu_world("v26.3"))[0]
    assert result["status"] == "passed", result["summary"]
    assert (
        "GPUs are injected through CDI (device plugin DEVICE_LIST_STRATEGY=cdi-annotations,cdi-cri)"
        in (result["summary"])
    )
    assert result["details"]["isolation"] == "cdi"
    assert result["details"]["cdi_enabled"] is True


def test_cdi_strategies_with_cdi_disabled_in_the_policy_fail():
    world = replace(gpu_world("v26.3"), cluster_policy("v26.3", cdi={"enabled": False}))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "has cdi.enabled=false" in result["summary"]


def test_cdi_with_a_toolkit_that_still_accepts_the_envvar_is_partial():
    configs = {"gpu-0": toolkit_result("gpu-0", envvar=True), "gpu-1": toolkit_result("gpu-1", envvar=False)}
    result = run(gpu_world("v26.3"), toolkit_configs=configs)[0]
    assert result["status"] == "partial"
    assert "'nvidia' RuntimeClass" in result["summary"]
    assert "gpu-0: accept-nvidia-visible-devices-envvar-when-unprivileged = true" in result["summary"]
    configs["gpu-0"] = toolkit_result("gpu-0", envvar=False, volume_mounts=False)
    result = run(gpu_world("v26.3"), toolkit_configs=configs)[0]
    assert result["status"] == "passed", result["summary"]


def dra_objects(nodes=GPU_NODES):
    device_class = {
        "apiVersion": "resource.k8s.io/v1",
        "kind": "DeviceClass",
        "metadata": meta("gpu.nvidia.com"),
        "spec": {"selectors": [{"cel": {"expression": "device.driver == 'gpu.nvidia.com'"}}]},
    }
    slices = [
        {
            "apiVersion": "resource.k8s.io/v1",
            "kind": "ResourceSlice",
            "metadata": meta("%s-gpu.nvidia.com-abcde" % n),
            "spec": {
                "driver": "gpu.nvidia.com",
                "nodeName": n,
                "pool": {"name": n, "generation": 1, "resourceSliceCount": 1},
            },
        }
        for n in nodes
    ]
    other = dict(slices[0], metadata=meta("other"), spec={"driver": "dra.example.com", "nodeName": "server-0"})
    return [device_class, *slices, other]


def test_dra_driver_without_gpu_operator_passes():
    world = gpu_world(operator=False)
    world.add(*dra_objects())
    result, client = run(world)
    assert result["status"] == "passed", result["summary"]
    assert "DRA driver gpu.nvidia.com (DeviceClass gpu.nvidia.com, 2 ResourceSlice(s))" in result["summary"]
    slice_calls = [c for c in client.calls if c[1] == "/apis/resource.k8s.io/v1/resourceslices"]
    assert slice_calls[0][2]["fieldSelector"] == "spec.driver=gpu.nvidia.com"


def test_dra_driver_missing_a_gpu_node_fails():
    world = gpu_world(operator=False)
    world.add(*dra_objects(nodes=("gpu-0",)))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "GPU node(s) without ResourceSlices of gpu.nvidia.com: gpu-1" in result["summary"]


def test_operator_with_device_plugin_off_and_dra_driver_passes():
    world = gpu_world("v26.3")
    world.remove("DaemonSet", "nvidia-device-plugin-daemonset", NS)
    replace(world, cluster_policy("v26.3", devicePlugin={"enabled": False}))
    world.add(*dra_objects())
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]
    assert "its device plugin is off and GPUs are allocated through the DRA driver" in result["summary"]


def test_no_operator_and_no_dra_driver_fails():
    world = World(extra_groups={})
    world.add(node("gpu-0", labels={"nvidia.com/gpu.present": "true"}))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "nvidia.com/v1 clusterpolicies is not served (GPU Operator not installed)" in result["summary"]
    assert "no NVIDIA DRA driver was found (no DeviceClass gpu.nvidia.com)" in result["summary"]


def test_operator_crd_but_no_cluster_policy():
    world = World(extra_groups=NVIDIA_GROUPS)
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "no ClusterPolicy exists and no NVIDIA DRA driver was found" in result["summary"]
    result = run(world, cluster_policy="gpu-policy")[0]
    assert "no ClusterPolicy named gpu-policy exists" in result["summary"]
