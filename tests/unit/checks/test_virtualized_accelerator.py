"""virtualized_accelerator: vGPU guests or vGPU hosts exposed, and the operator's vGPU managers."""

from tests.unit.checks.gpu_world import cluster_policy, gpu_node, gpu_world, replace


def run(world):
    return world.run("virtualized_accelerator")


def test_nothing_virtualized_is_not_detected():
    result = run(gpu_world())[0]
    assert result["status"] == "skipped"
    assert result["summary"].startswith("not detected: no GPU node runs on or hosts vGPUs")


def test_vgpu_guest_nodes_pass():
    world = replace(
        gpu_world(),
        gpu_node("gpu-0", labels={"nvidia.com/vgpu.present": "true", "nvidia.com/gpu.product": "NVIDIA-A100-4C"}),
    )
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]
    assert "1 node(s) run on vGPUs allocatable as nvidia.com/gpu" in result["summary"]
    assert "NVIDIA-A100-4C, allocatable nvidia.com/gpu=1" in result["summary"]


def test_vgpu_guest_without_allocatable_gpu_fails():
    world = replace(
        gpu_world(), gpu_node("gpu-0", labels={"nvidia.com/vgpu.present": "true"}, allocatable={"nvidia.com/gpu": "0"})
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "gpu-0 runs on a vGPU (nvidia.com/vgpu.present=true) but allocates no nvidia.com/gpu" in result["summary"]


def vgpu_host_world(managers=True, devices=True):
    world = gpu_world()
    replace(
        world,
        cluster_policy(
            vgpuManager={"enabled": managers},
            sandboxWorkloads={"enabled": True, "defaultWorkload": "container"},
        ),
    )
    replace(
        world,
        gpu_node(
            "gpu-1",
            labels={"nvidia.com/gpu.workload.config": "vm-vgpu"},
            allocatable={"nvidia.com/gpu": "0", **({"nvidia.com/GRID_A100-4C": "10"} if devices else {})},
        ),
    )
    return world


def test_vgpu_host_managed_by_the_operator_passes():
    result = run(vgpu_host_world())[0]
    assert result["status"] == "passed", result["summary"]
    assert (
        "1 vGPU host node(s) managed by the GPU Operator's vGPU manager expose gpu-1: nvidia.com/GRID_A100-4C=10"
        in (result["summary"])
    )


def test_vgpu_host_without_the_vgpu_manager_fails():
    result = run(vgpu_host_world(managers=False))[0]
    assert result["status"] == "failed"
    assert (
        "vGPU host node(s) gpu-1 exist but ClusterPolicy cluster-policy does not set vgpuManager.enabled=true"
        in (result["summary"])
    )


def test_vgpu_host_without_devices_fails():
    result = run(vgpu_host_world(devices=False))[0]
    assert result["status"] == "failed"
    assert (
        "gpu-1 is a vGPU host (nvidia.com/gpu.workload.config=vm-vgpu) but advertises no vGPU devices"
        in (result["summary"])
    )


def test_vgpu_manager_enabled_without_any_vgpu_node_fails():
    world = replace(gpu_world(), cluster_policy(vgpuManager={"enabled": True}))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert (
        "ClusterPolicy cluster-policy sets up vGPU (vgpuManager.enabled=true) but no GPU node is labelled"
        in (result["summary"])
    )
