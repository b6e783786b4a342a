"""The SHOULD checks through ansible-playbook on rke2-gpu with the add-ons they look for: an accepted
InferencePool, a Multus network, llm-d prefill and decode pods, a gVisor RuntimeClass. (rke2-gpu
without them gives "not detected": test_rke2_gpu_scheduling_checks.py.)"""

from tests.integration.checks.scheduling_helpers import check

SHOULDS = [
    "advanced_inference_ingress",
    "high_performance_networking",
    "disaggregated_inference",
    "workload_sandboxing",
]


def crd(group, version, plural, kind, scope="Namespaced"):
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "%s.%s" % (plural, group)},
        "spec": {
            "group": group,
            "names": {"plural": plural, "kind": kind, "singular": kind.lower(), "listKind": kind + "List"},
            "scope": scope,
            "versions": [
                {
                    "name": version,
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                }
            ],
        },
    }


def role_pod(name, role):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "llm-d", "labels": {"llm-d.ai/role": role, "app": "llama-8b"}},
        "spec": {"nodeName": "rke2-gpu-agent-1", "containers": [{"name": "vllm", "image": "vllm/vllm-openai"}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2025-09-17T12:00:00Z"}],
        },
    }


ADDONS = [
    crd("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool"),
    crd("k8s.cni.cncf.io", "v1", "network-attachment-definitions", "NetworkAttachmentDefinition"),
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "llm-d"}},
    {
        "apiVersion": "inference.networking.k8s.io/v1",
        "kind": "InferencePool",
        "metadata": {"name": "llama-8b", "namespace": "llm-d"},
        "spec": {
            "selector": {"matchLabels": {"app": "llama-8b"}},
            "targetPorts": [{"number": 8000}],
            "endpointPickerRef": {"name": "llama-8b-epp", "port": {"number": 9002}},
        },
        "status": {
            "parents": [
                {
                    "parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "inference"},
                    "conditions": [
                        {
                            "type": "Accepted",
                            "status": "True",
                            "reason": "Accepted",
                            "lastTransitionTime": "2025-09-17T12:00:00Z",
                        }
                    ],
                }
            ]
        },
    },
    {
        "apiVersion": "k8s.cni.cncf.io/v1",
        "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": "rdma-net", "namespace": "llm-d"},
        "spec": {
            "config": '{"cniVersion": "0.3.1", "type": "macvlan", "master": "eth1", "ipam": {"type": "whereabouts"}}'
        },
    },
    role_pod("llama-8b-prefill-0", "prefill"),
    role_pod("llama-8b-decode-0", "decode"),
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "gvisor"}, "handler": "runsc"},
]


def test_present_add_ons_are_detected(standin):
    srv = standin("rke2-gpu", overrides={"add": ADDONS})
    results, _run = check(srv, requirements=SHOULDS)
    results = results["check"]
    for requirement in SHOULDS:
        assert results[requirement]["status"] == "passed", (requirement, results[requirement]["summary"])
        assert results[requirement]["level"] is None  # rke2-gpu is a 1.34 cluster: no SHOULD of 1.36/1.37 yet
    assert "llm-d/llama-8b by Gateway inference" in results["advanced_inference_ingress"]["summary"]
    assert (
        "Multus NetworkAttachmentDefinition(s) llm-d/rdma-net (macvlan)"
        in (results["high_performance_networking"]["summary"])
    )
    assert "llm-d in llm-d: 1 prefill and 1 decode pod(s) ready" in results["disaggregated_inference"]["summary"]
    assert "gvisor (handler runsc, gVisor)" in results["workload_sandboxing"]["summary"]


def test_half_installed_add_ons_are_partial(standin):
    # the APIs without objects: Inference Extension without pools, Multus without networks; only
    # prefill pods; a Kata RuntimeClass for nodes that do not exist
    kata = {
        "apiVersion": "node.k8s.io/v1",
        "kind": "RuntimeClass",
        "metadata": {"name": "kata"},
        "handler": "kata-qemu",
        "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}},
    }
    add = [*ADDONS[:3], role_pod("llama-8b-prefill-0", "prefill"), kata]
    srv = standin("rke2-gpu", overrides={"add": add})
    results, _run = check(srv, requirements=SHOULDS, checklist_version="1.37")
    results = results["check"]
    for requirement in SHOULDS:
        assert results[requirement]["status"] == "partial", (requirement, results[requirement]["summary"])
        assert results[requirement]["level"] == "SHOULD"
    assert "no InferencePool exists" in results["advanced_inference_ingress"]["summary"]
    assert "no NetworkAttachmentDefinition exists" in results["high_performance_networking"]["summary"]
    assert "llm-d pods in llm-d lack a ready decode" in results["disaggregated_inference"]["summary"]
    assert (
        "selects nodes katacontainers.io/kata-runtime=true and none matches"
        in (results["workload_sandboxing"]["summary"])
    )
