# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``report.md``: cluster facts, the status table by category, details per requirement."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import text

FILENAME = "report.md"


def headline(report):
    """One sentence on the MUSTs, shared with the HTML report and the module's ``msg``."""
    musts = [e for e in report.entries if e["level"] == "MUST"]
    passed = [e for e in musts if e["status"] == "Implemented"]
    parts = ["%d of %d MUST requirements implemented" % (len(passed), len(musts))]
    if report.must_failed():
        parts.append("failed: %s" % ", ".join(report.must_failed()))
    if report.must_not_checked():
        parts.append("not checked: %s" % ", ".join(report.must_not_checked()))
    return "; ".join(parts)


def facts(report, self_check):
    """``[(label, value)]`` of the cluster and the run."""
    source = {
        "option": "set by checklist_version",
        "cluster": "derived from the cluster version",
        "results": "taken from the results",
    }.get(report.version_source, report.version_source)
    platform = " ".join(
        v
        for v in (report.metadata.get("platformName", ""), report.metadata.get("platformVersion", ""))
        if v and not v.startswith("[")
    )
    rows = [
        ("Platform", platform or "- (metadata not given)"),
        ("API server", report.cluster.get("server") or "-"),
        ("Cluster", text.cluster_line(report.cluster)),
        ("Checklist", "v%s (%s)" % (report.version, source)),
        ("MUST requirements", headline(report)),
        (
            "Submission self-check",
            "passed"
            if self_check["passed"]
            else "%d violation(s): %s" % (len(self_check["violations"]), ", ".join(sorted(self_check["by_rule"]))),
        ),
        ("API requests", str(report.api_requests.get("total", "-"))),
        ("Generated", report.generated),
    ]
    return rows


def _table(report):
    lines = []
    for category, entries in report.categories():
        lines += [
            "### %s" % text.category_title(category),
            "",
            "| Requirement | Level | Outcome | PRODUCT.yaml status | Why |",
            "|---|---|---|---|---|",
        ]
        for e in entries:
            symbol, _label = text.OUTCOME_LABELS[e["outcome"]]
            lines.append(
                "| [%s](#%s) %s | %s | %s %s | %s | %s |"
                % (
                    e["id"],
                    e["id"],
                    text.md_cell(e["title"]),
                    e["level"],
                    symbol,
                    e["outcome"],
                    e["status"] or "(empty)",
                    text.md_cell(e["notes"]),
                )
            )
        lines.append("")
    return lines


def _details(report):
    lines = ["## Details per requirement", ""]
    for e in report.entries:
        result = e["result"] or {}
        lines += [
            '<a id="%s"></a>' % e["id"],
            "",
            "### %s: %s (%s)" % (e["id"], e["title"], e["level"]),
            "",
            "> %s" % e["description"],
            "",
        ]
        lines.append(
            "- Outcome: **%s**; PRODUCT.yaml status: **%s** (%s)"
            % (e["outcome"], e["status"] or "(empty)", e["source"])
        )
        if result:
            lines.append(
                "- Check: %s, %s, at %s, took %s"
                % (
                    result.get("status"),
                    result.get("mode") or "read-only",
                    result.get("started") or "-",
                    text.duration(result.get("duration")),
                )
            )
            lines.append("- Reason: %s" % text.md_cell(result.get("summary") or "-"))
        if e["notes"] and e["notes"] != result.get("summary"):
            lines.append("- Notes: %s" % text.md_cell(e["notes"]))
        for link in e["evidence"]:
            lines.append("- Evidence: [%s](%s)" % (link, link))
        for item in result.get("evidence") or []:
            mark = {True: "ok", False: "NOT OK"}.get(item.get("ok"), "")
            lines.append(
                "  - %s%s%s"
                % (
                    text.md_cell(item.get("description") or "observation"),
                    " (%s)" % mark if mark else "",
                    ": %s" % text.md_inline(item["kubectl"]) if item.get("kubectl") else "",
                )
            )
        lines.append("")
    return lines


def render(report, self_check):
    title = report.metadata.get("platformName", "")
    if title.startswith("["):
        title = report.cluster.get("server") or "cluster"
    lines = ["# CNCF Kubernetes AI Conformance v%s: %s" % (report.version, title), "", "| | |", "|---|---|"]
    lines += ["| %s | %s |" % (k, text.md_cell(v)) for k, v in facts(report, self_check)]
    lines += [""]
    if report.messages:
        lines += ["Notes on this run:", ""] + ["- %s" % text.md_cell(m) for m in report.messages] + [""]
    lines += ["## Status by category", "", *_table(report)]
    lines += ["## Submission self-check", ""]
    if self_check["passed"]:
        lines += ["PRODUCT.yaml passes every offline rule of the CNCF validator.", ""]
    else:
        lines += ["| Rule | Requirement | Problem |", "|---|---|---|"]
        lines += [
            "| %s | %s | %s |" % (v["rule"], v["requirement"] or "-", text.md_cell(v["message"]))
            for v in self_check["violations"]
        ]
        lines.append("")
    lines += ["Not checked offline: %s." % "; ".join(self_check["not_checked"].values()), ""]
    lines += _details(report)
    if report.extra:
        lines += ["## Checked, but not part of checklist v%s" % report.version, ""]
        lines += [
            "- %s: %s (%s), [evidence](evidence/%s.md)" % (r["id"], r["status"], text.md_cell(r["summary"]), r["id"])
            for r in report.extra
        ]
        lines.append("")
    if report.node_facts:
        lines += [
            "## Node facts",
            "",
            text.md_fence(json.dumps(report.node_facts, indent=2, sort_keys=True, default=str), "json"),
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
