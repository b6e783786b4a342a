"""Discovery: aggregated and legacy forms give the same view; the pass uses aggregated when offered."""

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.discovery import (
    AGGREGATED_ACCEPT,
    Discovery,
    discover,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError
from tests.unit import discovery_docs
from tests.unit.fakes import FakeClient, cluster_routes


def _view(disco):
    return {key: (r.kind, r.namespaced, r.short_names, r.subresources) for key, r in disco.resources.items()}


def test_aggregated_and_legacy_agree():
    groups = discovery_docs.cluster()
    aggregated = Discovery.from_aggregated(
        [discovery_docs.aggregated({"": groups[""]}), discovery_docs.aggregated({g: v for g, v in groups.items() if g})]
    )
    legacy_lists = {b["groupVersion"]: b for lists in groups.values() for b in lists}
    legacy = Discovery.from_legacy(
        {"versions": ["v1"]},
        discovery_docs.group_list({g: [b["groupVersion"].split("/")[1] for b in v] for g, v in groups.items() if g}),
        legacy_lists,
    )
    assert _view(aggregated) == _view(legacy)
    assert aggregated.groups == legacy.groups
    claims = aggregated.resource("resource.k8s.io", "v1", "resourceclaims")
    assert (claims.kind, claims.namespaced, claims.subresources) == ("ResourceClaim", True, ("status",))
    assert aggregated.resource("gateway.networking.k8s.io", "v1", "gatewayclasses").short_names == ("gc",)


def test_preferred_version_and_find_follow_server_order():
    groups = discovery_docs.cluster(dra_versions=("v1beta2", "v1"))
    disco = Discovery.from_aggregated([discovery_docs.aggregated({g: v for g, v in groups.items() if g})])
    assert disco.preferred_version("resource.k8s.io") == "v1beta2"
    assert disco.find("resource.k8s.io", "deviceclasses").version == "v1beta2"
    assert disco.find("resource.k8s.io", "deviceclasses", versions=["v1"]).version == "v1"
    assert disco.find("resource.k8s.io", "nosuch") is None
    assert disco.versions("absent.example.com") == []


def test_stale_aggregated_group_is_reported():
    doc = discovery_docs.aggregated({"resource.k8s.io": [discovery_docs.legacy("resource.k8s.io", "v1")]})
    doc["items"][0]["versions"][0]["freshness"] = "Stale"
    disco = Discovery.from_aggregated([doc])
    assert disco.unavailable == {"resource.k8s.io/v1": "Stale"}


def test_discover_prefers_aggregated_with_two_requests():
    client = FakeClient(cluster_routes(discovery_docs.cluster()))
    disco = discover(client)
    assert disco.mode == "aggregated"
    assert [(c[1], c[3]) for c in client.calls] == [("/api", AGGREGATED_ACCEPT), ("/apis", AGGREGATED_ACCEPT)]
    assert disco.resource("resource.k8s.io", "v1", "resourceslices") is not None


def test_discover_falls_back_to_legacy_when_server_ignores_the_accept_header():
    client = FakeClient(cluster_routes(discovery_docs.cluster()), aggregated=False)
    disco = discover(client)
    assert disco.mode == "legacy"
    paths = sorted(c[1] for c in client.calls)
    assert "/apis/resource.k8s.io/v1" in paths
    assert "/apis/gateway.networking.k8s.io/v1beta1" in paths
    assert disco.resource("gateway.networking.k8s.io", "v1", "httproutes").namespaced is True


def test_legacy_failure_of_one_group_version_is_recorded_not_fatal():
    routes = cluster_routes(discovery_docs.cluster())
    err = ApiError("the API server answered 503", "GET", "/apis/resource.k8s.io/v1beta2", 503, "ServiceUnavailable")
    client = FakeClient(routes, errors={"/apis/resource.k8s.io/v1beta2": err}, aggregated=False)
    disco = discover(client)
    assert "resource.k8s.io/v1beta2" in disco.unavailable
    assert disco.resource("resource.k8s.io", "v1", "deviceclasses") is not None
    assert disco.resource("resource.k8s.io", "v1beta2", "deviceclasses") is None


def test_discover_propagates_failure_of_the_root_request():
    err = ApiError("denied", "GET", "/api", 401, "Unauthorized")
    with pytest.raises(ApiError):
        discover(FakeClient({}, errors={"/api": err}))
