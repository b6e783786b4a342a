"""The shipped read-only ClusterRole is enough for a full validation, and nothing less is.

A token bound only to roles/conformance/files/rbac/ must give the same results as
the super-user; taking one rule away must turn the checks that need it into errors that name
the missing permission.

The cluster is a test world (docs/testworld.md): authorization is kube-apiserver's own RBAC
authorizer, and what it allowed or denied is read from the API server's audit log.
"""

import copy
import pathlib
import time

import pytest
import yaml

from tests.integration.playbook import run_playbook
from tests.testworld import TestWorld

ROOT = pathlib.Path(__file__).resolve().parents[2]
RBAC = ROOT / "roles" / "conformance" / "files" / "rbac"
DOCS = [
    yaml.safe_load((RBAC / name).read_text())
    for name in ("validator-clusterrole.yaml", "validator-role-gpu-operator.yaml")
]
ROLE = next(d for d in DOCS if d["kind"] == "ClusterRole")
NAMESPACED = next(d for d in DOCS if d["kind"] == "Role")
USER = "ai-validator"


def binding(role, user, kind="User"):
    """A ClusterRoleBinding, or a RoleBinding in the Role's namespace, of ``role`` to ``user`` (or a Group)."""
    meta = {"name": "%s-%s" % (role["metadata"]["name"], user)}
    if role["kind"] == "Role":
        meta["namespace"] = role["metadata"]["namespace"]
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding" if role["kind"] == "ClusterRole" else "RoleBinding",
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role["kind"], "name": role["metadata"]["name"]},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": user}],
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


# every identity of this module, each with a bearer token of its own and no group but
# system:authenticated (which kube-apiserver adds, and which RBAC gives discovery and /version only)
USERS = (USER, "validator-without-pod-proxy", "nobody")


@pytest.fixture(scope="module")
def cluster():
    """A world of this module's own: the tests bind cluster-wide roles in it."""
    with TestWorld("rke2-gpu", users={user: [] for user in USERS}) as world:
        yield world


@pytest.fixture(scope="module")
def admin_results(cluster):
    return validate(cluster.kubeconfig)


def wait_authorized(world, role, user, timeout=15.0):
    """Wait until kube-apiserver's RBAC authorizer (fed by an informer) has seen the binding: a
    SubjectAccessReview for the role's first resource rule is allowed."""
    rule = next(r for r in role["rules"] if r.get("resources"))
    attributes = {
        "verb": rule["verbs"][0],
        "group": rule["apiGroups"][0],
        "resource": rule["resources"][0],
        "name": (rule.get("resourceNames") or [""])[0],
        "namespace": role["metadata"].get("namespace", ""),
    }
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {"user": user, "groups": ["system:authenticated"], "resourceAttributes": attributes},
    }
    deadline = time.monotonic() + timeout
    while True:
        answer = world.api.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", body=review)
        if answer["status"].get("allowed"):
            return
        assert time.monotonic() < deadline, "RBAC never allowed %s: %s" % (user, answer["status"])
        time.sleep(0.1)


def kubeconfig_for(world, tmp_path, roles, user):
    """A kubeconfig with the bearer token of ``user`` (declared in the world's users), bound only to ``roles``."""
    for role in roles:
        world.api.apply(role)
        world.api.apply(binding(role, user))
    for role in roles:
        wait_authorized(world, role, user)
    return world.write_kubeconfig(str(tmp_path / "kubeconfig"), user=user)


def requests_of(world, user):
    return [r for r in world.requests if r["user"] == user]


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
    mine = requests_of(cluster, USER)
    assert mine
    assert {r["method"] for r in mine} == {"GET"}
    # kube-apiserver's RBAC denied none of them (the audit log has each request's answer)
    assert [r for r in mine if r["status"] == 403] == []


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
    denied = [r for r in requests_of(cluster, "validator-without-pod-proxy") if r["status"] == 403]
    assert denied and all(r["path"].endswith("/proxy/metrics") for r in denied), denied
    unaffected = {k for k, r in admin_results.items() if k != "accelerator_metrics"}
    assert {k: results[k]["status"] for k in unaffected} == {k: admin_results[k]["status"] for k in unaffected}


def test_with_no_binding_at_all_every_read_is_forbidden_but_the_run_completes(cluster, tmp_path):
    path = cluster.write_kubeconfig(str(tmp_path / "kubeconfig"), user="nobody")
    results = validate(path)
    errors = [r for r in results.values() if r["status"] == "error"]
    assert errors
    assert all(r["details"]["error"]["status"] == 403 for r in errors)
    assert all("forbidden" in r["summary"] for r in errors)
    # RBAC let the user read discovery and /version (system:discovery, system:public-info-viewer
    # bind them to every authenticated user) and denied every resource read
    mine = requests_of(cluster, "nobody")
    assert {r["status"] for r in mine if r["resource"]} == {403}, mine
    assert {r["status"] for r in mine if r["path"] == "/version"} == {200}


def test_a_client_certificate_in_a_bound_group_gets_the_admin_results(cluster, admin_results, tmp_path):
    """Any identity, not only the declared token users: a client certificate whose group is bound."""
    group = "ai-conformance-validators"
    for role in DOCS:
        cluster.api.apply(binding(role, group, kind="Group"))
    path = cluster.write_kubeconfig(str(tmp_path / "kubeconfig"), user="cert-validator", groups=[group])
    results = validate(path)
    assert {k: v["status"] for k, v in results.items()} == {k: v["status"] for k, v in admin_results.items()}
    mine = requests_of(cluster, "cert-validator")
    assert mine and all(group in r["groups"] for r in mine)
    assert [r for r in mine if r["status"] == 403] == []


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


def test_the_namespaced_role_covers_the_device_plugin_sharing_config(world, tmp_path):
    srv = world("rke2-gpu", overrides=SHARING, users={"validator-full": [], "validator-cluster-only": []})
    admin = validate(srv.kubeconfig)["gpu_sharing"]
    assert admin["status"] != "error"
    full = validate(kubeconfig_for(srv, tmp_path, DOCS, "validator-full"))["gpu_sharing"]
    assert full["status"] == admin["status"]
    cluster_only = validate(kubeconfig_for(srv, tmp_path, [ROLE], "validator-cluster-only"))["gpu_sharing"]
    assert cluster_only["status"] == "error"
    assert 'cannot get resource "configmaps"' in cluster_only["summary"]
    denied = [r for r in requests_of(srv, "validator-cluster-only") if r["status"] == 403]
    assert [r["path"] for r in denied] == ["/api/v1/namespaces/gpu-operator/configmaps/time-slicing-config"]
