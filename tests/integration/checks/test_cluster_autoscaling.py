"""cluster_autoscaling through ansible-playbook on the test world: no autoscaler and no declaration
fails naming both options; the declaration gives N/A with its justification; an autoscaler that
writes no status ConfigMap fails."""

from tests.integration.checks.scheduling_helpers import check, find, uninstalled

JUSTIFICATION = "RKE2 is a Kubernetes distribution and provides no cluster autoscaler; nodes are managed by hand"
STATUS_CONFIGMAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "namespace": "kube-system",
    "name": "cluster-autoscaler-status",
}


def test_no_autoscaler_fails_without_and_is_not_applicable_with_a_declaration(world):
    w = world("rke2-gpu", overrides=uninstalled("cluster-autoscaler"))
    results, _run = check(
        w,
        requirements=["cluster_autoscaling"],
        tasks={
            "undeclared": {},
            "declared": {"cluster_autoscaling": {"not_provided": JUSTIFICATION}},
        },
    )
    undeclared = results["undeclared"]["cluster_autoscaling"]
    assert undeclared["status"] == "failed"
    assert "no cluster autoscaler found" in undeclared["summary"]
    assert "Either install one" in undeclared["summary"]
    assert "declare it with cluster_autoscaling.not_provided" in undeclared["summary"]

    declared = results["declared"]["cluster_autoscaling"]
    assert declared["status"] == "not_applicable"
    assert declared["cncf_status"] == "N/A"
    assert JUSTIFICATION in declared["summary"]


def test_autoscaler_without_status_configmap_fails(world):
    # an autoscaler started with --write-status-configmap=false never writes its status ConfigMap
    deployment = find("cluster-autoscaler", "Deployment", "cluster-autoscaler-azure-cluster-autoscaler")
    deployment["spec"]["template"]["spec"]["containers"][0]["command"].append("--write-status-configmap=false")
    w = world("rke2-gpu", overrides={"replace": [deployment], "remove": [STATUS_CONFIGMAP]})
    results, _run = check(w, requirements=["cluster_autoscaling"])
    result = results["check"]["cluster_autoscaling"]
    assert result["status"] == "failed"
    assert "the status ConfigMap kube-system/cluster-autoscaler-status does not exist" in result["summary"]
    assert "the autoscaler Deployment is not ready" not in result["summary"]
