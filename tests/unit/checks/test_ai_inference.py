"""ai_inference: the health of the implementation behind the accepted GatewayClass."""

from tests.unit.checks.world import World, pod
from tests.unit.test_checks_dra_and_gateway import gateway_class

TRAEFIK = {"app.kubernetes.io/name": "rke2-traefik", "app.kubernetes.io/instance": "rke2-traefik-kube-system"}
SELECTOR = "app.kubernetes.io/name=rke2-traefik,app.kubernetes.io/instance=rke2-traefik-kube-system"


def world(*pods, classes=None):
    w = World()
    w.add(*(classes if classes is not None else [gateway_class("traefik")]))
    w.add(*pods)
    return w


def test_traefik_pods_ready_passes_and_are_found_with_the_chart_labels():
    result, client = world(pod("kube-system", "rke2-traefik-abcde", TRAEFIK)).run("ai_inference")
    assert result["status"] == "passed", result["summary"]
    assert "GatewayClass traefik is accepted by traefik.io/gateway-controller" in result["summary"]
    assert (
        "its implementation Traefik is running: 1/1 pods ready (namespace kube-system, %s)" % SELECTOR
        in (result["summary"])
    )
    query = next(c[2] for c in client.calls if c[1] == "/api/v1/namespaces/kube-system/pods")
    assert query["labelSelector"] == SELECTOR


def test_traefik_without_pods_fails():
    # a pod of another app in kube-system does not count
    result, _client = world(pod("kube-system", "coredns-1", {"k8s-app": "kube-dns"})).run("ai_inference")
    assert result["status"] == "failed"
    assert "GatewayClass traefik is accepted by traefik.io/gateway-controller" in result["summary"]
    assert (
        "but its implementation Traefik is not running: no pod matches %s in namespace kube-system" % SELECTOR
        in (result["summary"])
    )


def test_traefik_pods_not_ready_fail():
    result, _client = world(pod("kube-system", "rke2-traefik-abcde", TRAEFIK, ready=False)).run("ai_inference")
    assert result["status"] == "failed"
    assert "none of its 1 pod(s) is ready: rke2-traefik-abcde (Running, Ready=False" in result["summary"]


def test_some_traefik_pods_not_ready_is_partial():
    pods = [pod("kube-system", "rke2-traefik-a", TRAEFIK), pod("kube-system", "rke2-traefik-b", TRAEFIK, ready=False)]
    result, _client = world(*pods).run("ai_inference")
    assert result["status"] == "partial"
    assert "its implementation Traefik is degraded: 1/2 pods ready; not ready: rke2-traefik-b" in result["summary"]


def test_finished_pods_are_ignored():
    pods = [pod("kube-system", "rke2-traefik-a", TRAEFIK), pod("kube-system", "old", TRAEFIK, phase="Failed")]
    result, _client = world(*pods).run("ai_inference")
    assert result["status"] == "passed", result["summary"]
    assert "1/1 pods ready" in result["summary"]


def test_unknown_controller_says_health_was_not_checked():
    classes = [gateway_class("eg", controller="gateway.envoyproxy.io/gatewayclass-controller", message="Valid")]
    result, client = world(classes=classes).run("ai_inference")
    assert result["status"] == "passed"
    assert (
        "the health of the implementation behind gateway.envoyproxy.io/gatewayclass-controller was not checked"
        in result["summary"]
    )
    assert not any(c[1].endswith("/pods") for c in client.calls)


def test_implementation_pods_can_be_named_for_any_controller():
    classes = [gateway_class("eg", controller="gateway.envoyproxy.io/gatewayclass-controller", message="Valid")]
    options = {
        "ai_inference": {
            "implementation_namespace": "envoy-gateway-system",
            "implementation_selector": "control-plane=envoy-gateway",
        }
    }
    w = world(pod("envoy-gateway-system", "envoy-gateway-1", {"control-plane": "envoy-gateway"}), classes=classes)
    result, _client = w.run("ai_inference", options=options)
    assert result["status"] == "passed", result["summary"]
    assert (
        "its implementation gateway.envoyproxy.io/gatewayclass-controller is running: 1/1 pods ready"
        in (result["summary"])
    )
    result, _client = world(classes=classes).run("ai_inference", options=options)
    assert result["status"] == "failed"
    assert "no pod matches control-plane=envoy-gateway in namespace envoy-gateway-system" in result["summary"]


def test_traefik_elsewhere_with_overridden_namespace_and_selector():
    labels = {"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik"}
    options = {
        "ai_inference": {
            "implementation_namespace": "traefik",
            "implementation_selector": "app.kubernetes.io/name=traefik",
        }
    }
    result, _client = world(pod("traefik", "traefik-1", labels)).run("ai_inference", options=options)
    assert result["status"] == "passed", result["summary"]
    assert "its implementation Traefik is running" in result["summary"]


def test_healthy_class_wins_and_a_down_one_is_mentioned():
    classes = [gateway_class("traefik"), gateway_class("traefik-internal")]
    result, client = world(pod("kube-system", "rke2-traefik-a", TRAEFIK), classes=classes).run("ai_inference")
    assert result["status"] == "passed"
    # both classes share one implementation: one pod list
    assert [c[1] for c in client.calls].count("/api/v1/namespaces/kube-system/pods") == 1
