"""kubectl against a test world, as a person would type it (kubectl 1.37 from the venv by default,
1.32 from Debian with ``version="1.32"``)."""

import subprocess

from tests.integration.playbook import BIN

KUBECTLS = {"1.32": "/usr/bin/kubectl", "1.37": str(BIN / "kubectl")}


def kubectl(world, *args, version="1.37", check=True, stdin=None, kubeconfig=None):
    """Run ``kubectl ARGS`` with the world's admin kubeconfig (or ``kubeconfig``); asserts it
    succeeded unless ``check`` is false. Returns the CompletedProcess."""
    proc = subprocess.run(
        [KUBECTLS[version], "--kubeconfig", str(kubeconfig or world.kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check:
        assert proc.returncode == 0, "kubectl %s: %s%s" % (" ".join(args), proc.stdout, proc.stderr)
    return proc
