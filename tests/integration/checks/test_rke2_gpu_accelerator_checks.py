"""The accelerator checks through ansible-playbook against the rke2-gpu test world.

The world as shipped (a real kube-apiserver, kube-controller-manager and kube-scheduler with KWOK
nodes running the rke2-gpu scenario: GPU Operator v25.3 with the seed's settings,
kube-prometheus-stack, the seed's DCGM ServiceMonitor; docs/testworld.md) passes every MUST once
the node-side toolkit facts are given. Then each world below is broken in exactly one way a check
must catch, the way a real cluster breaks (exporter pods that crash-loop, an exporter page without
a series, a Prometheus reporting a target down, an operator status, a device plugin setting), and
the tests assert the summary says what is wrong. Both GPU Operator generations (v25.3 volume
mounts, v26.3 CDI) are covered. Cases that change only the checks' inputs (node facts,
scrape=service) run on the world as shipped. All of them share one ansible-playbook run (one task
per case) to keep the suite fast.
"""

import collections
import concurrent.futures
import copy

import pytest

from tests.integration.checks.accelerator_helpers import (
    CHECKS,
    CRASH_LOOPING,
    GPU_NODES,
    endpoint,
    exporter_pods,
    load_override,
    run_scenarios,
    scenario_object,
    toolkit_files,
)
from tests.integration.playbook import evidence
from tests.testworld import TestWorld
from tests.unit.checks.gpu_world import TOOLKIT_CONFIG

MUSTS = ("accelerator_metrics", "ai_service_metrics", "secure_accelerator_access")
GPU_NS = "gpu-operator"
# what the checks read through the API server's proxies (kube-prometheus-stack names Prometheus' port http-web)
TARGETS_PATH = "/api/v1/namespaces/monitoring/services/prometheus-operated:http-web/proxy/api/v1/targets"
SERVICE_METRICS_PATH = "/api/v1/namespaces/gpu-operator/services/nvidia-dcgm-exporter:gpu-metrics/proxy/metrics"
NO_DOWN_TARGETS = "{%- set down = {} %}"
WORLDS_AT_ONCE = 4

Shipped = collections.namedtuple("Shipped", "results run world requests")
Broken = collections.namedtuple("Broken", "results run paths worlds shipped_endpoint_requests")


def pod_metrics_path(pod_name):
    return "/api/v1/namespaces/%s/pods/%s:9400/proxy/metrics" % (GPU_NS, pod_name)


def name_of(obj):
    return obj["metadata"]["name"]


def dcgm_page():
    """The DCGM exporter's /metrics page template of the gpu-operator fragment."""
    return endpoint("gpu-operator.yaml", "dcgm-exporter")["paths"]["/metrics"]


def dcgm_page_override(page):
    """Overrides serving ``page`` as every DCGM exporter's /metrics (the declaration replaced by name)."""
    decl = endpoint("gpu-operator.yaml", "dcgm-exporter")
    decl["paths"]["/metrics"] = page
    return {"endpoints": [decl]}


def without_memory_metrics():
    # dcgm-exporter run with a counters CSV that leaves out the framebuffer fields
    return dcgm_page_override("".join(line for line in dcgm_page().splitlines(True) if "DCGM_FI_DEV_FB_" not in line))


def agent_1_without_series():
    # the exporter on rke2-gpu-agent-1 answers, but with no GPU series (only its HELP/TYPE lines), as
    # dcgm-exporter does when DCGM sees no GPU; rke2-gpu-agent-0's exporter serves its full page
    full = dcgm_page()
    comments = "".join(line for line in full.splitlines(True) if not line.startswith("DCGM_"))
    return dcgm_page_override(
        '{% if pod.node == "rke2-gpu-agent-1" %}' + comments + "{% else %}" + full + "{% endif %}"
    )


def agent_1_target_down():
    # Prometheus' last scrape of the exporter on rke2-gpu-agent-1 timed out (a network policy or a hung
    # exporter): its targets API reports that target down with the scrape error
    decl = endpoint("monitoring.yaml", "prometheus")
    page = decl["paths"]["/api/v1/targets"]
    assert NO_DOWN_TARGETS in page
    decl["paths"]["/api/v1/targets"] = page.replace(
        NO_DOWN_TARGETS, '{%- set down = {"rke2-gpu-agent-1": "context deadline exceeded"} %}'
    )
    return {"endpoints": [decl]}


def daemonset_patch(name, patch):
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name, "namespace": GPU_NS, "patch": patch}


# the exporter's containers exit at once on both GPU nodes: the world's KWOK stage keeps them in
# CrashLoopBackOff (Running, Ready=False), as a kubelet reports them
EXPORTERS_CRASH_LOOPING = {
    "patch": [
        daemonset_patch("nvidia-dcgm-exporter", {"spec": {"template": {"metadata": {"annotations": CRASH_LOOPING}}}})
    ]
}


def device_plugin_strategy(strategy, override=None):
    """A merge patch of the device plugin DaemonSet (of the fragment, or as ``override`` renders it)
    with DEVICE_LIST_STRATEGY set to ``strategy`` (the container list is replaced whole)."""
    template = scenario_object("gpu-operator.yaml", "DaemonSet", "nvidia-device-plugin-daemonset")["spec"]["template"]
    for item in (override or {}).get("patch") or []:
        if item["kind"] == "DaemonSet" and item["name"] == "nvidia-device-plugin-daemonset":
            template = item["patch"]["spec"]["template"]
    container = copy.deepcopy(template["spec"]["containers"][0])
    for item in container["env"]:
        if item["name"] == "DEVICE_LIST_STRATEGY":
            item["value"] = strategy
    return daemonset_patch(
        "nvidia-device-plugin-daemonset", {"spec": {"template": {"spec": {"containers": [container]}}}}
    )


def v26_with_envvar():
    override = load_override("gpu-operator-v26.3.yaml")
    override["patch"].append(device_plugin_strategy("envvar", override))
    return override


# the operator's status when an operand is not ready (here the driver it would manage)
POLICY_NOT_READY = {
    "patch": [
        {
            "apiVersion": "nvidia.com/v1",
            "kind": "ClusterPolicy",
            "name": "cluster-policy",
            "patch": {
                "status": {
                    "state": "notReady",
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": "False",
                            "reason": "OperandNotReady",
                            "message": "ClusterPolicy is not ready, states not ready: [state-driver]",
                            "lastTransitionTime": "2025-09-17T10:36:00Z",
                        },
                        {
                            "type": "Error",
                            "status": "False",
                            "reason": "OperandNotReady",
                            "message": "",
                            "lastTransitionTime": "2025-09-17T10:36:00Z",
                        },
                    ],
                }
            },
        }
    ]
}
ENVVAR_TOML = TOOLKIT_CONFIG.replace(
    "accept-nvidia-visible-devices-envvar-when-unprivileged = false",
    "accept-nvidia-visible-devices-envvar-when-unprivileged = true",
)
INVALID_TOML = TOOLKIT_CONFIG.replace('mode = "auto"', "mode = auto")

# worlds broken in one way: name -> (overrides of the rke2-gpu scenario, requirements)
BROKEN = {
    "no memory metrics": (without_memory_metrics(), ["accelerator_metrics"]),
    "gpu node without series": (agent_1_without_series(), ["accelerator_metrics"]),
    "exporter pods crash-looping": (EXPORTERS_CRASH_LOOPING, ["accelerator_metrics"]),
    "target down": (agent_1_target_down(), ["ai_service_metrics"]),
    # these two fail before the node side is looked at: no toolkit files needed
    "policy not ready": (POLICY_NOT_READY, ["secure_accelerator_access", "driver_runtime_management"]),
    "envvar strategy": ({"patch": [device_plugin_strategy("envvar")]}, ["secure_accelerator_access"]),
    "v26.3": (load_override("gpu-operator-v26.3.yaml"), list(CHECKS)),
    "v26.3 envvar strategy": (v26_with_envvar(), ["secure_accelerator_access"]),
}
# other inputs on the world as shipped: name -> (toolkit files: None for none, else {node: text or None},
# requirements, conformance_check options)
VARIANTS = {
    "no node facts": (None, ["secure_accelerator_access"], {}),
    "toolkit accepts envvar": ({"rke2-gpu-agent-1": ENVVAR_TOML}, ["secure_accelerator_access"], {}),
    "toolkit missing or invalid": (
        {"rke2-gpu-agent-0": None, "rke2-gpu-agent-1": INVALID_TOML},
        ["secure_accelerator_access"],
        {},
    ),
    "scrape=service": (None, ["accelerator_metrics"], {"accelerator_metrics": {"scrape": "service"}}),
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    world = TestWorld("rke2-gpu")
    try:
        world.start()
        paths = toolkit_files(tmp_path_factory.mktemp("toolkit"))
        results, run = run_scenarios({"check": dict(world=world, toolkit_paths=paths)})
        yield Shipped(results["check"], run, world, world.requests)
    finally:
        world.stop()


@pytest.fixture(scope="module")
def broken(shipped, tmp_path_factory):
    worlds = {name: TestWorld("rke2-gpu", overrides=overrides) for name, (overrides, _r) in BROKEN.items()}
    scenarios, paths = {}, {}
    # The worlds are independent: started a few at a time, and stopped all at once (kube-apiserver takes
    # its 10 s grace to stop). The pool that starts them lives as long as they do: the world's programs
    # get PR_SET_PDEATHSIG, which kills them when the THREAD that started them ends.
    with concurrent.futures.ThreadPoolExecutor(WORLDS_AT_ONCE) as pool:
        try:
            started = [pool.submit(world.start) for world in worlds.values()]
            concurrent.futures.wait(started)
            for future in started:
                future.result()  # the first world that did not start fails the fixture, naming why
            for name, (_overrides, requirements) in BROKEN.items():
                scenarios[name] = {"world": worlds[name], "requirements": requirements}
            for name, (files, requirements, options) in VARIANTS.items():
                scenarios[name] = dict(options, world=shipped.world, requirements=requirements)
                if files is not None:
                    paths[name] = toolkit_files(tmp_path_factory.mktemp("toolkit"), files)
                    scenarios[name]["toolkit_paths"] = paths[name]
            seen = len(shipped.world.endpoint_requests())
            results, run = run_scenarios(scenarios)
            yield Broken(results, run, paths, worlds, shipped.world.endpoint_requests()[seen:])
        finally:
            with concurrent.futures.ThreadPoolExecutor(len(worlds)) as stopping:
                list(stopping.map(TestWorld.stop, worlds.values()))


@pytest.mark.parametrize("requirement", MUSTS)
def test_every_must_passes(shipped, requirement):
    results = shipped.results
    assert results[requirement]["status"] == "passed", results[requirement]["summary"]
    assert results[requirement]["level"] == "MUST"
    assert results[requirement]["cncf_status"] == "Implemented"


def test_summaries_say_what_was_found(shipped):
    results, run = shipped.results, shipped.run
    pods = exporter_pods(shipped.world)
    assert sorted(pods) == list(GPU_NODES)  # one exporter pod per GPU node, placed by the DaemonSet controller
    assert (
        "all 2 GPU node(s) expose per-GPU utilization (DCGM_FI_DEV_GPU_UTIL)"
        in results["accelerator_metrics"]["summary"]
    )
    assert "temperature (DCGM_FI_DEV_GPU_TEMP, DCGM_FI_DEV_MEMORY_TEMP)" in results["accelerator_metrics"]["summary"]
    # Prometheus' targets are the exporter pods the world runs, at the pod IPs KWOK gave them
    assert results["ai_service_metrics"]["summary"] == (
        "Prometheus monitoring/prometheus-stack-kube-prom-prometheus is ready and discovers 2 target(s) of "
        "ServiceMonitor monitoring/nvidia-dcgm-monitor, all up (%s)"
        % ", ".join("http://%s:9400/metrics" % pods[node]["status"]["podIP"] for node in GPU_NODES)
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
def test_absent_shoulds_are_not_detected(shipped, requirement):
    result = shipped.results[requirement]
    assert result["status"] == "skipped"
    assert result["cncf_status"] == ""
    assert result["summary"].startswith("not detected")


def test_evidence_can_be_replayed_with_kubectl(shipped):
    results, world = shipped.results, shipped.world
    pod = name_of(exporter_pods(world)["rke2-gpu-agent-0"])
    page_ev = evidence(results["accelerator_metrics"], "metrics page of node rke2-gpu-agent-0 (pod %s)" % pod)
    assert page_ev["kubectl"] == "kubectl get --raw '%s'" % pod_metrics_path(pod)
    assert page_ev["output"][0].startswith('DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-6f1c2a94')
    assert any(line.startswith("DCGM_FI_DEV_FB_USED{") for line in page_ev["output"])
    # the same raw read, replayed against the API server, answers the lines the evidence shows
    replayed = world.admin_api.request("GET", pod_metrics_path(pod), accept="text/plain").splitlines()
    assert set(page_ev["output"]) <= set(replayed)
    targets = evidence(results["ai_service_metrics"], "active targets")
    assert TARGETS_PATH in targets["kubectl"]


def test_reads_are_bounded(shipped):
    requests, world = shipped.requests, shipped.world
    counters = world.request_log.counters(requests)["by_path"]
    # GPU nodes listed once for all five checks that need them, the ClusterPolicy once for four
    assert counters["/api/v1/nodes"] == 1
    assert counters["/apis/nvidia.com/v1/clusterpolicies"] == 1
    assert counters["/apis/apps/v1/namespaces/gpu-operator/daemonsets"] == 1
    # exporter pods listed once, then one proxy read per GPU node, and one read of Prometheus' targets
    assert counters["/api/v1/namespaces/gpu-operator/pods"] == 1
    proxied = sorted(p for p in counters if "/proxy/" in p)
    assert proxied == sorted([TARGETS_PATH] + [pod_metrics_path(name_of(p)) for p in exporter_pods(world).values()])
    assert all(counters[p] == 1 for p in proxied)
    assert {r["verb"] for r in requests} <= {"get", "list"}
    assert all(r["method"] == "GET" for r in requests)
    assert [r for r in requests if r["status"] != 200] == []


def test_without_node_facts_secure_access_is_partial(broken):
    result = broken.results["no node facts"]["secure_accelerator_access"]
    assert result["status"] == "partial"
    assert "the node side was not verified" in result["summary"]


def test_dcgm_page_without_memory_metrics(broken):
    result = broken.results["no memory metrics"]["accelerator_metrics"]
    assert result["status"] == "failed"
    assert "accelerator metrics missing on 2 of 2 GPU node(s)" in result["summary"]
    assert "lacks DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE" in result["summary"]


def test_gpu_node_without_series(broken):
    result = broken.results["gpu node without series"]["accelerator_metrics"]
    assert result["status"] == "failed"
    assert (
        "missing on 1 of 2 GPU node(s): rke2-gpu-agent-1: no per-GPU series of DCGM_FI_DEV_GPU_UTIL, "
        "DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE" in result["summary"]
    )
    assert "rke2-gpu-agent-0:" not in result["summary"]


def test_exporter_pods_crash_looping(broken):
    result = broken.results["exporter pods crash-looping"]["accelerator_metrics"]
    pods = exporter_pods(broken.worlds["exporter pods crash-looping"])
    for pod in pods.values():  # the world broke as a cluster does: the containers are in CrashLoopBackOff
        assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert result["status"] == "failed"
    assert "accelerator metrics missing on 2 of 2 GPU node(s)" in result["summary"]
    for node in GPU_NODES:
        assert (
            "%s: exporter pod %s is not ready (Running, Ready=False)" % (node, name_of(pods[node])) in result["summary"]
        )
    assert result["details"]["pages_read"] == 0  # a pod that is not ready is not read


def test_service_scraping_proves_only_the_node_it_reached(broken, shipped):
    # The stand-in answered the Service proxy with one declared page holding the series of both
    # exporters, and scrape=service passed. The real API server's service proxy sends each request to
    # ONE endpoint of the Service, so the one page read shows one node's series: the check proves that
    # node and fails the other, pointing at scrape=pods (there is no passing scrape=service case).
    result = broken.results["scrape=service"]["accelerator_metrics"]
    answered = [r for r in broken.shipped_endpoint_requests if r["endpoint"] == "dcgm-exporter"]
    assert len(answered) == 1, answered
    node_of = {name_of(p): node for node, p in exporter_pods(shipped.world).items()}
    reached = node_of[answered[0]["pod"]]
    (missed,) = [n for n in GPU_NODES if n != reached]
    assert result["status"] == "failed"
    assert (
        "accelerator metrics missing on 1 of 2 GPU node(s): %s: no series carry Hostname/hostname/node=%s on the "
        "page read through the Service" % (missed, missed) in result["summary"]
    )
    assert "use accelerator_metrics.scrape=pods" in result["summary"]
    page_ev = evidence(result, "metrics page of node %s (through the Service)" % reached)
    assert page_ev["ok"] is True
    assert page_ev["kubectl"] == "kubectl get --raw '%s'" % SERVICE_METRICS_PATH


def test_prometheus_target_down(broken):
    result = broken.results["target down"]["ai_service_metrics"]
    ip = exporter_pods(broken.worlds["target down"])["rke2-gpu-agent-1"]["status"]["podIP"]
    assert result["status"] == "failed"
    assert "1 of 2 target(s) of ServiceMonitor monitoring/nvidia-dcgm-monitor are not up" in result["summary"]
    assert (
        'http://%s:9400/metrics health=down (Get "http://%s:9400/metrics": context deadline exceeded)' % (ip, ip)
        in result["summary"]
    )


def test_cluster_policy_not_ready(broken):
    results = broken.results["policy not ready"]
    assert results["secure_accelerator_access"]["status"] == "failed"
    assert "ClusterPolicy cluster-policy is notReady, not ready" in results["secure_accelerator_access"]["summary"]
    assert results["driver_runtime_management"]["status"] == "failed"
    assert "ClusterPolicy cluster-policy is notReady" in results["driver_runtime_management"]["summary"]


def test_device_plugin_with_the_envvar_strategy(broken):
    result = broken.results["envvar strategy"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert (
        "the device plugin gpu-operator/nvidia-device-plugin-daemonset hands out GPUs through the "
        "NVIDIA_VISIBLE_DEVICES environment variable (DEVICE_LIST_STRATEGY=envvar)" in result["summary"]
    )


def test_toolkit_accepting_the_envvar_on_one_node(broken):
    result = broken.results["toolkit accepts envvar"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert (
        "rke2-gpu-agent-1: accept-nvidia-visible-devices-envvar-when-unprivileged = true, expected false"
        in (result["summary"])
    )
    assert "rke2-gpu-agent-0" not in result["summary"]
    facts = broken.run.task("toolkit accepts envvar: toolkit rke2-gpu-agent-1")
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is True


def test_toolkit_file_missing_or_invalid_on_a_node(broken):
    paths = broken.paths["toolkit missing or invalid"]
    result = broken.results["toolkit missing or invalid"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert "rke2-gpu-agent-0: toolkit config %s does not exist" % paths["rke2-gpu-agent-0"] in result["summary"]
    assert (
        "rke2-gpu-agent-1: reading the toolkit config failed: %s is not valid TOML" % paths["rke2-gpu-agent-1"]
        in (result["summary"])
    )
    line = INVALID_TOML.splitlines().index("  mode = auto") + 1
    assert "(line %d)" % line in result["summary"]
    assert broken.run.task("toolkit missing or invalid: toolkit rke2-gpu-agent-1")["failed"] is True
    assert broken.run.task("toolkit missing or invalid: toolkit rke2-gpu-agent-0")["exists"] is False


def test_gpu_operator_v26_with_cdi_passes_without_node_facts(broken):
    results = broken.results["v26.3"]
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
    result = broken.results["v26.3 envvar strategy"]["secure_accelerator_access"]
    assert result["status"] == "failed"
    assert "(DEVICE_LIST_STRATEGY=envvar)" in result["summary"]


def test_check_mode_gives_the_same_results(shipped, tmp_path):
    results, run = run_scenarios(
        {"check": dict(world=shipped.world, toolkit_paths=toolkit_files(tmp_path))}, check_mode=True
    )
    assert {r: results["check"][r]["status"] for r in CHECKS} == {
        "accelerator_metrics": "passed",
        "ai_service_metrics": "passed",
        "secure_accelerator_access": "passed",
        "driver_runtime_management": "passed",
        "gpu_sharing": "skipped",
        "virtualized_accelerator": "skipped",
    }
    assert run.task("check")["changed"] is False
