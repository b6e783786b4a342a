"""``make demo``: validate the simulated RKE2 GPU cluster and write its conformance report.

Starts the stand-in Kubernetes API server (tests/standin) with a scenario, writes its kubeconfig
(mode 0600) to a temporary folder, runs ``ansible-playbook playbooks/validate.yml`` against it with
demo submission metadata, prints the play's summary and where the report is, and stops the
server. The cluster is simulated: no real nodes, GPUs or workloads exist.

A scenario is a stand-in scenario (tests/standin/scenarios/<name>.yaml) or a demo scenario,
scripts/demo-scenarios/<name>.yaml: ``base`` (a stand-in scenario), ``description`` and
``overrides`` (the stand-in's override keys), used to show a failing cluster.

    python scripts/demo.py [--scenario rke2-gpu] [--output DIR] [--quiet]

Exit status: the play's (2 when a MUST failed, which the demo of a failing cluster shows).
"""

import argparse
import importlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO_SCENARIOS = ROOT / "scripts" / "demo-scenarios"
# the simulated GPU agents' toolkit config.toml (scripts/demo-node/README.md)
DEMO_NODE_TOOLKIT = ROOT / "scripts" / "demo-node" / "config.toml"
STANDIN_SCENARIOS = ROOT / "tests" / "standin" / "scenarios"

# filled-in submission metadata, so the self-check shows what a real submission would get
DEMO_VARS = {
    "conformance_gateway_class": "traefik",
    "conformance_metadata": {
        "platform_name": "RKE2 (simulated demo cluster)",
        "platform_version": "v1.34",
        "vendor_name": "Demo Vendor",
        "website_url": "https://docs.rke2.io/",
        "documentation_url": "https://docs.rke2.io/",
        "product_logo_url": "https://docs.rke2.io/img/logo-horizontal-rke2.svg",
        "description": "The stand-in API server's simulated RKE2 cluster with two GPU agents (demo only).",
        "contact_email_address": "demo@example.com",
        "k8s_conformance_url": "https://github.com/cncf/k8s-conformance/tree/master/v1.34/rke2",
    },
}


def scenario_names():
    names = {p.stem for p in STANDIN_SCENARIOS.glob("*.yaml")}
    names |= {p.stem for p in DEMO_SCENARIOS.glob("*.yaml")}
    return sorted(names)


def load_scenario(name):
    """``(stand-in scenario, overrides or None, description)`` for ``name``."""
    demo = DEMO_SCENARIOS / ("%s.yaml" % name)
    if demo.is_file():
        data = yaml.safe_load(demo.read_text()) or {}
        if not isinstance(data, dict) or not data.get("base"):
            raise SystemExit("error: %s: expected a mapping with base, description and overrides" % demo)
        return data["base"], data.get("overrides") or None, data.get("description") or name
    if (STANDIN_SCENARIOS / ("%s.yaml" % name)).is_file():
        return name, None, name
    raise SystemExit("error: unknown scenario %r; expected one of %s" % (name, ", ".join(scenario_names())))


def write_inventory(tmp, server):
    """localhost plus the scenario's GPU nodes as local hosts of group rke2_gpu_agents, so the role
    reads the simulated toolkit file for each of them as it would over SSH on a real cluster."""
    nodes = [
        obj["metadata"]["name"]
        for obj in server.store.list_objects("v1", "nodes")
        if (obj["metadata"].get("labels") or {}).get("nvidia.com/gpu.present") == "true"
    ]
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory = {
        "all": {
            "hosts": {"localhost": local},
            "children": {"rke2_gpu_agents": {"hosts": dict.fromkeys(nodes, local)}},
        }
    }
    path = os.path.join(tmp, "inventory.yml")
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle)
    return path


def playbook_env(tmp):
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("K8S_AUTH_") or k == "KUBECONFIG"]:
        del env[key]
    bin_dir = str(pathlib.Path(sys.executable).parent)
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
            "ANSIBLE_LOCAL_TEMP": str(pathlib.Path(tmp) / "ansible-local"),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "false",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
        }
    )
    return env


def run(scenario, output, quiet=False):
    """Run the demo and return the play's exit status. ``quiet`` does not show the play's output."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    standin = importlib.import_module("tests.standin")  # the stand-in lives in the test tree

    base, overrides, description = load_scenario(scenario)
    output = os.path.abspath(output)
    with tempfile.TemporaryDirectory(prefix="conformance-demo-") as tmp:
        try:
            server = standin.StandIn(scenario=base, overrides=overrides)
        except standin.ScenarioError as exc:
            raise SystemExit("error: %s" % exc) from None
        server.start()
        try:
            kubeconfig = os.path.join(tmp, "kubeconfig")
            server.write_kubeconfig(kubeconfig)
            print("Stand-in API server for scenario %s (%s) at %s" % (scenario, description, server.url), flush=True)
            print("The cluster is simulated: no real nodes, GPUs or workloads exist.\n", flush=True)
            demo_vars = dict(
                DEMO_VARS,
                conformance_kubeconfig=kubeconfig,
                conformance_output_dir=output,
                conformance_toolkit_config_path=str(DEMO_NODE_TOOLKIT),
                conformance_node_facts_become=False,
            )
            vars_file = os.path.join(tmp, "demo-vars.json")
            with open(vars_file, "w") as handle:
                json.dump(demo_vars, handle)
            cmd = [
                str(pathlib.Path(sys.executable).parent / "ansible-playbook"),
                str(ROOT / "playbooks" / "validate.yml"),
                "-i",
                write_inventory(tmp, server),
                "-e",
                "@" + vars_file,
            ]
            proc = subprocess.run(
                cmd, env=playbook_env(tmp), cwd=tmp, capture_output=quiet, text=True, check=False, timeout=600
            )
        finally:
            server.stop()
    results = os.path.join(output, "results.json")
    if not quiet:
        print()
        if os.path.isfile(results):
            with open(results) as handle:
                failed = json.load(handle)["summary"]["must_failed"]
            print("Report: %s/report.html (also report.md, PRODUCT.yaml, evidence/, junit.xml)" % output)
            if proc.returncode and failed:
                print("The play failed: MUST requirement(s) failed: %s; the report says why." % ", ".join(failed))
        elif proc.returncode:
            print("The play failed before writing a report; see its output above.")
        print("Stand-in API server stopped.")
    return proc.returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--scenario", default="rke2-gpu", help="one of: %s" % ", ".join(scenario_names()))
    parser.add_argument("--output", default=str(ROOT / "conformance-report"), help="report folder")
    parser.add_argument("--quiet", action="store_true", help="do not show the play's output")
    args = parser.parse_args(argv)
    return run(args.scenario, args.output, quiet=args.quiet)


if __name__ == "__main__":
    sys.exit(main())
