"""An exclusive lock between processes, on a lock file (the binary cache and the pod network's slots
are shared by every world and build on the machine)."""

import contextlib
import fcntl
import os


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive ``flock`` on ``path`` (created, with its folder) for the ``with`` block."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
