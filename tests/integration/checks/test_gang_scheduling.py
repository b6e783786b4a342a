"""gang_scheduling through ansible-playbook: Volcano's scheduler not ready; Volcano's CRDs missing."""

from tests.integration.checks.scheduling_helpers import check
from tests.integration.playbook import evidence


def test_volcano_scheduler_not_ready_fails(standin):
    patch = {
        "status": {
            "readyReplicas": 0,
            "availableReplicas": 0,
            "unavailableReplicas": 1,
            "conditions": [
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
            ],
        }
    }
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "volcano-system", "name": "volcano-scheduler"}
    srv = standin("rke2-gpu", overrides={"patch": [dict(ref, patch=patch)]})
    results, _run = check(srv, requirements=["gang_scheduling"])
    result = results["check"]["gang_scheduling"]
    assert result["status"] == "failed"
    assert result["cncf_status"] == "Not Implemented"
    assert (
        "Volcano is installed but not healthy: Deployment volcano-system/volcano-scheduler is not ready (0/1 ready)"
        in (result["summary"])
    )
    deployments = evidence(result, "Volcano Deployments ready")
    assert "volcano-scheduler: 0/1 ready" in deployments["output"]
    assert "volcano-admission: 1/1 ready" in deployments["output"]


def test_without_any_gang_scheduler_it_fails_and_says_what_to_install(standin):
    crds = ["podgroups.scheduling.volcano.sh", "queues.scheduling.volcano.sh", "jobs.batch.volcano.sh"]
    remove = [{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "name": n} for n in crds]
    remove.append({"apiVersion": "scheduling.volcano.sh/v1beta1", "kind": "Queue", "name": "default"})
    srv = standin("rke2-gpu", overrides={"remove": remove})
    results, _run = check(srv, requirements=["gang_scheduling"])
    result = results["check"]["gang_scheduling"]
    assert result["status"] == "failed"
    assert result["summary"].startswith("no gang scheduler found")
    assert "helm install volcano volcano-sh/volcano -n volcano-system" in result["summary"]
