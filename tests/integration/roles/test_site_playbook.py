"""playbooks/site.yml: a tag selects one component end to end, a switch turns one off.

The add-on roles hand their manifests to the rke2 role's manifest entry point through a dynamic
include; the test shows that ``--tags <component>`` still delivers the component's files (the roles
also set ``apply: {tags: [always]}`` on that include so this does not depend on tag inheritance),
and that ``site_<component>: false`` delivers nothing for it.
"""

import json
import pathlib

from tests.integration.playbook import ROOT, run_playbook
from tests.integration.roles.conftest import AUTOSCALER_VARS, AZURE_VARS, write_inventory


def run_site(tmp_path, extra_vars, args=(), **kwargs):
    """site.yml with localhost as the only server: manifests go to ``tmp_path/manifests``, the steps
    that need systemd or an API server are skipped (test-only switch)."""
    base = {
        "rke2_manifests_dir": str(tmp_path / "manifests"),
        "rke2_test_skip_services": True,
        # role argument specs are validated under the tag "always", the rke2 role's too
        "rke2_token": "pytest-site-token-0123456789abcdef",
    }
    return run_playbook(
        ROOT / "playbooks" / "site.yml",
        extra_vars={**base, **extra_vars},
        args=("-i", str(write_inventory(tmp_path)), *args),
        **kwargs,
    )


def test_tags_select_components_and_switches_turn_them_off(tmp_path):
    manifests = tmp_path / "manifests"
    run = run_site(
        tmp_path,
        {"site_gpu_operator": False, "site_validate": False},
        args=("--tags", "gateway_api,gpu_operator,monitoring"),
        env={"ANSIBLE_STDOUT_CALLBACK": "default"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert sorted(p.name for p in manifests.iterdir()) == [
        "gatewayclass-traefik.yaml",
        "kube-prometheus-stack.yaml",
        "nvidia-dcgm-monitor.yaml",
        "prometheus-adapter.yaml",
        "rke2-traefik-config.yaml",
    ]
    assert "rke2_test_skip_services" not in run.stdout  # the rke2 role's own tasks did not run, only its spec


def test_the_validation_play_checks_the_cluster_with_the_add_ons_settings(shared_world, tmp_path):
    """site.yml --tags validate against the seed's cluster in a test world (read only): the conformance
    role runs with the GatewayClass, gang scheduler and AI operator settings taken from the inventory
    of the add-on roles."""
    srv = shared_world("rke2-gpu")
    report = tmp_path / "report"
    run = run_site(
        tmp_path,
        {
            "conformance_kubeconfig": str(srv.kubeconfig),
            "conformance_output_dir": str(report),
            "conformance_fail_on_must_failure": False,
            "gang_scheduling_volcano_namespace": "volcano-system",
        },
        args=("--tags", "validate"),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    facts = run.task("Point the checks at the gang scheduler and the AI operator the add-on roles deployed")
    assert facts["ansible_facts"]["conformance_check_options"] == {
        "gang_scheduling": {
            "scheduler": "volcano",
            "volcano_namespace": "volcano-system",
            "kueue_namespace": "kueue-system",
        },
        "robust_controller": {"operator": "trainer", "trainer_namespace": "kubeflow-system"},
    }
    assert run.task("Default the GatewayClass to the one the gateway_api role ships")["ansible_facts"] == {
        "conformance_gateway_class": "traefik"
    }
    results = json.loads((report / "results.json").read_text())
    assert "ai_inference" in json.dumps(results)


def test_check_mode_changes_nothing(tmp_path):
    """--check --diff over every add-on (the Azure ones included): it runs through and writes nothing."""
    manifests = tmp_path / "manifests"
    azure_json = pathlib.Path("/etc/kubernetes/azure.json")  # the role's path, on this host
    azure_json_before = azure_json.stat().st_mtime if azure_json.exists() else None
    run = run_site(
        tmp_path,
        {
            "site_azure_cloud_provider": True,
            "site_inference_demo": True,
            "site_validate": False,
            **AZURE_VARS,
            **AUTOSCALER_VARS,
        },
        args=("--skip-tags", "rke2", "--diff"),
        check=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.stats["localhost"]["failures"] == 0
    assert run.stats["localhost"]["changed"] > 0  # what a real run would change is reported
    assert not manifests.exists()
    assert (azure_json.stat().st_mtime if azure_json.exists() else None) == azure_json_before
    assert "Write the cloud config (azure.json, mode 0600)" in run.stdout  # the task did run, in check mode


def test_two_dcgm_service_monitors_are_refused(tmp_path):
    run = run_site(tmp_path, {"gpu_operator_dcgm_service_monitor": True}, args=("--tags", "gpu_operator"))
    assert run.returncode != 0
    message = run.task("Refuse a second ServiceMonitor for the DCGM exporter")["msg"]
    assert "gpu_operator_dcgm_service_monitor and monitoring_dcgm_service_monitor" in message
    assert not (tmp_path / "manifests").exists()
