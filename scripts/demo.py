"""``make demo``: validate a test-world RKE2 GPU cluster and write its conformance report.

Starts a test world (``python -m tests.testworld``, docs/testworld.md): a real Kubernetes v1.34
control plane (kube-apiserver, kube-controller-manager, kube-scheduler, etcd) on this machine with
nodes simulated by KWOK, loaded with a scenario through the API. Its admin kubeconfig (mode 0600)
goes to a temporary folder; ``ansible-playbook playbooks/validate.yml`` runs against it with demo
submission metadata; the play's summary and where the report is are printed, and the world is
stopped. The API server is real; the machines, GPUs and running containers are not: nodes are
KWOK's, and what hardware or operators that do not run would report is scenario data.

A scenario is a test-world scenario (tests/testworld/scenarios/<name>.yaml) or a demo scenario,
scripts/demo-scenarios/<name>.yaml: ``base`` (a test-world scenario) and override keys
(tests/testworld/scenario.py: ``description``, ``add``, ``replace``, ``remove``, ``patch``), used to
show a cluster broken in one way.

    python scripts/demo.py [--scenario rke2-gpu] [--output DIR] [--quiet]

Exit status: the play's (2 when a MUST failed, which the demo of a failing cluster shows); 1 when
the scenario is unknown or the world does not start.
"""

import argparse
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import threading

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO_SCENARIOS = ROOT / "scripts" / "demo-scenarios"
WORLD_SCENARIOS = ROOT / "tests" / "testworld" / "scenarios"
# the simulated GPU agents' toolkit config.toml (scripts/demo-node/README.md)
DEMO_NODE_TOOLKIT = ROOT / "scripts" / "demo-node" / "config.toml"
BIN = pathlib.Path(sys.executable).parent
WORLD_START_TIMEOUT = 900  # a cold machine builds the binaries first (docs/testworld.md)

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
        "description": "A test world: a real Kubernetes v1.34 control plane with simulated RKE2 nodes and two "
        "simulated GPU agents (demo only).",
        "contact_email_address": "demo@example.com",
        "k8s_conformance_url": "https://github.com/cncf/k8s-conformance/tree/master/v1.34/rke2",
    },
}


def scenario_names():
    names = {p.stem for p in WORLD_SCENARIOS.glob("*.yaml")}
    names |= {p.stem for p in DEMO_SCENARIOS.glob("*.yaml")}
    return sorted(names)


def load_scenario(name):
    """``(test-world scenario, overrides or None, description)`` for ``name``."""
    demo = DEMO_SCENARIOS / ("%s.yaml" % name)
    if demo.is_file():
        data = yaml.safe_load(demo.read_text()) or {}
        if not isinstance(data, dict) or not data.get("base"):
            raise SystemExit("error: %s: expected a mapping with base and override keys" % demo)
        overrides = {k: v for k, v in data.items() if k != "base"}
        return data["base"], overrides or None, data.get("description") or name
    path = WORLD_SCENARIOS / ("%s.yaml" % name)
    if path.is_file():
        data = yaml.safe_load(path.read_text()) or {}
        return name, None, (data.get("description") if isinstance(data, dict) else None) or name
    raise SystemExit("error: unknown scenario %r; expected one of %s" % (name, ", ".join(scenario_names())))


class World:
    """``python -m tests.testworld`` in its own process: started, its URL read, stopped with SIGTERM."""

    def __init__(self, scenario, overrides, tmp):
        self.kubeconfig = os.path.join(tmp, "kubeconfig")
        cmd = [sys.executable, "-m", "tests.testworld", "--scenario", scenario, "--kubeconfig-out", self.kubeconfig]
        if overrides:
            path = os.path.join(tmp, "override.yaml")
            with open(path, "w") as handle:
                yaml.safe_dump(overrides, handle, sort_keys=False)
            cmd += ["--override", path]
        self.cmd = cmd
        self.proc = None
        self.url = None
        self.stderr = []
        self._stderr_thread = None

    def _copy_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)
            sys.stderr.write(line)
            sys.stderr.flush()

    def start(self):
        self.proc = subprocess.Popen(
            self.cmd, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        self._stderr_thread = threading.Thread(target=self._copy_stderr, daemon=True)
        self._stderr_thread.start()
        timer = threading.Timer(WORLD_START_TIMEOUT, self.proc.kill)
        timer.start()
        try:
            self.url = self.proc.stdout.readline().strip()
        finally:
            timer.cancel()
        if not self.url:
            self.proc.wait(timeout=60)
            self._stderr_thread.join(timeout=10)
            raise SystemExit("error: the test world did not start (exit %s)" % self.proc.returncode)
        return self

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr_thread.join(timeout=10)


def gpu_nodes(kubeconfig):
    """Names of the cluster's GPU nodes (label nvidia.com/gpu.present=true), read through the API."""
    proc = subprocess.run(
        [
            str(BIN / "kubectl"),
            "--kubeconfig",
            kubeconfig,
            "get",
            "nodes",
            "-l",
            "nvidia.com/gpu.present=true",
            "-o",
            "jsonpath={.items[*].metadata.name}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit("error: cannot list the GPU nodes: %s" % proc.stderr.strip())
    return proc.stdout.split()


def write_inventory(tmp, nodes):
    """localhost plus the cluster's GPU nodes as local hosts of group rke2_gpu_agents, so the role
    reads the simulated toolkit file for each of them as it would over SSH on a real cluster."""
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
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
            "ANSIBLE_LOCAL_TEMP": str(pathlib.Path(tmp) / "ansible-local"),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "false",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "PATH": str(BIN) + os.pathsep + env.get("PATH", ""),
        }
    )
    return env


def run(scenario, output, quiet=False):
    """Run the demo and return the play's exit status. ``quiet`` does not show the play's output."""
    base, overrides, description = load_scenario(scenario)
    output = os.path.abspath(output)
    with tempfile.TemporaryDirectory(prefix="conformance-demo-") as tmp:
        world = World(base, overrides, tmp)
        try:
            world.start()
            print("Test world for scenario %s (%s) at %s" % (scenario, description, world.url), flush=True)
            print(
                "A real Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, etcd)\n"
                "with simulated nodes (KWOK): no machines, GPUs or containers exist; what they and the add-ons\n"
                "that do not run would report is scenario data (docs/testworld.md).\n",
                flush=True,
            )
            demo_vars = dict(
                DEMO_VARS,
                conformance_kubeconfig=world.kubeconfig,
                conformance_output_dir=output,
                conformance_toolkit_config_path=str(DEMO_NODE_TOOLKIT),
                conformance_node_facts_become=False,
            )
            vars_file = os.path.join(tmp, "demo-vars.json")
            with open(vars_file, "w") as handle:
                json.dump(demo_vars, handle)
            cmd = [
                str(BIN / "ansible-playbook"),
                str(ROOT / "playbooks" / "validate.yml"),
                "-i",
                write_inventory(tmp, gpu_nodes(world.kubeconfig)),
                "-e",
                "@" + vars_file,
            ]
            proc = subprocess.run(
                cmd, env=playbook_env(tmp), cwd=tmp, capture_output=quiet, text=True, check=False, timeout=600
            )
        finally:
            world.stop()
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
        print("Test world stopped.")
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
