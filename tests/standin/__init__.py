"""Stand-in Kubernetes API server for the collection's tests and demo (see docs/standin.md)."""

from tests.standin.app import StandIn
from tests.standin.scenario import ScenarioError

__all__ = ["ScenarioError", "StandIn"]
