"""Run conformance_check through ansible-playbook against a stand-in, for the integration tests of
the scheduling, autoscaling, operator, networking and sandboxing checks."""

from tests.integration.playbook import run_check_tasks

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
    return run_check_tasks(
        [{"name": name, "ai_conformance.rke2.conformance_check": dict(base, **extra)} for name, extra in tasks.items()]
    )
