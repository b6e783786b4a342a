"""gang_scheduling: Volcano, Kueue or coscheduling detected, CRDs established, Deployments ready."""

import pytest

from tests.unit import discovery_docs
from tests.unit.checks.world import World, crd, deployment

VOLCANO_GROUPS = {
    "scheduling.volcano.sh": [
        discovery_docs.custom_group(
            "scheduling.volcano.sh", "v1beta1", [("podgroups", "PodGroup", True), ("queues", "Queue", False)]
        )
    ],
    "batch.volcano.sh": [discovery_docs.custom_group("batch.volcano.sh", "v1alpha1", [("jobs", "Job", True)])],
}
VOLCANO_CRDS = ("podgroups.scheduling.volcano.sh", "queues.scheduling.volcano.sh", "jobs.batch.volcano.sh")
VOLCANO_DEPLOYMENTS = ("volcano-scheduler", "volcano-controllers", "volcano-admission")
KUEUE_GROUPS = {
    "kueue.x-k8s.io": [
        discovery_docs.custom_group(
            "kueue.x-k8s.io",
            "v1beta1",
            [
                ("clusterqueues", "ClusterQueue", False),
                ("localqueues", "LocalQueue", True),
                ("resourceflavors", "ResourceFlavor", False),
                ("workloads", "Workload", True),
            ],
        )
    ]
}
KUEUE_CRDS = (
    "clusterqueues.kueue.x-k8s.io",
    "localqueues.kueue.x-k8s.io",
    "resourceflavors.kueue.x-k8s.io",
    "workloads.kueue.x-k8s.io",
)


def volcano_world(**groups):
    world = World(extra_groups=dict(VOLCANO_GROUPS, **groups))
    world.add(*[crd(n) for n in VOLCANO_CRDS])
    world.add(*[deployment("volcano-system", n) for n in VOLCANO_DEPLOYMENTS])
    return world


@pytest.mark.parametrize("aggregated", [True, False], ids=["aggregated", "legacy"])
def test_volcano_installed_and_running_passes(aggregated):
    result, client = volcano_world().run("gang_scheduling", aggregated=aggregated)
    assert result["status"] == "passed", result["summary"]
    assert result["summary"].startswith("Volcano is installed and running")
    assert "volcano-scheduler, volcano-controllers, volcano-admission ready in volcano-system" in result["summary"]
    assert result["details"]["found"] == ["volcano"]
    # one list of the namespace's Deployments, not one GET per Deployment
    paths = [c[1] for c in client.calls]
    assert paths.count("/apis/apps/v1/namespaces/volcano-system/deployments") == 1
    assert not any(p.startswith("/apis/apps/v1/namespaces/volcano-system/deployments/") for p in paths)
    crd_evidence = next(e for e in result["evidence"] if e["description"] == "Volcano CRDs established")
    assert crd_evidence["ok"] is True
    assert "podgroups.scheduling.volcano.sh: Established=True NamesAccepted=True" in crd_evidence["output"]


@pytest.mark.parametrize(
    ("kind", "name", "replacement", "problem"),
    [
        (
            "Deployment",
            "volcano-scheduler",
            deployment("volcano-system", "volcano-scheduler", replicas=1, ready=0),
            "Deployment volcano-system/volcano-scheduler is not ready (0/1 ready)",
        ),
        ("Deployment", "volcano-admission", None, "Deployment volcano-system/volcano-admission is missing"),
        (
            "CustomResourceDefinition",
            "queues.scheduling.volcano.sh",
            crd("queues.scheduling.volcano.sh", established=False),
            "CRD queues.scheduling.volcano.sh is not established (Established=False (Installing",
        ),
        ("CustomResourceDefinition", "jobs.batch.volcano.sh", None, "CRD jobs.batch.volcano.sh is missing"),
    ],
    ids=["deployment-not-ready", "deployment-missing", "crd-not-established", "crd-missing"],
)
def test_broken_volcano_fails_and_names_what_is_broken(kind, name, replacement, problem):
    world = volcano_world()
    world.remove(kind, name, "volcano-system" if kind == "Deployment" else None)
    if replacement is not None:
        world.add(replacement)
    result, _client = world.run("gang_scheduling")
    assert result["status"] == "failed"
    assert "Volcano is installed but not healthy" in result["summary"]
    assert problem in result["summary"]
    assert "volcano-controllers" not in result["summary"]  # the healthy parts are not blamed


def test_no_gang_scheduler_fails_naming_what_was_looked_for():
    result, client = World().run("gang_scheduling")
    assert result["status"] == "failed"
    assert result["summary"].startswith("no gang scheduler found: none of scheduling.volcano.sh (Volcano)")
    assert "kueue.x-k8s.io (Kueue)" in result["summary"]
    assert "scheduling.x-k8s.io (scheduler-plugins coscheduling)" in result["summary"]
    assert "helm install volcano" in result["summary"]
    # nothing detected: no reads beyond version and discovery
    assert {c[1] for c in client.calls} <= {"/version", "/api", "/apis"}


def test_kueue_is_recognised_and_reported():
    world = World(extra_groups=KUEUE_GROUPS)
    world.add(*[crd(n) for n in KUEUE_CRDS])
    world.add(deployment("kueue-system", "kueue-controller-manager"))
    result, _client = world.run("gang_scheduling")
    assert result["status"] == "passed", result["summary"]
    assert result["summary"].startswith("Kueue is installed and running")
    assert result["details"]["found"] == ["kueue"]


def test_coscheduling_with_overridden_namespace_and_deployments():
    groups = {
        "scheduling.x-k8s.io": [
            discovery_docs.custom_group("scheduling.x-k8s.io", "v1alpha1", [("podgroups", "PodGroup", True)])
        ]
    }
    world = World(extra_groups=groups)
    world.add(crd("podgroups.scheduling.x-k8s.io"), deployment("sched", "my-scheduler"))
    options = {"gang_scheduling": {"coscheduling_namespace": "sched", "coscheduling_deployments": ["my-scheduler"]}}
    result, _client = world.run("gang_scheduling", options=options)
    assert result["status"] == "passed", result["summary"]
    assert "scheduler-plugins coscheduling is installed and running" in result["summary"]
    assert "my-scheduler ready in sched" in result["summary"]
    result, _client = world.run("gang_scheduling")  # defaults: scheduler-plugins namespace is empty
    assert result["status"] == "failed"
    assert "Deployment scheduler-plugins/scheduler-plugins-scheduler is missing" in result["summary"]


def test_one_healthy_scheduler_passes_and_mentions_a_broken_one():
    world = volcano_world(**KUEUE_GROUPS)
    world.add(*[crd(n) for n in KUEUE_CRDS])
    world.add(deployment("kueue-system", "kueue-controller-manager", ready=0))
    result, _client = world.run("gang_scheduling")
    assert result["status"] == "passed"
    assert result["summary"].startswith("Volcano is installed and running")
    assert (
        "Kueue is installed but not healthy: Deployment kueue-system/kueue-controller-manager is not ready"
        in (result["summary"])
    )


def test_required_scheduler_is_checked_even_when_not_served():
    world = volcano_world()
    result, _client = world.run("gang_scheduling", options={"gang_scheduling": {"scheduler": "kueue"}})
    assert result["status"] == "failed"
    assert "CRD clusterqueues.kueue.x-k8s.io is missing" in result["summary"]
    assert "Deployment kueue-system/kueue-controller-manager is missing" in result["summary"]
    assert "Volcano" not in result["summary"]
