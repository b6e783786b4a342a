"""The add-on manifests are accepted by an API server, applied the way RKE2's add-on controller applies them.

RKE2's deploy controller applies each file of the manifests folder as one AddOn: every object in
its own scope and namespace, retried until it goes through (a namespace that helm-controller
creates for a chart, or a CRD a chart brings, may come later). Here the same happens against the
stand-in API server (tests/standin, scenario ``empty``: a bare RKE2 v1.34 with the HelmChart and
HelmChartConfig CRDs): kubectl server-side apply with strict field validation, per file, in
rounds, with helm-controller's one side effect that the files rely on, the ``targetNamespace`` of
``createNamespace`` charts. The CRDs the bundled charts bring are installed first: the Gateway API
standard channel (RKE2's rke2-traefik-crd), the ServiceMonitor and (names only) the Prometheus CRD
(kube-prometheus-stack). No chart is rendered: what a chart deploys belongs to scenarios, not to these tests.

Then, on the seed's cluster (scenario ``rke2-gpu``, which holds what the charts deploy) from which
the plain objects the roles ship were removed, the read-only checks (``conformance_check``) find
those objects once applied: the GatewayClass (accepted by the scenario's Traefik behaviour, because
its controllerName is Traefik's), the DCGM ServiceMonitor (selected by the scenario's Prometheus
through its release label) and the seed's HPA.
"""

import json
import pathlib
import subprocess

import yaml

from tests.integration.playbook import BIN, run_playbook
from tests.integration.roles.conftest import load

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
BUNDLED_CRDS = [
    *sorted((FIXTURES / "gateway-api" / "v1.6.1").glob("*.yaml")),
    FIXTURES / "prometheus-operator" / "monitoring.coreos.com_servicemonitors-excerpt.yaml",
    FIXTURES / "prometheus-operator" / "monitoring.coreos.com_prometheuses-minimal.yaml",
]
TRAEFIK = {
    "type": "gatewayclass",
    "controllerName": "traefik.io/gateway-controller",
    "reason": "Handled",
    "message": "Handled by Traefik controller",
}


def kubectl(srv, *args, check=True):
    proc = subprocess.run(
        [str(BIN / "kubectl"), "--kubeconfig", str(srv.kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check:
        assert proc.returncode == 0, "kubectl %s: %s%s" % (" ".join(args), proc.stdout, proc.stderr)
    return proc


def apply_file(srv, path):
    """One AddOn apply: every object of the file, server-side, unknown fields refused, the AddOn's values win."""
    return kubectl(
        srv,
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager=deploy@rke2-server-0",
        "--validate=strict",
        "-f",
        str(path),
        check=False,
    )


def deploy_like_rke2(srv, folder, rounds=3):
    """Apply every file, in rounds, as RKE2 retries; returns ``{file: last error}`` of files that never went in."""
    pending = sorted(pathlib.Path(folder).glob("*.yaml"))
    errors = {}
    for _round in range(rounds):
        errors = {}
        for path in pending:
            proc = apply_file(srv, path)
            if proc.returncode != 0:
                errors[path.name] = proc.stderr.strip()
        # helm-controller: a HelmChart with createNamespace gets its targetNamespace
        for path in sorted(pathlib.Path(folder).glob("*.yaml")):
            for obj in load(path):
                spec = obj.get("spec") or {}
                namespace = spec.get("targetNamespace") if spec.get("createNamespace") else None
                if (
                    obj["kind"] == "HelmChart"
                    and namespace
                    and kubectl(srv, "get", "namespace", namespace, check=False).returncode != 0
                ):
                    kubectl(srv, "create", "namespace", namespace)
        pending = [p for p in pending if p.name in errors]
        if not pending:
            break
    return errors


def install_bundled_crds(srv):
    for path in BUNDLED_CRDS:
        kubectl(srv, "apply", "--server-side", "-f", str(path))


def run_checks(srv):
    args = {
        "kubeconfig": str(srv.kubeconfig),
        "requirements": ["ai_inference", "ai_service_metrics", "pod_autoscaling"],
        "gateway_class": "traefik",
    }
    run = run_playbook(
        [
            {
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [{"name": "check", "ai_conformance.rke2.conformance_check": args}],
            }
        ]
    )
    result = run.task("check")
    assert not result.get("failed"), result
    return {r["id"]: r for r in result["results"]}


def test_every_manifest_is_accepted_in_its_scope(standin, rendered):
    srv = standin(scenario="empty", overrides={"behaviours": [TRAEFIK]})
    install_bundled_crds(srv)
    assert deploy_like_rke2(srv, rendered) == {}
    # every object is where its file says: namespaced ones in their namespace, the others cluster-wide
    for path in sorted(pathlib.Path(rendered).glob("*.yaml")):
        for obj in load(path):
            namespace = obj["metadata"].get("namespace")
            found = kubectl(
                srv,
                "get",
                "%s.%s" % (obj["kind"].lower(), obj["apiVersion"].rpartition("/")[0] or "")
                if "/" in obj["apiVersion"]
                else obj["kind"].lower(),
                obj["metadata"]["name"],
                *(["-n", namespace] if namespace else []),
                "-o",
                "json",
                check=False,
            )
            assert found.returncode == 0, "%s: %s %s not found: %s" % (
                path.name,
                obj["kind"],
                obj["metadata"]["name"],
                found.stderr,
            )
            live = json.loads(found.stdout)
            assert live["metadata"].get("namespace") == namespace
    # the GatewayClass was accepted by the Traefik behaviour: its controllerName is Traefik's
    gatewayclass = json.loads(kubectl(srv, "get", "gatewayclass", "traefik", "-o", "json").stdout)
    accepted = {c["type"]: c for c in gatewayclass["status"]["conditions"]}["Accepted"]
    assert (accepted["status"], accepted["reason"]) == ("True", "Handled")


# The objects of rke2-gpu that the roles' plain manifests provide; the scenario keeps what charts deploy.
SHIPPED_BY_THE_ROLES = [
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "name": "traefik"},
    {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "name": "nvidia-dcgm-monitor",
        "namespace": "monitoring",
    },
    {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "name": "ollama-hpa",
        "namespace": "suse-private-ai",
    },
]


def test_the_checks_see_the_plain_objects_the_roles_ship(standin, rendered):
    """On the seed's cluster (scenario rke2-gpu: what the charts deploy) without the plain objects the roles ship."""
    srv = standin(scenario="rke2-gpu", overrides={"remove": SHIPPED_BY_THE_ROLES})
    before = run_checks(srv)
    assert deploy_like_rke2(srv, rendered) == {}
    after = run_checks(srv)

    # ai_inference: the role's GatewayClass is accepted by the scenario's Traefik (its controllerName is
    # Traefik's), whose pods the scenario runs
    assert before["ai_inference"]["status"] == "failed"
    assert after["ai_inference"]["status"] == "passed", after["ai_inference"]["summary"]
    assert "GatewayClass traefik is accepted by traefik.io/gateway-controller" in after["ai_inference"]["summary"]
    # ai_service_metrics: the scenario's Prometheus (release prometheus-stack) selects the role's
    # ServiceMonitor (label release: prometheus-stack) and discovers the DCGM exporter through it
    assert before["ai_service_metrics"]["status"] == "failed"
    assert after["ai_service_metrics"]["status"] == "passed", after["ai_service_metrics"]["summary"]
    assert "ServiceMonitor monitoring/nvidia-dcgm-monitor" in after["ai_service_metrics"]["summary"]
    # pod_autoscaling: the role's HPA is the one the check reads (no HPA controller runs, so it has no
    # status yet and the check cannot pass; the scenario's own HPA had one)
    assert "suse-private-ai/ollama-hpa" not in json.dumps(before["pod_autoscaling"])
    assert "HPA suse-private-ai/ollama-hpa on Deployment/ollama" in after["pod_autoscaling"]["summary"]


def test_an_invalid_object_is_refused_by_the_api_server(standin, rendered, tmp_path):
    """The acceptance above means something: the same apply refuses unknown fields and missing namespaces."""
    srv = standin(scenario="empty", overrides={"behaviours": [TRAEFIK]})
    install_bundled_crds(srv)
    gatewayclass = load(pathlib.Path(rendered) / "gatewayclass-traefik.yaml")[0]
    gatewayclass["spec"]["controller"] = gatewayclass["spec"].pop("controllerName")
    helmchart = load(pathlib.Path(rendered) / "gpu-operator.yaml")[0]
    helmchart["spec"]["valuesContents"] = helmchart["spec"].pop("valuesContent")
    monitor = load(pathlib.Path(rendered) / "nvidia-dcgm-monitor.yaml")[0]
    for name, obj in (("gatewayclass", gatewayclass), ("helmchart", helmchart), ("servicemonitor", monitor)):
        (tmp_path / ("%s.yaml" % name)).write_text(yaml.safe_dump(obj))
    assert 'unknown field "spec.controller"' in apply_file(srv, tmp_path / "gatewayclass.yaml").stderr
    assert 'unknown field "spec.valuesContents"' in apply_file(srv, tmp_path / "helmchart.yaml").stderr
    # the monitoring namespace does not exist until helm-controller creates it for the stack's chart
    assert 'namespaces "monitoring" not found' in apply_file(srv, tmp_path / "servicemonitor.yaml").stderr
