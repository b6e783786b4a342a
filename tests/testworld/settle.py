"""Waiting for the world's controllers to catch up with what was applied.

"Settled" means what a user sees a minute after ``kubectl apply`` on a healthy control plane: nodes
Ready with pod CIDRs, every workload observed by its controller with all its pods created, no pod
waiting to be scheduled or started (an unschedulable pod is settled: it stays Pending), no pod
terminating (among pending ones), Services' EndpointSlices listing their ready pods, every HPA synced once and every
APIService checked once. A scenario that never gets there is broken; the error says what waits.
"""

import time

WORKLOADS = (
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
)


class NotSettled(RuntimeError):
    pass


def _conditions(obj):
    return {c.get("type"): c for c in (obj.get("status") or {}).get("conditions") or []}


def _workload_waits(kind, obj):
    meta, spec, status = obj["metadata"], obj.get("spec") or {}, obj.get("status") or {}
    name = "%s %s/%s" % (kind, meta.get("namespace"), meta["name"])
    if status.get("observedGeneration", 0) < meta.get("generation", 1):
        return "%s: not yet observed by its controller" % name
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        want = spec.get("replicas", 1)
        if kind == "Deployment" and status.get("replicas", 0) != want:
            return "%s: %s of %s replicas created" % (name, status.get("replicas", 0), want)
        if kind != "Deployment" and status.get("replicas", 0) < want:
            return "%s: %s of %s pods created" % (name, status.get("replicas", 0), want)
    if kind == "DaemonSet" and status.get("currentNumberScheduled", 0) < status.get("desiredNumberScheduled", 0):
        return "%s: %s of %s pods created" % (
            name,
            status.get("currentNumberScheduled"),
            status.get("desiredNumberScheduled"),
        )
    return None


def _pod_waits(pod):
    meta, status = pod["metadata"], pod.get("status") or {}
    name = "Pod %s/%s" % (meta.get("namespace"), meta["name"])
    if meta.get("deletionTimestamp"):
        return "%s: terminating" % name
    if status.get("phase", "Pending") != "Pending":
        return None
    scheduled = _conditions(pod).get("PodScheduled") or {}
    if scheduled.get("status") == "False":  # unschedulable: what the cluster would show too
        return None
    return "%s: pending (%s)" % (name, "bound, not started" if pod["spec"].get("nodeName") else "not scheduled")


def _ready(pod):
    return (pod.get("status") or {}).get("phase") == "Running" and (_conditions(pod).get("Ready") or {}).get(
        "status"
    ) == "True"


def _service_waits(api, services):
    waits = []
    ready_ips = {}
    for item in api.list("discovery.k8s.io/v1", "EndpointSlice"):
        service = (item["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
        key = (item["metadata"]["namespace"], service)
        for endpoint in item.get("endpoints") or []:
            if (endpoint.get("conditions") or {}).get("ready"):
                ready_ips.setdefault(key, set()).update(endpoint.get("addresses") or [])
    for svc in services:
        spec = svc.get("spec") or {}
        selector = spec.get("selector")
        if not selector or spec.get("type") == "ExternalName":
            continue
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        matching = api.list("v1", "Pod", ns, labelSelector=",".join("%s=%s" % kv for kv in sorted(selector.items())))
        want = {p["status"]["podIP"] for p in matching if _ready(p) and p["status"].get("podIP")}
        have = ready_ips.get((ns, name), set())
        if want != have:
            waits.append(
                "Service %s/%s: EndpointSlices list %d of %d ready pods" % (ns, name, len(have & want), len(want))
            )
    return waits


def waits(api):
    """What the world is still waiting for (empty when settled). Reads are selector-bound, so a
    world of thousands of nodes and pods settles without listing every pod each time."""
    found = []
    for node in api.list("v1", "Node"):
        if (_conditions(node).get("Ready") or {}).get("status") != "True":
            found.append("Node %s: not Ready" % node["metadata"]["name"])
        elif not (node.get("spec") or {}).get("podCIDR"):
            found.append("Node %s: no pod CIDR yet" % node["metadata"]["name"])
    for api_version, kind in WORKLOADS:
        for obj in api.list(api_version, kind):
            wait = _workload_waits(kind, obj)
            if wait:
                found.append(wait)
    pending = api.list("v1", "Pod", fieldSelector="status.phase=Pending")
    found.extend(w for w in map(_pod_waits, pending) if w)
    found.extend(_service_waits(api, api.list("v1", "Service")))
    for hpa in api.list("autoscaling/v2", "HorizontalPodAutoscaler"):
        if not _conditions(hpa):
            meta = hpa["metadata"]
            found.append("HorizontalPodAutoscaler %s/%s: not synced yet" % (meta["namespace"], meta["name"]))
    for svc in api.list("apiregistration.k8s.io/v1", "APIService"):
        if "Available" not in _conditions(svc):
            found.append("APIService %s: not checked yet" % svc["metadata"]["name"])
    return found


def settle(api, timeout=60.0, stable=2, interval=0.25):
    """Wait until ``waits`` is empty on ``stable`` consecutive looks; NotSettled lists what still waits."""
    deadline = time.monotonic() + timeout
    clean = 0
    pending = []
    while time.monotonic() < deadline:
        pending = waits(api)
        clean = clean + 1 if not pending else 0
        if clean >= stable:
            return
        time.sleep(interval)
    raise NotSettled(
        "the world did not settle within %ds; still waiting for:\n  %s" % (timeout, "\n  ".join(pending[:30]))
    )


def wait_for(predicate, timeout=30.0, interval=0.2, what="condition"):
    """Poll ``predicate()`` until it returns something truthy; returns it, or raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("%s not reached within %ss" % (what, timeout))
        time.sleep(interval)
