# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ai_inference: the Gateway API is served, an implementation accepts a GatewayClass, and that
implementation runs.

The health of the implementation is checked for controllers this collection knows (Traefik's
``traefik.io/gateway-controller``: the rke2-traefik chart's pods in ``kube-system``, found with a
server-side label selector) or for any controller whose pods the user names with
``implementation_namespace`` and ``implementation_selector``. For other controllers the result says
plainly that the implementation's health was not checked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import condition, pods_health, shorten
from ansible_collections.ai_conformance.rke2.plugins.module_utils.context import api_resources_table
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PARTIAL, PASSED

REQUIREMENT = "ai_inference"
ARGUMENT_SPEC = {
    "gateway_class": dict(type="str"),
    "implementation_namespace": dict(type="str"),
    "implementation_selector": dict(type="str"),
}
# controllerName -> (implementation, namespace, label selector of its pods). RKE2 installs Traefik
# from its rke2-traefik chart as release rke2-traefik in kube-system: the chart (named rke2-traefik)
# labels pods app.kubernetes.io/name=rke2-traefik, app.kubernetes.io/instance=<release>-<namespace>.
IMPLEMENTATIONS = {
    "traefik.io/gateway-controller": (
        "Traefik",
        "kube-system",
        "app.kubernetes.io/name=rke2-traefik,app.kubernetes.io/instance=rke2-traefik-kube-system",
    ),
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
        return _finish_with_health(ctx, result, opts, accepted)
    return result.finish(
        FAILED,
        "no GatewayClass is accepted: %s"
        % "; ".join(
            "%s (controller %s) has Accepted=%s, reason %s: %s"
            % (c["name"], c["controllerName"], c["accepted"], c["reason"], c["message"])
            for c in chosen
        ),
    )


def _accepted_text(c):
    return "GatewayClass %s is accepted by %s (reason %s: %s)" % (
        c["name"],
        c["controllerName"],
        c["reason"],
        c["message"],
    )


def _implementation(opts, controller):
    """``(title, namespace, selector)`` of the pods behind ``controller``, or None when unknown."""
    namespace, selector = opts.get("implementation_namespace"), opts.get("implementation_selector")
    known = IMPLEMENTATIONS.get(controller)
    if selector:
        title = known[0] if known else controller
        return title, namespace if namespace is not None else (known[1] if known else ""), selector
    if known:
        return known[0], known[1] if namespace is None else namespace, known[2]
    return None


def _health(ctx, result, opts, cls, cache):
    """Adds ``health`` (healthy, degraded, down, not checked) and ``health_text`` to ``cls``."""
    impl = _implementation(opts, cls["controllerName"])
    if impl is None:
        cls["health"] = "not checked"
        cls["health_text"] = (
            "the health of the implementation behind %s was not checked: this collection knows no pods for "
            "that controller (set ai_inference.implementation_namespace and ai_inference.implementation_selector "
            "to check them)" % cls["controllerName"]
        )
        return
    title, namespace, selector = impl
    where = "namespace %s" % namespace if namespace else "all namespaces"
    if (namespace, selector) not in cache:
        resource = ctx.discovery.require("", "v1", "pods")
        pods, evidence = ctx.list(
            result,
            "Pods of the %s implementation (%s, %s)" % (title, where, selector),
            resource,
            namespace=namespace or None,
            label_selector=selector,
        )
        health = pods_health(pods)
        evidence.output = health["lines"] or "no pod matches"
        evidence.ok = bool(health["ready"]) and not health["not_ready"]
        cache[(namespace, selector)] = health
    health = cache[(namespace, selector)]
    ready, not_ready = health["ready"], health["not_ready"]
    total = len(ready) + len(not_ready)
    if not total:
        cls["health"] = "down"
        cls["health_text"] = "its implementation %s is not running: no pod matches %s in %s%s" % (
            title,
            selector,
            where,
            " (if it runs elsewhere, set ai_inference.implementation_namespace and implementation_selector)",
        )
    elif not ready:
        cls["health"] = "down"
        cls["health_text"] = "its implementation %s is not running: none of its %d pod(s) is ready: %s" % (
            title,
            total,
            shorten(not_ready),
        )
    elif not_ready:
        cls["health"] = "degraded"
        cls["health_text"] = "its implementation %s is degraded: %d/%d pods ready; not ready: %s" % (
            title,
            len(ready),
            total,
            shorten(not_ready),
        )
    else:
        cls["health"] = "healthy"
        cls["health_text"] = "its implementation %s is running: %d/%d pods ready (%s, %s)" % (
            title,
            len(ready),
            total,
            where,
            selector,
        )


def _finish_with_health(ctx, result, opts, accepted):
    cache = {}
    for cls in accepted:
        _health(ctx, result, opts, cls, cache)
    for rank, status in (("healthy", PASSED), ("not checked", PASSED), ("degraded", PARTIAL)):
        for cls in accepted:
            if cls["health"] == rank:
                others = [c for c in accepted if c is not cls and c["health"] in ("down", "degraded")]
                extra = "".join(
                    "; GatewayClass %s is accepted too, but %s" % (c["name"], c["health_text"]) for c in others
                )
                return result.finish(status, "%s; %s%s" % (_accepted_text(cls), cls["health_text"], extra))
    return result.finish(
        FAILED,
        "; ".join("%s, but %s" % (_accepted_text(c), c["health_text"]) for c in accepted),
    )
