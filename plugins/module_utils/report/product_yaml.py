# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRODUCT.yaml, laid out like the CNCF template it fills in.

The template's header comments, metadata key order, categories, ids, descriptions and
levels are copied from the bundled template; the first requirement keeps the template's
inline field comments. Every string is written double-quoted by PyYAML's own emitter, so
any text (quotes, newlines, non-ASCII) reads back unchanged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import yaml

    HAS_YAML = True
except ImportError:  # the module reports it with missing_required_lib
    HAS_YAML = False

FILENAME = "PRODUCT.yaml"

# the template's inline comments on its first requirement
FIELD_COMMENTS = {
    "status": "# Implemented, Not Implemented, Partially Implemented, N/A",
    "evidence": "# List of URLs or references to documentation/test results",
    "notes": "# Must provide a justification when status is N/A",
}


def quote(value):
    """``value`` as a double-quoted YAML scalar on one line."""
    text = yaml.safe_dump(str(value), default_style='"', width=float("inf"), allow_unicode=True)
    return text.rstrip("\n")


def _plain_or_quoted(key, value):
    # kubernetesVersion is unquoted in the template (v1.35); everything else quoted
    if key == "kubernetesVersion" and value.replace(".", "").replace("v", "").isdigit():
        return value
    return quote(value)


def render(report):
    lines = [*list(report.template["comments"]), "", "metadata:"]
    for key, value in report.metadata.items():
        lines.append("  %s: %s" % (key, _plain_or_quoted(key, value)))
    lines += ["", "spec:"]
    first = True
    for category, entries in report.categories():
        lines.append("  %s:" % category)
        for entry in entries:
            comment = (lambda f: " " + FIELD_COMMENTS[f]) if first else (lambda f: "")
            lines.append("    - id: %s" % entry["id"])
            lines.append("      description: %s" % quote(entry["description"]))
            lines.append("      level: %s" % entry["level"])
            lines.append("      status: %s%s" % (quote(entry["status"]), comment("status")))
            if entry["evidence"]:
                lines.append("      evidence:%s" % comment("evidence"))
                lines.extend("        - %s" % quote(item) for item in entry["evidence"])
            else:
                lines.append("      evidence: []%s" % comment("evidence"))
            lines.append("      notes: %s%s" % (quote(entry["notes"]), comment("notes")))
            first = False
    return "\n".join(lines) + "\n"
