"""The inference_demo role: the seed's Ollama deployment and its HPA on gpu_utilization."""

import pytest

from tests.integration.roles import addons
from tests.integration.roles.conftest import render_templates

SEED_HPA_SPEC = {
    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ollama"},
    "minReplicas": 1,
    "maxReplicas": 3,
    "metrics": [
        {
            "type": "Object",
            "object": {
                "describedObject": {"apiVersion": "v1", "kind": "Namespace", "name": "suse-private-ai"},
                "metric": {"name": "gpu_utilization"},
                "target": {"type": "AverageValue", "averageValue": "70"},
            },
        }
    ],
}


@pytest.fixture(scope="module")
def objects(tmp_path_factory):
    out = render_templates(
        tmp_path_factory.mktemp("demo"),
        [
            ("default.yaml", "inference_demo", "ollama.yaml.j2", {}),
            (
                "custom.yaml",
                "inference_demo",
                "ollama.yaml.j2",
                {"inference_demo_namespace": "llm", "inference_demo_max_replicas": 5, "inference_demo_gpus": 2},
            ),
        ],
    )
    return {name: {obj["kind"]: obj for obj in objs} for name, objs in out.items()}


def test_the_hpa_is_the_seeds(objects):
    hpa = objects["default.yaml"]["HorizontalPodAutoscaler"]
    assert hpa["metadata"] == {"name": "ollama-hpa", "namespace": "suse-private-ai"}
    assert hpa["spec"] == SEED_HPA_SPEC


def test_ollama_runs_in_the_namespace_the_metric_describes_with_a_gpu(objects):
    kinds = objects["default.yaml"]
    assert list(kinds) == ["Namespace", "Deployment", "Service", "HorizontalPodAutoscaler"]
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    assert pod["runtimeClassName"] == "nvidia"
    (container,) = pod["containers"]
    assert container["resources"]["limits"] == {"nvidia.com/gpu": 1}
    assert container["image"].startswith("docker.io/ollama/ollama:") and not container["image"].endswith(":latest")
    custom = objects["custom.yaml"]
    assert custom["HorizontalPodAutoscaler"]["spec"]["metrics"][0]["object"]["describedObject"]["name"] == "llm"
    assert custom["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] == 5
    assert {o["metadata"].get("namespace") for o in custom.values()} == {None, "llm"}


@pytest.mark.parametrize("name", ["default.yaml", "custom.yaml"])
def test_every_object_validates(objects, name):
    for obj in objects[name].values():
        assert addons.validate_object(addons.Manifest(name, 0, obj)) == []
