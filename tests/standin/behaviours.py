"""Declared cluster behaviours: what controllers of a real cluster would do after a write.

A scenario lists them under ``behaviours``; each reacts to committed writes:

- ``gatewayclass``: a Gateway API controller accepts GatewayClasses naming its ``controllerName``
  (Traefik: ``traefik.io/gateway-controller``, reason ``Handled``, message ``Handled by Traefik controller``)
  when they are created or their generation changes (status-only writes are left alone).
- ``workloads-ready``: Deployments, StatefulSets and DaemonSets created or changed through the API get
  a status with every replica ready (as the controllers and kubelets of a healthy cluster report).
- ``pods-running``: Pods created through the API get phase Running and Ready containers.

CRD establishment and APIService availability are the API server's own doing and always on.
"""

import copy
import threading

from tests.standin.store import now_rfc3339

KNOWN = ("gatewayclass", "workloads-ready", "pods-running")


def check_behaviour(entry, where):
    if not isinstance(entry, dict) or entry.get("type") not in KNOWN:
        raise ValueError("%s: each behaviour needs type: one of %s, got %r" % (where, ", ".join(KNOWN), entry))
    if entry["type"] == "gatewayclass" and not entry.get("controllerName"):
        raise ValueError("%s: behaviour gatewayclass needs controllerName" % where)
    delay = entry.get("delay", 0)
    if not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("%s: behaviour delay must be a number of seconds >= 0, got %r" % (where, delay))


def _generation(obj):
    return ((obj or {}).get("metadata") or {}).get("generation")


class Behaviours(object):
    def __init__(self, standin, entries):
        self.standin = standin
        self.entries = list(entries or [])
        self._timers = []

    def _later(self, delay, fn):
        if not delay:
            fn()
            return
        timer = threading.Timer(delay, fn)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def stop(self):
        for t in self._timers:
            t.cancel()

    # --- called by ObjectLogic after every commit -------------------------------------------
    def after_write(self, rt, etype, old, obj):
        if etype == "DELETED":
            return
        gr = (rt.group, rt.resource)
        for entry in self.entries:
            kind = entry["type"]
            if (
                kind == "gatewayclass"
                and gr == ("gateway.networking.k8s.io", "gatewayclasses")
                and (etype == "ADDED" or _generation(old) != _generation(obj))
            ):
                self._later(entry.get("delay", 0), lambda e=entry, o=obj: self._accept_gatewayclass(e, o))
            elif kind == "workloads-ready" and gr in (
                ("apps", "deployments"),
                ("apps", "statefulsets"),
                ("apps", "daemonsets"),
            ):
                self._later(entry.get("delay", 0), lambda o=obj, r=rt: self._workload_ready(r, o))
            elif kind == "pods-running" and gr == ("", "pods") and etype == "ADDED":
                self._later(entry.get("delay", 0), lambda o=obj, r=rt: self._pod_running(r, o))

    def _update_status(self, rt, name, namespace, mutate):
        store = self.standin.store
        with store.lock:
            current = store.raw_get(rt.group, rt.resource, namespace or "", name)
            if current is None:
                return
            new = copy.deepcopy(current)
            if not mutate(new):
                return
            self.standin.logic.commit(rt, new, "MODIFIED", current)

    def _accept_gatewayclass(self, entry, obj):
        if (obj.get("spec") or {}).get("controllerName") != entry["controllerName"]:
            return
        rt = self.standin.registry.by_gr.get(("gateway.networking.k8s.io", "gatewayclasses"))
        if rt is None:
            return

        def mutate(new):
            gen = new["metadata"].get("generation", 1)
            status = new.setdefault("status", {})
            conds = [c for c in status.get("conditions") or [] if c.get("type") != "Accepted"]
            old = next((c for c in status.get("conditions") or [] if c.get("type") == "Accepted"), {})
            want = {
                "type": "Accepted",
                "status": entry.get("status", "True"),
                "reason": entry.get("reason", "Accepted"),
                "message": entry.get("message", ""),
                "observedGeneration": gen,
            }
            if all(old.get(k) == v for k, v in want.items()):
                return False
            want["lastTransitionTime"] = (
                now_rfc3339() if old.get("status") != want["status"] else old.get("lastTransitionTime", now_rfc3339())
            )
            status["conditions"] = [want, *conds]
            return True

        self._update_status(rt, obj["metadata"]["name"], None, mutate)

    def _workload_ready(self, rt, obj):
        def mutate(new):
            spec = new.get("spec") or {}
            gen = new["metadata"].get("generation", 1)
            if rt.resource == "daemonsets":
                n = int((new.get("status") or {}).get("desiredNumberScheduled") or 1)
                want = {
                    "desiredNumberScheduled": n,
                    "currentNumberScheduled": n,
                    "numberReady": n,
                    "updatedNumberScheduled": n,
                    "numberAvailable": n,
                    "numberMisscheduled": 0,
                    "observedGeneration": gen,
                }
            else:
                n = int(spec.get("replicas", 1))
                want = {
                    "replicas": n,
                    "readyReplicas": n,
                    "updatedReplicas": n,
                    "availableReplicas": n,
                    "observedGeneration": gen,
                }
                if rt.resource == "deployments":
                    want["conditions"] = [
                        {
                            "type": "Available",
                            "status": "True",
                            "reason": "MinimumReplicasAvailable",
                            "message": "Deployment has minimum availability.",
                        },
                        {
                            "type": "Progressing",
                            "status": "True",
                            "reason": "NewReplicaSetAvailable",
                            "message": 'ReplicaSet "%s" has successfully progressed.' % new["metadata"]["name"],
                        },
                    ]
                else:
                    want["currentReplicas"] = n
            status = new.get("status") or {}
            if all(status.get(k) == v for k, v in want.items() if k != "conditions") and (
                rt.resource != "deployments" or status.get("conditions")
            ):
                return False
            status.update(want)
            new["status"] = status
            return True

        self._update_status(rt, obj["metadata"]["name"], obj["metadata"].get("namespace"), mutate)

    def _pod_running(self, rt, obj):
        def mutate(new):
            status = new.get("status") or {}
            if status.get("phase") == "Running":
                return False
            containers = (new.get("spec") or {}).get("containers") or []
            now = now_rfc3339()
            new["status"] = {
                "phase": "Running",
                "conditions": [
                    {"type": t, "status": "True", "lastTransitionTime": now}
                    for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
                ],
                "containerStatuses": [
                    {
                        "name": c.get("name"),
                        "image": c.get("image"),
                        "ready": True,
                        "started": True,
                        "restartCount": 0,
                        "state": {"running": {"startedAt": now}},
                    }
                    for c in containers
                ],
                "hostIP": "10.0.0.10",
                "podIP": "10.42.0.%d" % (abs(hash(new["metadata"]["name"])) % 250 + 2),
                "qosClass": status.get("qosClass", "BestEffort"),
                "startTime": now,
            }
            return True

        self._update_status(rt, obj["metadata"]["name"], obj["metadata"].get("namespace"), mutate)

    # --- APIServices --------------------------------------------------------------------------
    def apiservice_changed(self, etype, obj, probe=True):
        """Keep the registry's aggregated group-versions in step with APIService objects."""
        spec = obj.get("spec") or {}
        group, version = spec.get("group"), spec.get("version")
        if not group or not version or not spec.get("service"):
            return
        gv = "%s/%s" % (group, version)
        registry = self.standin.registry
        if etype == "DELETED":
            registry.remove_aggregated(gv)
            return
        conds = (obj.get("status") or {}).get("conditions") or []
        available = any(c.get("type") == "Available" and c.get("status") == "True" for c in conds)
        declared = self.standin.scenario.aggregated.get(gv) or {}
        registry.set_aggregated(gv, declared.get("resources") or [], available)
        if not conds and probe:
            # created through the API: the aggregator probes the service and reports what it found
            self._later(0, lambda: self._probe_apiservice(obj["metadata"]["name"], gv))

    def _probe_apiservice(self, name, gv):
        rt = self.standin.registry.by_gr.get(("apiregistration.k8s.io", "apiservices"))
        declared = gv in self.standin.scenario.aggregated

        def mutate(new):
            if (new.get("status") or {}).get("conditions"):
                return False
            svc = (new.get("spec") or {}).get("service") or {}
            if declared:
                cond = {"type": "Available", "status": "True", "reason": "Passed", "message": "all checks passed"}
            else:
                cond = {
                    "type": "Available",
                    "status": "False",
                    "reason": "MissingEndpoints",
                    "message": 'endpoints for service/%s in "%s" have no addresses with port name "https"'
                    % (svc.get("name"), svc.get("namespace")),
                }
            cond["lastTransitionTime"] = now_rfc3339()
            new["status"] = {"conditions": [cond]}
            return True

        self._update_status(rt, name, None, mutate)
