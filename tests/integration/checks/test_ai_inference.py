"""ai_inference through ansible-playbook: the Traefik implementation behind the accepted class is down."""

from tests.integration.checks.scheduling_helpers import check
from tests.integration.playbook import evidence

TRAEFIK_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "namespace": "kube-system",
    "name": "rke2-traefik-6c9f8b7d5d-x7k2p",
}


def test_traefik_pod_not_ready_fails_and_names_the_pod(standin):
    not_ready = {
        "status": {
            "conditions": [
                {"type": "Ready", "status": "False", "reason": "ContainersNotReady"},
                {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady"},
            ]
        }
    }
    srv = standin("rke2-gpu", overrides={"patch": [dict(TRAEFIK_POD, patch=not_ready)]})
    results, _run = check(srv, requirements=["ai_inference"], gateway_class="traefik")
    result = results["check"]["ai_inference"]
    assert result["status"] == "failed"
    assert "GatewayClass traefik is accepted by traefik.io/gateway-controller" in result["summary"]
    assert (
        "its implementation Traefik is not running: none of its 1 pod(s) is ready: rke2-traefik-6c9f8b7d5d-x7k2p"
        in (result["summary"])
    )
    pods = evidence(result, "Pods of the Traefik implementation")
    assert pods["ok"] is False


def test_class_stuck_at_accepted_unknown_fails_before_any_pod_is_read(standin):
    pending = {
        "status": {
            "conditions": [
                {
                    "type": "Accepted",
                    "status": "Unknown",
                    "reason": "Pending",
                    "message": "Waiting for controller",
                    "lastTransitionTime": "1970-01-01T00:00:00Z",
                }
            ]
        }
    }
    ref = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "name": "traefik", "patch": pending}
    srv = standin("rke2-gpu", overrides={"patch": [ref]})
    results, _run = check(srv, requirements=["ai_inference"], gateway_class="traefik")
    result = results["check"]["ai_inference"]
    assert result["status"] == "failed"
    assert "Accepted=Unknown, reason Pending: Waiting for controller" in result["summary"]
    assert not [r for r in srv.requests if r["path"].endswith("/pods")]
