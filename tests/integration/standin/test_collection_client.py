"""The collection's own client (module_utils/client.py, discovery.py) against the stand-in."""

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import KubeClient, build_configuration
from ansible_collections.ai_conformance.rke2.plugins.module_utils.discovery import discover
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError


def _client(srv, **kwargs):
    cfg = build_configuration({"kubeconfig": srv.kubeconfig})
    kwargs.setdefault("sleep", lambda _s: None)
    return KubeClient(cfg, **kwargs)


def test_one_aggregated_discovery_pass(shared_standin):
    srv = shared_standin("rke2-gpu")
    before = len(srv.requests)
    disc = discover(_client(srv))
    assert disc.mode.startswith("aggregated")
    assert len(srv.requests) - before == 2, "aggregated discovery is /api plus /apis"
    assert disc.resource("resource.k8s.io", "v1", "resourceclaims").namespaced
    assert disc.preferred_version("gateway.networking.k8s.io") == "v1"


def test_paged_list_with_server_side_selectors(standin):
    srv = standin("scale:nodes=30,pods=120,namespaces=2")
    client = _client(srv)
    items, pages = client.list("/api/v1/pods", limit=50)
    assert len(items) == 120 and pages == 3
    nodes, _pages = client.list("/api/v1/nodes", label_selector="nvidia.com/gpu.present=true")
    assert len(nodes) == 7
    queries = [r["query"] for r in srv.requests if r["path"] == "/api/v1/nodes"]
    assert queries[-1]["labelSelector"] == "nvidia.com/gpu.present=true"


def test_retries_follow_injected_faults(standin):
    srv = standin("empty")
    waits = []
    client = _client(srv, retries=3, sleep=waits.append)
    srv.faults.add(method="GET", path_regex=r"^/api/v1/nodes$", status=503, times=2)
    assert client.get("/api/v1/nodes")["kind"] == "NodeList"
    assert client.stats()["retries"] == 2
    srv.faults.add(method="GET", path_regex=r"^/api/v1/namespaces$", status=429, retry_after=2, times=1)
    client.get("/api/v1/namespaces")
    assert 2.0 <= waits[-1] <= 2.2, "Retry-After honoured"
    srv.faults.add(method="GET", path_regex=r"^/version$", status=500)
    with pytest.raises(ApiError) as err:
        client.get("/version")
    assert err.value.status == 500
    srv.faults.clear()
    token = srv.token("nobody")
    cfg = build_configuration({"host": srv.url, "api_key": token, "ca_cert": srv.ca_file})
    with pytest.raises(ApiError) as err:
        KubeClient(cfg, sleep=lambda _s: None).get("/api/v1/nodes")
    assert err.value.status == 403 and 'User "nobody" cannot list resource "nodes"' in str(err.value)
