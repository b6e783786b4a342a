"""A small GPU cluster for the accelerator check tests, on top of ``world.World``.

``gpu_world()`` builds what the NVIDIA GPU Operator (v25.3 style as in the seed, or v26.3 style
with CDI) and kube-prometheus-stack put into a cluster: GPU nodes with GPU feature discovery
labels, the ClusterPolicy, the device plugin, toolkit and DCGM exporter DaemonSets, exporter pods
and their Service, the exporters' metrics pages (served through the pod and service proxies), a
Prometheus with its StatefulSet and Service, the seed's DCGM ServiceMonitor and Prometheus'
targets API answer. Tests then break one thing and run one check through the real runner.
"""

import zlib

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import Response
from tests.unit import discovery_docs
from tests.unit.checks.world import World, WorldClient, custom, node, service
from tests.unit.fakes import cluster_routes

NS = "gpu-operator"
MON = "monitoring"
GPU_NODES = ("gpu-0", "gpu-1")
DRIVER = "580.95.05"
NVIDIA_GROUPS = {
    "nvidia.com": [
        discovery_docs.custom_group("nvidia.com", "v1", [("clusterpolicies", "ClusterPolicy", False)]),
        discovery_docs.custom_group("nvidia.com", "v1alpha1", [("nvidiadrivers", "NVIDIADriver", False)]),
    ]
}
MONITORING_GROUPS = {
    "monitoring.coreos.com": [
        discovery_docs.custom_group(
            "monitoring.coreos.com",
            "v1",
            [
                ("alertmanagers", "Alertmanager", True),
                ("podmonitors", "PodMonitor", True),
                ("probes", "Probe", True),
                ("prometheuses", "Prometheus", True),
                ("prometheusrules", "PrometheusRule", True),
                ("servicemonitors", "ServiceMonitor", True),
                ("thanosrulers", "ThanosRuler", True),
            ],
        )
    ]
}
DCGM_HELP = {
    "DCGM_FI_DEV_SM_CLOCK": ("gauge", "SM clock frequency (in MHz)."),
    "DCGM_FI_DEV_GPU_TEMP": ("gauge", "GPU temperature (in C)."),
    "DCGM_FI_DEV_POWER_USAGE": ("gauge", "Power draw (in W)."),
    "DCGM_FI_DEV_GPU_UTIL": ("gauge", "GPU utilization (in %)."),
    "DCGM_FI_DEV_FB_FREE": ("gauge", "Frame buffer memory free (in MB)."),
    "DCGM_FI_DEV_FB_USED": ("gauge", "Frame buffer memory used (in MB)."),
    "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL": ("counter", "Total number of NVLink bandwidth counters for all lanes."),
}
DCGM_VALUES = {
    "DCGM_FI_DEV_SM_CLOCK": 1410,
    "DCGM_FI_DEV_GPU_TEMP": 41,
    "DCGM_FI_DEV_POWER_USAGE": 63.5,
    "DCGM_FI_DEV_GPU_UTIL": 37,
    "DCGM_FI_DEV_FB_FREE": 80011,
    "DCGM_FI_DEV_FB_USED": 1909,
    "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL": 0,
}


def uuid_of(node_name, index=0):
    return "GPU-%08x-1c2d-4e5f-8a9b-%012d" % (zlib.crc32(node_name.encode()), index)


def dcgm_page(node_name, gpus=1, metrics=None, hostname=None):
    """A metrics page as dcgm-exporter 4.x renders it (HELP/TYPE lines, its label set)."""
    metrics = list(DCGM_HELP) if metrics is None else list(metrics)
    lines = []
    for name in metrics:
        kind, text = DCGM_HELP[name]
        lines.append("# HELP %s %s" % (name, text))
        lines.append("# TYPE %s %s" % (name, kind))
        for i in range(gpus):
            labels = (
                'gpu="%d",UUID="%s",pci_bus_id="00000001:00:0%d.0",device="nvidia%d",'
                'modelName="NVIDIA A100 80GB PCIe",Hostname="%s",DCGM_FI_DRIVER_VERSION="%s"'
                % (i, uuid_of(node_name, i), i, i, hostname or node_name, DRIVER)
            )
            lines.append("%s{%s} %s" % (name, labels, DCGM_VALUES[name]))
    return "\n".join(lines) + "\n"


def gpu_node(name, labels=None, gpus=1, allocatable=None):
    base = {
        "kubernetes.io/hostname": name,
        "nvidia.com/gpu.present": "true",
        "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
        "nvidia.com/gpu.count": str(gpus),
        "nvidia.com/cuda.driver-version.full": DRIVER,
        "nvidia.com/cuda.driver-version.major": DRIVER.split(".", maxsplit=1)[0],
        "nvidia.com/cuda.driver-version.minor": DRIVER.split(".")[1],
        "nvidia.com/cuda.driver-version.revision": DRIVER.split(".")[2],
        "nvidia.com/cuda.runtime-version.full": "13.0",
        "nvidia.com/cuda.runtime-version.major": "13",
        "nvidia.com/cuda.runtime-version.minor": "0",
        "nvidia.com/gpu.deploy.driver": "true",
    }
    base.update(labels or {})
    obj = node(name, labels={k: v for k, v in base.items() if v is not None})
    obj["status"]["allocatable"] = dict({"cpu": "24", "nvidia.com/gpu": str(gpus)}, **(allocatable or {}))
    return obj


def daemonset(name, app, container, env=None, ports=None, ready=2, desired=2):
    ctr = {"name": container, "image": "nvcr.io/nvidia/" + container}
    if env is not None:
        ctr["env"] = [{"name": k, "value": v} for k, v in env.items()]
    if ports:
        ctr["ports"] = ports
    obj = custom("apps/v1", "DaemonSet", "daemonsets", name, NS, labels={"app": app})
    obj["spec"] = {"selector": {"matchLabels": {"app": app}}, "template": {"metadata": {"labels": {"app": app}}}}
    obj["spec"]["template"]["spec"] = {"containers": [ctr]}
    obj["status"] = {"desiredNumberScheduled": desired, "numberReady": ready, "updatedNumberScheduled": desired}
    return obj


def exporter_pod(node_name, ready=True):
    obj = custom("v1", "Pod", "pods", "nvidia-dcgm-exporter-" + node_name[-1] + "x7k2q", NS)
    obj["metadata"]["labels"] = {"app": "nvidia-dcgm-exporter"}
    obj["spec"] = {
        "nodeName": node_name,
        "containers": [
            {"name": "nvidia-dcgm-exporter", "ports": [{"name": "metrics", "containerPort": 9400, "protocol": "TCP"}]}
        ],
    }
    obj["status"] = {
        "phase": "Running" if ready else "Pending",
        "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
    }
    return obj


def cluster_policy(style="v25.3", state="ready", **spec_overrides):
    """The ClusterPolicy the gpu-operator chart renders, with the seed's values (v25.3) or v26.3 defaults."""
    if style == "v25.3":
        spec = {
            "cdi": {"enabled": False, "default": False},
            "devicePlugin": {"enabled": True, "env": [{"name": "DEVICE_LIST_STRATEGY", "value": "volume-mounts"}]},
            "toolkit": {
                "enabled": True,
                "installDir": "/usr/local/nvidia",
                "env": [
                    {"name": "CONTAINERD_SOCKET", "value": "/run/k3s/containerd/containerd.sock"},
                    {"name": "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED", "value": "false"},
                    {"name": "ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS", "value": "true"},
                ],
            },
            "mig": {"strategy": "single"},
        }
    else:
        spec = {
            "cdi": {"enabled": True, "nriPluginEnabled": False},
            "devicePlugin": {"enabled": True},
            "toolkit": {
                "enabled": True,
                "installDir": "/usr/local/nvidia",
                "env": [{"name": "CONTAINERD_SOCKET", "value": "/run/k3s/containerd/containerd.sock"}],
            },
            "mig": {"strategy": "single"},
        }
    spec.update(
        {
            "driver": {"enabled": True, "version": DRIVER},
            "dcgmExporter": {"enabled": True, "serviceMonitor": {"enabled": False}},
            "vgpuManager": {"enabled": False},
            "vgpuDeviceManager": {"enabled": True},
            "sandboxWorkloads": {"enabled": False},
        }
    )
    spec.update(spec_overrides)
    obj = custom("nvidia.com/v1", "ClusterPolicy", "clusterpolicies", "cluster-policy", spec=spec)
    obj["status"] = {"state": state, "namespace": NS}
    return obj


def operator_daemonsets(style="v25.3", strategy=None, toolkit_env=None):
    """Device plugin and toolkit DaemonSets as the operator renders them from the ClusterPolicy."""
    if style == "v25.3":
        plugin_env = {
            "PASS_DEVICE_SPECS": "true",
            "FAIL_ON_INIT_ERROR": "true",
            "DEVICE_LIST_STRATEGY": "volume-mounts",
            "DEVICE_ID_STRATEGY": "uuid",
            "NVIDIA_VISIBLE_DEVICES": "all",
            "NVIDIA_DRIVER_CAPABILITIES": "all",
        }
        tk_env = {
            "CONTAINERD_SOCKET": "/run/k3s/containerd/containerd.sock",
            "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED": "false",
            "ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS": "true",
        }
    else:
        plugin_env = {
            "PASS_DEVICE_SPECS": "true",
            "FAIL_ON_INIT_ERROR": "true",
            "DEVICE_ID_STRATEGY": "uuid",
            "NVIDIA_VISIBLE_DEVICES": "all",
            "NVIDIA_DRIVER_CAPABILITIES": "all",
            "CDI_ENABLED": "true",
            "DEVICE_LIST_STRATEGY": "cdi-annotations,cdi-cri",
            "CDI_ANNOTATION_PREFIX": "cdi.k8s.io/",
            "NVIDIA_CDI_HOOK_PATH": "/usr/local/nvidia/toolkit/nvidia-cdi-hook",
        }
        tk_env = {"CONTAINERD_SOCKET": "/run/k3s/containerd/containerd.sock", "CDI_ENABLED": "true"}
    if strategy is not None:
        if strategy is False:
            plugin_env.pop("DEVICE_LIST_STRATEGY")
        else:
            plugin_env["DEVICE_LIST_STRATEGY"] = strategy
    if toolkit_env is not None:
        tk_env.update(toolkit_env)
        tk_env = {k: v for k, v in tk_env.items() if v is not None}
    return [
        daemonset(
            "nvidia-device-plugin-daemonset", "nvidia-device-plugin-daemonset", "nvidia-device-plugin", plugin_env
        ),
        daemonset(
            "nvidia-container-toolkit-daemonset",
            "nvidia-container-toolkit-daemonset",
            "nvidia-container-toolkit-ctr",
            tk_env,
        ),
    ]


# config.toml as the GPU Operator's toolkit container (v1.17) writes it on a node with the seed's settings;
# the unit tests parse it, the integration tests give it to nvidia_toolkit_info
TOOLKIT_CONFIG = """accept-nvidia-visible-devices-as-volume-mounts = true
accept-nvidia-visible-devices-envvar-when-unprivileged = false
disable-require = false
supported-driver-capabilities = "compat32,compute,display,graphics,ngx,utility,video"
swarm-resource = "DOCKER_RESOURCE_GPU"

[nvidia-container-cli]
  environment = []
  ldconfig = "@/run/nvidia/driver/sbin/ldconfig"
  load-kmods = true
  path = "/usr/local/nvidia/toolkit/nvidia-container-cli"
  root = "/run/nvidia/driver"

[nvidia-container-runtime]
  log-level = "info"
  mode = "auto"
  runtimes = ["docker-runc", "runc", "crun"]

  [nvidia-container-runtime.modes]

    [nvidia-container-runtime.modes.cdi]
      annotation-prefixes = ["cdi.k8s.io/"]
      default-kind = "nvidia.com/gpu"
      spec-dirs = ["/etc/cdi", "/var/run/cdi"]

    [nvidia-container-runtime.modes.csv]
      mount-spec-path = "/etc/nvidia-container-runtime/host-files-for-container.d"

    [nvidia-container-runtime.modes.legacy]
      cuda-compat-mode = "ldconfig"

[nvidia-container-runtime-hook]
  path = "/usr/local/nvidia/toolkit/nvidia-container-runtime-hook"
  skip-mode-detection = true

[nvidia-ctk]
  path = "/usr/local/nvidia/toolkit/nvidia-ctk"
"""


def toolkit_result(node_name, volume_mounts=True, envvar=False, exists=True, defaults=()):
    """What ``nvidia_toolkit_info`` registers on a node."""
    if not exists:
        return {
            "changed": False,
            "exists": False,
            "path": "/usr/local/nvidia/toolkit/.config/nvidia-container-runtime/config.toml",
            "hostname": node_name,
            "config": {},
            "msg": "does not exist",
        }
    return {
        "changed": False,
        "exists": True,
        "path": "/usr/local/nvidia/toolkit/.config/nvidia-container-runtime/config.toml",
        "hostname": node_name,
        "parser": "tomllib",
        "config": {},
        "accept_nvidia_visible_devices_as_volume_mounts": volume_mounts,
        "accept_nvidia_visible_devices_envvar_when_unprivileged": envvar,
        "defaults_applied": list(defaults),
        "runtime_mode": "auto",
    }


def target(node_name, health="up", last_error=""):
    return {
        "discoveredLabels": {"__address__": "10.42.%s.9:9400" % node_name[-1], "job": "serviceMonitor/monitoring/x"},
        "labels": {
            "container": "nvidia-dcgm-exporter",
            "endpoint": "gpu-metrics",
            "instance": "10.42.%s.9:9400" % node_name[-1],
            "job": "nvidia-dcgm-exporter",
            "namespace": NS,
            "service": "nvidia-dcgm-exporter",
        },
        "scrapePool": "serviceMonitor/monitoring/nvidia-dcgm-monitor/0",
        "scrapeUrl": "http://10.42.%s.9:9400/metrics" % node_name[-1],
        "globalUrl": "http://10.42.%s.9:9400/metrics" % node_name[-1],
        "lastError": last_error,
        "lastScrape": "2025-09-17T12:00:00.000Z",
        "lastScrapeDuration": 0.012,
        "health": health,
        "scrapeInterval": "15s",
        "scrapeTimeout": "10s",
    }


def targets_answer(targets):
    return {"status": "success", "data": {"activeTargets": targets, "droppedTargets": [], "droppedTargetCounts": {}}}


PROM_TARGETS_PATH = "/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/targets"


def monitoring_objects(available="True", sts_ready=1, release_label="prometheus-stack"):
    prom = custom(
        "monitoring.coreos.com/v1",
        "Prometheus",
        "prometheuses",
        "prometheus-stack-kube-prom-prometheus",
        MON,
        spec={"replicas": 1, "serviceMonitorSelector": {"matchLabels": {"release": "prometheus-stack"}}},
        status={
            "availableReplicas": sts_ready,
            "conditions": [
                {"type": "Available", "status": available, "reason": "" if available == "True" else "NoPodReady"},
                {"type": "Reconciled", "status": "True"},
            ],
        },
    )
    sts = custom("apps/v1", "StatefulSet", "statefulsets", "prometheus-prometheus-stack-kube-prom-prometheus", MON)
    sts["spec"] = {"replicas": 1}
    sts["status"] = {"replicas": 1, "readyReplicas": sts_ready}
    monitor = custom(
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
        "servicemonitors",
        "nvidia-dcgm-monitor",
        MON,
        spec={
            "selector": {"matchLabels": {"app": "nvidia-dcgm-exporter"}},
            "namespaceSelector": {"matchNames": [NS]},
            "endpoints": [{"port": "gpu-metrics", "path": "/metrics", "interval": "15s"}],
        },
        labels={"release": release_label},
    )
    svc = service(MON, "prometheus-operated", {"app.kubernetes.io/name": "prometheus"}, [{"name": "web", "port": 9090}])
    return [prom, sts, monitor, svc]


class GpuClient(WorldClient):
    """WorldClient that also serves text pages (metrics through the proxies) from ``world.text``."""

    def request(self, method, path, query=None, body=None, accept="application/json", **kwargs):
        if path in self.world.text and path not in self.errors:
            self.calls.append((method, path, dict(query or {}), accept))
            return Response(200, {"content-type": "text/plain; version=0.0.4"}, self.world.text[path].encode())
        return super().request(method, path, query=query, body=body, accept=accept, **kwargs)


class GpuWorld(World):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.text = {}

    def client(self, aggregated=True):
        return GpuClient(self, cluster_routes(self.groups, self.routes), errors=self.errors, aggregated=aggregated)

    def pod_path(self, node_name, port=9400):
        pod = "nvidia-dcgm-exporter-" + node_name[-1] + "x7k2q"
        return "/api/v1/namespaces/%s/pods/%s:%d/proxy/metrics" % (NS, pod, port)

    def set_page(self, node_name, text):
        self.text[self.pod_path(node_name)] = text


def gpu_world(style="v25.3", nodes=GPU_NODES, monitoring=True, operator=True):
    world = GpuWorld(extra_groups=dict(NVIDIA_GROUPS, **(MONITORING_GROUPS if monitoring else {})))
    world.add(node("server-0", labels={"node-role.kubernetes.io/control-plane": "true"}))
    for name in nodes:
        world.add(gpu_node(name))
    if operator:
        world.add(cluster_policy(style), *operator_daemonsets(style))
        world.add(
            service(
                NS,
                "nvidia-dcgm-exporter",
                {"app": "nvidia-dcgm-exporter"},
                [{"name": "gpu-metrics", "port": 9400, "targetPort": 9400, "protocol": "TCP"}],
            )
        )
        for name in nodes:
            world.add(exporter_pod(name))
            world.set_page(name, dcgm_page(name))
        world.text["/api/v1/namespaces/%s/services/nvidia-dcgm-exporter:gpu-metrics/proxy/metrics" % NS] = "".join(
            dcgm_page(n) for n in nodes[:1]
        )
    if monitoring:
        world.add(*monitoring_objects())
        world.routes[PROM_TARGETS_PATH] = targets_answer([target(n) for n in nodes])
    return world


def replace(world, obj):
    """Put ``obj`` in place of the object with the same kind, namespace and name."""
    world.remove(obj["kind"], obj["metadata"]["name"], obj["metadata"].get("namespace"))
    world.add(obj)
    return world
