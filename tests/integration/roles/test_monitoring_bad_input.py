"""Bad input to the monitoring role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import bad_input_case

CASES = [
    ("wrong-type", {"monitoring_prometheus_adapter": "yes please"}, ["monitoring_prometheus_adapter", "bool"]),
    ("unknown-choice", {"monitoring_state": "paused"}, ["monitoring_state", "present, absent", "paused"]),
    (
        "bad-release-name",
        {"monitoring_release_name": "Prometheus.Stack"},
        ["monitoring_release_name", "RFC 1123", "Prometheus.Stack"],
    ),
    ("unpinned-version", {"monitoring_prometheus_adapter_version": ">=5"}, ["monitoring_prometheus_adapter_version"]),
]
for _case in CASES:
    bad_input_case("monitoring-" + _case[0], "monitoring", _case[1])


@pytest.mark.parametrize(("case_id", "role_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name(bad_input, case_id, role_vars, expected):
    message = bad_input["monitoring-" + case_id]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
