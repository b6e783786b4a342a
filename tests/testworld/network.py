"""The world's pod network: a network namespace holding every pod IP of the world.

kube-apiserver refuses to proxy to loopback and link-local pod IPs (``IsGlobalUnicast``), so a world
gives its pods addresses from a range of its own in 100.64.0.0/10 (shared address space, never on
this machine's links) and routes that range, through a veth pair, into a network namespace where
every address of it is local (``ip route add local RANGE dev lo``). Programs that stand for what
needs hardware (``hardware.py``) listen there on 0.0.0.0 and tell pods apart by the address a
connection came to. Traffic to the range goes nowhere else.

Each world takes a free slot (0-63): pod range 100.(64+slot).0.0/16, namespace and host link
``aicw<slot>``, veth addresses 169.254.123.(4*slot+1|2)/30. A slot records its owner's pid; a slot
whose owner died (killed before it could clean up) is swept by the next world that needs one.
Needs root and iproute2; without them the world runs with no pod network and says so.
"""

import contextlib
import ipaddress
import json
import os
import shutil
import subprocess

from tests.testworld.filelock import locked

STATE_DIR = os.environ.get("AIC_TESTWORLD_RUN_DIR", "/run/ai-conformance-testworld")
SLOTS = 64
SERVICE_CIDR = "10.43.0.0/16"  # RKE2's default service range; no address of it is routed


class NetworkError(RuntimeError):
    pass


def available():
    """(True, "") when this process can make network namespaces, else (False, why)."""
    if os.geteuid() != 0:
        return False, "the pod network needs root (ip netns, veth); run as root as CI does"
    if not shutil.which("ip"):
        return False, "the pod network needs iproute2's ip command (Debian package iproute2)"
    return True, ""


def _ip(*args, check=True):
    result = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise NetworkError("ip %s failed: %s" % (" ".join(args), result.stderr.strip()))
    return result


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _locked():
    return locked(os.path.join(STATE_DIR, "lock"))


class PodNetwork(object):
    """Addresses of one world; ``create()`` makes the namespace and route when root, ``destroy()``
    removes them. Without root only the address plan exists (``routed`` False)."""

    def __init__(self, node_cidr_mask_size=24, node_lease_seconds=40):
        self.slot = None
        self.routed = False
        self.node_cidr_mask_size = node_cidr_mask_size
        self.node_lease_seconds = node_lease_seconds
        self.service_cidr = SERVICE_CIDR
        self.service_ip = str(next(ipaddress.ip_network(SERVICE_CIDR).hosts()))
        self.cluster_cidr = None

    @property
    def name(self):
        return "aicw%d" % self.slot

    @property
    def netns_prefix(self):
        """Command prefix that runs a program inside the pod network."""
        return ["ip", "netns", "exec", self.name]

    def create(self, workdir):
        ok, _why = available()
        with _locked():
            self.slot = self._take_slot(workdir, sweep=ok)
            self.cluster_cidr = "100.%d.0.0/16" % (64 + self.slot)
            if ok:
                try:
                    self._make()
                except NetworkError:
                    self._remove()
                    self._release()
                    raise
                self.routed = True
        return self

    def describe(self):
        where = "namespace %s" % self.name if self.routed else "not routed (no root)"
        return "%s, %s" % (self.cluster_cidr, where)

    def _slot_file(self, slot):
        return os.path.join(STATE_DIR, "slot-%d.json" % slot)

    def _take_slot(self, workdir, sweep):
        for slot in range(SLOTS):
            path = self._slot_file(slot)
            if os.path.exists(path):
                try:
                    with open(path) as fh:
                        owner = json.load(fh)
                except (OSError, ValueError):
                    owner = {}
                if _alive(int(owner.get("pid") or 0)):
                    continue
                if sweep:
                    self.slot = slot
                    self._remove()
                stale = owner.get("workdir")
                if stale and os.path.basename(stale).startswith("testworld-"):
                    shutil.rmtree(stale, ignore_errors=True)
            with open(path, "w") as fh:
                json.dump({"pid": os.getpid(), "workdir": workdir}, fh)
            return slot
        raise NetworkError("all %d test world slots are taken by running worlds (%s)" % (SLOTS, STATE_DIR))

    def _veth(self):
        base = ipaddress.ip_address("169.254.123.0") + 4 * self.slot
        return str(base + 1), str(base + 2)

    def _make(self):
        host, inside = self._veth()
        _ip("netns", "add", self.name)
        _ip("link", "add", self.name, "type", "veth", "peer", "name", "eth0", "netns", self.name)
        _ip("addr", "add", host + "/30", "dev", self.name)
        _ip("link", "set", self.name, "up")
        _ip("-n", self.name, "addr", "add", inside + "/30", "dev", "eth0")
        _ip("-n", self.name, "link", "set", "eth0", "up")
        _ip("-n", self.name, "link", "set", "lo", "up")
        _ip("-n", self.name, "route", "add", "local", self.cluster_cidr, "dev", "lo")
        _ip("-n", self.name, "route", "add", "default", "via", host)
        _ip("route", "add", self.cluster_cidr, "via", inside, "dev", self.name)

    def _remove(self):
        cidr = "100.%d.0.0/16" % (64 + self.slot)
        _ip("route", "del", cidr, check=False)
        _ip("netns", "del", self.name, check=False)
        _ip("link", "del", self.name, check=False)

    def _release(self):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._slot_file(self.slot))

    def destroy(self):
        if self.slot is None:
            return
        with _locked():
            if self.routed:
                self._remove()
                self.routed = False
            self._release()
        self.slot = None
