"""The test world: a real Kubernetes control plane (kube-apiserver, kube-controller-manager,
kube-scheduler, etcd, built from their Go modules) with nodes simulated by KWOK, for the tests and
the demo. See docs/testworld.md."""


def __getattr__(name):
    # imported on first use, so ``python -m tests.testworld.binaries`` runs without loading the world
    if name == "TestWorld":
        from tests.testworld.world import TestWorld  # noqa: PLC0415

        return TestWorld
    if name == "ScenarioError":
        from tests.testworld.scenario import ScenarioError  # noqa: PLC0415

        return ScenarioError
    raise AttributeError(name)
