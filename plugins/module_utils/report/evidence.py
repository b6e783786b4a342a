# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``evidence/<id>.md``: what a reviewer reads to replay one requirement's check.

Per requirement that has a check result: the requirement text, the verdict and its reason,
when it was checked and against which cluster version, and every observation in order
(the API request, the kubectl command that shows the same, the relevant output). The API
server's address is left out: these files are published with a submission.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import text
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report.model import evidence_path


def _observation(index, item):
    ok = item.get("ok")
    mark = {True: " (satisfied)", False: " (not satisfied)"}.get(ok, "")
    out = ["### %d. %s%s" % (index, item.get("description") or "observation", mark), ""]
    if item.get("request"):
        out += ["API request: %s" % text.md_inline(item["request"]), ""]
    if item.get("kubectl"):
        out += ["See it yourself:", "", text.md_fence(item["kubectl"], "bash"), ""]
    lines = text.output_lines(item.get("output"))
    if lines:
        out += ["Output:", "", text.md_fence("\n".join(lines), "text"), ""]
    return out


def render_one(report, entry, result):
    """The Markdown of one result; ``entry`` is None for a check outside the checklist."""
    rid = result["id"]
    title = (entry or {}).get("title") or result.get("title") or rid
    lines = ["# %s: %s" % (rid, title), ""]
    rows = []
    if entry is not None:
        rows.append(("Requirement", "%s, %s, checklist v%s" % (rid, entry["level"], report.version)))
        rows.append(("PRODUCT.yaml status", entry["status"] or "(empty: not claimed)"))
    else:
        rows.append(("Requirement", "%s (not part of checklist v%s)" % (rid, report.version)))
    rows += [
        ("Check verdict", result["status"]),
        ("Reason", result.get("summary") or "-"),
        (
            "Checked at",
            "%s (took %s, %s)"
            % (result.get("started") or "-", text.duration(result.get("duration")), result.get("mode") or "read-only"),
        ),
        ("Cluster", text.cluster_line(report.cluster)),
        ("Report generated", "%s by ai_conformance.rke2.conformance_report" % report.generated),
    ]
    lines += ["| | |", "|---|---|"] + ["| %s | %s |" % (k, text.md_cell(v)) for k, v in rows] + [""]
    if entry is not None:
        lines += ["## Requirement", "", "> " + entry["description"], ""]
    declared = (entry or {}).get("declared")
    if declared:
        lines += ["## Declared by the submitter", ""]
        if declared.get("status"):
            lines.append("- Status: %s" % declared["status"])
        if declared.get("notes"):
            lines.append("- Notes: %s" % text.md_cell(declared["notes"]))
        lines += ["- Evidence: <%s>" % url for url in declared.get("evidence") or []] + [""]
    evidence = result.get("evidence") or []
    lines += ["## What was checked", ""]
    if not evidence:
        lines += ["The check recorded no observations.", ""]
    for index, item in enumerate(evidence, 1):
        lines += _observation(index, item)
    if result.get("details"):
        body = json.dumps(result["details"], indent=2, sort_keys=True, default=str)
        lines += ["## Details", "", "Structured facts the check found:", "", text.md_fence(body, "json"), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render(report):
    """``{relative path: text}`` for every result, in the checklist then in the extra checks."""
    files = {}
    for entry in report.entries:
        if entry["result"] is not None:
            files[evidence_path(entry["id"])] = render_one(report, entry, entry["result"])
    for result in report.extra:
        files[evidence_path(result["id"])] = render_one(report, None, result)
    return files
