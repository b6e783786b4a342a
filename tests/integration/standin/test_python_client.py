"""The ``kubernetes`` Python client (typed APIs and DynamicClient) against the stand-in: discovery,
paging, watches (ADDED/MODIFIED/DELETED, bookmarks, 410), status subresource, errors."""

import json
import threading

import pytest
from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException


def api_client(srv, token=None):
    cfg = client.Configuration()
    config.load_kube_config(config_file=srv.kubeconfig, client_configuration=cfg)
    if token:
        cfg.api_key = {"authorization": "Bearer " + token}
    return client.ApiClient(cfg)


@pytest.fixture
def dyn(standin):
    srv = standin("rke2-gpu")
    return srv, dynamic.DynamicClient(api_client(srv))


def test_dynamic_discovery_finds_builtin_and_crd_kinds(shared_standin):
    srv = shared_standin("rke2-gpu")
    d = dynamic.DynamicClient(api_client(srv))
    claims = d.resources.get(api_version="resource.k8s.io/v1", kind="ResourceClaim")
    assert claims.namespaced and claims.name == "resourceclaims"
    gc = d.resources.get(api_version="gateway.networking.k8s.io/v1", kind="GatewayClass")
    assert not gc.namespaced and gc.short_names == ["gc"]
    assert d.resources.get(api_version="v1", kind="Pod").subresources["log"]
    assert d.version["kubernetes"]["gitVersion"] == "v1.34.1+rke2r1"


def test_dynamic_paging_walks_every_item_once(dyn):
    srv, d = dyn
    srv.apply_objects(
        [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "page-%02d" % i, "namespace": "default", "labels": {"page": "yes"}},
            }
            for i in range(23)
        ]
    )
    cms = d.resources.get(api_version="v1", kind="ConfigMap")
    names, token, pages = [], None, 0
    while True:
        result = cms.get(namespace="default", label_selector="page=yes", limit=5, _continue=token)
        pages += 1
        names += [i.metadata.name for i in result.items]
        token = result.metadata["continue"]
        if not token:
            break
    assert pages == 5
    assert names == ["page-%02d" % i for i in range(23)]
    first = cms.get(namespace="default", limit=5)
    assert first.metadata.remainingItemCount == 18
    assert first.kind == "ConfigMapList" and int(first.metadata.resourceVersion) > 0


def test_dynamic_watch_sees_added_modified_deleted(dyn):
    _srv, d = dyn
    cms = d.resources.get(api_version="v1", kind="ConfigMap")
    start = cms.get(namespace="default").metadata.resourceVersion
    events = []

    def consume():
        for ev in d.watch(cms, namespace="default", resource_version=start, timeout=10):
            events.append((ev["type"], ev["object"].metadata.name, ev["raw_object"].get("data")))
            if ev["type"] == "DELETED":
                return

    t = threading.Thread(target=consume)
    t.start()
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "w", "namespace": "default"},
        "data": {"k": "1"},
    }
    cms.create(body=body, namespace="default")
    cms.patch(name="w", namespace="default", body={"data": {"k": "2"}}, content_type="application/merge-patch+json")
    cms.delete(name="w", namespace="default")
    t.join(15)
    assert [e[0] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert events[1][2] == {"k": "2"}


def test_watch_with_selector_reports_objects_leaving_it(dyn):
    srv, _d = dyn
    v1 = client.CoreV1Api(api_client(srv))
    rv = v1.list_namespaced_config_map("default").metadata.resource_version
    v1.create_namespaced_config_map("default", {"metadata": {"name": "sel", "labels": {"watch": "me"}}})
    v1.patch_namespaced_config_map("sel", "default", {"metadata": {"labels": {"watch": "no"}}})
    w = watch.Watch()
    seen = [
        (e["type"], e["object"].metadata.labels)
        for e in w.stream(
            v1.list_namespaced_config_map, "default", label_selector="watch=me", resource_version=rv, timeout_seconds=1
        )
    ]
    assert seen == [("ADDED", {"watch": "me"}), ("DELETED", {"watch": "no"})]


def test_watch_from_a_compacted_version_is_gone(dyn):
    srv, _d = dyn
    v1 = client.CoreV1Api(api_client(srv))
    rv = v1.list_namespaced_config_map("default").metadata.resource_version
    v1.create_namespaced_config_map("default", {"metadata": {"name": "old"}})
    srv.store.compact()
    with pytest.raises(ApiException) as err:
        list(watch.Watch().stream(v1.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=2))
    assert err.value.status == 410


def test_watch_bookmarks_and_streaming_list(standin):
    srv = standin("rke2-gpu", bookmark_interval=0.3)
    v1 = client.CoreV1Api(api_client(srv))
    resp = v1.list_node(
        watch=True,
        allow_watch_bookmarks=True,
        send_initial_events=True,
        resource_version_match="NotOlderThan",
        timeout_seconds=1,
        _preload_content=False,
    )
    events = [json.loads(line) for line in resp.read().decode().splitlines() if line.strip()]
    types = [e["type"] for e in events]
    assert types[:3] == ["ADDED"] * 3
    assert events[3]["type"] == "BOOKMARK"
    assert events[3]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert "BOOKMARK" in types[4:], "periodic bookmarks while idle"


def test_status_subresource_is_separate(dyn):
    _srv, d = dyn
    gcs = d.resources.get(api_version="gateway.networking.k8s.io/v1", kind="GatewayClass")
    before = gcs.get(name="traefik")
    gcs.patch(
        name="traefik",
        body={"status": {"conditions": []}, "metadata": {"labels": {"x": "y"}}},
        content_type="application/merge-patch+json",
    )
    after = gcs.get(name="traefik")
    assert after.status.conditions[0].reason == "Handled", "status ignored on the main resource"
    assert after.to_dict()["metadata"]["labels"] == {"x": "y"}
    assert after.metadata.generation == before.metadata.generation, "metadata is not spec"
    gcs.status.patch(
        name="traefik",
        body={
            "status": {
                "conditions": [
                    {
                        "type": "Accepted",
                        "status": "False",
                        "reason": "InvalidParameters",
                        "message": "m",
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                    }
                ]
            },
            "metadata": {"labels": {"x": "z"}},
        },
        content_type="application/merge-patch+json",
    )
    after = gcs.get(name="traefik")
    assert after.status.conditions[0].reason == "InvalidParameters"
    assert after.to_dict()["metadata"]["labels"] == {"x": "y"}, "metadata ignored on /status"
    gcs.patch(name="traefik", body={"spec": {"description": "changed"}}, content_type="application/merge-patch+json")
    assert gcs.get(name="traefik").metadata.generation == before.metadata.generation + 1


def test_typed_client_errors_are_status_objects(shared_standin):
    srv = shared_standin("rke2-gpu")
    v1 = client.CoreV1Api(api_client(srv))
    with pytest.raises(ApiException) as err:
        v1.read_namespaced_pod("nope", "default")
    assert err.value.status == 404
    status = json.loads(err.value.body)
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "nope" not found',
        "reason": "NotFound",
        "code": 404,
        "details": {"name": "nope", "kind": "pods"},
    }


def test_pod_log_and_service_proxy_text(standin):
    srv = standin(
        "rke2-gpu",
        overrides={
            "proxy": {"kube-system/rke2-traefik:9100/metrics": "traefik_entrypoint_requests_total 3\n"},
            "logs": {"kube-system/rke2-traefik-6c9f8b7d5d-x7k2p": "line1\nline2\nline3\n"},
        },
    )
    v1 = client.CoreV1Api(api_client(srv))
    assert v1.read_namespaced_pod_log("rke2-traefik-6c9f8b7d5d-x7k2p", "kube-system", tail_lines=2) == "line2\nline3\n"
    text = v1.connect_get_namespaced_service_proxy_with_path("rke2-traefik:9100", "kube-system", "metrics")
    assert text == "traefik_entrypoint_requests_total 3\n"
    with pytest.raises(ApiException) as err:
        v1.connect_get_namespaced_service_proxy_with_path("rke2-traefik:9100", "kube-system", "other")
    assert err.value.status == 503
