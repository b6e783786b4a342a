"""kubernetes.core 6.2 (``k8s`` and ``k8s_info``, DynamicClient inside) through ansible-playbook."""

from tests.integration.playbook import run_playbook

CM = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "kc-demo", "namespace": "default", "labels": {"app": "kc"}},
    "data": {"a": "1"},
}
DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "kc-web", "namespace": "default", "labels": {"app": "kc"}},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "kc-web"}},
        "template": {
            "metadata": {"labels": {"app": "kc-web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}]}]},
        },
    },
}
WIDGET_CLASS = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "GatewayClass",
    "metadata": {"name": "kc-class"},
    "spec": {"controllerName": "traefik.io/gateway-controller"},
}


def _k8s(name, definition, **extra):
    args = {"definition": definition, "state": "present"}
    args.update(extra)
    return {"name": name, "kubernetes.core.k8s": args}


def test_k8s_create_reapply_and_info(standin):
    srv = standin("rke2-gpu")
    env = {"K8S_AUTH_KUBECONFIG": srv.kubeconfig}
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                _k8s("create configmap", CM),
                _k8s("create deployment", DEPLOY),
                _k8s("create gatewayclass", WIDGET_CLASS),
                _k8s("reapply configmap", CM),
                _k8s("reapply deployment", DEPLOY),
                _k8s("reapply gatewayclass", WIDGET_CLASS),
                {
                    "name": "gpu nodes",
                    "kubernetes.core.k8s_info": {"kind": "Node", "label_selectors": ["nvidia.com/gpu.present=true"]},
                },
                {
                    "name": "pods on the server",
                    "kubernetes.core.k8s_info": {
                        "kind": "Pod",
                        "field_selectors": ["spec.nodeName=rke2-server-0", "status.phase=Running"],
                    },
                },
                {
                    "name": "wait accepted",
                    "kubernetes.core.k8s_info": {
                        "api_version": "gateway.networking.k8s.io/v1",
                        "kind": "GatewayClass",
                        "name": "kc-class",
                        "wait": True,
                        "wait_timeout": 20,
                        "wait_condition": {"type": "Accepted", "status": "True"},
                    },
                },
            ],
        }
    ]
    run = run_playbook(play, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for name in ("create configmap", "create deployment", "create gatewayclass"):
        assert run.task(name)["changed"] is True, name
    for name in ("reapply configmap", "reapply deployment", "reapply gatewayclass"):
        assert run.task(name)["changed"] is False, name
    assert sorted(n["metadata"]["name"] for n in run.task("gpu nodes")["resources"]) == [
        "rke2-gpu-agent-0",
        "rke2-gpu-agent-1",
    ]
    pods = run.task("pods on the server")["resources"]
    expected = [
        p
        for p in srv.store.list_objects("v1", "pods")
        if p["spec"].get("nodeName") == "rke2-server-0" and p["status"].get("phase") == "Running"
    ]
    assert sorted(p["metadata"]["name"] for p in pods) == sorted(p["metadata"]["name"] for p in expected)
    assert "rke2-traefik-6c9f8b7d5d-x7k2p" in [p["metadata"]["name"] for p in pods]
    assert len(pods) < len(srv.store.list_objects("v1", "pods")) or len(pods) == 1
    waited = run.task("wait accepted")
    assert waited["resources"][0]["status"]["conditions"][0]["reason"] == "Handled"
    # selectors went to the server, not filtered client-side
    node_lists = [r for r in srv.requests if r["path"] == "/api/v1/nodes" and r["method"] == "GET"]
    assert any(r["query"].get("labelSelector") == "nvidia.com/gpu.present=true" for r in node_lists)
    # custom resources: strategic merge answered 415, retried as merge patch
    statuses = [
        (r["content_type"], r["status"])
        for r in srv.requests
        if r["method"] == "PATCH" and "gatewayclasses" in r["path"]
    ]
    assert ("application/strategic-merge-patch+json", 415) in statuses
    assert ("application/merge-patch+json", 200) in statuses


def test_k8s_check_mode_changes_nothing(standin):
    srv = standin("rke2-gpu")
    srv.apply_objects([CM])
    before = srv.store.get("v1", "ConfigMap", "kc-demo", "default")
    changed_cm = dict(CM, data={"a": "2"})
    new_cm = dict(CM, metadata={"name": "kc-new", "namespace": "default"})
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [_k8s("change configmap", changed_cm), _k8s("new configmap", new_cm), _k8s("same configmap", CM)],
        }
    ]
    run = run_playbook(play, env={"K8S_AUTH_KUBECONFIG": srv.kubeconfig}, check=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.task("change configmap")["changed"] is True
    assert run.task("change configmap")["result"]["data"] == {"a": "2"}
    assert run.task("new configmap")["changed"] is True
    assert run.task("same configmap")["changed"] is False
    after = srv.store.get("v1", "ConfigMap", "kc-demo", "default")
    assert after == before
    assert srv.store.get("v1", "ConfigMap", "kc-new", "default") is None
    writes = [r for r in srv.requests if r["method"] in ("POST", "PATCH", "PUT", "DELETE")]
    assert writes and all(r["query"].get("dryRun") == "All" for r in writes), writes
