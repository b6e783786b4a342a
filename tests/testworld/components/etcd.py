"""etcd: the datastore, on loopback, without fsync (a throw-away world needs no durability)."""

import os

from tests.testworld.components import Component
from tests.testworld.process import http_ok


class Etcd(Component):
    name = "etcd"

    def command(self):
        lay = self.layout
        client = "http://127.0.0.1:%d" % lay.ports["etcd"]
        peer = "http://127.0.0.1:%d" % lay.ports["etcd-peer"]
        return [
            os.path.join(lay.binaries["etcd"], "etcd"),
            "--name=node0",
            "--data-dir=%s" % os.path.join(lay.workdir, "etcd"),
            "--listen-client-urls=%s" % client,
            "--advertise-client-urls=%s" % client,
            "--listen-peer-urls=%s" % peer,
            "--initial-advertise-peer-urls=%s" % peer,
            "--initial-cluster=node0=%s" % peer,
            "--auto-compaction-retention=1",
            "--quota-backend-bytes=8589934592",
            "--unsafe-no-fsync",
            "--log-level=warn",
        ]

    def healthy(self):
        return http_ok("http://127.0.0.1:%d/health" % self.layout.ports["etcd"])
