# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the CNCF checklists ask for: requirement ids, categories and levels by version.

Everything here is read from the bundled templates (``checklists.py``), so a new
checklist version needs a template, never an edit of this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checklists import TEMPLATES
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError

MUST = "MUST"
SHOULD = "SHOULD"

# Short names for people; the ids are the CNCF's.
TITLES = {
    "dra_support": "Dynamic Resource Allocation",
    "driver_runtime_management": "Accelerator driver and runtime management",
    "gpu_sharing": "GPU sharing",
    "virtualized_accelerator": "Virtualized accelerators",
    "ai_inference": "Gateway API for inference",
    "advanced_inference_ingress": "Gateway API Inference Extension",
    "high_performance_networking": "High-performance networking",
    "disaggregated_inference": "Disaggregated inference",
    "gang_scheduling": "Gang scheduling",
    "cluster_autoscaling": "Cluster autoscaling on accelerators",
    "pod_autoscaling": "Pod autoscaling on custom metrics",
    "accelerator_metrics": "Accelerator metrics",
    "ai_service_metrics": "AI service metrics",
    "secure_accelerator_access": "Secure accelerator access",
    "workload_sandboxing": "Workload sandboxing",
    "robust_controller": "Robust AI operator",
}

_CACHE = {}


def versions():
    """Checklist versions bundled, oldest first."""
    return sorted(TEMPLATES, key=lambda v: tuple(int(p) for p in v.split(".")))


def template(version):
    """The parsed template of ``version`` (a fresh copy the caller may change)."""
    if version not in TEMPLATES:
        raise ConfigError(
            "checklist_version: %r is not a known AI-conformance checklist; expected one of %s"
            % (version, ", ".join(versions()))
        )
    return copy.deepcopy(TEMPLATES[version])


def requirements(version):
    """``[{"id", "category", "level", "description"}]`` of ``version`` in template order."""
    if version not in _CACHE:
        spec = template(version)["spec"]
        _CACHE[version] = [
            {"id": item["id"], "category": category, "level": item["level"], "description": item["description"]}
            for category, items in spec.items()
            for item in items
        ]
    return [dict(r) for r in _CACHE[version]]


def all_ids():
    """Every requirement id of every bundled version, in first-seen order."""
    seen = []
    for version in versions():
        for req in requirements(version):
            if req["id"] not in seen:
                seen.append(req["id"])
    return seen


def level(requirement_id, version):
    """``MUST``/``SHOULD`` of a requirement in ``version``, or None when that version lacks it."""
    for req in requirements(version):
        if req["id"] == requirement_id:
            return req["level"]
    return None


def category(requirement_id):
    for version in reversed(versions()):
        for req in requirements(version):
            if req["id"] == requirement_id:
                return req["category"]
    return None


def version_for_cluster(git_version):
    """The checklist version for a cluster's ``gitVersion`` (``v1.34.1+rke2r1`` -> ``1.34``).

    Clusters older or newer than the bundled range get its nearest end; ``clamped`` says so.
    """
    match = re.match(r"v?(\d+)\.(\d+)", git_version or "")
    if not match:
        raise ConfigError("cannot read a Kubernetes version from %r" % (git_version,))
    wanted = (int(match.group(1)), int(match.group(2)))
    known = versions()
    parsed = [tuple(int(p) for p in v.split(".")) for v in known]
    if wanted < parsed[0]:
        return known[0], True
    if wanted > parsed[-1]:
        return known[-1], True
    return "%d.%d" % wanted, False
