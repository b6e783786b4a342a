"""Bad input to the gang_scheduling role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import assert_refused, bad_input_cases

CASES = bad_input_cases(
    "gang_scheduling",
    [
        (
            "unknown-choice",
            {"gang_scheduling_scheduler": "slurm"},
            ["gang_scheduling_scheduler", "volcano, kueue", "slurm"],
        ),
        # a map is turned into its text by the argument spec (type str); the version check refuses that text
        (
            "map-as-version",
            {"gang_scheduling_volcano_chart_version": {"major": 1}},
            ["gang_scheduling_volcano_chart_version", "MAJOR.MINOR.PATCH"],
        ),
        ("unknown-state", {"gang_scheduling_state": "off"}, ["gang_scheduling_state", "present, absent"]),
    ],
)


@pytest.mark.parametrize(("key", "role_vars", "expected"), CASES)
def test_bad_input_is_refused_by_name(bad_input, key, role_vars, expected):
    assert_refused(bad_input, key, role_vars, expected)
