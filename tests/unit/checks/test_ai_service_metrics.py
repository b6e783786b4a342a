"""ai_service_metrics: Prometheus Operator, a ready Prometheus, and its targets of a workload all up."""

from tests.unit.checks.gpu_world import (
    MON,
    PROM_TARGETS_PATH,
    gpu_world,
    monitoring_objects,
    replace,
    target,
    targets_answer,
)


def run(world, **options):
    return world.run("ai_service_metrics", options={"ai_service_metrics": options} if options else None)


def test_ready_prometheus_discovers_the_dcgm_exporters():
    result, client = run(gpu_world())
    assert result["status"] == "passed", result["summary"]
    assert result["summary"].startswith(
        "Prometheus monitoring/prometheus-stack-kube-prom-prometheus is ready and discovers 2 target(s) of "
        "ServiceMonitor monitoring/nvidia-dcgm-monitor, all up"
    )
    targets = next(e for e in result["evidence"] if e["description"].startswith("active targets"))
    assert targets["kubectl"] == "kubectl get --raw '%s?state=active'" % PROM_TARGETS_PATH
    assert targets["ok"] is True
    assert (
        "serviceMonitor/monitoring/nvidia-dcgm-monitor/0 http://10.42.0.9:9400/metrics health=up" in targets["output"]
    )
    asked = [c for c in client.calls if c[1] == PROM_TARGETS_PATH]
    assert asked and asked[0][2] == {"state": "active"}


def test_targets_are_read_at_the_port_the_prometheus_names():
    # kube-prometheus-stack sets spec.portName=http-web; the operator names the container port and the
    # port of prometheus-operated after it, so the targets API is behind prometheus-operated:http-web
    world = gpu_world()
    prom = world.find("Prometheus", "prometheus-stack-kube-prom-prometheus", MON)
    prom["spec"]["portName"] = "http-web"
    http_web = PROM_TARGETS_PATH.replace("prometheus-operated:web", "prometheus-operated:http-web")
    world.routes[http_web] = world.routes.pop(PROM_TARGETS_PATH, None) or targets_answer([target("gpu-0")])
    result, client = run(world)
    assert result["status"] == "passed", result["summary"]
    assert [c[1] for c in client.calls if "/proxy/" in c[1]] == [http_web]
    # a service option names the Service and port to use whatever the Prometheus says
    result, client = run(world, service="prometheus-stack-kube-prom-prometheus:http-web")
    assert [c[1] for c in client.calls if "/proxy/" in c[1]] == [
        "/api/v1/namespaces/monitoring/services/prometheus-stack-kube-prom-prometheus:http-web/proxy/api/v1/targets"
    ]


def test_target_down_fails_naming_the_target_and_its_error():
    world = gpu_world()
    world.routes[PROM_TARGETS_PATH] = targets_answer(
        [
            target("gpu-0"),
            target("gpu-1", health="down", last_error='Get "http://10.42.1.9:9400/metrics": connection refused'),
        ]
    )
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "1 of 2 target(s) of ServiceMonitor monitoring/nvidia-dcgm-monitor are not up" in result["summary"]
    assert (
        'http://10.42.1.9:9400/metrics health=down (Get "http://10.42.1.9:9400/metrics": connection refused)'
        in (result["summary"])
    )


def test_no_prometheus_operator_crds():
    result = run(gpu_world(monitoring=False))[0]
    assert result["status"] == "failed"
    assert "monitoring.coreos.com/v1 servicemonitors and prometheuses not served" in result["summary"]
    assert "kube-prometheus-stack" in result["summary"]


def test_no_prometheus_object():
    world = gpu_world()
    world.remove("Prometheus", "prometheus-stack-kube-prom-prometheus", MON)
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "no Prometheus exists" in result["summary"]


def test_prometheus_not_ready_says_why():
    world = gpu_world()
    for obj in monitoring_objects(available="False", sts_ready=0)[:2]:
        replace(world, obj)
    result, client = run(world)
    assert result["status"] == "failed"
    assert (
        "no Prometheus is ready: monitoring/prometheus-stack-kube-prom-prometheus: Available=False"
        in (result["summary"])
    )
    assert "StatefulSet prometheus-prometheus-stack-kube-prom-prometheus 0/1 ready" in result["summary"]
    assert PROM_TARGETS_PATH not in [c[1] for c in client.calls]


def test_no_service_monitor_for_the_workload():
    world = gpu_world()
    world.remove("ServiceMonitor", "nvidia-dcgm-monitor", MON)
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "no ServiceMonitor selecting app=nvidia-dcgm-exporter exists" in result["summary"]


def test_service_monitor_ignored_by_prometheus_hints_at_the_release_label():
    world = gpu_world()
    replace(world, monitoring_objects(release_label="other")[2])
    world.routes[PROM_TARGETS_PATH] = targets_answer([])
    result = run(world)[0]
    assert result["status"] == "failed"
    assert (
        "has no active target from ServiceMonitor monitoring/nvidia-dcgm-monitor (0 active target(s) in all)"
        in (result["summary"])
    )
    assert (
        "selects ServiceMonitors labelled release=prometheus-stack, which monitoring/nvidia-dcgm-monitor lack(s)"
        in (result["summary"])
    )


def test_select_targets_by_job():
    result = run(gpu_world(), job="nvidia-dcgm-exporter")[0]
    assert result["status"] == "passed", result["summary"]
    assert "2 target(s) of job nvidia-dcgm-exporter" in result["summary"]
    result = run(gpu_world(), job="vllm")[0]
    assert result["status"] == "failed"
    assert "has no active target from job vllm" in result["summary"]


def test_named_service_monitor_and_min_targets():
    result = run(gpu_world(), service_monitor="monitoring/nvidia-dcgm-monitor", min_targets=3)[0]
    assert result["status"] == "failed"
    assert "scrapes 2 target(s)" in result["summary"]
    assert "fewer than ai_service_metrics.min_targets=3" in result["summary"]


def test_bad_option_values_are_named():
    result = run(gpu_world(), prometheus="just-a-name")[0]
    assert result["status"] == "error"
    assert "ai_service_metrics.prometheus: expected namespace/name, got 'just-a-name'" in result["summary"]
    result = run(gpu_world(), service="prometheus-operated")[0]
    assert result["status"] == "error"
    assert "ai_service_metrics.service: expected name:port" in result["summary"]


def test_targets_api_error_status():
    world = gpu_world()
    world.routes[PROM_TARGETS_PATH] = {"status": "error", "errorType": "internal", "error": "boom"}
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "targets API answered status 'error'" in result["summary"]
