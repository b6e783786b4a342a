"""The discovery fixtures unit tests are built from (tests/fixtures/discovery/kube-<release>.json)
are what the real kube-apiserver of that release serves: a rebuilt binary or a new pin that
changes the built-in APIs fails here, and ``python -m tests.testworld.capture_discovery`` renews
the file."""

import json
import pathlib

import pytest

from tests.testworld.capture_discovery import builtin_discovery

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "discovery"


def _groups(doc):
    return {
        (g["metadata"].get("name", ""), v["version"]): sorted(
            (r["resource"], r["responseKind"]["kind"], r["scope"], tuple(sorted(r.get("verbs") or [])))
            for r in v.get("resources") or []
        )
        for g in doc["items"]
        for v in g["versions"]
    }


@pytest.mark.parametrize("root", ["api", "apis"])
def test_the_1_34_fixture_is_what_the_server_serves(shared_world, root):
    world = shared_world("empty")
    fixture = json.loads((FIXTURES / "kube-1.34.json").read_text())
    live = builtin_discovery(world)
    assert fixture["gitVersion"] == world.api.get("/version")["gitVersion"]
    assert _groups(live[root]) == _groups(fixture[root])
    # the group order is the server's preference order, which clients follow
    assert [g["metadata"].get("name", "") for g in live[root]["items"]] == [
        g["metadata"].get("name", "") for g in fixture[root]["items"]
    ]
