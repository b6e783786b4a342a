"""Command line: ``python -m tests.testworld --scenario NAME --kubeconfig-out PATH [--override FILE ...]
[--kubernetes 1.33] [--counters-out FILE]``.

Starts a world, writes the admin kubeconfig (mode 0600), prints the API server's URL and serves
until SIGINT or SIGTERM; then stops every process it started and exits 0. A bad scenario or
override exits 2 with a message naming the file and field; a failed start exits 1.
"""

import argparse
import json
import signal
import sys
import threading

import yaml

from tests.testworld import binaries, network, process
from tests.testworld.pki import write_private
from tests.testworld.scenario import ScenarioError
from tests.testworld.world import TestWorld


def read_overrides(paths):
    """Merge override files: lists are concatenated, maps merged, scalars replaced."""
    overrides = {}
    for path in paths:
        with open(path) as fh:
            data = yaml.safe_load(fh) or {}
        if not isinstance(data, dict):
            raise ScenarioError("--override %s: expected a mapping of override keys" % path)
        for key, value in data.items():
            if isinstance(value, list):
                overrides.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                overrides.setdefault(key, {}).update(value)
            else:
                overrides[key] = value
    return overrides


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.testworld", description="A real Kubernetes test world")
    parser.add_argument("--scenario", default="rke2-gpu", help="scenario name, or scale:nodes=N,pods=M")
    parser.add_argument("--kubeconfig-out", required=True, help="where to write the admin kubeconfig (mode 0600)")
    parser.add_argument("--override", action="append", default=[], help="YAML file of overrides (repeatable)")
    parser.add_argument("--kubernetes", choices=binaries.KUBERNETES_RELEASES, help="release (default: the scenario's)")
    parser.add_argument("--counters-out", help="on exit, write the API request counters (JSON) to this file")
    args = parser.parse_args(argv)
    try:
        world = TestWorld(args.scenario, overrides=read_overrides(args.override) or None, kubernetes=args.kubernetes)
    except (ScenarioError, OSError, yaml.YAMLError) as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 2
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        world.start()
    except ScenarioError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 2
    except (binaries.BuildError, process.ComponentError, network.NetworkError, OSError) as exc:
        print("error: the test world did not start: %s" % exc, file=sys.stderr)
        return 1
    try:
        with open(world.kubeconfig) as fh:
            write_private(args.kubeconfig_out, fh.read())
        print(world.url, flush=True)
        print(
            "scenario %s: Kubernetes %s up in %.1fs; kubeconfig %s; folder %s; pod network %s"
            % (
                world.scenario.name,
                binaries.kubernetes_version(world.kubernetes),
                world.timings["total"],
                args.kubeconfig_out,
                world.workdir,
                world.network.describe(),
            ),
            file=sys.stderr,
            flush=True,
        )
        while not done.wait(0.5):
            pass
        if args.counters_out:
            with open(args.counters_out, "w") as fh:
                json.dump(world.counters(), fh, indent=1, sort_keys=True)
    finally:
        world.stop()
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
