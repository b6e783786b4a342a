# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""advanced_inference_ingress (SHOULD): the Gateway API Inference Extension is installed and used.

The Inference Extension's InferencePool is served as ``inference.networking.k8s.io/v1`` (GA, v1.0
and later) or ``inference.networking.x-k8s.io/v1alpha2`` (earlier releases). When one is served, the
check lists the InferencePools and looks at their status: a pool accepted by a parent Gateway shows
an implementation routes to it. Nothing served: ``skipped`` with "not detected".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    name_of,
    namespace_of,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import PARTIAL, PASSED, SKIPPED

REQUIREMENT = "advanced_inference_ingress"
ARGUMENT_SPEC = {}
GROUPS = ("inference.networking.k8s.io", "inference.networking.x-k8s.io")


def _parents(pool):
    """``[(parent, accepted status, reason)]`` from ``status.parents`` (v1) or ``status.parent`` (v1alpha2)."""
    status = pool.get("status") or {}
    out = []
    for parent in (status.get("parents") or []) + (status.get("parent") or []):
        ref = parent.get("parentRef") or {}
        accepted = {}
        for cond in parent.get("conditions") or []:
            if cond.get("type") == "Accepted":
                accepted = cond
        where = "%s %s%s" % (
            ref.get("kind") or "Gateway",
            "%s/" % ref["namespace"] if ref.get("namespace") else "",
            ref.get("name"),
        )
        out.append((where, accepted.get("status", "not reported"), accepted.get("reason")))
    return out


def run(ctx, result):
    disco = ctx.discovery
    found = [(g, disco.find(g, "inferencepools")) for g in GROUPS]
    served = [(g, r) for g, r in found if r is not None]
    result.add(
        "Gateway API Inference Extension InferencePool served",
        request=", ".join(disco.requests[:2]),
        kubectl="kubectl api-resources --api-group=inference.networking.k8s.io; "
        "kubectl api-resources --api-group=inference.networking.x-k8s.io",
        output=["%s: %s" % (g, "inferencepools at %s" % r.group_version if r else "not served") for g, r in found],
        ok=bool(served),
    )
    if not served:
        return result.finish(
            SKIPPED,
            "not detected: the Gateway API Inference Extension is not installed (no InferencePool in %s)"
            % " or ".join(GROUPS),
        )

    pools = []
    for _group, res in served:
        items, evidence = ctx.list(result, "InferencePools (%s)" % res.group_version, res)
        lines = []
        for pool in items:
            parents = _parents(pool)
            pools.append((res.group_version, pool, parents))
            lines.append(
                "%s/%s: %s"
                % (
                    namespace_of(pool),
                    name_of(pool),
                    "; ".join("%s Accepted=%s%s" % (p, s, " (%s)" % r if r else "") for p, s, r in parents)
                    or "no parent Gateway reported",
                )
            )
        evidence.output = lines or "no InferencePool exists"
        evidence.ok = bool(items)
    result.details["served"] = [r.group_version for _g, r in served]
    result.details["pools"] = [
        {
            "apiVersion": gv,
            "namespace": namespace_of(p),
            "name": name_of(p),
            "parents": [{"parent": a, "accepted": s, "reason": r} for a, s, r in parents],
        }
        for gv, p, parents in pools
    ]
    apis = ", ".join(r.group_version for _g, r in served)
    if not pools:
        return result.finish(
            PARTIAL,
            "the Inference Extension API is served (%s) but no InferencePool exists: deploy a model server "
            "behind an InferencePool and route to it from an HTTPRoute" % apis,
        )
    accepted = [(gv, p, parent) for gv, p, parents in pools for parent, status, _r in parents if status == "True"]
    if accepted:
        return result.finish(
            PASSED,
            "the Inference Extension API is served (%s); InferencePool(s) accepted by a Gateway: %s"
            % (apis, shorten("%s/%s by %s" % (namespace_of(p), name_of(p), parent) for _gv, p, parent in accepted)),
        )
    return result.finish(
        PARTIAL,
        "the Inference Extension API is served (%s) and InferencePool(s) exist (%s), but no Gateway reports "
        "having accepted one: is an HTTPRoute routing to the pool through an implementation that supports the "
        "extension?" % (apis, shorten("%s/%s" % (namespace_of(p), name_of(p)) for _gv, p, _pa in pools)),
    )
