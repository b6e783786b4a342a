"""Bad input to the inference_demo role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import bad_input_case

CASES = [
    ("wrong-type", {"inference_demo_max_replicas": "lots"}, ["inference_demo_max_replicas", "int"]),
    ("unknown-choice", {"inference_demo_state": "running"}, ["inference_demo_state", "present, absent", "running"]),
    (
        "max-below-min",
        {"inference_demo_min_replicas": 3, "inference_demo_max_replicas": 2},
        ["inference_demo_max_replicas", "inference_demo_min_replicas"],
    ),
]
for _case in CASES:
    bad_input_case("inference_demo-" + _case[0], "inference_demo", _case[1])


@pytest.mark.parametrize(("case_id", "role_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name(bad_input, case_id, role_vars, expected):
    message = bad_input["inference_demo-" + case_id]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
