"""pod_autoscaling: autoscaling/v2, the custom metrics APIService, the metric, HPAs on accelerator workloads."""

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks import pod_autoscaling
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError
from tests.unit import discovery_docs
from tests.unit.checks.world import World, deployment, meta

NS = "suse-private-ai"
METRIC_PATH = "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/metrics/gpu_utilization"
GPU = [{"name": "ollama", "image": "ollama/ollama", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]


def apiservice(available="True", reason="Passed", message="all checks passed"):
    return {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": meta("v1beta1.custom.metrics.k8s.io"),
        "spec": {
            "group": "custom.metrics.k8s.io",
            "version": "v1beta1",
            "service": {"namespace": "monitoring", "name": "prometheus-adapter", "port": 443},
            "groupPriorityMinimum": 100,
            "versionPriority": 100,
        },
        "status": {"conditions": [{"type": "Available", "status": available, "reason": reason, "message": message}]},
    }


def hpa(name="ollama-hpa", target="ollama", able="True", active="True", active_reason="ValidMetricFound", ns=NS):
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta(name, ns),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": 1,
            "maxReplicas": 3,
            "metrics": [
                {
                    "type": "Object",
                    "object": {
                        "describedObject": {"apiVersion": "v1", "kind": "Namespace", "name": NS},
                        "metric": {"name": "gpu_utilization"},
                        "target": {"type": "AverageValue", "averageValue": "70"},
                    },
                }
            ],
        },
        "status": {
            "currentReplicas": 1,
            "desiredReplicas": 1,
            "currentMetrics": [
                {
                    "type": "Object",
                    "object": {
                        "describedObject": {"apiVersion": "v1", "kind": "Namespace", "name": NS},
                        "metric": {"name": "gpu_utilization"},
                        "current": {"value": "38", "averageValue": "38"},
                    },
                }
            ],
            "conditions": [
                {"type": "AbleToScale", "status": able, "reason": "ReadyForNewScale"},
                {
                    "type": "ScalingActive",
                    "status": active,
                    "reason": active_reason,
                    "message": "the HPA was able to successfully calculate a replica count from external metric"
                    if active == "True"
                    else "the HPA was unable to compute the replica count: unable to get metric gpu_utilization",
                },
                {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange"},
            ],
        },
    }


def metric_values(value="38"):
    return {
        "kind": "MetricValueList",
        "apiVersion": "custom.metrics.k8s.io/v1beta1",
        "metadata": {},
        "items": [
            {
                "describedObject": {"kind": "Namespace", "name": NS, "apiVersion": "/v1"},
                "metricName": "gpu_utilization",
                "timestamp": "2026-11-26T10:00:00Z",
                "value": value,
                "selector": None,
            }
        ],
    }


def seed_world():
    world = World()
    world.add(apiservice(), deployment(NS, "ollama", containers=GPU), hpa())
    world.routes[METRIC_PATH] = metric_values()
    return world


def test_seed_chain_passes_and_reports_values():
    result, client = seed_world().run("pod_autoscaling")
    assert result["status"] == "passed", result["summary"]
    summary = result["summary"]
    assert "APIService v1beta1.custom.metrics.k8s.io available (service monitoring/prometheus-adapter)" in summary
    assert "Namespace suse-private-ai: gpu_utilization = 38 (at 2026-11-26T10:00:00Z)" in summary
    assert "HPA suse-private-ai/ollama-hpa on Deployment/ollama (nvidia.com/gpu) is AbleToScale and ScalingActive" in (
        summary
    )
    assert "current Object gpu_utilization=38" in summary
    row = result["details"]["hpas"][0]
    assert row["accelerators"] == ["nvidia.com/gpu"]
    # targets are read with a list of the namespace, never a GET of the Deployment
    paths = [c[1] for c in client.calls]
    assert "/apis/apps/v1/namespaces/suse-private-ai/deployments" in paths
    assert "/apis/apps/v1/namespaces/suse-private-ai/deployments/ollama" not in paths


def test_autoscaling_v2_not_served_fails():
    groups = discovery_docs.full_cluster()
    groups["autoscaling"] = [discovery_docs.builtin("autoscaling", "v1")]
    world = seed_world()
    world.groups = groups
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert "autoscaling/v2 HorizontalPodAutoscaler is not served" in result["summary"]


def test_apiservice_missing_fails():
    world = seed_world()
    world.remove("APIService", "v1beta1.custom.metrics.k8s.io")
    result, client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert "the APIService v1beta1.custom.metrics.k8s.io does not exist" in result["summary"]
    assert METRIC_PATH not in [c[1] for c in client.calls]


def test_apiservice_unavailable_fails_with_its_reason():
    world = seed_world()
    world.remove("APIService", "v1beta1.custom.metrics.k8s.io")
    world.add(
        apiservice(
            "False",
            "FailedDiscoveryCheck",
            "failing or missing response from https://10.43.0.12:443/apis/custom.metrics.k8s.io/v1beta1",
        )
    )
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert (
        "the APIService v1beta1.custom.metrics.k8s.io (service monitoring/prometheus-adapter) is not available: "
        "Available=False, reason FailedDiscoveryCheck: failing or missing response" in result["summary"]
    )


def test_metric_not_exposed_fails():
    world = seed_world()
    del world.routes[METRIC_PATH]
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert "the custom metric gpu_utilization of Namespace suse-private-ai cannot be read (404" in result["summary"]


def test_metric_without_values_fails():
    world = seed_world()
    world.routes[METRIC_PATH] = dict(metric_values(), items=[])
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert "answered with no values" in result["summary"]


def test_metric_read_failing_with_503_is_an_error_not_a_verdict():
    world = seed_world()
    world.errors[METRIC_PATH] = ApiError(
        "the API server answered 503 ServiceUnavailable for GET %s (after 4 attempts)" % METRIC_PATH,
        "GET",
        METRIC_PATH,
        503,
        "ServiceUnavailable",
    )
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "error"
    assert "503" in result["summary"]


def test_hpa_not_scaling_active_fails_with_the_reason():
    world = seed_world()
    world.remove("HorizontalPodAutoscaler", "ollama-hpa", NS)
    world.add(hpa(active="False", active_reason="FailedGetObjectMetric"))
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert (
        "HPA suse-private-ai/ollama-hpa on Deployment/ollama (requests nvidia.com/gpu) has ScalingActive=False: "
        "FailedGetObjectMetric, the HPA was unable to compute the replica count" in result["summary"]
    )


def test_hpa_unable_to_scale_fails():
    world = seed_world()
    world.remove("HorizontalPodAutoscaler", "ollama-hpa", NS)
    world.add(hpa(able="False"))
    result, _client = world.run("pod_autoscaling")
    assert result["status"] == "failed"
    assert "has AbleToScale=False" in result["summary"]


def test_hpa_on_cpu_workload_only_is_partial():
    world = World()
    world.add(apiservice(), deployment(NS, "web"), hpa(name="web-hpa", target="web", active="False"))
    world.routes[METRIC_PATH] = metric_values()
    result, _client = world.run("pod_autoscaling")
    # a broken HPA on a CPU workload is not the requirement's business
    assert result["status"] == "partial", result["summary"]
    assert (
        "no HorizontalPodAutoscaler targets a workload that requests nvidia.com/gpu or amd.com/gpu"
        in (result["summary"])
    )
    assert "HPAs found: suse-private-ai/web-hpa" in result["summary"]


def test_targets_in_many_namespaces_are_read_with_one_cluster_wide_list():
    world = World()
    world.add(apiservice())
    world.routes[METRIC_PATH] = metric_values()
    for i in range(pod_autoscaling.PER_NAMESPACE_LISTS + 2):
        world.add(deployment("team-%d" % i, "llm", containers=GPU), hpa(name="llm", target="llm", ns="team-%d" % i))
    result, client = world.run("pod_autoscaling")
    assert result["status"] == "passed", result["summary"]
    deployment_lists = [c[1] for c in client.calls if c[1].endswith("/deployments")]
    assert deployment_lists == ["/apis/apps/v1/deployments"]
    assert len([r for r in result["details"]["hpas"] if r["accelerators"]]) == pod_autoscaling.PER_NAMESPACE_LISTS + 2


def test_metric_paths():
    assert pod_autoscaling.metric_path("v1beta1.custom.metrics.k8s.io", "m", "ns", "") == (
        "/apis/custom.metrics.k8s.io/v1beta1/namespaces/ns/metrics/m"
    )
    assert pod_autoscaling.metric_path("v1beta2.custom.metrics.k8s.io", "m", "ns", "pods/*") == (
        "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ns/pods/*/m"
    )
    assert pod_autoscaling.metric_path("v1beta1.custom.metrics.k8s.io", "m", "", "nodes/gpu-1") == (
        "/apis/custom.metrics.k8s.io/v1beta1/nodes/gpu-1/m"
    )


def test_other_metric_option_is_read():
    world = seed_world()
    path = "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/pods/*/vllm_queue"
    world.routes[path] = dict(metric_values("1500m"), items=[dict(metric_values()["items"][0], value="1500m")])
    options = {"pod_autoscaling": {"metric": "vllm_queue", "metric_object": "pods/*"}}
    result, _client = world.run("pod_autoscaling", options=options)
    assert result["status"] == "passed", result["summary"]
    assert "= 1.5 (at" in result["summary"]


def test_empty_metric_namespace_for_a_namespace_metric_is_refused_by_name():
    result, client = seed_world().run("pod_autoscaling", options={"pod_autoscaling": {"metric_namespace": ""}})
    assert result["status"] == "failed"
    assert result["summary"].startswith("pod_autoscaling.metric_namespace: expected the Namespace")
    assert not [c for c in client.calls if "custom.metrics" in c[1]]


def test_apiservice_option_without_a_group_is_refused_by_name():
    options = {"pod_autoscaling": {"apiservice": "custom-metrics"}}
    result, client = seed_world().run("pod_autoscaling", options=options)
    assert result["status"] == "failed"
    assert result["summary"] == (
        "pod_autoscaling.apiservice: expected an APIService name such as v1beta1.custom.metrics.k8s.io, "
        "got 'custom-metrics'"
    )
    assert not [c for c in client.calls if "apiservices" in c[1]]
