# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render, self-check and write a report folder; the logic of ``conformance_report``.

``generate(params, check_mode)`` returns the module's result. The folder is rewritten only
when something other than timestamps changed (``fingerprint``), or with ``force``, so a
second run on an unchanged cluster reports ``changed=false``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import json
import os

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError, ConformanceError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import (
    evidence,
    html_report,
    inputs,
    json_report,
    junit_report,
    markdown_report,
    product_yaml,
    selfcheck,
    writer,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report.model import Report
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report.redact import redact

# always written: PRODUCT.yaml, evidence/, results.json; these are optional
FORMATS = ("junit", "markdown", "html")


def _stable(results):
    """A copy of the results without what changes on every run (times, request counts)."""
    stable = copy.deepcopy(results)
    stable["api_requests"] = {}
    for item in stable["results"]:
        item["started"] = ""
        item["duration"] = 0
    return stable


def _render(report, formats, fingerprint=""):
    files = {product_yaml.FILENAME: product_yaml.render(report)}
    files.update(evidence.render(report))
    passed = {r["id"] for r in report.raw_results if r["status"] == "passed"}
    violations = selfcheck.check(files[product_yaml.FILENAME], report.version, lambda rel: rel in files, passed)
    self_check = selfcheck.summary(violations)
    if "junit" in formats:
        files[junit_report.FILENAME] = junit_report.render(report)
    if "markdown" in formats:
        files[markdown_report.FILENAME] = markdown_report.render(report, self_check)
    if "html" in formats:
        files[html_report.FILENAME] = html_report.render(report, self_check)
    files[json_report.FILENAME] = json_report.render(report, self_check, fingerprint)
    return files, self_check, passed


def _fingerprint(files):
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def _on_disk(target):
    found = []
    for root, _dirs, names in os.walk(target):
        found.extend(os.path.relpath(os.path.join(root, n), target).replace(os.sep, "/") for n in names)
    return sorted(found)


def table(report):
    """The compact summary table the role prints, as lines."""
    width = max(len(e["id"]) for e in report.entries) + 2
    lines = ["%-*s%-8s%-16s%s" % (width, "REQUIREMENT", "LEVEL", "OUTCOME", "PRODUCT.yaml")]
    for e in report.entries:
        lines.append("%-*s%-8s%-16s%s" % (width, e["id"], e["level"], e["outcome"], e["status"] or "(empty)"))
    return lines


def generate(params, check_mode=False, diff=False):
    messages = []
    target = params.get("output_dir")
    if not target or not os.path.isabs(target):
        raise ConfigError("output_dir: expected an absolute path to the report folder, got %r" % (target,))
    formats = list(params.get("formats") or [])
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ConfigError(
            "formats: unknown format(s) %s; expected any of %s (PRODUCT.yaml, evidence/ and "
            "results.json are always written)" % (", ".join(unknown), ", ".join(FORMATS))
        )
    redact_values = params.get("redact") or []
    results = inputs.check_results(params.get("results"), redact_values)
    version, source = inputs.pick_version(params.get("checklist_version"), results, messages)
    metadata = inputs.check_metadata(params.get("metadata"))
    declarations = inputs.check_declarations(params.get("declarations"), version, messages)
    node_facts = params.get("node_facts") or {}
    if not isinstance(node_facts, dict):
        raise ConfigError("node_facts: expected a dictionary of host name -> facts, got %s" % type(node_facts).__name__)
    node_facts = redact(node_facts, redact_values)

    by_id = {r["id"]: r for r in results["results"]}
    for rid, decl in sorted(declarations.items()):
        if decl["status"] and (by_id.get(rid) or {}).get("status") == "passed":
            messages.append(
                "declarations.%s: declared %s although its check passed; the declaration wins" % (rid, decl["status"])
            )

    def build(data, generated=None):
        return Report(
            version, source, data, metadata, declarations, node_facts=node_facts, messages=messages, generated=generated
        )

    stable_files, _sc, _p = _render(build(_stable(results), generated="-"), formats)
    fingerprint = _fingerprint(stable_files)
    report = build(results)
    files, self_check, passed = _render(report, formats, fingerprint)

    exists = writer.check_target(target)
    previous = None
    if exists:
        try:
            previous = json.loads(writer.read(target, json_report.FILENAME) or "{}").get("fingerprint")
        except ValueError:
            previous = None
    changed = bool(params.get("force")) or previous != fingerprint or (exists and _on_disk(target) != sorted(files))
    if not exists:
        changed = True

    def verify(folder):
        with open(os.path.join(folder, product_yaml.FILENAME), encoding="utf-8") as handle:
            written = handle.read()
        again = selfcheck.check(written, version, lambda rel: os.path.isfile(os.path.join(folder, rel)), passed)
        if again != self_check["violations"]:
            raise ConformanceError("self-check of the written PRODUCT.yaml differs from the rendered one: %s" % again)

    if changed and not check_mode:
        writer.write(target, files, verify=verify)

    summary = report.summary()
    out = {
        "changed": changed,
        "path": target,
        "files": sorted(files),
        "written": changed and not check_mode,
        "checklist_version": version,
        "checklist_version_source": source,
        "self_check": self_check,
        "summary": summary,
        "must_failed": summary["must_failed"],
        "table": table(report),
        "fingerprint": fingerprint,
        "messages": messages,
        "msg": "%s; report %s %s"
        % (
            markdown_report.headline(report),
            "would be written to" if check_mode and changed else ("written to" if changed else "unchanged in"),
            target,
        ),
    }
    if diff:
        out["diff"] = {
            "before_header": os.path.join(target, product_yaml.FILENAME),
            "after_header": os.path.join(target, product_yaml.FILENAME),
            "before": (writer.read(target, product_yaml.FILENAME) or "") if exists else "",
            "after": files[product_yaml.FILENAME],
        }
    return out
