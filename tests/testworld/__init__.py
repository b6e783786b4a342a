"""The test world: a real Kubernetes control plane (kube-apiserver, kube-controller-manager,
kube-scheduler, etcd, built from their Go modules) with nodes simulated by KWOK, for the tests and
the demo. See docs/testworld.md."""

from tests.testworld.scenario import ScenarioError
from tests.testworld.world import TestWorld

__all__ = ["ScenarioError", "TestWorld"]
