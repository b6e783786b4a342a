"""Run ansible-playbook from tests and read its results as data.

Integration tests drive the collection the way users do, through ``ansible-playbook``, with the
``ansible.posix.json`` callback so each task's result can be asserted on.
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".build" / "collections"
BIN = pathlib.Path(sys.executable).parent


class PlaybookRun:
    """Outcome of one ansible-playbook run: return code, raw output, per-task results."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        try:
            self.data = json.loads(stdout[stdout.index("{") :])
        except ValueError:
            self.data = None

    def task(self, name, host="localhost"):
        """The result dict of the task called ``name`` (the last one, if it ran in several plays)."""
        found = None
        for play in (self.data or {}).get("plays", []):
            for task in play["tasks"]:
                if task["task"]["name"] == name:
                    found = task["hosts"].get(host)
        if found is None:
            raise AssertionError(
                "task %r did not run; rc=%s\n%s\n%s" % (name, self.returncode, self.stdout[-3000:], self.stderr[-3000:])
            )
        return found

    @property
    def stats(self):
        return (self.data or {}).get("stats", {})


def run_playbook(playbook, extra_vars=None, env=None, args=(), check=False, timeout=300):
    """Run ``playbook`` (a path, or a list of plays written to a temp file) and return a ``PlaybookRun``."""
    with tempfile.TemporaryDirectory() as tmp:
        if not isinstance(playbook, (str, pathlib.Path)):
            path = pathlib.Path(tmp) / "play.yml"
            path.write_text(yaml.safe_dump(playbook, sort_keys=False))
            playbook = path
        cmd = [str(BIN / "ansible-playbook"), str(playbook), "-i", "localhost,", "-c", "local"]
        if extra_vars:
            vars_file = pathlib.Path(tmp) / "vars.json"
            vars_file.write_text(json.dumps(extra_vars))
            cmd += ["-e", "@%s" % vars_file]
        if check:
            cmd.append("--check")
        cmd += list(args)
        full_env = dict(os.environ)
        full_env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
                "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
                "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                "ANSIBLE_LOCAL_TEMP": str(pathlib.Path(tmp) / "ansible-local"),
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_HOST_KEY_CHECKING": "false",
            }
        )
        for key in [k for k in full_env if k.startswith("K8S_AUTH_") or k == "KUBECONFIG"]:
            del full_env[key]
        full_env.update(env or {})
        proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=tmp, check=False)
        return PlaybookRun(proc.returncode, proc.stdout, proc.stderr)


def run_check_tasks(tasks, check=False):
    """Run ``tasks`` (task dicts, each with a ``name``) in one play on localhost.

    Returns ``({task name: {requirement id: result}}, run)`` for the conformance_check tasks among
    them; fails the test on a traceback or a failed conformance_check task."""
    run = run_playbook([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], check=check)
    assert "Traceback" not in run.stdout + run.stderr, run.stdout[-3000:] + run.stderr[-3000:]
    out = {}
    for task in tasks:
        if "ai_conformance.rke2.conformance_check" not in task:
            continue
        result = run.task(task["name"])
        assert not result.get("failed"), result
        out[task["name"]] = {r["id"]: r for r in result["results"]}
    return out, run


def evidence(result, description_start):
    """The first evidence item of ``result`` whose description starts with ``description_start``."""
    found = [e for e in result["evidence"] if (e["description"] or "").startswith(description_start)]
    assert found, "no evidence %r in %s" % (description_start, [e["description"] for e in result["evidence"]])
    return found[0]
