"""Bad input to the azure_cloud_provider role fails with a message naming the variable.

Both entry points are checked: ``main`` (servers) and ``node_config`` (every node).
"""

import pytest

from tests.integration.roles.conftest import AZURE_VARS, assert_refused, bad_input_cases


def _without(name, **changes):
    values = {k: v for k, v in AZURE_VARS.items() if k != name}
    values.update(changes)
    return values


CASES = bad_input_cases(
    "azure_cloud_provider",
    [
        (
            "missing-tenant",
            _without("azure_cloud_provider_tenant_id"),
            ["missing required arguments", "azure_cloud_provider_tenant_id"],
        ),
        (
            "missing-subnet",
            _without("azure_cloud_provider_subnet_name"),
            ["missing required arguments", "azure_cloud_provider_subnet_name"],
        ),
        (
            "wrong-type",
            _without(None, azure_cloud_provider_use_managed_identity_extension="perhaps"),
            ["azure_cloud_provider_use_managed_identity_extension", "bool"],
        ),
        (
            "unknown-choice",
            _without(None, azure_cloud_provider_vm_type="vmx"),
            ["azure_cloud_provider_vm_type", "vmss, standard, vmssflex", "vmx"],
        ),
        (
            "unknown-cloud",
            _without(None, azure_cloud_provider_cloud="AzureMoonCloud"),
            ["azure_cloud_provider_cloud", "AzureMoonCloud"],
        ),
        (
            "tenant-not-a-guid",
            _without(None, azure_cloud_provider_tenant_id="contoso.onmicrosoft.com"),
            ["azure_cloud_provider_tenant_id", "GUID"],
        ),
        (
            "service-principal-without-secret",
            _without("azure_cloud_provider_aad_client_secret"),
            ["azure_cloud_provider_aad_client_secret", "not empty"],
        ),
        (
            "empty-location",
            _without(None, azure_cloud_provider_location=""),
            ["azure_cloud_provider_location", "must not be empty"],
        ),
        (
            "config-outside-etc-kubernetes",
            _without(None, azure_cloud_provider_config_path="/tmp/azure.json"),
            ["azure_cloud_provider_config_path", "/etc/kubernetes", "/tmp/azure.json"],
        ),
    ],
    entries=("main", "node_config"),
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    # never the secret, even in a failure message
    assert_refused(bad_input, key, role_vars, expected, secrets=[AZURE_VARS["azure_cloud_provider_aad_client_secret"]])
