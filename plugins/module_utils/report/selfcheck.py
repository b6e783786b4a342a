# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CNCF validator's offline rules, applied to a PRODUCT.yaml before anyone submits it.

Mirrors cncf/k8s-ai-conformance ``scripts/validate.go`` (see docs/report-format.md): each
violation names its rule. The rules that need the network (vendor in the CNCF landscape,
URLs answering) are listed in ``NOT_CHECKED`` and never claimed. Three project rules go
further than the validator: descriptions and levels unchanged, kubernetesVersion of the
checklist, and ``Implemented`` only where a check passed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
import re

try:
    import yaml

    HAS_YAML = True
except ImportError:  # the module reports it with missing_required_lib
    HAS_YAML = False

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs

VALID_STATUSES = ("Implemented", "Not Implemented", "Partially Implemented", "N/A")
# the validator's metadataFields: name -> required
METADATA_FIELDS = (
    ("kubernetesVersion", True),
    ("platformName", True),
    ("platformVersion", True),
    ("vendorName", True),
    ("websiteUrl", True),
    ("repoUrl", False),
    ("documentationUrl", True),
    ("productLogoUrl", True),
    ("description", True),
    ("contactEmailAddress", True),
    ("k8sConformanceUrl", True),
)
K8S_CONFORMANCE_URL = re.compile(r"^https://github\.com/cncf/k8s-conformance/tree/(master|main)/v\d+\.\d+/[^/]+/?$")

RULES = {
    "yaml_valid": "PRODUCT.yaml parses as YAML with a metadata and a spec mapping",
    "metadata_present": "every required metadata field is present, a string, and not empty",
    "metadata_placeholder": "no metadata field keeps a [placeholder] value",
    "k8s_conformance_url_format": "k8sConformanceUrl is https://github.com/cncf/k8s-conformance/tree/(master|main)/vX.Y/<name>",
    "category_present": "every category of the template is present",
    "requirement_present": "every requirement id of the template is present",
    "status_valid": "status is Implemented, Not Implemented, Partially Implemented or N/A (a SHOULD with empty "
    "status and no evidence is skipped)",
    "must_implemented": "every MUST is Implemented",
    "na_has_notes": "an N/A status has notes",
    "evidence_file_exists": "every evidence entry that is not an http(s) URL is a file next to PRODUCT.yaml",
    # project rules (stricter than the validator)
    "template_unchanged": "description and level of each requirement are the template's, unchanged",
    "kubernetes_version_matches": "metadata.kubernetesVersion is the checklist's version",
    "implemented_has_passing_check": "Implemented only where this run's check passed",
}
NOT_CHECKED = {
    "vendor_cncf_member": "vendorName must match a CNCF member in the CNCF landscape (needs the network)",
    "urls_reachable": "k8sConformanceUrl, metadata URLs and evidence URLs must answer below HTTP 400 "
    "(needs the network)",
}


def _snake(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _violation(rule, message, requirement=None, field=None):
    return {"rule": rule, "requirement": requirement, "field": field, "message": message}


def _metadata(metadata, version):
    out = []
    for field, required in METADATA_FIELDS:
        snake = _snake(field)
        present = field in metadata or snake in metadata
        value = metadata.get(field, metadata.get(snake))
        if not present or value is None:
            if required:
                out.append(
                    _violation("metadata_present", "metadata.%s (or %s) is missing" % (field, snake), field=field)
                )
            continue
        if not isinstance(value, str):
            out.append(_violation("metadata_present", "metadata.%s is not a string" % field, field=field))
            continue
        if value == "":
            if required:
                out.append(_violation("metadata_present", "metadata.%s is empty" % field, field=field))
        elif value.startswith("[") and value.endswith("]"):
            out.append(
                _violation(
                    "metadata_placeholder", "metadata.%s has the placeholder value %s" % (field, value), field=field
                )
            )
        elif field == "k8sConformanceUrl" and not K8S_CONFORMANCE_URL.match(value):
            out.append(
                _violation(
                    "k8s_conformance_url_format",
                    "metadata.k8sConformanceUrl %r is not https://github.com/cncf/k8s-conformance/tree/master/vX.Y/<product>"
                    % value,
                    field=field,
                )
            )
    k8s = metadata.get("kubernetesVersion", metadata.get("kubernetes_version"))
    if isinstance(k8s, str) and k8s and k8s != "v" + version:
        out.append(
            _violation(
                "kubernetes_version_matches",
                "metadata.kubernetesVersion is %s; checklist %s needs v%s" % (k8s, version, version),
                field="kubernetesVersion",
            )
        )
    return out


def _is_url(link):
    return link.startswith("http://") or link.startswith("https://")


def check(product_text, version, exists, passed_ids=None):
    """Violations of ``product_text`` against checklist ``version``.

    ``exists(relative_path)`` says whether an evidence file is in the folder;
    ``passed_ids`` (optional) are the requirement ids whose check passed in this run.
    """
    try:
        doc = yaml.safe_load(product_text)
    except yaml.YAMLError as exc:
        return [_violation("yaml_valid", "PRODUCT.yaml does not parse: %s" % exc)]
    if not isinstance(doc, dict):
        return [_violation("yaml_valid", "PRODUCT.yaml is not a mapping")]
    out = []
    metadata = doc.get("metadata")
    if not isinstance(metadata, dict):
        out.append(_violation("yaml_valid", "PRODUCT.yaml has no metadata mapping"))
    else:
        out.extend(_metadata(metadata, version))
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        out.append(_violation("yaml_valid", "PRODUCT.yaml has no spec mapping"))
        return out
    template = reqs.template(version)["spec"]
    for category, items in template.items():
        given = spec.get(category)
        if not isinstance(given, list):
            out.append(_violation("category_present", "spec.%s is missing" % category, field=category))
            continue
        by_id = {r.get("id"): r for r in given if isinstance(r, dict)}
        for treq in items:
            rid = treq["id"]
            req = by_id.get(rid)
            if req is None:
                out.append(
                    _violation(
                        "requirement_present", "spec.%s has no requirement %s" % (category, rid), requirement=rid
                    )
                )
                continue
            out.extend(_requirement(treq, req, exists, passed_ids))
    return out


def _requirement(treq, req, exists, passed_ids):
    rid, level = treq["id"], treq["level"]
    out = []
    if req.get("description") != treq["description"] or req.get("level") != level:
        out.append(
            _violation(
                "template_unchanged", "%s: description or level differs from the template" % rid, requirement=rid
            )
        )
    status = req.get("status")
    status = "" if status is None else status
    evidence = req.get("evidence") or []
    notes = req.get("notes") or ""
    if not isinstance(evidence, list):
        evidence = [evidence]
    if status == "Implemented" and passed_ids is not None and rid not in passed_ids:
        out.append(
            _violation(
                "implemented_has_passing_check",
                "%s is Implemented but its check did not pass in this run" % rid,
                requirement=rid,
            )
        )
    if level == reqs.SHOULD and status == "" and not evidence:
        return out  # the validator skips it
    if status not in VALID_STATUSES:
        out.append(
            _violation(
                "status_valid",
                "%s: status %r is not one of %s" % (rid, status, ", ".join(VALID_STATUSES)),
                requirement=rid,
            )
        )
    if level == reqs.MUST and status != "Implemented":
        out.append(
            _violation(
                "must_implemented",
                "%s is a MUST with status %r; it must be Implemented" % (rid, status),
                requirement=rid,
            )
        )
    if status == "N/A" and not str(notes).strip():
        out.append(_violation("na_has_notes", "%s is N/A without notes" % rid, requirement=rid))
    for link in evidence:
        if not link or not isinstance(link, str) or _is_url(link):
            continue
        normal = posixpath.normpath(link)
        if normal.startswith("../") or normal.startswith("/") or not exists(normal):
            out.append(
                _violation(
                    "evidence_file_exists",
                    "%s: evidence file %s does not exist next to PRODUCT.yaml" % (rid, link),
                    requirement=rid,
                )
            )
    return out


def summary(violations):
    """The module's ``self_check`` return value."""
    return {
        "passed": not violations,
        "violations": violations,
        "by_rule": {
            rule: sum(1 for v in violations if v["rule"] == rule)
            for rule in RULES
            if any(v["rule"] == rule for v in violations)
        },
        "rules_checked": sorted(RULES),
        "not_checked": NOT_CHECKED,
    }
