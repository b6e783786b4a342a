"""Starting and stopping worlds leaves nothing behind: no process, no network namespace or route,
no folder; a launcher killed outright takes its programs with it, and the next world sweeps what
it left (its pod network slot)."""

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from tests.integration.playbook import ROOT
from tests.testworld import network
from tests.testworld.settle import wait_for

BANNER = re.compile(r"folder (?P<folder>\S+); pod network (?P<cidr>\S+), namespace (?P<netns>aicw\d+)")


def _processes_of(folder):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if folder in cmdline:
            found.append((int(pid), cmdline[:120]))
    return found


def _netns():
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout


def _routes():
    return subprocess.run(["ip", "route"], capture_output=True, text=True, check=True).stdout


def _launch(tmp_path, *args):
    kubeconfig = tmp_path / "kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.testworld", "--kubeconfig-out", str(kubeconfig), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = proc.stdout.readline().strip()
    banner = proc.stderr.readline()
    match = BANNER.search(banner)
    assert url.startswith("https://127.0.0.1:") and match, (url, banner, proc.stderr.read() if not url else "")
    return proc, kubeconfig, match


@pytest.mark.skipif(not network.available()[0], reason="needs root for the pod network")
def test_the_command_line_serves_until_sigterm_and_leaves_nothing(tmp_path):
    proc, kubeconfig, match = _launch(tmp_path, "--scenario", "empty")
    assert oct(os.stat(kubeconfig).st_mode & 0o777) == "0o600"
    nodes = subprocess.run(
        ["kubectl", "--kubeconfig", str(kubeconfig), "get", "nodes", "-o", "name"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert nodes.stdout.strip() == "node/rke2-server-0", nodes.stderr
    assert len(_processes_of(match["folder"])) >= 5  # etcd, kube-apiserver, kcm, scheduler, kwok
    assert match["netns"] in _netns()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    assert "stopped" in proc.stderr.read()
    assert _processes_of(match["folder"]) == []
    assert match["netns"] not in _netns()
    assert match["cidr"] not in _routes()
    assert not os.path.exists(match["folder"])


@pytest.mark.skipif(not network.available()[0], reason="needs root for the pod network")
def test_a_killed_launcher_takes_its_programs_along_and_the_next_world_sweeps_its_slot(tmp_path, world):
    proc, _kubeconfig, match = _launch(tmp_path, "--scenario", "empty")
    proc.kill()
    proc.wait(10)
    # PR_SET_PDEATHSIG: every program dies with the launcher, without any cleanup code running
    wait_for(lambda: _processes_of(match["folder"]) == [], timeout=20, what="programs gone")
    assert match["netns"] in _netns()  # nothing removed it yet
    world("empty")  # the next world takes a slot: stale ones are swept first
    assert not os.path.exists(match["folder"])
    # the slot was swept and belongs to a live world now (this one, or another started meanwhile)
    slot = int(match["netns"][len("aicw") :])
    with open(os.path.join(network.STATE_DIR, "slot-%d.json" % slot)) as fh:
        owner = json.load(fh)
    assert owner["pid"] != proc.pid and owner["workdir"] != match["folder"]
    assert _routes().count(match["cidr"]) == 1


def _start_with_override(tmp_path, override):
    """``python -m tests.testworld --scenario empty --override FILE``, run to its end."""
    cmd = [sys.executable, "-m", "tests.testworld", "--scenario", "empty", "--kubeconfig-out", str(tmp_path / "kc")]
    cmd += ["--override", str(override)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def test_a_bad_override_exits_2_naming_the_file_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("remove:\n  - {apiVersion: v1, kind: Node, name: no-such-node}\n")
    proc = _start_with_override(tmp_path, bad)
    assert proc.returncode == 2
    assert "overrides: remove[0]: v1 Node no-such-node is not in scenario empty" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "kc").exists()


def test_a_scenario_object_whose_status_a_controller_writes_is_refused_before_anything_starts(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "add:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: d, namespace: default}\n"
        "    spec: {selector: {matchLabels: {a: b}},\n"
        "           template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n"
        "    status: {readyReplicas: 1}\n"
    )
    proc = _start_with_override(tmp_path, bad)
    assert proc.returncode == 2, proc.stderr
    assert "empty: apps/v1 Deployment default/d: status is written by kube-controller-manager" in proc.stderr
