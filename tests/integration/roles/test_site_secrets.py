"""Secrets never reach Ansible's output, diffs or a world-readable file.

The roles run with ``-vvv --diff`` and the default output callback, as a user would run them; the
output is searched for every secret, also base64-encoded (tests/integration/roles/leaks.py). The
negative controls show the search finds a secret that does leak, in output, in a diff and in a
world-readable file, so a clean result means something. The Molecule ``site`` scenario repeats
the output and file checks on chroot targets for the whole of site.yml, azure.json included.
"""

import base64
import os
import pathlib
import stat

import pytest

from tests.integration.playbook import run_playbook
from tests.integration.roles import leaks
from tests.integration.roles.conftest import AUTOSCALER_VARS, AZURE_VARS, render, write_inventory

VERBOSE = {"ANSIBLE_STDOUT_CALLBACK": "default", "ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"}
AUTOSCALER_SECRET = AUTOSCALER_VARS["cluster_autoscaler_azure_client_secret"]
AZURE_SECRET = AZURE_VARS["azure_cloud_provider_aad_client_secret"]


def _output(run):
    return run.stdout + run.stderr


def test_cluster_autoscaler_credentials_stay_secret(tmp_path):
    run, manifests = render(
        tmp_path, ["cluster_autoscaler"], extra_vars=AUTOSCALER_VARS, args=("-vvv", "--diff"), env=VERBOSE
    )
    # with the default callback run_playbook cannot parse results: check the run and its recap by text
    assert run.returncode == 0, _output(run)[-3000:]
    assert "failed=0" in run.stdout
    assert "ESTABLISH LOCAL CONNECTION" in _output(run)  # really -vvv
    assert leaks.leaks_in_text(_output(run), [AUTOSCALER_SECRET]) == []
    credentials = manifests / "cluster-autoscaler-azure-credentials.yaml"
    assert AUTOSCALER_SECRET in credentials.read_text()  # the Secret does hold it...
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600  # ...readable by its owner only
    assert AUTOSCALER_SECRET not in (manifests / "cluster-autoscaler.yaml").read_text()
    assert leaks.world_readable_leaks([str(tmp_path)], [AUTOSCALER_SECRET]) == []


def test_azure_config_secret_stays_out_of_output_and_diff(tmp_path):
    """--check --diff -vvv: every task runs and computes its diff, nothing is written on this host."""
    folder = pathlib.Path(tmp_path)
    play = [
        {
            "name": "Azure cloud provider",
            "hosts": "rke2_servers",
            "gather_facts": False,
            "vars": {"rke2_manifests_dir": str(folder / "manifests"), "rke2_test_skip_services": True},
            "tasks": [
                {"name": "Role", "ansible.builtin.include_role": {"name": "ai_conformance.rke2.azure_cloud_provider"}}
            ],
        }
    ]
    run = run_playbook(
        play,
        extra_vars=AZURE_VARS,
        args=("-i", str(write_inventory(folder)), "-vvv", "--diff"),
        check=True,
        env=VERBOSE,
    )
    assert run.returncode == 0, _output(run)[-3000:]
    assert "Write the cloud config (azure.json, mode 0600)" in run.stdout
    assert "manifests/cloud-provider-azure.yaml" in run.stdout  # the manifest was rendered and "written" too
    assert leaks.leaks_in_text(_output(run), [AZURE_SECRET]) == []
    assert not (folder / "manifests").exists()


def test_the_search_finds_a_secret_in_output_and_in_a_diff(tmp_path):
    """Negative control: the same kind of run, with a task that does not hide the secret."""
    target = tmp_path / "leaky.json"
    play = [
        {
            "name": "Leak on purpose",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Write without no_log",
                    "ansible.builtin.copy": {
                        "content": '{"aadClientSecret": "%s"}\n' % AZURE_SECRET,
                        "dest": str(target),
                        "mode": "0600",
                    },
                },
            ],
        }
    ]
    run = run_playbook(play, args=("-vvv", "--diff"), env=VERBOSE)
    assert run.returncode == 0, _output(run)[-3000:]
    assert leaks.leaks_in_text(_output(run), [AZURE_SECRET]) == [0]
    # the diff alone (no -vvv) leaks it too
    target.unlink()
    run = run_playbook(play, args=("--diff",), env=VERBOSE)
    assert "+++ after" in run.stdout
    assert leaks.leaks_in_text(run.stdout, [AZURE_SECRET]) == [0]


def test_the_search_finds_world_readable_files_and_base64(tmp_path):
    secret = "a-secret-value-1234"
    (tmp_path / "private").write_text("x %s\n" % secret)
    os.chmod(tmp_path / "private", 0o600)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "public").write_text("data: %s\n" % base64.b64encode(secret.encode()).decode())
    os.chmod(tmp_path / "sub" / "public", 0o644)
    (tmp_path / "link").symlink_to(tmp_path / "private")
    assert leaks.world_readable_leaks([str(tmp_path)], [secret]) == [(str(tmp_path / "sub" / "public"), 0)]
    assert leaks.leaks_in_text("token=%s" % base64.b64encode(secret.encode()).decode(), ["other-secret-0", secret]) == [
        1
    ]
    with pytest.raises(ValueError, match="shorter than 8"):
        leaks.secret_forms(["short"])


def test_the_command_line_reports_leaks_without_the_value(tmp_path, capsys):
    secrets = tmp_path / "secrets"
    secrets.write_text("a-secret-value-1234\n")
    log = tmp_path / "log"
    log.write_text("clean\n")
    assert leaks.main(["--secrets", str(secrets), "--root", str(tmp_path / "none")]) == 2
    assert "no such file or folder: %s" % (tmp_path / "none") in capsys.readouterr().out
    (tmp_path / "root").mkdir()
    assert leaks.main(["--secrets", str(secrets), "--text", str(log), "--root", str(tmp_path / "root")]) == 0
    log.write_text("oops a-secret-value-1234\n")
    assert leaks.main(["--secrets", str(secrets), "--text", str(log), "--root", str(tmp_path / "root")]) == 1
    out = capsys.readouterr().out
    assert "LEAK %s holds secret #0" % log in out
    assert out.count("a-secret-value-1234") == 0
