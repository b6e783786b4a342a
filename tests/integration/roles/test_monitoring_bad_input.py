"""Bad input to the monitoring role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import assert_refused, bad_input_cases

CASES = bad_input_cases(
    "monitoring",
    [
        ("wrong-type", {"monitoring_prometheus_adapter": "yes please"}, ["monitoring_prometheus_adapter", "bool"]),
        ("unknown-choice", {"monitoring_state": "paused"}, ["monitoring_state", "present, absent", "paused"]),
        (
            "bad-release-name",
            {"monitoring_release_name": "Prometheus.Stack"},
            ["monitoring_release_name", "RFC 1123", "Prometheus.Stack"],
        ),
        (
            "unpinned-version",
            {"monitoring_prometheus_adapter_version": ">=5"},
            ["monitoring_prometheus_adapter_version"],
        ),
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(bad_input, key, role_vars, expected)
