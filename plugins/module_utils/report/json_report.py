# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``results.json``: the raw check results plus what the report made of them.

The shape is documented in docs/report-format.md and versioned by ``SCHEMA_VERSION``;
a change that removes or renames a key raises it. ``results`` is the check module's list
unchanged (after redaction); ``requirements`` is one entry per checklist requirement with
the status written to PRODUCT.yaml.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

FILENAME = "results.json"
SCHEMA_VERSION = 1
FORMAT = "ai_conformance.rke2/report-results"
GENERATOR = "ai_conformance.rke2.conformance_report"

REQUIREMENT_KEYS = ("id", "title", "category", "level", "status", "outcome", "source", "notes", "evidence", "declared")


def document(report, self_check, fingerprint):
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "generated": report.generated,
        "fingerprint": fingerprint,
        "checklist_version": report.version,
        "checklist_version_source": report.version_source,
        "checked_with_checklist_version": report.checked_version,
        "cluster": report.cluster,
        "api_requests": report.api_requests,
        "metadata": report.metadata,
        "summary": report.summary(),
        "self_check": self_check,
        "messages": report.messages,
        "requirements": [{k: e[k] for k in REQUIREMENT_KEYS} for e in report.entries],
        "not_in_checklist": [r["id"] for r in report.extra],
        "results": report.raw_results,
        "node_facts": report.node_facts,
    }


def render(report, self_check, fingerprint):
    return json.dumps(document(report, self_check, fingerprint), indent=2, sort_keys=False, default=str) + "\n"
