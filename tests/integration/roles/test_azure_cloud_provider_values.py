"""The azure_cloud_provider role: azure.json as the seed requires it, and the seed's chart values for RKE2."""

import json

import pytest
import yaml

from tests.integration.roles import addons
from tests.integration.roles.conftest import AZURE_VARS, render_templates

CONFIG = "{{ __azure_cloud_provider_config | to_nice_json }}"
MANAGED_IDENTITY = {
    **{k: v for k, v in AZURE_VARS.items() if "aad_client" not in k},
    "azure_cloud_provider_use_managed_identity_extension": True,
    "azure_cloud_provider_user_assigned_identity_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("azure")
    out = render_templates(
        folder,
        [
            ("chart.yaml", "azure_cloud_provider", "cloud-provider-azure.yaml.j2", AZURE_VARS),
            ("sp.json", "azure_cloud_provider", CONFIG, AZURE_VARS),
            ("mi.json", "azure_cloud_provider", CONFIG, MANAGED_IDENTITY),
        ],
    )
    return out


def test_azure_json_has_the_seeds_settings_and_the_service_principal(rendered):
    (config,) = rendered["sp.json"]
    assert config["useManagedIdentityExtension"] is False
    assert config["useInstanceMetadata"] is True
    assert config["aadClientId"] == AZURE_VARS["azure_cloud_provider_aad_client_id"]
    assert config["aadClientSecret"] == AZURE_VARS["azure_cloud_provider_aad_client_secret"]
    assert (config["cloud"], config["vmType"], config["loadBalancerSku"]) == ("AzurePublicCloud", "vmss", "standard")
    for key, var in (
        ("tenantId", "tenant_id"),
        ("subscriptionId", "subscription_id"),
        ("location", "location"),
        ("resourceGroup", "resource_group"),
        ("vnetName", "vnet_name"),
        ("subnetName", "subnet_name"),
        ("securityGroupName", "security_group_name"),
    ):
        assert config[key] == AZURE_VARS["azure_cloud_provider_" + var], key
    assert "userAssignedIdentityID" not in config


def test_a_managed_identity_writes_no_service_principal(rendered):
    (config,) = rendered["mi.json"]
    assert config["useManagedIdentityExtension"] is True
    assert config["userAssignedIdentityID"] == MANAGED_IDENTITY["azure_cloud_provider_user_assigned_identity_id"]
    assert "aadClientId" not in config and "aadClientSecret" not in config
    assert json.dumps(config).count("secret") == 0


def test_the_chart_has_the_seeds_values_and_what_rke2_needs(rendered):
    (chart,) = rendered["chart.yaml"]
    assert chart["spec"]["bootstrap"] is True
    assert (chart["metadata"]["namespace"], chart["spec"]["targetNamespace"]) == ("kube-system", "kube-system")
    chart_values = yaml.safe_load(chart["spec"]["valuesContent"])
    ccm, cnm = chart_values["cloudControllerManager"], chart_values["cloudNodeManager"]
    # the seed's --set values
    assert (ccm["imageRepository"], ccm["imageName"]) == (
        "mcr.microsoft.com/oss/kubernetes",
        "azure-cloud-controller-manager",
    )
    assert (cnm["imageRepository"], cnm["imageName"]) == (
        "mcr.microsoft.com/oss/kubernetes",
        "azure-cloud-node-manager",
    )
    assert (ccm["configureCloudRoutes"], ccm["allocateNodeCidrs"]) == ("false", "false")
    # RKE2: control-plane nodes are labelled "true", and nodes stay tainted until this controller runs
    assert ccm["nodeSelector"] == {"node-role.kubernetes.io/control-plane": "true"}
    assert {"key": "node.cloudprovider.kubernetes.io/uninitialized", "value": "true", "effect": "NoSchedule"} in ccm[
        "tolerations"
    ]
    assert ccm["cloudConfig"] == "/etc/kubernetes/azure.json"
    assert AZURE_VARS["azure_cloud_provider_aad_client_secret"] not in chart["spec"]["valuesContent"]
    manifest = addons.Manifest("chart.yaml", 0, chart)
    assert addons.check_manifests([manifest]) == []
