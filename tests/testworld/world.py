"""``TestWorld``: one real Kubernetes control plane with simulated nodes, started and stopped as a unit.

Order, as kwokctl's binary runtime has it: PKI, pod network, etcd, kube-apiserver, then
kube-controller-manager, kube-scheduler and kwok together, then the declared endpoints; then the
scenario is applied through the API and the world waits for its controllers to settle. ``stop()``
ends every process it started, in reverse, and removes the pod network and the folder, whatever
happened before.
"""

import base64
import os
import shutil
import tempfile
import time

from tests.testworld import apply as apply_mod
from tests.testworld import binaries, scale, settle
from tests.testworld import scenario as scenario_mod
from tests.testworld.api import Api
from tests.testworld.components.etcd import Etcd
from tests.testworld.components.kube_apiserver import KubeApiserver
from tests.testworld.components.kube_controller_manager import KubeControllerManager
from tests.testworld.components.kube_scheduler import KubeScheduler
from tests.testworld.components.kwok import Kwok
from tests.testworld.endpoints import Endpoints
from tests.testworld.layout import ADMIN_USER, SETUP_USER, Layout
from tests.testworld.network import PodNetwork, available
from tests.testworld.pki import write_kubeconfig
from tests.testworld.requests import RequestLog

ScenarioError = scenario_mod.ScenarioError


class TestWorld(object):
    """``TestWorld(scenario="rke2-gpu", overrides=None, users=None, workdir=None)``; ``start()`` (or
    use it as a context manager), then ``url``, ``kubeconfig``, ``ca_file``, ``admin_token``,
    ``token(user)``, ``write_kubeconfig(...)``, ``api`` (reads and writes as the world's own set-up
    identity, not in the request log), ``requests``, ``counters()``, ``reset_requests()``,
    ``faults``, ``simulated``, ``endpoint_requests()``, ``stop()``.

    ``users`` maps user names to groups: each gets a bearer token (``token(name)``); any other
    identity can use a client certificate (``write_kubeconfig(path, user=..., groups=...)``).
    """

    __test__ = False  # not a pytest test class

    def __init__(self, scenario="rke2-gpu", overrides=None, users=None, workdir=None, kubernetes=None):
        self.scenario = scenario_mod.load(scenario, overrides)
        self.kubernetes = str(kubernetes or self.scenario.kubernetes)
        self.users = dict(users or {})
        self._own_workdir = workdir is None
        self.workdir = workdir
        self.network = None
        self.layout = None
        self.processes = []
        self.timings = {}
        self.api = None
        self.admin_api = None
        self.endpoints = None
        self.request_log = None
        self._faults = None
        self._kubeconfig = None
        self.simulated = [dict(s) for s in self.scenario.simulated]

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self):
        started = time.monotonic()
        if self.scenario.endpoints:
            ok, why = available()
            if not ok:
                raise ScenarioError(
                    "scenario %s declares endpoints behind pod IPs, which need the pod network: %s"
                    % (self.scenario.name, why)
                )
        found = {
            "kubernetes": binaries.ensure("kubernetes-%s" % self.kubernetes),
            "etcd": binaries.ensure("etcd"),
            "kwok": binaries.ensure("kwok"),
        }
        self.timings["binaries"] = time.monotonic() - started
        if self.workdir is None:
            self.workdir = tempfile.mkdtemp(prefix="testworld-")
        try:
            self._start(found)
        except BaseException:
            self.stop()
            raise
        self.timings["total"] = time.monotonic() - started
        return self

    def _mark(self, what, since):
        now = time.monotonic()
        self.timings[what] = now - since
        return now

    def _start(self, found):
        t = time.monotonic()
        self.network = PodNetwork(
            node_cidr_mask_size=self.scenario.network.get("node_cidr_mask_size", 24),
            node_lease_seconds=self.scenario.network.get("node_lease_seconds", 40),
        ).create(self.workdir)
        self.layout = Layout(
            self.workdir,
            found,
            self.network,
            advertise_address="10.0.0.4",
            users=self.users,
            runtime_config=self.scenario.runtime_config,
            feature_gates=self.scenario.feature_gates,
        )
        ca_bundle = base64.b64encode(self.layout.pki.ca.pem).decode()
        objects, statuses, simulated = apply_mod.prepare(self.scenario, ca_bundle)
        self.simulated.extend(simulated)
        t = self._mark("pki+network", t)
        self._launch(Etcd(self.layout)).wait_ready()
        t = self._mark("etcd", t)
        self._launch(KubeApiserver(self.layout)).wait_ready()
        t = self._mark("kube-apiserver", t)
        self.api = Api(self.layout.apiserver_url, self.ca_file, self.layout.tokens[SETUP_USER])
        self.admin_api = Api(self.layout.apiserver_url, self.ca_file, self.admin_token)
        self.request_log = RequestLog(self.layout.audit_log, self.admin_api)
        rest = [self._launch(cls(self.layout)) for cls in (KubeControllerManager, KubeScheduler, Kwok)]
        if self.scenario.endpoints:
            self.endpoints = Endpoints(self.workdir, self.scenario, self.layout, self.network)
            self.processes.append(self.endpoints.start(self.api))
            for decl in self.scenario.endpoints:
                self.simulated.append(
                    {
                        "what": "endpoint %s: %s" % (decl["name"], decl["simulates"]),
                        "why": "served by tests/testworld/hardware.py at the pods' addresses",
                    }
                )
        for proc in rest:
            proc.wait_ready()
        t = self._mark("controllers", t)
        apply_mod.apply_objects(self.api, objects, statuses)
        t = self._mark("scenario", t)
        settle_timeout = 60.0
        if self.scenario.generated:
            scale.populate(self.api, self.scenario.generated)
            t = self._mark("generated", t)
            settle_timeout = 120.0 + (self.scenario.generated["nodes"] + self.scenario.generated["pods"]) / 50.0
        self.settle(timeout=settle_timeout)
        t = self._mark("settle", t)
        self.request_log.reset()

    def settle(self, timeout=60.0):
        """Wait for the controllers to catch up with what was applied (``settle.py``) and for the
        declared endpoints to route to the pods they select."""
        try:
            settle.settle(self.api, timeout=timeout, interval=0.25 if timeout <= 60 else 2.0)
        except settle.NotSettled as exc:
            raise ScenarioError("scenario %s: %s" % (self.scenario.name, exc)) from None
        if self.endpoints is not None:
            self.endpoints.sync(self.api)

    def _launch(self, process):
        self.processes.append(process)
        return process.start()

    def stop(self):
        if self._faults is not None:
            self._faults.stop()
            self._faults = None
        if self.endpoints is not None:
            self.endpoints.stop()
        for process in reversed(self.processes):
            process.stop()
        self.processes = []
        if self.network is not None:
            self.network.destroy()
            self.network = None
        if self._own_workdir and self.workdir and os.path.isdir(self.workdir):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- access ------------------------------------------------------------------------------------
    @property
    def url(self):
        return self.layout.apiserver_url

    @property
    def ca_file(self):
        return self.layout.pki.ca.cert_file

    @property
    def admin_token(self):
        return self.layout.tokens[ADMIN_USER]

    def token(self, user):
        """The bearer token of a user named in ``users`` (or ``admin``)."""
        try:
            return self.layout.tokens[user]
        except KeyError:
            raise KeyError(
                "no token for %r: name it in TestWorld(users={...}) or use a client certificate "
                "(write_kubeconfig(path, user=..., groups=...))" % user
            ) from None

    @property
    def kubeconfig(self):
        """The admin kubeconfig (bearer token of ``admin``, group system:masters), mode 0600."""
        if self._kubeconfig is None:
            self._kubeconfig = self.write_kubeconfig(os.path.join(self.workdir, "admin.kubeconfig"))
        return self._kubeconfig

    def write_kubeconfig(self, path, user=ADMIN_USER, token=None, groups=None, client_cert=None, server=None):
        """A kubeconfig for ``user``: their token if they have one (or ``token``), else a client
        certificate for ``user`` in ``groups``; ``server`` defaults to the API server's URL."""
        if token is None and client_cert is None:
            if groups is None and user in self.layout.tokens:
                token = self.layout.tokens[user]
            else:
                client_cert = self.client_certificate(user, groups or [])
        return write_kubeconfig(path, server or self.url, self.ca_file, user=user, token=token, client_cert=client_cert)

    def client_certificate(self, user, groups=()):
        """(cert path, key path) of a client certificate for ``user`` in ``groups``, signed by the CA."""
        return self.layout.pki.client(user, tuple(groups))

    # --- what happened -----------------------------------------------------------------------------
    @property
    def requests(self):
        """Requests to the API server since start (or ``reset_requests``), from its audit log:
        ``{method, verb, path, query, status, user, groups, user_agent, resource}``."""
        return self.request_log.entries()

    def counters(self):
        return self.request_log.counters()

    def reset_requests(self):
        self.request_log.reset()

    def endpoint_requests(self):
        """Requests the declared endpoints answered (``hardware.py``), oldest first."""
        return self.endpoints.requests() if self.endpoints else []

    @property
    def faults(self):
        """The fault proxy in front of the API server (started on first use): ``faults.add(...)``,
        ``faults.kubeconfig``, ``faults.requests``."""
        if self._faults is None:
            from tests.testworld.faults import FaultProxy  # noqa: PLC0415 (only fault tests need it)

            self._faults = FaultProxy(self).start()
        return self._faults
