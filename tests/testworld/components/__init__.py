"""One module per program of the control plane, as kwokctl's binary runtime keeps them: each turns
the world's layout (``tests/testworld/layout.py``) into a command line and says how to tell it is up."""

import os

from tests.testworld.process import Process


class Component(Process):
    """A program of the world, configured from its ``Layout``."""

    def __init__(self, layout):
        super().__init__(layout.log_dir)
        self.layout = layout


def serving_flags(layout, name):
    """Flags kube-controller-manager and kube-scheduler share: their own identity (also for checking
    callers of their secure port), that port on loopback with a self-signed certificate, no leader
    election (one instance)."""
    kubeconfig = layout.component_kubeconfig(name)
    return [
        "--kubeconfig=%s" % kubeconfig,
        "--authentication-kubeconfig=%s" % kubeconfig,
        "--authorization-kubeconfig=%s" % kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=%d" % layout.ports[name],
        "--cert-dir=%s" % os.path.join(layout.workdir, name),
        "--leader-elect=false",
    ]


def feature_gate_flags(layout):
    return ["--feature-gates=%s" % layout.feature_gates] if layout.feature_gates else []
