"""Patch semantics: merge patch, JSON patch, strategic merge with merge keys, server-side apply."""

import pytest

from tests.standin import errors, patch

NOW = "2026-01-01T00:00:00Z"
POD_KEYS = patch.ListKeys("Pod")


def test_merge_patch_rfc7386():
    assert patch.merge_patch({"a": {"b": 1, "c": 2}, "l": [1]}, {"a": {"b": None, "d": 3}, "l": [2]}) == {
        "a": {"c": 2, "d": 3},
        "l": [2],
    }
    assert patch.merge_patch({"a": 1}, {"a": {"x": None}}) == {"a": {}}


def test_json_patch_operations_and_failures():
    doc = {"a": [1, 2], "b": {"c": 1}}
    out = patch.json_patch(
        doc,
        [
            {"op": "add", "path": "/a/-", "value": 3},
            {"op": "remove", "path": "/b/c"},
            {"op": "copy", "from": "/a", "path": "/d"},
            {"op": "move", "from": "/d", "path": "/e"},
            {"op": "replace", "path": "/a/0", "value": 0},
            {"op": "test", "path": "/e/2", "value": 3},
            {"op": "add", "path": "/f~1g", "value": True},
        ],
    )
    assert out == {"a": [0, 2, 3], "b": {}, "e": [1, 2, 3], "f/g": True}
    assert doc == {"a": [1, 2], "b": {"c": 1}}, "the input is not changed"
    for ops, code in (
        ([{"op": "test", "path": "/a/0", "value": 9}], 422),
        ([{"op": "remove", "path": "/zz"}], 422),
        ([{"path": "/a"}], 400),
        ({"op": "add"}, 400),
        ([{"op": "add", "path": "a", "value": 1}], 422),
    ):
        with pytest.raises(errors.ApiError) as err:
            patch.json_patch(doc, ops)
        assert err.value.code == code


def test_strategic_merge_containers_env_ports_volumes_conditions():
    live = {
        "spec": {
            "containers": [
                {
                    "name": "a",
                    "image": "a:1",
                    "env": [{"name": "X", "value": "1"}],
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "volumeMounts": [{"mountPath": "/d", "name": "v"}],
                },
                {"name": "b", "image": "b:1"},
            ],
            "volumes": [{"name": "v", "emptyDir": {}}],
            "tolerations": [{"key": "t"}],
        },
        "metadata": {"finalizers": ["f1"]},
        "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "Scheduled", "status": "True"}]},
    }
    p = {
        "spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [
                {
                    "name": "a",
                    "env": [{"name": "Y", "value": "2"}],
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "volumeMounts": [{"mountPath": "/d", "$patch": "delete"}],
                }
            ],
            "volumes": [{"name": "w", "secret": {"secretName": "s"}}],
            "tolerations": [{"key": "u"}],
        },
        "metadata": {"finalizers": ["f2"]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }
    out = patch.strategic_merge(live, p, POD_KEYS)
    a = out["spec"]["containers"][0]
    assert [c["name"] for c in out["spec"]["containers"]] == ["a", "b"]
    assert a["env"] == [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}]
    assert a["ports"] == [{"containerPort": 80, "name": "http", "protocol": "TCP"}]
    assert a["volumeMounts"] == []
    assert [v["name"] for v in out["spec"]["volumes"]] == ["v", "w"]
    assert out["spec"]["tolerations"] == [{"key": "u"}], "lists without a merge key are replaced"
    assert out["metadata"]["finalizers"] == ["f1", "f2"]
    assert out["status"]["conditions"] == [{"type": "Ready", "status": "True"}, {"type": "Scheduled", "status": "True"}]
    assert patch.strategic_merge(live, {"spec": {"$patch": "replace", "x": 1}}, POD_KEYS)["spec"] == {"x": 1}
    assert (
        patch.strategic_merge(live, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["f1"]}}, POD_KEYS)[
            "metadata"
        ]["finalizers"]
        == []
    )
    svc = patch.strategic_merge(
        {"spec": {"ports": [{"port": 80, "name": "a"}]}},
        {"spec": {"ports": [{"port": 443, "name": "b"}]}},
        patch.ListKeys("Service"),
    )
    assert [p["port"] for p in svc["spec"]["ports"]] == [80, 443]


def test_crd_list_map_keys_come_from_the_schema():
    schema = {
        "type": "object",
        "properties": {
            "status": {
                "type": "object",
                "properties": {
                    "conditions": {
                        "type": "array",
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["type"],
                        "items": {"type": "object"},
                    }
                },
            }
        },
    }
    keys = patch.ListKeys("GatewayClass", schema)
    assert keys.keys(("status", "conditions")) == ["type"]
    assert keys.keys(("spec", "containers")) is None, "built-in names do not leak into CRDs"


def _cm(**data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}


def test_server_side_apply_ownership_removal_and_conflicts():
    keys = patch.ListKeys("ConfigMap")
    live = patch.server_side_apply(None, _cm(a="1", b="2"), "first", "v1", keys, False, NOW)
    assert live["data"] == {"a": "1", "b": "2"}
    (entry,) = live["metadata"]["managedFields"]
    assert entry["manager"] == "first" and entry["operation"] == "Apply"
    assert entry["fieldsV1"] == {"f:data": {"f:a": {}, "f:b": {}}}
    live = patch.server_side_apply(live, _cm(a="1"), "first", "v1", keys, False, NOW)
    assert live["data"] == {"a": "1"}, "a field the manager stopped applying is removed"
    live = patch.server_side_apply(live, _cm(c="3"), "second", "v1", keys, False, NOW)
    assert live["data"] == {"a": "1", "c": "3"}
    with pytest.raises(errors.ApiError) as err:
        patch.server_side_apply(live, _cm(a="9"), "second", "v1", keys, False, NOW)
    assert err.value.code == 409
    assert err.value.message == 'Apply failed with 1 conflict: conflict with "first" using v1: .data.a'
    forced = patch.server_side_apply(live, _cm(a="9", c="3"), "second", "v1", keys, True, NOW)
    assert forced["data"] == {"a": "9", "c": "3"}
    owners = {e["manager"]: e["fieldsV1"] for e in forced["metadata"]["managedFields"]}
    assert "first" not in owners and owners["second"] == {"f:data": {"f:a": {}, "f:c": {}}}
    dropped = patch.server_side_apply(forced, _cm(a="9"), "second", "v1", keys, False, NOW)
    assert dropped["data"] == {"a": "9"}, "c was only the second manager's: gone with its intent"
    same = patch.server_side_apply(live, _cm(a="1"), "second", "v1", keys, False, NOW)
    assert same["data"]["a"] == "1", "applying the same value is no conflict"


def test_record_update_moves_ownership_to_the_updater():
    keys = patch.ListKeys("ConfigMap")
    live = patch.server_side_apply(None, _cm(a="1"), "ssa", "v1", keys, False, NOW)
    new = dict(live, data={"a": "2"})
    patch.record_update(live, new, "kubectl-edit", "v1", keys, NOW)
    owners = {e["manager"]: e for e in new["metadata"]["managedFields"]}
    assert owners["kubectl-edit"]["operation"] == "Update"
    assert owners["kubectl-edit"]["fieldsV1"] == {"f:data": {"f:a": {}}}
    assert "ssa" not in owners


def test_list_items_in_field_sets_use_their_keys():
    paths = patch.field_paths({"spec": {"containers": [{"name": "a", "image": "i"}]}}, POD_KEYS)
    assert ("f:spec", "f:containers", 'k:{"name":"a"}', "f:image") in paths
    tree = patch.to_fields_v1(paths)
    assert tree == {"f:spec": {"f:containers": {'k:{"name":"a"}': {".": {}, "f:image": {}, "f:name": {}}}}}
    assert patch.from_fields_v1(tree) == paths
