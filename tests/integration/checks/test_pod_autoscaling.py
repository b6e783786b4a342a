"""pod_autoscaling through ansible-playbook: the custom metrics APIService unavailable; the HPA on the
GPU workload not ScalingActive."""

from tests.integration.checks.scheduling_helpers import check
from tests.integration.playbook import evidence

APISERVICE = {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "name": "v1beta1.custom.metrics.k8s.io"}
HPA = {
    "apiVersion": "autoscaling/v2",
    "kind": "HorizontalPodAutoscaler",
    "namespace": "suse-private-ai",
    "name": "ollama-hpa",
}


def test_apiservice_unavailable_fails_with_its_reason(standin):
    unavailable = {
        "status": {
            "conditions": [
                {
                    "type": "Available",
                    "status": "False",
                    "reason": "FailedDiscoveryCheck",
                    "message": "failing or missing response from https://10.43.120.7:443/apis/custom.metrics.k8s.io/"
                    "v1beta1: Get context deadline exceeded",
                }
            ]
        }
    }
    srv = standin("rke2-gpu", overrides={"patch": [dict(APISERVICE, patch=unavailable)]})
    results, _run = check(srv, requirements=["pod_autoscaling"])
    result = results["check"]["pod_autoscaling"]
    assert result["status"] == "failed"
    assert (
        "the APIService v1beta1.custom.metrics.k8s.io (service monitoring/prometheus-adapter) is not available: "
        "Available=False, reason FailedDiscoveryCheck" in result["summary"]
    )
    assert evidence(result, "Custom metrics APIService")["ok"] is False
    # the metric is not read from an unavailable API
    assert not [r for r in srv.requests if r["path"].startswith("/apis/custom.metrics.k8s.io/")]


def test_hpa_not_scaling_active_fails(standin):
    inactive = {
        "status": {
            "conditions": [
                {"type": "AbleToScale", "status": "True", "reason": "SucceededGetScale"},
                {
                    "type": "ScalingActive",
                    "status": "False",
                    "reason": "FailedGetObjectMetric",
                    "message": "the HPA was unable to compute the replica count: unable to get metric gpu_utilization",
                },
            ]
        }
    }
    srv = standin("rke2-gpu", overrides={"patch": [dict(HPA, patch=inactive)]})
    results, _run = check(srv, requirements=["pod_autoscaling"])
    result = results["check"]["pod_autoscaling"]
    assert result["status"] == "failed"
    assert (
        "HPA suse-private-ai/ollama-hpa on Deployment/ollama (requests nvidia.com/gpu) has ScalingActive=False: "
        "FailedGetObjectMetric" in result["summary"]
    )
