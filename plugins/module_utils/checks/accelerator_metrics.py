# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accelerator_metrics: every GPU node exposes per-accelerator utilization and memory metrics.

The default endpoint is the NVIDIA GPU Operator's DCGM exporter (Service ``nvidia-dcgm-exporter``,
port ``gpu-metrics``/9400, ``/metrics``). The page is read through the API server's proxy and
parsed with prometheus-client's text parser.

Coverage of every node: one request through the *service* proxy reaches one exporter pod
(whichever the proxy picks), so by default (``scrape: pods``) the exporter pods are listed once
with the Service's selector and each GPU node's exporter pod is read through the *pod* proxy:
one request per GPU node, inherent to proving per-node metrics, made four at a time. The series
of a page belong to the node its pod runs on (``spec.nodeName``); the ``Hostname`` label
dcgm-exporter adds (the node name when the operator sets ``NODE_NAME``, else the pod name) is only
reported. ``scrape: service`` makes one request and matches series to nodes by their
``Hostname``/``node`` labels instead: cheaper, but it can prove only the nodes whose exporter
answered that request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

try:
    from prometheus_client.parser import text_string_to_metric_families

    HAS_PROMETHEUS_CLIENT = True
    PROMETHEUS_CLIENT_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by ansible-test's import sanity test
    HAS_PROMETHEUS_CLIENT = False
    PROMETHEUS_CLIENT_IMPORT_ERROR = exc

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    name_of,
    pod_ready,
    proxy_path,
    selector_string,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._nvidia import (
    capped,
    gpu_node_option,
    gpu_nodes,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import ERROR, FAILED, PASSED

REQUIREMENT = "accelerator_metrics"
ARGUMENT_SPEC = {
    "namespace": dict(type="str", default="gpu-operator"),
    "service": dict(type="str", default="nvidia-dcgm-exporter"),
    "port": dict(type="str", default="gpu-metrics"),
    "path": dict(type="str", default="/metrics"),
    "scrape": dict(type="str", default="pods", choices=["pods", "service"]),
    "gpu_node_selector": gpu_node_option(),
    "node_labels": dict(type="list", elements="str", default=["Hostname", "hostname", "node"]),
    "utilization_metrics": dict(type="list", elements="str", default=["DCGM_FI_DEV_GPU_UTIL"]),
    "memory_metrics": dict(type="list", elements="str", default=["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE"]),
}

# reported when present: kind -> metric names (dcgm-exporter's default and DCP counters)
OPTIONAL_METRICS = {
    "temperature": ("DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_MEMORY_TEMP"),
    "power": ("DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"),
    "interconnect": (
        "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",
        "DCGM_FI_PROF_NVLINK_TX_BYTES",
        "DCGM_FI_PROF_NVLINK_RX_BYTES",
        "DCGM_FI_PROF_PCIE_TX_BYTES",
        "DCGM_FI_PROF_PCIE_RX_BYTES",
    ),
}
WORKERS = 4
# evidence items for nodes that pass (every failing node always gets one)
PASSING_EVIDENCE = 3


def raw_kubectl(path):
    return "kubectl get --raw '%s'" % path


def _gpu_id(labels):
    return labels.get("UUID") or labels.get("uuid") or labels.get("gpu") or labels.get("device") or "?"


def parse_page(text, wanted, node_labels):
    """Per-GPU samples of the ``wanted`` metrics on a Prometheus text page.

    Returns ``{gpu_id: {"metrics": {name: value}, "nodes": set(node label values), "model": str}}``.
    Raises ValueError for a page that is not the Prometheus text format.
    """
    gpus = {}
    for family in text_string_to_metric_families(text):
        # the parser names counter samples <family>_total; the family keeps the exposed name
        if family.name not in wanted:
            continue
        for sample in family.samples:
            gpu = gpus.setdefault(_gpu_id(sample.labels), {"metrics": {}, "nodes": set(), "model": None})
            gpu["metrics"][family.name] = sample.value
            gpu["model"] = gpu["model"] or sample.labels.get("modelName")
            for key in node_labels:
                if sample.labels.get(key):
                    gpu["nodes"].add(sample.labels[key])
    return gpus


def _lines(text, required, optional, node_filter=None, limit=12):
    """Exposition lines for evidence: the required metrics first, then the optional ones, at most ``limit``.

    ``node_filter`` (``[(label, node)]``) keeps only the series of one node on a shared page."""
    order = {name: i for i, name in enumerate(list(required) + list(optional))}
    out = []
    for line in text.splitlines():
        name = line.split("{")[0].split(" ")[0]
        if not line or line.startswith("#") or name not in order:
            continue
        if node_filter and not any('%s="%s"' % pair in line for pair in node_filter):
            continue
        out.append((order[name], line))
    out = [line for _i, line in sorted(out, key=lambda item: item[0])]
    return out[:limit] + (["... (%d more lines)" % (len(out) - limit)] if len(out) > limit else [])


class _Target(object):
    """One page to read: through a pod or the service."""

    def __init__(self, node, pod, path, ready=True, why=None):
        self.node = node
        self.pod = pod
        self.path = path
        self.ready = ready
        self.why = why
        self.text = None


def _resolve_port(service, wanted):
    for port in (service.get("spec") or {}).get("ports") or []:
        if wanted in (port.get("name"), str(port.get("port"))):
            return port
    return None


def _target_port(service_port, pod):
    """The pod port the service port sends to (a number, or a container port name resolved in the pod)."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int) or str(target).isdigit():
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target:
                return port.get("containerPort")
    return None


def _analyse(gpus, required, node_obj):
    """Problems of one node's GPUs (missing required metrics, fewer GPUs than the node has)."""
    problems = []
    if not gpus:
        return ["no per-GPU series of %s" % ", ".join(required)]
    for gpu_id, gpu in sorted(gpus.items()):
        missing = [m for m in required if m not in gpu["metrics"]]
        if missing:
            problems.append("GPU %s lacks %s" % (gpu_id, ", ".join(missing)))
    labels = (node_obj.get("metadata") or {}).get("labels") or {}
    count = labels.get("nvidia.com/gpu.count")
    if count and str(count).isdigit() and labels.get("nvidia.com/mig.strategy") != "single" and len(gpus) < int(count):
        problems.append("metrics for %d GPU(s) but the node has %s (label nvidia.com/gpu.count)" % (len(gpus), count))
    return problems


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    if not HAS_PROMETHEUS_CLIENT:
        return result.finish(
            ERROR,
            "the Python library prometheus-client is required on the host running the check "
            "(pip install prometheus-client): %s" % PROMETHEUS_CLIENT_IMPORT_ERROR,
        )
    namespace, service_name, port_opt = opts["namespace"], opts["service"], opts["port"]
    utilization, memory = list(opts["utilization_metrics"]), list(opts["memory_metrics"])
    required = utilization + memory
    optional = [m for names in OPTIONAL_METRICS.values() for m in names]
    wanted = set(required) | set(optional)

    nodes, _ev = gpu_nodes(ctx, result, opts["gpu_node_selector"])
    if not nodes:
        return result.finish(
            FAILED,
            "no GPU node found (label selector %s): there is no accelerator whose metrics could be read; "
            "GPU feature discovery labels GPU nodes, or set accelerator_metrics.gpu_node_selector"
            % opts["gpu_node_selector"],
        )
    by_name = {name_of(n): n for n in nodes}

    services = ctx.discovery.require("", "v1", "services")
    service, evidence = ctx.get(result, "accelerator metrics Service", services, service_name, namespace=namespace)
    if service is None:
        return result.finish(
            FAILED,
            "the metrics Service %s/%s does not exist: enable the GPU Operator's DCGM exporter "
            "(dcgmExporter.enabled) or point accelerator_metrics.namespace/service at your exporter"
            % (namespace, service_name),
        )
    port = _resolve_port(service, port_opt)
    ports = ["%s/%s" % (p.get("name"), p.get("port")) for p in (service.get("spec") or {}).get("ports") or []]
    evidence.output = "selector=%s ports=%s" % (selector_string((service.get("spec") or {}).get("selector")), ports)
    if port is None:
        evidence.ok = False
        return result.finish(
            FAILED,
            "the Service %s/%s has no port %r (ports: %s); set accelerator_metrics.port"
            % (namespace, service_name, port_opt, ", ".join(ports) or "none"),
        )
    evidence.ok = True
    path = opts["path"] if opts["path"].startswith("/") else "/" + opts["path"]

    if opts["scrape"] == "service":
        targets = [
            _Target(
                None,
                None,
                proxy_path("services", namespace, service_name, port_opt, path),
            )
        ]
    else:
        selector = selector_string((service.get("spec") or {}).get("selector"))
        if not selector:
            return result.finish(
                FAILED,
                "the Service %s/%s has no pod selector, so its exporter pods cannot be found; "
                "set accelerator_metrics.scrape=service" % (namespace, service_name),
            )
        pods_res = ctx.discovery.require("", "v1", "pods")
        pods, pod_ev = ctx.list(
            result, "exporter pods (the Service's selector)", pods_res, namespace, label_selector=selector
        )
        pod_ev.output = (
            capped("%s node=%s %s" % (name_of(p), (p.get("spec") or {}).get("nodeName"), pod_ready(p)[1]) for p in pods)
            or "no pod matches %s" % selector
        )
        targets = []
        on_node = {}
        for pod in pods:
            on_node.setdefault((pod.get("spec") or {}).get("nodeName"), []).append(pod)
        for node in sorted(by_name):
            candidates = sorted(on_node.get(node, []), key=lambda p: not pod_ready(p)[0])
            if not candidates:
                targets.append(_Target(node, None, None, ready=False, why="no exporter pod runs on it"))
                continue
            pod = candidates[0]
            ready, state = pod_ready(pod)
            pod_port = _target_port(port, pod)
            if not ready:
                targets.append(
                    _Target(
                        node, name_of(pod), None, False, "exporter pod %s is not ready (%s)" % (name_of(pod), state)
                    )
                )
            elif pod_port is None:
                targets.append(
                    _Target(
                        node,
                        name_of(pod),
                        None,
                        False,
                        "exporter pod %s has no port %r" % (name_of(pod), port.get("targetPort")),
                    )
                )
            else:
                targets.append(_Target(node, name_of(pod), proxy_path("pods", namespace, name_of(pod), pod_port, path)))
        result.details["exporter_pods_elsewhere"] = sorted(
            name_of(p) for n, ps in on_node.items() if n not in by_name for p in ps
        )

    def fetch(target):
        target.text = ctx.client.get_text(target.path)
        return target

    readable = [t for t in targets if t.ready]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(fetch, readable))

    problems = {}
    pages = {}
    for target in readable:
        try:
            gpus = parse_page(target.text, wanted, opts["node_labels"])
        except ValueError as exc:
            problems.setdefault(target.node or "(service)", []).append(
                "the page %s is not in the Prometheus text format (%s)" % (target.path, exc)
            )
            continue
        if target.node:
            pages[target.node] = (target, gpus)
        else:
            # one page for the whole service: split its series by the node label
            for gpu_id, gpu in gpus.items():
                for node in gpu["nodes"] or {"(no node label)"}:
                    pages.setdefault(node, (target, {}))[1][gpu_id] = gpu
    for target in targets:
        if not target.ready:
            problems.setdefault(target.node, []).append(target.why)

    nodes_detail = {}
    passing_shown = 0
    for node in sorted(by_name):
        if node not in pages and node not in problems:
            problems[node] = [
                "no series carry %s=%s on the page read through the Service (one service-proxy request "
                "reaches one exporter pod; use accelerator_metrics.scrape=pods to read every node)"
                % ("/".join(opts["node_labels"]), node)
            ]
        target, gpus = pages.get(node, (None, {}))
        if node in pages:
            problems.setdefault(node, []).extend(_analyse(gpus, required, by_name[node]))
        node_problems = problems.get(node) or []
        present = {
            kind: sorted({m for g in gpus.values() for m in g["metrics"] if m in names})
            for kind, names in OPTIONAL_METRICS.items()
        }
        nodes_detail[node] = {
            "pod": target.pod if target else None,
            "gpus": {
                gpu_id: {"model": g["model"], "hostname_label": sorted(g["nodes"]), "values": g["metrics"]}
                for gpu_id, g in sorted(gpus.items())
            },
            "optional_metrics": present,
            "problems": node_problems,
        }
        if target is not None and target.text is not None and (node_problems or passing_shown < PASSING_EVIDENCE):
            passing_shown += 0 if node_problems else 1
            result.add(
                "metrics page of node %s (%s)" % (node, "pod " + target.pod if target.pod else "through the Service"),
                request="GET " + target.path,
                kubectl=raw_kubectl(target.path),
                output=_lines(
                    target.text,
                    required,
                    optional,
                    None if target.pod else [(label, node) for label in opts["node_labels"]],
                )
                or "(no %s series on the page)" % ", ".join(required),
                ok=not node_problems,
            )
    result.details["nodes"] = nodes_detail
    result.details["required_metrics"] = {"utilization": utilization, "memory": memory}
    result.details["pages_read"] = len(readable)

    failing = {n: p for n, p in problems.items() if p}
    if failing:
        first = sorted(failing)[:5]
        more = len(failing) - len(first)
        return result.finish(
            FAILED,
            "accelerator metrics missing on %d of %d GPU node(s): %s%s"
            % (
                len(failing),
                len(by_name),
                "; ".join("%s: %s" % (n, ", ".join(failing[n])) for n in first),
                "; and %d more" % more if more else "",
            ),
        )
    gpu_total = sum(len(d["gpus"]) for d in nodes_detail.values())
    extras = []
    for kind in OPTIONAL_METRICS:
        having = sum(1 for d in nodes_detail.values() if d["optional_metrics"][kind])
        if having:
            names = sorted({m for d in nodes_detail.values() for m in d["optional_metrics"][kind]})
            extras.append("%s (%s) on %d node(s)" % (kind, ", ".join(names), having))
    return result.finish(
        PASSED,
        "all %d GPU node(s) expose per-GPU utilization (%s) and memory (%s) for %d GPU(s) via %s/%s; also: %s"
        % (
            len(by_name),
            ", ".join(utilization),
            ", ".join(memory),
            gpu_total,
            namespace,
            service_name,
            "; ".join(extras) or "no temperature, power or interconnect metrics",
        ),
    )
