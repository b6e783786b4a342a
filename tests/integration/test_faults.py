"""conformance_check under injected faults: bounded retries, clear errors, the run completes, no traceback.

The cluster is a real test world (scenario ``rke2-gpu``, docs/testworld.md); the module reaches it
through the world's fault proxy (``world.faults.kubeconfig``), whose table matches the first N
requests (or a fraction) of a method and path pattern and answers them with a status, a delay or a
dropped connection; every other request is forwarded to the real kube-apiserver.
"""

import pytest

from tests.integration.playbook import run_playbook

GC = r"^/apis/gateway\.networking\.k8s\.io/v1/gatewayclasses$"


def run_check(srv, requirements=("dra_support", "ai_inference"), **extra):
    args = {"kubeconfig": srv.faults.kubeconfig, "requirements": list(requirements), "gateway_class": "traefik"}
    args.update(extra)
    run = run_playbook(
        [
            {
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [{"name": "check", "ai_conformance.rke2.conformance_check": args}],
            }
        ]
    )
    assert "Traceback" not in run.stdout + run.stderr
    return run, run.task("check")


def by_id(result):
    return {r["id"]: r for r in result["results"]}


@pytest.fixture
def srv(shared_world):
    """The session's rke2-gpu world with an empty fault table: only clients of ``faults.kubeconfig``
    meet the faults, so the world stays shared."""
    started = shared_world("rke2-gpu")
    started.faults.clear()
    started.reset_requests()
    yield started
    started.faults.clear()


def test_429_with_retry_after_on_discovery_is_waited_out(srv):
    fault = srv.faults.add(method="GET", path_regex=r"^/apis$", status=429, retry_after=1, times=2)
    _run, result = run_check(srv)
    assert fault.hits == 2
    assert result["api_requests"]["retries"] >= 2
    assert by_id(result)["dra_support"]["status"] == "passed"


def test_503_burst_is_retried_and_the_check_passes(srv):
    fault = srv.faults.add(method="GET", path_regex=GC, status=503, times=2)
    _run, result = run_check(srv)
    assert fault.hits == 2
    assert by_id(result)["ai_inference"]["status"] == "passed"
    assert result["api_requests"]["retries"] >= 2
    # the injected 503s never reached kube-apiserver; the third attempt did, and it answered
    reads = [r for r in srv.requests if r["path"] == "/apis/gateway.networking.k8s.io/v1/gatewayclasses"]
    assert [r["status"] for r in reads] == [200], reads


def test_persistent_503_is_an_error_result_and_the_other_checks_complete(srv):
    srv.faults.add(method="GET", path_regex=GC, status=503)
    run, result = run_check(srv, retries=2)
    assert run.returncode == 0
    results = by_id(result)
    assert results["ai_inference"]["status"] == "error"
    assert "503" in results["ai_inference"]["summary"]
    assert "after 3 attempts" in results["ai_inference"]["summary"]
    assert results["dra_support"]["status"] == "passed"
    assert result["summary"]["error"] == 1


def test_latency_beyond_the_timeout_is_retried_once_then_passes(srv):
    fault = srv.faults.add(method="GET", path_regex=GC, delay=3, times=1)
    _run, result = run_check(srv, request_timeout=1)
    assert fault.hits == 1
    assert by_id(result)["ai_inference"]["status"] == "passed"
    assert result["api_requests"]["retries"] >= 1


def test_persistent_latency_becomes_a_timeout_error(srv):
    srv.faults.add(method="GET", path_regex=GC, delay=2)
    _run, result = run_check(srv, request_timeout=0.5, retries=1)
    ai = by_id(result)["ai_inference"]
    assert ai["status"] == "error"
    assert ai["details"]["error"]["reason"] == "Timeout"


def test_dropped_connection_is_retried(srv):
    fault = srv.faults.add(method="GET", path_regex=GC, drop=True, times=1)
    _run, result = run_check(srv)
    assert fault.hits == 1
    assert by_id(result)["ai_inference"]["status"] == "passed"


def test_unanswered_version_request_fails_the_task_cleanly(srv):
    srv.faults.add(method="GET", path_regex=r"^/version$", drop=True)
    run, result = run_check(srv, retries=1)
    assert run.returncode != 0
    assert result["failed"] is True
    assert "no answer from the API server" in result["msg"]
    assert "GET /version after 2 attempt(s)" in result["msg"]


def test_random_5xx_on_a_third_of_all_requests_still_completes_every_check(srv):
    # discovery and /version stay healthy so the module itself cannot fail; every read after them may
    srv.faults.add(path_regex=r"^/apis?/.+", status=503, fraction=0.3)
    run, result = run_check(srv, requirements=["all"], retries=5)
    assert run.returncode == 0
    assert len(result["results"]) == 16
    # a check may run out of retries (an error naming the 503), but none may break on a refused read
    errors = [r for r in result["results"] if r["status"] == "error"]
    assert all("503" in r["summary"] and "internal error" not in r["summary"] for r in errors), errors
    assert result["api_requests"]["retries"] > 0
