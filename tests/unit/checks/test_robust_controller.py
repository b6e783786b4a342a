"""robust_controller: an AI operator's CRDs, controller pods and validating webhook with ready endpoints."""

import pytest

from tests.unit import discovery_docs
from tests.unit.checks.world import World, crd, endpoint_slice, meta, pod

KUBEFLOW = {
    "kubeflow.org": [
        discovery_docs.custom_group(
            "kubeflow.org",
            "v1",
            [
                ("tfjobs", "TFJob", True),
                ("pytorchjobs", "PyTorchJob", True),
                ("mpijobs", "MPIJob", True),
                ("xgboostjobs", "XGBoostJob", True),
                ("paddlejobs", "PaddleJob", True),
            ],
        )
    ]
}
RAY = {
    "ray.io": [
        discovery_docs.custom_group(
            "ray.io",
            "v1",
            [("rayclusters", "RayCluster", True), ("rayjobs", "RayJob", True), ("rayservices", "RayService", True)],
        )
    ]
}
OPERATOR_LABELS = {"control-plane": "kubeflow-training-operator"}


def vwc(name="validator.training-operator.kubeflow.org", service="training-operator", namespace="kubeflow"):
    hooks = []
    for kind in ("tfjob", "pytorchjob"):
        hooks.append(
            {
                "name": "validator.%s.training-operator.kubeflow.org" % kind,
                "admissionReviewVersions": ["v1"],
                "sideEffects": "None",
                "failurePolicy": "Fail",
                "clientConfig": {
                    "caBundle": "LS0tLS1CRUdJTi...",
                    "service": {
                        "name": service,
                        "namespace": namespace,
                        "path": "/validate-kubeflow-org-v1-%s" % kind,
                        "port": 443,
                    },
                },
                "rules": [
                    {
                        "apiGroups": ["kubeflow.org"],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": [kind + "s"],
                    }
                ],
            }
        )
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": meta(name),
        "webhooks": hooks,
    }


def kubeflow_world():
    world = World(extra_groups=KUBEFLOW)
    world.add(crd("tfjobs.kubeflow.org"), crd("pytorchjobs.kubeflow.org"))
    world.add(pod("kubeflow", "training-operator-f7d4b59f6-vdnh9", OPERATOR_LABELS))
    world.add(vwc(), endpoint_slice("kubeflow", "training-operator"))
    return world


def test_kubeflow_training_operator_passes():
    result, client = kubeflow_world().run("robust_controller")
    assert result["status"] == "passed", result["summary"]
    summary = result["summary"]
    assert summary.startswith("Kubeflow training operator runs: CRDs tfjobs.kubeflow.org, pytorchjobs.kubeflow.org")
    assert "controller pod(s) training-operator-f7d4b59f6-vdnh9 ready" in summary
    assert "validator.training-operator.kubeflow.org / validator.tfjob.training-operator.kubeflow.org" in summary
    assert "that an invalid object is rejected is not shown, since this check only reads" in summary
    # pods and EndpointSlices are selected by the server; one EndpointSlice list for the namespace
    calls = {c[1]: c[2] for c in client.calls}
    assert calls["/api/v1/namespaces/kubeflow/pods"]["labelSelector"] == "control-plane=kubeflow-training-operator"
    assert calls["/apis/discovery.k8s.io/v1/namespaces/kubeflow/endpointslices"]["labelSelector"] == (
        "kubernetes.io/service-name=training-operator"
    )
    assert [c[1] for c in client.calls].count("/apis/discovery.k8s.io/v1/namespaces/kubeflow/endpointslices") == 1


@pytest.mark.parametrize(
    ("remove", "add", "problem"),
    [
        (
            ("EndpointSlice", "training-operator-abcde", "kubeflow"),
            None,
            "webhook validator.tfjob.training-operator.kubeflow.org (validator.training-operator.kubeflow.org) calls "
            "Service kubeflow/training-operator, which has no ready endpoints",
        ),
        (
            ("EndpointSlice", "training-operator-abcde", "kubeflow"),
            endpoint_slice("kubeflow", "training-operator", ready=(False,)),
            "which has no ready endpoints",
        ),
        (
            ("ValidatingWebhookConfiguration", "validator.training-operator.kubeflow.org", None),
            None,
            "no ValidatingWebhookConfiguration has a webhook for kubeflow.org resources",
        ),
        (
            ("Pod", "training-operator-f7d4b59f6-vdnh9", "kubeflow"),
            pod("kubeflow", "training-operator-f7d4b59f6-vdnh9", OPERATOR_LABELS, ready=False),
            "no controller pod is ready: training-operator-f7d4b59f6-vdnh9 (Running, Ready=False",
        ),
        (
            ("Pod", "training-operator-f7d4b59f6-vdnh9", "kubeflow"),
            None,
            "no controller pod matches control-plane=kubeflow-training-operator in kubeflow",
        ),
        (
            ("CustomResourceDefinition", "pytorchjobs.kubeflow.org", None),
            crd("pytorchjobs.kubeflow.org", established=False),
            "CRD pytorchjobs.kubeflow.org is not established",
        ),
    ],
    ids=[
        "webhook-service-without-endpoints",
        "webhook-service-with-only-unready-endpoints",
        "webhook-configuration-missing",
        "controller-pod-not-ready",
        "no-controller-pods",
        "crd-not-established",
    ],
)
def test_broken_kubeflow_training_operator_fails_naming_the_problem(remove, add, problem):
    world = kubeflow_world()
    world.remove(*remove)
    if add is not None:
        world.add(add)
    result, _client = world.run("robust_controller")
    assert result["status"] == "failed"
    assert problem in result["summary"]


def test_one_of_two_controller_pods_not_ready_is_partial():
    world = kubeflow_world()
    world.add(pod("kubeflow", "training-operator-f7d4b59f6-xxxxx", OPERATOR_LABELS, ready=False, phase="Pending"))
    result, _client = world.run("robust_controller")
    assert result["status"] == "partial"
    assert (
        "Kubeflow training operator runs degraded: controller pods not ready: training-operator-f7d4b59f6-xxxxx"
        in (result["summary"])
    )


def test_no_operator_fails_naming_what_was_looked_for():
    result, _client = World().run("robust_controller")
    assert result["status"] == "failed"
    assert result["summary"].startswith("no AI operator found: none of kubeflow.org (Kubeflow training operator)")
    assert "ray.io (KubeRay)" in result["summary"]
    assert "training-operator/manifests/overlays/standalone" in result["summary"]


def test_kuberay_without_webhook_fails_but_a_working_kubeflow_passes():
    world = kubeflow_world()
    world.groups = discovery_docs.full_cluster(extra=dict(KUBEFLOW, **RAY))
    world.add(crd("rayclusters.ray.io"), crd("rayjobs.ray.io"), crd("rayservices.ray.io"))
    world.add(pod("ray-system", "kuberay-operator-0", {"app.kubernetes.io/name": "kuberay-operator"}))
    result, client = world.run("robust_controller")
    assert result["status"] == "passed"
    assert "other operators: KubeRay: no ValidatingWebhookConfiguration has a webhook for ray.io" in result["summary"]
    # KubeRay's pods are looked up in every namespace with the label selector
    assert any(c[1] == "/api/v1/pods" for c in client.calls)
    # the webhook configurations are listed once for both operators
    paths = [c[1] for c in client.calls]
    assert paths.count("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations") == 1


def test_overridden_namespace_and_selector():
    world = World(extra_groups=KUBEFLOW)
    world.add(crd("tfjobs.kubeflow.org"), crd("pytorchjobs.kubeflow.org"))
    world.add(pod("ml", "trainer-0", {"app": "trainer"}))
    world.add(vwc(service="trainer-webhook", namespace="ml"), endpoint_slice("ml", "trainer-webhook"))
    options = {
        "robust_controller": {"training_operator_namespace": "ml", "training_operator_pod_selector": "app=trainer"}
    }
    result, _client = world.run("robust_controller", options=options)
    assert result["status"] == "passed", result["summary"]


def test_kubeflow_trainer_installed_by_its_helm_chart_passes():
    groups = {
        "trainer.kubeflow.org": [
            discovery_docs.custom_group(
                "trainer.kubeflow.org",
                "v1alpha1",
                [
                    ("trainjobs", "TrainJob", True),
                    ("trainingruntimes", "TrainingRuntime", True),
                    ("clustertrainingruntimes", "ClusterTrainingRuntime", False),
                ],
            )
        ]
    }
    # the kubeflow-trainer chart's labels (app.kubernetes.io/name is the chart name, not "trainer")
    labels = {
        "app.kubernetes.io/name": "kubeflow-trainer",
        "app.kubernetes.io/instance": "kubeflow-trainer",
        "app.kubernetes.io/part-of": "kubeflow",
        "app.kubernetes.io/component": "manager",
    }
    world = World(extra_groups=groups)
    world.add(*[crd(n + ".trainer.kubeflow.org") for n in ("trainjobs", "trainingruntimes", "clustertrainingruntimes")])
    world.add(pod("kubeflow-system", "kubeflow-trainer-controller-manager-0", labels))
    hook = vwc(
        name="validator.trainer.kubeflow.org",
        service="kubeflow-trainer-controller-manager",
        namespace="kubeflow-system",
    )
    for webhook in hook["webhooks"]:
        webhook["rules"][0]["apiGroups"] = ["trainer.kubeflow.org"]
    world.add(hook, endpoint_slice("kubeflow-system", "kubeflow-trainer-controller-manager"))
    result, _client = world.run("robust_controller")
    assert result["status"] == "passed", result["summary"]
    assert result["summary"].startswith("Kubeflow Trainer runs")
