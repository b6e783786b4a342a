"""Run conformance_check through ansible-playbook against a test world (a real control plane,
docs/testworld.md), for the integration tests of the scheduling, autoscaling, operator, networking
and sandboxing checks; and the objects of the rke2-gpu add-on fragments, to take one out or break it."""

import copy
import pathlib

from tests.integration.playbook import run_check_tasks
from tests.testworld.scenario import SCENARIO_DIR, load_documents
from tests.testworld.settle import wait_for

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
FRAGMENTS = pathlib.Path(SCENARIO_DIR) / "rke2-gpu.d"
CRASH_LOOPING = {"testworld.ai-conformance/container-state": "crash-looping"}


def check(world, requirements=MY_CHECKS, tasks=None, **options):
    """One play: conformance_check on ``world`` (one task, or ``tasks``: {name: extra args}).

    Returns ``{task name: {requirement id: result}}`` and the raw run."""
    base = {"kubeconfig": world.kubeconfig, "requirements": list(requirements)}
    base.update(options)
    tasks = tasks or {"check": {}}
    return run_check_tasks(
        [{"name": name, "ai_conformance.rke2.conformance_check": dict(base, **extra)} for name, extra in tasks.items()]
    )


def fragment(name):
    """The scenario keys of ``rke2-gpu.d/<name>.yaml`` (a copy)."""
    return load_documents(str(FRAGMENTS / ("%s.yaml" % name)))[0]


def ref(obj):
    """``{apiVersion, kind, name[, namespace]}`` of ``obj``, for an override's remove or patch."""
    meta = obj["metadata"]
    found = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"]}
    if meta.get("namespace"):
        found["namespace"] = meta["namespace"]
    return found


def uninstalled(name):
    """An override that takes the whole add-on of fragment ``name`` out (objects and endpoints), as
    if it had never been installed."""
    data = fragment(name)
    remove = [ref(o) for o in data.get("objects") or []]
    remove += [{"endpoint": e["name"]} for e in data.get("endpoints") or []]
    return {"remove": remove}


def find(name, kind, object_name):
    """The object ``kind``/``object_name`` of fragment ``name`` (a copy)."""
    for obj in fragment(name).get("objects") or []:
        if obj["kind"] == kind and obj["metadata"]["name"] == object_name:
            return copy.deepcopy(obj)
    raise LookupError("%s %s is not in rke2-gpu.d/%s.yaml" % (kind, object_name, name))


def crash_looping(api_version, kind, namespace, name):
    """A patch that makes the pods of a workload crash-loop (the world's KWOK stage then reports
    them Running, not Ready, their containers in CrashLoopBackOff, as a kubelet would)."""
    return {
        "apiVersion": api_version,
        "kind": kind,
        "namespace": namespace,
        "name": name,
        "patch": {"spec": {"template": {"metadata": {"annotations": dict(CRASH_LOOPING)}}}},
    }


def pods(world, namespace, selector):
    """The pods of ``namespace`` that ``selector`` (a label selector string) selects."""
    return world.api.list("v1", "Pod", namespace=namespace, labelSelector=selector)


def waiting_reasons(pod):
    """The reasons its containers are waiting (``CrashLoopBackOff``...)."""
    return [
        ((c.get("state") or {}).get("waiting") or {}).get("reason")
        for c in (pod.get("status") or {}).get("containerStatuses") or []
    ]


def hpa_condition(world, namespace, name, kind, predicate, timeout=30.0):
    """Wait until the HPA controller reports condition ``kind`` of the HPA so that
    ``predicate(condition)`` holds, and return that condition. The world settles once every HPA was
    synced once, which may have been before its metrics API was available; the controller syncs
    again every 2 s."""

    def look():
        hpa = world.api.read("autoscaling/v2", "HorizontalPodAutoscaler", name, namespace) or {}
        for cond in (hpa.get("status") or {}).get("conditions") or []:
            if cond.get("type") == kind and predicate(cond):
                return cond
        return None

    return wait_for(look, timeout=timeout, what="HPA %s/%s condition %s" % (namespace, name, kind))
