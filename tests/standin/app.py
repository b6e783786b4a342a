"""``StandIn``: one stand-in Kubernetes API server (scenario, store, HTTP(S) listener, kubeconfig)."""

import base64
import collections
import copy
import os
import shutil
import tempfile
import threading
import time
import uuid

import yaml

from tests.standin import api, bootstrap, certs, errors, faults, rbac
from tests.standin import scenario as scenario_mod
from tests.standin.behaviours import Behaviours
from tests.standin.catalog import Registry
from tests.standin.objects import ObjectLogic
from tests.standin.server import make_server
from tests.standin.store import Store, now_rfc3339

DEFAULT_VERSIONS = {
    "1.34": {
        "gitVersion": "v1.34.1+rke2r1",
        "gitCommit": "93248f9ae092f571eb870b7664c534bfc7d00f03",
        "buildDate": "2025-09-10T13:33:56Z",
        "goVersion": "go1.24.6 X:boringcrypto",
    },
    "1.33": {
        "gitVersion": "v1.33.5+rke2r1",
        "gitCommit": "a6c1b2dbd39d2a2dd6a0fd7ff6db1bdef6fc54ed",
        "buildDate": "2025-09-09T21:36:48Z",
        "goVersion": "go1.24.6 X:boringcrypto",
    },
}
LOG_LIMIT = 100000


class StandIn(object):
    """A stand-in kube-apiserver on 127.0.0.1 serving a scenario.

    ``StandIn(scenario="rke2-gpu", tls=True, catalog=None, overrides=None)``; ``start()`` (or use it as
    a context manager), then ``url``, ``kubeconfig``, ``ca_file``, ``admin_token``, ``token(user, groups)``,
    ``store``, ``apply_objects(objs)``, ``faults``, ``requests``, ``counters()``, ``stop()``.
    """

    def __init__(
        self,
        scenario="rke2-gpu",
        tls=True,
        catalog=None,
        overrides=None,
        watch_timeout=1800,
        bookmark_interval=5.0,
        workdir=None,
    ):
        self.scenario = scenario_mod.load(scenario, overrides)
        self.catalog = str(catalog or self.scenario.catalog or "1.34")
        self.tls = tls
        self.watch_timeout = watch_timeout
        self.bookmark_interval = bookmark_interval
        self.registry = Registry(self.catalog)
        self.store = Store()
        self.store.registry = self.registry
        self.store.server = self
        self.behaviours = Behaviours(self, self.scenario.behaviours)
        self.logic = ObjectLogic(self.store, self.registry, self.behaviours)
        self.authn = rbac.Authenticator()
        self.authz = rbac.Authorizer(self.store)
        self.faults = faults.Faults()
        self.api = api.Api(self)
        self.stopping = threading.Event()
        self.version_info = self._version_info()
        self._requests = collections.deque(maxlen=200000)
        self._requests_lock = threading.Lock()
        self._own_workdir = workdir is None
        self.workdir = workdir  # made at start(): nothing is left behind by a scenario that fails to load
        self._httpd = None
        self._thread = None
        self.url = None
        self.server_address = None
        self.kubeconfig = None
        self.ca_file = None
        self._ca_signer = None  # (CA certificate, key) of a started TLS server: signs client certificates
        self.admin_token = self.authn.mint("standin-admin", ["system:masters"])
        self.load_time = None
        self._load()

    # --- scenario loading -------------------------------------------------------------------
    def _version_info(self):
        base = DEFAULT_VERSIONS.get(self.catalog, DEFAULT_VERSIONS["1.34"])
        minor = self.catalog.split(".")[1]
        info = {
            "major": "1",
            "minor": minor,
            "emulationMajor": "1",
            "emulationMinor": minor,
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": str(int(minor) - 1),
            "gitTreeState": "clean",
            "compiler": "gc",
            "platform": "linux/amd64",
        }
        info.update(base)
        info.update({k: str(v) for k, v in (self.scenario.version or {}).items()})
        return info

    def _load(self):
        started = time.monotonic()
        self.store.recording = False
        objects = bootstrap.rbac_objects() + bootstrap.local_apiservices(self.registry) + list(self.scenario.objects)
        order = {"Namespace": 0, "CustomResourceDefinition": 1, "ClusterRole": 2}
        objects.sort(key=lambda o: order.get(o.get("kind"), 3))
        for i, obj in enumerate(objects):
            ident = scenario_mod.describe(scenario_mod.identity(obj))
            try:
                self.put_object(obj)
            except errors.ApiError as exc:
                raise scenario_mod.ScenarioError(
                    "scenario %s: object %d (%s): %s" % (self.scenario.name, i, ident, exc.message)
                ) from None
            except KeyError as exc:
                raise scenario_mod.ScenarioError(
                    "scenario %s: object %d (%s): %s" % (self.scenario.name, i, ident, exc.args[0])
                ) from None
        if self.scenario.generated:
            self._load_generated(self.scenario.generated)
        self.store.recording = True
        self.store.compact()
        self.load_time = time.monotonic() - started

    def _load_generated(self, params):
        created = now_rfc3339()
        kinds = {"Namespace": ("", "namespaces"), "Node": ("", "nodes"), "Pod": ("", "pods")}
        for obj in scenario_mod.scale_objects(params, created):
            group, resource = kinds[obj["kind"]]
            obj["metadata"]["uid"] = str(uuid.uuid4())
            self.store.commit(group, resource, obj, "ADDED")

    def put_object(self, obj):
        """Create or replace ``obj`` as a controller would: status kept as given, no behaviour reacts."""
        if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
            raise ValueError("put_object: expected a Kubernetes object with apiVersion and kind, got %r" % (obj,))
        rt = self.registry.by_kind(obj["apiVersion"], obj["kind"])
        if rt is None:
            raise KeyError("%s %s is not served (missing CRD, or another catalog?)" % (obj["apiVersion"], obj["kind"]))
        meta = obj.get("metadata") or {}
        namespace = (meta.get("namespace") or "default") if rt.namespaced else None
        # every API write commits under the store's lock, so switching the behaviours off inside it
        # affects this write only, never a request served at the same time
        with self.store.lock:
            saved, self.logic.behaviours = self.logic.behaviours, None
            try:
                old = self.store.raw_get(rt.group, rt.resource, namespace or "", meta.get("name"))
                if old is None:
                    new = self.logic.prepare_create(rt, obj, namespace, None, controller=True)
                    stored = self.logic.commit(rt, new, "ADDED")
                else:
                    new = self.logic.prepare_update(rt, old, obj, None, controller=True)
                    stored = self.logic.finish_write(rt, old, new)
            finally:
                self.logic.behaviours = saved
        return copy.deepcopy(stored)

    def remove_object(self, rt, old):
        with self.store.lock:
            self.logic.commit(rt, old, "DELETED", old)

    def apply_objects(self, objects):
        """Add or replace objects as if a controller wrote them (status included); returns stored copies."""
        return [self.put_object(o) for o in objects]

    # --- scenario data the API serves ---------------------------------------------------------
    def pod_log(self, namespace, pod, container):
        logs = self.scenario.logs
        text = logs.get("%s/%s/%s" % (namespace, pod, container))
        if text is None:
            text = logs.get("%s/%s" % (namespace, pod), "")
        return str(text)[-LOG_LIMIT:]

    def proxy_text(self, namespace, name, port, path):
        """The page the scenario's ``proxy`` declares for the Service or Pod ``name`` (None: none).

        ``ns/name:port/path`` first, then ``ns/name/path`` (any port); a request without a port also
        takes a page declared for any port of ``name``."""
        proxy = self.scenario.proxy
        for key in ("%s/%s:%s%s" % (namespace, name, port, path), "%s/%s%s" % (namespace, name, path)):
            if key in proxy:
                return str(proxy[key])
        if not port:
            prefix = "%s/%s:" % (namespace, name)
            for key, value in proxy.items():
                key_port, sep, key_path = key[len(prefix) :].partition("/")
                if key.startswith(prefix) and key_port and sep and "/" + key_path == path:
                    return str(value)
        return None

    def aggregated_body(self, group, version, path):
        declared = self.scenario.aggregated.get("%s/%s" % (group, version)) or {}
        paths = declared.get("paths") or {}
        return copy.deepcopy(paths.get(path))

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self):
        if self._httpd is not None:
            return self
        if self.workdir is None:
            self.workdir = tempfile.mkdtemp(prefix="standin-")
        os.chmod(self.workdir, 0o700)
        tls_files = None
        if self.tls:
            tls_files, self._ca_signer = certs.make_pki(self.workdir)
            self.ca_file = tls_files["ca"]
        self._httpd = make_server(self, tls_files)
        host, port = self._httpd.server_address[:2]
        self.server_address = "%s:%d" % (host, port)
        self.url = "%s://%s" % ("https" if self.tls else "http", self.server_address)
        self.kubeconfig = self.write_kubeconfig(os.path.join(self.workdir, "kubeconfig"))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="standin-%d" % port, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is None:
            return
        self.stopping.set()
        self.behaviours.stop()
        self.store.close_all_watches()
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        self._thread.join(timeout=10)
        self._httpd = None
        self._ca_signer = None
        if self._own_workdir and self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- credentials ----------------------------------------------------------------------------
    def token(self, user="validator", groups=()):
        """Mint a bearer token for ``user`` in ``groups`` (RBAC decides what it may do)."""
        if not user or not isinstance(user, str):
            raise ValueError("token: user must be a non-empty string")
        return self.authn.mint(user, list(groups or []))

    def client_certificate(self, user, groups=()):
        """A client certificate and key (paths) for ``user`` in ``groups``, signed by the server's CA."""
        if self._ca_signer is None:
            raise RuntimeError("client_certificate: needs a started TLS server")
        return certs.client_certificate(self._ca_signer, user, list(groups), self.workdir)

    def write_kubeconfig(self, path, token=None, user="standin-admin", client_cert=None):
        """Write a kubeconfig (mode 0600) for ``token`` (default: the super-user's), or for a client
        certificate ``client_cert=(cert_path, key_path)``, and return its path."""
        if self.url is None:
            raise RuntimeError("write_kubeconfig: start() the server first")
        cluster = {"server": self.url}
        if self.tls:
            with open(self.ca_file, "rb") as fh:
                cluster["certificate-authority-data"] = base64.b64encode(fh.read()).decode()
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "standin", "cluster": cluster}],
            "users": [{"name": user, "user": _credentials(token or self.admin_token, client_cert)}],
            "contexts": [{"name": "standin", "context": {"cluster": "standin", "user": user}}],
            "current-context": "standin",
            "preferences": {},
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            yaml.safe_dump(config, fh, default_flow_style=False)
        os.chmod(path, 0o600)
        return path

    # --- request log ----------------------------------------------------------------------------
    def log_request(self, entry):
        with self._requests_lock:
            self._requests.append(entry)

    @property
    def requests(self):
        """The request log: dicts with method, path, query, status, user, verb, accept, content_type."""
        with self._requests_lock:
            return list(self._requests)

    def reset_requests(self):
        with self._requests_lock:
            self._requests.clear()

    def counters(self):
        """Counts of the logged requests: total, by_verb (HTTP method), by_path, by_verb_path, by_status."""
        reqs = self.requests
        return {
            "total": len(reqs),
            "by_verb": dict(collections.Counter(r["method"] for r in reqs)),
            "by_path": dict(collections.Counter(r["path"] for r in reqs)),
            "by_verb_path": dict(collections.Counter("%s %s" % (r["method"], r["path"]) for r in reqs)),
            "by_status": dict(collections.Counter(str(r["status"]) for r in reqs)),
        }


def _credentials(token, client_cert):
    if client_cert:
        data = []
        for path in client_cert:
            with open(path, "rb") as fh:
                data.append(base64.b64encode(fh.read()).decode())
        return {"client-certificate-data": data[0], "client-key-data": data[1]}
    return {"token": token}
