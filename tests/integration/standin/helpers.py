"""Helpers of the stand-in's integration tests: run real clients against a StandIn."""

import os
import pathlib
import subprocess
import sys
import tempfile

KUBECTL_132 = "/usr/bin/kubectl"
KUBECTL_137 = str(pathlib.Path(sys.executable).parent / "kubectl")
KUBECTLS = [KUBECTL_132, KUBECTL_137]


def kubectl(binary, srv, *args, kubeconfig=None, stdin=None, timeout=60):
    """Run ``binary`` against ``srv`` with a fresh discovery cache; returns the CompletedProcess."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, HOME=cache, KUBECONFIG=kubeconfig or srv.kubeconfig)
        cmd = [binary, "--cache-dir", os.path.join(cache, "cache"), *args]
        return subprocess.run(cmd, capture_output=True, text=True, input=stdin, env=env, timeout=timeout, check=False)


def ok(result):
    assert result.returncode == 0, "kubectl failed (%d):\n%s\n%s" % (result.returncode, result.stdout, result.stderr)
    return result.stdout


def table(text):
    """Rows of kubectl's column output, split on runs of spaces."""
    return [line.split() for line in text.strip().splitlines()]
