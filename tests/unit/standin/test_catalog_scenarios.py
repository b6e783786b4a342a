"""Catalogs (1.34 with DRA GA, 1.33 without), scenario files, CRD schema handling, tables."""

import re

import pytest

from tests.standin import catalog, scenario, tables, validation
from tests.standin.scenario import ScenarioError


def _served(name):
    reg = catalog.Registry(name)
    return {(g, v) for g, versions in reg.groups for v, _t in versions}, reg


def test_catalog_134_serves_dra_v1_with_its_scopes_and_status():
    gvs, reg = _served("1.34")
    assert ("resource.k8s.io", "v1") in gvs
    assert not [gv for gv in gvs if "alpha" in gv[1] or "beta" in gv[1]], "only GA group-versions by default"
    scopes = {
        r: reg.lookup("resource.k8s.io", "v1", r).namespaced
        for r in ("deviceclasses", "resourceclaims", "resourceclaimtemplates", "resourceslices")
    }
    assert scopes == {
        "deviceclasses": False,
        "resourceclaims": True,
        "resourceclaimtemplates": True,
        "resourceslices": False,
    }
    assert reg.lookup("resource.k8s.io", "v1", "resourceclaims").has_status
    assert reg.lookup("storage.k8s.io", "v1", "volumeattributesclasses") is not None
    expected = {
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "rbac.authorization.k8s.io",
        "networking.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "node.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "certificates.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "resource.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
    }
    assert {g for g, _v in gvs} == expected
    assert reg.versions("autoscaling") == ["v2", "v1"]


def test_catalog_133_has_no_resource_group():
    gvs, reg = _served("1.33")
    assert not [gv for gv in gvs if gv[0] == "resource.k8s.io"]
    assert reg.lookup("storage.k8s.io", "v1", "volumeattributesclasses") is None
    with pytest.raises(ValueError, match=re.escape("catalog: expected one of 1.34, 1.33")):
        catalog.Registry("1.31")


def test_legacy_and_aggregated_documents_agree():
    reg = catalog.Registry("1.34")
    agg = reg.aggregated_list(core=False)
    for item in agg["items"]:
        for ver in item["versions"]:
            legacy = reg.resource_list(item["metadata"]["name"], ver["version"])
            names = {r["name"] for r in legacy["resources"] if "/" not in r["name"]}
            assert names == {r["resource"] for r in ver["resources"]}


def test_version_priority_orders_like_kube():
    assert sorted(["v1beta1", "v1alpha1", "v2", "v1", "foo", "v10beta3"], key=catalog.version_priority) == [
        "v2",
        "v1",
        "v10beta3",
        "v1beta1",
        "v1alpha1",
        "foo",
    ]


def test_shipped_scenarios_load_and_describe_the_seed_cluster():
    gpu = scenario.load("rke2-gpu")
    kinds = {(o["kind"], o["metadata"]["name"]) for o in gpu.objects}
    assert ("GatewayClass", "traefik") in kinds
    assert {("Node", "rke2-server-0"), ("Node", "rke2-gpu-agent-0"), ("Node", "rke2-gpu-agent-1")} <= kinds
    crds = {n for k, n in kinds if k == "CustomResourceDefinition"}
    assert crds >= {
        "gatewayclasses.gateway.networking.k8s.io",
        "gateways.gateway.networking.k8s.io",
        "grpcroutes.gateway.networking.k8s.io",
        "helmchartconfigs.helm.cattle.io",
        "helmcharts.helm.cattle.io",
        "httproutes.gateway.networking.k8s.io",
        "referencegrants.gateway.networking.k8s.io",
    }, "fragments in rke2-gpu.d/ may add more"
    agent = next(o for o in gpu.objects if o["metadata"]["name"] == "rke2-gpu-agent-1")
    assert agent["metadata"]["labels"]["kubernetes.io/hostname"] == "rke2-gpu-agent-1"
    assert agent["status"]["allocatable"]["nvidia.com/gpu"] == "1"
    assert agent["spec"]["providerID"].startswith("azure:///subscriptions/")
    assert agent["spec"]["providerID"].endswith("/virtualMachines/1")
    assert gpu.behaviours[0]["controllerName"] == "traefik.io/gateway-controller"
    empty = scenario.load("empty")
    assert {o["kind"] for o in empty.objects} == {"Namespace", "Service", "Node", "CustomResourceDefinition"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../etc/passwd", "is not a scenario name"),
        ("scale:nodes=x", "nodes must be an integer"),
        ("scale:nodes=0", "nodes is too small"),
        ("scaled", "expected scale or scale:nodes=N,pods=M"),
    ],
)
def test_bad_scenario_names_say_what_is_wrong(name, message):
    with pytest.raises(ScenarioError, match=message):
        scenario.load(name)


def test_schema_defaults_pruning_and_type_errors():
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 5},
                    "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                    "port": {"x-kubernetes-int-or-string": True},
                    "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            }
        },
    }
    obj = {
        "apiVersion": "x/v1",
        "kind": "X",
        "metadata": {},
        "spec": {"name": "n", "extra": 1, "free": {"any": 1}, "port": "http"},
    }
    validation.apply_defaults(obj, schema)
    assert obj["spec"]["mode"] == "a"
    assert validation.prune(obj, schema) == ["spec.extra"]
    assert obj["spec"] == {"name": "n", "mode": "a", "free": {"any": 1}, "port": "http"}
    causes = validation.type_errors({"spec": {"name": "toolong", "mode": "c", "port": 1.5}}, schema)
    assert sorted(c[0] for c in causes) == ["spec.mode", "spec.name", "spec.port"]
    assert validation.type_errors({"spec": {}}, schema) == [("spec.name", "Required value", "FieldValueRequired")]


def test_human_duration_and_jsonpath_columns():
    assert tables.human_duration(None) == "<unknown>"
    obj = {"status": {"conditions": [{"type": "Accepted", "status": "True"}, {"type": "Other", "status": "False"}]}}
    assert tables.jsonpath_values(obj, '.status.conditions[?(@.type=="Accepted")].status') == ["True"]
    assert tables.jsonpath_values(obj, ".status.conditions[*].type") == ["Accepted", "Other"]
    assert tables.jsonpath_values(obj, ".status.conditions[1].status") == ["False"]
