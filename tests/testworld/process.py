"""One program of the test world as a child process: its command line, its log file, its health
check, and a stop that leaves nothing running.

Children are started in their own process group with PR_SET_PDEATHSIG, so that they die with the
Python process that started them even when it is killed (SIGKILL skips every ``finally``). The
kernel sends that signal when the *thread* that forked the child ends, so every child is forked
by one spawner thread that lives as long as the process: worlds can be started from any thread
(a pool that is then shut down, a fixture's helper thread) and live on.
"""

import concurrent.futures
import contextlib
import ctypes
import os
import signal
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request

PR_SET_PDEATHSIG = 1


class ComponentError(RuntimeError):
    """A program of the test world did not start or became unhealthy; the message names it and quotes its log."""


def _die_with_parent():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


_SPAWNER = None
_SPAWNER_LOCK = threading.Lock()


def _spawner():
    """The one long-lived thread that forks every child (see the module's docstring)."""
    global _SPAWNER  # noqa: PLW0603 (one per process, made on first use)
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="testworld-spawner")
        return _SPAWNER


def spawn(*args, **kwargs):
    """``subprocess.Popen(*args, **kwargs)``, forked by the spawner thread, dying with this process."""
    kwargs.setdefault("preexec_fn", _die_with_parent)
    return _spawner().submit(subprocess.Popen, *args, **kwargs).result()


def log_tail(path, lines=25):
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 16000))
            text = fh.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class Process(object):
    """A started program. Subclasses (one per component, in ``components/``) give ``name``,
    ``command()`` and ``healthy()``."""

    name = "process"
    ready_timeout = 60.0

    def __init__(self, log_dir, env=None, prefix=()):
        self.log_file = os.path.join(log_dir, "%s.log" % self.name)
        self.env = env
        self.prefix = list(prefix)  # e.g. ``ip netns exec NAME`` for a program inside the pod network
        self.proc = None

    def command(self):
        raise NotImplementedError

    def healthy(self):
        """True once the program serves; called repeatedly until it is or ``ready_timeout`` passes."""
        raise NotImplementedError

    def start(self):
        with open(self.log_file, "ab") as log:
            self.proc = spawn(
                self.prefix + self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.ready_timeout)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ComponentError(
                    "%s exited with status %s while starting; last lines of %s:\n%s"
                    % (self.name, self.proc.returncode, self.log_file, log_tail(self.log_file))
                )
            if self.healthy():
                return self
            time.sleep(0.1)
        raise ComponentError(
            "%s was not ready after %ds; last lines of %s:\n%s"
            % (self.name, timeout or self.ready_timeout, self.log_file, log_tail(self.log_file))
        )

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace=10.0):
        """SIGTERM, then SIGKILL after ``grace`` seconds; the whole process group either way."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        _signal_group(self.proc.pid, signal.SIGKILL)  # anything the program left in its group


def _signal_group(pid, sig):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def http_ok(url, ca_file=None, cert=None, insecure=False, timeout=1.0):
    """True when ``GET url`` answers 200 (health endpoints)."""
    context = None
    if url.startswith("https://"):
        context = ssl.create_default_context(cafile=ca_file)
        if insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if cert:
            context.load_cert_chain(*cert)
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False
