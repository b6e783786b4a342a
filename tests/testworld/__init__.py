"""The test world: a real Kubernetes control plane with simulated nodes, for the tests and the demo."""
