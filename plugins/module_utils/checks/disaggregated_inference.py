# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""disaggregated_inference (SHOULD): inference runs with prefill and decode as separate instances.

Only what the API states explicitly counts:

- llm-d: model-server pods labelled ``llm-d.ai/role=prefill`` and ``llm-d.ai/role=decode`` (the
  labels llm-d's scheduler routes on), one server-side selected pod list; a namespace with ready
  pods of both roles runs a disaggregated deployment.
- NVIDIA Dynamo: a ``DynamoGraphDeployment`` (``nvidia.com``) with services of
  ``subComponentType: prefill`` and ``decode``.
- KServe: an ``LLMInferenceService`` (``serving.kserve.io``) with a ``spec.prefill`` section.

LeaderWorkerSet alone (multi-host serving) is reported but proves no prefill/decode split. Nothing
found: ``skipped`` with "not detected".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    condition,
    labels_of,
    name_of,
    namespace_of,
    pods_health,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import PARTIAL, PASSED, SKIPPED

REQUIREMENT = "disaggregated_inference"
ARGUMENT_SPEC = {}
ROLE_LABEL = "llm-d.ai/role"


def _ready_text(obj):
    cond = condition(obj, "Ready")
    if cond is not None:
        return cond.get("status") == "True", "Ready=%s" % cond.get("status")
    state = (obj.get("status") or {}).get("state")
    if state:
        return str(state).lower() in ("successful", "ready", "running"), "state %s" % state
    return False, "readiness not reported"


def _llm_d(ctx, result):
    pods_res = ctx.discovery.require("", "v1", "pods")
    pods, evidence = ctx.list(
        result,
        "Pods with llm-d prefill/decode roles",
        pods_res,
        label_selector="%s in (prefill,decode)" % ROLE_LABEL,
    )
    by_ns = {}
    for p in pods:
        by_ns.setdefault(namespace_of(p), {"prefill": [], "decode": []})[labels_of(p).get(ROLE_LABEL)].append(p)
    running, partial, lines = [], [], []
    for ns, roles in sorted(by_ns.items()):
        prefill, decode = pods_health(roles["prefill"]), pods_health(roles["decode"])
        lines.append(
            "%s: prefill %d ready / %d, decode %d ready / %d"
            % (
                ns,
                len(prefill["ready"]),
                len(prefill["ready"]) + len(prefill["not_ready"]),
                len(decode["ready"]),
                len(decode["ready"]) + len(decode["not_ready"]),
            )
        )
        if prefill["ready"] and decode["ready"]:
            running.append(
                "llm-d in %s: %d prefill and %d decode pod(s) ready" % (ns, len(prefill["ready"]), len(decode["ready"]))
            )
        else:
            partial.append("llm-d pods in %s lack a ready %s" % (ns, "prefill" if not prefill["ready"] else "decode"))
    evidence.output = lines or "no pod carries %s=prefill or decode" % ROLE_LABEL
    evidence.ok = bool(running)
    return running, partial


def _dynamo(ctx, result):
    res = ctx.discovery.find("nvidia.com", "dynamographdeployments")
    if res is None:
        return [], []
    items, evidence = ctx.list(result, "Dynamo DynamoGraphDeployments", res)
    running, partial, lines = [], [], []
    for dgd in items:
        services = (dgd.get("spec") or {}).get("services") or {}
        kinds = {}
        for svc_name, svc in services.items():
            kinds.setdefault((svc or {}).get("subComponentType"), []).append(svc_name)
        ok, text = _ready_text(dgd)
        split = kinds.get("prefill") and kinds.get("decode")
        ident = "%s/%s" % (namespace_of(dgd), name_of(dgd))
        lines.append(
            "%s: prefill %s, decode %s, %s"
            % (ident, ",".join(kinds.get("prefill") or []) or "-", ",".join(kinds.get("decode") or []) or "-", text)
        )
        if split and ok:
            running.append(
                "Dynamo graph %s with prefill %s and decode %s (%s)"
                % (ident, ",".join(kinds["prefill"]), ",".join(kinds["decode"]), text)
            )
        elif split:
            partial.append("Dynamo graph %s splits prefill and decode but is not ready (%s)" % (ident, text))
    evidence.output = lines or "no DynamoGraphDeployment exists"
    evidence.ok = bool(running)
    if not items:
        partial.append(
            "the Dynamo operator API (%s) is installed but no DynamoGraphDeployment exists" % res.group_version
        )
    return running, partial


def _kserve(ctx, result):
    res = ctx.discovery.find("serving.kserve.io", "llminferenceservices")
    if res is None:
        return [], []
    items, evidence = ctx.list(result, "KServe LLMInferenceServices", res)
    running, partial, lines = [], [], []
    for svc in items:
        spec = svc.get("spec") or {}
        ok, text = _ready_text(svc)
        ident = "%s/%s" % (namespace_of(svc), name_of(svc))
        split = bool(spec.get("prefill"))
        lines.append("%s: %s, %s" % (ident, "prefill/decode split" if split else "no prefill section", text))
        if split and ok:
            running.append("KServe LLMInferenceService %s with a separate prefill stage (%s)" % (ident, text))
        elif split:
            partial.append("KServe LLMInferenceService %s splits prefill but is not ready (%s)" % (ident, text))
    evidence.output = lines or "no LLMInferenceService exists"
    evidence.ok = bool(running)
    if not any(bool((s.get("spec") or {}).get("prefill")) for s in items):
        partial.append(
            "KServe LLMInferenceService (%s) is installed but none separates prefill and decode" % res.group_version
        )
    return running, partial


def run(ctx, result):
    disco = ctx.discovery
    lws = disco.find("leaderworkerset.x-k8s.io", "leaderworkersets")
    result.add(
        "Disaggregated-serving APIs in discovery",
        request=", ".join(disco.requests[:2]),
        kubectl="kubectl api-resources --api-group=<group> (for nvidia.com, serving.kserve.io, "
        "leaderworkerset.x-k8s.io)",
        output=[
            "nvidia.com dynamographdeployments: %s"
            % ("served" if disco.find("nvidia.com", "dynamographdeployments") else "not served"),
            "serving.kserve.io llminferenceservices: %s"
            % ("served" if disco.find("serving.kserve.io", "llminferenceservices") else "not served"),
            "leaderworkerset.x-k8s.io leaderworkersets: %s" % ("served" if lws else "not served"),
        ],
    )
    running, partial = _llm_d(ctx, result)
    for probe in (_dynamo, _kserve):
        found, incomplete = probe(ctx, result)
        running.extend(found)
        partial.extend(incomplete)
    result.details.update({"running": running, "incomplete": partial, "leaderworkerset": bool(lws)})
    if running:
        return result.finish(PASSED, "prefill and decode run as separate instances: %s" % "; ".join(running))
    if partial:
        return result.finish(PARTIAL, "no disaggregated deployment is running: %s" % "; ".join(partial))
    return result.finish(
        SKIPPED,
        "not detected: no llm-d prefill/decode pods (label %s), no Dynamo graph and no KServe "
        "LLMInferenceService with separate prefill and decode%s"
        % (
            ROLE_LABEL,
            "; LeaderWorkerSet is served, which supports multi-host serving but shows no prefill/decode split"
            if lws
            else "",
        ),
    )
