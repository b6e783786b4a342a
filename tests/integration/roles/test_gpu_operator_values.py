"""The GPU Operator HelmChart matches the operator version, and its options reach the chart's values.

v25.3.x (the seed's line, CDI off): the seed's toolkit env and the device plugin's volume-mounts
list strategy. v25.10 and later: CDI, the operator's default, so none of those is forced. Every
variant also passes the values check against that version's own chart defaults.
"""

import pytest
import yaml

from tests.integration.roles import addons
from tests.integration.roles.conftest import render_templates

SEED_TOOLKIT_ENV = [
    {"name": "ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED", "value": "false"},
    {"name": "ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS", "value": "true"},
]
CONTAINERD = {"name": "CONTAINERD_SOCKET", "value": "/run/k3s/containerd/containerd.sock"}

VARIANTS = {
    "v25-default": {"gpu_operator_chart_version": "v25.3.4"},
    "v26-default": {"gpu_operator_chart_version": "v26.3.2"},
    "v25.10-cdi": {"gpu_operator_chart_version": "v25.10.0"},
    "v26-time-slicing": {
        "gpu_operator_chart_version": "v26.3.2",
        "gpu_operator_sharing": "time-slicing",
        "gpu_operator_time_slicing_replicas": 8,
    },
    "v25-mig-monitor-driver": {
        "gpu_operator_chart_version": "v25.3.4",
        "gpu_operator_sharing": "mig",
        "gpu_operator_mig_strategy": "mixed",
        "gpu_operator_mig_profile": "all-balanced",
        "gpu_operator_dcgm_service_monitor": True,
        "gpu_operator_driver_enabled": False,
    },
    "v26-driver-version": {
        "gpu_operator_chart_version": "v26.3.2",
        "gpu_operator_driver_version": "580.126.20",
        "gpu_operator_driver_kernel_module_type": "open",
    },
}


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    rendered = render_templates(
        tmp_path_factory.mktemp("gpu"),
        [("%s.yaml" % name, "gpu_operator", "gpu-operator.yaml.j2", variant) for name, variant in VARIANTS.items()],
    )
    return {name[: -len(".yaml")]: objs[0] for name, objs in rendered.items()}


def values(chart):
    return yaml.safe_load(chart["spec"]["valuesContent"])


def test_v25_3_gets_the_seeds_secure_access_settings(charts):
    chart = charts["v25-default"]
    assert chart["spec"]["version"] == "v25.3.4"
    assert values(chart)["toolkit"]["env"] == [CONTAINERD, *SEED_TOOLKIT_ENV]
    assert values(chart)["devicePlugin"]["env"] == [{"name": "DEVICE_LIST_STRATEGY", "value": "volume-mounts"}]
    assert "cdi" not in values(chart)  # v25.3's default: off


@pytest.mark.parametrize("name", ["v26-default", "v25.10-cdi"])
def test_from_v25_10_cdi_is_left_to_the_operator(charts, name):
    chart_values = values(charts[name])
    assert chart_values["toolkit"]["env"] == [CONTAINERD]
    assert "devicePlugin" not in chart_values
    assert "cdi" not in chart_values  # its default, enabled, stays


def test_time_slicing_writes_a_device_plugin_config(charts):
    config = values(charts["v26-time-slicing"])["devicePlugin"]["config"]
    assert (config["create"], config["name"], config["default"]) == (True, "time-slicing-config", "any")
    sharing = yaml.safe_load(config["data"]["any"])
    assert sharing["sharing"]["timeSlicing"]["resources"] == [{"name": "nvidia.com/gpu", "replicas": 8}]


def test_mig_driver_and_service_monitor_options(charts):
    chart_values = values(charts["v25-mig-monitor-driver"])
    assert chart_values["mig"] == {"strategy": "mixed"}
    assert chart_values["migManager"] == {"config": {"default": "all-balanced"}}
    assert chart_values["driver"] == {"enabled": False}
    assert chart_values["dcgmExporter"]["serviceMonitor"] == {
        "enabled": True,
        "honorLabels": False,
        "additionalLabels": {"release": "prometheus-stack"},
    }
    assert values(charts["v26-driver-version"])["driver"] == {
        "enabled": True,
        "kernelModuleType": "open",
        "version": "580.126.20",
    }


@pytest.mark.parametrize("name", sorted(set(VARIANTS) - {"v25.10-cdi"}))
def test_every_variant_sets_only_values_of_its_chart_version(charts, name):
    """Each variant against the default values of the chart version it pins (v25.3.4 or v26.3.2)."""
    manifest = addons.Manifest("%s.yaml" % name, 0, charts[name])
    assert addons.check_manifests([manifest]) == []


def test_a_version_without_a_values_fixture_is_not_waved_through(charts):
    manifest = addons.Manifest("v25.10-cdi.yaml", 0, charts["v25.10-cdi"])
    assert addons.check_values(manifest) == [
        "v25.10-cdi.yaml[0] HelmChart gpu-operator: sets chart values but tests/fixtures/charts has no default values "
        "for it (gpu-operator-v25.10.0-values.yaml)"
    ]
