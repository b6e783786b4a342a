"""dra_support and ai_inference against discovery shaped like kube-apiserver's, both forms."""

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils import runner
from tests.unit import discovery_docs
from tests.unit.fakes import FakeClient, cluster_routes

GC_PATH = "/apis/gateway.networking.k8s.io/v1/gatewayclasses"


def gateway_class(
    name,
    status="True",
    reason="Handled",
    message="Handled by Traefik controller",
    generation=1,
    observed=1,
    controller="traefik.io/gateway-controller",
):
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GatewayClass",
        "metadata": {"name": name, "generation": generation},
        "spec": {"controllerName": controller},
        "status": {
            "conditions": [
                {
                    "type": "Accepted",
                    "status": status,
                    "reason": reason,
                    "message": message,
                    "observedGeneration": observed,
                }
            ]
        },
    }


# a ready rke2-traefik pod, so that the implementation behind the traefik class is healthy
# (its health checks: tests/unit/checks/test_ai_inference.py)
TRAEFIK_PODS = {
    "kind": "PodList",
    "items": [
        {
            "metadata": {"name": "rke2-traefik-5d8f7", "namespace": "kube-system"},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
        }
    ],
}


def run(groups, classes=(), aggregated=True, requirements=("dra_support", "ai_inference"), options=None):
    objects = {GC_PATH: {"kind": "GatewayClassList", "items": list(classes), "metadata": {"resourceVersion": "1"}}}
    objects["/api/v1/namespaces/kube-system/pods"] = TRAEFIK_PODS
    client = FakeClient(cluster_routes(groups, objects), aggregated=aggregated)
    outcome = runner.run(client, list(requirements), options=options or {})
    return {r["id"]: r for r in outcome["results"]}, outcome


@pytest.fixture(params=[True, False], ids=["aggregated", "legacy"])
def aggregated(request):
    return request.param


def test_rke2_like_cluster_passes_both(aggregated):
    results, outcome = run(discovery_docs.cluster(), [gateway_class("traefik")], aggregated=aggregated)
    assert results["dra_support"]["status"] == "passed"
    assert "also served: v1beta2" in results["dra_support"]["summary"]
    assert results["ai_inference"]["status"] == "passed"
    assert "traefik.io/gateway-controller" in results["ai_inference"]["summary"]
    assert outcome["cluster"]["discovery"]["mode"] == ("aggregated" if aggregated else "legacy")
    table = results["dra_support"]["evidence"][0]["output"]
    assert "resourceclaims" in table
    assert "resource.k8s.io/v1" in table


def test_dra_group_absent_fails(aggregated):
    results, _outcome = run(
        discovery_docs.cluster(dra_versions=()), aggregated=aggregated, requirements=["dra_support"]
    )
    assert results["dra_support"]["status"] == "failed"
    assert "resource.k8s.io is not served" in results["dra_support"]["summary"]


def test_dra_missing_resource_is_named(aggregated):
    groups = discovery_docs.cluster(dra_versions=("v1",), drop=[("resource.k8s.io/v1", "resourceclaimtemplates")])
    results, _outcome = run(groups, aggregated=aggregated, requirements=["dra_support"])
    assert results["dra_support"]["status"] == "failed"
    assert "missing resourceclaimtemplates" in results["dra_support"]["summary"]


def test_dra_beta_only_is_partial(aggregated):
    results, _outcome = run(
        discovery_docs.cluster(dra_versions=("v1beta2",)), aggregated=aggregated, requirements=["dra_support"]
    )
    assert results["dra_support"]["status"] == "partial"
    assert results["dra_support"]["cncf_status"] == "Partially Implemented"
    assert "v1beta2" in results["dra_support"]["summary"]


def test_dra_wrong_scope_fails():
    groups = discovery_docs.cluster(dra_versions=("v1",))
    for res in groups["resource.k8s.io"][0]["resources"]:
        if res["name"] == "deviceclasses":
            res["namespaced"] = True
    results, _outcome = run(groups, requirements=["dra_support"])
    assert results["dra_support"]["status"] == "failed"
    assert "deviceclasses is Namespaced, expected Cluster" in results["dra_support"]["summary"]


def test_gateway_api_absent_fails(aggregated):
    results, _outcome = run(
        discovery_docs.cluster(gateway_release=None), aggregated=aggregated, requirements=["ai_inference"]
    )
    assert results["ai_inference"]["status"] == "failed"
    assert "gatewayclasses (at v1)" in results["ai_inference"]["summary"]


def test_gateway_resource_missing_is_named():
    groups = discovery_docs.cluster(drop=[("gateway.networking.k8s.io/v1", "grpcroutes")])
    results, _outcome = run(groups, [gateway_class("traefik")], requirements=["ai_inference"])
    assert results["ai_inference"]["status"] == "failed"
    assert "grpcroutes (at v1)" in results["ai_inference"]["summary"]


def test_referencegrant_v1beta1_only_release_is_accepted():
    results, _outcome = run(
        discovery_docs.cluster(gateway_release="v1.3.0"), [gateway_class("traefik")], requirements=["ai_inference"]
    )
    assert results["ai_inference"]["status"] == "passed"
    grants = [r for r in results["ai_inference"]["details"]["resources"] if r["name"] == "referencegrants"]
    assert grants[0]["apiVersion"] == "gateway.networking.k8s.io/v1beta1"


def test_referencegrant_missing_everywhere_fails():
    groups = discovery_docs.cluster(
        gateway_release="v1.3.0", drop=[("gateway.networking.k8s.io/v1beta1", "referencegrants")]
    )
    results, _outcome = run(groups, [gateway_class("traefik")], requirements=["ai_inference"])
    assert results["ai_inference"]["status"] == "failed"
    assert "referencegrants (at v1 or v1beta1)" in results["ai_inference"]["summary"]


def test_class_waiting_for_controller_fails_with_its_reason():
    pending = gateway_class(
        "traefik", status="Unknown", reason="Pending", message="Waiting for controller", observed=None
    )
    results, _outcome = run(discovery_docs.cluster(), [pending], requirements=["ai_inference"])
    assert results["ai_inference"]["status"] == "failed"
    assert "Accepted=Unknown, reason Pending: Waiting for controller" in results["ai_inference"]["summary"]


def test_no_gateway_class_fails():
    results, _outcome = run(discovery_docs.cluster(), [], requirements=["ai_inference"])
    assert results["ai_inference"]["status"] == "failed"
    assert "no GatewayClass exists" in results["ai_inference"]["summary"]


def test_named_class_must_exist_and_be_accepted():
    other = gateway_class("nginx", controller="k8s.io/nginx")
    results, _outcome = run(
        discovery_docs.cluster(),
        [other],
        requirements=["ai_inference"],
        options={"ai_inference": {"gateway_class": "traefik"}},
    )
    assert results["ai_inference"]["status"] == "failed"
    assert "GatewayClass 'traefik' does not exist (found: nginx)" in results["ai_inference"]["summary"]

    rejected = gateway_class("traefik", status="False", reason="InvalidParameters", message="bad params")
    results, _outcome = run(
        discovery_docs.cluster(),
        [rejected, other],
        requirements=["ai_inference"],
        options={"ai_inference": {"gateway_class": "traefik"}},
    )
    assert results["ai_inference"]["status"] == "failed"
    assert "InvalidParameters" in results["ai_inference"]["summary"]

    results, _outcome = run(
        discovery_docs.cluster(),
        [gateway_class("traefik"), other],
        requirements=["ai_inference"],
        options={"ai_inference": {"gateway_class": "traefik"}},
    )
    assert results["ai_inference"]["status"] == "passed"


def test_gateway_list_uses_the_discovered_path():
    groups = discovery_docs.cluster()
    client = FakeClient(cluster_routes(groups, {GC_PATH: {"items": [gateway_class("traefik")]}}))
    runner.run(client, ["ai_inference"])
    assert ("GET", GC_PATH) in [(c[0], c[1]) for c in client.calls]
