"""Object semantics, CRDs, aggregated APIs, faults, request log and scenario overrides, over HTTP."""

import json
import re
import time

import pytest

from tests.integration.standin.helpers import raw, status_of
from tests.standin import ScenarioError, StandIn, scenario

CMS = "/api/v1/namespaces/default/configmaps"
APPS = "/apis/apps/v1/namespaces/default/deployments"
AGG = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def _cm(name, **data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}, "data": data}


def test_metadata_resource_versions_and_generation(standin):
    srv = standin("empty")
    code, _h, body = raw(srv, "POST", CMS, body=_cm("a", k="1"))
    a = status_of(body)
    assert code == 201 and a["metadata"]["uid"] and a["metadata"]["creationTimestamp"]
    code, _h, body = raw(srv, "POST", CMS, body=_cm("b", k="1"))
    b = status_of(body)
    assert int(b["metadata"]["resourceVersion"]) > int(a["metadata"]["resourceVersion"])
    assert "generation" not in a["metadata"], "ConfigMaps have no spec and no generation"
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "i:1"}]}},
        },
    }
    code, _h, body = raw(srv, "POST", APPS, body=dep)
    created = status_of(body)
    assert created["metadata"]["generation"] == 1 and "status" not in created
    smp = {"Content-Type": "application/strategic-merge-patch+json"}
    code, _h, body = raw(srv, "PATCH", APPS + "/d", body=json.dumps({"metadata": {"labels": {"x": "y"}}}), headers=smp)
    assert status_of(body)["metadata"]["generation"] == 1
    code, _h, body = raw(
        srv,
        "PATCH",
        APPS + "/d",
        headers=smp,
        body=json.dumps({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:2"}]}}}}),
    )
    patched = status_of(body)
    assert patched["metadata"]["generation"] == 2
    assert patched["spec"]["template"]["spec"]["containers"] == [{"name": "c", "image": "i:2"}]
    rv = patched["metadata"]["resourceVersion"]
    code, _h, body = raw(
        srv,
        "PATCH",
        APPS + "/d",
        headers=smp,
        body=json.dumps({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:2"}]}}}}),
    )
    assert status_of(body)["metadata"]["resourceVersion"] == rv, "a no-op patch writes nothing"
    assert status_of(body)["metadata"]["generation"] == 2


def test_strategic_merge_uses_the_builtin_merge_keys(standin):
    srv = standin("empty")
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "m"},
        "spec": {
            "selector": {"matchLabels": {"app": "m"}},
            "template": {
                "metadata": {"labels": {"app": "m"}},
                "spec": {
                    "containers": [
                        {
                            "name": "a",
                            "image": "a:1",
                            "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}],
                            "ports": [{"containerPort": 80}],
                        },
                        {"name": "b", "image": "b:1"},
                    ]
                },
            },
        },
    }
    raw(srv, "POST", APPS, body=dep)
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "a",
                            "env": [{"name": "Y", "value": "3"}, {"name": "X", "$patch": "delete"}],
                            "ports": [{"containerPort": 8080}],
                        }
                    ]
                }
            }
        }
    }
    code, _h, body = raw(
        srv,
        "PATCH",
        APPS + "/m",
        body=json.dumps(patch),
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    containers = status_of(body)["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["a", "b"], "merged by name, b kept"
    assert containers[0]["image"] == "a:1"
    assert containers[0]["env"] == [{"name": "Y", "value": "3"}]
    assert containers[0]["ports"] == [{"containerPort": 80}, {"containerPort": 8080}]
    code, _h, body = raw(
        srv, "PATCH", APPS + "/m", body=json.dumps(patch), headers={"Content-Type": "application/merge-patch+json"}
    )
    containers = status_of(body)["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["a"], "a merge patch replaces lists"
    code, _h, body = raw(
        srv,
        "PATCH",
        APPS + "/m",
        headers={"Content-Type": "application/json-patch+json"},
        body=json.dumps(
            [
                {"op": "replace", "path": "/spec/replicas", "value": 4},
                {"op": "test", "path": "/metadata/name", "value": "m"},
            ]
        ),
    )
    assert status_of(body)["spec"]["replicas"] == 4
    code, _h, body = raw(
        srv,
        "PATCH",
        APPS + "/m",
        headers={"Content-Type": "application/json-patch+json"},
        body=json.dumps([{"op": "test", "path": "/metadata/name", "value": "other"}]),
    )
    assert code == 422


def test_dry_run_and_finalizers_and_namespace_deletion(standin):
    srv = standin("empty")
    code, _h, body = raw(srv, "POST", CMS + "?dryRun=All", body=_cm("dry"))
    assert code == 201 and srv.store.get("v1", "ConfigMap", "dry", "default") is None
    raw(srv, "POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "t"}})
    held = _cm("held")
    held["metadata"].update(namespace="t", finalizers=["example.com/hold"])
    raw(srv, "POST", "/api/v1/namespaces/t/configmaps", body=held)
    code, _h, body = raw(srv, "DELETE", "/api/v1/namespaces/t/configmaps/held")
    assert code == 202 and status_of(body)["metadata"]["deletionTimestamp"]
    code, _h, body = raw(
        srv,
        "PATCH",
        "/api/v1/namespaces/t/configmaps/held",
        body=json.dumps({"metadata": {"finalizers": None}}),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert code == 200 and srv.store.get("v1", "ConfigMap", "held", "t") is None
    raw(srv, "POST", "/api/v1/namespaces/t/configmaps", body=dict(_cm("inside"), metadata={"name": "inside"}))
    assert raw(srv, "DELETE", "/api/v1/namespaces/t")[0] == 200
    assert srv.store.get("v1", "Namespace", "t") is None
    assert srv.store.get("v1", "ConfigMap", "inside", "t") is None


def _crd(versions=("v1",), status=True):
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "gadgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Cluster",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
            "versions": [
                {
                    "name": v,
                    "served": True,
                    "storage": i == 0,
                    "subresources": {"status": {}} if status else {},
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                                "status": {
                                    "type": "object",
                                    "default": {"phase": "New"},
                                    "properties": {"phase": {"type": "string"}},
                                },
                            },
                        }
                    },
                }
                for i, v in enumerate(versions)
            ],
        },
    }


def test_crd_is_served_in_both_discovery_forms_and_unserved_on_delete(standin):
    srv = standin("empty")
    code, _h, body = raw(
        srv, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body=_crd(("v1", "v1beta1"))
    )
    assert code == 201
    conds = {c["type"]: c["status"] for c in status_of(body)["status"]["conditions"]}
    assert conds == {"NamesAccepted": "True", "Established": "True"}
    _c, _h, body = raw(srv, "GET", "/apis", headers={"Accept": AGG})
    groups = {i["metadata"]["name"]: i for i in status_of(body)["items"]}
    assert [v["version"] for v in groups["example.com"]["versions"]] == ["v1", "v1beta1"]
    res = groups["example.com"]["versions"][0]["resources"][0]
    assert (
        res["resource"] == "gadgets" and res["scope"] == "Cluster" and res["subresources"][0]["subresource"] == "status"
    )
    _c, _h, body = raw(srv, "GET", "/apis/example.com/v1")
    assert [r["name"] for r in status_of(body)["resources"]] == ["gadgets", "gadgets/status"]
    _c, _h, body = raw(srv, "GET", "/apis")
    assert {
        "name": "example.com",
        "versions": [
            {"groupVersion": "example.com/v1", "version": "v1"},
            {"groupVersion": "example.com/v1beta1", "version": "v1beta1"},
        ],
        "preferredVersion": {"groupVersion": "example.com/v1", "version": "v1"},
    } in status_of(body)["groups"]
    code, _h, body = raw(
        srv,
        "POST",
        "/apis/example.com/v1/gadgets",
        body={
            "apiVersion": "example.com/v1",
            "kind": "Gadget",
            "metadata": {"name": "g"},
            "spec": {"size": 1},
            "status": {"phase": "Ignored"},
        },
    )
    assert code == 201 and status_of(body)["status"] == {"phase": "New"}, "status dropped, then defaulted"
    code, _h, body = raw(srv, "GET", "/apis/example.com/v1beta1/gadgets/g")
    assert status_of(body)["apiVersion"] == "example.com/v1beta1"
    code, _h, body = raw(
        srv,
        "POST",
        "/apis/example.com/v1/gadgets",
        body={"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "h"}, "spec": {"size": "big"}},
    )
    assert code == 422 and "spec.size" in status_of(body)["message"]
    assert raw(srv, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com")[0] == 200
    assert raw(srv, "GET", "/apis/example.com/v1/gadgets")[0] == 404
    _c, _h, body = raw(srv, "GET", "/apis", headers={"Accept": AGG})
    assert "example.com" not in {i["metadata"]["name"] for i in status_of(body)["items"]}


CUSTOM_METRICS = {
    "aggregated": {
        "custom.metrics.k8s.io/v1beta1": {
            "resources": [
                {
                    "resource": "namespaces/gpu_utilization",
                    "kind": "MetricValueList",
                    "scope": "Cluster",
                    "verbs": ["get"],
                }
            ],
            "paths": {
                "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/metrics/gpu_utilization": {
                    "kind": "MetricValueList",
                    "apiVersion": "custom.metrics.k8s.io/v1beta1",
                    "metadata": {},
                    "items": [
                        {
                            "describedObject": {"kind": "Namespace", "name": "suse-private-ai", "apiVersion": "/v1"},
                            "metricName": "gpu_utilization",
                            "timestamp": "2026-01-01T00:00:00Z",
                            "value": "42",
                        }
                    ],
                }
            },
        }
    },
}


def _apiservice(available):
    cond = {
        "type": "Available",
        "status": "True" if available else "False",
        "reason": "Passed" if available else "FailedDiscoveryCheck",
        "message": "m",
        "lastTransitionTime": "2026-01-01T00:00:00Z",
    }
    return {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1beta1.custom.metrics.k8s.io"},
        "spec": {
            "group": "custom.metrics.k8s.io",
            "version": "v1beta1",
            "groupPriorityMinimum": 100,
            "versionPriority": 100,
            "insecureSkipTLSVerify": True,
            "service": {"name": "prometheus-adapter", "namespace": "monitoring", "port": 443},
        },
        "status": {"conditions": [cond]},
    }


def test_aggregated_api_served_only_while_its_apiservice_is_available(standin):
    srv = standin("empty", overrides=dict(CUSTOM_METRICS, add=[_apiservice(True)]))
    path = "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/metrics/gpu_utilization"
    code, _h, body = raw(srv, "GET", path)
    assert code == 200 and status_of(body)["items"][0]["value"] == "42"
    _c, _h, body = raw(srv, "GET", "/apis/custom.metrics.k8s.io/v1beta1")
    assert status_of(body)["resources"][0]["name"] == "namespaces/gpu_utilization"
    srv.apply_objects([_apiservice(False)])
    assert raw(srv, "GET", path)[0] == 503
    assert raw(srv, "GET", "/apis/custom.metrics.k8s.io/v1beta1")[0] == 503
    _c, _h, body = raw(srv, "GET", "/apis", headers={"Accept": AGG})
    item = next(i for i in status_of(body)["items"] if i["metadata"]["name"] == "custom.metrics.k8s.io")
    assert item["versions"][0]["freshness"] == "Stale"


def test_apiservice_created_through_the_api_is_probed(standin):
    srv = standin("empty", overrides=CUSTOM_METRICS)
    svc = _apiservice(True)
    del svc["status"]
    assert raw(srv, "POST", "/apis/apiregistration.k8s.io/v1/apiservices", body=svc)[0] == 201
    got = srv.store.get("apiregistration.k8s.io/v1", "APIService", "v1beta1.custom.metrics.k8s.io")
    assert got["status"]["conditions"][0]["status"] == "True"
    assert (
        raw(srv, "GET", "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/metrics/gpu_utilization")[0]
        == 200
    )


def test_faults_status_retry_after_delay_drop_and_fraction(standin):
    srv = standin("empty")
    fault = srv.faults.add(method="GET", path_regex=r"^/api/v1/nodes$", status=503, times=2)
    assert [raw(srv, "GET", "/api/v1/nodes")[0] for _i in range(3)] == [503, 503, 200]
    assert fault.hits == 2
    srv.faults.add(path_regex=r"^/api/v1/namespaces$", status=429, retry_after=3, times=1)
    code, headers, body = raw(srv, "GET", "/api/v1/namespaces")
    assert code == 429 and headers["retry-after"] == "3" and status_of(body)["reason"] == "TooManyRequests"
    srv.faults.add(path_regex=r"^/version$", delay=0.3, times=1)
    started = time.monotonic()
    assert raw(srv, "GET", "/version")[0] == 200
    assert time.monotonic() - started >= 0.3
    srv.faults.add(path_regex=r"^/apis$", drop=True, times=1)
    with pytest.raises((ConnectionError, OSError)):
        raw(srv, "GET", "/apis")
    assert raw(srv, "GET", "/apis")[0] == 200
    srv.faults.clear()
    srv.faults.add(path_regex=r"^/api$", status=500, fraction=0.5)
    codes = [raw(srv, "GET", "/api")[0] for _i in range(40)]
    assert 5 < codes.count(500) < 35 and 5 < codes.count(200) < 35
    srv.faults.clear()
    assert raw(srv, "GET", "/api")[0] == 200
    with pytest.raises(ValueError, match="status must be an HTTP status code"):
        srv.faults.add(status=42)


def test_request_log_and_counters(standin):
    srv = standin("empty")
    srv.reset_requests()
    raw(srv, "GET", "/api/v1/nodes?limit=1")
    raw(srv, "GET", "/api/v1/nodes", token="")
    log = srv.requests
    assert log[0]["method"] == "GET" and log[0]["path"] == "/api/v1/nodes" and log[0]["query"] == {"limit": "1"}
    assert log[0]["status"] == 200 and log[0]["user"] == "standin-admin" and log[0]["accept"] == "application/json"
    assert log[1]["status"] == 401 and log[1]["user"] is None
    counts = srv.counters()
    assert counts["by_verb"] == {"GET": 2} and counts["by_path"] == {"/api/v1/nodes": 2}
    assert counts["by_status"] == {"200": 1, "401": 1}


def test_overrides_add_replace_remove_patch():
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "rke2-gpu-agent-1"}}
    srv = StandIn(
        "rke2-gpu",
        overrides={
            "add": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "suse-private-ai"}}],
            "patch": [
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "name": "rke2-gpu-agent-0",
                    "patch": {"metadata": {"labels": {"nvidia.com/gpu.present": None}}},
                }
            ],
            "remove": [dict(node, name="rke2-gpu-agent-1")],
            "replace": [
                {
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": "traefik"},
                    "spec": {"controllerName": "traefik.io/gateway-controller"},
                    "status": {
                        "conditions": [
                            {
                                "type": "Accepted",
                                "status": "False",
                                "reason": "Unsupported",
                                "message": "x",
                                "lastTransitionTime": "2026-01-01T00:00:00Z",
                            }
                        ]
                    },
                }
            ],
        },
    )
    assert srv.store.get("v1", "Namespace", "suse-private-ai") is not None
    assert "nvidia.com/gpu.present" not in srv.store.get("v1", "Node", "rke2-gpu-agent-0")["metadata"]["labels"]
    assert srv.store.get("v1", "Node", "rke2-gpu-agent-1") is None
    gc = srv.store.get("gateway.networking.k8s.io/v1", "GatewayClass", "traefik")
    assert gc["status"]["conditions"][0]["status"] == "False"
    for bad, message in (
        ({"remove": [dict(node, name="ghost")]}, "remove[0]: v1 Node ghost is not in scenario rke2-gpu"),
        ({"replace": [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "ghost"}}]}, "use add"),
        ({"patch": [{"apiVersion": "v1", "kind": "Node", "name": "rke2-server-0"}]}, "JSON merge patch"),
        ({"addd": []}, "unknown key(s) addd"),
        ({"add": [{"kind": "Node", "metadata": {"name": "x"}}]}, "apiVersion is required"),
        ({"add": [{"apiVersion": "example.com/v1", "kind": "Nope", "metadata": {"name": "x"}}]}, "is not served"),
    ):
        with pytest.raises(ScenarioError, match=re.escape(message)):
            StandIn("rke2-gpu", overrides=bad)


def test_scenario_fragments_are_merged_in_order(tmp_path, monkeypatch):
    (tmp_path / "base.yaml").write_text(
        "objects:\n- {apiVersion: v1, kind: Namespace, metadata: {name: one}}\nlogs: {a/b: base}\n"
    )
    frag = tmp_path / "base.d"
    frag.mkdir()
    (frag / "10-gpu-operator.yaml").write_text(
        "objects:\n- {apiVersion: v1, kind: Namespace, metadata: {name: gpu-operator}}\nlogs: {a/b: first}\n"
    )
    (frag / "20-volcano.yaml").write_text(
        "objects:\n- {apiVersion: v1, kind: Namespace, metadata: {name: volcano-system}}\nlogs: {a/b: second}\n"
    )
    monkeypatch.setattr(scenario, "SCENARIO_DIR", str(tmp_path))
    scen = scenario.load("base")
    assert [o["metadata"]["name"] for o in scen.objects] == ["one", "gpu-operator", "volcano-system"]
    assert scen.logs == {"a/b": "second"}
    (frag / "30-bad.yaml").write_text("objcts: []\n")
    with pytest.raises(ScenarioError, match=re.escape("30-bad.yaml: unknown key")):
        scenario.load("base")


def test_generated_scale_scenario_and_its_selectors(standin):
    srv = standin("scale:nodes=40,pods=300,namespaces=3")
    code, _h, body = raw(srv, "GET", "/api/v1/nodes?labelSelector=nvidia.com%2Fgpu.present%3Dtrue")
    assert code == 200 and len(status_of(body)["items"]) == 10
    code, _h, body = raw(srv, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-00000&limit=500")
    assert len(status_of(body)["items"]) == 8
    with pytest.raises(ScenarioError, match="unknown parameter 'gpus'"):
        StandIn("scale:gpus=3")


@pytest.mark.parametrize("version", ["v1", "v1beta1"])
def test_tables_for_lists_and_watches(standin, version):
    srv = standin("empty")
    raw(srv, "POST", CMS, body=_cm("t", a="1", b="2"))
    accept = {"Accept": "application/json;as=Table;v=%s;g=meta.k8s.io,application/json" % version}
    code, headers, body = raw(srv, "GET", CMS, headers=accept)
    listed = status_of(body)
    assert code == 200 and headers["content-type"] == "application/json;as=Table;v=%s;g=meta.k8s.io" % version
    assert listed["kind"] == "Table" and listed["apiVersion"] == "meta.k8s.io/" + version
    assert [c["name"] for c in listed["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert [r["cells"][:2] for r in listed["rows"]] == [["t", 2]]
    assert listed["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    code, headers, body = raw(srv, "GET", CMS + "?watch=1&timeoutSeconds=1&includeObject=None", headers=accept)
    assert code == 200 and headers["content-type"] == "application/json;as=Table;v=%s;g=meta.k8s.io" % version
    (event,) = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
    assert event["type"] == "ADDED"
    assert event["object"]["kind"] == "Table" and event["object"]["apiVersion"] == "meta.k8s.io/" + version
    assert [r["cells"][:2] for r in event["object"]["rows"]] == [["t", 2]] and "object" not in event["object"]["rows"][
        0
    ]
