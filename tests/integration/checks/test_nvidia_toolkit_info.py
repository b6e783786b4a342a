"""nvidia_toolkit_info through ansible-playbook on localhost, against config.toml files in a temp folder.

One playbook run covers the seed's file, check mode, a file relying on the toolkit's defaults, a
missing file (a fact, not a failure), invalid TOML and a directory (failures that name the file and
the line), and a bad option value.
"""

import pytest

from tests.integration.playbook import run_playbook
from tests.unit.checks.gpu_world import TOOLKIT_CONFIG

SEED = TOOLKIT_CONFIG
DEFAULTS = SEED.split("\n", 2)[2]  # without the two accept-* lines
INVALID = SEED.replace('log-level = "info"', 'log-level = "info')


def task(name, args, **extra):
    return dict({"name": name, "ai_conformance.rke2.nvidia_toolkit_info": args, "ignore_errors": True}, **extra)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nodes")
    files = {"seed": SEED, "defaults": DEFAULTS, "invalid": INVALID}
    paths = {}
    for name, text in files.items():
        paths[name] = folder / name / "config.toml"
        paths[name].parent.mkdir()
        paths[name].write_text(text)
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            task("seed", {"path": str(paths["seed"])}),
            task("seed in check mode", {"path": str(paths["seed"])}, check_mode=True),
            task("defaults", {"path": str(paths["defaults"])}),
            task("missing", {"path": str(folder / "absent" / "config.toml")}),
            task("invalid", {"path": str(paths["invalid"])}),
            task("directory", {"path": str(folder)}),
            task("bad option", {"path": str(paths["seed"]), "colour": "blue"}),
        ],
    }
    result = run_playbook([play])
    assert "Traceback" not in result.stdout + result.stderr
    return result, paths, folder


def test_reads_the_seed_settings(run):
    result, paths, _folder = run
    facts = result.task("seed")
    assert facts.get("failed") is not True, facts
    assert facts["changed"] is False
    assert facts["exists"] is True
    assert facts["path"] == str(paths["seed"])
    assert facts["accept_nvidia_visible_devices_as_volume_mounts"] is True
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is False
    assert facts["defaults_applied"] == []
    assert facts["runtime_mode"] == "auto"
    assert facts["config"]["nvidia-container-runtime"]["modes"]["cdi"]["spec-dirs"] == ["/etc/cdi", "/var/run/cdi"]
    assert facts["parser"] == "tomllib"


def test_check_mode_returns_the_same(run):
    result, _paths, _folder = run
    checked = result.task("seed in check mode")
    plain = result.task("seed")
    for key in ("exists", "config", "accept_nvidia_visible_devices_envvar_when_unprivileged", "runtime_mode"):
        assert checked[key] == plain[key]
    assert checked["changed"] is False


def test_absent_keys_get_the_toolkit_defaults(run):
    facts = run[0].task("defaults")
    assert facts["accept_nvidia_visible_devices_as_volume_mounts"] is False
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is True
    assert facts["defaults_applied"] == [
        "accept-nvidia-visible-devices-as-volume-mounts",
        "accept-nvidia-visible-devices-envvar-when-unprivileged",
    ]


def test_missing_file_is_reported_not_failed(run):
    result, _paths, folder = run
    facts = result.task("missing")
    assert facts.get("failed") is not True, facts
    assert facts["exists"] is False
    assert facts["msg"] == (
        "%s does not exist: the NVIDIA container toolkit has not written its config on this node"
        % (folder / "absent" / "config.toml")
    )


def test_invalid_toml_fails_naming_file_and_line(run):
    result, paths, _folder = run
    facts = result.task("invalid")
    assert facts["failed"] is True
    line = INVALID.splitlines().index('  log-level = "info') + 1
    assert facts["msg"].startswith("%s is not valid TOML: " % paths["invalid"])
    assert facts["msg"].endswith("(line %d)" % line)
    # ansible-core 2.19 adds "(traceback unavailable)" to every fail_json without one: no traceback here
    assert "Traceback" not in facts.get("exception", "")


def test_directory_fails_clearly(run):
    result, _paths, folder = run
    facts = result.task("directory")
    assert facts["failed"] is True
    assert facts["msg"] == "path: %s is a directory, expected the toolkit's config.toml file" % folder


def test_unknown_option_is_named(run):
    facts = run[0].task("bad option")
    assert facts["failed"] is True
    assert "Unsupported parameters for (ai_conformance.rke2.nvidia_toolkit_info) module: colour" in facts["msg"]
