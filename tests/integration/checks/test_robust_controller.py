"""robust_controller through ansible-playbook: the webhook Service has no endpoints; the operator's pod
is not ready."""

from tests.integration.checks.scheduling_helpers import check
from tests.integration.playbook import evidence

SLICE = {
    "apiVersion": "discovery.k8s.io/v1",
    "kind": "EndpointSlice",
    "namespace": "kubeflow",
    "name": "training-operator-7xq2m",
}


def test_webhook_service_without_endpoints_fails(standin):
    srv = standin("rke2-gpu", overrides={"remove": [SLICE]})
    results, _run = check(srv, requirements=["robust_controller"])
    result = results["check"]["robust_controller"]
    assert result["status"] == "failed"
    assert (
        "webhook validator.tfjob.training-operator.kubeflow.org (validator.training-operator.kubeflow.org) calls "
        "Service kubeflow/training-operator, which has no ready endpoints" in result["summary"]
    )
    slices = evidence(result, "EndpointSlices of the webhook Service")
    assert slices["output"] == ["training-operator: 0 ready endpoint(s)"]
    assert "labelSelector=kubernetes.io/service-name=training-operator" in slices["request"]


def test_endpoints_not_ready_and_pod_not_ready_fail(standin):
    not_ready = {"endpoints": [{"addresses": ["10.42.0.31"], "conditions": {"ready": False, "serving": False}}]}
    pod = {"apiVersion": "v1", "kind": "Pod", "namespace": "kubeflow", "name": "training-operator-f7d4b59f6-vdnh9"}
    pod_patch = {"status": {"conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}]}}
    srv = standin("rke2-gpu", overrides={"patch": [dict(SLICE, patch=not_ready), dict(pod, patch=pod_patch)]})
    results, _run = check(srv, requirements=["robust_controller"])
    result = results["check"]["robust_controller"]
    assert result["status"] == "failed"
    assert "no controller pod is ready: training-operator-f7d4b59f6-vdnh9" in result["summary"]
    assert "which has no ready endpoints" in result["summary"]
