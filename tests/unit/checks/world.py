"""A small in-memory cluster for the scheduling, autoscaling, operator and networking check tests.

``World`` stores objects and answers the GET requests checks make (objects, paged lists with
label and field selectors applied like the API server does, and extra raw routes such as the
custom metrics API), on top of discovery built from real documents (``discovery_docs``).
"""

import copy
import re

from ansible_collections.ai_conformance.rke2.plugins.module_utils import runner
from tests.unit import discovery_docs
from tests.unit.fakes import FakeClient, cluster_routes

# kind -> (group, plural, namespaced) for the kinds these tests create
KINDS = {
    "Pod": ("", "pods", True),
    "Node": ("", "nodes", False),
    "ConfigMap": ("", "configmaps", True),
    "Service": ("", "services", True),
    "Namespace": ("", "namespaces", False),
    "Deployment": ("apps", "deployments", True),
    "StatefulSet": ("apps", "statefulsets", True),
    "HorizontalPodAutoscaler": ("autoscaling", "horizontalpodautoscalers", True),
    "CustomResourceDefinition": ("apiextensions.k8s.io", "customresourcedefinitions", False),
    "APIService": ("apiregistration.k8s.io", "apiservices", False),
    "ValidatingWebhookConfiguration": ("admissionregistration.k8s.io", "validatingwebhookconfigurations", False),
    "EndpointSlice": ("discovery.k8s.io", "endpointslices", True),
    "RuntimeClass": ("node.k8s.io", "runtimeclasses", False),
    "DeviceClass": ("resource.k8s.io", "deviceclasses", False),
    "ResourceSlice": ("resource.k8s.io", "resourceslices", False),
    "GatewayClass": ("gateway.networking.k8s.io", "gatewayclasses", False),
}


def _requirement(expr):
    expr = expr.strip()
    m = re.match(r"^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$", expr)
    if m:
        values = {v.strip() for v in m.group(3).split(",")}
        return m.group(1), m.group(2), values
    m = re.match(r"^([^\s!=]+)\s*(==|=|!=)\s*(.*)$", expr)
    if m:
        return m.group(1), "!=" if m.group(2) == "!=" else "=", {m.group(3)}
    if expr.startswith("!"):
        return expr[1:], "!exists", set()
    return expr, "exists", set()


def _split(selector):
    parts, depth, cur = [], 0, ""
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return [p for p in parts if p.strip()]


def matches_labels(labels, selector):
    for part in _split(selector or ""):
        key, op, values = _requirement(part)
        if op == "exists" and key not in labels:
            return False
        if op == "!exists" and key in labels:
            return False
        if op in ("=", "in") and labels.get(key) not in values:
            return False
        if op in ("!=", "notin") and labels.get(key) in values:
            return False
    return True


def _field(obj, path):
    value = obj
    for part in path.split("."):
        value = (value or {}).get(part) if isinstance(value, dict) else None
    return value


def matches_fields(obj, selector):
    for part in _split(selector or ""):
        key, op, values = _requirement(part)
        value = _field(obj, key)
        value = "" if value is None else str(value)
        if op == "=" and value not in values:
            return False
        if op == "!=" and value in values:
            return False
    return True


class WorldClient(FakeClient):
    """FakeClient whose object routes come from a ``World``."""

    def __init__(self, world, routes, **kwargs):
        super().__init__(routes, **kwargs)
        self.world = world

    def request(self, method, path, query=None, body=None, accept="application/json", **kwargs):
        if path not in self.routes and (path, "aggregated") not in self.routes and path not in self.errors:
            answer = self.world.answer(path, query or {})
            if answer is not None:
                self.routes[path] = answer
                try:
                    return super().request(method, path, query=query, body=body, accept=accept, **kwargs)
                finally:
                    del self.routes[path]
        return super().request(method, path, query=query, body=body, accept=accept, **kwargs)

    def list(self, path, label_selector=None, field_selector=None, limit=500):
        data = self.get(path, query={"labelSelector": label_selector, "fieldSelector": field_selector, "limit": limit})
        return data.get("items") or [], 1

    def get_text(self, path, query=None, accept="text/plain, */*"):
        return self.request("GET", path, query=query, accept=accept).text


class World:
    """Objects of a small cluster; ``run`` runs checks against it through the real runner."""

    def __init__(self, groups=None, extra_groups=None):
        self.groups = groups or discovery_docs.full_cluster(extra=extra_groups)
        self.objects = []
        self.routes = {}
        self.errors = {}

    def add(self, *objs):
        for obj in objs:
            self.objects.append(copy.deepcopy(obj))
        return self

    def remove(self, kind, name, namespace=None):
        self.objects = [
            o
            for o in self.objects
            if not (o["kind"] == kind and o["metadata"]["name"] == name and o["metadata"].get("namespace") == namespace)
        ]
        return self

    def find(self, kind, name, namespace=None):
        for obj in self.objects:
            meta = obj["metadata"]
            if obj["kind"] == kind and meta["name"] == name and meta.get("namespace") == namespace:
                return obj
        raise KeyError((kind, name, namespace))

    def _served(self, group, plural):
        return any(res["name"] == plural for body in self.groups.get(group, []) for res in body.get("resources") or [])

    def answer(self, path, query):
        m = re.match(r"^/(?:api/(?P<cv>v1)|apis/(?P<g>[^/]+)/(?P<v>[^/]+))/(?P<rest>.+)$", path)
        if not m:
            return None
        group = m.group("g") or ""
        segs = m.group("rest").split("/")
        namespace = None
        if segs[0] == "namespaces" and len(segs) >= 3:
            namespace, segs = segs[1], segs[2:]
        plural = segs[0]
        name = segs[1] if len(segs) > 1 else None
        kinds = [k for k, (g, p, _n) in KINDS.items() if g == group and p == plural]
        extra_kind = [o["kind"] for o in self.objects if o.get("_plural") == (group, plural)]
        kinds += extra_kind
        if not kinds and not self._served(group, plural):
            return None
        found = [
            o
            for o in self.objects
            if o["kind"] in kinds
            and (namespace is None or o["metadata"].get("namespace") == namespace)
            and (name is None or o["metadata"]["name"] == name)
        ]
        clean = [{k: v for k, v in o.items() if k != "_plural"} for o in found]
        if name is not None:
            return clean[0] if clean else None
        items = [
            o
            for o in clean
            if matches_labels(o["metadata"].get("labels") or {}, query.get("labelSelector"))
            and matches_fields(o, query.get("fieldSelector"))
        ]
        return {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items}

    def client(self, aggregated=True):
        return WorldClient(self, cluster_routes(self.groups, self.routes), errors=self.errors, aggregated=aggregated)

    def run(self, requirement, options=None, aggregated=True):
        """Run one check; returns ``(result dict, client)``."""
        client = self.client(aggregated=aggregated)
        outcome = runner.run(client, [requirement], options=options or {})
        return outcome["results"][0], client


# -- object builders --------------------------------------------------------------------------
def meta(name, namespace=None, labels=None, **extra):
    out = {"name": name, "uid": "uid-" + name, "resourceVersion": "1", "generation": 1}
    if namespace:
        out["namespace"] = namespace
    if labels:
        out["labels"] = dict(labels)
    out.update(extra)
    return out


def custom(api_version, kind, plural, name, namespace=None, spec=None, status=None, labels=None):
    """A custom resource stored under ``plural`` of its group."""
    group = api_version.split("/")[0] if "/" in api_version else ""
    obj = {"apiVersion": api_version, "kind": kind, "metadata": meta(name, namespace, labels)}
    obj["_plural"] = (group, plural)
    if spec is not None:
        obj["spec"] = spec
    if status is not None:
        obj["status"] = status
    return obj


def crd(name, established=True, reason="InitialNamesAccepted", message="the initial names have been accepted"):
    plural, group = name.split(".", 1)
    conditions = [
        {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found"},
        {
            "type": "Established",
            "status": "True" if established else "False",
            "reason": reason if established else "Installing",
            "message": message if established else "the initial names have not been accepted",
        },
    ]
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": meta(name),
        "spec": {"group": group, "names": {"plural": plural}, "scope": "Namespaced"},
        "status": {"conditions": conditions, "acceptedNames": {"plural": plural}},
    }


def deployment(namespace, name, replicas=1, ready=None, labels=None, containers=None):
    ready = replicas if ready is None else ready
    available = "True" if ready >= replicas > 0 else "False"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, namespace, labels or {"app": name}),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels or {"app": name}},
            "template": {
                "metadata": {"labels": labels or {"app": name}},
                "spec": {"containers": containers or [{"name": name, "image": "example/" + name}]},
            },
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "updatedReplicas": replicas,
            "conditions": [
                {
                    "type": "Available",
                    "status": available,
                    "reason": "MinimumReplicasAvailable" if available == "True" else "MinimumReplicasUnavailable",
                }
            ],
        },
    }


def pod(namespace, name, labels, ready=True, phase="Running"):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(name, namespace, labels),
        "spec": {"containers": [{"name": "c", "image": "example/c"}]},
        "status": {
            "phase": phase,
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "reason": None if ready else "ContainersNotReady",
                    "message": None if ready else "containers with unready status: [c]",
                }
            ],
        },
    }


def node(name, labels=None, provider_id=None, capacity=None, taints=None):
    obj = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(name, labels=labels or {}),
        "spec": {},
        "status": {"capacity": capacity or {"cpu": "8"}, "conditions": [{"type": "Ready", "status": "True"}]},
    }
    if provider_id:
        obj["spec"]["providerID"] = provider_id
    if taints:
        obj["spec"]["taints"] = taints
    return obj


def configmap(namespace, name, data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, namespace), "data": dict(data)}


def service(namespace, name, selector=None, ports=None):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, namespace),
        "spec": {"selector": selector or {}, "ports": ports or [{"port": 443, "targetPort": 9443}]},
    }


def endpoint_slice(namespace, service_name, ready=(True,), name=None):
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": meta(name or service_name + "-abcde", namespace, {"kubernetes.io/service-name": service_name}),
        "addressType": "IPv4",
        "endpoints": [
            {"addresses": ["10.42.0.%d" % (i + 10)], "conditions": {"ready": r}} for i, r in enumerate(ready)
        ],
        "ports": [{"name": "https", "port": 9443, "protocol": "TCP"}],
    }
