"""gang_scheduling through ansible-playbook on the test world: Volcano's scheduler crash-loops;
Volcano is not installed."""

from tests.integration.checks.scheduling_helpers import check, crash_looping, pods, uninstalled, waiting_reasons
from tests.integration.playbook import evidence


def test_volcano_scheduler_crash_looping_fails(world):
    # the scheduler's container keeps failing: kube-controller-manager then reports the Deployment
    # 0/1 ready and Available=False, which is what the check reads
    w = world(
        "rke2-gpu", overrides={"patch": [crash_looping("apps/v1", "Deployment", "volcano-system", "volcano-scheduler")]}
    )
    (scheduler,) = pods(w, "volcano-system", "app=volcano-scheduler")
    assert waiting_reasons(scheduler) == ["CrashLoopBackOff"]

    results, _run = check(w, requirements=["gang_scheduling"])
    result = results["check"]["gang_scheduling"]
    assert result["status"] == "failed"
    assert result["cncf_status"] == "Not Implemented"
    assert (
        "Volcano is installed but not healthy: Deployment volcano-system/volcano-scheduler is not ready (0/1 ready)"
        in result["summary"]
    )
    deployments = evidence(result, "Volcano Deployments ready")
    assert "volcano-scheduler: 0/1 ready" in deployments["output"]
    assert "volcano-admission: 1/1 ready" in deployments["output"]
    assert deployments["ok"] is False


def test_without_any_gang_scheduler_it_fails_and_says_what_to_install(world):
    w = world("rke2-gpu", overrides=uninstalled("volcano"))
    assert w.api.read("v1", "Namespace", "volcano-system") is None
    results, _run = check(w, requirements=["gang_scheduling"])
    result = results["check"]["gang_scheduling"]
    assert result["status"] == "failed"
    assert result["summary"].startswith("no gang scheduler found")
    assert "helm install volcano volcano-sh/volcano -n volcano-system" in result["summary"]
    # detection is discovery alone: nothing of Volcano's is read when its API is not served
    assert not [r for r in w.requests if "volcano" in r["path"]]
