"""The world's request log: kube-apiserver's own audit log (``components/kube_apiserver.py`` writes
every request of the tests and the collection, none of the world's own components).

Audit events are written as requests complete, so before reading, ``RequestLog`` sends a marker
request and waits until it shows up: everything answered before that call is then in the file.
"""

import collections
import json
import os
import time
import urllib.parse
import uuid

METHODS = {
    "get": "GET",
    "list": "GET",
    "watch": "GET",
    "create": "POST",
    "update": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "deletecollection": "DELETE",
}
MARK = "testworld-mark"


def entry_of(event):
    url = urllib.parse.urlsplit(event.get("requestURI", ""))
    verb = event.get("verb", "")
    user = event.get("user") or {}
    return {
        "method": METHODS.get(verb, verb.upper()),
        "verb": verb,
        "path": url.path,
        "query": urllib.parse.parse_qs(url.query),
        "status": (event.get("responseStatus") or {}).get("code"),
        "user": user.get("username"),
        "groups": user.get("groups") or [],
        "user_agent": event.get("userAgent", ""),
        "resource": (event.get("objectRef") or {}).get("resource"),
    }


class RequestLog(object):
    def __init__(self, path, api):
        self.path = path
        self.api = api  # the admin identity: its marker requests are audited like any client's
        self._start = 0

    def _sync(self, timeout=10.0):
        """Offset just past a marker request's audit event."""
        mark = uuid.uuid4().hex
        self.api.get("/version", **{MARK: mark})
        needle = mark.encode()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with open(self.path, "rb") as fh:
                    data = fh.read()
            except FileNotFoundError:
                data = b""
            at = data.find(needle)
            if at >= 0:
                end = data.find(b"\n", at)
                return len(data) if end < 0 else end + 1
            if time.monotonic() > deadline:
                raise TimeoutError("the audit log %s never showed marker %s" % (self.path, mark))
            time.sleep(0.01)

    def entries(self):
        """Requests since the last ``reset``, oldest first (watches once, when they start)."""
        end = self._sync()
        with open(self.path, "rb") as fh:
            fh.seek(self._start)
            data = fh.read(end - self._start)
        found = []
        for line in data.splitlines():
            if not line.strip():
                continue
            event = json.loads(line)
            watch = event.get("verb") == "watch"
            if event.get("stage") != ("ResponseStarted" if watch else "ResponseComplete"):
                continue
            if MARK in event.get("requestURI", ""):
                continue
            found.append(entry_of(event))
        return found

    def reset(self):
        """Forget every request made so far."""
        self._start = self._sync() if os.path.exists(self.path) else 0

    def counters(self, entries=None):
        entries = self.entries() if entries is None else entries
        by_verb, by_path, by_verb_path, by_status = (collections.Counter() for _counter in range(4))
        for entry in entries:
            by_verb[entry["verb"]] += 1
            by_path[entry["path"]] += 1
            by_verb_path["%s %s" % (entry["verb"], entry["path"])] += 1
            by_status[str(entry["status"])] += 1
        return {
            "total": len(entries),
            "by_verb": dict(by_verb),
            "by_path": dict(by_path),
            "by_verb_path": dict(by_verb_path),
            "by_status": dict(by_status),
        }
