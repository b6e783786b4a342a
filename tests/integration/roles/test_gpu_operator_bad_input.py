"""Bad input to the gpu_operator role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import assert_refused, bad_input_cases

CASES = bad_input_cases(
    "gpu_operator",
    [
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
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(bad_input, key, role_vars, expected)
