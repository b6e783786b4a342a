# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ai_inference: the Gateway API is served and an implementation accepts a GatewayClass."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.context import api_resources_table
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PASSED

REQUIREMENT = "ai_inference"
ARGUMENT_SPEC = {
    "gateway_class": dict(type="str"),
}
GROUP = "gateway.networking.k8s.io"
# resource -> (versions that satisfy it, namespaced). ReferenceGrant is v1beta1 up to
# Gateway API v1.4 and served as v1 too from v1.5.
EXPECTED = {
    "gatewayclasses": (("v1",), False),
    "gateways": (("v1",), True),
    "grpcroutes": (("v1",), True),
    "httproutes": (("v1",), True),
    "referencegrants": (("v1", "v1beta1"), True),
}


def condition(obj, kind):
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def _served(ctx, result):
    disco = ctx.discovery
    found, problems = [], []
    for name, (versions, namespaced) in sorted(EXPECTED.items()):
        res = disco.find(GROUP, name, versions)
        if res is None:
            problems.append("%s (at %s)" % (name, " or ".join(versions)))
        elif res.namespaced != namespaced:
            problems.append("%s with scope %s" % (name, res.scope))
        else:
            found.append(res)
    result.add(
        "Gateway API resources served (%s versions: %s)" % (GROUP, ", ".join(disco.versions(GROUP)) or "none"),
        request=", ".join(disco.requests[:2]),
        kubectl="kubectl api-resources --api-group=%s" % GROUP,
        output=api_resources_table(found) if found else "(%s is not served)" % GROUP,
        ok=not problems,
    )
    result.details["resources"] = [r.to_dict() for r in found]
    return problems


def _describe(gc):
    spec = gc.get("spec") or {}
    accepted = condition(gc, "Accepted") or {}
    meta = gc.get("metadata") or {}
    stale = (
        accepted.get("observedGeneration") is not None
        and meta.get("generation") is not None
        and accepted["observedGeneration"] < meta["generation"]
    )
    return {
        "name": meta.get("name"),
        "controllerName": spec.get("controllerName"),
        "accepted": accepted.get("status", "Unknown"),
        "reason": accepted.get("reason"),
        "message": accepted.get("message"),
        "stale": bool(stale),
    }


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    wanted = opts.get("gateway_class")
    problems = _served(ctx, result)
    if problems:
        return result.finish(FAILED, "the Gateway API is not fully served: missing %s" % "; ".join(problems))

    resource = ctx.discovery.resource(GROUP, "v1", "gatewayclasses")
    items, evidence = ctx.list(result, "GatewayClasses and their Accepted condition", resource)
    classes = [_describe(gc) for gc in items]
    evidence.output = [
        "%(name)s controller=%(controllerName)s Accepted=%(accepted)s reason=%(reason)s message=%(message)s" % c
        for c in classes
    ] or "no GatewayClass exists"
    result.details["gateway_classes"] = classes

    if wanted:
        chosen = [c for c in classes if c["name"] == wanted]
        if not chosen:
            found = ", ".join(c["name"] for c in classes) or "none"
            return result.finish(
                FAILED,
                "GatewayClass %r does not exist (found: %s); create it for your Gateway "
                "API implementation" % (wanted, found),
            )
    else:
        chosen = classes
    if not chosen:
        return result.finish(
            FAILED,
            "no GatewayClass exists: the Gateway API is served but no implementation "
            "is set up (for RKE2, enable Traefik's kubernetesGateway provider and create "
            "the GatewayClass 'traefik')",
        )
    accepted = [c for c in chosen if c["accepted"] == "True"]
    if accepted:
        best = accepted[0]
        return result.finish(
            PASSED,
            "GatewayClass %s is accepted by %s (reason %s: %s)"
            % (best["name"], best["controllerName"], best["reason"], best["message"]),
        )
    return result.finish(
        FAILED,
        "no GatewayClass is accepted: %s"
        % "; ".join(
            "%s (controller %s) has Accepted=%s, reason %s: %s"
            % (c["name"], c["controllerName"], c["accepted"], c["reason"], c["message"])
            for c in chosen
        ),
    )
