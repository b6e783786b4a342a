# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put a report folder in place atomically: all files or none.

Files are written to a fresh temporary folder next to the target (same filesystem), checked,
then swapped in with renames; the previous folder is removed only after the new one is in
place. On any error the temporary folder is removed and the previous report stays as it
was. A folder holding files this module does not write is never replaced.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError

# top-level names a report folder may hold
KNOWN = ("PRODUCT.yaml", "evidence", "junit.xml", "results.json", "report.md", "report.html")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_target(target, option="output_dir"):
    """Refuse targets that are not a directory or hold foreign files; returns whether it exists."""
    if os.path.lexists(target) and not os.path.isdir(target):
        raise ConfigError("%s: %s exists and is not a directory" % (option, target))
    if not os.path.isdir(target):
        return False
    foreign = sorted(set(os.listdir(target)) - set(KNOWN))
    if foreign:
        raise ConfigError(
            "%s: %s holds files this module did not write (%s); choose a new or empty folder, or move them away"
            % (option, target, ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else ""))
        )
    return True


def read(target, name):
    """Text of ``target/name`` or None."""
    try:
        with open(os.path.join(target, name), encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def write(target, files, verify=None, option="output_dir"):
    """Write ``{relative path: text}`` as the folder ``target``.

    ``verify(tmp_folder)`` runs on the written temporary folder before it is swapped in;
    an exception there aborts the write like any other error.
    """
    target = os.path.abspath(target)
    existed = check_target(target, option)
    parent = os.path.dirname(target)
    try:
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".%s.tmp-" % os.path.basename(target), dir=parent)
    except OSError as exc:
        raise ConfigError(
            "%s: cannot write the report folder %s: %s (%s is not writable)"
            % (option, target, exc.strerror or exc, parent)
        ) from exc
    backup = None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for rel, content in sorted(files.items()):
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)
        if verify is not None:
            verify(tmp)
        if existed:
            backup = tempfile.mkdtemp(prefix=".%s.old-" % os.path.basename(target), dir=parent)
            os.rmdir(backup)
            os.rename(target, backup)
        try:
            os.rename(tmp, target)
        except OSError:
            if backup:
                os.rename(backup, target)
                backup = None
            raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ConfigError("%s: cannot write the report folder %s: %s" % (option, target, exc.strerror or exc)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if backup:
        shutil.rmtree(backup, ignore_errors=True)
    return target
