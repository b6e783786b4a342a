"""`make demo` runs: the demo command itself (scripts/demo.py, which the Makefile target calls after setup).

The demo starts a test world through its command line (``python -m tests.testworld``: a real
control plane with simulated nodes, docs/testworld.md) and stops it. The assertions hold whatever
the scenario's add-ons are: the report is complete, everything the report generator controls passes
the self-check (metadata, template, statuses, evidence files), and the only violations left are
MUSTs whose checks did not pass on the simulated cluster. The play fails exactly when a MUST check
failed.
"""

import json
import os
import pathlib
import re
import subprocess
import sys

import yaml

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import selfcheck

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo.py"


def _demo(scenario, output):
    env = {k: v for k, v in os.environ.items() if not k.startswith("K8S_AUTH_") and k != "KUBECONFIG"}
    return subprocess.run(
        [sys.executable, str(DEMO), "--scenario", scenario, "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
        cwd=str(ROOT),
    )


def _assert_report(folder):
    doc = json.loads((folder / "results.json").read_text())
    version = doc["checklist_version"]
    product = (folder / "PRODUCT.yaml").read_text()
    # the self-check again, independently, on what is on disk
    violations = selfcheck.check(
        product,
        version,
        lambda rel: (folder / rel).is_file(),
        {r["id"] for r in doc["results"] if r["status"] == "passed"},
    )
    assert violations == doc["self_check"]["violations"]
    not_passed = {r["id"] for r in doc["requirements"] if r["outcome"] != "passed"}
    assert {v["rule"] for v in violations} <= {"must_implemented"}, violations
    assert {v["requirement"] for v in violations} == {
        r["id"] for r in doc["requirements"] if r["level"] == "MUST" and r["id"] in not_passed
    }
    assert [r["id"] for r in doc["requirements"]] == [r["id"] for r in reqs.requirements(version)]
    parsed = yaml.safe_load(product)
    assert parsed["metadata"]["platformName"] == "RKE2 (simulated demo cluster)"
    for path in ("report.html", "report.md", "junit.xml"):
        assert (folder / path).is_file()
    return doc


def test_demo_on_the_simulated_rke2_gpu_cluster(tmp_path):
    proc = _demo("rke2-gpu", tmp_path / "report")
    out = proc.stdout
    assert "A real Kubernetes control plane" in out and "with simulated nodes (KWOK)" in out
    assert re.search(r"REQUIREMENT +LEVEL +OUTCOME +PRODUCT\.yaml", out)
    assert "Report: %s/report.html" % (tmp_path / "report") in out
    assert out.rstrip().endswith("Test world stopped.")
    # the world's command line reported its start and its orderly stop (every process it started ended)
    assert "scenario rke2-gpu: Kubernetes v1.34.1 up in" in proc.stderr
    assert proc.stderr.rstrip().endswith("stopped"), proc.stderr[-2000:]
    doc = _assert_report(tmp_path / "report")
    assert doc["cluster"]["version"] == "v1.34.1"  # kube-apiserver's own /version
    by_id = {r["id"]: r for r in doc["requirements"]}
    # the scenario's Traefik GatewayClass is accepted (the status Traefik writes, declared simulated)
    assert by_id["ai_inference"]["outcome"] == "passed"
    assert by_id["dra_support"]["outcome"] == "passed"  # 1.34 serves resource.k8s.io/v1
    assert proc.returncode == (2 if doc["summary"]["must_failed"] else 0), proc.stdout[-3000:]
    # every MUST has a check now, and the scenario (with its simulated GPU nodes' toolkit files,
    # scripts/demo-node/) is built to meet them all
    assert doc["summary"]["must_failed"] == [], proc.stdout[-3000:]
    assert proc.returncode == 0
    assert by_id["secure_accelerator_access"]["outcome"] == "passed"
    assert "ok: [localhost -> rke2-gpu-agent-0]" in out  # the node-side facts were really read


def test_demo_of_a_failing_cluster(tmp_path):
    proc = _demo("rke2-gpu-broken", tmp_path / "report")
    doc = _assert_report(tmp_path / "report")
    assert proc.returncode == 2
    assert "ai_inference" in doc["summary"]["must_failed"]
    assert "The play failed: MUST requirement(s) failed: " in proc.stdout
    assert proc.stdout.rstrip().endswith("Test world stopped.")
    ai = next(r for r in doc["results"] if r["id"] == "ai_inference")
    assert "GatewayClass" in ai["summary"] and "traefik" in ai["summary"]
    # broken as a real cluster is: Traefik's Gateway provider is off, so nothing answers for the
    # GatewayClass and kube-apiserver keeps the status the Gateway API CRD defaults
    assert "Accepted=Unknown, reason Pending: Waiting for controller" in ai["summary"], ai["summary"]


def test_demo_rejects_an_unknown_scenario(tmp_path):
    proc = _demo("no-such-cluster", tmp_path / "report")
    assert proc.returncode == 1
    assert "unknown scenario 'no-such-cluster'; expected one of" in proc.stderr
    assert "rke2-gpu-broken" in proc.stderr
    assert not (tmp_path / "report").exists()
