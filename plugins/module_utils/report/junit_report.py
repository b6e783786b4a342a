# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``junit.xml``: one test case per requirement of the checklist, for CI systems.

passed -> a passing case; failed and partial -> ``<failure>``; error -> ``<error>``;
N/A -> ``<skipped>`` with the justification; not checked -> ``<skipped>``. Every case
carries the check's summary and observations in ``<system-out>``. Case names are
``<id> [MUST|SHOULD]``, class names ``ai_conformance.v<version>.<category>``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import xml.etree.ElementTree as ET

from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import text

FILENAME = "junit.xml"

# characters XML 1.0 cannot carry (control characters other than tab, newline, carriage return)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(value):
    return _NOT_XML.sub("?", str(value))


def _seconds(value):
    try:
        return "%.3f" % float(value)
    except (TypeError, ValueError):
        return "0.000"


def _system_out(entry):
    result = entry["result"] or {}
    lines = ["%s: %s" % (entry["id"], entry["title"]), "PRODUCT.yaml status: %s" % (entry["status"] or "(empty)")]
    if entry["notes"]:
        lines.append("notes: %s" % entry["notes"])
    for item in result.get("evidence") or []:
        lines.append("")
        lines.append("* %s" % (item.get("description") or "observation"))
        if item.get("request"):
            lines.append("  request: %s" % item["request"])
        if item.get("kubectl"):
            lines.append("  kubectl: %s" % item["kubectl"])
        lines.extend("  | " + line for line in text.output_lines(item.get("output"), limit=50))
    return "\n".join(lines)


def _case(report, entry):
    result = entry["result"] or {}
    case = ET.Element(
        "testcase",
        {
            "classname": "ai_conformance.v%s.%s" % (report.version.replace(".", "_"), entry["category"]),
            "name": "%s [%s]" % (entry["id"], entry["level"]),
            "time": _seconds(result.get("duration")),
        },
    )
    outcome = entry["outcome"]
    message = entry["notes"] or result.get("summary") or outcome
    if outcome in ("failed", "partial"):
        kind = "Partially Implemented" if outcome == "partial" else "Not Implemented"
        ET.SubElement(case, "failure", {"message": _xml(message), "type": kind}).text = _xml(
            result.get("summary") or message
        )
    elif outcome == "error":
        ET.SubElement(case, "error", {"message": _xml(message), "type": "CheckError"}).text = _xml(
            result.get("summary") or message
        )
    elif outcome in ("not applicable", "not checked"):
        ET.SubElement(
            case, "skipped", {"message": _xml(message if message == outcome else "%s: %s" % (outcome, message))}
        )
    ET.SubElement(case, "system-out").text = _xml(_system_out(entry))
    return case


def render(report):
    cases = [_case(report, e) for e in report.entries]

    def count(tag):
        return sum(1 for c in cases if c.find(tag) is not None)

    total_time = sum(float(c.get("time")) for c in cases)
    stats = {
        "tests": str(len(cases)),
        "failures": str(count("failure")),
        "errors": str(count("error")),
        "skipped": str(count("skipped")),
        "time": "%.3f" % total_time,
    }
    root = ET.Element("testsuites", dict(stats, name="CNCF Kubernetes AI Conformance v%s" % report.version))
    suite = ET.SubElement(
        root,
        "testsuite",
        dict(stats, name="ai-conformance-v%s" % report.version, timestamp=report.generated.rstrip("Z")),
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("checklist_version", report.version),
        ("cluster_version", report.cluster.get("version") or ""),
        ("cluster_platform", report.cluster.get("platform") or ""),
        ("generator", "ai_conformance.rke2.conformance_report"),
    ):
        ET.SubElement(props, "property", {"name": name, "value": _xml(value)})
    suite.extend(cases)
    if hasattr(ET, "indent"):  # Python 3.9+
        ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
