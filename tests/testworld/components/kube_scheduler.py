"""kube-scheduler: the default scheduler, with its own identity (system:kube-scheduler)."""

import os

from tests.testworld.components import Component, feature_gate_flags, serving_flags
from tests.testworld.process import http_ok


class KubeScheduler(Component):
    name = "kube-scheduler"

    def command(self):
        lay = self.layout
        binary = os.path.join(lay.binaries["kubernetes"], "kube-scheduler")
        return [binary, *serving_flags(lay, self.name), "--v=1", *feature_gate_flags(lay)]

    def healthy(self):
        return http_ok("https://127.0.0.1:%d/healthz" % self.layout.ports[self.name], insecure=True)
