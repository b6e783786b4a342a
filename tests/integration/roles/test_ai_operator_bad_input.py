"""Bad input to the ai_operator role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import bad_input_case

CASES = [
    ("unknown-choice", {"ai_operator_state": "disabled"}, ["ai_operator_state", "present, absent", "disabled"]),
    # a list is turned into its text by the argument spec (type str); the version check refuses that text
    ("list-as-version", {"ai_operator_chart_version": ["2.1.0"]}, ["ai_operator_chart_version", "MAJOR.MINOR.PATCH"]),
    ("unpinned-version", {"ai_operator_chart_version": "latest"}, ["ai_operator_chart_version", "latest"]),
    ("bad-namespace", {"ai_operator_namespace": "Kubeflow"}, ["ai_operator_namespace", "RFC 1123"]),
]
for _case in CASES:
    bad_input_case("ai_operator-" + _case[0], "ai_operator", _case[1])


@pytest.mark.parametrize(("case_id", "role_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name(bad_input, case_id, role_vars, expected):
    message = bad_input["ai_operator-" + case_id]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
