"""Benchmark (not a test): the full read-only validation against the seed's manual procedure.

    .venv/bin/python bench/validation_vs_manual.py [--repeat 3] [--nodes 5000 --pods 50000] [--json out.json]

On the same test world (docs/testworld.md: a real kube-apiserver v1.34.1 with its controllers and
KWOK's simulated nodes, scenario rke2-gpu) it times

* ``manual``: the seed's kubectl commands for the requirements, run one after another with a
  shared discovery cache (a person at a shell), reads only;
* ``ansible``: ``ai_conformance.rke2.conformance_check`` with every requirement, through
  ``ansible-playbook`` (what users run);
* ``in-process``: the same checks through ``runner.run`` without Ansible (the checks' own cost);

and then the ansible run on a generated ``scale:nodes=N,pods=M`` cluster (the rke2-gpu add-ons plus
N nodes and M pods created through the API). It reports wall time, the API requests kube-apiserver
answered during the run (its audit log, written by ``python -m tests.testworld --counters-out`` as
the world stops), and peak memory of the measuring process's children (kubectl or
ansible-playbook) or of the process itself (in-process). Run from the repository root after
``make setup`` and ``make testworld``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
# the kubectl a person at a shell has (1.32 here); the venv's 1.37 when there is none
KUBECTL = "/usr/bin/kubectl" if os.path.exists("/usr/bin/kubectl") else os.path.join(BIN, "kubectl")
DCGM_PODS = "dcgm exporter pods"

# The seed's verification commands (shared/reference/seed), reads only, in its order, plus the
# reads a person needs for the requirements the seed shows no command for. `curl` to the
# exporter's cluster IP becomes the API server proxy, the only way in from outside the cluster.
# The exporter's pods are the DaemonSet controller's, with generated names: the person reads them
# from the step named DCGM_PODS, then fetches each pod's metrics page ("{pod}").
MANUAL = [
    ["api-resources", "--api-group=resource.k8s.io"],
    ["api-resources", "--api-group=gateway.networking.k8s.io"],
    ["get", "gatewayclass", "traefik", "-o", "jsonpath={.status}"],
    ["get", "pods", "-n", "kube-system", "-l", "app.kubernetes.io/name=rke2-traefik"],
    ["get", "crds", "podgroups.scheduling.volcano.sh", "queues.scheduling.volcano.sh", "jobs.batch.volcano.sh"],
    ["get", "deployments", "-n", "volcano-system"],
    ["get", "nodes", "-o", "yaml"],
    ["get", "deployments", "-n", "kube-system", "-l", "app.kubernetes.io/instance=cluster-autoscaler"],
    ["get", "configmap", "cluster-autoscaler-status", "-n", "kube-system", "-o", "yaml"],
    ["get", "apiservice", "v1beta1.custom.metrics.k8s.io"],
    ["get", "--raw", "/apis/custom.metrics.k8s.io/v1beta1/namespaces/suse-private-ai/metrics/gpu_utilization"],
    ["get", "hpa", "-A"],
    ["get", "svc", "nvidia-dcgm-exporter", "-n", "gpu-operator", "-o", "jsonpath={.spec.clusterIP}"],
    ["get", "svc", "nvidia-dcgm-exporter", "-n", "gpu-operator", "-o", "jsonpath={.spec.ports[0].port}"],
    (DCGM_PODS, ["get", "pods", "-n", "gpu-operator", "-l", "app=nvidia-dcgm-exporter", "-o", "name"]),
    ["get", "--raw", "/api/v1/namespaces/gpu-operator/pods/{pod}:9400/proxy/metrics"],
    ["get", "prometheuses", "-A"],
    # kube-prometheus-stack names the port http-web (prometheusSpec.portName); the seed wrote "web"
    ["get", "--raw", "/api/v1/namespaces/monitoring/services/prometheus-operated:http-web/proxy/api/v1/targets"],
    ["get", "clusterpolicy", "cluster-policy", "-o", "yaml"],
    ["get", "daemonset", "-n", "gpu-operator", "-o", "yaml"],
    ["get", "crds"],
    ["get", "validatingwebhookconfigurations"],
    ["get", "pods", "-n", "kubeflow"],
    ["get", "endpointslices", "-n", "kubeflow"],
    ["get", "runtimeclasses"],
]

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: validate
      ai_conformance.rke2.conformance_check:
        kubeconfig: {kubeconfig}
        request_timeout: 60
"""


def run_measured(cmd, env):
    """Run ``cmd``; return (returncode, stdout, stderr, peak RSS MiB of it and its descendants)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss / 1024.0


class WorldProcess:
    """A test world in its own process (``python -m tests.testworld``), so that the control plane's
    memory never counts as the measured tools'; its request counters are written when it stops."""

    def __init__(self, scenario, tmp):
        stem = os.path.join(tmp, scenario.replace(":", "_").replace(",", "_").replace("=", "_"))
        self.kubeconfig, self.counters_file, self.counters = stem + ".kubeconfig", stem + ".counters.json", None
        self.stderr = []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.testworld",
                "--scenario",
                scenario,
                "--kubeconfig-out",
                self.kubeconfig,
                "--counters-out",
                self.counters_file,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # drained in a thread: a first start builds the binaries and reports progress there
        self._drain = threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True)
        self._drain.start()
        self.url = self.proc.stdout.readline().strip()
        if not self.url:
            self.proc.wait(timeout=60)
            self._drain.join(timeout=10)
            raise SystemExit("the test world did not start:\n%s" % "".join(self.stderr[-40:]))
        deadline = time.monotonic() + 10
        while not self.load_line and time.monotonic() < deadline:
            time.sleep(0.05)

    @property
    def load_line(self):
        """The launcher's line ``scenario NAME: Kubernetes vX up in Ns; ...``."""
        return next((line.strip() for line in self.stderr if line.startswith("scenario ")), "")

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.proc.terminate()
        self.proc.wait(timeout=300)
        self._drain.join(timeout=10)
        if self.proc.returncode != 0:
            raise SystemExit("the test world did not stop cleanly:\n%s" % "".join(self.stderr[-40:]))
        with open(self.counters_file) as fh:
            self.counters = json.load(fh)


def manual(srv):
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, KUBECONFIG=srv.kubeconfig)
        start, peak, commands, pods = time.monotonic(), 0.0, 0, []
        for step in MANUAL:
            name, args = step if isinstance(step, tuple) else (None, step)
            for expanded in (
                [[a.format(pod=pod) for a in args] for pod in pods] if "{pod}" in " ".join(args) else [args]
            ):
                code, out, err, rss = run_measured([KUBECTL, *expanded], env)
                if code != 0:
                    raise SystemExit("manual step failed: kubectl %s\n%s" % (" ".join(expanded), err))
                peak, commands = max(peak, rss), commands + 1
                if name == DCGM_PODS:
                    pods = [line.split("/", 1)[1] for line in out.split()]
                    if not pods:
                        raise SystemExit("manual step found no pod: kubectl %s" % " ".join(expanded))
        return time.monotonic() - start, {"peak_mib": peak, "commands": commands}


def ansible(srv):
    with tempfile.TemporaryDirectory() as tmp:
        play = os.path.join(tmp, "play.yml")
        with open(play, "w") as fh:
            fh.write(PLAY.format(kubeconfig=srv.kubeconfig))
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
            ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "ansible-local"),
        )
        start = time.monotonic()
        code, out, err, peak = run_measured(
            [os.path.join(BIN, "ansible-playbook"), play, "-i", "localhost,", "-c", "local"], env
        )
        elapsed = time.monotonic() - start
    if code != 0:
        raise SystemExit("validation failed:\n%s\n%s" % (out[-2000:], err[-2000:]))
    result = json.loads(out)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    result["peak_mib"] = peak
    return elapsed, result


IN_PROCESS = """
import json, resource, sys
sys.path[:0] = [{collections!r}]
from ansible_collections.ai_conformance.rke2.plugins.module_utils import runner
from ansible_collections.ai_conformance.rke2.plugins.module_utils.module_runner import client_from_params
out = runner.run(client_from_params({{"kubeconfig": {kubeconfig!r}, "request_timeout": 60}}), ["all"])
out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps(out))
"""


def in_process(srv):
    """The checks in a plain Python process: no Ansible, no AnsiballZ."""
    code = IN_PROCESS.format(collections=os.path.join(ROOT, ".build", "collections"), kubeconfig=srv.kubeconfig)
    start = time.monotonic()
    rc, out, err, peak = run_measured([sys.executable, "-c", code], dict(os.environ))
    elapsed = time.monotonic() - start
    if rc != 0:
        raise SystemExit("in-process run failed:\n%s" % err[-2000:])
    result = json.loads(out)
    result["peak_mib"] = peak
    return elapsed, result


def measure(label, scenario, fn, repeat, tmp):
    """Run ``fn`` ``repeat`` times, each on a fresh world so its request counters are the run's own."""
    times, requests, peaks = [], [], []
    extra, load = {}, ""
    for _attempt in range(repeat):
        with WorldProcess(scenario, tmp) as srv:
            elapsed, extra = fn(srv)
        times.append(elapsed)
        requests.append(srv.counters["total"])
        peaks.append(extra["peak_mib"])
        load = srv.load_line
    row = {
        "run": label,
        "wall_s_median": round(statistics.median(times), 2),
        "wall_s_all": [round(t, 2) for t in times],
        "api_requests": requests[-1],
        "peak_mib": round(max(peaks), 1),
        "world": load,
    }
    if "commands" in extra:
        row["run"] = label % extra["commands"]
    if "results" in extra:
        row["statuses"] = {r["id"]: r["status"] for r in extra["results"]}
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=50000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = []
    scale = "scale:nodes=%d,pods=%d" % (args.nodes, args.pods)
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure("manual kubectl (%d commands)", "rke2-gpu", manual, args.repeat, tmp))
        rows[-1]["note"] = "peak of the largest single kubectl"
        rows.append(measure("conformance_check via ansible-playbook", "rke2-gpu", ansible, args.repeat, tmp))
        rows[-1]["note"] = "peak of ansible-playbook and the module process"
        rows.append(measure("the checks in a plain Python process", "rke2-gpu", in_process, args.repeat, tmp))
        rows.append(measure("conformance_check via ansible-playbook, " + scale, scale, ansible, 1, tmp))
    for row in rows:
        print(
            "%-62s %7.2f s  %4d requests  %7.1f MiB peak"
            % (row["run"], row["wall_s_median"], row["api_requests"], row["peak_mib"])
        )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
