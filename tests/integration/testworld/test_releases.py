"""The checks' version awareness against real servers of other releases: Kubernetes 1.33 (no
resource.k8s.io/v1; DRA only as the beta an operator switches on) and the newest release the
project pins, 1.37. Both are built on first use (``make testworld`` builds them ahead)."""

import json
import pathlib

import pytest

from tests.integration.playbook import run_check_tasks
from tests.testworld import binaries
from tests.testworld.capture_discovery import builtin_discovery

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "discovery"
DRA_BETA_133 = {
    "runtime_config": "resource.k8s.io/v1beta2=true,resource.k8s.io/v1beta1=true",
    "feature_gates": "DynamicResourceAllocation=true",
}


def _check(world, requirements):
    task = {
        "name": "check",
        "ai_conformance.rke2.conformance_check": {"kubeconfig": world.kubeconfig, "requirements": requirements},
        "register": "out",
    }
    results, run = run_check_tasks([task])
    return results["check"], run.task("check")


@pytest.mark.parametrize("release", ["1.33", "1.37"])
def test_the_discovery_fixture_of_each_release_is_what_its_server_serves(shared_world, release):
    world = shared_world("empty", kubernetes=release)
    fixture = json.loads((FIXTURES / ("kube-%s.json" % release)).read_text())
    live = builtin_discovery(world)
    assert world.api.get("/version")["gitVersion"] == fixture["gitVersion"] == binaries.kubernetes_version(release)
    for root in ("api", "apis"):
        assert live[root] == fixture[root]


def test_on_1_33_the_checklist_is_1_33_and_dra_is_not_served(shared_world):
    results, task = _check(shared_world("empty", kubernetes="1.33"), ["dra_support"])
    assert task["cluster"]["version"] == "v1.33.5"
    assert task["checklist_version"] == "1.33" and not task["checklist_version_clamped"]
    assert results["dra_support"]["status"] == "failed"
    assert results["dra_support"]["summary"].startswith("the API group resource.k8s.io is not served")


def test_on_1_33_with_the_dra_beta_switched_on_dra_is_partial(world):
    results, _task = _check(world("empty", kubernetes="1.33", overrides=DRA_BETA_133), ["dra_support"])
    dra = results["dra_support"]
    assert dra["status"] == "partial", dra["summary"]
    assert "DRA is served only at the pre-GA version resource.k8s.io/v1beta2" in dra["summary"]
    assert dra["details"]["served_versions"] == ["v1beta2", "v1beta1"]


def test_on_1_37_the_checklist_is_1_37_and_dra_passes(shared_world):
    results, task = _check(shared_world("empty", kubernetes="1.37"), ["dra_support"])
    assert task["cluster"]["version"] == "v1.37.2"
    assert task["checklist_version"] == "1.37" and not task["checklist_version_clamped"]
    assert results["dra_support"]["status"] == "passed", results["dra_support"]["summary"]
