# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small text helpers the Markdown, HTML and JUnit renderers share."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

MAX_OUTPUT_LINES = 200

CATEGORY_TITLES = {
    "accelerators": "Accelerators",
    "networking": "Networking",
    "schedulingOrchestration": "Scheduling and orchestration",
    "observability": "Observability",
    "security": "Security",
    "operator": "Operator",
}

# outcome -> (symbol, label) for people
OUTCOME_LABELS = {
    "passed": ("PASS", "passed"),
    "failed": ("FAIL", "failed"),
    "partial": ("PART", "partial"),
    "error": ("ERR", "error"),
    "not applicable": ("N/A", "not applicable"),
    "not checked": ("----", "not checked"),
}


def category_title(category):
    return CATEGORY_TITLES.get(category, category)


def output_lines(output, limit=MAX_OUTPUT_LINES):
    """An evidence ``output`` (text, list of lines, or data) as lines, cut at ``limit``."""
    if output is None:
        return []
    if isinstance(output, (list, tuple)):
        lines = []
        for item in output:
            lines.extend(str(item).splitlines() if isinstance(item, str) else [json.dumps(item, sort_keys=True)])
    elif isinstance(output, str):
        lines = output.splitlines()
    else:
        lines = json.dumps(output, indent=2, sort_keys=True, default=str).splitlines()
    if limit and len(lines) > limit:
        rest = len(lines) - limit
        lines = [*lines[:limit], "... (%d more lines in results.json)" % rest]
    return lines


def md_cell(value):
    """Text safe inside a Markdown table cell (one line, pipes escaped)."""
    text = " ".join(str("" if value is None else value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def md_fence(text, lang=""):
    """A fenced code block long enough not to be closed by ``text``."""
    fence = "```"
    while fence in text:
        fence += "`"
    return "%s%s\n%s\n%s" % (fence, lang, text, fence)


def md_inline(text):
    """Inline code that survives backticks in ``text``."""
    text = str(text)
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return "%s%s%s%s%s" % (ticks, pad, text, pad, ticks)


def duration(seconds):
    try:
        return "%.2f s" % float(seconds)
    except (TypeError, ValueError):
        return "-"


def cluster_line(cluster):
    version = cluster.get("version") or "unknown version"
    platform = cluster.get("platform")
    return "Kubernetes %s%s" % (version, " (%s)" % platform if platform else "")
