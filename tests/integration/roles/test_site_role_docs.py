"""Each add-on role's argument spec covers every variable, agrees with its defaults, and its README names them all."""

import re

import pytest
import yaml

from tests.integration.roles.conftest import ROLES

ADDON_ROLES = [
    "gateway_api",
    "azure_cloud_provider",
    "cluster_autoscaler",
    "gpu_operator",
    "monitoring",
    "gang_scheduling",
    "ai_operator",
    "inference_demo",
]


def _spec(role):
    return yaml.safe_load((ROLES / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]


def _defaults(role):
    return yaml.safe_load((ROLES / role / "defaults" / "main.yml").read_text()) or {}


def _used_variables(role):
    """Every ``<role>_name`` variable the role's tasks, templates and vars refer to."""
    text = "\n".join(
        path.read_text()
        for sub in ("tasks", "templates", "vars")
        for path in (ROLES / role / sub).glob("*")
        if path.is_file()
    )
    return set(re.findall(r"(?<![_\w])(%s_[a-z0-9_]+)" % role, text))


@pytest.mark.parametrize("role", ADDON_ROLES)
def test_the_spec_and_the_defaults_agree(role):
    specs, defaults = _spec(role), _defaults(role)
    for entry, spec in specs.items():
        options = spec["options"]
        assert set(defaults) <= set(options), "%s/%s: defaults without a spec: %s" % (
            role,
            entry,
            set(defaults) - set(options),
        )
        for name, option in options.items():
            assert name.startswith(role + "_"), name
            assert option.get("description"), name
            if option.get("required"):
                assert name not in defaults, "%s is required but has a default" % name
            else:
                assert "default" in option, "%s: optional without a default in the spec" % name
                assert defaults.get(name) == option["default"], "%s: spec default %r, defaults/main.yml %r" % (
                    name,
                    option["default"],
                    defaults.get(name),
                )


@pytest.mark.parametrize("role", ADDON_ROLES)
def test_every_variable_the_role_uses_is_in_its_spec(role):
    options = set(_spec(role)["main"]["options"])
    assert _used_variables(role) - options == set()


@pytest.mark.parametrize("role", ADDON_ROLES)
def test_the_readme_names_every_variable(role):
    readme = (ROLES / role / "README.md").read_text()
    missing = [name for name in _spec(role)["main"]["options"] if "`%s`" % name not in readme]
    assert missing == []
