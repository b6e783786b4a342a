"""Fault injection per request pattern: status codes (with Retry-After), latency, dropped connections."""

import random
import re
import threading


class Fault(object):
    def __init__(self, method, path_regex, status, times, retry_after, delay, drop, fraction, body):
        self.method = method.upper() if method else None
        self.pattern = re.compile(path_regex)
        self.status = status
        self.times = times
        self.retry_after = retry_after
        self.delay = float(delay or 0)
        self.drop = bool(drop)
        self.fraction = fraction
        self.body = body
        self.hits = 0


class Faults(object):
    """The server's fault table; the first matching, not-yet-spent fault applies to a request."""

    def __init__(self, seed=None):
        self._lock = threading.Lock()
        self._faults = []
        self._random = random.Random(seed)

    def add(
        self,
        method=None,
        path_regex=r".*",
        status=None,
        times=None,
        retry_after=None,
        delay=0,
        drop=False,
        fraction=None,
        body=None,
    ):
        """Add a fault: ``status`` answer (e.g. 503, 429 with ``retry_after``), ``delay`` seconds before
        answering, or ``drop`` the connection; for the first ``times`` matching requests (None: all) or a
        ``fraction`` (0..1) of them. Returns the fault (its ``hits`` counts the requests it hit)."""
        if status is None and not delay and not drop:
            raise ValueError("faults.add: give status, delay or drop")
        if status is not None and not (100 <= int(status) <= 599):
            raise ValueError("faults.add: status must be an HTTP status code, got %r" % (status,))
        if fraction is not None and not (0 <= float(fraction) <= 1):
            raise ValueError("faults.add: fraction must be between 0 and 1, got %r" % (fraction,))
        fault = Fault(method, path_regex, status, times, retry_after, delay, drop, fraction, body)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults = []

    def match(self, method, path):
        with self._lock:
            for f in self._faults:
                if f.method and f.method != method:
                    continue
                if not f.pattern.search(path):
                    continue
                if f.times is not None and f.hits >= f.times:
                    continue
                if f.fraction is not None and self._random.random() >= float(f.fraction):
                    continue
                f.hits += 1
                return f
        return None
