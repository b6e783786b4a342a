"""Applying a scenario through the API, as a user (or a Helm chart) would, then waiting for the
world's controllers to settle.

What a running component writes cannot come from a scenario: the status of Pods, workloads, Jobs,
HPAs, Namespaces, APIServices or CRDs, node conditions, and objects a controller makes from an owner
(a DaemonSet's pods, a Deployment's ReplicaSets, a Service's EndpointSlices). A scenario that
holds one gets an error naming the object and the component. Every other status (custom resources
of operators that do not run here, a LoadBalancer address, what a kubelet reports of its node) is
written through the status subresource and listed in ``simulated``.
"""

import concurrent.futures
import copy
import time

from tests.testworld.api import ApiError
from tests.testworld.components.kwok import NODE_ANNOTATION
from tests.testworld.scenario import ScenarioError, describe, identity

KCM = "kube-controller-manager"
STATUS_WRITERS = {
    "Pod": "kube-scheduler and kwok (as the kubelet)",
    "Deployment": KCM,
    "ReplicaSet": KCM,
    "StatefulSet": KCM,
    "DaemonSet": KCM,
    "ReplicationController": KCM,
    "Job": KCM,
    "CronJob": KCM,
    "HorizontalPodAutoscaler": KCM,
    "PodDisruptionBudget": KCM,
    "PersistentVolumeClaim": KCM,
    "PersistentVolume": KCM,
    "ResourceQuota": KCM,
    "CertificateSigningRequest": KCM,
    "ResourceClaim": "kube-scheduler",
    "Namespace": "kube-apiserver and kube-controller-manager",
    "APIService": "kube-apiserver (its availability controller)",
    "CustomResourceDefinition": "kube-apiserver",
}
CONTROLLER_OWNERS = {"ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Deployment", "CronJob", "ReplicationController"}
NODE_STATUS_OWNED = ("conditions", "daemonEndpoints", "phase")
SERVER_FIELDS = ("creationTimestamp", "generation", "resourceVersion", "uid", "managedFields", "selfLink")
# apply order: what others need first; webhooks last so they never block the scenario's own writes
PHASES = (
    ("Namespace",),
    ("CustomResourceDefinition",),
    ("ServiceAccount", "ClusterRole", "Role", "ConfigMap", "Secret", "PriorityClass", "RuntimeClass", "StorageClass"),
    None,  # everything else
    ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService"),
)
MANAGER = "testworld-scenario"


def _status_owner(obj):
    """Which component writes this object's status, or None when the scenario may simulate it."""
    kind = obj["kind"]
    group = obj["apiVersion"].rpartition("/")[0]
    if kind in STATUS_WRITERS and group in (
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "certificates.k8s.io",
        "resource.k8s.io",
        "apiregistration.k8s.io",
        "apiextensions.k8s.io",
    ):
        return STATUS_WRITERS[kind]
    return None


def _inject_ca(obj, ca_bundle, simulated):
    """Give an APIService or webhook that calls a Service and trusts no CA the world's CA, as
    cert-manager's CA injector or a chart's hook does in a real cluster (recorded as simulated)."""
    if obj["kind"] == "APIService":
        spec = obj.get("spec") or {}
        if spec.get("service") and not spec.get("caBundle") and not spec.get("insecureSkipTLSVerify"):
            spec["caBundle"] = ca_bundle
            simulated.append({"what": "%s caBundle" % describe(identity(obj)), "why": "injected CA of the test world"})
    elif obj["kind"] in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for hook in obj.get("webhooks") or []:
            client = hook.get("clientConfig") or {}
            if client.get("service") and not client.get("caBundle"):
                client["caBundle"] = ca_bundle
                simulated.append(
                    {
                        "what": "%s webhook %s caBundle" % (describe(identity(obj)), hook.get("name")),
                        "why": "injected CA of the test world",
                    }
                )


def prepare(scenario, ca_bundle):
    """(objects to create without status, [(object, status to write)], simulated entries); raises
    ScenarioError for objects a component of the world makes or whose status it writes.
    ``ca_bundle`` is the world's CA (base64 PEM) for APIServices and webhooks without one."""
    objects, statuses, simulated = [], [], []
    for original in scenario.objects:
        obj = copy.deepcopy(original)
        where = "%s: %s" % (scenario.name, describe(identity(obj)))
        _inject_ca(obj, ca_bundle, simulated)
        meta = obj.setdefault("metadata", {})
        for field in SERVER_FIELDS:
            meta.pop(field, None)
        for ref in meta.get("ownerReferences") or []:
            if ref.get("controller") and ref.get("kind") in CONTROLLER_OWNERS:
                raise ScenarioError(
                    "%s: made by %s from its owner %s %s; remove it, the controller creates it"
                    % (where, KCM, ref.get("kind"), ref.get("name"))
                )
        labels = meta.get("labels") or {}
        if obj["kind"] == "EndpointSlice" and labels.get("endpointslice.kubernetes.io/managed-by", "").endswith(
            "k8s.io"
        ):
            raise ScenarioError("%s: EndpointSlices of Services are made by %s; remove it" % (where, KCM))
        status = obj.pop("status", None)
        if obj["kind"] == "Node":
            meta.setdefault("annotations", {})[NODE_ANNOTATION[0]] = NODE_ANNOTATION[1]
            spec = obj.get("spec") or {}
            if spec.get("podCIDR") or spec.get("podCIDRs"):
                raise ScenarioError(
                    "%s: spec.podCIDR(s): %s allocates pod CIDRs from the world's pod range; remove them" % (where, KCM)
                )
            if status:
                owned = [k for k in NODE_STATUS_OWNED if k in status]
                if owned:
                    raise ScenarioError(
                        "%s: status.%s: written by kwok (as the kubelet); remove it" % (where, "/".join(owned))
                    )
                simulated.append(
                    {
                        "what": "%s status (%s)" % (describe(identity(obj)), ", ".join(sorted(status))),
                        "why": "what a kubelet and device plugin report of a machine; kwok keeps it, posts heartbeats",
                    }
                )
                # registered with its status in one create, as a kubelet registers its node: written
                # afterwards, kwok's first status update could overwrite it (it patches what it read)
                obj["status"] = status
                status = None
        elif status:
            owner = _status_owner(obj)
            if owner and not (obj["kind"] == "Service"):
                raise ScenarioError("%s: status is written by %s; remove it from the scenario" % (where, owner))
            if obj["kind"] == "Service" and set(status) - {"loadBalancer"}:
                raise ScenarioError("%s: status: only status.loadBalancer may be simulated" % where)
            simulated.append(
                {"what": "%s status" % describe(identity(obj)), "why": "written by a controller that does not run here"}
            )
        objects.append(obj)
        if status:
            statuses.append((obj, status))
    return objects, statuses, simulated


def _phase_of(kind):
    for i, kinds in enumerate(PHASES):
        if kinds is not None and kind in kinds:
            return i
    return PHASES.index(None)


def _resolve_owners(api, obj):
    """Fill ownerReferences' uids from the live owners (a scenario cannot know them)."""
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    for ref in refs:
        owner = api.read(ref["apiVersion"], ref["kind"], ref["name"], obj["metadata"].get("namespace"))
        if owner is None:
            raise ScenarioError(
                "%s: ownerReferences: %s %s does not exist" % (describe(identity(obj)), ref["kind"], ref["name"])
            )
        ref["uid"] = owner["metadata"]["uid"]


def _apply_one(api, obj, retry_for=20.0):
    deadline = time.monotonic() + retry_for
    while True:
        try:
            _resolve_owners(api, obj)
            return api.apply(obj, manager=MANAGER, wait=10.0)
        except ApiError as exc:
            # a namespace's default ServiceAccount or a just-established CRD may lag a moment
            transient = exc.status in (403, 404, 409, 429, 500, 503) and "forbidden: User" not in str(exc)
            if not transient or time.monotonic() > deadline:
                raise ScenarioError("%s: the API server refused it: %s" % (describe(identity(obj)), exc)) from None
        except LookupError as exc:
            if time.monotonic() > deadline:
                raise ScenarioError("%s: %s" % (describe(identity(obj)), exc)) from None
        time.sleep(0.3)


def _wait_established(api, crds, timeout=30.0):
    deadline = time.monotonic() + timeout
    for crd in crds:
        name = crd["metadata"]["name"]
        while True:
            live = api.read("apiextensions.k8s.io/v1", "CustomResourceDefinition", name) or {}
            conditions = {c["type"]: c for c in (live.get("status") or {}).get("conditions") or []}
            if (conditions.get("Established") or {}).get("status") == "True":
                break
            if (conditions.get("NamesAccepted") or {}).get("status") == "False":
                raise ScenarioError(
                    "CRD %s: names not accepted: %s" % (name, conditions["NamesAccepted"].get("message"))
                )
            if time.monotonic() > deadline:
                raise ScenarioError("CRD %s was not Established after %ds" % (name, timeout))
            time.sleep(0.1)


def apply_objects(api, objects, statuses, workers=8):
    """Create (server-side apply) every object in dependency order, then write the simulated statuses."""
    by_phase = {}
    for obj in objects:
        by_phase.setdefault(_phase_of(obj["kind"]), []).append(obj)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for phase in sorted(by_phase):
            batch = by_phase[phase]
            # owners before the objects that name them
            owned = [o for o in batch if (o.get("metadata") or {}).get("ownerReferences")]
            plain = [o for o in batch if o not in owned]
            for group in (plain, owned):
                list(pool.map(lambda o: _apply_one(api, o), group))
            crds = [o for o in batch if o["kind"] == "CustomResourceDefinition"]
            if crds:
                _wait_established(api, crds)
                api.refresh_discovery()
        list(pool.map(lambda item: write_status(api, *item), statuses))


def write_status(api, obj, status):
    """Write a simulated status through the status subresource (or with the object where the kind has none)."""
    meta = obj["metadata"]
    body = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": {"name": meta["name"]}, "status": status}
    if meta.get("namespace"):
        body["metadata"]["namespace"] = meta["namespace"]
    try:
        return api.apply(body, subresource="status", manager=MANAGER + "-status")
    except ApiError as exc:
        if exc.status != 404:
            raise ScenarioError("%s: status: the API server refused it: %s" % (describe(identity(obj)), exc)) from None
    try:  # a custom resource without a status subresource keeps status in the object
        return api.apply(body, manager=MANAGER + "-status")
    except ApiError as exc:
        raise ScenarioError("%s: status: the API server refused it: %s" % (describe(identity(obj)), exc)) from None
