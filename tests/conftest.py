"""Shared pytest fixtures: stand-in Kubernetes API servers (see docs/standin.md)."""

import pytest

from tests.standin import StandIn


@pytest.fixture
def standin():
    """Factory: ``standin(scenario="rke2-gpu", **kwargs)`` starts a StandIn, stopped at teardown."""
    servers = []

    def factory(scenario="rke2-gpu", **kwargs):
        srv = StandIn(scenario=scenario, **kwargs).start()
        servers.append(srv)
        return srv

    yield factory
    for srv in servers:
        srv.stop()


@pytest.fixture(scope="session")
def shared_standin():
    """Session-wide factory for tests that only READ: one server per (scenario, tls, catalog)."""
    servers = {}

    def factory(scenario="rke2-gpu", tls=True, catalog=None):
        key = (scenario, tls, catalog)
        if key not in servers:
            servers[key] = StandIn(scenario=scenario, tls=tls, catalog=catalog).start()
        return servers[key]

    yield factory
    for srv in servers.values():
        srv.stop()
