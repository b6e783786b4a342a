"""SHOULD checks: advanced_inference_ingress, high_performance_networking, disaggregated_inference,
workload_sandboxing. Each passes on what it can defend, is partial on half a setup, and says
"not detected" (skipped, no CNCF status) when nothing is there."""

import json

from tests.unit import discovery_docs
from tests.unit.checks.world import World, custom, meta, node, pod

GAIE_V1 = {
    "inference.networking.k8s.io": [
        discovery_docs.custom_group("inference.networking.k8s.io", "v1", [("inferencepools", "InferencePool", True)])
    ]
}
GAIE_ALPHA = {
    "inference.networking.x-k8s.io": [
        discovery_docs.custom_group(
            "inference.networking.x-k8s.io",
            "v1alpha2",
            [("inferencepools", "InferencePool", True), ("inferencemodels", "InferenceModel", True)],
        )
    ]
}
MULTUS = {
    "k8s.cni.cncf.io": [
        discovery_docs.custom_group(
            "k8s.cni.cncf.io", "v1", [("network-attachment-definitions", "NetworkAttachmentDefinition", True)]
        )
    ]
}
DYNAMO = {
    "nvidia.com": [
        discovery_docs.custom_group(
            "nvidia.com", "v1alpha1", [("dynamographdeployments", "DynamoGraphDeployment", True)]
        )
    ]
}
KSERVE = {
    "serving.kserve.io": [
        discovery_docs.custom_group(
            "serving.kserve.io", "v1alpha1", [("llminferenceservices", "LLMInferenceService", True)]
        )
    ]
}
LWS = {
    "leaderworkerset.x-k8s.io": [
        discovery_docs.custom_group("leaderworkerset.x-k8s.io", "v1", [("leaderworkersets", "LeaderWorkerSet", True)])
    ]
}


def skipped_not_detected(result):
    assert result["status"] == "skipped", result["summary"]
    assert result["cncf_status"] == ""
    assert result["summary"].startswith("not detected")


# -- advanced_inference_ingress ---------------------------------------------------------------
def inference_pool(name, accepted=None, group_version="inference.networking.k8s.io/v1", field="parents"):
    status = None
    if accepted is not None:
        parent = {
            "parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "inference-gateway"},
            "conditions": [{"type": "Accepted", "status": accepted, "reason": "Accepted" if accepted else "Pending"}],
        }
        status = {field: [parent]}
    spec = {"selector": {"matchLabels": {"app": "vllm"}}, "targetPorts": [{"number": 8000}]}
    return custom(group_version, "InferencePool", "inferencepools", name, "llm", spec=spec, status=status)


def test_inference_extension_absent_is_not_detected():
    result, _client = World().run("advanced_inference_ingress")
    skipped_not_detected(result)
    assert "inference.networking.k8s.io or inference.networking.x-k8s.io" in result["summary"]


def test_accepted_inference_pool_passes():
    world = World(extra_groups=GAIE_V1).add(inference_pool("vllm-llama", accepted="True"))
    result, _client = world.run("advanced_inference_ingress")
    assert result["status"] == "passed", result["summary"]
    assert "llm/vllm-llama by Gateway inference-gateway" in result["summary"]


def test_alpha_api_with_singular_parent_status_passes():
    pool = inference_pool(
        "vllm", accepted="True", group_version="inference.networking.x-k8s.io/v1alpha2", field="parent"
    )
    result, _client = World(extra_groups=GAIE_ALPHA).add(pool).run("advanced_inference_ingress")
    assert result["status"] == "passed", result["summary"]
    assert "inference.networking.x-k8s.io/v1alpha2" in result["summary"]


def test_served_without_pools_is_partial():
    result, _client = World(extra_groups=GAIE_V1).run("advanced_inference_ingress")
    assert result["status"] == "partial"
    assert "no InferencePool exists" in result["summary"]


def test_pool_not_accepted_is_partial():
    world = World(extra_groups=GAIE_V1).add(inference_pool("vllm-llama", accepted="False"))
    result, _client = world.run("advanced_inference_ingress")
    assert result["status"] == "partial"
    assert "no Gateway reports having accepted one" in result["summary"]


# -- high_performance_networking --------------------------------------------------------------
def device_class(name, driver):
    return {
        "apiVersion": "resource.k8s.io/v1",
        "kind": "DeviceClass",
        "metadata": meta(name),
        "spec": {"selectors": [{"cel": {"expression": 'device.driver == "%s"' % driver}}]},
    }


def resource_slice(node_name, driver):
    return {
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceSlice",
        "metadata": meta("%s-%s-slice" % (node_name, driver.replace(".", "-"))),
        "spec": {"driver": driver, "nodeName": node_name, "pool": {"name": node_name, "resourceSliceCount": 1}},
    }


def nad(name, cni="macvlan"):
    config = json.dumps({"cniVersion": "0.3.1", "type": cni, "master": "eth1"})
    return custom(
        "k8s.cni.cncf.io/v1",
        "NetworkAttachmentDefinition",
        "network-attachment-definitions",
        name,
        "ai",
        spec={"config": config},
    )


def test_nothing_is_not_detected():
    skipped_not_detected(World().run("high_performance_networking")[0])


def test_dranet_passes_and_slices_are_read_with_a_bounded_field_selected_page():
    world = World().add(device_class("dranet", "dra.net"), resource_slice("gpu-0", "dra.net"))
    world.add(resource_slice("gpu-0", "gpu.nvidia.com"), device_class("gpu.nvidia.com", "gpu.nvidia.com"))
    result, client = world.run("high_performance_networking")
    assert result["status"] == "passed", result["summary"]
    assert "DRA driver dra.net publishes NICs on node(s) gpu-0, DeviceClass(es) dranet" in result["summary"]
    query = next(c[2] for c in client.calls if c[1] == "/apis/resource.k8s.io/v1/resourceslices")
    assert query["fieldSelector"] == "spec.driver=dra.net"
    assert query["limit"] == 20


def test_nic_slices_without_device_class_are_not_claimable_and_not_read():
    result, client = World().add(resource_slice("gpu-0", "dra.net")).run("high_performance_networking")
    skipped_not_detected(result)
    assert not any(c[1] == "/apis/resource.k8s.io/v1/resourceslices" for c in client.calls)


def test_device_class_without_slices_is_partial():
    result, _client = World().add(device_class("dranet", "dra.net")).run("high_performance_networking")
    assert result["status"] == "partial"
    assert "DeviceClass(es) dranet select driver dra.net, but it publishes no ResourceSlice" in result["summary"]


def test_multus_with_a_network_passes_and_notes_the_missing_dra():
    result, _client = World(extra_groups=MULTUS).add(nad("rdma-net")).run("high_performance_networking")
    assert result["status"] == "passed", result["summary"]
    assert "Multus NetworkAttachmentDefinition(s) ai/rdma-net (macvlan)" in result["summary"]
    assert "no DRA-managed NICs (such as DRANET), which the requirement recommends" in result["summary"]


def test_multus_without_networks_is_partial():
    result, _client = World(extra_groups=MULTUS).run("high_performance_networking")
    assert result["status"] == "partial"
    assert "no NetworkAttachmentDefinition exists" in result["summary"]


# -- disaggregated_inference ------------------------------------------------------------------
def role_pod(name, role, ready=True, ns="llm"):
    return pod(ns, name, {"llm-d.ai/role": role, "app": "llama"}, ready=ready)


def test_llm_d_prefill_and_decode_pods_pass():
    world = World().add(role_pod("p-0", "prefill"), role_pod("d-0", "decode"), role_pod("d-1", "decode"))
    result, client = world.run("disaggregated_inference")
    assert result["status"] == "passed", result["summary"]
    assert "llm-d in llm: 1 prefill and 2 decode pod(s) ready" in result["summary"]
    query = next(c[2] for c in client.calls if c[1] == "/api/v1/pods")
    assert query["labelSelector"] == "llm-d.ai/role in (prefill,decode)"


def test_llm_d_without_ready_decode_is_partial():
    world = World().add(role_pod("p-0", "prefill"), role_pod("d-0", "decode", ready=False))
    result, _client = world.run("disaggregated_inference")
    assert result["status"] == "partial"
    assert "llm-d pods in llm lack a ready decode" in result["summary"]


def test_dynamo_graph_with_prefill_and_decode_passes():
    spec = {
        "services": {
            "Frontend": {"componentType": "frontend"},
            "VllmPrefillWorker": {"componentType": "worker", "subComponentType": "prefill"},
            "VllmDecodeWorker": {"componentType": "worker", "subComponentType": "decode"},
        }
    }
    ready = {"conditions": [{"type": "Ready", "status": "True"}], "state": "successful"}
    dgd = custom(
        "nvidia.com/v1alpha1", "DynamoGraphDeployment", "dynamographdeployments", "disagg", "dynamo", spec, ready
    )
    result, _client = World(extra_groups=DYNAMO).add(dgd).run("disaggregated_inference")
    assert result["status"] == "passed", result["summary"]
    assert (
        "Dynamo graph dynamo/disagg with prefill VllmPrefillWorker and decode VllmDecodeWorker (Ready=True)"
        in (result["summary"])
    )


def test_dynamo_graph_that_splits_but_is_not_ready_is_partial():
    spec = {"services": {"Prefill": {"subComponentType": "prefill"}, "Decode": {"subComponentType": "decode"}}}
    not_ready = {"conditions": [{"type": "Ready", "status": "False"}]}
    dgd = custom(
        "nvidia.com/v1alpha1", "DynamoGraphDeployment", "dynamographdeployments", "disagg", "dynamo", spec, not_ready
    )
    result, _client = World(extra_groups=DYNAMO).add(dgd).run("disaggregated_inference")
    assert result["status"] == "partial"
    assert "Dynamo graph dynamo/disagg splits prefill and decode but is not ready (Ready=False)" in result["summary"]


def test_dynamo_installed_without_graphs_is_partial():
    result, _client = World(extra_groups=DYNAMO).run("disaggregated_inference")
    assert result["status"] == "partial"
    assert "no DynamoGraphDeployment exists" in result["summary"]


def llm_service(name, prefill=True, ready="True"):
    spec = {"model": {"uri": "hf://meta-llama/Llama-3.1-8B-Instruct"}, "replicas": 2}
    if prefill:
        spec["prefill"] = {"replicas": 1}
    status = {"conditions": [{"type": "Ready", "status": ready}]}
    return custom(
        "serving.kserve.io/v1alpha1", "LLMInferenceService", "llminferenceservices", name, "llm", spec, status
    )


def test_kserve_llm_service_with_a_prefill_stage_passes():
    result, _client = World(extra_groups=KSERVE).add(llm_service("llama")).run("disaggregated_inference")
    assert result["status"] == "passed", result["summary"]
    assert "KServe LLMInferenceService llm/llama with a separate prefill stage (Ready=True)" in result["summary"]


def test_kserve_llm_service_with_a_prefill_stage_not_ready_is_partial():
    world = World(extra_groups=KSERVE).add(llm_service("llama", ready="False"))
    result, _client = world.run("disaggregated_inference")
    assert result["status"] == "partial"
    assert "KServe LLMInferenceService llm/llama splits prefill but is not ready (Ready=False)" in result["summary"]


def test_kserve_llm_services_without_a_prefill_stage_are_partial():
    result, _client = World(extra_groups=KSERVE).add(llm_service("llama", prefill=False)).run("disaggregated_inference")
    assert result["status"] == "partial"
    assert (
        "KServe LLMInferenceService (serving.kserve.io/v1alpha1) is installed but none separates prefill and decode"
        in result["summary"]
    )


def test_leaderworkerset_alone_is_not_detected_and_said_so():
    result, _client = World(extra_groups=LWS).run("disaggregated_inference")
    skipped_not_detected(result)
    assert "LeaderWorkerSet is served" in result["summary"]


# -- workload_sandboxing ----------------------------------------------------------------------
def runtime_class(name, handler, node_selector=None):
    obj = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": meta(name), "handler": handler}
    if node_selector:
        obj["scheduling"] = {"nodeSelector": node_selector}
    return obj


def test_runtime_class_api_not_served_is_not_detected():
    groups = discovery_docs.full_cluster(drop_groups=("node.k8s.io",))
    result, _client = World(groups=groups).add(runtime_class("gvisor", "runsc")).run("workload_sandboxing")
    skipped_not_detected(result)
    assert result["summary"] == "not detected: node.k8s.io/v1 RuntimeClass is not served"


def test_only_nvidia_runtime_class_is_not_detected():
    result, _client = World().add(runtime_class("nvidia", "nvidia")).run("workload_sandboxing")
    skipped_not_detected(result)
    assert "RuntimeClasses found: nvidia (handler nvidia)" in result["summary"]


def test_gvisor_runtime_class_passes():
    result, _client = World().add(runtime_class("gvisor", "runsc")).run("workload_sandboxing")
    assert result["status"] == "passed", result["summary"]
    assert "gvisor (handler runsc, gVisor)" in result["summary"]
    # a RuntimeClass is not proof that the node's runtime has the handler, and the summary says so
    assert "shown only by running a pod, which this read-only check does not do" in result["summary"]


def test_kata_class_with_node_selector_needs_a_matching_node():
    world = World().add(runtime_class("kata", "kata-qemu", {"katacontainers.io/kata-runtime": "true"}))
    result, _client = world.run("workload_sandboxing")
    assert result["status"] == "partial"
    assert (
        "kata (handler kata-qemu, Kata Containers) selects nodes katacontainers.io/kata-runtime=true"
        in (result["summary"])
    )
    world.add(node("agent-1", labels={"katacontainers.io/kata-runtime": "true"}))
    result, client = world.run("workload_sandboxing")
    assert result["status"] == "passed", result["summary"]
    query = next(c[2] for c in client.calls if c[1] == "/api/v1/nodes")
    assert query == {"limit": 1, "labelSelector": "katacontainers.io/kata-runtime=true", "fieldSelector": None}


def test_custom_handler_pattern():
    world = World().add(runtime_class("sandbox", "my-vm-runtime"))
    options = {"workload_sandboxing": {"handlers": ["my-vm-*"]}}
    result, _client = world.run("workload_sandboxing", options=options)
    assert result["status"] == "passed", result["summary"]
    assert "sandbox (handler pattern my-vm-*)" in result["summary"]
