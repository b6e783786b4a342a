"""Command line: ``python -m tests.standin --scenario NAME --kubeconfig-out PATH [--override FILE] [--counters-out F]``.

Prints the URL, writes the kubeconfig (mode 0600) and serves until SIGINT or SIGTERM.
"""

import argparse
import json
import signal
import sys
import threading

import yaml

from tests.standin import ScenarioError, StandIn


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.standin", description="Stand-in Kubernetes API server")
    parser.add_argument("--scenario", default="rke2-gpu", help="scenario name, or scale:nodes=N,pods=M")
    parser.add_argument("--kubeconfig-out", required=True, help="where to write the kubeconfig (mode 0600)")
    parser.add_argument("--override", action="append", default=[], help="YAML file of overrides (repeatable)")
    parser.add_argument("--catalog", choices=("1.34", "1.33"), default=None, help="built-in API catalog")
    parser.add_argument("--no-tls", action="store_true", help="serve plain HTTP instead of HTTPS")
    parser.add_argument("--counters-out", help="on exit, write the request counters (JSON) to this file")
    args = parser.parse_args(argv)
    overrides = {}
    try:
        for path in args.override:
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
        srv = StandIn(scenario=args.scenario, tls=not args.no_tls, catalog=args.catalog, overrides=overrides or None)
    except (ScenarioError, OSError, yaml.YAMLError) as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 2
    done = threading.Event()

    def _stop(_signum, _frame):
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    srv.start()
    srv.write_kubeconfig(args.kubeconfig_out)
    print(srv.url, flush=True)
    print(
        "scenario %s loaded in %.2fs; kubeconfig %s" % (srv.scenario.name, srv.load_time, args.kubeconfig_out),
        file=sys.stderr,
        flush=True,
    )
    while not done.wait(0.5):
        pass
    srv.stop()
    if args.counters_out:
        with open(args.counters_out, "w") as fh:
            json.dump(srv.counters(), fh, indent=1, sort_keys=True)
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
