"""Role conformance and playbooks/validate.yml against a test world (a real control plane with
simulated nodes, docs/testworld.md): report, idempotence, node facts, secrets."""

import json
import pathlib
import sys

import yaml

from tests.integration.playbook import ROOT, run_playbook

TASK = "ai_conformance.rke2.conformance : "
ROLE_PLAY = [{"hosts": "localhost", "gather_facts": False, "roles": [{"role": "ai_conformance.rke2.conformance"}]}]


def _vars(srv, tmp_path, **extra):
    out = {
        "conformance_kubeconfig": srv.kubeconfig,
        "conformance_output_dir": str(tmp_path / "report"),
        "conformance_fail_on_must_failure": False,
    }
    out.update(extra)
    return out


def test_role_writes_the_report_and_a_second_run_changes_nothing(world, tmp_path):
    srv = world("rke2-gpu")  # a world of its own: nothing else may change the cluster between the runs
    first = run_playbook(ROLE_PLAY, extra_vars=_vars(srv, tmp_path))
    report = first.task(TASK + "Write the report and the CNCF submission files")
    assert report["changed"] is True, first.stdout[-2000:]
    assert (tmp_path / "report" / "report.html").is_file()
    summary = first.task(TASK + "Show the summary")["msg"]
    assert any(line.startswith("ai_inference") and "passed" in line for line in summary)
    assert "Open %s/report.html" % report["path"] in summary

    second = run_playbook(ROLE_PLAY, extra_vars=_vars(srv, tmp_path))
    assert second.stats["localhost"]["changed"] == 0, second.stats
    assert second.stats["localhost"]["failures"] == 0

    check = run_playbook(ROLE_PLAY, extra_vars=_vars(srv, tmp_path), check=True, args=["--diff"])
    assert check.stats["localhost"]["changed"] == 0
    assert check.stats["localhost"]["failures"] == 0


def test_failed_must_fails_the_play_after_the_report_is_written(shared_world, tmp_path):
    srv = shared_world("rke2-gpu")
    run = run_playbook(
        ROLE_PLAY,
        extra_vars=_vars(srv, tmp_path, conformance_fail_on_must_failure=True, conformance_gateway_class="nginx"),
    )
    failed = run.task(TASK + "Fail when a MUST requirement failed")
    assert failed["failed"] is True
    assert "ai_inference" in failed["msg"] and "report.html" in failed["msg"]
    doc = json.loads((tmp_path / "report" / "results.json").read_text())
    assert "ai_inference" in doc["summary"]["must_failed"]


def test_must_declared_na_does_not_fail_the_play(shared_world, tmp_path):
    srv = shared_world("rke2-gpu")
    declarations = {
        rid: {"status": "N/A", "notes": "declared for the test"}
        for rid in (
            "dra_support",
            "ai_inference",
            "gang_scheduling",
            "cluster_autoscaling",
            "pod_autoscaling",
            "accelerator_metrics",
            "ai_service_metrics",
            "secure_accelerator_access",
            "robust_controller",
        )
    }
    run = run_playbook(
        ROLE_PLAY,
        extra_vars=_vars(srv, tmp_path, conformance_fail_on_must_failure=True, conformance_declarations=declarations),
    )
    assert run.stats["localhost"]["failures"] == 0, run.stdout[-3000:]
    report = run.task(TASK + "Write the report and the CNCF submission files")
    assert report["must_failed"] == []
    assert report["self_check"]["by_rule"]["must_implemented"] == 9  # the validator still refuses N/A MUSTs


def test_token_connection_never_leaks(shared_world, tmp_path):
    srv = shared_world("rke2-gpu")
    token = srv.admin_token
    run = run_playbook(
        ROLE_PLAY,
        extra_vars={
            "conformance_host": srv.url,
            "conformance_api_key": token,
            "conformance_ca_cert": srv.ca_file,
            "conformance_output_dir": str(tmp_path / "report"),
            "conformance_fail_on_must_failure": False,
        },
    )
    assert run.task(TASK + "Write the report and the CNCF submission files").get("failed") is not True
    for path in (tmp_path / "report").rglob("*"):
        if path.is_file():
            assert token not in path.read_text(), path
    assert token not in run.stdout and token not in run.stderr


def test_node_facts_from_gpu_hosts(shared_world, tmp_path):
    srv = shared_world("rke2-gpu")
    config = tmp_path / "config.toml"
    config.write_text(
        "accept-nvidia-visible-devices-envvar-when-unprivileged = false\n"
        "accept-nvidia-visible-devices-as-volume-mounts = true\n"
        '[nvidia-container-runtime]\nmode = "auto"\n'
    )
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "rke2_gpu_agents": {
                    "hosts": {"gpu-a": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}
                }
            }
        )
    )
    run = run_playbook(
        ROLE_PLAY,
        extra_vars=_vars(
            srv, tmp_path, conformance_toolkit_config_path=str(config), conformance_node_facts_become=False
        ),
        args=["-i", str(inventory)],
    )
    assert run.task(TASK + "Write the report and the CNCF submission files").get("failed") is not True, run.stdout[
        -3000:
    ]
    doc = json.loads((tmp_path / "report" / "results.json").read_text())
    facts = doc["node_facts"]["gpu-a"]
    assert facts["exists"] is True
    assert facts["accept_nvidia_visible_devices_envvar_when_unprivileged"] is False
    assert "invocation" not in facts
    assert "## Node facts" in (tmp_path / "report" / "report.md").read_text()
    assert "<h2>Node facts</h2>" in (tmp_path / "report" / "report.html").read_text()


def test_validate_playbook_keeps_the_former_variable_names(shared_world, tmp_path):
    srv = shared_world("rke2-gpu")
    run = run_playbook(
        ROOT / "playbooks" / "validate.yml",
        extra_vars={
            "validate_kubeconfig": srv.kubeconfig,
            "validate_requirements": ["ai_inference"],
            "validate_checklist_version": "1.35",
            "conformance_output_dir": str(tmp_path / "report"),
        },
    )
    report = run.task(TASK + "Write the report and the CNCF submission files")
    assert report.get("failed") is not True, report
    assert report["checklist_version"] == "1.35" and report["checklist_version_source"] == "option"
    doc = json.loads((tmp_path / "report" / "results.json").read_text())
    assert [r["id"] for r in doc["results"]] == ["ai_inference"]
    assert pathlib.Path(report["path"]) == tmp_path / "report"
