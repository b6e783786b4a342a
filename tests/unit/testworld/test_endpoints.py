"""Declared endpoints: which pod IP serves which page, and how pages are rendered."""

import json

from tests.testworld.endpoints import routes_for
from tests.testworld.hardware import Routes, render

DECL = {
    "name": "dcgm",
    "namespace": "gpu-operator",
    "selector": {"app": "dcgm"},
    "port": 9400,
    "paths": {"/metrics": "x"},
}


def _pod(name, ip, node, phase="Running", labels=None, namespace="gpu-operator", deleting=False):
    meta = {"name": name, "namespace": namespace, "labels": labels or {"app": "dcgm"}}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"metadata": meta, "spec": {"nodeName": node}, "status": {"phase": phase, "podIP": ip}}


def test_routes_cover_running_pods_the_selector_matches():
    pods = [
        _pod("a", "100.64.1.1", "n1"),
        _pod("b", "100.64.2.1", "n2", phase="Pending"),
        _pod("c", "100.64.3.1", "n3", labels={"app": "other"}),
        _pod("d", "100.64.4.1", "n4", namespace="default"),
        _pod("e", "100.64.5.1", "n5", deleting=True),
    ]
    routes = routes_for([DECL], pods)
    assert list(routes) == ["100.64.1.1:9400"]
    assert routes["100.64.1.1:9400"]["endpoint"] == "dcgm"
    assert routes["100.64.1.1:9400"]["pod"] == {
        "name": "a",
        "namespace": "gpu-operator",
        "node": "n1",
        "ip": "100.64.1.1",
        "labels": {"app": "dcgm"},
    }


def test_pages_are_jinja_with_the_pod_the_pods_and_the_request():
    pods = [
        {"name": "x", "namespace": "gpu-operator", "node": "n2", "ip": "1", "labels": {"app": "dcgm"}},
        {"name": "y", "namespace": "gpu-operator", "node": "n1", "ip": "2", "labels": {"app": "dcgm"}},
    ]
    page = (
        '{{ pod.node }} {% for p in pods("gpu-operator", "app=dcgm") %}{{ p.name }}{% endfor %} {{ request.json.uid }}'
    )
    status, content_type, text = render(page, pods[0], pods, {"json": {"uid": "u-1"}})
    assert (status, text) == (200, "n2 yx u-1")
    assert content_type.startswith("text/plain")
    status, content_type, _text = render({"body": '{"a": 1}', "status": 201}, pods[0], pods, {})
    assert (status, content_type) == (201, "application/json")


def test_the_routing_file_is_reread_when_it_changes(tmp_path):
    path = tmp_path / "routes.json"
    path.write_text(json.dumps({"routes": {"a": 1}, "endpoints": {}, "pods": []}))
    routes = Routes(str(path))
    assert routes.data()["routes"] == {"a": 1}
    path.write_text(json.dumps({"routes": {"b": 2}, "endpoints": {}, "pods": [], "pad": "x" * 10}))
    assert routes.data()["routes"] == {"b": 2}
    path.write_text("{broken")
    assert routes.data()["routes"] == {"b": 2}  # a half-written file keeps the last good routes
