"""Run the accelerator checks through ansible-playbook against a stand-in, with node-side toolkit facts
gathered by ``nvidia_toolkit_info`` from config.toml files written for each GPU node."""

import pathlib

import yaml

from tests.integration.playbook import run_check_tasks
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
# pages the rke2-gpu scenario declares behind the API server's proxy
POD_PAGES = {
    "rke2-gpu-agent-0": "gpu-operator/nvidia-dcgm-exporter-7hq4m:9400/metrics",
    "rke2-gpu-agent-1": "gpu-operator/nvidia-dcgm-exporter-xk2vd:9400/metrics",
}
SERVICE_PAGE = "gpu-operator/nvidia-dcgm-exporter:gpu-metrics/metrics"
TARGETS_PAGE = "monitoring/prometheus-operated:web/api/v1/targets"


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


def check_tasks(name, srv, toolkit_paths=None, requirements=CHECKS, **options):
    """Tasks for one scenario: ``nvidia_toolkit_info`` for each node file (errors kept, as
    ``ignore_errors`` does), then ``conformance_check`` task ``name`` on ``srv`` with their results as
    ``toolkit_configs``."""
    tasks, configs = [], {}
    for i, (node, path) in enumerate(sorted((toolkit_paths or {}).items())):
        var = "toolkit_%s_%d" % (name.replace("-", "_").replace(" ", "_"), i)
        tasks.append(
            {
                "name": "%s: toolkit %s" % (name, node),
                "ai_conformance.rke2.nvidia_toolkit_info": {"path": path},
                "register": var,
                "ignore_errors": True,
            }
        )
        configs[node] = "{{ %s }}" % var
    args = {"kubeconfig": srv.kubeconfig, "requirements": list(requirements)}
    if configs:
        args["secure_accelerator_access"] = dict(options.pop("secure_accelerator_access", {}), toolkit_configs=configs)
    args.update(options)
    tasks.append({"name": name, "ai_conformance.rke2.conformance_check": args})
    return tasks


def run_scenarios(scenarios, check_mode=False):
    """One ansible-playbook run for several ``{name: dict(srv=..., toolkit_paths=..., requirements=..., ...)}``.

    Returns ``({name: {requirement id: result}}, run)``."""
    tasks = []
    for name, spec in scenarios.items():
        tasks.extend(check_tasks(name, **spec))
    results, run = run_check_tasks(tasks, check=check_mode)
    return {name: results[name] for name in scenarios}, run
