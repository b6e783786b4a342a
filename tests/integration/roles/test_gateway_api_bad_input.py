"""Bad input to the gateway_api role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import assert_refused, bad_input_cases

CASES = bad_input_cases(
    "gateway_api",
    [
        ("wrong-type", {"gateway_api_experimental_channel": "sometimes"}, ["gateway_api_experimental_channel", "bool"]),
        ("unknown-choice", {"gateway_api_state": "gone"}, ["gateway_api_state", "present, absent", "gone"]),
        (
            "bad-class-name",
            {"gateway_api_gateway_class_name": "Traefik_GW"},
            ["gateway_api_gateway_class_name", "RFC 1123", "Traefik_GW"],
        ),
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(bad_input, key, role_vars, expected)
