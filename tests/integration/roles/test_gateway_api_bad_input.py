"""Bad input to the gateway_api role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import bad_input_case

CASES = [
    ("wrong-type", {"gateway_api_experimental_channel": "sometimes"}, ["gateway_api_experimental_channel", "bool"]),
    ("unknown-choice", {"gateway_api_state": "gone"}, ["gateway_api_state", "present, absent", "gone"]),
    (
        "bad-class-name",
        {"gateway_api_gateway_class_name": "Traefik_GW"},
        ["gateway_api_gateway_class_name", "RFC 1123", "Traefik_GW"],
    ),
]
for _case in CASES:
    bad_input_case("gateway_api-" + _case[0], "gateway_api", _case[1])


@pytest.mark.parametrize(("case_id", "role_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name(bad_input, case_id, role_vars, expected):
    message = bad_input["gateway_api-" + case_id]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
