"""KWOK's controller: keeps the simulated nodes Ready (heartbeats through Leases) and plays their
pods' lifecycle (Running with a pod IP, Jobs' pods Succeeded, graceful deletion), with KWOK's
default stages plus the world's own (``tests/testworld/stages/``)."""

import os
import subprocess

import yaml

from tests.testworld.components import Component
from tests.testworld.process import http_ok

STAGES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "stages")
# Nodes the world creates carry this annotation (kwokctl's); a real kubelet's node would not.
NODE_ANNOTATION = ("kwok.x-k8s.io/node", "fake")


def stages(binaries):
    """KWOK's default stages (printed by the kwok-stages helper of the kwok module), then the world's."""
    text = subprocess.run([os.path.join(binaries, "kwok-stages")], check=True, capture_output=True, text=True).stdout
    documents = [d for d in yaml.safe_load_all(text) if d]
    for name in sorted(os.listdir(STAGES_DIR)):
        if name.endswith(".yaml"):
            with open(os.path.join(STAGES_DIR, name)) as fh:
                documents.extend(d for d in yaml.safe_load_all(fh) if d)
    return documents


class Kwok(Component):
    name = "kwok"

    def command(self):
        lay = self.layout
        config = os.path.join(lay.workdir, "kwok.yaml")
        documents = stages(lay.binaries["kwok"])
        with open(config, "w") as fh:
            yaml.safe_dump_all(documents, fh, sort_keys=False)
        cert = lay.serving_certificate("kwok", ips=("127.0.0.1",), dns_names=("localhost",))
        return [
            os.path.join(lay.binaries["kwok"], "kwok"),
            "--kubeconfig=%s" % lay.component_kubeconfig("kwok"),
            "--config=%s" % config,
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=%s=%s" % NODE_ANNOTATION,
            "--cidr=%s" % lay.cluster_cidr,
            "--node-ip=",
            "--node-port=%d" % lay.ports["kwok"],
            "--server-address=127.0.0.1:%d" % lay.ports["kwok"],
            "--tls-cert-file=%s" % cert[0],
            "--tls-private-key-file=%s" % cert[1],
            "--node-lease-duration-seconds=%d" % lay.node_lease_seconds,
        ]

    def healthy(self):
        return http_ok("https://127.0.0.1:%d/healthz" % self.layout.ports["kwok"], insecure=True)
