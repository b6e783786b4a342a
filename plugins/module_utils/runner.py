# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a set of requirement checks against one cluster, sharing one discovery pass.

A check that fails to read the cluster (401, 403, timeout, 5xx after retries) reports
``error`` with the cause; the other checks still run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks import (
    accelerator_metrics,
    advanced_inference_ingress,
    ai_inference,
    ai_service_metrics,
    cluster_autoscaling,
    disaggregated_inference,
    dra_support,
    driver_runtime_management,
    gang_scheduling,
    gpu_sharing,
    high_performance_networking,
    pod_autoscaling,
    robust_controller,
    secure_accelerator_access,
    virtualized_accelerator,
    workload_sandboxing,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.context import CheckContext, with_defaults
from ansible_collections.ai_conformance.rke2.plugins.module_utils.discovery import discover
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError, ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import ERROR, SCHEMA_VERSION, Result

# requirement id -> check module. Each module has REQUIREMENT, ARGUMENT_SPEC (the suboptions of
# the module option named after the requirement) and run(ctx, result).
CHECKS = {
    mod.REQUIREMENT: mod
    for mod in (
        dra_support,
        driver_runtime_management,
        gpu_sharing,
        virtualized_accelerator,
        ai_inference,
        advanced_inference_ingress,
        high_performance_networking,
        disaggregated_inference,
        gang_scheduling,
        cluster_autoscaling,
        pod_autoscaling,
        accelerator_metrics,
        ai_service_metrics,
        secure_accelerator_access,
        workload_sandboxing,
        robust_controller,
    )
}


def argument_spec():
    """Module options of the checks: one dict option per requirement that has settings."""
    return {
        rid: dict(type="dict", default={}, options=mod.ARGUMENT_SPEC)
        for rid, mod in CHECKS.items()
        if mod.ARGUMENT_SPEC
    }


def known_requirements():
    return [rid for rid in reqs.all_ids() if rid in CHECKS]


def select(requested):
    """Validate the ``requirements`` option: ids, or ``all``; returns ids in catalogue order."""
    requested = list(requested or ["all"])
    if "all" in requested:
        return known_requirements()
    unknown = [r for r in requested if r not in CHECKS]
    if unknown:
        raise ConfigError(
            "requirements: unknown requirement id(s) %s; expected 'all' or any of %s"
            % (", ".join(sorted(unknown)), ", ".join(known_requirements()))
        )
    return [rid for rid in known_requirements() if rid in requested]


def _run_one(ctx, requirement):
    result = Result(requirement)
    try:
        CHECKS[requirement].run(ctx, result)
    except ApiError as exc:
        result.details["error"] = exc.to_dict()
        if exc.request:
            result.add("request that failed", request=exc.request, output=exc.message, ok=False)
        result.finish(ERROR, "could not read the cluster: %s" % exc.message)
    except Exception as exc:  # a bug in one check must not hide the others' results
        result.details["error"] = {"message": str(exc), "type": type(exc).__name__}
        result.finish(
            ERROR, "internal error in the %s check (%s: %s); please report it" % (requirement, type(exc).__name__, exc)
        )
    return result


def cluster_version(client):
    """``/version`` of the API server (gitVersion, platform...)."""
    return client.get("/version")


def run(client, requested, options=None, checklist_version=None, workers=4):
    """Run the checks and return the module's result dict (``results``, ``cluster``, counters)."""
    ids = select(requested)
    version = cluster_version(client)
    clamped = False
    if checklist_version is None:
        checklist_version, clamped = reqs.version_for_cluster(version.get("gitVersion"))
    else:
        reqs.template(checklist_version)  # validates the value
    disco = discover(client)
    options = {rid: with_defaults((options or {}).get(rid), CHECKS[rid].ARGUMENT_SPEC) for rid in ids}
    ctx = CheckContext(client, disco, cluster_version=version, checklist_version=checklist_version, options=options)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda rid: _run_one(ctx, rid), ids))
    return {
        "schema_version": SCHEMA_VERSION,
        "checklist_version": checklist_version,
        "checklist_version_clamped": clamped,
        "cluster": {
            "server": client.host,
            "version": version.get("gitVersion"),
            "platform": version.get("platform"),
            "discovery": disco.summary(),
        },
        "results": [
            r.to_dict(
                level=reqs.level(r.requirement, checklist_version),
                category=reqs.category(r.requirement),
                title=reqs.TITLES.get(r.requirement),
            )
            for r in results
        ],
        "api_requests": client.stats(),
    }
