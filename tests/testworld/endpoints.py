"""The launcher's side of the declared endpoints (``hardware.py`` serves them): which pod IP and
port belongs to which declaration, kept current by a watch on pods, and the TLS certificate the
HTTPS ones present (signed by the world's CA, named after the Services that select their pods)."""

import contextlib
import json
import os
import re
import sys
import threading
import time

from tests.testworld.process import Process

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pod_info(pod):
    status = pod.get("status") or {}
    return {
        "name": pod["metadata"]["name"],
        "namespace": pod["metadata"]["namespace"],
        "node": (pod.get("spec") or {}).get("nodeName"),
        "ip": status.get("podIP"),
        "labels": pod["metadata"].get("labels") or {},
    }


def _serves(pod):
    status = pod.get("status") or {}
    return status.get("phase") == "Running" and status.get("podIP") and not pod["metadata"].get("deletionTimestamp")


def routes_for(declarations, pods):
    """{"ip:port": {endpoint, pod}} for every running pod a declaration selects."""
    routes = {}
    for decl in declarations:
        for pod in pods:
            info = pod_info(pod)
            if info["namespace"] != decl["namespace"] or not _serves(pod):
                continue
            if all(info["labels"].get(k) == v for k, v in decl["selector"].items()):
                routes["%s:%d" % (info["ip"], decl["port"])] = {"endpoint": decl["name"], "pod": info}
    return routes


def service_names(scenario, namespace):
    names = []
    for obj in scenario.objects:
        meta = obj.get("metadata") or {}
        if obj.get("kind") == "Service" and meta.get("namespace") == namespace:
            base = "%s.%s.svc" % (meta["name"], namespace)
            names += [base, base + ".cluster.local"]
    return names


def _shutdown(response):
    with contextlib.suppress(ValueError, OSError):  # already closed
        response.shutdown()


class HardwareServer(Process):
    name = "endpoints"

    def __init__(self, log_dir, prefix, config_file, ready_file):
        env = dict(os.environ, PYTHONPATH=REPO_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
        super().__init__(log_dir, env=env, prefix=prefix)
        self.config_file = config_file
        self.ready_file = ready_file

    def command(self):
        return [sys.executable, "-m", "tests.testworld.hardware", "--config", self.config_file]

    def healthy(self):
        return os.path.exists(self.ready_file)


class Endpoints(object):
    """Routing of one world's declared endpoints; ``start`` launches the server and the pod watch."""

    def __init__(self, workdir, scenario, layout, network):
        self.declarations = scenario.endpoints
        self.folder = os.path.join(workdir, "endpoints")
        os.makedirs(self.folder, exist_ok=True)
        self.routes_file = os.path.join(self.folder, "routes.json")
        self.log_file = os.path.join(self.folder, "requests.jsonl")
        ports = {}
        for decl in self.declarations:
            spec = ports.setdefault(str(decl["port"]), {"tls": None})
            if decl.get("tls") and not spec["tls"]:
                names = []
                for other in self.declarations:
                    if other["port"] == decl["port"] and other.get("tls"):
                        names += service_names(scenario, other["namespace"])
                cert = layout.serving_certificate("endpoints-%s" % decl["port"], dns_names=names or ("localhost",))
                spec["tls"] = {"cert": cert[0], "key": cert[1]}
        self.config_file = os.path.join(self.folder, "config.json")
        config = {
            "ports": ports,
            "routes_file": self.routes_file,
            "log_file": self.log_file,
            "ready_file": os.path.join(self.folder, "ready"),
        }
        with open(self.config_file, "w") as fh:
            json.dump(config, fh)
        # pods() in a template sees the declarations' namespaces and those a template names literally:
        # routing every pod of a 50,000-pod world on each event would cost more than the world
        self.namespaces = {d["namespace"] for d in self.declarations}
        for decl in self.declarations:
            for page in decl["paths"].values():
                body = page if isinstance(page, str) else page.get("body", "")
                self.namespaces.update(re.findall(r"""pods\(\s*["']([a-z0-9-]+)["']""", body))
        self._write({})
        self.server = HardwareServer(layout.log_dir, network.netns_prefix, self.config_file, config["ready_file"])
        self._pods = {}
        self._stop = threading.Event()
        self._dirty = threading.Event()
        self._threads = []
        self._response = None  # the open watch: shut down on stop, or kube-apiserver waits for it

    def _write(self, pods):
        data = {
            "routes": routes_for(self.declarations, pods.values()),
            "endpoints": {d["name"]: {"paths": d["paths"]} for d in self.declarations},
            "pods": [pod_info(p) for p in pods.values() if _serves(p)],
        }
        tmp = self.routes_file + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.routes_file)

    def start(self, api):
        self.server.start().wait_ready()
        for name, target, args in (("watch", self._watch, (api,)), ("publish", self._publish_loop, ())):
            thread = threading.Thread(target=target, args=args, name="testworld-endpoints-" + name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self.server

    def _keep(self, pod):
        return pod["metadata"]["namespace"] in self.namespaces

    def _watch(self, api):
        while not self._stop.is_set():
            try:
                page = api.get("/api/v1/pods")
                self._pods = {
                    (p["metadata"]["namespace"], p["metadata"]["name"]): p
                    for p in page.get("items") or []
                    if self._keep(p)
                }
                self._dirty.set()
                version = page["metadata"]["resourceVersion"]
                for event in api.watch("/api/v1/pods", version, timeout_seconds=60, on_open=self._opened):
                    if self._stop.is_set():
                        return
                    obj = event["object"]
                    if event["type"] == "BOOKMARK" or not self._keep(obj):
                        continue
                    key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
                    if event["type"] == "DELETED":
                        self._pods.pop(key, None)
                    else:
                        self._pods[key] = obj
                    self._dirty.set()
            except Exception:  # API errors, 410 Gone, a connection the world closes: list again
                self._stop.wait(0.5)

    def _publish_loop(self):
        """Write the routing file after changes, at most every 0.1 s (a burst of pod events, one write)."""
        while not self._stop.is_set():
            if self._dirty.wait(0.5):
                self._stop.wait(0.1)
                self._dirty.clear()
                self._write(dict(self._pods))

    def _opened(self, response):
        self._response = response
        if self._stop.is_set():
            _shutdown(response)

    def sync(self, api, timeout=15.0):
        """Wait until the routing file matches the pods the API server lists now."""
        deadline = time.monotonic() + timeout
        while True:
            want = routes_for(self.declarations, api.list("v1", "Pod"))
            if self.routes() == want:
                return want
            if time.monotonic() > deadline:
                raise TimeoutError("the endpoint routes did not catch up with the pods within %ds" % timeout)
            time.sleep(0.1)

    def routes(self):
        with open(self.routes_file) as fh:
            return json.load(fh)["routes"]

    def requests(self):
        """Every request the endpoints answered, oldest first."""
        try:
            with open(self.log_file) as fh:
                return [json.loads(line) for line in fh if line.strip()]
        except FileNotFoundError:
            return []

    def stop(self):
        self._stop.set()
        if self._response is not None:
            _shutdown(self._response)
        for thread in self._threads:
            thread.join(5)
        self.server.stop()
