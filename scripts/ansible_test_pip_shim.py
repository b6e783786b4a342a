"""Give ansible-test a pip bootstrap script that works without its download server.

ansible-test creates each sanity-test venv without pip, then downloads get-pip.py from
ci-files.testing.ansible.com, which is unreachable where this project is built. It first looks
for a cached copy at ~/.ansible/test/cache/get_pip_<version>.py; this writes one there that
installs pip with the interpreter's own ensurepip and then the exact pip version ansible-test
asked for from the package index (PyPI is reachable). See docs/development.md.
"""

import os
import pathlib

from ansible_test._internal.python_requirements import get_venv_packages

SHIM = '''"""ansible-test pip bootstrap shim written by scripts/ansible_test_pip_shim.py."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


class _Python:
    version = "3.11"


def main():
    pip_version = get_venv_packages(_Python())["pip"]
    cache = pathlib.Path(os.path.expanduser("~/.ansible/test/cache"))
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / ("get_pip_%s.py" % pip_version.replace(".", "_"))
    if not target.exists() or target.read_text() != SHIM:
        target.write_text(SHIM)
        print("wrote ansible-test pip bootstrap shim %s" % target)


if __name__ == "__main__":
    main()
