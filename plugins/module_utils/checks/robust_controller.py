# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""robust_controller: at least one AI operator runs with its CRDs, controller and admission webhook.

Recognised operators: Kubeflow training operator (``kubeflow.org``), Kubeflow Trainer
(``trainer.kubeflow.org``), KubeRay (``ray.io``) and KServe (``serving.kserve.io``). An operator is
detected by its API group in the shared discovery. For each one detected: its main CRDs are read by
name and must be established; its controller pods (server-side label selector) must be ready; a
ValidatingWebhookConfiguration must have a webhook for its group, and the Service that webhook calls
must have ready endpoints (one EndpointSlice list per namespace, selected by
``kubernetes.io/service-name``). The read-only audit cannot show that an invalid object is rejected
or a valid one reconciled: that takes creating objects.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    crd_problems,
    detect_components,
    endpoint_slices_ready,
    name_of,
    pods_health,
    read_crds,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PARTIAL, PASSED

REQUIREMENT = "robust_controller"


# an AI operator: the API that reveals it, its main CRDs, and where and how its controller pods are found
Operator = namedtuple("Operator", "key title group plural crds namespace selector")

OPERATORS = (
    Operator(
        "training_operator",
        "Kubeflow training operator",
        "kubeflow.org",
        "tfjobs",
        ("tfjobs.kubeflow.org", "pytorchjobs.kubeflow.org"),
        "kubeflow",
        "control-plane=kubeflow-training-operator",
    ),
    Operator(
        "trainer",
        "Kubeflow Trainer",
        "trainer.kubeflow.org",
        "trainjobs",
        (
            "trainjobs.trainer.kubeflow.org",
            "trainingruntimes.trainer.kubeflow.org",
            "clustertrainingruntimes.trainer.kubeflow.org",
        ),
        "kubeflow-system",
        # labels shared by the kustomize manifests (name=trainer) and the Helm chart (name=kubeflow-trainer)
        "app.kubernetes.io/part-of=kubeflow,app.kubernetes.io/component=manager",
    ),
    Operator(
        "kuberay",
        "KubeRay",
        "ray.io",
        "rayclusters",
        ("rayclusters.ray.io", "rayjobs.ray.io", "rayservices.ray.io"),
        "",
        "app.kubernetes.io/name=kuberay-operator",
    ),
    Operator(
        "kserve",
        "KServe",
        "serving.kserve.io",
        "inferenceservices",
        ("inferenceservices.serving.kserve.io", "servingruntimes.serving.kserve.io"),
        "kserve",
        "control-plane=kserve-controller-manager",
    ),
)
INSTALL_HINT = (
    "kubectl apply -k 'github.com/kubeflow/training-operator/manifests/overlays/standalone?ref=v1.8.0' "
    "(the RKE2 reference's Kubeflow training operator)"
)

ARGUMENT_SPEC = {"operator": dict(type="str", default="auto", choices=["auto"] + [o.key for o in OPERATORS])}
for _o in OPERATORS:
    ARGUMENT_SPEC["%s_namespace" % _o.key] = dict(type="str", default=_o.namespace)
    ARGUMENT_SPEC["%s_pod_selector" % _o.key] = dict(type="str", default=_o.selector)


def _webhooks_for(configs, group):
    """``[(configuration name, webhook)]`` of the webhooks whose rules cover ``group``."""
    found = []
    for cfg in configs:
        for hook in cfg.get("webhooks") or []:
            groups = set()
            for rule in hook.get("rules") or []:
                groups.update(rule.get("apiGroups") or [])
            if group in groups:
                found.append((name_of(cfg), hook))
    return found


def _describe_hook(cfg_name, hook):
    client = hook.get("clientConfig") or {}
    svc = client.get("service")
    target = (
        "service %s/%s:%s%s" % (svc.get("namespace"), svc.get("name"), svc.get("port", 443), svc.get("path") or "")
        if svc
        else "url %s" % client.get("url")
    )
    return "%s / %s -> %s, failurePolicy=%s, caBundle=%s" % (
        cfg_name,
        hook.get("name"),
        target,
        hook.get("failurePolicy", "Fail"),
        "set" if client.get("caBundle") else "empty",
    )


class _Reads(object):
    """Reads shared by the operators of one run: the webhook configurations and EndpointSlices."""

    def __init__(self, ctx, result):
        self.ctx = ctx
        self.result = result
        self._configs = None
        self._slices = {}

    def configs(self):
        if self._configs is None:
            res = self.ctx.discovery.require("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations")
            items, evidence = self.ctx.list(self.result, "ValidatingWebhookConfigurations", res)
            evidence.output = [_describe_hook(name_of(c), h) for c in items for h in c.get("webhooks") or []] or (
                "no ValidatingWebhookConfiguration exists"
            )
            self._configs = items
        return self._configs

    def ready_endpoints(self, namespace, services):
        """``{service: ready endpoint count}`` with one EndpointSlice list for ``namespace``."""
        services = sorted(set(services))
        key = (namespace, tuple(services))
        if key not in self._slices:
            res = self.ctx.discovery.require("discovery.k8s.io", "v1", "endpointslices")
            selector = (
                "kubernetes.io/service-name=%s" % services[0]
                if len(services) == 1
                else "kubernetes.io/service-name in (%s)" % ",".join(services)
            )
            items, evidence = self.ctx.list(
                self.result,
                "EndpointSlices of the webhook Service(s) %s in %s" % (", ".join(services), namespace),
                res,
                namespace=namespace,
                label_selector=selector,
            )
            counts = endpoint_slices_ready(items)
            evidence.output = ["%s: %d ready endpoint(s)" % (s, counts.get(s, 0)) for s in services]
            evidence.ok = all(counts.get(s, 0) for s in services)
            self._slices[key] = counts
        return self._slices[key]


def _settings(opts, op):
    """``(namespace, pod selector)`` of ``op``; an empty namespace means all namespaces, an empty selector
    the default one."""
    return opts["%s_namespace" % op.key], opts["%s_pod_selector" % op.key] or op.selector


def _examine(ctx, result, reads, opts, op):
    """``(problems, degraded, facts)`` of one operator."""
    namespace, selector = _settings(opts, op)
    found, _evidence = read_crds(ctx, result, "%s CRDs established" % op.title, op.crds)
    problems, degraded = crd_problems(found), []

    pods_res = ctx.discovery.require("", "v1", "pods")
    pods, evidence = ctx.list(
        result,
        "%s controller pods (%s)" % (op.title, "namespace %s" % namespace if namespace else "all namespaces"),
        pods_res,
        namespace=namespace or None,
        label_selector=selector,
    )
    health = pods_health(pods)
    evidence.output = health["lines"] or "no pod matches %s" % selector
    evidence.ok = bool(health["ready"]) and not health["not_ready"]
    where = "in %s" % namespace if namespace else "in any namespace"
    if not health["ready"] and not health["not_ready"]:
        problems.append("no controller pod matches %s %s" % (selector, where))
    elif not health["ready"]:
        problems.append("no controller pod is ready: %s" % shorten(health["not_ready"]))
    elif health["not_ready"]:
        degraded.append("controller pods not ready: %s" % shorten(health["not_ready"]))

    hooks = _webhooks_for(reads.configs(), op.group)
    webhook_lines = []
    if not hooks:
        problems.append("no ValidatingWebhookConfiguration has a webhook for %s resources" % op.group)
    by_namespace = {}
    for cfg_name, hook in hooks:
        svc = (hook.get("clientConfig") or {}).get("service")
        webhook_lines.append(_describe_hook(cfg_name, hook))
        if svc:
            by_namespace.setdefault(svc.get("namespace"), []).append((cfg_name, hook, svc.get("name")))
    for svc_ns, entries in sorted(by_namespace.items()):
        counts = reads.ready_endpoints(svc_ns, [e[2] for e in entries])
        for cfg_name, hook, svc_name in entries:
            if not counts.get(svc_name):
                problems.append(
                    "webhook %s (%s) calls Service %s/%s, which has no ready endpoints"
                    % (hook.get("name"), cfg_name, svc_ns, svc_name)
                )
    facts = {
        "operator": op.key,
        "title": op.title,
        "group": op.group,
        "crds": list(op.crds),
        "namespace": namespace,
        "pod_selector": selector,
        "ready_pods": health["ready"],
        "not_ready_pods": health["not_ready"],
        "webhooks": webhook_lines,
        "problems": problems,
        "degraded": degraded,
    }
    return problems, degraded, facts


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    detected = detect_components(ctx, result, "AI operator APIs in discovery", OPERATORS, opts["operator"] or "auto")
    if not detected:
        return result.finish(
            FAILED,
            "no AI operator found: none of %s is served; install one, for example %s"
            % (", ".join("%s (%s)" % (o.group, o.title) for o in OPERATORS), INSTALL_HINT),
        )

    reads = _Reads(ctx, result)
    healthy, degraded, broken, facts = [], [], [], []
    for op in detected:
        problems, notes, fact = _examine(ctx, result, reads, opts, op)
        facts.append(fact)
        if problems:
            broken.append((op, problems))
        elif notes:
            degraded.append((op, notes))
        else:
            healthy.append((op, fact))
    result.details["operators"] = facts
    result.details["healthy"] = [op.key for op, _f in healthy]

    def others(skip):
        parts = ["%s: %s" % (op.title, "; ".join(p)) for op, p in broken + degraded if op is not skip]
        return ("; other operators: " + " | ".join(parts)) if parts else ""

    if healthy:
        op, fact = healthy[0]
        return result.finish(
            PASSED,
            "%s runs: CRDs %s established, controller pod(s) %s ready, validating webhook(s) %s with ready "
            "endpoints; that an invalid object is rejected is not shown, since this check only reads%s"
            % (
                op.title,
                ", ".join(op.crds),
                shorten(fact["ready_pods"]),
                ", ".join(h.split(" -> ")[0] for h in fact["webhooks"]),
                others(op),
            ),
        )
    if degraded:
        op, notes = degraded[0]
        return result.finish(PARTIAL, "%s runs degraded: %s%s" % (op.title, "; ".join(notes), others(op)))
    return result.finish(
        FAILED,
        "no AI operator is fully working: %s" % " | ".join("%s: %s" % (o.title, "; ".join(p)) for o, p in broken),
    )
