"""Benchmark (not a test): the full read-only validation against the seed's manual procedure.

    .venv/bin/python bench/validation_vs_manual.py [--repeat 3] [--nodes 5000 --pods 150000] [--json out.json]

On the same stand-in server (scenario rke2-gpu) it times

* ``manual``: the seed's kubectl commands for the requirements, run one after another with a
  shared discovery cache (a person at a shell), reads only;
* ``ansible``: ``ai_conformance.rke2.conformance_check`` with every requirement, through
  ``ansible-playbook`` (what users run);
* ``in-process``: the same checks through ``runner.run`` without Ansible (the checks' own cost);

and then the ansible run on a generated ``scale:nodes=N,pods=M`` cluster. It reports wall time,
the API requests the server saw, and peak memory of the measuring process's children (kubectl
or ansible-playbook) or of the process itself (in-process). Run from the repository root after
``make setup``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
KUBECTL = "/usr/bin/kubectl"

# The seed's verification commands (shared/reference/seed), reads only, in its order, plus the
# reads a person needs for the requirements the seed shows no command for. `curl` to the
# exporter's cluster IP becomes the API server proxy, the only way in from outside the cluster.
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
    ["get", "pods", "-n", "gpu-operator", "-l", "app=nvidia-dcgm-exporter", "-o", "name"],
    ["get", "--raw", "/api/v1/namespaces/gpu-operator/pods/nvidia-dcgm-exporter-7hq4m:9400/proxy/metrics"],
    ["get", "--raw", "/api/v1/namespaces/gpu-operator/pods/nvidia-dcgm-exporter-xk2vd:9400/proxy/metrics"],
    ["get", "prometheuses", "-A"],
    ["get", "--raw", "/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/targets"],
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


class StandInProcess:
    """The stand-in in its own process, so that its memory never counts as the measured tools'."""

    def __init__(self, scenario, tmp):
        stem = os.path.join(tmp, scenario.replace(":", "_").replace(",", "_"))
        self.kubeconfig, self.counters_file, self.counters = stem + ".kubeconfig", stem + ".counters.json", None
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.standin",
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
        self.url = self.proc.stdout.readline().strip()
        if not self.url:
            raise SystemExit("stand-in did not start: %s" % self.proc.stderr.read())
        self.load_line = self.proc.stderr.readline().strip()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        with open(self.counters_file) as fh:
            self.counters = json.load(fh)


def manual(srv):
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, KUBECONFIG=srv.kubeconfig)
        start, peak = time.monotonic(), 0.0
        for args in MANUAL:
            code, _out, err, rss = run_measured([KUBECTL, *args], env)
            if code != 0:
                raise SystemExit("manual step failed: kubectl %s\n%s" % (" ".join(args), err))
            peak = max(peak, rss)
        return time.monotonic() - start, {"peak_mib": peak}


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
    """Run ``fn`` ``repeat`` times, each on a fresh stand-in so its request counters are the run's own."""
    times, requests, peaks = [], [], []
    extra, load = {}, ""
    for _attempt in range(repeat):
        with StandInProcess(scenario, tmp) as srv:
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
        "stand_in": load,
    }
    if "results" in extra:
        row["statuses"] = {r["id"]: r["status"] for r in extra["results"]}
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=150000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = []
    scale = "scale:nodes=%d,pods=%d" % (args.nodes, args.pods)
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure("manual kubectl (%d commands)" % len(MANUAL), "rke2-gpu", manual, args.repeat, tmp))
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
