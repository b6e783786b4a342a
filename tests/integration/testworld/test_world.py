"""The test world is a real cluster: what its components do, seen through real clients.

Each test asserts behaviour that only the real control plane produces (the Python imitation it
replaced could not): the scheduler's verdict and event for a GPU it cannot give, a Deployment's
ReplicaSet, a Job that completes, a namespace that goes through Terminating, a webhook that is
called, defaulting and strict validation of built-in kinds, impersonation.
"""

import json

import pytest

from tests.integration.kubectl import KUBECTLS, kubectl
from tests.integration.playbook import run_playbook
from tests.testworld import binaries
from tests.testworld.settle import wait_for

GPU_NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {
        "name": "gpu-0",
        "labels": {"kubernetes.io/hostname": "gpu-0", "kubernetes.io/os": "linux", "nvidia.com/gpu.present": "true"},
    },
    "status": {
        "capacity": {"cpu": "24", "memory": "220Gi", "pods": "110", "nvidia.com/gpu": "1"},
        "allocatable": {"cpu": "24", "memory": "220Gi", "pods": "110", "nvidia.com/gpu": "1"},
        "addresses": [{"type": "InternalIP", "address": "10.0.1.4"}, {"type": "Hostname", "address": "gpu-0"}],
    },
}
NVIDIA_RUNTIME = {
    "apiVersion": "node.k8s.io/v1",
    "kind": "RuntimeClass",
    "metadata": {"name": "nvidia"},
    "handler": "nvidia",
}


@pytest.fixture(scope="module")
def cluster(shared_world):
    return shared_world("empty")


def _namespace(world, name):
    world.api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    # pods need the namespace's default ServiceAccount, which kube-controller-manager creates
    wait_for(lambda: world.api.read("v1", "ServiceAccount", "default", name), what="ServiceAccount %s/default" % name)
    return name


@pytest.mark.parametrize("version", sorted(KUBECTLS))
def test_kubectl_sees_a_server_built_from_k8s_io_kubernetes(cluster, version):
    out = json.loads(kubectl(cluster, "version", "-o", "json", version=version).stdout)
    server = out["serverVersion"]
    assert server["gitVersion"] == binaries.kubernetes_version("1.34") == "v1.34.1"
    assert server["gitTreeState"] == "clean"
    assert server["compiler"] == "gc"
    assert server["goVersion"].startswith("go1.")


def _page_pod(name, container, gpu):
    """A pod of the three-pod test on RKE2's AI-conformance page, as the page writes it."""
    limits = "\n    resources: {limits: {nvidia.com/gpu: 1}}" if gpu else ""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: default}\nspec:\n"
        "  restartPolicy: OnFailure\n  runtimeClassName: nvidia\n  containers:\n  - name: %s\n"
        '    image: nvcr.io/nvidia/k8s/cuda-sample:nbody\n    command: ["/bin/bash", "-c"]\n'
        '    args: ["while true; do sleep 5 && cuda-samples/nbody -gpu -benchmark; done"]%s\n'
        % (name, container, limits)
    )


PAGE_PODS = "---\n".join(
    [
        _page_pod("nbody-gpu-benchmark1", "cuda-container", gpu=True),
        _page_pod("nbody-gpu-benchmark2", "cuda-container2", gpu=True),
        _page_pod("nbody-gpu-benchmark3", "cuda-container3", gpu=False),
    ]
)


def test_the_three_pod_isolation_test_of_rke2s_page_schedules_as_a_real_cluster_does(world):
    """RKE2's AI-conformance page: with one GPU, the first GPU pod runs on the GPU node, the second
    stays Pending (the scheduler says Insufficient nvidia.com/gpu), the third (no request) runs."""
    cluster = world("empty", overrides={"add": [GPU_NODE, NVIDIA_RUNTIME]})
    kubectl(cluster, "apply", "-f", "-", stdin=PAGE_PODS)

    def pod(name):
        return cluster.api.read("v1", "Pod", name, "default")

    first = wait_for(
        lambda: (
            (pod("nbody-gpu-benchmark1").get("status") or {}).get("phase") == "Running" and pod("nbody-gpu-benchmark1")
        )
    )
    assert first["spec"]["nodeName"] == "gpu-0"
    # the request was defaulted from the limit, as kube-apiserver does for extended resources
    assert first["spec"]["containers"][0]["resources"]["requests"] == {"nvidia.com/gpu": "1"}
    wait_for(lambda: (pod("nbody-gpu-benchmark3").get("status") or {}).get("phase") == "Running")

    def unschedulable():
        conditions = {c["type"]: c for c in (pod("nbody-gpu-benchmark2").get("status") or {}).get("conditions") or []}
        scheduled = conditions.get("PodScheduled") or {}
        return scheduled.get("reason") == "Unschedulable" and scheduled

    scheduled = wait_for(unschedulable, what="nbody-gpu-benchmark2 Unschedulable")
    second = pod("nbody-gpu-benchmark2")
    assert second["status"]["phase"] == "Pending" and not second["spec"].get("nodeName")
    assert "Insufficient nvidia.com/gpu" in scheduled["message"]
    events = wait_for(
        lambda: cluster.api.list(
            "v1", "Event", "default", fieldSelector="involvedObject.name=nbody-gpu-benchmark2,reason=FailedScheduling"
        ),
        what="FailedScheduling event",
    )
    component = events[0].get("reportingComponent") or (events[0].get("source") or {}).get("component")
    assert component == "default-scheduler"
    assert "Insufficient nvidia.com/gpu" in events[0]["message"]


def test_a_pod_without_its_runtimeclass_is_refused_by_admission(world):
    cluster = world("empty", overrides={"add": [GPU_NODE]})
    proc = kubectl(cluster, "apply", "-f", "-", stdin=PAGE_PODS.split("---", maxsplit=1)[0], check=False)
    assert proc.returncode != 0
    assert 'RuntimeClass "nvidia" not found' in proc.stderr


def test_a_deployment_gets_its_replicaset_and_pods(cluster):
    ns = _namespace(cluster, "tw-deployment")
    try:
        cluster.api.apply(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "namespace": ns},
                "spec": {
                    "replicas": 3,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                    },
                },
            }
        )
        ready = wait_for(
            lambda: (
                (cluster.api.read("apps/v1", "Deployment", "web", ns).get("status") or {}).get("readyReplicas") == 3
            ),
            what="3 ready replicas",
        )
        assert ready
        replicasets = cluster.api.list("apps/v1", "ReplicaSet", ns)
        assert len(replicasets) == 1
        owner = replicasets[0]["metadata"]["ownerReferences"][0]
        assert (owner["kind"], owner["name"], owner["controller"]) == ("Deployment", "web", True)
        pods = cluster.api.list("v1", "Pod", ns, labelSelector="app=web")
        assert len(pods) == 3
        assert {p["metadata"]["ownerReferences"][0]["name"] for p in pods} == {replicasets[0]["metadata"]["name"]}
        assert all(p["spec"]["nodeName"] == "rke2-server-0" and p["status"]["podIP"].startswith("100.") for p in pods)
    finally:
        cluster.api.delete("v1", "Namespace", ns)


def test_a_job_completes(cluster):
    ns = _namespace(cluster, "tw-job")
    try:
        cluster.api.apply(
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "pi", "namespace": ns},
                "spec": {
                    "completions": 2,
                    "parallelism": 2,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}},
                },
            }
        )

        def complete():
            job = cluster.api.read("batch/v1", "Job", "pi", ns)
            conditions = {c["type"]: c["status"] for c in (job.get("status") or {}).get("conditions") or []}
            return conditions.get("Complete") == "True" and job

        job = wait_for(complete, what="Job Complete")
        assert job["status"]["succeeded"] == 2
        pods = cluster.api.list("v1", "Pod", ns, labelSelector="job-name=pi")
        assert [p["status"]["phase"] for p in pods] == ["Succeeded", "Succeeded"]
    finally:
        cluster.api.delete("v1", "Namespace", ns)


def test_a_namespace_deletion_goes_through_terminating(cluster):
    ns = _namespace(cluster, "tw-terminating")
    cluster.api.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "held", "namespace": ns, "finalizers": ["testworld.ai-conformance/hold"]},
        }
    )
    cluster.api.delete("v1", "Namespace", ns)
    namespace = cluster.api.read("v1", "Namespace", ns)
    assert namespace["status"]["phase"] == "Terminating"
    assert namespace["metadata"]["deletionTimestamp"]
    conditions = wait_for(
        lambda: {c["type"]: c for c in cluster.api.read("v1", "Namespace", ns)["status"].get("conditions") or []}.get(
            "NamespaceFinalizersRemaining"
        ),
        what="NamespaceFinalizersRemaining",
    )
    assert "testworld.ai-conformance/hold" in conditions["message"]
    cluster.api.merge_patch("v1", "ConfigMap", "held", {"metadata": {"finalizers": None}}, namespace=ns)
    wait_for(lambda: cluster.api.read("v1", "Namespace", ns) is None, what="namespace gone")


WEBHOOK_WORLD = {
    "add": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "policy"}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "policy-webhook", "namespace": "policy"}},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "policy-webhook", "namespace": "policy"},
            "spec": {
                "selector": {"matchLabels": {"app": "policy-webhook"}},
                "template": {
                    "metadata": {"labels": {"app": "policy-webhook"}},
                    "spec": {
                        "serviceAccountName": "policy-webhook",
                        "containers": [
                            {
                                "name": "webhook",
                                "image": "policy:1",
                                "ports": [{"name": "https", "containerPort": 9443}],
                            }
                        ],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "policy-webhook", "namespace": "policy"},
            "spec": {"selector": {"app": "policy-webhook"}, "ports": [{"port": 443, "targetPort": "https"}]},
        },
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "policy"},
            "webhooks": [
                {
                    "name": "configmaps.policy.example.com",
                    "admissionReviewVersions": ["v1"],
                    "sideEffects": "None",
                    "failurePolicy": "Fail",
                    "clientConfig": {"service": {"name": "policy-webhook", "namespace": "policy", "path": "/validate"}},
                    "objectSelector": {"matchLabels": {"policy": "checked"}},
                    "rules": [
                        {
                            "apiGroups": [""],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE"],
                            "resources": ["configmaps"],
                        }
                    ],
                }
            ],
        },
    ],
    "endpoints": [
        {
            "name": "policy-webhook",
            "simulates": "a validating webhook that refuses ConfigMaps without data",
            "namespace": "policy",
            "selector": {"app": "policy-webhook"},
            "port": 9443,
            "tls": True,
            "paths": {
                "/validate": (
                    '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": '
                    '{"uid": "{{ request.json.request.uid }}", '
                    '"allowed": {{ "true" if request.json.request.object.get("data") else "false" }}, '
                    '"status": {"code": 403, "message": "policy: {{ request.json.request.name }} has no data"}}}'
                )
            },
        }
    ],
}


def test_a_webhook_configured_in_the_cluster_is_called(world):
    cluster = world("empty", overrides=WEBHOOK_WORLD)
    refused = kubectl(cluster, "create", "configmap", "empty", "-n", "default", "--dry-run=client", "-o", "yaml")
    manifest = refused.stdout.replace("metadata:\n", "metadata:\n  labels: {policy: checked}\n", 1)
    proc = kubectl(cluster, "apply", "-f", "-", stdin=manifest, check=False)
    assert proc.returncode != 0
    assert (
        'admission webhook "configmaps.policy.example.com" denied the request: policy: empty has no data' in proc.stderr
    )
    accepted = kubectl(
        cluster, "create", "configmap", "full", "-n", "default", "--from-literal=k=v", "--dry-run=client", "-o", "yaml"
    ).stdout.replace("metadata:\n", "metadata:\n  labels: {policy: checked}\n", 1)
    kubectl(cluster, "apply", "-f", "-", stdin=accepted)
    calls = [r for r in cluster.endpoint_requests() if r["endpoint"] == "policy-webhook"]
    assert [(c["method"], c["path"], c["body"]["request"]["name"]) for c in calls] == [
        ("POST", "/validate", "empty"),
        ("POST", "/validate", "full"),
    ]
    assert all(c["body"]["kind"] == "AdmissionReview" for c in calls)


def test_built_in_kinds_are_validated_strictly(cluster):
    typo = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: typo, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: c, image: nginx, imagePullPolicy: Always, resource: {}}]
"""
    proc = kubectl(cluster, "apply", "--validate=strict", "--dry-run=server", "-f", "-", stdin=typo, check=False)
    assert proc.returncode != 0
    assert 'unknown field "spec.template.spec.containers[0].resource"' in proc.stderr


def test_services_get_a_cluster_ip_from_the_service_range(cluster):
    ns = _namespace(cluster, "tw-service")
    try:
        svc = cluster.api.apply(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "s", "namespace": ns},
                "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]},
            }
        )
        assert svc["spec"]["clusterIP"].startswith("10.43.")
    finally:
        cluster.api.delete("v1", "Namespace", ns)


def test_impersonation_is_authorized_and_answered_as_the_impersonated_user(cluster):
    who = json.loads(kubectl(cluster, "auth", "whoami", "--as", "someone", "--as-group", "team", "-o", "json").stdout)
    assert who["status"]["userInfo"]["username"] == "someone"
    assert "team" in who["status"]["userInfo"]["groups"]
    denied = kubectl(cluster, "get", "pods", "--as", "someone", check=False)
    assert denied.returncode != 0
    assert 'User "someone" cannot list resource "pods"' in denied.stderr


def test_the_request_log_is_the_api_servers_audit_log(cluster):
    cluster.reset_requests()
    kubectl(cluster, "get", "nodes", "-l", "kubernetes.io/hostname=rke2-server-0")
    requests = cluster.requests
    lists = [r for r in requests if r["verb"] == "list" and r["path"] == "/api/v1/nodes"]
    assert len(lists) == 1
    assert lists[0]["query"]["labelSelector"] == ["kubernetes.io/hostname=rke2-server-0"]
    assert lists[0]["user"] == "admin" and lists[0]["status"] == 200
    assert lists[0]["user_agent"].startswith("kubectl/")
    # the world's own components (scheduler, controllers, kwok) are not in it
    assert not [r for r in requests if r["user"].startswith("system:kube-") or r["user"].startswith("testworld:")]
    assert cluster.counters()["by_verb_path"]["list /api/v1/nodes"] == 1


def test_kubernetes_core_and_the_python_client_talk_to_it(cluster):
    run = run_playbook(
        [
            {
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [
                    {
                        "name": "nodes",
                        "kubernetes.core.k8s_info": {"kind": "Node", "kubeconfig": cluster.kubeconfig},
                        "register": "nodes",
                    }
                ],
            }
        ]
    )
    assert [n["metadata"]["name"] for n in run.task("nodes")["resources"]] == ["rke2-server-0"]
    kubernetes = pytest.importorskip("kubernetes")
    client = kubernetes.config.new_client_from_config(config_file=cluster.kubeconfig)
    nodes = kubernetes.client.CoreV1Api(client).list_node()
    assert [n.metadata.name for n in nodes.items] == ["rke2-server-0"]
    assert nodes.items[0].status.node_info.kubelet_version == "v1.34.1+rke2r1"


def test_nodes_are_kept_ready_by_kwok_through_leases(cluster):
    lease = wait_for(lambda: cluster.api.read("coordination.k8s.io/v1", "Lease", "rke2-server-0", "kube-node-lease"))
    # held by the kwok controller (its own id), where a kubelet would hold its node's lease
    assert lease["spec"]["holderIdentity"].startswith("vm_") and lease["spec"]["renewTime"]
    assert lease["spec"]["leaseDurationSeconds"] == 40
    node = cluster.api.read("v1", "Node", "rke2-server-0")
    assert {c["type"]: c["status"] for c in node["status"]["conditions"]}["Ready"] == "True"
    # the node's pod CIDR comes from kube-controller-manager's allocator, inside the world's pod range
    assert node["spec"]["podCIDR"].startswith("100.") and node["spec"]["podCIDR"].endswith("/24")


@pytest.mark.parametrize("version", sorted(KUBECTLS))
def test_what_the_imitation_could_not_serve_works(cluster, version):
    """kubectl explain of a built-in kind (OpenAPI of built-in types), imperative creates that send
    protobuf bodies, and a watch that streams until its timeout."""
    explain = kubectl(cluster, "explain", "deployment.spec.replicas", version=version).stdout
    assert "replicas" in explain and "<integer>" in explain
    ns = _namespace(cluster, "tw-kubectl-%s" % version.replace(".", "-"))
    try:
        kubectl(cluster, "create", "deployment", "web", "--image=nginx", "-n", ns, version=version)
        watched = kubectl(
            cluster,
            "get",
            "deployments",
            "-n",
            ns,
            "--watch",
            "--request-timeout=3s",
            "-o",
            "name",
            version=version,
            check=False,
        )
        assert "deployment.apps/web" in watched.stdout
    finally:
        cluster.api.delete("v1", "Namespace", ns)
