"""gpu_sharing: time-slicing, MPS or MIG configured and advertised by the GPU nodes."""

from tests.unit.checks.gpu_world import NS, cluster_policy, gpu_node, gpu_world, replace
from tests.unit.checks.world import configmap

TIME_SLICING = """version: v1
flags:
  migStrategy: none
sharing:
  timeSlicing:
    renameByDefault: false
    resources:
      - name: nvidia.com/gpu
        replicas: 4
"""
NO_SHARING = """version: v1
flags:
  migStrategy: none
"""


def run(world):
    return world.run("gpu_sharing")


def time_slicing_world(exposed=True):
    world = replace(
        gpu_world(),
        cluster_policy(devicePlugin={"enabled": True, "config": {"name": "time-slicing", "default": "any"}}),
    )
    world.add(configmap(NS, "time-slicing", {"any": TIME_SLICING, "plain": NO_SHARING}))
    if exposed:
        replace(
            world,
            gpu_node(
                "gpu-0",
                labels={"nvidia.com/gpu.replicas": "4", "nvidia.com/gpu.sharing-strategy": "time-slicing"},
                allocatable={"nvidia.com/gpu": "4"},
            ),
        )
    return world


def test_nothing_configured_is_not_detected():
    result = run(gpu_world())[0]
    assert result["status"] == "skipped"
    assert result["summary"].startswith("not detected: no time-slicing or MPS config")


def test_time_slicing_configured_and_advertised_passes():
    result, client = run(time_slicing_world())
    assert result["status"] == "passed", result["summary"]
    assert "GPU time-slicing/MPS exposed on 1 of 2 GPU node(s)" in result["summary"]
    assert "gpu-0 (time-slicing replicas=4, allocatable nvidia.com/gpu=4)" in result["summary"]
    # what the nodes advertise is the proof: the config is not read
    assert "/api/v1/namespaces/gpu-operator/configmaps/time-slicing" not in [c[1] for c in client.calls]


def test_time_slicing_configured_but_not_advertised_fails():
    result = run(time_slicing_world(exposed=False))[0]
    assert result["status"] == "failed"
    assert result["details"]["configured"] == {"any": [["timeSlicing", "nvidia.com/gpu", 4]]}
    assert "time-slicing/MPS in device plugin config(s) any configured, but no GPU node advertises" in result["summary"]


def test_config_map_named_by_the_policy_is_missing():
    world = replace(gpu_world(), cluster_policy(devicePlugin={"enabled": True, "config": {"name": "gone"}}))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "names ConfigMap gpu-operator/gone, which does not exist" in result["summary"]


def test_mig_mixed_resources_pass():
    world = replace(
        gpu_world(),
        gpu_node(
            "gpu-1",
            labels={"nvidia.com/mig.config": "all-1g.10gb", "nvidia.com/mig.config.state": "success"},
            allocatable={"nvidia.com/mig-1g.10gb": "7", "nvidia.com/gpu": "0"},
        ),
    )
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]
    assert (
        "MIG partitions exposed on 1 of 2 GPU node(s): gpu-1 (allocatable nvidia.com/mig-1g.10gb=7)"
        in (result["summary"])
    )


def test_mig_layout_that_failed_to_apply_fails():
    world = replace(
        gpu_world(),
        gpu_node("gpu-1", labels={"nvidia.com/mig.config": "all-1g.10gb", "nvidia.com/mig.config.state": "failed"}),
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "gpu-1: MIG layout all-1g.10gb failed to apply (nvidia.com/mig.config.state=failed)" in result["summary"]


def test_mig_layout_pending_without_resources_fails():
    world = replace(
        gpu_world(),
        gpu_node("gpu-1", labels={"nvidia.com/mig.config": "all-1g.10gb", "nvidia.com/mig.config.state": "pending"}),
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "MIG layouts on gpu-1=all-1g.10gb configured, but no GPU node advertises" in result["summary"]
