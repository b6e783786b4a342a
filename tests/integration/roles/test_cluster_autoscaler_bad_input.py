"""Bad input to the cluster_autoscaler role fails with a message naming the variable."""

import pytest

from tests.integration.roles.conftest import AUTOSCALER_VARS, assert_refused, bad_input_cases


def _with(name=None, **changes):
    values = {k: v for k, v in AUTOSCALER_VARS.items() if k != name}
    values.update(changes)
    return values


CASES = bad_input_cases(
    "cluster_autoscaler",
    [
        (
            "missing-node-groups",
            _with("cluster_autoscaler_node_groups"),
            ["missing required arguments", "cluster_autoscaler_node_groups"],
        ),
        (
            "missing-subscription",
            _with("cluster_autoscaler_azure_subscription_id"),
            ["missing required arguments", "cluster_autoscaler_azure_subscription_id"],
        ),
        (
            "group-without-name",
            _with(cluster_autoscaler_node_groups=[{"min_size": 0, "max_size": 2}]),
            ["missing required arguments: name", "cluster_autoscaler_node_groups"],
        ),
        (
            "group-size-not-int",
            _with(cluster_autoscaler_node_groups=[{"name": "vmss-a", "min_size": "few", "max_size": 2}]),
            ["min_size", "cluster_autoscaler_node_groups", "int"],
        ),
        (
            "group-unknown-key",
            _with(cluster_autoscaler_node_groups=[{"name": "vmss-a", "min_size": 0, "max_size": 2, "gpus": 1}]),
            ["gpus", "cluster_autoscaler_node_groups"],
        ),
        (
            "node-groups-not-a-list",
            _with(cluster_autoscaler_node_groups={"name": "vmss-a"}),
            ["cluster_autoscaler_node_groups", "list"],
        ),
        (
            "wrong-type",
            _with(cluster_autoscaler_azure_use_managed_identity="maybe"),
            ["cluster_autoscaler_azure_use_managed_identity", "bool"],
        ),
        (
            "unknown-choice",
            _with(cluster_autoscaler_state="scaled"),
            ["cluster_autoscaler_state", "present, absent", "scaled"],
        ),
        (
            "max-below-min",
            _with(cluster_autoscaler_node_groups=[{"name": "vmss-a", "min_size": 3, "max_size": 2}]),
            ["cluster_autoscaler_node_groups", "vmss-a", "max_size 2 below min_size 3"],
        ),
        (
            "duplicate-groups",
            _with(cluster_autoscaler_node_groups=[{"name": "vmss-a", "min_size": 0, "max_size": 2}] * 2),
            ["cluster_autoscaler_node_groups", "unique name"],
        ),
        (
            "empty-node-groups",
            _with(cluster_autoscaler_node_groups=[]),
            ["cluster_autoscaler_node_groups", "at least one"],
        ),
        (
            "service-principal-without-secret",
            _with("cluster_autoscaler_azure_client_secret"),
            ["cluster_autoscaler_azure_client_secret", "must not be empty"],
        ),
        (
            "subscription-not-a-guid",
            _with(cluster_autoscaler_azure_subscription_id="my-subscription"),
            ["cluster_autoscaler_azure_subscription_id", "GUID"],
        ),
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(
        bad_input, key, role_vars, expected, secrets=[AUTOSCALER_VARS["cluster_autoscaler_azure_client_secret"]]
    )
