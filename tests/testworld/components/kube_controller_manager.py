"""kube-controller-manager: every default controller (plus the bootstrap-token ones RKE2 and kubeadm
enable), each with its own service account, node CIDRs from the world's pod range, and the CA as
CSR signer."""

import os

from tests.testworld.components import Component, feature_gate_flags, serving_flags
from tests.testworld.process import http_ok


class KubeControllerManager(Component):
    name = "kube-controller-manager"

    def command(self):
        lay = self.layout
        return [
            os.path.join(lay.binaries["kubernetes"], "kube-controller-manager"),
            *serving_flags(lay, self.name),
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--use-service-account-credentials=true",
            "--root-ca-file=%s" % lay.pki.ca.cert_file,
            "--service-account-private-key-file=%s" % lay.pki.service_account_key,
            "--cluster-signing-cert-file=%s" % lay.pki.ca.cert_file,
            "--cluster-signing-key-file=%s" % lay.pki.ca.key_file,
            "--service-cluster-ip-range=%s" % lay.service_cidr,
            "--cluster-cidr=%s" % lay.cluster_cidr,
            "--allocate-node-cidrs=true",
            "--node-cidr-mask-size=%d" % lay.node_cidr_mask_size,
            # a node is unhealthy 10 s after its lease ran out (50 s for a kubelet's 40 s lease, the default)
            "--node-monitor-grace-period=%ds" % (lay.node_lease_seconds + 10),
            # the world's clock runs faster than a production cluster's where tests wait on it
            "--horizontal-pod-autoscaler-sync-period=%s" % lay.hpa_sync_period,
            "--kube-api-qps=100",
            "--kube-api-burst=200",
            "--v=1",
            *feature_gate_flags(lay),
        ]

    def healthy(self):
        return http_ok("https://127.0.0.1:%d/healthz" % self.layout.ports[self.name], insecure=True)
