"""The runner: requirement selection, error isolation, levels from the checklist version."""

import re

import pytest
import yaml

from ansible_collections.ai_conformance.rke2.plugins.module_utils import runner
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError, ConfigError
from ansible_collections.ai_conformance.rke2.plugins.modules import conformance_check
from tests.unit import discovery_docs
from tests.unit.fakes import FakeClient, cluster_routes


def test_unknown_requirement_is_rejected_with_the_known_ids():
    with pytest.raises(ConfigError, match=r"requirements: unknown requirement id\(s\) gpu_magic; expected 'all' or"):
        runner.select(["dra_support", "gpu_magic"])


def test_selection_keeps_catalogue_order_and_all_means_every_check():
    assert runner.select(["ai_inference", "dra_support"]) == ["dra_support", "ai_inference"]
    assert runner.select(["all"]) == runner.known_requirements()
    assert len(runner.known_requirements()) == 16


def test_module_documentation_names_every_check():
    doc = yaml.safe_load(conformance_check.DOCUMENTATION)
    named = re.findall(r"V\(([a-z_]+)\)", " ".join(doc["options"]["requirements"]["description"]))
    assert sorted(set(named) - {"all"}) == sorted(runner.known_requirements())


def test_a_forbidden_read_is_an_error_result_and_the_other_checks_complete():
    path = "/apis/gateway.networking.k8s.io/v1/gatewayclasses"
    message = (
        'gatewayclasses.gateway.networking.k8s.io is forbidden: User "validator" cannot list resource '
        '"gatewayclasses" in API group "gateway.networking.k8s.io" at the cluster scope'
    )
    err = ApiError("permission denied (403 Forbidden) for GET %s: %s" % (path, message), "GET", path, 403, "Forbidden")
    client = FakeClient(cluster_routes(discovery_docs.cluster()), errors={path: err})
    outcome = runner.run(client, ["dra_support", "ai_inference"])
    results = {r["id"]: r for r in outcome["results"]}
    assert results["ai_inference"]["status"] == "error"
    assert "cannot list resource" in results["ai_inference"]["summary"]
    assert results["ai_inference"]["details"]["error"]["status"] == 403
    assert results["dra_support"]["status"] == "passed"


def test_a_bug_in_a_check_is_contained(monkeypatch):
    def explode(ctx, result):
        raise KeyError("spec")

    monkeypatch.setattr(runner.CHECKS["dra_support"], "run", explode)
    outcome = runner.run(FakeClient(cluster_routes(discovery_docs.cluster())), ["dra_support"])
    assert outcome["results"][0]["status"] == "error"
    assert "internal error in the dra_support check (KeyError" in outcome["results"][0]["summary"]


def test_levels_follow_the_checklist_version():
    client = FakeClient(cluster_routes(discovery_docs.cluster()))
    derived = runner.run(client, ["dra_support"])
    assert derived["checklist_version"] == "1.34"
    assert derived["results"][0]["level"] == "MUST"
    old = runner.run(client, ["dra_support"], checklist_version="1.33")
    assert old["results"][0]["level"] == "SHOULD"
    new = runner.run(client, ["dra_support"], checklist_version="1.36")
    assert new["results"][0]["level"] is None


def test_all_runs_every_check_and_only_a_passed_check_claims_implemented():
    outcome = runner.run(FakeClient(cluster_routes(discovery_docs.cluster())), ["all"])
    results = outcome["results"]
    assert [r["id"] for r in results] == runner.known_requirements()
    # this bare cluster passes dra_support and nothing else; a SHOULD with nothing detected claims nothing
    assert [r["id"] for r in results if r["cncf_status"] == "Implemented"] == ["dra_support"]
    assert [r["id"] for r in results if r["status"] == "passed"] == ["dra_support"]
    skipped = [r for r in results if r["status"] == "skipped"]
    assert skipped and all(r["cncf_status"] == "" and r["summary"].startswith("not detected") for r in skipped)


def test_direct_callers_get_the_option_defaults_the_module_applies(monkeypatch):
    seen = []

    def record(ctx, result):
        seen.append(ctx.options("gang_scheduling"))
        return result.finish("skipped", "recorded")

    monkeypatch.setattr(runner.CHECKS["gang_scheduling"], "run", record)
    client = FakeClient(cluster_routes(discovery_docs.cluster()))
    given = {"volcano_namespace": None, "kueue_deployments": [], "coscheduling_namespace": ""}
    runner.run(client, ["gang_scheduling"], options={"gang_scheduling": given})
    runner.run(client, ["gang_scheduling"])
    # a missing or None value gets the argument spec's default; a value given, even empty, is kept
    assert seen[0]["scheduler"] == "auto"
    assert seen[0]["volcano_namespace"] == "volcano-system"
    assert seen[0]["volcano_deployments"] == ["volcano-scheduler", "volcano-controllers", "volcano-admission"]
    assert seen[0]["kueue_deployments"] == []
    assert seen[0]["coscheduling_namespace"] == ""
    assert seen[1]["kueue_deployments"] == ["kueue-controller-manager"]
    # each run gets its own copy of a list default
    seen[0]["volcano_deployments"].append("changed")
    assert seen[1]["volcano_deployments"] == ["volcano-scheduler", "volcano-controllers", "volcano-admission"]
    assert runner.CHECKS["gang_scheduling"].ARGUMENT_SPEC["volcano_deployments"]["default"][-1] == "volcano-admission"


def test_a_cluster_missing_built_in_apis_gets_error_results_naming_them_not_internal_errors():
    # discovery_docs.cluster() serves only core v1 (namespaces, nodes, pods), DRA and the Gateway API:
    # no apps/v1, no apiregistration.k8s.io/v1, no services or configmaps
    outcome = runner.run(FakeClient(cluster_routes(discovery_docs.cluster())), ["all"])
    results = {r["id"]: r for r in outcome["results"]}
    assert not [r["summary"] for r in results.values() if "internal error" in r["summary"]]
    autoscaling = results["cluster_autoscaling"]
    assert autoscaling["status"] == "error"
    assert "does not serve apps/v1 deployments" in autoscaling["summary"]
    assert autoscaling["details"]["error"]["reason"] == "NotServed"
    assert "does not serve apiregistration.k8s.io/v1 apiservices" in results["pod_autoscaling"]["summary"]
