"""playbooks/site.yml: a tag selects one component end to end, a switch turns one off.

The add-on roles hand their manifests to the rke2 role's manifest entry point through a dynamic
include; the test shows that ``--tags <component>`` still delivers the component's files (the roles
also set ``apply: {tags: [always]}`` on that include so this does not depend on tag inheritance),
and that ``site_<component>: false`` delivers nothing for it.
"""

from tests.integration.playbook import ROOT, run_playbook
from tests.integration.roles.conftest import write_inventory


def test_tags_select_components_and_switches_turn_them_off(tmp_path):
    manifests = tmp_path / "manifests"
    run = run_playbook(
        ROOT / "playbooks" / "site.yml",
        extra_vars={
            "rke2_manifests_dir": str(manifests),
            "rke2_test_skip_services": True,
            # role argument specs are validated under the tag "always", the rke2 role's too
            "rke2_token": "pytest-site-token-0123456789abcdef",
            "site_gpu_operator": False,
            "site_validate": False,
        },
        args=("-i", str(write_inventory(tmp_path)), "--tags", "gateway_api,gpu_operator,monitoring"),
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
