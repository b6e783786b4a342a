"""Result model and the CNCF checklist catalogue."""

import json
import pathlib

import pytest
import yaml

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checklists import TEMPLATES
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import (
    CNCF_STATUS,
    STATUSES,
    Result,
)

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "cncf"

# The table of shared/reference/cncf-submission.md, written out independently of the templates.
LEVELS = {
    "dra_support": ("SHOULD", "MUST", "MUST", None, None),
    "driver_runtime_management": (None, None, "SHOULD", "SHOULD", "SHOULD"),
    "gpu_sharing": (None, None, "SHOULD", "SHOULD", "SHOULD"),
    "virtualized_accelerator": (None, None, "SHOULD", "SHOULD", "SHOULD"),
    "ai_inference": ("MUST",) * 5,
    "advanced_inference_ingress": (None, None, None, "SHOULD", "SHOULD"),
    "high_performance_networking": (None, None, None, "SHOULD", "SHOULD"),
    "disaggregated_inference": (None, None, None, "SHOULD", "SHOULD"),
    "gang_scheduling": ("MUST",) * 5,
    "cluster_autoscaling": ("MUST",) * 5,
    "pod_autoscaling": ("MUST",) * 5,
    "accelerator_metrics": ("MUST",) * 5,
    "ai_service_metrics": ("MUST",) * 5,
    "secure_accelerator_access": ("MUST",) * 5,
    "workload_sandboxing": (None, None, None, None, "SHOULD"),
    "robust_controller": ("MUST",) * 5,
}
VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]


def test_levels_match_the_cncf_table():
    assert reqs.versions() == VERSIONS
    for rid, levels in LEVELS.items():
        assert tuple(reqs.level(rid, v) for v in VERSIONS) == levels, rid
    assert set(reqs.all_ids()) == set(LEVELS)


@pytest.mark.parametrize("version", VERSIONS)
def test_bundled_templates_equal_the_cncf_files(version):
    source = yaml.safe_load((FIXTURES / ("AIConformance-%s.yaml" % version)).read_text())
    bundled = TEMPLATES[version]
    assert bundled["metadata"] == source["metadata"]
    for category, items in source["spec"].items():
        assert [(i["id"], i["description"], i["level"]) for i in items] == [
            (i["id"], i["description"], i["level"]) for i in bundled["spec"][category]
        ]
    assert list(bundled["spec"]) == list(source["spec"])


@pytest.mark.parametrize(
    ("git_version", "expected"),
    [
        ("v1.34.1+rke2r1", ("1.34", False)),
        ("v1.33.0", ("1.33", False)),
        ("v1.37.2", ("1.37", False)),
        ("v1.30.4+k3s1", ("1.33", True)),
        ("v1.40.0", ("1.37", True)),
    ],
)
def test_version_for_cluster(git_version, expected):
    assert reqs.version_for_cluster(git_version) == expected


def test_unknown_checklist_version_names_the_option():
    with pytest.raises(ConfigError, match=r"checklist_version: '1\.99' is not a known .* 1\.33, 1\.34"):
        reqs.template("1.99")
    with pytest.raises(ConfigError, match="cannot read a Kubernetes version"):
        reqs.version_for_cluster("banana")


def test_result_lifecycle_and_json_shape():
    result = Result("dra_support")
    result.add("discovery", request="GET /apis", kubectl="kubectl api-resources", output="table", ok=True)
    result.finish("passed", "all served")
    data = result.to_dict(level="MUST", category="accelerators", title="DRA")
    assert json.loads(json.dumps(data)) == data
    assert data["status"] == "passed"
    assert data["cncf_status"] == "Implemented"
    assert data["evidence"][0]["kubectl"] == "kubectl api-resources"
    assert data["duration"] >= 0
    with pytest.raises(ValueError, match="unknown status"):
        Result("x").finish("green", "")


def test_every_status_maps_to_a_cncf_status():
    assert set(CNCF_STATUS) == set(STATUSES)
    assert CNCF_STATUS["error"] == "Not Implemented"
    assert CNCF_STATUS["not_applicable"] == "N/A"
    assert CNCF_STATUS["partial"] == "Partially Implemented"
