"""Bad input to the inference_demo role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import assert_refused, bad_input_cases

CASES = bad_input_cases(
    "inference_demo",
    [
        ("wrong-type", {"inference_demo_max_replicas": "lots"}, ["inference_demo_max_replicas", "int"]),
        ("unknown-choice", {"inference_demo_state": "running"}, ["inference_demo_state", "present, absent", "running"]),
        (
            "max-below-min",
            {"inference_demo_min_replicas": 3, "inference_demo_max_replicas": 2},
            ["inference_demo_max_replicas", "inference_demo_min_replicas"],
        ),
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(bad_input, key, role_vars, expected)
