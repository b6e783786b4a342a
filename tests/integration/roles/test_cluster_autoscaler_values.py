"""The cluster_autoscaler role: node groups, the priority expander for GPU groups, credentials by reference."""

import pytest
import yaml

from tests.integration.roles import addons
from tests.integration.roles.conftest import AUTOSCALER_VARS, render_templates

GROUPS = {
    "mixed": [
        {"name": "vmss-cpu", "min_size": 1, "max_size": 3},
        {"name": "vmss.gpu-a100", "min_size": 0, "max_size": 2, "gpu": True},
    ],
    "gpu-only": [{"name": "vmss-gpu", "min_size": 0, "max_size": 4, "gpu": True}],
    "no-preference": None,
    "managed-identity": None,
}


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    cases = [
        (
            "mixed.yaml",
            {
                "cluster_autoscaler_node_groups": GROUPS["mixed"],
                "cluster_autoscaler_extra_args": {"scale-down-unneeded-time": "5m"},
            },
        ),
        ("gpu-only.yaml", {"cluster_autoscaler_node_groups": GROUPS["gpu-only"]}),
        (
            "no-preference.yaml",
            {"cluster_autoscaler_node_groups": GROUPS["mixed"], "cluster_autoscaler_prefer_non_gpu_groups": False},
        ),
        (
            "managed-identity.yaml",
            {
                "cluster_autoscaler_node_groups": GROUPS["mixed"],
                "cluster_autoscaler_azure_use_managed_identity": True,
            },
        ),
    ]
    rendered = render_templates(
        tmp_path_factory.mktemp("autoscaler"),
        [
            (name, "cluster_autoscaler", "cluster-autoscaler.yaml.j2", {**AUTOSCALER_VARS, **case})
            for name, case in cases
        ],
    )
    return {name[: -len(".yaml")]: objs[0] for name, objs in rendered.items()}


def values(chart):
    return yaml.safe_load(chart["spec"]["valuesContent"])


def test_node_groups_and_credentials_by_reference(charts):
    chart_values = values(charts["mixed"])
    assert chart_values["cloudProvider"] == "azure"
    assert chart_values["autoscalingGroups"] == [
        {"name": "vmss-cpu", "minSize": 1, "maxSize": 3},
        {"name": "vmss.gpu-a100", "minSize": 0, "maxSize": 2},
    ]
    # the Secret the role delivers, under the one name both Secret references of the chart use
    assert chart_values["secretKeyRefNameOverride"] == chart_values["fullnameOverride"] == "cluster-autoscaler"
    text = charts["mixed"]["spec"]["valuesContent"]
    for name, value in AUTOSCALER_VARS.items():
        if name.startswith("cluster_autoscaler_azure_"):
            assert value not in text, name
    assert not any(key.startswith("azureClient") or key == "azureTenantID" for key in chart_values)


def test_gpu_groups_grow_only_when_no_cpu_group_fits(charts):
    chart_values = values(charts["mixed"])
    assert chart_values["extraArgs"] == {"scale-down-unneeded-time": "5m", "expander": "priority"}
    assert chart_values["expanderPriorities"] == {10: ["^vmss\\.gpu\\-a100$"], 20: ["^vmss\\-cpu$"]}


@pytest.mark.parametrize("name", ["gpu-only", "no-preference"])
def test_no_priorities_without_both_kinds_of_groups_or_when_switched_off(charts, name):
    assert "expanderPriorities" not in values(charts[name])
    assert "expander" not in values(charts[name]).get("extraArgs", {})


def test_managed_identity(charts):
    chart_values = values(charts["managed-identity"])
    assert chart_values["azureUseManagedIdentityExtension"] is True
    assert chart_values["secretKeyRefNameOverride"] == chart_values["fullnameOverride"] == "cluster-autoscaler"


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_every_variant_sets_only_chart_values(charts, name):
    manifest = addons.Manifest("%s.yaml" % name, 0, charts[name])
    assert addons.check_manifests([manifest]) == []
