"""Every role's argument spec, defaults, the variables it uses and its README's variable table agree.

Each check is a function that returns the problems it finds. It runs on every role of the collection
(no problem allowed) and on copies broken in each way it must notice (the problem must be named), so
a pass means the spec, the defaults and the README really say the same.
"""

import copy
import re

import pytest
import yaml

from tests.integration.roles.conftest import ROLES

ROLE_NAMES = sorted(p.name for p in ROLES.iterdir() if (p / "meta" / "argument_specs.yml").is_file())
# Names of the form <role>_* in a role's files that are not its variables.
NOT_VARIABLES = {
    "rke2": {
        "rke2_servers",  # default group names
        "rke2_agents",
        "rke2_gpu_agents",
        "rke2_validate",  # tags in tasks/main.yml
        "rke2_install",
        "rke2_service",
    },
    "conformance": {"conformance_check", "conformance_report"},  # a module; the result the role registers
}
# Roles whose spec leaves some optional defaults to defaults/main.yml (computed from other variables or
# the inventory, or long lists) or unset (the role omits what is not set; the README says "unset").
SPEC_WITHOUT_SOME_DEFAULTS = {"rke2", "conformance"}


def _specs(role):
    return yaml.safe_load((ROLES / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]


def _defaults(role):
    return yaml.safe_load((ROLES / role / "defaults" / "main.yml").read_text()) or {}


def _role_text(role):
    """Tasks, handlers, templates, vars and defaults of ``role``: where it reads its variables."""
    return "\n".join(
        path.read_text()
        for sub in ("tasks", "handlers", "templates", "vars", "defaults")
        for path in sorted((ROLES / role / sub).glob("*"))
        if path.is_file()
    )


def _options(specs):
    """Every option of every entry point, suboptions as ``<option>[].<suboption>``."""
    options = {}
    for spec in specs.values():
        for name, option in spec["options"].items():
            options[name] = option
            for sub, sub_option in (option.get("options") or {}).items():
                options["%s[].%s" % (name, sub)] = sub_option
    return options


def spec_problems(role, specs, defaults):
    """Where the argument spec and defaults/main.yml disagree."""
    problems = []
    declared = {name for spec in specs.values() for name in spec["options"]}
    problems += [
        "%s is in defaults/main.yml but in no argument spec" % name for name in sorted(set(defaults) - declared)
    ]
    for entry, spec in specs.items():
        for name, option in spec["options"].items():
            where = "%s/%s: %s" % (role, entry, name)
            if not name.startswith(role + "_"):
                problems.append("%s: not prefixed with %s_" % (where, role))
            if not option.get("description"):
                problems.append("%s: no description" % where)
            if option.get("required"):
                if name in defaults:
                    problems.append("%s: required, but defaults/main.yml sets it" % where)
            elif "default" in option:
                if name not in defaults or defaults[name] != option["default"]:
                    problems.append(
                        "%s: spec default %r, defaults/main.yml %r" % (where, option["default"], defaults.get(name))
                    )
            elif role not in SPEC_WITHOUT_SOME_DEFAULTS:
                problems.append("%s: optional without a default in the spec" % where)
    return problems


def undeclared_variables(role, text, specs):
    """``<role>_*`` names that ``text`` uses and no argument spec declares."""
    used = set(re.findall(r"(?<![_\w])(%s_[a-z0-9_]+)" % role, text))
    declared = {name for spec in specs.values() for name in spec["options"]}
    return sorted(used - declared - NOT_VARIABLES.get(role, set()))


def _cells(line):
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def readme_rows(readme):
    """``{variable: {column: cell}}`` of the table in the README's "## Variables" section.

    A row may name several variables (``| `a`, `b` | ...``); the columns are the table header's.
    """
    section = readme.partition("\n## Variables\n")[2].partition("\n## ")[0]
    lines = [line.strip() for line in section.splitlines() if line.strip().startswith("|")]
    if len(lines) < 2:
        return {}
    header = _cells(lines[0])
    rows = {}
    for line in lines[2:]:
        cells = _cells(line)
        for name in re.findall(r"`([^`]+)`", cells[0]):
            rows[name] = dict(zip(header[1:], cells[1:]))
    return rows


def _type_text(option):
    text = option.get("type", "str")
    if text == "list":
        text = "list of %s" % option.get("elements", "str")
    if option.get("choices"):
        text += ": " + ", ".join("`%s`" % choice for choice in option["choices"])
    return text


def readme_problems(readme, specs, defaults):
    """Where the README's variable table and the argument spec disagree: rows, types and defaults."""
    options, rows = _options(specs), readme_rows(readme)
    if not rows:
        return ["no variable table under '## Variables'"]
    problems = ["%s: no README row" % name for name in options if name not in rows]
    problems += [
        "%s: README row of a variable no argument spec declares" % name for name in rows if name not in options
    ]
    for name, option in options.items():
        row = rows.get(name)
        if row is None:
            continue
        if "type" in row and row["type"] != _type_text(option):
            problems.append("%s: README type %r, spec %r" % (name, row["type"], _type_text(option)))
        cell = row.get("default", "")
        literal = re.fullmatch(r"`([^`]*)`", cell)
        if option.get("required"):
            if "required" not in cell:
                problems.append("%s: required, README default %r" % (name, cell))
        elif "default" in option and "{{" not in str(option["default"]):
            if not literal or yaml.safe_load(literal.group(1) or "''") != option["default"]:
                problems.append("%s: README default %r, spec %r" % (name, cell, option["default"]))
        elif "[]." not in name and name not in defaults and cell != "unset":
            problems.append("%s: left unset by the role, README default %r" % (name, cell))
    return problems


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_spec_and_the_defaults_agree(role):
    assert spec_problems(role, _specs(role), _defaults(role)) == []


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_variable_the_role_uses_is_in_its_spec(role):
    assert undeclared_variables(role, _role_text(role), _specs(role)) == []


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_readme_table_matches_the_spec(role):
    readme = (ROLES / role / "README.md").read_text()
    assert readme_problems(readme, _specs(role), _defaults(role)) == []


def test_every_role_is_checked():
    assert {p.name for p in ROLES.iterdir() if p.is_dir()} == set(ROLE_NAMES)
    assert {"rke2", "conformance", "gpu_operator", "cluster_autoscaler"} <= set(ROLE_NAMES)


# --- the checks notice what they are for ---------------------------------------------------------


def test_spec_problems_are_named():
    specs, defaults = copy.deepcopy(_specs("cluster_autoscaler")), dict(_defaults("cluster_autoscaler"))
    defaults["cluster_autoscaler_chart_version"] = "9.60.0"  # spec says 9.59.0
    defaults["cluster_autoscaler_replicas"] = 2  # no spec
    defaults["cluster_autoscaler_azure_resource_group"] = "rg"  # required
    del specs["main"]["options"]["cluster_autoscaler_namespace"]["default"]
    specs["main"]["options"]["gpu_count"] = {"type": "int", "default": 1, "description": "x"}
    defaults["gpu_count"] = 1
    assert sorted(spec_problems("cluster_autoscaler", specs, defaults)) == sorted(
        [
            "cluster_autoscaler_replicas is in defaults/main.yml but in no argument spec",
            "cluster_autoscaler/main: cluster_autoscaler_chart_version: spec default '9.59.0', "
            "defaults/main.yml '9.60.0'",
            "cluster_autoscaler/main: cluster_autoscaler_azure_resource_group: required, but defaults/main.yml sets it",
            "cluster_autoscaler/main: cluster_autoscaler_namespace: optional without a default in the spec",
            "cluster_autoscaler/main: gpu_count: not prefixed with cluster_autoscaler_",
        ]
    )


def test_undeclared_variables_are_named():
    text = "{{ gpu_operator_sharing }} {{ gpu_operator_mps_enabled | bool }} {{ __gpu_operator_cdi }}"
    assert undeclared_variables("gpu_operator", text, _specs("gpu_operator")) == ["gpu_operator_mps_enabled"]


def test_readme_problems_are_named():
    specs, defaults = _specs("gpu_operator"), _defaults("gpu_operator")
    readme = (ROLES / "gpu_operator" / "README.md").read_text()
    broken = readme.replace(
        "| `gpu_operator_time_slicing_replicas` | int | `4` |", "| `gpu_operator_time_slicing_replicas` | int | `2` |"
    )
    broken = broken.replace(
        "| `gpu_operator_mig_strategy` | str: `single`, `mixed` |", "| `gpu_operator_mig_strategy` | str |"
    )
    broken = re.sub(r"\| `gpu_operator_namespace` \|.*\n", "", broken)
    broken = broken.replace(
        "| `gpu_operator_state` |", "| `gpu_operator_toolkit_version` | str | `v1` | gone. |\n| `gpu_operator_state` |"
    )
    assert broken != readme
    assert sorted(readme_problems(broken, specs, defaults)) == sorted(
        [
            "gpu_operator_namespace: no README row",
            "gpu_operator_toolkit_version: README row of a variable no argument spec declares",
            "gpu_operator_time_slicing_replicas: README default '`2`', spec 4",
            "gpu_operator_mig_strategy: README type 'str', spec 'str: `single`, `mixed`'",
        ]
    )
    assert readme_problems(readme.replace("## Variables", "## Settings"), specs, defaults) == [
        "no variable table under '## Variables'"
    ]


def test_readme_required_and_unset_cells_are_checked():
    autoscaler = (ROLES / "cluster_autoscaler" / "README.md").read_text()
    broken = autoscaler.replace(
        "| `cluster_autoscaler_azure_subscription_id` | str | **required** |",
        "| `cluster_autoscaler_azure_subscription_id` | str | `''` |",
    )
    assert readme_problems(broken, _specs("cluster_autoscaler"), _defaults("cluster_autoscaler")) == [
        "cluster_autoscaler_azure_subscription_id: required, README default \"`''`\""
    ]
    conformance = (ROLES / "conformance" / "README.md").read_text()
    broken = conformance.replace(
        "| `conformance_gateway_class` | unset |", "| `conformance_gateway_class` | `traefik` |"
    )
    assert readme_problems(broken, _specs("conformance"), _defaults("conformance")) == [
        "conformance_gateway_class: left unset by the role, README default '`traefik`'"
    ]
