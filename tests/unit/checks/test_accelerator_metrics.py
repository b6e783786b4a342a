"""accelerator_metrics: DCGM pages read per GPU node through the API server's proxy, parsed, judged."""

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks import accelerator_metrics
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError
from tests.unit.checks.gpu_world import DCGM_HELP, NS, dcgm_page, exporter_pod, gpu_node, gpu_world, replace
from tests.unit.checks.world import service

SERVICE_PROXY = "/api/v1/namespaces/gpu-operator/services/nvidia-dcgm-exporter:gpu-metrics/proxy/metrics"
NO_MEMORY = [m for m in DCGM_HELP if m not in ("DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE")]


def run(world, **options):
    return world.run("accelerator_metrics", options={"accelerator_metrics": options} if options else None)


@pytest.mark.parametrize("style", ["v25.3", "v26.3"])
def test_every_gpu_node_exposes_utilization_and_memory(style):
    world = gpu_world(style)
    result, client = run(world)
    assert result["status"] == "passed", result["summary"]
    assert "all 2 GPU node(s) expose per-GPU utilization (DCGM_FI_DEV_GPU_UTIL)" in result["summary"]
    assert "temperature (DCGM_FI_DEV_GPU_TEMP) on 2 node(s)" in result["summary"]
    assert "interconnect (DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL)" in result["summary"]
    gpu = next(iter(result["details"]["nodes"]["gpu-0"]["gpus"].values()))
    assert gpu["values"]["DCGM_FI_DEV_FB_USED"] == 1909
    assert gpu["hostname_label"] == ["gpu-0"]
    # nodes and exporter pods are each listed once with a server-side selector, then one proxy read per GPU node
    calls = [(c[1], c[2]) for c in client.calls]
    node_lists = [q for p, q in calls if p == "/api/v1/nodes"]
    assert node_lists == [{"labelSelector": "nvidia.com/gpu.present=true", "fieldSelector": None, "limit": 500}]
    pod_lists = [q for p, q in calls if p == "/api/v1/namespaces/gpu-operator/pods"]
    assert len(pod_lists) == 1
    assert pod_lists[0]["labelSelector"] == "app=nvidia-dcgm-exporter"
    proxied = sorted(p for p, _q in calls if "/proxy/" in p)
    assert proxied == [world.pod_path("gpu-0"), world.pod_path("gpu-1")]
    page = next(e for e in result["evidence"] if e["description"].startswith("metrics page of node gpu-0"))
    assert page["kubectl"] == "kubectl get --raw '%s'" % world.pod_path("gpu-0")
    assert page["ok"] is True
    assert any(line.startswith("DCGM_FI_DEV_GPU_UTIL{") for line in page["output"])


def test_page_without_memory_metrics_fails_and_names_them():
    world = gpu_world()
    world.set_page("gpu-1", dcgm_page("gpu-1", metrics=NO_MEMORY))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "accelerator metrics missing on 1 of 2 GPU node(s)" in result["summary"]
    assert "gpu-1: GPU GPU-" in result["summary"]
    assert "lacks DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE" in result["summary"]
    assert "gpu-0" not in result["summary"]
    page = next(e for e in result["evidence"] if e["description"].startswith("metrics page of node gpu-1"))
    assert page["ok"] is False


def test_gpu_node_without_series_fails_naming_the_node():
    world = gpu_world()
    world.set_page("gpu-1", dcgm_page("gpu-1", metrics=["DCGM_FI_DEV_SM_CLOCK"]))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert (
        "gpu-1: no per-GPU series of DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE"
        in (result["summary"])
    )


def test_gpu_node_without_exporter_pod_fails_without_reading_anything_for_it():
    world = gpu_world()
    world.remove("Pod", exporter_pod("gpu-1")["metadata"]["name"], NS)
    result, client = run(world)
    assert result["status"] == "failed"
    assert "gpu-1: no exporter pod runs on it" in result["summary"]
    assert world.pod_path("gpu-1") not in [c[1] for c in client.calls]


def test_exporter_pod_not_ready_is_named():
    world = gpu_world()
    replace(world, exporter_pod("gpu-0", ready=False))
    result, client = run(world)
    assert result["status"] == "failed"
    assert "gpu-0: exporter pod nvidia-dcgm-exporter-0x7k2q is not ready (Pending, Ready=False)" in result["summary"]
    assert world.pod_path("gpu-0") not in [c[1] for c in client.calls]


def test_fewer_gpus_on_the_page_than_the_node_has():
    world = gpu_world()
    replace(world, gpu_node("gpu-0", gpus=2))
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "gpu-0: metrics for 1 GPU(s) but the node has 2 (label nvidia.com/gpu.count)" in result["summary"]


def test_missing_service_says_how_to_fix():
    world = gpu_world()
    world.remove("Service", "nvidia-dcgm-exporter", NS)
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "the metrics Service gpu-operator/nvidia-dcgm-exporter does not exist" in result["summary"]
    assert "dcgmExporter.enabled" in result["summary"]


def test_unknown_port_lists_the_service_ports():
    result = run(gpu_world(), port="metrics")[0]
    assert result["status"] == "failed"
    assert "has no port 'metrics' (ports: gpu-metrics/9400)" in result["summary"]


def test_named_target_port_is_resolved_in_the_pod():
    world = gpu_world()
    replace(
        world,
        service(
            NS,
            "nvidia-dcgm-exporter",
            {"app": "nvidia-dcgm-exporter"},
            [{"name": "gpu-metrics", "port": 9400, "targetPort": "metrics"}],
        ),
    )
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]


def test_no_gpu_node_fails():
    world = gpu_world(nodes=())
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "no GPU node found (label selector nvidia.com/gpu.present=true)" in result["summary"]


def test_old_exporters_that_label_series_with_the_pod_name_still_count_for_their_node():
    world = gpu_world()
    world.set_page("gpu-1", dcgm_page("gpu-1", hostname="nvidia-dcgm-exporter-1x7k2q"))
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]
    gpu = next(iter(result["details"]["nodes"]["gpu-1"]["gpus"].values()))
    assert gpu["hostname_label"] == ["nvidia-dcgm-exporter-1x7k2q"]


def test_a_page_that_is_not_prometheus_text_fails():
    world = gpu_world()
    world.set_page("gpu-0", "<html><body>502 Bad Gateway</body></html>\n")
    result = run(world)[0]
    assert result["status"] == "failed"
    assert "is not in the Prometheus text format" in result["summary"]


def test_permission_denied_on_the_pod_proxy_is_an_error_not_a_failure():
    world = gpu_world()
    path = world.pod_path("gpu-0")
    world.errors[path] = ApiError(
        'permission denied (403 Forbidden) for GET %s: pods "x" is forbidden: cannot get resource "pods/proxy"' % path,
        "GET",
        path,
        403,
        "Forbidden",
    )
    result = run(world)[0]
    assert result["status"] == "error"
    assert "pods/proxy" in result["summary"]


def test_service_mode_reads_one_page_and_names_the_nodes_it_cannot_prove():
    world = gpu_world()
    result, client = run(world, scrape="service")
    assert result["status"] == "failed"
    assert "gpu-1: no series carry Hostname/hostname/node=gpu-1" in result["summary"]
    assert "use accelerator_metrics.scrape=pods" in result["summary"]
    assert [c[1] for c in client.calls if "/proxy/" in c[1]] == [SERVICE_PROXY]


def test_service_mode_passes_when_the_page_covers_every_node():
    world = gpu_world()
    world.text[SERVICE_PROXY] = dcgm_page("gpu-0") + dcgm_page("gpu-1").replace("# HELP", "# X").replace(
        "# TYPE", "# Y"
    )
    result = run(world, scrape="service")[0]
    assert result["status"] == "passed", result["summary"]


def test_custom_required_metrics():
    result = run(gpu_world(), memory_metrics=["DCGM_FI_DEV_FB_TOTAL"])[0]
    assert result["status"] == "failed"
    assert "lacks DCGM_FI_DEV_FB_TOTAL" in result["summary"]


def test_parse_page_keeps_counter_names_and_groups_by_gpu():
    text = dcgm_page("n1", gpus=2)
    gpus = accelerator_metrics.parse_page(
        text, {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"}, ["Hostname"]
    )
    assert len(gpus) == 2
    for gpu in gpus.values():
        assert set(gpu["metrics"]) == {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL"}
        assert gpu["nodes"] == {"n1"}
        assert gpu["model"] == "NVIDIA A100 80GB PCIe"


def test_missing_prometheus_client_is_reported(monkeypatch):
    monkeypatch.setattr(accelerator_metrics, "HAS_PROMETHEUS_CLIENT", False)
    monkeypatch.setattr(accelerator_metrics, "PROMETHEUS_CLIENT_IMPORT_ERROR", ImportError("No module named x"))
    result = run(gpu_world())[0]
    assert result["status"] == "error"
    assert "pip install prometheus-client" in result["summary"]


def test_evidence_lists_are_capped_on_large_clusters():
    nodes = tuple("gpu-%02d" % i for i in range(60))
    world = gpu_world(nodes=nodes, monitoring=False)
    result = run(world)[0]
    assert result["status"] == "passed", result["summary"]
    listing = next(e for e in result["evidence"] if e["description"].startswith("GPU nodes"))
    assert len(listing["output"]) == 51
    assert listing["output"][-1] == "... and 10 more"
    assert len(result["details"]["nodes"]) == 60
    # every failing node gets its page as evidence, passing ones only the first three
    pages = [e for e in result["evidence"] if e["description"].startswith("metrics page")]
    assert len(pages) == 3
