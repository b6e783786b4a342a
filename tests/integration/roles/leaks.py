"""Find secret values where they must never be: Ansible output and world-readable files.

A secret counts as leaked in its own form and base64-encoded (Secret ``data``, ``slurp`` results).
Used by the Molecule ``site`` scenario's verify step (on the ``-vvv --diff`` log of its runs and on
the target roots) and by the role secrets tests.

Run as ``python -m tests.integration.roles.leaks --secrets FILE [--text FILE...] [--root DIR...]``,
``FILE`` holding one secret a line; the exit code is 1 when anything leaked, 2 when a
given file or folder does not exist. The findings name the
file and which secret (by its position in FILE), never the value.
"""

import argparse
import base64
import os
import stat
import sys


def secret_forms(secrets):
    """``{form_bytes: index}``: each secret as given and base64-encoded, as bytes."""
    forms = {}
    for index, secret in enumerate(secrets):
        raw = secret.encode()
        if len(raw) < 8:
            raise ValueError("secret #%d is shorter than 8 characters: too short to search for reliably" % index)
        forms.setdefault(raw, index)
        forms.setdefault(base64.b64encode(raw), index)
    return forms


def leaks_in_text(text, secrets):
    """Indexes of the secrets found in ``text`` (str or bytes)."""
    data = text.encode() if isinstance(text, str) else text
    return sorted({index for form, index in secret_forms(secrets).items() if form in data})


def world_readable_leaks(roots, secrets):
    """``[(path, index)]`` of regular files under ``roots`` that others may read and that hold a secret.

    Symlinks are not followed and other file systems mounted below a root are not entered.
    """
    forms = secret_forms(secrets)
    found = []
    for root in roots:
        device = os.lstat(root).st_dev
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [d for d in subfolders if os.lstat(os.path.join(folder, d)).st_dev == device]
            for name in files:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode) or not info.st_mode & stat.S_IROTH:
                    continue
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    continue
                found.extend((path, index) for form, index in forms.items() if form in data)
    return sorted(set(found))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", required=True, help="file with one secret value a line")
    parser.add_argument("--text", action="append", default=[], help="output or log file to search")
    parser.add_argument("--root", action="append", default=[], help="folder whose world-readable files to search")
    args = parser.parse_args(argv)
    with open(args.secrets, encoding="utf-8") as handle:
        secrets = [line.rstrip("\n") for line in handle if line.strip()]
    missing = [path for path in args.root + args.text if not os.path.exists(path)]
    if missing:
        print("ERROR no such file or folder: %s" % ", ".join(missing))
        return 2
    problems = []
    for path in args.text:
        with open(path, "rb") as handle:
            problems += ["%s holds secret #%d" % (path, index) for index in leaks_in_text(handle.read(), secrets)]
    problems += [
        "%s is world-readable and holds secret #%d" % (path, index)
        for path, index in world_readable_leaks(args.root, secrets)
    ]
    for problem in problems:
        print("LEAK %s" % problem)
    print(
        "%d secret(s) searched in %d text(s) and %d root(s): %s"
        % (len(secrets), len(args.text), len(args.root), "%d leak(s)" % len(problems) if problems else "no leak")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
