"""The shipped read-only ClusterRole is enough for a full validation, and nothing less is.

A token bound only to roles/conformance/files/rbac/validator.yaml must give the same results as
the super-user; taking one rule away must turn the checks that need it into errors that name
the missing permission.
"""

import copy
import pathlib

import pytest
import yaml

from tests.integration.playbook import run_playbook

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLE = yaml.safe_load((ROOT / "roles" / "conformance" / "files" / "rbac" / "validator.yaml").read_text())
USER = "ai-validator"


def binding(role_name, user):
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": role_name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role_name},
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


def kubeconfig_for(srv, tmp_path, role, user):
    """A kubeconfig for ``user`` (one per test: the server is shared) bound only to ``role``."""
    srv.apply_objects([role, binding(role["metadata"]["name"], user)])
    return srv.write_kubeconfig(str(tmp_path / "kubeconfig"), token=srv.token(user))


def test_the_role_is_read_only():
    verbs = {verb for rule in ROLE["rules"] for verb in rule["verbs"]}
    assert verbs == {"get", "list"}
    assert not any("secrets" in rule.get("resources", []) for rule in ROLE["rules"])
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
    results = validate(kubeconfig_for(cluster, tmp_path, ROLE, USER))
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
    results = validate(kubeconfig_for(cluster, tmp_path, role, "validator-without-pod-proxy"))
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
