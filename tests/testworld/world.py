"""``TestWorld``: one real Kubernetes control plane with simulated nodes, started and stopped as a unit.

Order, as kwokctl's binary runtime has it: PKI, pod network, etcd, kube-apiserver, then
kube-controller-manager, kube-scheduler and kwok together; then the scenario is applied through
the API and the world waits for its controllers to settle. ``stop()`` ends every process it
started, in reverse, and removes the pod network and the folder, whatever happened before.
"""

import os
import shutil
import tempfile
import time

from tests.testworld import binaries
from tests.testworld.api import Api
from tests.testworld.components.etcd import Etcd
from tests.testworld.components.kube_apiserver import KubeApiserver
from tests.testworld.components.kube_controller_manager import KubeControllerManager
from tests.testworld.components.kube_scheduler import KubeScheduler
from tests.testworld.components.kwok import Kwok
from tests.testworld.layout import ADMIN_USER, SETUP_USER, Layout
from tests.testworld.network import PodNetwork


class TestWorld(object):
    __test__ = False  # not a pytest test class

    def __init__(self, kubernetes=binaries.DEFAULT_KUBERNETES, workdir=None, advertise_address="10.0.0.4"):
        self.kubernetes = kubernetes
        self._own_workdir = workdir is None
        self.workdir = workdir
        self.advertise_address = advertise_address
        self.network = None
        self.layout = None
        self.processes = []
        self.timings = {}
        self.api = None

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self):
        started = time.monotonic()
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
        self.timings[what] = time.monotonic() - since
        return time.monotonic()

    def _start(self, found):
        t = time.monotonic()
        self.network = PodNetwork().create(self.workdir)
        self.layout = Layout(self.workdir, found, self.network, self.advertise_address)
        t = self._mark("pki+network", t)
        etcd = self._launch(Etcd(self.layout))
        etcd.wait_ready()
        t = self._mark("etcd", t)
        apiserver = self._launch(KubeApiserver(self.layout))
        apiserver.wait_ready()
        t = self._mark("kube-apiserver", t)
        self.api = Api(self.layout.apiserver_url, self.layout.pki.ca.cert_file, self.layout.tokens[SETUP_USER])
        rest = [self._launch(cls(self.layout)) for cls in (KubeControllerManager, KubeScheduler, Kwok)]
        for proc in rest:
            proc.wait_ready()
        t = self._mark("controllers", t)

    def _launch(self, process):
        self.processes.append(process)
        return process.start()

    def stop(self):
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
