"""The SHOULD checks through ansible-playbook on the rke2-gpu test world with the add-ons they look
for: an accepted InferencePool, a Multus network, llm-d prefill and decode Deployments, a gVisor
RuntimeClass. (rke2-gpu without them gives "not detected": test_rke2_gpu_scheduling_checks.py.)

No Inference Extension gateway, Multus or llm-d runs here: the CRDs and objects are applied through
the real API, the Deployments' pods are made by kube-controller-manager and run on kwok's nodes, and
the InferencePool's status (a gateway implementation's) is simulated data, listed in
``world.simulated``."""

from tests.integration.checks.scheduling_helpers import check

SHOULDS = [
    "advanced_inference_ingress",
    "high_performance_networking",
    "disaggregated_inference",
    "workload_sandboxing",
]


INFERENCE_APPROVAL = {
    "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api-inference-extension/pull/1173"
}


def crd(group, version, plural, kind, scope="Namespaced", annotations=None):
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "%s.%s" % (plural, group), "annotations": annotations or {}},
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


def role_deployment(name, role):
    """An llm-d model server Deployment of ``role`` (prefill or decode), as llm-d's modelservice
    chart labels them; kube-controller-manager makes its pod, kwok runs it."""
    labels = {"llm-d.ai/role": role, "app": "llama-8b"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "llm-d", "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "nodeSelector": {"nvidia.com/gpu.present": "true"},
                    "containers": [
                        {"name": "vllm", "image": "vllm/vllm-openai:v0.11.0", "ports": [{"containerPort": 8000}]}
                    ],
                },
            },
        },
    }


ADDONS = [
    # a *.k8s.io group: the API server requires the approval annotation the real CRD carries
    crd("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool", annotations=INFERENCE_APPROVAL),
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
                            "message": "InferencePool has been accepted by the Gateway",
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
    role_deployment("llama-8b-prefill", "prefill"),
    role_deployment("llama-8b-decode", "decode"),
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "gvisor"}, "handler": "runsc"},
]


def test_present_add_ons_are_detected(world):
    w = world("rke2-gpu", overrides={"add": ADDONS})
    assert {
        "what": "inference.networking.k8s.io/v1 InferencePool llm-d/llama-8b status",
        "why": "written by a controller that does not run here",
    } in w.simulated
    results, _run = check(w, requirements=SHOULDS)
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


def test_half_installed_add_ons_are_partial(world):
    # the APIs without objects: Inference Extension without pools, Multus without networks; only
    # a prefill Deployment; a Kata RuntimeClass for nodes that do not exist
    kata = {
        "apiVersion": "node.k8s.io/v1",
        "kind": "RuntimeClass",
        "metadata": {"name": "kata"},
        "handler": "kata-qemu",
        "scheduling": {"nodeSelector": {"katacontainers.io/kata-runtime": "true"}},
    }
    add = [*ADDONS[:3], role_deployment("llama-8b-prefill", "prefill"), kata]
    w = world("rke2-gpu", overrides={"add": add})
    results, _run = check(w, requirements=SHOULDS, checklist_version="1.37")
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
