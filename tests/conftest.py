"""Shared pytest fixtures: test worlds (a real control plane with simulated nodes, docs/testworld.md)."""

import pytest

from tests.testworld import TestWorld


@pytest.fixture
def world():
    """Factory: ``world(scenario="rke2-gpu", overrides=None, users=None, kubernetes=None)`` starts a
    TestWorld of its own, stopped at teardown. For tests that write or need a scenario broken in
    one way."""
    worlds = []

    def factory(scenario="rke2-gpu", **kwargs):
        started = TestWorld(scenario, **kwargs)
        worlds.append(started)
        return started.start()

    yield factory
    for started in worlds:
        started.stop()


@pytest.fixture(scope="session")
def shared_world():
    """Session-wide factory for tests that only READ (or write in a namespace of their own that
    they delete): one world per (scenario, kubernetes release)."""
    worlds = {}

    def factory(scenario="rke2-gpu", kubernetes=None):
        key = (scenario, kubernetes)
        if key not in worlds:
            started = TestWorld(scenario, kubernetes=kubernetes)
            worlds[key] = started
            started.start()
        return worlds[key]

    yield factory
    for started in worlds.values():
        started.stop()
