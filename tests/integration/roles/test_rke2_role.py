"""The rke2 role without touching a node.

Every inventory host below is a chroot "connection" whose chroot command is /bin/false, on an
empty folder: tasks that run on the controller (argument specs, assertions, facts, the API steps
delegated to localhost) work, and a task that would act on a node fails instead of acting
anywhere. Tested here: argument specs and validation (with the variable's name in the message),
the config.yaml layers, manifest rendering, and the API steps (manifest delivery and removal,
readiness waits) against a test world (a real kube-apiserver with simulated nodes,
docs/testworld.md). The Molecule ``default`` scenario covers the same role on real chroots;
``extensions/molecule/kind`` is syntax-checked here.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
COLLECTIONS = ROOT / ".build" / "collections"
BIN = pathlib.Path(sys.executable).parent
# an empty folder with an executable (empty) bin/sh, which is all the chroot plugin checks
NOWHERE = pathlib.Path(tempfile.gettempdir()) / "rke2-role-test-fake-chroot"


@pytest.fixture(scope="module", autouse=True)
def fake_chroot():
    """Create NOWHERE (the same content for every worker, so concurrent creation is harmless)."""
    shell = NOWHERE / "bin" / "sh"
    shell.parent.mkdir(parents=True, exist_ok=True)
    shell.touch()
    shell.chmod(0o755)
    return NOWHERE


TOKEN = "integration-test-token-0123456789"
ROLE = "ai_conformance.rke2.rke2"


def _host(name, **host_vars):
    base = {
        "ansible_connection": "community.general.chroot",
        "ansible_host": str(NOWHERE),
        # every command meant for the node runs /bin/false instead of chroot: nothing happens
        "ansible_chroot_exe": "/bin/false",
        "ansible_python_interpreter": "/usr/bin/python3",
    }
    base.update(host_vars)
    return base


def run_playbook(tmp_path, inventory, plays, args=(), callback_json=False):
    """Run ``plays`` against ``inventory``; return (returncode, stdout, stderr, results file content)."""
    inv = tmp_path / "inventory.yml"
    inv.write_text(yaml.safe_dump(inventory, sort_keys=False))
    book = tmp_path / "play.yml"
    book.write_text(yaml.safe_dump(plays, sort_keys=False))
    results = tmp_path / "results.json"
    env = dict(os.environ)
    for key in [k for k in env if k.startswith(("K8S_AUTH_", "ANSIBLE_")) or k == "KUBECONFIG"]:
        del env[key]
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_ROLES_PATH": "",
        }
    )
    if callback_json:
        env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    cmd = [str(BIN / "ansible-playbook"), "-i", str(inv), str(book), "-e", "rke2_test_results=%s" % results]
    proc = subprocess.run(
        cmd + list(args), capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path, check=False
    )
    data = json.loads(results.read_text()) if results.exists() else None
    return proc.returncode, proc.stdout, proc.stderr, data


# Localhost writes what every host recorded in rke2_test_outcome to the results file.
COLLECT = {
    "name": "Collect the outcomes",
    "hosts": "localhost",
    "connection": "local",
    "gather_facts": False,
    "tasks": [
        {
            "name": "Write the results",
            "ansible.builtin.copy": {
                "dest": "{{ rke2_test_results }}",
                "mode": "0600",
                "content": (
                    "{{ dict(groups['all'] | map('extract', hostvars) | selectattr('rke2_test_outcome', 'defined')"
                    " | map(attribute='inventory_hostname') | zip(groups['all'] | map('extract', hostvars)"
                    " | selectattr('rke2_test_outcome', 'defined') | map(attribute='rke2_test_outcome'))) | to_json }}"
                ),
            },
        }
    ],
}


def _record_failure(include):
    """A block that includes the role and records ACCEPTED or the failure message."""
    return {
        "name": "Apply and record",
        "block": [include, {"name": "Accepted", "ansible.builtin.set_fact": {"rke2_test_outcome": "ACCEPTED"}}],
        "rescue": [
            {
                "name": "Record the message",
                "ansible.builtin.set_fact": {"rke2_test_outcome": "{{ ansible_failed_result.msg }}"},
            }
        ],
    }


# --- rke2_rejections -------------------------------------------------------------------------------
# host -> (group, host vars, entry point, substrings the failure message must contain)
REJECT_CASES = {
    "choice": ("rke2_servers", {"rke2_install_method": "floppy"}, "main", ["rke2_install_method", "floppy"]),
    "int": ("rke2_servers", {"rke2_node_ready_timeout": "soon"}, "main", ["rke2_node_ready_timeout"]),
    "dict": ("rke2_servers", {"rke2_config": "cni: canal"}, "main", ["rke2_config", "dict"]),
    "list": ("rke2_agents", {"rke2_gpu_node_taints": {"a": "b"}}, "main", ["rke2_gpu_node_taints"]),
    "no-token": ("rke2_servers", {"rke2_token": None}, "main", ["rke2_token"]),
    "short-token": ("rke2_servers", {"rke2_token": "short"}, "main", ["rke2_token", "16 characters"]),
    "space-token": ("rke2_servers", {"rke2_token": "a token with spaces 0123"}, "main", ["rke2_token", "whitespace"]),
    "version": ("rke2_servers", {"rke2_version": "1.34.6"}, "main", ["rke2_version", "v1.34.6+rke2r3", "'1.34.6'"]),
    "both-groups": ("both", {}, "main", ["exactly one of the groups", "both"]),
    "bootstrap": ("rke2_servers", {"rke2_bootstrap_server": "nohost"}, "main", ["rke2_bootstrap_server", "nohost"]),
    "airgap-relative": (
        "rke2_servers",
        {"rke2_install_method": "airgap", "rke2_airgap_artifact_dir": "artifacts"},
        "main",
        ["rke2_airgap_artifact_dir", "absolute path"],
    ),
    # air-gap artifact folders built by the Molecule fixture builder under @ARTIFACTS@ (see the fixture)
    "airgap-mismatch": (
        "rke2_servers",
        {"rke2_install_method": "airgap", "rke2_airgap_artifact_dir": "@ARTIFACTS@/corrupt"},
        "main",
        ["rke2_airgap_artifact_dir", "@ARTIFACTS@/corrupt", "sha256 mismatch for rke2.linux-amd64.tar.gz"],
    ),
    "airgap-missing-image": (
        "rke2_servers",
        {"rke2_install_method": "airgap", "rke2_airgap_artifact_dir": "@ARTIFACTS@/no-image"},
        "main",
        ["rke2_airgap_artifact_dir", "rke2-images.linux-amd64.tar.zst is missing"],
    ),
    "airgap-unlisted": (
        "rke2_servers",
        {
            "rke2_install_method": "airgap",
            "rke2_airgap_artifact_dir": "@ARTIFACTS@/good",
            "rke2_airgap_images": ["rke2-images.linux-amd64.tar.zst", "README.txt"],
        },
        "main",
        ["README.txt has no line in sha256sum-amd64.txt"],
    ),
    "airgap-no-sums": (
        "rke2_servers",
        {"rke2_install_method": "airgap", "rke2_airgap_artifact_dir": "@ARTIFACTS@/no-sums"},
        "main",
        ["sha256sum-amd64.txt is missing from rke2_airgap_artifact_dir"],
    ),
    "script-env": (
        "rke2_servers",
        {"rke2_install_script_env": {"INSTALL_RKE2_VERSION": "v1.2.3+rke2r1", "FOO": "1"}},
        "main",
        ["rke2_install_script_env", "INSTALL_RKE2_VERSION", "FOO"],
    ),
    "managed-server": (
        "rke2_servers",
        {"rke2_config": {"server": "https://x:9345"}},
        "main",
        ["rke2_config sets server"],
    ),
    "agent-append-form": (
        "rke2_agents",
        {"rke2_host_config": {"tls-san+": ["x.example.com"]}},
        "main",
        ["rke2_host_config sets keys that only RKE2 servers use", "tls-san"],
    ),
    "agent-disable": (
        "rke2_agents",
        {"rke2_config": {"disable": ["rke2-ingress-nginx"], "kube-apiserver-arg": ["a=b"]}},
        "main",
        ["rke2_config", "disable", "kube-apiserver-arg"],
    ),
    "agent-group": (
        "rke2_agents",
        {"rke2_group_config": {"cni": "cilium"}},
        "main",
        ["rke2_group_config", "cni"],
    ),
    "manifest-name": (
        "rke2_servers",
        {"rke2_manifest_name": "Bad.Name", "rke2_manifest_content": {"apiVersion": "v1", "kind": "ConfigMap"}},
        "manifest",
        ["rke2_manifest_name", "Bad.Name", "RFC 1123"],
    ),
    "manifest-state": (
        "rke2_servers",
        {"rke2_manifest_name": "x", "rke2_manifest_state": "gone"},
        "manifest",
        ["rke2_manifest_state", "gone"],
    ),
    "manifest-no-name": ("rke2_servers", {}, "manifest", ["rke2_manifest_name"]),
    "manifest-not-yaml": (
        "rke2_servers",
        {"rke2_manifest_name": "not-yaml", "rke2_manifest_content": "a: [unclosed"},
        "manifest",
        ["rke2_manifest_content", "not-yaml", "not valid YAML"],
    ),
    "manifest-not-objects": (
        "rke2_servers",
        {"rke2_manifest_name": "not-objects", "rke2_manifest_content": [{"kind": "ConfigMap"}, "text"]},
        "manifest",
        ["rke2_manifest_content", "2 document(s), 2 of", "apiVersion, kind and metadata.name"],
    ),
    "manifest-api-absent": (
        "rke2_servers",
        {"rke2_manifest_name": "gone", "rke2_manifest_state": "absent", "rke2_manifest_delivery": "api"},
        "manifest",
        ["rke2_manifest_delivery is api", "rke2_manifest_content"],
    ),
}
# a valid server passes validation and then fails at the first task that needs the node: the
# proof that the harness can tell an accepted input from a refused one
ACCEPTED_CONTROL = "valid-server"
CONSISTENT_PAIR = ("cs-a", "cs-b")


def _reject_inventory():
    servers, agents = {}, {}
    for name, (group, host_vars, _entry, _expect) in REJECT_CASES.items():
        own = {"rke2_token": TOKEN, "rke2_bootstrap_server": name if group != "rke2_agents" else ACCEPTED_CONTROL}
        own.update(host_vars)
        if own["rke2_token"] is None:  # the "required" case: not set at all
            del own["rke2_token"]
        if group in ("rke2_servers", "both"):
            servers[name] = _host(name, **own)
        if group == "rke2_agents":
            agents[name] = _host(name, **own)
        elif group == "both":
            agents[name] = {}
    servers[ACCEPTED_CONTROL] = _host(ACCEPTED_CONTROL, rke2_token=TOKEN, rke2_bootstrap_server=ACCEPTED_CONTROL)
    # two servers whose cluster-cidr differs
    for name, cidr in zip(CONSISTENT_PAIR, ("10.42.0.0/16", "10.99.0.0/16")):
        servers[name] = _host(
            name, rke2_token=TOKEN, rke2_bootstrap_server="cs-a", rke2_host_config={"cluster-cidr": cidr}
        )
    return {
        "all": {
            "vars": {"rke2_test_skip_services": True},
            "children": {"rke2_servers": {"hosts": servers}, "rke2_agents": {"hosts": agents}},
        }
    }


BUILDER = ROOT / "extensions" / "molecule" / "default" / "fixture" / "build_artifacts.py"


def _build_artifacts(base):
    """Fixture artifact folders: good, corrupt (wrong tarball checksum), no-image, no-sums."""
    for folder, extra in (("good", []), ("corrupt", ["--corrupt"]), ("no-image", []), ("no-sums", [])):
        cmd = [sys.executable, str(BUILDER), "--out", str(base / folder), "--version", "v1.34.6+rke2r3", *extra]
        subprocess.run(cmd, check=True, capture_output=True)
    (base / "no-image" / "rke2-images.linux-amd64.tar.zst").unlink()
    (base / "no-sums" / "sha256sum-amd64.txt").unlink()


def _replace(value, old, new):
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def rke2_rejections(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rke2-reject")
    artifacts = tmp / "artifacts"
    _build_artifacts(artifacts)
    inventory = _replace(_reject_inventory(), "@ARTIFACTS@", str(artifacts))
    main_hosts = [n for n, c in REJECT_CASES.items() if c[2] == "main"] + [ACCEPTED_CONTROL]
    manifest_hosts = [n for n, c in REJECT_CASES.items() if c[2] == "manifest"]
    plays = [
        {
            "name": "Main entry point",
            "hosts": ":".join(main_hosts),
            "gather_facts": False,
            "tasks": [
                _record_failure(
                    {
                        "name": "Apply the role",
                        "ansible.builtin.include_role": {"name": ROLE, "apply": {"check_mode": True}},
                    }
                )
            ],
        },
        {
            "name": "Manifest entry point",
            "hosts": ":".join(manifest_hosts),
            "gather_facts": False,
            "tasks": [
                _record_failure(
                    {
                        "name": "Apply the manifest entry point",
                        "ansible.builtin.include_role": {
                            "name": ROLE,
                            "tasks_from": "manifest",
                            "apply": {"check_mode": True},
                        },
                    }
                )
            ],
        },
        {
            "name": "Servers that disagree on a key RKE2 needs identical",
            "hosts": ":".join(CONSISTENT_PAIR),
            "gather_facts": False,
            "tasks": [
                _record_failure(
                    {
                        "name": "Work out the node facts",
                        "ansible.builtin.include_role": {"name": ROLE, "tasks_from": "facts"},
                    }
                )
            ],
        },
        COLLECT,
    ]
    rc, out, err, data = run_playbook(tmp, inventory, plays)
    assert data is not None, "no results (rc=%s)\n%s\n%s" % (rc, out[-4000:], err[-4000:])
    data["__stdout__"] = out
    data["__artifacts__"] = str(artifacts)
    return data


@pytest.mark.parametrize("case", sorted(REJECT_CASES))
def test_bad_input_is_refused_naming_the_variable(rke2_rejections, case):
    message = rke2_rejections[case]
    assert message != "ACCEPTED", "%s was accepted" % case
    expected = [text.replace("@ARTIFACTS@", rke2_rejections["__artifacts__"]) for text in REJECT_CASES[case][3]]
    missing = [text for text in expected if text not in message]
    assert not missing, "%s: %s missing from: %s" % (case, missing, message)


def test_token_never_appears_in_refusals(rke2_rejections):
    assert not [case for case, msg in rke2_rejections.items() if TOKEN in msg or "a token with spaces" in msg]


def test_valid_input_passes_validation_and_stops_at_the_node(rke2_rejections):
    # every check passes (validate.yml, facts.yml come first), then the first task that needs the
    # node cannot reach it (/bin/false)
    assert ACCEPTED_CONTROL not in rke2_rejections
    out = rke2_rejections["__stdout__"]
    unreachable = out.index("fatal: [%s]: UNREACHABLE!" % ACCEPTED_CONTROL)
    last_task = out.rindex("TASK [", 0, unreachable)
    assert out[last_task:].startswith("TASK [ai_conformance.rke2.rke2 : Create the RKE2 data and staging folders]"), (
        out[last_task : unreachable + 300]
    )


def test_servers_with_different_consistent_keys_are_refused(rke2_rejections):
    message = rke2_rejections["cs-a"]
    assert "cluster-cidr" in message and "10.99.0.0/16" in message and "same on every server" in message, message


# --- config.yaml layers -----------------------------------------------------------------------
def _render_inventory():
    common = {"rke2_bootstrap_server": "srv-a", "rke2_api_host": "203.0.113.5"}
    servers = {
        "srv-a": _host("srv-a", **common),
        "srv-b": _host("srv-b", **common, rke2_host_config={"node-label": ["zone=b"]}),
        "srv-azure": _host(
            "srv-azure",
            **common,
            rke2_cloud_provider="azure",
            rke2_ingress_controller="",
            rke2_data_dir="/data/rke2",
        ),
        "srv-v6": _host("srv-v6", rke2_bootstrap_server="srv-a", rke2_api_host="fd00::10"),
        "srv-secret": _host("srv-secret", **common, rke2_server_config={"etcd-s3-secret-key": "s3cr3t"}),
    }
    agents = {
        "agt-layers": _host(
            "agt-layers",
            **common,
            rke2_config={"kubelet-arg": ["--a=1"], "selinux": False, "node-label": ["l=1"]},
            rke2_agent_config={"selinux": True, "kubelet-arg": ["--b=2"]},
            rke2_group_config={"kubelet-arg": ["--a=1", "--c=3"], "node-label": ["l=2"]},
            rke2_host_config={"node-name": "Agent-Layers"},
        ),
        "agt-gpu": _host(
            "agt-gpu",
            **common,
            rke2_cloud_provider="azure",
            rke2_gpu_node_labels={"kubernetes.azure.com/accelerator": "nvidia", "example.com/gpu": "a100"},
            rke2_gpu_node_taints=["nvidia.com/gpu=present:NoSchedule"],
        ),
    }
    return {
        "all": {
            # rke2_server_consistent_keys: [] because these servers are unrelated test cases
            "vars": {"rke2_test_skip_services": True, "rke2_token": TOKEN, "rke2_server_consistent_keys": []},
            "children": {
                "rke2_servers": {"hosts": servers},
                "rke2_agents": {"hosts": agents, "children": {"rke2_gpu_agents": {"hosts": {"agt-gpu": {}}}}},
            },
        }
    }


MANIFEST_VARIANTS = {
    "list": [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "default"},
            "data": {"k": "v"},
        },
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}},
    ],
    "mapping": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}},
    "text": "# keep me\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: d\n\n\n",
}


@pytest.fixture(scope="module")
def rke2_rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rke2-render")
    record = {
        "config": "{{ __rke2_effective_config }}",
        "has_secrets": "{{ __rke2_config_has_secrets }}",
        "manifests_dir": "{{ rke2_manifests_dir }}",
        "images_dir": "{{ rke2_images_dir }}",
        "node_name": "{{ __rke2_node.node_name }}",
    }
    manifest_tasks = []
    for variant, content in MANIFEST_VARIANTS.items():
        manifest_tasks.append(
            {
                "name": "Render the %s manifest" % variant,
                "ansible.builtin.set_fact": {"rke2_test_manifest_%s" % variant: "{{ __rke2_manifest_text }}"},
                "vars": {
                    "rke2_manifest_name": "m-%s" % variant,
                    "rke2_manifest_content": content,
                    "__rke2_manifest_docs": "{{ __rke2_manifest_given }}",
                },
                "when": "inventory_hostname == 'srv-a'",
            }
        )
    plays = [
        {
            "name": "Render",
            "hosts": "all",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Load the role's validation and facts (controller only)",
                    "ansible.builtin.include_role": {"name": ROLE, "tasks_from": "facts", "public": True},
                },
                *manifest_tasks,
                {"name": "Record", "ansible.builtin.set_fact": {"rke2_test_outcome": record}},
                {
                    "name": "Record the manifests",
                    "ansible.builtin.set_fact": {
                        "rke2_test_outcome": "{{ rke2_test_outcome | combine({'manifests': {"
                        + ", ".join("'%s': rke2_test_manifest_%s" % (v, v) for v in MANIFEST_VARIANTS)
                        + "}}) }}"
                    },
                    "when": "inventory_hostname == 'srv-a'",
                },
            ],
        },
        COLLECT,
    ]
    rc, out, err, data = run_playbook(tmp, _render_inventory(), plays)
    assert rc == 0 and data, "rc=%s\n%s\n%s" % (rc, out[-4000:], err[-4000:])
    return data


def test_bootstrap_server_defaults(rke2_rendered):
    config = rke2_rendered["srv-a"]["config"]
    assert config == {
        "ingress-controller": "traefik",
        "tls-san": ["203.0.113.5"],
        "token-file": "/etc/rancher/rke2/cluster-token",
    }
    assert rke2_rendered["srv-a"]["has_secrets"] is False


def test_joining_server_gets_server_and_host_layer(rke2_rendered):
    config = rke2_rendered["srv-b"]["config"]
    assert config["server"] == "https://203.0.113.5:9345"
    assert config["node-label"] == ["zone=b"]


def test_azure_server_data_dir_and_no_ingress_key(rke2_rendered):
    result = rke2_rendered["srv-azure"]
    assert result["config"]["disable-cloud-controller"] is True
    assert result["config"]["kubelet-arg"] == ["--cloud-provider=external"]
    assert "ingress-controller" not in result["config"]
    assert result["config"]["data-dir"] == "/data/rke2"
    assert result["manifests_dir"] == "/data/rke2/server/manifests"
    assert result["images_dir"] == "/data/rke2/agent/images"


def test_ipv6_addresses_are_bracketed(rke2_rendered):
    config = rke2_rendered["srv-v6"]["config"]
    assert config["server"] == "https://[fd00::10]:9345"
    assert config["tls-san"] == ["fd00::10"]


def test_secret_looking_keys_hide_the_config_diff(rke2_rendered):
    assert rke2_rendered["srv-secret"]["has_secrets"] is True


def test_layers_merge_in_order_and_append_lists(rke2_rendered):
    result = rke2_rendered["agt-layers"]
    config = result["config"]
    # scalars: the later layer wins; lists: appended, a repeated entry kept once (at its last place)
    assert config["selinux"] is True
    assert config["kubelet-arg"] == ["--b=2", "--a=1", "--c=3"]
    assert config["node-label"] == ["l=1", "l=2"]
    assert config["node-name"] == "Agent-Layers"
    assert result["node_name"] == "agent-layers"
    for key in ("ingress-controller", "tls-san", "disable-cloud-controller"):
        assert key not in config


def test_gpu_agent_labels_taints_and_azure_kubelet_arg(rke2_rendered):
    config = rke2_rendered["agt-gpu"]["config"]
    assert config["node-label"] == ["kubernetes.azure.com/accelerator=nvidia", "example.com/gpu=a100"]
    assert config["node-taint"] == ["nvidia.com/gpu=present:NoSchedule"]
    assert config["kubelet-arg"] == ["--cloud-provider=external"]
    assert "disable-cloud-controller" not in config
    assert "node-label" not in rke2_rendered["srv-a"]["config"]


def test_manifest_rendering(rke2_rendered):
    manifests = rke2_rendered["srv-a"]["manifests"]
    header = "# Managed by Ansible (role ai_conformance.rke2.rke2, tasks_from: manifest).\n"
    for variant, text in manifests.items():
        assert text.startswith(header), variant
        assert "AddOn kube-system/m-%s" % variant in text
    assert list(yaml.safe_load_all(manifests["list"])) == MANIFEST_VARIANTS["list"]
    assert list(yaml.safe_load_all(manifests["mapping"])) == [MANIFEST_VARIANTS["mapping"]]
    # YAML text is kept as given (comment included), trailing blank lines folded to one newline
    assert manifests["text"].endswith("# keep me\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: d\n")


# --- API steps against a test world --------------------------------------------------------------
ADDON_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "addons.k3s.cattle.io"},
    "spec": {
        "group": "k3s.cattle.io",
        "scope": "Namespaced",
        "names": {"kind": "Addon", "plural": "addons", "singular": "addon", "listKind": "AddonList"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
            }
        ],
    },
}


def _api_inventory(kubeconfig, **extra):
    host_vars = {"rke2_bootstrap_server": "api-srv", "rke2_kubeconfig_local_path": str(kubeconfig)}
    host_vars.update(extra)
    return {
        "all": {
            "vars": {"rke2_token": TOKEN},
            "children": {
                "rke2_servers": {"hosts": {"api-srv": _host("api-srv", **host_vars)}},
                "rke2_agents": {"hosts": {"api-agt": _host("api-agt", **host_vars)}},
            },
        }
    }


def _manifest_play(hosts, **manifest_vars):
    return {
        "name": "Manifest %s" % manifest_vars.get("rke2_manifest_state", "present"),
        "hosts": hosts,
        "gather_facts": False,
        "tasks": [
            {
                "name": "Manifest entry point",
                "ansible.builtin.include_role": {"name": ROLE, "tasks_from": "manifest"},
                "vars": manifest_vars,
            }
        ],
    }


def _task_results(stdout, prefix):
    """Results of the tasks whose name starts with ``prefix`` (names may be shown templated or not)."""
    data = json.loads(stdout[stdout.index("{") :])
    return [
        task["hosts"] for play in data["plays"] for task in play["tasks"] if task["task"]["name"].startswith(prefix)
    ]


API_OBJECTS = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "rke2-role-test"}},
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "delivered", "namespace": "rke2-role-test"},
        "data": {"key": "value"},
    },
]


def test_api_delivery_applies_idempotently_and_removes(world, tmp_path):
    srv = world(scenario="empty")
    apply_task = "ai_conformance.rke2.rke2 : Apply the objects through the API - via-api"
    delete_task = "ai_conformance.rke2.rke2 : Delete the objects and the AddOn through the API - via-api"
    common = {"rke2_manifest_name": "via-api", "rke2_manifest_delivery": "api", "rke2_manifest_content": API_OBJECTS}
    plays = [
        _manifest_play("api-srv:api-agt", **common),
        _manifest_play("api-srv:api-agt", **common),
    ]
    rc, out, err, _results = run_playbook(tmp_path, _api_inventory(srv.kubeconfig), plays, callback_json=True)
    assert rc == 0, out[-4000:] + err[-4000:]
    applied = _task_results(out, apply_task)
    # once per play (run_once), changed the first time only
    assert [list(hosts) for hosts in applied] == [["api-srv"], ["api-srv"]], applied
    assert [hosts["api-srv"]["changed"] for hosts in applied] == [True, False]
    assert srv.api.read("v1", "ConfigMap", "delivered", namespace="rke2-role-test")["data"] == {"key": "value"}

    removal = [_manifest_play("api-srv:api-agt", rke2_manifest_state="absent", **common)]
    rc, out, err, _results = run_playbook(tmp_path, _api_inventory(srv.kubeconfig), removal, callback_json=True)
    assert rc == 0, out[-4000:] + err[-4000:]
    assert [hosts["api-srv"]["changed"] for hosts in _task_results(out, delete_task)] == [True]
    assert srv.api.read("v1", "ConfigMap", "delivered", namespace="rke2-role-test") is None


def test_file_removal_deletes_the_objects_and_the_addon(world, tmp_path):
    srv = world(scenario="empty")
    srv.api.apply(ADDON_CRD)
    srv.api.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old", "namespace": "default"}})
    # the CRD's kind is served once kube-apiserver has established it
    srv.api.apply(
        {
            "apiVersion": "k3s.cattle.io/v1",
            "kind": "Addon",
            "metadata": {"name": "old-addon", "namespace": "kube-system"},
        },
        wait=30,
    )
    # played on the agent only: the steps on the servers' folder are skipped (they need a node),
    # the deletion through the API runs from the controller
    removal = [
        _manifest_play(
            "api-agt",
            rke2_manifest_name="old-addon",
            rke2_manifest_state="absent",
            rke2_manifest_content=[
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old", "namespace": "default"}}
            ],
        )
    ]
    rc, out, err, _results = run_playbook(tmp_path, _api_inventory(srv.kubeconfig), removal, callback_json=True)
    assert rc == 0, out[-4000:] + err[-4000:]
    assert srv.api.read("v1", "ConfigMap", "old", namespace="default") is None
    assert srv.api.read("k3s.cattle.io/v1", "Addon", "old-addon", namespace="kube-system") is None


def _wait_play(case, node_name, version):
    return {
        "name": "Wait %s" % case,
        "hosts": "api-srv",
        "gather_facts": False,
        "tasks": [
            {
                "name": "Node facts",
                "ansible.builtin.set_fact": {
                    "__rke2_node": {"node_name": node_name, "version": version, "service": "rke2-server"}
                },
            },
            _record_failure(
                {
                    "name": "Wait for the node",
                    "ansible.builtin.include_role": {"name": ROLE, "tasks_from": "wait_ready"},
                    "vars": {"__rke2_wait_host": "api-srv"},
                }
            ),
            {
                "name": "Keep the outcome",
                "ansible.builtin.set_fact": {
                    "rke2_test_all": "{{ rke2_test_all | default({}) | combine({'%s': rke2_test_outcome}) }}" % case
                },
            },
        ],
    }


def test_wait_ready_through_the_api(world, tmp_path):
    srv = world(scenario="empty")
    node = srv.api.read("v1", "Node", "rke2-server-0")
    version = node["status"]["nodeInfo"]["kubeletVersion"]
    plays = [
        _wait_play("ready", "rke2-server-0", version),
        _wait_play("missing", "no-such-node", version),
        _wait_play("old-version", "rke2-server-0", "v1.34.99+rke2r1"),
        {
            "name": "Collect",
            "hosts": "api-srv",
            "gather_facts": False,
            "tasks": [{"name": "Outcome", "ansible.builtin.set_fact": {"rke2_test_outcome": "{{ rke2_test_all }}"}}],
        },
        COLLECT,
    ]
    inventory = _api_inventory(srv.kubeconfig, rke2_node_ready_timeout=2)
    rc, out, err, data = run_playbook(tmp_path, inventory, plays)
    assert data, "rc=%s\n%s\n%s" % (rc, out[-4000:], err[-4000:])
    outcome = data["api-srv"]
    assert outcome["ready"] == "ACCEPTED"
    assert "no-such-node" in outcome["missing"] and "did not register" in outcome["missing"], outcome["missing"]
    assert "reports kubelet version '%s'" % version in outcome["old-version"], outcome["old-version"]
    assert "v1.34.99+rke2r1" in outcome["old-version"]
    # every read went through the API, by name (no listing of all nodes)
    node_reads = [r for r in srv.requests if r["path"].startswith("/api/v1/nodes")]
    assert node_reads and all(r["method"] == "GET" for r in node_reads)
    # (the audit log tells a get of one node from a list of them)
    assert {r["verb"] for r in node_reads} == {"get"}, node_reads
    assert {r["path"] for r in node_reads} == {"/api/v1/nodes/rke2-server-0", "/api/v1/nodes/no-such-node"}


# --- the kind scenario cannot run here: its playbooks must at least parse -----------------------
KIND = ROOT / "extensions" / "molecule" / "kind"


@pytest.mark.parametrize("playbook", ["create.yml", "converge.yml", "verify.yml", "destroy.yml"])
def test_kind_scenario_syntax(tmp_path, playbook):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_LOCAL_TEMP=str(tmp_path))
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "--syntax-check", "-i", "localhost,", str(KIND / playbook)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- the manifest entry point's own argument spec -----------------------------------------------
# (every variable typed, defaulted and documented: tests/integration/roles/test_site_role_docs.py)
ROLE_DIR = ROOT / "roles" / "rke2"


def test_the_manifest_entry_point_declares_what_it_reads_besides_its_options():
    specs = yaml.safe_load((ROLE_DIR / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    assert {"rke2_manifests_dir", "rke2_servers_group", "rke2_bootstrap_server"} <= set(specs["manifest"]["options"])


def _readme_hosts(group):
    """Point every host of the README's inventory at the fake chroot (keeping its own variables)."""
    for name, host_vars in (group.get("hosts") or {}).items():
        group["hosts"][name] = {**(host_vars or {}), **_host(name)}
    for child in (group.get("children") or {}).values():
        _readme_hosts(child)


def test_readme_example_renders_as_shown(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", (ROLE_DIR / "README.md").read_text(), re.S)
    inventory, shown_server, shown_gpu = yaml.safe_load(blocks[0]), yaml.safe_load(blocks[2]), yaml.safe_load(blocks[3])
    top = inventory["all"]["vars"]
    for key in ("ansible_user", "ansible_become"):
        top.pop(key)
    top.update({"rke2_token": TOKEN, "rke2_test_skip_services": True})
    _readme_hosts(inventory["all"])
    plays = [
        {
            "name": "Render the README's inventory",
            "hosts": "all",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Load the role's facts",
                    "ansible.builtin.include_role": {"name": ROLE, "tasks_from": "facts", "public": True},
                },
                {"name": "Record", "ansible.builtin.set_fact": {"rke2_test_outcome": "{{ __rke2_effective_config }}"}},
            ],
        },
        COLLECT,
    ]
    rc, out, err, data = run_playbook(tmp_path, inventory, plays)
    assert rc == 0 and data, out[-3000:] + err[-3000:]
    assert data["server-1"] == shown_server
    assert data["gpu-1"] == shown_gpu
