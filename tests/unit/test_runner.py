"""The runner: requirement selection, error isolation, levels from the checklist version."""

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils import runner
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError, ConfigError
from tests.unit import discovery_docs
from tests.unit.fakes import FakeClient, cluster_routes


def test_unknown_requirement_is_rejected_with_the_known_ids():
    with pytest.raises(ConfigError, match=r"requirements: unknown requirement id\(s\) gpu_magic; expected 'all' or"):
        runner.select(["dra_support", "gpu_magic"])


def test_selection_keeps_catalogue_order_and_all_means_every_check():
    assert runner.select(["ai_inference", "dra_support"]) == ["dra_support", "ai_inference"]
    assert runner.select(["all"]) == runner.known_requirements()
    assert len(runner.known_requirements()) == 16


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


def test_unimplemented_checks_say_so_and_claim_nothing():
    outcome = runner.run(FakeClient(cluster_routes(discovery_docs.cluster())), ["all"])
    stubs = [r for r in outcome["results"] if r["summary"].startswith("not checked")]
    assert all(r["status"] == "skipped" and r["cncf_status"] == "" for r in stubs)
