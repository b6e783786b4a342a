# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate what the report is made from; every problem names the option and field at fault.

- ``results``: the return value of ``conformance_check`` (``schema_version`` 1). Only the
  documented keys are read, so e.g. Ansible's ``invocation`` (which can hold a kubeconfig
  given as a dictionary) never reaches a report.
- ``metadata``: the submission's metadata, snake_case option names -> PRODUCT.yaml keys.
- ``declarations``: what a person states for a requirement (N/A with a justification, Not
  Implemented, extra evidence URLs). A declaration can never make a requirement Implemented.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report.redact import redact
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import SCHEMA_VERSION, STATUSES

# option name -> PRODUCT.yaml metadata key (kubernetesVersion comes from the checklist version)
METADATA_KEYS = {
    "platform_name": "platformName",
    "platform_version": "platformVersion",
    "vendor_name": "vendorName",
    "website_url": "websiteUrl",
    "repo_url": "repoUrl",
    "documentation_url": "documentationUrl",
    "product_logo_url": "productLogoUrl",
    "description": "description",
    "contact_email_address": "contactEmailAddress",
    "k8s_conformance_url": "k8sConformanceUrl",
}

DECLARABLE = ("N/A", "Not Implemented")
RESULT_KEYS = ("schema_version", "checklist_version", "checklist_version_clamped", "cluster", "results", "api_requests")
_URL = re.compile(r"^https?://[^\s/]+\S*$")


def _fail(msg, *args):
    raise ConfigError(msg % args if args else msg)


def check_results(results, redact_values=()):
    """The validated, redacted copy of ``conformance_check``'s return value."""
    if not isinstance(results, dict):
        _fail(
            "results: expected the registered return value of conformance_check (a dictionary), got %s",
            type(results).__name__,
        )
    if results.get("failed"):
        _fail(
            "results: the conformance_check task failed (%s); there is nothing to report",
            redact(str(results.get("msg") or "no message"), redact_values),
        )
    if "schema_version" not in results:
        _fail(
            "results: no schema_version; expected the registered return value of "
            "ai_conformance.rke2.conformance_check (schema %d), got keys: %s",
            SCHEMA_VERSION,
            ", ".join(sorted(str(k) for k in results)) or "none",
        )
    version = results["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        _fail("results.schema_version: expected an integer, got %r", version)
    if version > SCHEMA_VERSION:
        _fail(
            "results.schema_version: %d is newer than this collection reads (%d); upgrade "
            "ai_conformance.rke2 to the version that ran conformance_check",
            version,
            SCHEMA_VERSION,
        )
    if version < SCHEMA_VERSION:
        _fail(
            "results.schema_version: %d is an older result format than this collection reads (%d); "
            "run conformance_check again with this collection",
            version,
            SCHEMA_VERSION,
        )
    data = redact({k: results.get(k) for k in RESULT_KEYS}, redact_values)
    if not isinstance(data["results"], list):
        _fail("results.results: expected a list of check results, got %s", type(data["results"]).__name__)
    cluster = data["cluster"]
    if cluster is None:
        cluster = {}
    if not isinstance(cluster, dict):
        _fail("results.cluster: expected a dictionary, got %s", type(cluster).__name__)
    discovery = cluster.get("discovery") if isinstance(cluster.get("discovery"), dict) else {}
    data["cluster"] = {k: cluster.get(k) for k in ("server", "version", "platform")}
    data["cluster"]["discovery"] = discovery.get("mode")
    known = reqs.all_ids()
    seen = set()
    for index, item in enumerate(data["results"]):
        where = "results.results[%d]" % index
        if not isinstance(item, dict):
            _fail("%s: expected a dictionary, got %s", where, type(item).__name__)
        rid = item.get("id")
        if rid not in known:
            _fail("%s.id: %r is not a requirement of any bundled checklist (%s)", where, rid, ", ".join(known))
        if rid in seen:
            _fail("%s.id: %s appears twice", where, rid)
        seen.add(rid)
        if item.get("status") not in STATUSES:
            _fail("%s.status: %r is not one of %s", where, item.get("status"), ", ".join(STATUSES))
        evidence = item.get("evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(e, dict) for e in evidence):
            _fail("%s.evidence: expected a list of dictionaries", where)
        item["evidence"] = evidence
        item.setdefault("summary", "")
        item["summary"] = item["summary"] or ""
        if not isinstance(item.get("details"), dict):
            item["details"] = {}
    return data


def pick_version(option, results, messages):
    """The checklist version: the option, else the cluster's minor version, clamped."""
    if option:
        reqs.template(option)  # a clear error for an unknown version
        return option, "option"
    git_version = (results.get("cluster") or {}).get("version")
    if not git_version:
        checked = results.get("checklist_version")
        if checked in reqs.versions():
            messages.append("the results carry no cluster version; using their checklist version %s" % checked)
            return checked, "results"
        _fail(
            "checklist_version: not set and the results carry no cluster version to derive it from; "
            "set checklist_version to one of %s",
            ", ".join(reqs.versions()),
        )
    try:
        version, clamped = reqs.version_for_cluster(git_version)
    except ConfigError:
        _fail(
            "checklist_version: not set, and the cluster version %r does not read as vMAJOR.MINOR; "
            "set checklist_version to one of %s",
            git_version,
            ", ".join(reqs.versions()),
        )
    if clamped:
        known = reqs.versions()
        messages.append(
            "the cluster runs Kubernetes %s, outside the bundled checklists %s to %s; the report uses %s "
            "(set checklist_version to choose another)" % (git_version, known[0], known[-1], version)
        )
    checked = results.get("checklist_version")
    if checked and checked != version:
        messages.append(
            "the checks ran with checklist %s but the report uses %s (derived from cluster %s); set "
            "checklist_version to choose" % (checked, version, git_version)
        )
    return version, "cluster"


def check_metadata(metadata):
    """Option ``metadata`` (snake_case keys) -> PRODUCT.yaml keys; empty values are left out."""
    out = {}
    for key, value in (metadata or {}).items():
        if key not in METADATA_KEYS:
            _fail("metadata.%s: unknown field; expected any of %s", key, ", ".join(METADATA_KEYS))
        if value is None:
            continue
        if not isinstance(value, str):
            _fail("metadata.%s: expected a string, got %s", key, type(value).__name__)
        if value.strip():
            out[METADATA_KEYS[key]] = value.strip()
    return out


def check_declarations(declarations, version, messages):
    """Validated declarations of the requirements of ``version``, keyed by id."""
    known = reqs.all_ids()
    in_version = {r["id"] for r in reqs.requirements(version)}
    out = {}
    for rid, given in (declarations or {}).items():
        where = "declarations.%s" % rid
        if rid not in known:
            _fail("%s: unknown requirement id; expected any of %s", where, ", ".join(known))
        decl = {} if given is None else given
        if not isinstance(decl, dict):
            _fail("%s: expected a dictionary with status, notes and evidence, got %s", where, type(decl).__name__)
        unknown = sorted(set(decl) - {"status", "notes", "evidence"})
        if unknown:
            _fail("%s: unknown field(s) %s; expected status, notes, evidence", where, ", ".join(unknown))
        status = decl.get("status") or ""
        if status and status not in DECLARABLE:
            _fail(
                "%s.status: %r cannot be declared; expected %s (only a passing check makes a requirement "
                "Implemented or Partially Implemented)",
                where,
                status,
                " or ".join(DECLARABLE),
            )
        notes = decl.get("notes") or ""
        if not isinstance(notes, str):
            _fail("%s.notes: expected a string, got %s", where, type(notes).__name__)
        if status == "N/A" and not notes.strip():
            _fail(
                "%s.notes: a justification is required when status is N/A (the CNCF validator rejects N/A "
                "without notes)",
                where,
            )
        evidence = decl.get("evidence") or []
        if isinstance(evidence, str):
            evidence = [evidence]
        if not isinstance(evidence, list):
            _fail("%s.evidence: expected a list of URLs", where)
        for index, url in enumerate(evidence):
            if not isinstance(url, str) or not _URL.match(url):
                _fail(
                    "%s.evidence[%d]: %r is not an http(s) URL (evidence files are written by the report "
                    "itself; declare documentation or test-result URLs)",
                    where,
                    index,
                    url,
                )
        if rid not in in_version:
            messages.append("%s: %s is not part of checklist %s; the declaration is ignored" % (where, rid, version))
            continue
        out[rid] = {"status": status, "notes": notes.strip(), "evidence": list(evidence)}
    return out
