"""ai_inference through ansible-playbook on the test world: the Traefik implementation behind the
accepted class crash-loops; Traefik's Gateway provider is off, so no controller ever accepts the class."""

from tests.integration.checks.scheduling_helpers import check, crash_looping, pods, ref, waiting_reasons
from tests.integration.playbook import evidence
from tests.testworld import scenario

TRAEFIK = "app.kubernetes.io/name=rke2-traefik,app.kubernetes.io/instance=rke2-traefik-kube-system"
GATEWAY_CLASS = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "name": "traefik"}


def test_traefik_pod_crash_looping_fails_and_names_the_pod(world):
    w = world("rke2-gpu", overrides={"patch": [crash_looping("apps/v1", "Deployment", "kube-system", "rke2-traefik")]})
    (traefik,) = pods(w, "kube-system", TRAEFIK)
    assert waiting_reasons(traefik) == ["CrashLoopBackOff"]

    results, _run = check(w, requirements=["ai_inference"], gateway_class="traefik")
    result = results["check"]["ai_inference"]
    assert result["status"] == "failed"
    assert "GatewayClass traefik is accepted by traefik.io/gateway-controller" in result["summary"]
    assert (
        "its implementation Traefik is not running: none of its 1 pod(s) is ready: %s (Running, Ready=False; "
        "ContainersNotReady" % traefik["metadata"]["name"] in result["summary"]
    )
    pods_evidence = evidence(result, "Pods of the Traefik implementation")
    assert pods_evidence["ok"] is False


def test_class_no_controller_accepts_stays_pending_and_fails_before_any_pod_is_read(world):
    # Traefik runs without its Kubernetes Gateway provider (no HelmChartConfig enabling it, no
    # --providers.kubernetesgateway flags), so nothing writes the GatewayClass's status: the API
    # server gives it the Gateway API CRD's default, Accepted=Unknown, reason Pending
    base = scenario.load("rke2-gpu")
    traefik = base.find(("apps/v1", "Deployment", "kube-system", "rke2-traefik"))
    container = traefik["spec"]["template"]["spec"]["containers"][0]
    container["args"] = [a for a in container["args"] if "kubernetesgateway" not in a]
    gateway_class = base.find(("gateway.networking.k8s.io/v1", "GatewayClass", "", "traefik"))
    gateway_class.pop("status")
    config = base.find(("helm.cattle.io/v1", "HelmChartConfig", "kube-system", "rke2-traefik"))
    w = world("rke2-gpu", overrides={"replace": [traefik, gateway_class], "remove": [ref(config)]})
    live = w.api.read("gateway.networking.k8s.io/v1", "GatewayClass", "traefik")
    assert [(c["type"], c["status"], c["reason"]) for c in live["status"]["conditions"]] == [
        ("Accepted", "Unknown", "Pending")
    ]

    results, _run = check(w, requirements=["ai_inference"], gateway_class="traefik")
    result = results["check"]["ai_inference"]
    assert result["status"] == "failed"
    assert "Accepted=Unknown, reason Pending: Waiting for controller" in result["summary"]
    assert not [r for r in w.requests if r["path"].endswith("/pods")]
