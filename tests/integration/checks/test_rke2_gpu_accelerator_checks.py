"""The accelerator checks through ansible-playbook against the stand-in's rke2-gpu scenario.

The scenario as shipped (GPU Operator v25.3 with the seed's settings, kube-prometheus-stack, the
seed's DCGM ServiceMonitor) passes every MUST once the node-side toolkit facts are given; then each
scenario below breaks it in exactly one way a check must catch, and the tests assert the summary says
what is wrong. Both GPU Operator generations (v25.3 volume mounts, v26.3 CDI) are covered. The broken
scenarios share one ansible-playbook run (one task per scenario) to keep the suite fast.
"""

import copy
import json

import pytest
import yaml

from tests.integration.checks.accelerator_helpers import (
    CHECKS,
    POD_PAGES,
    SERVICE_PAGE,
    TARGETS_PAGE,
    load_override,
    run_scenarios,
    toolkit_files,
)
from tests.integration.playbook import evidence
from tests.standin import StandIn
from tests.standin.scenario import SCENARIO_DIR
from tests.unit.checks.gpu_world import TOOLKIT_CONFIG

MUSTS = ("accelerator_metrics", "ai_service_metrics", "secure_accelerator_access")


def fragment(name):
    with open("%s/rke2-gpu.d/%s" % (SCENARIO_DIR, name)) as fh:
        return yaml.safe_load(fh)


def page(key, keep):
    text = fragment("gpu-operator.yaml")["proxy"][key]
    return "".join(line for line in text.splitlines(True) if keep(line))


def without_memory(line):
    return "DCGM_FI_DEV_FB_" not in line


def exporter_pod_pending():
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "name": "nvidia-dcgm-exporter-xk2vd",
        "namespace": "gpu-operator",
        "patch": {
            "status": {
                "phase": "Pending",
                "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
            }
        },
    }


def device_plugin_strategy(strategy):
    """A merge patch of the device plugin DaemonSet with DEVICE_LIST_STRATEGY set to ``strategy``."""
    ds = next(
        o for o in fragment("gpu-operator.yaml")["objects"] if o["metadata"]["name"] == "nvidia-device-plugin-daemonset"
    )
    container = copy.deepcopy(ds["spec"]["template"]["spec"]["containers"][0])
    for item in container["env"]:
        if item["name"] == "DEVICE_LIST_STRATEGY":
            item["value"] = strategy
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "name": "nvidia-device-plugin-daemonset",
        "namespace": "gpu-operator",
        "patch": {"spec": {"template": {"spec": {"containers": [container]}}}},
    }


def targets_with_one_down():
    body = json.loads(fragment("monitoring.yaml")["proxy"][TARGETS_PAGE])
    body["data"]["activeTargets"][1].update(
        health="down", lastError='Get "http://10.42.2.11:9400/metrics": context deadline exceeded'
    )
    return json.dumps(body)


def v26_with_envvar():
    override = load_override("gpu-operator-v26.3.yaml")
    override["patch"].append(device_plugin_strategy("envvar"))
    return override


POLICY_NOT_READY = {
    "patch": [
        {
            "apiVersion": "nvidia.com/v1",
            "kind": "ClusterPolicy",
            "name": "cluster-policy",
            "patch": {"status": {"state": "notReady"}},
        }
    ]
}
ENVVAR_TOML = TOOLKIT_CONFIG.replace(
    "accept-nvidia-visible-devices-envvar-when-unprivileged = false",
    "accept-nvidia-visible-devices-envvar-when-unprivileged = true",
)
INVALID_TOML = TOOLKIT_CONFIG.replace('mode = "auto"', "mode = auto")

# name -> (stand-in overrides, toolkit files: None for none, else {node: text or None}, requirements)
BROKEN = {
    "no node facts": (None, None, ["secure_accelerator_access"]),
    "no memory metrics": (
        {"proxy": {key: page(key, without_memory) for key in POD_PAGES.values()}},
        None,
        ["accelerator_metrics"],
    ),
    # the exporter of rke2-gpu-agent-1 answers, but with no GPU series (only its HELP/TYPE lines)
    "gpu node without series": (
        {"proxy": {POD_PAGES["rke2-gpu-agent-1"]: page(POD_PAGES["rke2-gpu-agent-1"], lambda line: line[0] == "#")}},
        None,
        ["accelerator_metrics"],
    ),
    "exporter pod not ready": ({"patch": [exporter_pod_pending()]}, None, ["accelerator_metrics"]),
    # scrape=service: the one page read through the Service holds only rke2-gpu-agent-0's series
    "service page of one node": (
        {"proxy": {SERVICE_PAGE: page(SERVICE_PAGE, lambda line: 'Hostname="rke2-gpu-agent-1"' not in line)}},
        None,
        ["accelerator_metrics"],
    ),
    "service page of both nodes": (None, None, ["accelerator_metrics"]),
    "target down": ({"proxy": {TARGETS_PAGE: targets_with_one_down()}}, None, ["ai_service_metrics"]),
    # these two fail before the node side is looked at: no toolkit files needed
    "policy not ready": (POLICY_NOT_READY, None, ["secure_accelerator_access", "driver_runtime_management"]),
    "envvar strategy": ({"patch": [device_plugin_strategy("envvar")]}, None, ["secure_accelerator_access"]),
    "toolkit accepts envvar": (None, {"rke2-gpu-agent-1": ENVVAR_TOML}, ["secure_accelerator_access"]),
    "toolkit missing or invalid": (
        None,
        {"rke2-gpu-agent-0": None, "rke2-gpu-agent-1": INVALID_TOML},
        ["secure_accelerator_access"],
    ),
    "v26.3": (load_override("gpu-operator-v26.3.yaml"), None, list(CHECKS)),
    "v26.3 envvar strategy": (v26_with_envvar(), None, ["secure_accelerator_access"]),
}


@pytest.fixture(scope="module")
def as_shipped(tmp_path_factory):
    srv = StandIn(scenario="rke2-gpu").start()
    try:
        paths = toolkit_files(tmp_path_factory.mktemp("toolkit"))
        results, run = run_scenarios({"check": dict(srv=srv, toolkit_paths=paths)})
        yield results["check"], run, srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    servers, scenarios, paths = [], {}, {}
    try:
        for name, (overrides, files, requirements) in BROKEN.items():
            srv = StandIn(scenario="rke2-gpu", overrides=overrides).start()
            servers.append(srv)
            spec = {"srv": srv, "requirements": requirements}
            if name.startswith("service page"):
                spec["accelerator_metrics"] = {"scrape": "service"}
            if files is not None:
                spec["toolkit_paths"] = paths[name] = toolkit_files(tmp_path_factory.mktemp("toolkit"), files)
            scenarios[name] = spec
        results, run = run_scenarios(scenarios)
        yield results, run, paths
    finally:
        for srv in servers:
            srv.stop()


@pytest.mark.parametrize("requirement", MUSTS)
def test_every_must_passes(as_shipped, requirement):
    results, _run, _srv = as_shipped
    assert results[requirement]["status"] == "passed", results[requirement]["summary"]
    assert results[requirement]["level"] == "MUST"
    assert results[requirement]["cncf_status"] == "Implemented"


def test_summaries_say_what_was_found(as_shipped):
    results, run, _srv = as_shipped
    assert (
        "all 2 GPU node(s) expose per-GPU utilization (DCGM_FI_DEV_GPU_UTIL)"
        in results["accelerator_metrics"]["summary"]
    )
    assert "temperature (DCGM_FI_DEV_GPU_TEMP, DCGM_FI_DEV_MEMORY_TEMP)" in results["accelerator_metrics"]["summary"]
    assert results["ai_service_metrics"]["summary"].startswith(
        "Prometheus monitoring/prometheus-stack-kube-prom-prometheus is ready and discovers 2 target(s) of "
        "ServiceMonitor monitoring/nvidia-dcgm-monitor, all up"
    )
    assert (
        "the device plugin uses DEVICE_LIST_STRATEGY=volume-mounts" in results["secure_accelerator_access"]["summary"]
    )
    assert "config.toml on all 2 GPU node(s)" in results["secure_accelerator_access"]["summary"]
    assert results["driver_runtime_management"]["status"] == "passed", results["driver_runtime_management"]["summary"]
    assert "driver 580.95.05" in results["driver_runtime_management"]["summary"]
    # the toolkit facts came from the node-side module
    facts = run.task("check: toolkit rke2-gpu-agent-0")
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is False
    assert facts["changed"] is False


@pytest.mark.parametrize("requirement", ["gpu_sharing", "virtualized_accelerator"])
def test_absent_shoulds_are_not_detected(as_shipped, requirement):
    results, _run, _srv = as_shipped
    assert results[requirement]["status"] == "skipped"
    assert results[requirement]["cncf_status"] == ""
    assert results[requirement]["summary"].startswith("not detected")


def test_evidence_can_be_replayed_with_kubectl(as_shipped):
    results, _run, _srv = as_shipped
    page_ev = evidence(
        results["accelerator_metrics"], "metrics page of node rke2-gpu-agent-0 (pod nvidia-dcgm-exporter-7hq4m)"
    )
    assert page_ev["kubectl"] == (
        "kubectl get --raw '/api/v1/namespaces/gpu-operator/pods/nvidia-dcgm-exporter-7hq4m:9400/proxy/metrics'"
    )
    assert page_ev["output"][0].startswith('DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-6f1c2a94')
    assert any(line.startswith("DCGM_FI_DEV_FB_USED{") for line in page_ev["output"])
    targets = evidence(results["ai_service_metrics"], "active targets")
    assert "/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/targets" in targets["kubectl"]


def test_reads_are_bounded(as_shipped):
    _results, _run, srv = as_shipped
    counters = srv.counters()["by_path"]
    # GPU nodes listed once for all five checks that need them, the ClusterPolicy once for four
    assert counters["/api/v1/nodes"] == 1
    assert counters["/apis/nvidia.com/v1/clusterpolicies"] == 1
    assert counters["/apis/apps/v1/namespaces/gpu-operator/daemonsets"] == 1
    # exporter pods listed once, then one proxy read per GPU node
    assert counters["/api/v1/namespaces/gpu-operator/pods"] == 1
    proxied = sorted(p for p in counters if "/proxy/" in p and "/pods/" in p)
    assert proxied == [
        "/api/v1/namespaces/gpu-operator/pods/nvidia-dcgm-exporter-7hq4m:9400/proxy/metrics",
        "/api/v1/namespaces/gpu-operator/pods/nvidia-dcgm-exporter-xk2vd:9400/proxy/metrics",
    ]
    assert all(r["method"] == "GET" for r in srv.requests)


def test_without_node_facts_secure_access_is_partial(broken):
    result = broken[0]["no node facts"]["secure_accelerator_access"]
    assert result["status"] == "partial"
    assert "the node side was not verified" in result["summary"]


def test_dcgm_page_without_memory_metrics(broken):
    result = broken[0]["no memory metrics"]["accelerator_metrics"]
    assert result["status"] == "failed"
    assert "accelerator metrics missing on 2 of 2 GPU node(s)" in result["summary"]
    assert "lacks DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE" in result["summary"]


def test_gpu_node_without_series(broken):
    result = broken[0]["gpu node without series"]["accelerator_metrics"]
    assert result["status"] == "failed"
    assert (
        "missing on 1 of 2 GPU node(s): rke2-gpu-agent-1: no per-GPU series of DCGM_FI_DEV_GPU_UTIL, "
        "DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE" in result["summary"]
    )
    assert "rke2-gpu-agent-0:" not in result["summary"]


def test_exporter_pod_not_ready(broken):
    result = broken[0]["exporter pod not ready"]["accelerator_metrics"]
    assert result["status"] == "failed"
    assert (
        "rke2-gpu-agent-1: exporter pod nvidia-dcgm-exporter-xk2vd is not ready (Pending, Ready=False)"
        in result["summary"]
    )


def test_service_scraping_proves_only_the_nodes_on_its_page(broken):
    result = broken[0]["service page of one node"]["accelerator_metrics"]
    assert result["status"] == "failed"
    assert "rke2-gpu-agent-1: no series carry Hostname/hostname/node=rke2-gpu-agent-1" in result["summary"]
    assert "use accelerator_metrics.scrape=pods" in result["summary"]
    both = broken[0]["service page of both nodes"]["accelerator_metrics"]
    assert both["status"] == "passed", both["summary"]
    page_ev = evidence(both, "metrics page of node rke2-gpu-agent-1 (through the Service)")
    assert page_ev["kubectl"] == (
        "kubectl get --raw '/api/v1/namespaces/gpu-operator/services/nvidia-dcgm-exporter:gpu-metrics/proxy/metrics'"
    )


def test_prometheus_target_down(broken):
    result = broken[0]["target down"]["ai_service_metrics"]
    assert result["status"] == "failed"
    assert "1 of 2 target(s) of ServiceMonitor monitoring/nvidia-dcgm-monitor are not up" in result["summary"]
    assert "http://10.42.2.11:9400/metrics health=down" in result["summary"]
    assert "context deadline exceeded" in result["summary"]


def test_cluster_policy_not_ready(broken):
    results = broken[0]["policy not ready"]
    assert results["secure_accelerator_access"]["status"] == "failed"
    assert "ClusterPolicy cluster-policy is notReady, not ready" in results["secure_accelerator_access"]["summary"]
    assert results["driver_runtime_management"]["status"] == "failed"
    assert "ClusterPolicy cluster-policy is notReady" in results["driver_runtime_management"]["summary"]


def test_device_plugin_with_the_envvar_strategy(broken):
    result = broken[0]["envvar strategy"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert (
        "the device plugin gpu-operator/nvidia-device-plugin-daemonset hands out GPUs through the "
        "NVIDIA_VISIBLE_DEVICES environment variable (DEVICE_LIST_STRATEGY=envvar)" in result["summary"]
    )


def test_toolkit_accepting_the_envvar_on_one_node(broken):
    results, run, _paths = broken
    result = results["toolkit accepts envvar"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert (
        "rke2-gpu-agent-1: accept-nvidia-visible-devices-envvar-when-unprivileged = true, expected false"
        in (result["summary"])
    )
    assert "rke2-gpu-agent-0" not in result["summary"]
    facts = run.task("toolkit accepts envvar: toolkit rke2-gpu-agent-1")
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is True


def test_toolkit_file_missing_or_invalid_on_a_node(broken):
    results, run, paths = broken
    paths = paths["toolkit missing or invalid"]
    result = results["toolkit missing or invalid"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert "rke2-gpu-agent-0: toolkit config %s does not exist" % paths["rke2-gpu-agent-0"] in result["summary"]
    assert (
        "rke2-gpu-agent-1: reading the toolkit config failed: %s is not valid TOML" % paths["rke2-gpu-agent-1"]
        in (result["summary"])
    )
    line = INVALID_TOML.splitlines().index("  mode = auto") + 1
    assert "(line %d)" % line in result["summary"]
    assert run.task("toolkit missing or invalid: toolkit rke2-gpu-agent-1")["failed"] is True
    assert run.task("toolkit missing or invalid: toolkit rke2-gpu-agent-0")["exists"] is False


def test_gpu_operator_v26_with_cdi_passes_without_node_facts(broken):
    results = broken[0]["v26.3"]
    for requirement in MUSTS:
        assert results[requirement]["status"] == "passed", results[requirement]["summary"]
    secure = results["secure_accelerator_access"]
    assert (
        "GPUs are injected through CDI (device plugin DEVICE_LIST_STRATEGY=cdi-annotations,cdi-cri)"
        in (secure["summary"])
    )
    assert secure["details"]["cdi_enabled"] is True
    assert results["driver_runtime_management"]["status"] == "passed"


def test_gpu_operator_v26_with_the_envvar_strategy_fails(broken):
    result = broken[0]["v26.3 envvar strategy"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert "(DEVICE_LIST_STRATEGY=envvar)" in result["summary"]


def test_check_mode_gives_the_same_results(tmp_path):
    with StandIn(scenario="rke2-gpu") as srv:
        results, run = run_scenarios({"check": dict(srv=srv, toolkit_paths=toolkit_files(tmp_path))}, check_mode=True)
    assert {r: results["check"][r]["status"] for r in CHECKS} == {
        "accelerator_metrics": "passed",
        "ai_service_metrics": "passed",
        "secure_accelerator_access": "passed",
        "driver_runtime_management": "passed",
        "gpu_sharing": "skipped",
        "virtualized_accelerator": "skipped",
    }
    assert run.task("check")["changed"] is False
