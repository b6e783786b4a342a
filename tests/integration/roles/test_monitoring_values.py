"""The monitoring role: the stack's release name ties the ServiceMonitor, Prometheus and the adapter together.

prometheus-adapter must reach the Prometheus Service that kube-prometheus-stack creates (named
from the release, truncated by the chart) and serve gpu_utilization as an Object metric on the
Namespace, from DCGM_FI_DEV_GPU_UTIL's exported_namespace label.
"""

import pytest
import yaml

from tests.integration.roles import addons
from tests.integration.roles.conftest import render_templates

CASES = {
    "default": {},
    "long-release": {
        "monitoring_release_name": "ai-conformance-observability",
        "monitoring_namespace": "observability",
        "monitoring_gpu_metric_name": "gpu_busy_percent",
    },
    "release-containing-chart-name": {"monitoring_release_name": "kube-prometheus-stack"},
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    cases = []
    for name, case in CASES.items():
        cases.append(("%s-adapter.yaml" % name, "monitoring", "prometheus-adapter.yaml.j2", case))
        cases.append(("%s-monitor.yaml" % name, "monitoring", "nvidia-dcgm-monitor.yaml.j2", case))
        cases.append(("%s-stack.yaml" % name, "monitoring", "kube-prometheus-stack.yaml.j2", case))
    return render_templates(tmp_path_factory.mktemp("monitoring"), cases)


def adapter_values(rendered, name):
    return yaml.safe_load(rendered["%s-adapter.yaml" % name][0]["spec"]["valuesContent"])


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("default", "http://prometheus-stack-kube-prom-prometheus.monitoring.svc"),
        # "ai-conformance-observability-kube-prometheus-stack"[:26] == "ai-conformance-observabili"
        ("long-release", "http://ai-conformance-observabili-prometheus.observability.svc"),
        ("release-containing-chart-name", "http://kube-prometheus-stack-prometheus.monitoring.svc"),
    ],
)
def test_the_adapter_reaches_the_stacks_prometheus_service(rendered, name, url):
    assert adapter_values(rendered, name)["prometheus"] == {"url": url, "port": 9090}


def test_the_rule_serves_gpu_utilization_per_namespace_from_exported_namespace(rendered):
    (rule,) = adapter_values(rendered, "default")["rules"]["custom"]
    assert rule["seriesQuery"] == 'DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""}'
    assert rule["resources"] == {"overrides": {"exported_namespace": {"resource": "namespace"}}}
    assert rule["name"] == {"matches": "^DCGM_FI_DEV_GPU_UTIL$", "as": "gpu_utilization"}
    assert rule["metricsQuery"] == "avg(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"
    (other,) = adapter_values(rendered, "long-release")["rules"]["custom"]
    assert other["name"]["as"] == "gpu_busy_percent"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_service_monitor_carries_the_release_label_of_the_stack(rendered, name):
    (monitor,) = rendered["%s-monitor.yaml" % name]
    (stack,) = rendered["%s-stack.yaml" % name]
    assert monitor["metadata"]["labels"] == {"release": stack["metadata"]["name"]}
    assert monitor["metadata"]["namespace"] == stack["spec"]["targetNamespace"]
    assert monitor["spec"]["selector"] == {"matchLabels": {"app": "nvidia-dcgm-exporter"}}
    assert monitor["spec"]["endpoints"] == [{"port": "gpu-metrics", "path": "/metrics", "interval": "15s"}]
    assert "honorLabels" not in monitor["spec"]["endpoints"][0]  # so pod labels arrive as exported_*
    for obj, file in ((monitor, "monitor"), (stack, "stack"), (rendered["%s-adapter.yaml" % name][0], "adapter")):
        manifest = addons.Manifest("%s-%s.yaml" % (name, file), 0, obj)
        assert addons.check_manifests([manifest]) == []
