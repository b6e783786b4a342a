"""Generated scale worlds: N simulated nodes and M pods created through the API on top of a scenario.

``scale:nodes=5000,pods=50000[,gpu_every=4,namespaces=50,base=rke2-gpu]``: the base scenario (the
full add-on cluster by default), then every ``gpu_every``-th node a GPU node (one A100, the GPU
Operator's deploy labels, so its DaemonSets put their pods there), and M pods spread over
``namespaces`` namespaces and over the nodes (bound at creation, as a scheduler's binding would
leave them; KWOK runs them). Writes go out in parallel; nothing here is faster than a client of a
real cluster could be.
"""

import concurrent.futures

from tests.testworld.components.kwok import NODE_ANNOTATION
from tests.testworld.settle import wait_for

# what GPU feature discovery and the GPU Operator put on a GPU node, as on the rke2-gpu scenario's agents
GPU_LABELS = {
    "nvidia.com/gpu.present": "true",
    "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
    "nvidia.com/gpu.count": "1",
    "nvidia.com/gpu.memory": "81920",
    "nvidia.com/cuda.driver-version.full": "580.95.05",
    "kubernetes.azure.com/accelerator": "nvidia",
}
GPU_DEPLOY = (
    "driver",
    "gpu-feature-discovery",
    "container-toolkit",
    "device-plugin",
    "dcgm",
    "dcgm-exporter",
    "node-status-exporter",
    "operator-validator",
    "mig-manager",
)


def node(i, gpu):
    name = "node-%05d" % i
    labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": "Standard_NC24ads_A100_v4" if gpu else "Standard_D8s_v5",
    }
    capacity = {"cpu": "24" if gpu else "8", "memory": "226Gi" if gpu else "32Gi", "pods": "110"}
    if gpu:
        labels.update(GPU_LABELS)
        labels.update({"nvidia.com/gpu.deploy.%s" % d: "true" for d in GPU_DEPLOY})
        capacity["nvidia.com/gpu"] = "1"
    obj = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels, "annotations": {NODE_ANNOTATION[0]: NODE_ANNOTATION[1]}},
        "spec": {
            "providerID": "azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            "load/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/%d" % i
        },
    }
    status = {
        "capacity": capacity,
        "allocatable": dict(capacity),
        "addresses": [{"type": "Hostname", "address": name}],
        "nodeInfo": {"kubeletVersion": "v1.34.1+rke2r1", "containerRuntimeVersion": "containerd://2.1.4-k3s1"},
    }
    return obj, status


def pod(i, params):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "load-%06d" % i,
            "namespace": "load-%03d" % (i % params["namespaces"]),
            "labels": {"app": "load-%d" % (i % 100)},
        },
        "spec": {
            "nodeName": "node-%05d" % (i % params["nodes"]),
            "containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}],
        },
    }


def populate(api, params, workers=16):
    """Create the generated namespaces, nodes (with their simulated status) and pods."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        namespaces = [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "load-%03d" % i}}
            for i in range(params["namespaces"])
        ]
        list(pool.map(lambda obj: api.apply(obj, manager="testworld-scale"), namespaces))

        def make_node(i):
            obj, status = node(i, i % params["gpu_every"] == params["gpu_every"] - 1)
            api.create(dict(obj, status=status))  # registered with its status, as a kubelet does

        list(pool.map(make_node, range(params["nodes"])))
        # pods need their namespace's default ServiceAccount (kube-controller-manager makes it)
        for ns in namespaces:
            _wait_service_account(api, ns["metadata"]["name"])
        list(pool.map(lambda i: api.create(pod(i, params)), range(params["pods"])))


def _wait_service_account(api, namespace):
    wait_for(lambda: api.read("v1", "ServiceAccount", "default", namespace), timeout=60, what="default SA")
