"""What a scenario may hold: never what a running component of the world writes itself."""

import pytest

from tests.testworld.apply import prepare
from tests.testworld.scenario import ScenarioError, load

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "d", "namespace": "default"},
    "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {}}},
}


def _prepare(*objects):
    return prepare(load("empty", {"add": list(objects)}), "Q0E=")


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            dict(DEPLOYMENT, status={"readyReplicas": 1}),
            "Deployment default/d: status is written by kube-controller-manager",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p", "namespace": "default"},
                "status": {"phase": "Running"},
            },
            "Pod default/p: status is written by kube-scheduler and kwok",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": "ds-abcde",
                    "namespace": "default",
                    "ownerReferences": [
                        {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "ds", "uid": "u", "controller": True}
                    ],
                },
            },
            "made by kube-controller-manager from its owner DaemonSet ds; remove it",
        ),
        (
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}, "spec": {"podCIDR": "10.42.0.0/24"}},
            "spec.podCIDR(s): kube-controller-manager allocates pod CIDRs",
        ),
        (
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}, "status": {"conditions": []}},
            "status.conditions: written by kwok (as the kubelet)",
        ),
        (
            {
                "apiVersion": "apiregistration.k8s.io/v1",
                "kind": "APIService",
                "metadata": {"name": "v1.x"},
                "status": {"conditions": []},
            },
            "status is written by kube-apiserver (its availability controller)",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "s", "namespace": "default"},
                "status": {"conditions": []},
            },
            "status: only status.loadBalancer may be simulated",
        ),
        (
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": "s-1",
                    "namespace": "default",
                    "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                },
            },
            "EndpointSlices of Services are made by kube-controller-manager",
        ),
    ],
)
def test_what_a_component_writes_is_refused(obj, message):
    with pytest.raises(ScenarioError) as err:
        _prepare(obj)
    assert message in str(err.value)


def test_simulated_statuses_are_split_off_and_listed():
    queue = {
        "apiVersion": "scheduling.volcano.sh/v1beta1",
        "kind": "Queue",
        "metadata": {"name": "default", "uid": "x", "resourceVersion": "9"},
        "status": {"state": "Open"},
    }
    lb = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s", "namespace": "default"},
        "status": {"loadBalancer": {"ingress": [{"ip": "20.0.0.1"}]}},
    }
    objects, statuses, simulated = _prepare(queue, lb)
    created = {o["metadata"]["name"]: o for o in objects if o["kind"] in ("Queue", "Service")}
    assert "status" not in created["default"] and "uid" not in created["default"]["metadata"]
    assert "resourceVersion" not in created["default"]["metadata"]
    assert [(o["kind"], s) for o, s in statuses if o["kind"] in ("Queue", "Service")] == [
        ("Queue", {"state": "Open"}),
        ("Service", {"loadBalancer": {"ingress": [{"ip": "20.0.0.1"}]}}),
    ]
    whats = [s["what"] for s in simulated]
    assert "scheduling.volcano.sh/v1beta1 Queue default status" in whats
    assert "v1 Service default/s status" in whats


def test_nodes_are_marked_for_kwok_and_their_status_is_simulated():
    objects, statuses, simulated = _prepare()
    node = next(o for o in objects if o["kind"] == "Node")
    assert node["metadata"]["annotations"]["kwok.x-k8s.io/node"] == "fake"
    # created with its status, as a kubelet registers a node, never written after kwok saw it
    assert node["status"]["capacity"]["cpu"] == "8"
    assert not [o for o, _s in statuses if o is node]
    assert simulated[0]["what"].startswith("v1 Node rke2-server-0 status (addresses, allocatable, capacity, nodeInfo)")


def test_ca_is_injected_only_where_none_is_given():
    api = {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1beta1.custom.metrics.k8s.io"},
        "spec": {"service": {"name": "a", "namespace": "m"}},
    }
    insecure = {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1beta1.other.io"},
        "spec": {"service": {"name": "a", "namespace": "m"}, "insecureSkipTLSVerify": True},
    }
    hook = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "h"},
        "webhooks": [
            {"name": "a.b.c", "clientConfig": {"service": {"name": "a", "namespace": "m"}}},
            {"name": "d.e.f", "clientConfig": {"url": "https://x"}},
        ],
    }
    objects, _statuses, simulated = _prepare(api, insecure, hook)
    by_name = {o["metadata"]["name"]: o for o in objects}
    assert by_name["v1beta1.custom.metrics.k8s.io"]["spec"]["caBundle"] == "Q0E="
    assert "caBundle" not in by_name["v1beta1.other.io"]["spec"]
    assert by_name["h"]["webhooks"][0]["clientConfig"]["caBundle"] == "Q0E="
    assert "caBundle" not in by_name["h"]["webhooks"][1]["clientConfig"]
    assert len([s for s in simulated if "caBundle" in s["what"]]) == 2
