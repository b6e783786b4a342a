"""robust_controller through ansible-playbook on the test world: the webhook Service selects no pod;
the operator's pod crash-loops."""

import pytest

from tests.integration.checks.scheduling_helpers import check, crash_looping, pods, waiting_reasons
from tests.integration.playbook import evidence
from tests.testworld.api import ApiError

SERVICE = {"apiVersion": "v1", "kind": "Service", "namespace": "kubeflow", "name": "training-operator"}
PYTORCHJOB = {
    "apiVersion": "kubeflow.org/v1",
    "kind": "PyTorchJob",
    "metadata": {"name": "mnist", "namespace": "default"},
    "spec": {"pytorchReplicaSpecs": {}},
}


def assert_webhook_refuses_jobs(w):
    """What the check's verdict means on the cluster: with failurePolicy Fail and no ready endpoint
    behind the webhook, the API server refuses every PyTorchJob."""
    with pytest.raises(ApiError) as refused:
        w.api.apply(PYTORCHJOB)
    assert "validator.pytorchjob.training-operator.kubeflow.org" in str(refused.value)


def test_webhook_service_without_endpoints_fails(world):
    # the Service's selector names a label value the operator's pods do not carry: the EndpointSlice
    # controller then lists no endpoint for it, while the operator's pod is ready
    wrong_selector = {"spec": {"selector": {"control-plane": "training-operator"}}}
    w = world("rke2-gpu", overrides={"patch": [dict(SERVICE, patch=wrong_selector)]})
    assert_webhook_refuses_jobs(w)

    results, _run = check(w, requirements=["robust_controller"])
    result = results["check"]["robust_controller"]
    assert result["status"] == "failed"
    assert (
        "webhook validator.tfjob.training-operator.kubeflow.org (validator.training-operator.kubeflow.org) calls "
        "Service kubeflow/training-operator, which has no ready endpoints" in result["summary"]
    )
    assert "no controller pod is ready" not in result["summary"]
    slices = evidence(result, "EndpointSlices of the webhook Service")
    assert slices["output"] == ["training-operator: 0 ready endpoint(s)"]
    assert "labelSelector=kubernetes.io/service-name=training-operator" in slices["request"]


def test_operator_pod_crash_looping_fails_on_pod_and_endpoints(world):
    w = world(
        "rke2-gpu", overrides={"patch": [crash_looping("apps/v1", "Deployment", "kubeflow", "training-operator")]}
    )
    (operator,) = pods(w, "kubeflow", "control-plane=kubeflow-training-operator")
    assert waiting_reasons(operator) == ["CrashLoopBackOff"]
    assert_webhook_refuses_jobs(w)

    results, _run = check(w, requirements=["robust_controller"])
    result = results["check"]["robust_controller"]
    assert result["status"] == "failed"
    name = operator["metadata"]["name"]
    assert "no controller pod is ready: %s (Running, Ready=False; ContainersNotReady" % name in result["summary"]
    # the EndpointSlice lists the pod, not ready: the webhook has no ready endpoint either
    assert "which has no ready endpoints" in result["summary"]
    assert evidence(result, "EndpointSlices of the webhook Service")["output"] == [
        "training-operator: 0 ready endpoint(s)"
    ]
