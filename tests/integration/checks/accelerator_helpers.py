"""Run the accelerator checks through ansible-playbook against test worlds (a real control plane,
docs/testworld.md), with node-side toolkit facts gathered by ``nvidia_toolkit_info`` from config.toml
files written for each GPU node."""

import copy
import pathlib

import yaml

from tests.integration.playbook import run_check_tasks
from tests.testworld.scenario import SCENARIO_DIR
from tests.unit.checks.gpu_world import TOOLKIT_CONFIG

CHECKS = (
    "accelerator_metrics",
    "ai_service_metrics",
    "secure_accelerator_access",
    "driver_runtime_management",
    "gpu_sharing",
    "virtualized_accelerator",
)
GPU_NODES = ("rke2-gpu-agent-0", "rke2-gpu-agent-1")
DATA = pathlib.Path(__file__).resolve().parent / "data"
FRAGMENTS = pathlib.Path(SCENARIO_DIR) / "rke2-gpu.d"
GPU_NS = "gpu-operator"
EXPORTER_SELECTOR = "app=nvidia-dcgm-exporter"
# the KWOK stage of the test world that makes a pod's containers crash-loop (docs/testworld.md)
CRASH_LOOPING = {"testworld.ai-conformance/container-state": "crash-looping"}


def fragment(name):
    """A fragment of the rke2-gpu scenario (``gpu-operator.yaml``, ``monitoring.yaml``) as data."""
    return yaml.safe_load((FRAGMENTS / name).read_text())


def endpoint(fragment_name, name):
    """A copy of the endpoint declaration ``name`` of a fragment (to override its pages)."""
    found = [e for e in fragment(fragment_name)["endpoints"] if e["name"] == name]
    assert found, "no endpoint %s in %s" % (name, fragment_name)
    return copy.deepcopy(found[0])


def scenario_object(fragment_name, kind, name):
    found = [o for o in fragment(fragment_name)["objects"] if o["kind"] == kind and o["metadata"]["name"] == name]
    assert found, "no %s %s in %s" % (kind, name, fragment_name)
    return copy.deepcopy(found[0])


def exporter_pods(world):
    """``{node: pod}`` of the DCGM exporter pods kube-controller-manager made in ``world``."""
    pods = world.api.list("v1", "Pod", namespace=GPU_NS, labelSelector=EXPORTER_SELECTOR)
    return {p["spec"]["nodeName"]: p for p in pods}


def toolkit_files(folder, overrides=None):
    """One config.toml per GPU node under ``folder``; ``overrides`` maps a node to its file text
    (or None: no file). Returns ``{node: path}``."""
    paths = {}
    for node in GPU_NODES:
        path = pathlib.Path(folder) / node / "config.toml"
        text = (overrides or {}).get(node, TOOLKIT_CONFIG)
        if text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        paths[node] = str(path)
    return paths


def load_override(name):
    return yaml.safe_load((DATA / name).read_text())


def check_tasks(name, world, toolkit_paths=None, requirements=CHECKS, **options):
    """Tasks for one scenario: ``nvidia_toolkit_info`` for each node file (errors kept, as
    ``ignore_errors`` does), then ``conformance_check`` task ``name`` on ``world`` (its admin
    kubeconfig) with their results as ``toolkit_configs``."""
    tasks, configs = [], {}
    for i, (node, path) in enumerate(sorted((toolkit_paths or {}).items())):
        var = "toolkit_%s_%d" % (name.replace("-", "_").replace(" ", "_").replace(".", "_").replace("=", "_"), i)
        tasks.append(
            {
                "name": "%s: toolkit %s" % (name, node),
                "ai_conformance.rke2.nvidia_toolkit_info": {"path": path},
                "register": var,
                "ignore_errors": True,
            }
        )
        configs[node] = "{{ %s }}" % var
    args = {"kubeconfig": world.kubeconfig, "requirements": list(requirements)}
    if configs:
        args["secure_accelerator_access"] = dict(options.pop("secure_accelerator_access", {}), toolkit_configs=configs)
    args.update(options)
    tasks.append({"name": name, "ai_conformance.rke2.conformance_check": args})
    return tasks


def run_scenarios(scenarios, check_mode=False):
    """One ansible-playbook run for several ``{name: dict(world=..., toolkit_paths=..., requirements=..., ...)}``.

    Returns ``({name: {requirement id: result}}, run)``."""
    tasks = []
    for name, spec in scenarios.items():
        tasks.extend(check_tasks(name, **spec))
    results, run = run_check_tasks(tasks, check=check_mode)
    return {name: results[name] for name in scenarios}, run
