"""Where one world keeps its things: folder, ports, PKI, credentials, binaries, address ranges.

The components (``components/``) read their command lines from here, so the whole world's wiring
is in one place."""

import os
import secrets
import socket

from tests.testworld import pki as pki_mod

PORT_NAMES = ("etcd", "etcd-peer", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")
# Kubernetes' own identities for its components; the world's helpers get names of their own.
COMPONENT_IDENTITIES = {
    "kube-controller-manager": ("system:kube-controller-manager", ()),
    "kube-scheduler": ("system:kube-scheduler", ()),
    "kwok": ("testworld:kwok", ("system:masters",)),
}
ADMIN_USER = "admin"
SETUP_USER = "testworld:setup"


def free_ports(count):
    """``count`` distinct TCP ports on 127.0.0.1 that were free a moment ago."""
    sockets, ports = [], []
    try:
        for _port in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
            ports.append(sock.getsockname()[1])
    finally:
        for sock in sockets:
            sock.close()
    return ports


class Layout(object):
    def __init__(
        self, workdir, binaries, network, advertise_address, users=None, runtime_config=None, feature_gates=None
    ):
        self.workdir = workdir
        self.log_dir = os.path.join(workdir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.binaries = binaries  # {"kubernetes": dir, "etcd": dir, "kwok": dir}
        self.ports = dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES))))
        self.cluster_cidr = network.cluster_cidr
        self.node_cidr_mask_size = network.node_cidr_mask_size
        self.node_lease_seconds = network.node_lease_seconds
        self.service_cidr = network.service_cidr
        self.advertise_address = advertise_address
        self.runtime_config = runtime_config
        self.feature_gates = feature_gates
        self.hpa_sync_period = "2s"
        self.apiserver_url = "https://127.0.0.1:%d" % self.ports["kube-apiserver"]
        self.audit_log = os.path.join(workdir, "audit.log")
        self.pki = pki_mod.ClusterPKI(os.path.join(workdir, "pki"), network.service_ip)
        groups = {ADMIN_USER: ["system:masters"], SETUP_USER: ["system:masters"]}
        groups.update({user: list(g or []) for user, g in (users or {}).items()})
        self.tokens = {user: secrets.token_urlsafe(32) for user in groups}
        self.token_file = os.path.join(workdir, "pki", "tokens.csv")
        pki_mod.write_private(
            self.token_file,
            "".join(
                '%s,%s,%s,"%s"\n' % (self.tokens[user], user, user, ",".join(g))
                if g
                else "%s,%s,%s\n" % (self.tokens[user], user, user)
                for user, g in groups.items()
            ),
        )
        self._kubeconfigs = {}

    def component_kubeconfig(self, component):
        """A kubeconfig with the component's own client certificate (made once)."""
        if component not in self._kubeconfigs:
            user, groups = COMPONENT_IDENTITIES[component]
            path = os.path.join(self.workdir, "%s.kubeconfig" % component)
            cert = self.pki.client(user, groups)
            self._kubeconfigs[component] = pki_mod.write_kubeconfig(
                path, self.apiserver_url, self.pki.ca.cert_file, user=user, client_cert=cert
            )
        return self._kubeconfigs[component]

    def serving_certificate(self, stem, dns_names=(), ips=()):
        return self.pki.serving(stem, dns_names=dns_names, ips=ips)
