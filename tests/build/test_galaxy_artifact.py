"""The Galaxy artifact: builds, holds only what users need, installs, and its module runs."""

import json
import os
import pathlib
import subprocess
import sys
import tarfile

import pytest

from tests.integration.playbook import run_playbook
from tests.unit import discovery_docs
from tests.unit.fakes import ScriptedServer, cluster_routes

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", str(ROOT), "--output-path", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    (tarball,) = out.glob("ai_conformance-rke2-*.tar.gz")
    return tarball


def test_artifact_holds_the_collection_and_nothing_of_the_workspace(artifact):
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("MANIFEST.json").read())
    assert "MANIFEST.json" in names
    assert "plugins/modules/conformance_check.py" in names
    assert "meta/runtime.yml" in names
    for unwanted in (".venv", ".build", "tests", "bench", "scripts", ".git", "requirements", "Makefile"):
        assert not [n for n in names if n == unwanted or n.startswith(unwanted + "/")], unwanted
    assert manifest["collection_info"]["dependencies"] == {"kubernetes.core": ">=5.0.0,<7.0.0"}
    assert manifest["collection_info"]["version"] == "0.1.0"


def test_installed_artifact_documents_and_runs_its_module(artifact, tmp_path):
    target = tmp_path / "collections"
    # an empty path: without this, `make` exports the working tree's collection path and
    # ansible-galaxy would find ai_conformance.rke2 "already installed" there and skip the install
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(target))
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "-p", str(target), str(artifact)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    installed = target / "ansible_collections" / "ai_conformance" / "rke2"
    assert (installed / "plugins" / "modules" / "conformance_check.py").is_file()
    doc = subprocess.run(
        [str(BIN / "ansible-doc"), "ai_conformance.rke2.conformance_check"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "requirements" in doc.stdout

    with ScriptedServer(
        {
            path: [(200, {}, body)]
            for path, body in cluster_routes(discovery_docs.cluster()).items()
            if isinstance(path, str)
        }
    ) as srv:
        run = run_playbook(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {
                            "name": "check",
                            "ai_conformance.rke2.conformance_check": {
                                "host": srv.url,
                                "api_key": "t",
                                "requirements": ["dra_support"],
                            },
                        }
                    ],
                }
            ],
            env={"ANSIBLE_COLLECTIONS_PATH": str(target)},
        )
    result = run.task("check")
    assert run.returncode == 0, run.stdout
    assert result["results"][0]["status"] == "passed"
    assert result["cluster"]["discovery"]["mode"] == "legacy"
