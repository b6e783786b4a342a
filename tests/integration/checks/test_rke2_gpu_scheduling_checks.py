"""The rke2-gpu test world through ansible-playbook: every MUST of the scheduling, autoscaling,
operator and Gateway checks passes, and the SHOULDs the scenario lacks say "not detected"."""

import pytest

from tests.integration.checks.scheduling_helpers import check, hpa_condition
from tests.integration.playbook import evidence
from tests.testworld import TestWorld


@pytest.fixture(scope="module")
def rke2_gpu():
    world = TestWorld("rke2-gpu")
    try:
        world.start()
        # the HPA controller reports on the custom metric once the adapter's APIService is
        # available (the world settles after the HPA's first sync, which may come before that)
        hpa_condition(world, "suse-private-ai", "ollama-hpa", "ScalingActive", lambda c: c["status"] == "True")
        world.reset_requests()
        results, run = check(world, gateway_class="traefik")
        yield results["check"], run, world
    finally:
        world.stop()


@pytest.mark.parametrize(
    "requirement", ["ai_inference", "gang_scheduling", "cluster_autoscaling", "pod_autoscaling", "robust_controller"]
)
def test_every_must_passes(rke2_gpu, requirement):
    results, _run, _world = rke2_gpu
    assert results[requirement]["status"] == "passed", results[requirement]["summary"]
    assert results[requirement]["level"] == "MUST"
    assert results[requirement]["cncf_status"] == "Implemented"


def test_summaries_say_what_was_found(rke2_gpu):
    results, _run, _world = rke2_gpu
    assert "its implementation Traefik is running: 1/1 pods ready" in results["ai_inference"]["summary"]
    assert results["gang_scheduling"]["summary"].startswith("Volcano is installed and running")
    assert (
        "rke2-gpu-vmss (min 1, max 3, kubernetes.azure.com/accelerator=nvidia)"
        in (results["cluster_autoscaling"]["summary"])
    )
    assert "Namespace suse-private-ai: gpu_utilization = 38" in results["pod_autoscaling"]["summary"]
    assert (
        "HPA suse-private-ai/ollama-hpa on Deployment/ollama (nvidia.com/gpu)"
        in (results["pod_autoscaling"]["summary"])
    )
    # the HPA's status is kube-controller-manager's: it read gpu_utilization through the aggregator
    assert "replicas 1->1, current Object gpu_utilization=38" in results["pod_autoscaling"]["summary"]
    assert results["robust_controller"]["summary"].startswith("Kubeflow training operator runs")


@pytest.mark.parametrize(
    "requirement",
    ["advanced_inference_ingress", "high_performance_networking", "disaggregated_inference", "workload_sandboxing"],
)
def test_absent_shoulds_are_not_detected_and_claim_nothing(rke2_gpu, requirement):
    results, _run, _world = rke2_gpu
    assert results[requirement]["status"] == "skipped"
    assert results[requirement]["cncf_status"] == ""
    assert results[requirement]["summary"].startswith("not detected")


def test_evidence_can_be_replayed_with_kubectl(rke2_gpu):
    results, _run, _world = rke2_gpu
    deployments = evidence(results["gang_scheduling"], "Volcano Deployments ready")
    assert deployments["request"] == "GET /apis/apps/v1/namespaces/volcano-system/deployments"
    assert deployments["kubectl"] == "kubectl get deployments.apps -n volcano-system"
    assert "volcano-scheduler: 1/1 ready" in deployments["output"]
    pods = evidence(results["ai_inference"], "Pods of the Traefik implementation")
    assert "labelSelector=app.kubernetes.io/name=rke2-traefik" in pods["request"]
    metric = evidence(results["pod_autoscaling"], "Custom metric gpu_utilization")
    assert metric["kubectl"].startswith("kubectl get --raw '/apis/custom.metrics.k8s.io/v1beta1/namespaces/")


def test_the_run_only_reads_and_lets_the_server_select(rke2_gpu):
    _results, _run, world = rke2_gpu
    requests = world.requests
    assert {r["method"] for r in requests} == {"GET"}
    paths = [r["path"] for r in requests]
    # Deployments and HPA targets come from namespace lists, never one GET each
    assert not [p for p in paths if p.startswith("/apis/apps/v1/namespaces/") and p.count("/") > 6]
    assert paths.count("/apis/discovery.k8s.io/v1/namespaces/kubeflow/endpointslices") == 1
    pods = [r for r in requests if r["path"] == "/api/v1/namespaces/kube-system/pods"]
    assert pods
    assert all("labelSelector" in str(r["query"]) for r in pods)
