"""Bad input to the ai_operator role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import assert_refused, bad_input_cases

CASES = bad_input_cases(
    "ai_operator",
    [
        ("unknown-choice", {"ai_operator_state": "disabled"}, ["ai_operator_state", "present, absent", "disabled"]),
        # a list is turned into its text by the argument spec (type str); the version check refuses that text
        (
            "list-as-version",
            {"ai_operator_chart_version": ["2.1.0"]},
            ["ai_operator_chart_version", "MAJOR.MINOR.PATCH"],
        ),
        ("unpinned-version", {"ai_operator_chart_version": "latest"}, ["ai_operator_chart_version", "latest"]),
        ("bad-namespace", {"ai_operator_namespace": "Kubeflow"}, ["ai_operator_namespace", "RFC 1123"]),
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(bad_input, key, role_vars, expected)
