"""kube-controller-manager: every default controller (plus the bootstrap-token ones RKE2 and kubeadm
enable), each with its own service account, node CIDRs from the world's pod range, and the CA as
CSR signer."""

import os

from tests.testworld.process import Process, http_ok


class KubeControllerManager(Process):
    name = "kube-controller-manager"

    def __init__(self, layout):
        super().__init__(layout.log_dir)
        self.layout = layout

    def command(self):
        lay = self.layout
        kubeconfig = lay.component_kubeconfig("kube-controller-manager")
        cmd = [
            os.path.join(lay.binaries["kubernetes"], "kube-controller-manager"),
            "--kubeconfig=%s" % kubeconfig,
            "--authentication-kubeconfig=%s" % kubeconfig,
            "--authorization-kubeconfig=%s" % kubeconfig,
            "--bind-address=127.0.0.1",
            "--secure-port=%d" % lay.ports["kube-controller-manager"],
            "--cert-dir=%s" % os.path.join(lay.workdir, "kube-controller-manager"),
            "--leader-elect=false",
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
            # the world's clock runs faster than a production cluster's where tests wait on it
            "--horizontal-pod-autoscaler-sync-period=%s" % lay.hpa_sync_period,
            "--kube-api-qps=100",
            "--kube-api-burst=200",
            "--v=1",
        ]
        if lay.feature_gates:
            cmd.append("--feature-gates=%s" % lay.feature_gates)
        return cmd

    def healthy(self):
        return http_ok("https://127.0.0.1:%d/healthz" % self.layout.ports["kube-controller-manager"], insecure=True)
