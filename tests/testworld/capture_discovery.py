"""Capture kube-apiserver's built-in discovery from a real world into a fixture file.

``python -m tests.testworld.capture_discovery --kubernetes 1.34 --out tests/fixtures/discovery/kube-1.34.json``
starts an ``empty`` world of that release, reads ``/api`` and ``/apis`` as aggregated discovery
(``apidiscovery.k8s.io/v2``) and keeps the groups the server serves itself (CRD groups and
APIServices backed by a Service are dropped). Unit tests build discovery documents from these
files (``tests/unit/discovery_docs.py``); an integration test compares them with a live server.
"""

import argparse
import json
import sys

from tests.testworld.api import DISCOVERY_ACCEPT


def builtin_discovery(world):
    """``{"api": APIGroupDiscoveryList, "apis": APIGroupDiscoveryList}`` with only built-in groups."""
    # everything but the groups of CRDs and of APIServices backed by a Service is kube-apiserver's
    # own (its aggregator's group has no APIService at all)
    foreign = {c["spec"]["group"] for c in world.api.list("apiextensions.k8s.io/v1", "CustomResourceDefinition")}
    foreign |= {
        s["spec"].get("group")
        for s in world.api.list("apiregistration.k8s.io/v1", "APIService")
        if s["spec"].get("service")
    }
    out = {}
    for root in ("api", "apis"):
        doc = world.api.request("GET", "/" + root, accept=DISCOVERY_ACCEPT)
        doc["items"] = [g for g in doc.get("items") or [] if (g.get("metadata") or {}).get("name", "") not in foreign]
        for group in doc["items"]:
            for version in group.get("versions") or []:
                version.pop("freshness", None)  # a property of the moment, not of the release
        out[root] = doc
    return out


def main(argv=None):
    from tests.testworld.world import TestWorld  # noqa: PLC0415 (keeps --help fast)

    parser = argparse.ArgumentParser(prog="python -m tests.testworld.capture_discovery")
    parser.add_argument("--kubernetes", default="1.34")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    with TestWorld("empty", kubernetes=args.kubernetes) as world:
        data = {"kubernetes": world.kubernetes, "gitVersion": world.api.get("/version")["gitVersion"]}
        data.update(builtin_discovery(world))
    with open(args.out, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
