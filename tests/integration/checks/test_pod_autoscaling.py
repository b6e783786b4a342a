"""pod_autoscaling through ansible-playbook on the test world: the custom metrics adapter is scaled to
zero, so the aggregator reports its APIService unavailable; the GPU workload's HPA names a metric the
adapter does not serve, so the HPA controller reports it not ScalingActive."""

from tests.integration.checks.scheduling_helpers import check, hpa_condition
from tests.integration.playbook import evidence
from tests.testworld.settle import wait_for

APISERVICE = "v1beta1.custom.metrics.k8s.io"
ADAPTER = {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "monitoring", "name": "prometheus-adapter"}
HPA = {
    "apiVersion": "autoscaling/v2",
    "kind": "HorizontalPodAutoscaler",
    "namespace": "suse-private-ai",
    "name": "ollama-hpa",
}


def available_condition(w, reason):
    """The APIService's Available condition once kube-apiserver reports it with ``reason``, else None."""
    status = w.api.read("apiregistration.k8s.io/v1", "APIService", APISERVICE).get("status") or {}
    found = [c for c in status.get("conditions") or [] if c["type"] == "Available" and c.get("reason") == reason]
    return found[0] if found else None


def test_adapter_scaled_to_zero_makes_the_apiservice_unavailable_and_fails(world):
    w = world("rke2-gpu", overrides={"patch": [dict(ADAPTER, patch={"spec": {"replicas": 0}})]})
    # kube-apiserver's availability controller, not the scenario, says why: with no adapter pod it does
    # not even try discovery, so the reason is MissingEndpoints (the stand-in was patched to show
    # FailedDiscoveryCheck, which the aggregator reports when a ready endpoint fails its discovery request)
    available = wait_for(lambda: available_condition(w, "MissingEndpoints"))
    assert available["status"] == "False"
    # the HPA controller cannot read the metric either, and says so on the HPA
    hpa_condition(w, "suse-private-ai", "ollama-hpa", "ScalingActive", lambda c: c["status"] == "False")

    results, _run = check(w, requirements=["pod_autoscaling"])
    result = results["check"]["pod_autoscaling"]
    assert result["status"] == "failed"
    assert (
        "the APIService v1beta1.custom.metrics.k8s.io (service monitoring/prometheus-adapter) is not available: "
        "Available=False, reason MissingEndpoints: %s" % available["message"] in result["summary"]
    )
    assert evidence(result, "Custom metrics APIService")["ok"] is False
    assert "has ScalingActive=False: FailedGetObjectMetric" in result["summary"]
    # the metric is not read from an unavailable API (the request log holds the collection's requests only)
    assert not [r for r in w.requests if r["path"].startswith("/apis/custom.metrics.k8s.io/")]


def test_hpa_on_a_metric_the_adapter_does_not_serve_is_not_scaling_active(world):
    # a typo in the HPA's metric name: the adapter serves gpu_utilization, not gpu_util; the real HPA
    # controller asks the adapter for gpu_util, gets its 404 and sets ScalingActive=False
    metrics = [
        {
            "type": "Object",
            "object": {
                "describedObject": {"apiVersion": "v1", "kind": "Namespace", "name": "suse-private-ai"},
                "metric": {"name": "gpu_util"},
                "target": {"type": "AverageValue", "averageValue": "70"},
            },
        }
    ]
    w = world("rke2-gpu", overrides={"patch": [dict(HPA, patch={"spec": {"metrics": metrics}})]})
    cond = hpa_condition(
        w,
        "suse-private-ai",
        "ollama-hpa",
        "ScalingActive",
        lambda c: "could not find the metric gpu_util" in c["message"],
    )
    assert (cond["status"], cond["reason"]) == ("False", "FailedGetObjectMetric")
    asked = {r["path"] for r in w.endpoint_requests() if r["endpoint"] == "prometheus-adapter"}
    assert "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/metrics/gpu_util" in asked

    results, _run = check(w, requirements=["pod_autoscaling"])
    result = results["check"]["pod_autoscaling"]
    assert result["status"] == "failed"
    assert (
        "HPA suse-private-ai/ollama-hpa on Deployment/ollama (requests nvidia.com/gpu) has ScalingActive=False: "
        "FailedGetObjectMetric, %s" % cond["message"] in result["summary"]
    )
    # the rest of the chain is healthy: the APIService is available and the check's own metric reads
    assert evidence(result, "Custom metrics APIService")["ok"] is True
    assert evidence(result, "Custom metric gpu_utilization")["ok"] is True
