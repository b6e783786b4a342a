"""Bad input to the gpu_operator role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import bad_input_case

CASES = [
    ("wrong-type", {"gpu_operator_time_slicing_replicas": "many"}, ["gpu_operator_time_slicing_replicas", "int"]),
    (
        "wrong-type-dict",
        {"gpu_operator_dcgm_service_monitor_labels": ["release"]},
        ["gpu_operator_dcgm_service_monitor_labels", "dict"],
    ),
    ("unknown-choice", {"gpu_operator_sharing": "mps"}, ["gpu_operator_sharing", "none, time-slicing, mig", "mps"]),
    (
        "unknown-kernel-modules",
        {"gpu_operator_driver_kernel_module_type": "closed"},
        ["gpu_operator_driver_kernel_module_type", "auto, open, proprietary"],
    ),
    (
        "bad-version",
        {"gpu_operator_chart_version": "25.3.4"},
        ["gpu_operator_chart_version", "vMAJOR.MINOR.PATCH", "25.3.4"],
    ),
]
for _case in CASES:
    bad_input_case("gpu_operator-" + _case[0], "gpu_operator", _case[1])


@pytest.mark.parametrize(("case_id", "role_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name(bad_input, case_id, role_vars, expected):
    message = bad_input["gpu_operator-" + case_id]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
