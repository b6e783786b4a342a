# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The result model every check returns and every report format reads.

A ``Result`` is one requirement's verdict: a status, a one-line summary that says why,
and ``Evidence`` items a reviewer can replay (the API request, the kubectl command that
shows the same, and the part of the answer that matters). ``to_dict`` is the stable,
JSON-safe shape (``SCHEMA_VERSION``) that modules return and reports consume.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from datetime import datetime, timezone

SCHEMA_VERSION = 1

PASSED = "passed"
PARTIAL = "partial"
FAILED = "failed"
NOT_APPLICABLE = "not_applicable"
SKIPPED = "skipped"
ERROR = "error"
STATUSES = (PASSED, PARTIAL, FAILED, NOT_APPLICABLE, SKIPPED, ERROR)

# How a result becomes a PRODUCT.yaml status. Skipped (not checked, or nothing detected for
# a SHOULD) maps to "" so that the CNCF validator skips the SHOULD instead of failing it.
CNCF_STATUS = {
    PASSED: "Implemented",
    PARTIAL: "Partially Implemented",
    FAILED: "Not Implemented",
    NOT_APPLICABLE: "N/A",
    SKIPPED: "",
    ERROR: "Not Implemented",
}

MODE_READ_ONLY = "read-only"
MODE_ACTIVE = "active"


def _now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Evidence(object):
    """One observation: what was asked, how to see it yourself, and what came back."""

    def __init__(self, description, request=None, kubectl=None, output=None, ok=None):
        self.description = description
        self.request = request
        self.kubectl = kubectl
        self.output = output
        self.ok = ok

    def to_dict(self):
        return {
            "description": self.description,
            "request": self.request,
            "kubectl": self.kubectl,
            "output": self.output,
            "ok": self.ok,
        }


class Result(object):
    """The verdict of one requirement check."""

    def __init__(self, requirement, status=SKIPPED, summary="", evidence=None, details=None, mode=MODE_READ_ONLY):
        self.requirement = requirement
        self.status = status
        self.summary = summary
        self.evidence = list(evidence or [])
        self.details = dict(details or {})
        self.mode = mode
        self.started = _now()
        self._clock = time.monotonic()
        self.duration = 0.0

    def add(self, description, request=None, kubectl=None, output=None, ok=None):
        """Record an evidence item and return it."""
        item = Evidence(description, request=request, kubectl=kubectl, output=output, ok=ok)
        self.evidence.append(item)
        return item

    def finish(self, status, summary):
        if status not in STATUSES:
            raise ValueError("unknown status %r" % status)
        self.status = status
        self.summary = summary
        self.duration = round(time.monotonic() - self._clock, 3)
        return self

    def to_dict(self, level=None, category=None, title=None):
        return {
            "id": self.requirement,
            "title": title,
            "category": category,
            "level": level,
            "status": self.status,
            "cncf_status": CNCF_STATUS[self.status],
            "summary": self.summary,
            "mode": self.mode,
            "started": self.started,
            "duration": self.duration,
            "evidence": [e.to_dict() for e in self.evidence],
            "details": self.details,
        }
