"""kube-scheduler: the default scheduler, with its own identity (system:kube-scheduler)."""

import os

from tests.testworld.process import Process, http_ok


class KubeScheduler(Process):
    name = "kube-scheduler"

    def __init__(self, layout):
        super().__init__(layout.log_dir)
        self.layout = layout

    def command(self):
        lay = self.layout
        kubeconfig = lay.component_kubeconfig("kube-scheduler")
        cmd = [
            os.path.join(lay.binaries["kubernetes"], "kube-scheduler"),
            "--kubeconfig=%s" % kubeconfig,
            "--authentication-kubeconfig=%s" % kubeconfig,
            "--authorization-kubeconfig=%s" % kubeconfig,
            "--bind-address=127.0.0.1",
            "--secure-port=%d" % lay.ports["kube-scheduler"],
            "--cert-dir=%s" % os.path.join(lay.workdir, "kube-scheduler"),
            "--leader-elect=false",
            "--v=1",
        ]
        if lay.feature_gates:
            cmd.append("--feature-gates=%s" % lay.feature_gates)
        return cmd

    def healthy(self):
        return http_ok("https://127.0.0.1:%d/healthz" % self.layout.ports["kube-scheduler"], insecure=True)
