"""The shipped read-only ClusterRole is enough for a full validation, and nothing less is.

A token bound only to roles/conformance/files/rbac/ must give the same results as
the super-user; taking one rule away must turn the checks that need it into errors that name
the missing permission.
"""

import copy
import pathlib

import pytest
import yaml

from tests.integration.playbook import run_playbook

ROOT = pathlib.Path(__file__).resolve().parents[2]
RBAC = ROOT / "roles" / "conformance" / "files" / "rbac"
DOCS = [
    yaml.safe_load((RBAC / name).read_text())
    for name in ("validator-clusterrole.yaml", "validator-role-gpu-operator.yaml")
]
ROLE = next(d for d in DOCS if d["kind"] == "ClusterRole")
NAMESPACED = next(d for d in DOCS if d["kind"] == "Role")
USER = "ai-validator"


def binding(role, user):
    """A ClusterRoleBinding, or a RoleBinding in the Role's namespace, of ``role`` to ``user``."""
    meta = {"name": "%s-%s" % (role["metadata"]["name"], user)}
    if role["kind"] == "Role":
        meta["namespace"] = role["metadata"]["namespace"]
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding" if role["kind"] == "ClusterRole" else "RoleBinding",
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role["kind"], "name": role["metadata"]["name"]},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
    }


def validate(kubeconfig):
    run = run_playbook(
        [
            {
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [
                    {
                        "name": "check",
                        "ai_conformance.rke2.conformance_check": {"kubeconfig": kubeconfig},
                    }
                ],
            }
        ]
    )
    assert "Traceback" not in run.stdout + run.stderr
    result = run.task("check")
    assert run.returncode == 0, result.get("msg")
    return {r["id"]: r for r in result["results"]}


@pytest.fixture(scope="module")
def cluster(shared_standin):
    return shared_standin("rke2-gpu")


@pytest.fixture(scope="module")
def admin_results(cluster):
    return validate(cluster.kubeconfig)


def kubeconfig_for(srv, tmp_path, roles, user):
    """A kubeconfig for ``user`` (one per test: the server is shared) bound only to ``roles``."""
    for role in roles:
        srv.apply_objects([role, binding(role, user)])
    return srv.write_kubeconfig(str(tmp_path / "kubeconfig"), token=srv.token(user))


def test_the_role_is_read_only():
    assert [d["kind"] for d in DOCS] == ["ClusterRole", "Role"]
    rules = [rule for doc in DOCS for rule in doc["rules"]]
    assert {verb for rule in rules for verb in rule["verbs"]} == {"get", "list"}
    assert not any("secrets" in rule.get("resources", []) for rule in rules)
    assert NAMESPACED["metadata"]["namespace"] == "gpu-operator"
    configmaps = [r for r in ROLE["rules"] if "configmaps" in r.get("resources", [])]
    assert configmaps == [
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": ["cluster-autoscaler-status"],
            "verbs": ["get"],
        }
    ]


def test_a_token_bound_only_to_the_role_gets_the_admin_results(cluster, admin_results, tmp_path):
    results = validate(kubeconfig_for(cluster, tmp_path, DOCS, USER))
    assert {k: v["status"] for k, v in results.items()} == {k: v["status"] for k, v in admin_results.items()}
    assert not [r for r in results.values() if (r["details"].get("error") or {}).get("status") == 403]
    mine = [r for r in cluster.requests if r.get("user") == USER]
    assert mine
    assert {r["method"] for r in mine} == {"GET"}


def test_without_the_proxy_rule_the_metrics_checks_name_the_missing_permission(cluster, admin_results, tmp_path):
    role = copy.deepcopy(ROLE)
    role["metadata"]["name"] = "ai-conformance-validator-no-proxy"
    for rule in role["rules"]:
        if "pods/proxy" in rule.get("resources", []):
            rule["resources"].remove("pods/proxy")
    results = validate(kubeconfig_for(cluster, tmp_path, [role, NAMESPACED], "validator-without-pod-proxy"))
    metrics = results["accelerator_metrics"]
    assert metrics["status"] == "error"
    assert metrics["details"]["error"]["status"] == 403
    assert "pods/proxy" in metrics["summary"]
    unaffected = {k for k, r in admin_results.items() if k != "accelerator_metrics"}
    assert {k: results[k]["status"] for k in unaffected} == {k: admin_results[k]["status"] for k in unaffected}


def test_with_no_binding_at_all_every_read_is_forbidden_but_the_run_completes(cluster, tmp_path):
    path = cluster.write_kubeconfig(str(tmp_path / "kubeconfig"), token=cluster.token("nobody"))
    results = validate(path)
    errors = [r for r in results.values() if r["status"] == "error"]
    assert errors
    assert all(r["details"]["error"]["status"] == 403 for r in errors)
    assert all("forbidden" in r["summary"] for r in errors)


SHARING = {
    "patch": [
        {
            "apiVersion": "nvidia.com/v1",
            "kind": "ClusterPolicy",
            "name": "cluster-policy",
            "patch": {"spec": {"devicePlugin": {"config": {"name": "time-slicing-config", "default": "any"}}}},
        }
    ],
    "add": [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "time-slicing-config", "namespace": "gpu-operator"},
            "data": {
                "any": "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
                "      - name: nvidia.com/gpu\n        replicas: 4\n"
            },
        }
    ],
}


def test_the_namespaced_role_covers_the_device_plugin_sharing_config(standin, tmp_path):
    srv = standin("rke2-gpu", overrides=SHARING)
    admin = validate(srv.kubeconfig)["gpu_sharing"]
    assert admin["status"] != "error"
    full = validate(kubeconfig_for(srv, tmp_path, DOCS, "validator-full"))["gpu_sharing"]
    assert full["status"] == admin["status"]
    cluster_only = validate(kubeconfig_for(srv, tmp_path, [ROLE], "validator-cluster-only"))["gpu_sharing"]
    assert cluster_only["status"] == "error"
    assert 'cannot get resource "configmaps"' in cluster_only["summary"]
