"""Run conformance_check through ansible-playbook against a stand-in, for the integration tests of
the scheduling, autoscaling, operator, networking and sandboxing checks."""

from tests.integration.playbook import run_playbook

MY_CHECKS = (
    "ai_inference",
    "gang_scheduling",
    "cluster_autoscaling",
    "pod_autoscaling",
    "robust_controller",
    "advanced_inference_ingress",
    "high_performance_networking",
    "disaggregated_inference",
    "workload_sandboxing",
)


def check(srv, requirements=MY_CHECKS, tasks=None, **options):
    """One play: conformance_check on ``srv`` (one task, or ``tasks``: {name: extra args}).

    Returns ``{task name: {requirement id: result}}`` and the raw run."""
    base = {"kubeconfig": srv.kubeconfig, "requirements": list(requirements)}
    base.update(options)
    tasks = tasks or {"check": {}}
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {"name": name, "ai_conformance.rke2.conformance_check": dict(base, **extra)}
            for name, extra in tasks.items()
        ],
    }
    run = run_playbook([play])
    assert "Traceback" not in run.stdout + run.stderr, run.stdout[-3000:] + run.stderr[-3000:]
    out = {}
    for name in tasks:
        task = run.task(name)
        assert not task.get("failed"), task
        out[name] = {r["id"]: r for r in task["results"]}
    return out, run


def evidence(result, description_start):
    found = [e for e in result["evidence"] if (e["description"] or "").startswith(description_start)]
    assert found, "no evidence %r in %s" % (description_start, [e["description"] for e in result["evidence"]])
    return found[0]
