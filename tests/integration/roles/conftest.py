"""Fixtures of the add-on role tests: render the roles on localhost, as RKE2 servers see them.

The roles run through ``ansible-playbook`` on ``localhost`` (local connection) as the only member
of ``rke2_servers``, so the rke2 role's manifest entry point writes the manifests into a temporary
``rke2_manifests_dir`` (its removal path, which needs an API server, is behind the test-only switch
``rke2_test_skip_services``). The Azure role writes ``/etc/kubernetes/azure.json``, which a test must
not do on this host: its HelmChart is rendered from the role's own template instead, and the whole
role runs in the Molecule ``site`` scenario on chroots.
"""

import pathlib
import sys

import pytest
import yaml

from tests.integration.playbook import ROOT, run_playbook

ROLES = ROOT / "roles"

# Inventory values every rendering run needs (the required ones have no default).
AUTOSCALER_VARS = {
    "cluster_autoscaler_node_groups": [
        {"name": "vmss-cpu", "min_size": 1, "max_size": 3},
        {"name": "vmss-gpu", "min_size": 0, "max_size": 2, "gpu": True},
    ],
    "cluster_autoscaler_azure_subscription_id": "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
    "cluster_autoscaler_azure_resource_group": "rg-ai",
    "cluster_autoscaler_azure_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "cluster_autoscaler_azure_client_id": "5c1a2f3e-9b8d-4c7a-8e6f-1d2c3b4a5f60",
    "cluster_autoscaler_azure_client_secret": "pytest-autoscaler-secret-9Hq2",
}
AZURE_VARS = {
    "azure_cloud_provider_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "azure_cloud_provider_subscription_id": "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
    "azure_cloud_provider_resource_group": "rg-ai",
    "azure_cloud_provider_location": "westeurope",
    "azure_cloud_provider_vnet_name": "vnet-ai",
    "azure_cloud_provider_subnet_name": "snet-nodes",
    "azure_cloud_provider_security_group_name": "nsg-nodes",
    "azure_cloud_provider_aad_client_id": "5c1a2f3e-9b8d-4c7a-8e6f-1d2c3b4a5f60",
    "azure_cloud_provider_aad_client_secret": "pytest-azure-secret-4Lm7",
}
# Every role but azure_cloud_provider, in site.yml's order.
RENDERED_ROLES = (
    "gateway_api",
    "monitoring",
    "gpu_operator",
    "gang_scheduling",
    "ai_operator",
    "cluster_autoscaler",
    "inference_demo",
)


def write_inventory(folder):
    path = pathlib.Path(folder) / "inventory.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "rke2_servers": {
                    "hosts": {
                        "localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
                    }
                }
            }
        )
    )
    return path


def render(folder, roles, extra_vars=None, args=(), check=False, env=None):
    """Run ``roles`` (names or ``(name, vars)``) on localhost; manifests land in ``folder/manifests``.

    Returns ``(PlaybookRun, manifests folder)``.
    """
    folder = pathlib.Path(folder)
    manifests = folder / "manifests"
    tasks = []
    for role in roles:
        name, role_vars = role if isinstance(role, tuple) else (role, {})
        task = {"name": "Role %s" % name, "ansible.builtin.include_role": {"name": "ai_conformance.rke2.%s" % name}}
        if role_vars:
            task["vars"] = role_vars
        tasks.append(task)
    play = [
        {
            "name": "Render add-on roles",
            "hosts": "rke2_servers",
            "gather_facts": False,
            "vars": {"rke2_manifests_dir": str(manifests), "rke2_test_skip_services": True},
            "tasks": tasks,
        }
    ]
    run = run_playbook(
        play, extra_vars=extra_vars, args=("-i", str(write_inventory(folder)), *args), check=check, env=env
    )
    return run, manifests


def render_templates(folder, cases):
    """Render role templates the way the roles do, with their defaults and vars, in one ansible-playbook run.

    ``cases``: ``[(file name, role, template, vars)]``; returns ``{file name: [objects]}``. For the
    template logic of variants (versions, options); the delivery itself is tested through the roles.
    A template given as ``{{ ... }}`` is an expression over the role's variables instead of a file.
    """
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    roles = sorted({case[1] for case in cases})
    vars_files = [
        str(path)
        for role in roles
        for path in (ROLES / role / "defaults" / "main.yml", ROLES / role / "vars" / "main.yml")
        if path.is_file()
    ]
    tasks = [
        {
            "name": "Render %s" % name,
            "ansible.builtin.copy": {
                "content": template
                if template.startswith("{{")
                else "{{ lookup('ansible.builtin.template', '%s') }}" % (ROLES / role / "templates" / template),
                "dest": str(folder / name),
                "mode": "0600",
            },
            "vars": role_vars,
        }
        for name, role, template, role_vars in cases
    ]
    play = [
        {
            "name": "Render templates",
            "hosts": "localhost",
            "gather_facts": False,
            "vars_files": vars_files,
            "tasks": tasks,
        }
    ]
    run = run_playbook(play)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {case[0]: load(folder / case[0]) for case in cases}


def render_azure_helmchart(folder, extra_vars=None):
    """The cloud-provider-azure HelmChart rendered from the role's template, with the role's defaults."""
    folder = pathlib.Path(folder) / "manifests"
    render_templates(
        folder,
        [
            (
                "cloud-provider-azure.yaml",
                "azure_cloud_provider",
                "cloud-provider-azure.yaml.j2",
                {**AZURE_VARS, **(extra_vars or {})},
            )
        ],
    )
    return folder / "cloud-provider-azure.yaml"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Every role's manifests with the defaults (site.yml's set, inference demo included): a folder."""
    folder = tmp_path_factory.mktemp("rendered")
    run, manifests = render(folder, RENDERED_ROLES, extra_vars=AUTOSCALER_VARS)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    render_azure_helmchart(folder)
    return manifests


def load(path):
    """The objects of a manifest file."""
    return [doc for doc in yaml.safe_load_all(pathlib.Path(path).read_text()) if doc]


# --- bad input: every case of every role in one --check run ------------------------------------
# A registered case is (key, role, vars, entry point). Safe by construction: --check writes nothing,
# and the Azure cases point azure.json outside /etc/kubernetes, which the role refuses before writing.
BAD_INPUT_CASES = []


def bad_input_cases(role, cases, entries=("main",)):
    """Register ``cases`` (``[(case id, role vars, texts the failure message must hold)]``) of ``role``
    for the ``bad_input`` run, once per entry point in ``entries``.

    Returns the ``pytest.param(key, role vars, texts)`` list to parametrize a test calling ``assert_refused``.
    """
    params = []
    for case_id, role_vars, expected in cases:
        for entry in entries:
            name = "%s-%s" % (entry, case_id) if len(entries) > 1 else case_id
            key = "%s-%s" % (role, name)
            BAD_INPUT_CASES.append((key, role, role_vars, entry))
            params.append(pytest.param(key, role_vars, expected, id=name))
    return params


def assert_refused(bad_input, key, role_vars, expected, secrets=()):
    """The case ``key`` failed with a message holding every text of ``expected`` and none of ``secrets``."""
    message = bad_input[key]
    assert message is not None, "the role accepted %r" % role_vars
    for text in expected:
        assert text in message, message
    for secret in secrets:
        assert secret not in message, "a secret is in the failure message of %s" % key


@pytest.fixture(scope="session")
def bad_input(tmp_path_factory):
    """``{case key: failure message}`` of every case of ``bad_input_cases``, or ``None`` where the role did not fail."""
    folder = tmp_path_factory.mktemp("bad-input")
    tasks = []
    for case_id, role, role_vars, tasks_from in BAD_INPUT_CASES:
        tasks.append(
            {
                "name": "Case %s" % case_id,
                "block": [
                    {
                        "name": "Run %s with bad input" % role,
                        "ansible.builtin.include_role": {
                            "name": "ai_conformance.rke2.%s" % role,
                            "tasks_from": tasks_from,
                        },
                        "vars": role_vars,
                    },
                    {
                        "name": "Record that %s accepted it" % case_id,
                        "ansible.builtin.set_fact": {"outcomes": "{{ outcomes | combine({%r: None}) }}" % case_id},
                    },
                ],
                "rescue": [
                    {
                        "name": "Record the failure of %s" % case_id,
                        "ansible.builtin.set_fact": {
                            "outcomes": "{{ outcomes | combine({%r: ansible_failed_result.msg}) }}" % case_id
                        },
                    }
                ],
            }
        )
    tasks.append({"name": "Outcomes", "ansible.builtin.debug": {"var": "outcomes"}})
    play = [
        {
            "name": "Bad input",
            "hosts": "rke2_servers",
            "gather_facts": False,
            "vars": {
                "outcomes": {},
                "rke2_manifests_dir": str(folder / "manifests"),
                "rke2_test_skip_services": True,
                "azure_cloud_provider_config_path": str(folder / "azure.json"),
            },
            "tasks": tasks,
        }
    ]
    run = run_playbook(play, args=("-i", str(write_inventory(folder))), check=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert not (folder / "manifests").exists()
    return run.task("Outcomes", host="localhost")["outcomes"]
