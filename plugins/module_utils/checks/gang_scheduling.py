# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gang_scheduling: an all-or-nothing scheduler is installed and running.

Volcano, Kueue and the scheduler-plugins coscheduling PodGroup are recognised. A scheduler is
detected by its API group in the shared discovery (no request); for each one detected the check
reads its CRDs by name (a handful of GETs) and lists the Deployments of its namespace once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    crd_problems,
    deployments_by_name,
    detect_components,
    read_crds,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PASSED

REQUIREMENT = "gang_scheduling"


# a gang scheduler: the API that reveals it, its CRDs and the Deployments that run it
Scheduler = namedtuple("Scheduler", "key title group plural crds namespace deployments install")

SCHEDULERS = (
    Scheduler(
        "volcano",
        "Volcano",
        "scheduling.volcano.sh",
        "podgroups",
        ("podgroups.scheduling.volcano.sh", "queues.scheduling.volcano.sh", "jobs.batch.volcano.sh"),
        "volcano-system",
        ("volcano-scheduler", "volcano-controllers", "volcano-admission"),
        "helm install volcano volcano-sh/volcano -n volcano-system --create-namespace",
    ),
    Scheduler(
        "kueue",
        "Kueue",
        "kueue.x-k8s.io",
        "clusterqueues",
        (
            "clusterqueues.kueue.x-k8s.io",
            "localqueues.kueue.x-k8s.io",
            "resourceflavors.kueue.x-k8s.io",
            "workloads.kueue.x-k8s.io",
        ),
        "kueue-system",
        ("kueue-controller-manager",),
        "kubectl apply --server-side -f https://github.com/kubernetes-sigs/kueue/releases/download/<version>/manifests.yaml",
    ),
    Scheduler(
        "coscheduling",
        "scheduler-plugins coscheduling",
        "scheduling.x-k8s.io",
        "podgroups",
        ("podgroups.scheduling.x-k8s.io",),
        "scheduler-plugins",
        ("scheduler-plugins-scheduler", "scheduler-plugins-controller"),
        "helm install scheduler-plugins as-a-second-scheduler/ -n scheduler-plugins --create-namespace",
    ),
)

ARGUMENT_SPEC = {
    "scheduler": dict(type="str", default="auto", choices=["auto"] + [s.key for s in SCHEDULERS]),
}
for _s in SCHEDULERS:
    ARGUMENT_SPEC["%s_namespace" % _s.key] = dict(type="str", default=_s.namespace)
    ARGUMENT_SPEC["%s_deployments" % _s.key] = dict(type="list", elements="str", default=list(_s.deployments))


def _settings(opts, sched):
    """``(namespace, deployments)`` of ``sched``; an empty namespace means its default."""
    return opts["%s_namespace" % sched.key] or sched.namespace, opts["%s_deployments" % sched.key]


def _examine(ctx, result, opts, sched):
    """Problems of one scheduler (empty when it is installed and running)."""
    namespace, deployments = _settings(opts, sched)
    found, _evidence = read_crds(ctx, result, "%s CRDs established" % sched.title, sched.crds)
    problems = crd_problems(found)
    if deployments:
        _found, dep_problems, _evidence = deployments_by_name(
            ctx, result, "%s Deployments ready in namespace %s" % (sched.title, namespace), namespace, deployments
        )
        problems.extend(dep_problems)
    return problems, namespace, deployments


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    detected = detect_components(
        ctx, result, "Gang scheduler APIs in discovery", SCHEDULERS, opts["scheduler"] or "auto"
    )
    if not detected:
        return result.finish(
            FAILED,
            "no gang scheduler found: none of %s is served; install one (the RKE2 reference installs "
            "Volcano: %s), or name the one you use with gang_scheduling.scheduler"
            % (", ".join("%s (%s)" % (s.group, s.title) for s in SCHEDULERS), SCHEDULERS[0].install),
        )

    outcome, healthy, broken = [], [], []
    for sched in detected:
        problems, namespace, deployments = _examine(ctx, result, opts, sched)
        outcome.append(
            {
                "scheduler": sched.key,
                "title": sched.title,
                "namespace": namespace,
                "deployments": deployments,
                "crds": list(sched.crds),
                "healthy": not problems,
                "problems": problems,
            }
        )
        (broken if problems else healthy).append((sched, problems, namespace, deployments))
    result.details["schedulers"] = outcome
    result.details["found"] = [s.key for s, _p, _n, _d in healthy]

    others = "; ".join("%s is installed but not healthy: %s" % (s.title, "; ".join(p)) for s, p, _n, _d in broken)
    if healthy:
        sched, _p, namespace, deployments = healthy[0]
        running = "no Deployments checked"
        if deployments:
            running = "Deployments %s ready in %s" % (", ".join(deployments), namespace)
        return result.finish(
            PASSED,
            "%s is installed and running: CRDs %s established, %s%s"
            % (sched.title, ", ".join(sched.crds), running, ("; " + others) if others else ""),
        )
    return result.finish(FAILED, "no gang scheduler is healthy: %s" % others)
