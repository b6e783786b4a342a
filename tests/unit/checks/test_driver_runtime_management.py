"""driver_runtime_management: driver/CUDA labels of GPU nodes agree with each other and with the operator."""

from tests.unit.checks.gpu_world import NVIDIA_GROUPS, cluster_policy, gpu_node, gpu_world, replace
from tests.unit.checks.world import World, custom, node


def run(world, **options):
    return world.run("driver_runtime_management", options={"driver_runtime_management": options})


def test_labels_agree_and_match_the_operator():
    result = run(gpu_world())[0]
    assert result["status"] == "passed", result["summary"]
    assert "2 GPU node(s) report driver 580.95.05 (CUDA 13.0) in consistent labels" in result["summary"]
    assert "matching ClusterPolicy cluster-policy driver.version 580.95.05" in result["summary"]
    assert result["details"]["nodes"]["gpu-0"] == {
        "driver": "580.95.05",
        "cuda_runtime": "13.0",
        "deploy_driver": "true",
    }


def test_disagreeing_labels_on_a_node_fail():
    world = replace(gpu_world(), gpu_node("gpu-1", labels={"nvidia.com/cuda.driver-version.revision": "01"}))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "gpu-1: driver version labels disagree: nvidia.com/cuda.driver-version.full=580.95.05" in result["summary"]
    assert "=580.95.01" in result["summary"]


def test_legacy_runtime_labels_are_compared_too():
    world = replace(
        gpu_world(),
        gpu_node("gpu-0", labels={"nvidia.com/cuda.runtime.major": "12", "nvidia.com/cuda.runtime.minor": "8"}),
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "gpu-0: runtime version labels disagree" in result["summary"]


def test_node_driver_other_than_the_operators_fails():
    world = replace(
        gpu_world(),
        gpu_node(
            "gpu-1",
            labels={
                "nvidia.com/cuda.driver-version.full": "570.172.08",
                "nvidia.com/cuda.driver-version.major": "570",
                "nvidia.com/cuda.driver-version.minor": "172",
                "nvidia.com/cuda.driver-version.revision": "08",
            },
        ),
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "gpu-1 runs driver 570.172.08, the operator wants 580.95.05" in result["summary"]


def test_operator_version_with_an_image_suffix_matches():
    world = replace(gpu_world(), cluster_policy(driver={"enabled": True, "version": "580.95.05-ubuntu24.04"}))
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]


def test_no_version_labels_anywhere_is_not_detected():
    world = World(extra_groups=NVIDIA_GROUPS)
    world.add(node("gpu-0", labels={"nvidia.com/gpu.present": "true"}))
    result = run(world)[0]
    assert result["status"] == "skipped"
    assert result["summary"].startswith("not detected: none of the 1 GPU node(s) carries driver version labels")


def test_no_gpu_node_is_not_detected():
    result = run(gpu_world(nodes=()))[0]
    assert result["status"] == "skipped"
    assert result["summary"].startswith("not detected: no GPU node")


def test_one_unlabelled_node_is_partial():
    world = gpu_world()
    world.add(node("gpu-2", labels={"nvidia.com/gpu.present": "true"}))
    result = run(world)[0]
    assert result["status"] == "partial"
    assert "but gpu-2 carry no driver version labels" in result["summary"]


def test_driver_outside_the_operator_is_partial():
    world = replace(gpu_world(), cluster_policy(driver={"enabled": False}))
    result = run(world)[0]
    assert result["status"] == "partial"
    assert "not managed by an operator (ClusterPolicy cluster-policy has driver.enabled=false" in result["summary"]


def test_policy_not_ready_fails():
    world = replace(gpu_world(), cluster_policy(state="notReady"))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "ClusterPolicy cluster-policy is notReady, not ready" in result["summary"]


def test_versions_from_nvidiadriver_objects():
    world = replace(gpu_world(), cluster_policy(driver={"enabled": True, "useNvidiaDriverCRD": True}))
    world.add(
        custom("nvidia.com/v1alpha1", "NVIDIADriver", "nvidiadrivers", "default", spec={"version": "580.95.05"}),
        custom("nvidia.com/v1alpha1", "NVIDIADriver", "nvidiadrivers", "h100-pool", spec={"version": "570.172.08"}),
    )
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]
    assert "NVIDIADriver objects (570.172.08, 580.95.05)" in result["summary"]


def test_drivers_that_came_with_the_host_are_not_compared_but_reported():
    preinstalled = {
        "nvidia.com/gpu.deploy.driver": "pre-installed",
        "nvidia.com/cuda.driver-version.full": "570.172.08",
        "nvidia.com/cuda.driver-version.major": "570",
        "nvidia.com/cuda.driver-version.minor": "172",
        "nvidia.com/cuda.driver-version.revision": "08",
    }
    world = replace(gpu_world(), gpu_node("gpu-1", labels=preinstalled))
    result = run(world)[0]
    assert result["status"] == "partial"
    assert "the driver of gpu-1 came with the host (nvidia.com/gpu.deploy.driver=pre-installed)" in result["summary"]
    assert "wants" not in result["summary"]
