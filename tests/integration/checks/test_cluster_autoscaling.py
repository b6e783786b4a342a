"""cluster_autoscaling through ansible-playbook: no autoscaler and no declaration fails naming both
options; the declaration gives N/A with its justification; the status ConfigMap missing fails."""

from tests.integration.checks.scheduling_helpers import check

AUTOSCALER = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "kube-system",
        "name": "cluster-autoscaler-azure-cluster-autoscaler",
    },
    {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "kube-system", "name": "cluster-autoscaler-status"},
]
JUSTIFICATION = "RKE2 is a Kubernetes distribution and provides no cluster autoscaler; nodes are managed by hand"


def test_no_autoscaler_fails_without_and_is_not_applicable_with_a_declaration(standin):
    srv = standin("rke2-gpu", overrides={"remove": AUTOSCALER})
    results, _run = check(
        srv,
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


def test_missing_status_configmap_fails(standin):
    srv = standin("rke2-gpu", overrides={"remove": AUTOSCALER[1:]})
    results, _run = check(srv, requirements=["cluster_autoscaling"])
    result = results["check"]["cluster_autoscaling"]
    assert result["status"] == "failed"
    assert "the status ConfigMap kube-system/cluster-autoscaler-status does not exist" in result["summary"]
