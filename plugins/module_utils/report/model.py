# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the report says about each requirement: the one place statuses are decided.

For every requirement of the chosen checklist, in template order:

- a declaration with a status wins (N/A with its notes, or Not Implemented);
- else the check result: passed -> Implemented, partial -> Partially Implemented,
  failed/error -> Not Implemented, not_applicable -> N/A (the check's summary is the note),
  skipped -> empty for a SHOULD (the CNCF validator skips it) / Not Implemented for a MUST;
- else (not checked): empty for a SHOULD, Not Implemented for a MUST.

``Implemented`` comes from a passed check and from nothing else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import (
    CNCF_STATUS,
    ERROR,
    FAILED,
    NOT_APPLICABLE,
    PARTIAL,
    PASSED,
    SKIPPED,
)

IMPLEMENTED = "Implemented"
NOT_IMPLEMENTED = "Not Implemented"
NA = "N/A"
UNSET = ""

# a check result's status -> PRODUCT.yaml status, as every result carries it (``cncf_status``);
# a skipped check is decided below by the requirement's level
FROM_RESULT = {status: cncf for status, cncf in CNCF_STATUS.items() if status != SKIPPED}

# what a row's outcome is, for people (report tables, JUnit); not a CNCF status
OUTCOME_PASSED = "passed"
OUTCOME_FAILED = "failed"
OUTCOME_PARTIAL = "partial"
OUTCOME_ERROR = "error"
OUTCOME_NA = "not applicable"
OUTCOME_NOT_CHECKED = "not checked"


def evidence_path(rid):
    return "evidence/%s.md" % rid


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Report(object):
    """Everything the renderers read (plain data, no rendering logic)."""

    def __init__(
        self, version, version_source, results, metadata, declarations, node_facts=None, messages=None, generated=None
    ):
        self.version = version
        self.version_source = version_source
        self.template = reqs.template(version)
        self.cluster = results["cluster"]
        self.api_requests = results.get("api_requests") or {}
        self.checked_version = results.get("checklist_version")
        self.raw_results = results["results"]
        self.metadata = self._metadata(metadata)
        self.declarations = declarations
        self.node_facts = node_facts or {}
        self.messages = list(messages or [])
        self.generated = generated or now()
        by_id = {r["id"]: r for r in self.raw_results}
        self.entries = [
            self._entry(req, by_id.get(req["id"]), declarations.get(req["id"])) for req in reqs.requirements(version)
        ]
        in_template = {e["id"] for e in self.entries}
        # checked, but not a requirement of this checklist (e.g. dra_support in 1.36)
        self.extra = [r for r in self.raw_results if r["id"] not in in_template]

    def _metadata(self, given):
        """Template keys in template order (placeholders where nothing was given), then k8sConformanceUrl.

        The optional repoUrl is left out unless given: its placeholder would fail the validator.
        """
        out = dict(self.template["metadata"])
        if "repoUrl" not in given:
            out.pop("repoUrl", None)
        out.setdefault(
            "k8sConformanceUrl",
            "[URL to k8s-conformance submission, e.g., https://github.com/cncf/k8s-conformance/tree/master/"
            "v%s/product-name]" % self.version,
        )
        for key, value in given.items():
            out[key] = value
        return out

    @staticmethod
    def _entry(req, result, decl):
        entry = dict(req)
        entry["title"] = reqs.TITLES.get(req["id"], req["id"])
        entry["result"] = result
        entry["declared"] = decl
        decl = decl or {}
        must = req["level"] == reqs.MUST
        if decl.get("status"):
            status, notes, source = decl["status"], decl["notes"], "declared"
        elif result is not None and result["status"] in FROM_RESULT:
            status, source = FROM_RESULT[result["status"]], "check"
            notes = decl.get("notes") or result["summary"]
        elif result is not None:  # skipped
            status, source = (NOT_IMPLEMENTED if must else UNSET), "check"
            notes = decl.get("notes") or result["summary"]
        else:
            status, source = (NOT_IMPLEMENTED if must else UNSET), "not checked"
            notes = decl.get("notes") or ("not checked by this run" if must else "")
        if status == IMPLEMENTED and (result is None or result["status"] != PASSED):
            raise AssertionError("%s: Implemented without a passed check" % req["id"])
        evidence = []
        if status != UNSET or decl.get("evidence"):
            if result is not None:
                evidence.append(evidence_path(req["id"]))
            evidence.extend(decl.get("evidence") or [])
        entry.update(status=status, notes=notes, evidence=evidence, source=source, outcome=_outcome(result, decl))
        return entry

    # -- views the renderers share ----------------------------------------------------------
    def categories(self):
        """``[(category, [entries])]`` in template order."""
        out = []
        for entry in self.entries:
            if not out or out[-1][0] != entry["category"]:
                out.append((entry["category"], []))
            out[-1][1].append(entry)
        return out

    def counts(self):
        counts = {}
        for entry in self.entries:
            counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
        return counts

    def must_failed(self):
        """MUSTs whose check did not pass (failed, partial or error) and that were not declared N/A."""
        return [
            e["id"]
            for e in self.entries
            if e["level"] == reqs.MUST and e["outcome"] in (OUTCOME_FAILED, OUTCOME_PARTIAL, OUTCOME_ERROR)
        ]

    def must_not_checked(self):
        return [e["id"] for e in self.entries if e["level"] == reqs.MUST and e["outcome"] == OUTCOME_NOT_CHECKED]

    def summary(self):
        statuses = {}
        for entry in self.entries:
            statuses[entry["status"] or "(empty)"] = statuses.get(entry["status"] or "(empty)", 0) + 1
        return {
            "requirements": len(self.entries),
            "outcomes": self.counts(),
            "cncf_statuses": statuses,
            "must_failed": self.must_failed(),
            "must_not_checked": self.must_not_checked(),
            "not_in_checklist": [r["id"] for r in self.extra],
        }


def _outcome(result, decl):
    if (decl or {}).get("status") == NA:
        return OUTCOME_NA
    if result is None or result["status"] == SKIPPED:
        return OUTCOME_NOT_CHECKED
    return {
        PASSED: OUTCOME_PASSED,
        PARTIAL: OUTCOME_PARTIAL,
        FAILED: OUTCOME_FAILED,
        ERROR: OUTCOME_ERROR,
        NOT_APPLICABLE: OUTCOME_NA,
    }[result["status"]]
