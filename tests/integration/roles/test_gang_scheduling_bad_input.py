"""Bad input to the gang_scheduling role fails with a message naming the variable (argument spec and checks)."""

import pytest

from tests.integration.roles.conftest import bad_input_case

CASES = [
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
]
for _case in CASES:
    bad_input_case("gang_scheduling-" + _case[0], "gang_scheduling", _case[1])


@pytest.mark.parametrize(("case_id", "role_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name(bad_input, case_id, role_vars, expected):
    message = bad_input["gang_scheduling-" + case_id]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
