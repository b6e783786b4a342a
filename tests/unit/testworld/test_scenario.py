"""Scenario loading: every mistake is named with its file and field, before any process starts."""

import pytest

from tests.testworld import scenario as scenario_mod
from tests.testworld.scenario import ScenarioError, load, merge_patch

NODE = {"apiVersion": "v1", "kind": "Node", "name": "rke2-server-0"}
ENDPOINT = {"name": "e", "simulates": "s", "namespace": "n", "selector": {"a": "b"}, "port": 80, "paths": {"/": "x"}}


def _endpoints(**changes):
    return {"endpoints": [dict(ENDPOINT, **changes)]}


def test_rke2_gpu_extends_empty_and_keeps_one_copy_of_each_object():
    scen = load("rke2-gpu")
    nodes = [o["metadata"]["name"] for o in scen.objects if o["kind"] == "Node"]
    assert nodes == ["rke2-server-0", "rke2-gpu-agent-0", "rke2-gpu-agent-1"]
    assert scen.kubernetes == "1.34"
    assert any(
        o["kind"] == "CustomResourceDefinition" and o["metadata"]["name"] == "helmcharts.helm.cattle.io"
        for o in scen.objects
    )


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("behaviours", "controllers are real now"),
        ("catalog", "choose the release with `kubernetes`"),
        ("proxy", "come from `endpoints`"),
        ("aggregated", "an APIService, its Service and pods"),
        ("logs", "container output is not simulated"),
        ("version", "the build stamps gitVersion"),
    ],
)
def test_keys_of_the_retired_stand_in_say_what_replaced_them(key, says):
    with pytest.raises(ScenarioError) as err:
        load("empty", {key: {}})
    assert "overrides: %s: no longer a scenario key" % key in str(err.value)
    assert says in str(err.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kubernetes": "1.29"}, "overrides: kubernetes: expected one of 1.33, 1.34, 1.37, got '1.29'"),
        ({"network": {"node_cidr_mask_size": 8}}, "network.node_cidr_mask_size: expected 16..30, got 8"),
        ({"remove": [dict(NODE, name="nope")]}, "overrides: remove[0]: v1 Node nope is not in scenario empty"),
        ({"remove": [{"endpoint": "nope"}]}, "overrides: remove[0]: endpoint 'nope' is not in scenario empty"),
        ({"patch": [dict(NODE, patch="x")]}, "overrides: patch[0]: patch: expected a JSON merge patch"),
        (
            {"replace": [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "x"}}]},
            "replace[0]: v1 Node x is not in scenario empty (use add)",
        ),
        ({"add": [{"kind": "Node", "metadata": {"name": "x"}}]}, "overrides: add[0]: apiVersion is required"),
        ({"simulated": [{"what": "x"}]}, "simulated[0]: expected {what: ..., why: ...}"),
        ({"frobnicate": 1}, "unknown key(s) frobnicate"),
        ({"endpoints": [{"name": "e"}]}, "endpoints[0]: simulates is required"),
        (_endpoints(port=0), "endpoints[0]: port: expected a port number, got 0"),
        (_endpoints(selector={}), "endpoints[0]: selector: expected pod labels"),
        (_endpoints(paths={"x": "y"}), "paths: 'x' is not a path"),
    ],
)
def test_bad_overrides_are_named(overrides, message):
    with pytest.raises(ScenarioError) as err:
        load("empty", overrides)
    assert message in str(err.value)


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(ScenarioError) as err:
        load("nope")
    assert "no scenario named 'nope'; known: " in str(err.value)
    assert "empty" in str(err.value) and "rke2-gpu" in str(err.value)


def test_patch_and_remove_of_an_endpoint():
    endpoint = {
        "name": "e",
        "simulates": "s",
        "namespace": "n",
        "selector": {"a": "b"},
        "port": 80,
        "paths": {"/": "x"},
    }
    scen = load(
        "empty",
        {
            "endpoints": [endpoint],
            "patch": [dict(NODE, patch={"metadata": {"labels": {"kubernetes.io/os": None, "new": "1"}}})],
        },
    )
    labels = scen.find(("v1", "Node", "", "rke2-server-0"))["metadata"]["labels"]
    assert "kubernetes.io/os" not in labels and labels["new"] == "1"
    assert [e["name"] for e in scen.endpoints] == ["e"]
    scen = scenario_mod.apply_overrides(scen, {"remove": [{"endpoint": "e"}]}, "more")
    assert scen.endpoints == []


def test_merge_patch_is_rfc_7386():
    assert merge_patch({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"b": None, "e": 3}, "d": [2]}) == {
        "a": {"c": 2, "e": 3},
        "d": [2],
    }


def test_scale_scenarios_take_parameters():
    scen = load("scale:nodes=10,pods=20,base=empty")
    assert scen.generated == {"nodes": 10, "pods": 20, "gpu_every": 4, "namespaces": 50, "base": "empty"}
    assert scen.network == {"node_cidr_mask_size": 29, "node_lease_seconds": 600}
    with pytest.raises(ScenarioError, match="unknown parameter 'gpus'"):
        load("scale:gpus=3")
    with pytest.raises(ScenarioError, match="nodes must be an integer"):
        load("scale:nodes=x")
