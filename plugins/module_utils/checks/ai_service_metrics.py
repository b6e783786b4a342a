# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ai_service_metrics: a monitoring system that discovers workload endpoints and scrapes them.

Looks for the Prometheus Operator (``monitoring.coreos.com`` servicemonitors and prometheuses
served), a ready Prometheus (condition ``Available=True`` and its StatefulSet ready), and shows
that it discovers a workload: Prometheus' targets API (read through the API server's service
proxy) lists active targets of the chosen ServiceMonitor (default: the one selecting the DCGM
exporter, as in the seed) and every one of them is up.

The targets API is read through the operator's governing Service ``prometheus-operated``, at the
port named after the Prometheus' ``spec.portName`` (the operator names both the container port
and the Service port after it: ``web`` by default, ``http-web`` as kube-prometheus-stack sets it),
unless the ``service`` option names another ``name:port``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    condition,
    labels_of,
    name_of,
    namespace_of,
    proxy_path,
    statefulset_ready,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import ERROR, FAILED, PASSED

REQUIREMENT = "ai_service_metrics"
ARGUMENT_SPEC = {
    "prometheus": dict(type="str"),
    "service": dict(type="str"),
    "service_monitor": dict(type="str"),
    "service_monitor_selector": dict(type="dict", default={"app": "nvidia-dcgm-exporter"}),
    "job": dict(type="str"),
    "min_targets": dict(type="int", default=1),
}
GROUP = "monitoring.coreos.com"
# the governing Service the Prometheus Operator creates for every Prometheus, and its default port name
GOVERNING_SERVICE = "prometheus-operated"
DEFAULT_PORT_NAME = "web"


def _ref(value, option):
    """``namespace/name`` -> (namespace, name)."""
    parts = (value or "").split("/")
    if len(parts) != 2 or not all(parts):
        raise ConfigError("ai_service_metrics.%s: expected namespace/name, got %r" % (option, value))
    return parts[0], parts[1]


def _prometheus_state(ctx, result, prom):
    """``(ready, text)`` from the Available condition and the operator's StatefulSet."""
    ns, name = namespace_of(prom), name_of(prom)
    available = condition(prom, "Available")
    sts_res = ctx.discovery.require("apps", "v1", "statefulsets")
    sts, evidence = ctx.get(result, "StatefulSet of Prometheus %s/%s" % (ns, name), sts_res, "prometheus-" + name, ns)
    if sts is None:
        sts_ok, sts_text = False, "StatefulSet prometheus-%s not found" % name
    else:
        sts_ok, sts_text = statefulset_ready(sts)
        sts_text = "StatefulSet prometheus-%s %s" % (name, sts_text)
    evidence.output = sts_text
    evidence.ok = sts_ok
    parts = []
    if available is not None:
        parts.append(
            "Available=%s%s"
            % (available.get("status"), " (%s)" % available.get("message") if available.get("message") else "")
        )
    parts.append(sts_text)
    ok = sts_ok and (available is None or available.get("status") == "True")
    return ok, ", ".join(parts)


def _selected_monitors(monitors, opts):
    if opts.get("service_monitor"):
        ns, name = _ref(opts["service_monitor"], "service_monitor")
        return [m for m in monitors if namespace_of(m) == ns and name_of(m) == name]
    wanted = opts.get("service_monitor_selector") or {}
    chosen = []
    for mon in monitors:
        match = (((mon.get("spec") or {}).get("selector")) or {}).get("matchLabels") or {}
        if all(match.get(k) == v for k, v in wanted.items()):
            chosen.append(mon)
    return chosen


def _selector_hint(prom, monitors):
    """Why Prometheus may ignore the ServiceMonitors: its serviceMonitorSelector's labels."""
    selector = ((prom.get("spec") or {}).get("serviceMonitorSelector")) or {}
    needed = selector.get("matchLabels") or {}
    if not needed:
        return ""
    unmatched = [
        "%s/%s" % (namespace_of(m), name_of(m))
        for m in monitors
        if not all(labels_of(m).get(k) == v for k, v in needed.items())
    ]
    if not unmatched:
        return ""
    return "; the Prometheus selects ServiceMonitors labelled %s, which %s lack(s)" % (
        ",".join("%s=%s" % kv for kv in sorted(needed.items())),
        ", ".join(unmatched),
    )


def _target_line(target):
    line = "%s %s health=%s" % (target.get("scrapePool"), target.get("scrapeUrl"), target.get("health"))
    if target.get("lastError"):
        line += " error=%s" % target["lastError"]
    return line


def run(ctx, result):
    opts = ctx.options(REQUIREMENT)
    disco = ctx.discovery
    monitors_res = disco.find(GROUP, "servicemonitors", ["v1"])
    proms_res = disco.find(GROUP, "prometheuses", ["v1"])
    served = [r.name for r in (monitors_res, proms_res) if r is not None]
    result.add(
        "Prometheus Operator API (%s)" % GROUP,
        request=", ".join(disco.requests[:2]),
        kubectl="kubectl api-resources --api-group=%s" % GROUP,
        output="served: %s" % (", ".join(served) or "none"),
        ok=len(served) == 2,
    )
    if len(served) < 2:
        return result.finish(
            FAILED,
            "no Prometheus Operator: %s/v1 %s not served; install kube-prometheus-stack (or the Prometheus "
            "Operator) so that workloads can be discovered through ServiceMonitors"
            % (GROUP, " and ".join(n for n in ("servicemonitors", "prometheuses") if n not in served)),
        )

    try:
        wanted_prom = _ref(opts["prometheus"], "prometheus") if opts.get("prometheus") else None
        svc_name, svc_port = None, None
        if opts.get("service") is not None:
            svc_name, _sep, svc_port = opts["service"].partition(":")
            if not svc_name or not svc_port:
                raise ConfigError("ai_service_metrics.service: expected name:port, got %r" % opts.get("service"))
        if opts.get("service_monitor"):
            _ref(opts["service_monitor"], "service_monitor")
    except ConfigError as exc:
        return result.finish(ERROR, str(exc))

    proms, evidence = ctx.list(result, "Prometheus objects", proms_res)
    if wanted_prom:
        proms = [p for p in proms if (namespace_of(p), name_of(p)) == wanted_prom]
    if not proms:
        evidence.output = "none"
        return result.finish(
            FAILED,
            "no Prometheus%s exists: the operator is installed but runs no Prometheus"
            % (" %s/%s" % wanted_prom if wanted_prom else ""),
        )
    states = []
    for prom in proms:
        ready, text = _prometheus_state(ctx, result, prom)
        states.append((prom, ready, text))
    evidence.output = ["%s/%s: %s" % (namespace_of(p), name_of(p), t) for p, _r, t in states]
    ready = [p for p, r, _t in states if r]
    result.details["prometheuses"] = {"%s/%s" % (namespace_of(p), name_of(p)): t for p, _r, t in states}
    if not ready:
        return result.finish(
            FAILED,
            "no Prometheus is ready: %s"
            % "; ".join("%s/%s: %s" % (namespace_of(p), name_of(p), t) for p, _r, t in states),
        )
    prom = ready[0]
    prom_id = "%s/%s" % (namespace_of(prom), name_of(prom))

    monitors = []
    if not opts.get("job"):
        all_monitors, mon_ev = ctx.list(result, "ServiceMonitors", monitors_res)
        monitors = _selected_monitors(all_monitors, opts)
        mon_ev.output = ["%s/%s" % (namespace_of(m), name_of(m)) for m in all_monitors] or "no ServiceMonitor exists"
        mon_ev.ok = bool(monitors)
        if not monitors:
            what = (
                "ServiceMonitor %s" % opts["service_monitor"]
                if opts.get("service_monitor")
                else "ServiceMonitor selecting %s"
                % ",".join("%s=%s" % kv for kv in sorted((opts.get("service_monitor_selector") or {}).items()))
            )
            return result.finish(
                FAILED,
                "no %s exists: create one for the workload's metrics endpoint (the seed's nvidia-dcgm-monitor "
                "for the DCGM exporter), or set ai_service_metrics.service_monitor or .job" % what,
            )
        result.details["service_monitors"] = ["%s/%s" % (namespace_of(m), name_of(m)) for m in monitors]

    if svc_name is None:
        # the operator names the governing Service's port after spec.portName
        svc_name = GOVERNING_SERVICE
        svc_port = (prom.get("spec") or {}).get("portName") or DEFAULT_PORT_NAME
    path = proxy_path("services", namespace_of(prom), svc_name, svc_port, "/api/v1/targets")
    body = ctx.client.get(path, query={"state": "active"})
    active = ((body or {}).get("data") or {}).get("activeTargets") or []
    if opts.get("job"):
        chosen = [t for t in active if (t.get("labels") or {}).get("job") == opts["job"]]
        what = "job %s" % opts["job"]
    else:
        pools = ["serviceMonitor/%s/%s/" % (namespace_of(m), name_of(m)) for m in monitors]
        chosen = [t for t in active if any((t.get("scrapePool") or "").startswith(p) for p in pools)]
        what = "ServiceMonitor %s" % ", ".join(result.details["service_monitors"])
    lines = [_target_line(t) for t in chosen]
    result.add(
        "active targets of %s in Prometheus %s" % (what, prom_id),
        request="GET %s?state=active" % path,
        kubectl="kubectl get --raw '%s?state=active'" % path,
        output=lines or "%d active target(s), none from %s" % (len(active), what),
        ok=bool(chosen) and all(t.get("health") == "up" for t in chosen),
    )
    result.details["targets"] = [
        {
            "scrapePool": t.get("scrapePool"),
            "scrapeUrl": t.get("scrapeUrl"),
            "health": t.get("health"),
            "lastError": t.get("lastError"),
            "job": (t.get("labels") or {}).get("job"),
        }
        for t in chosen
    ]
    if (body or {}).get("status") not in (None, "success"):
        return result.finish(FAILED, "Prometheus %s's targets API answered status %r" % (prom_id, body.get("status")))
    if not chosen:
        hint = "" if opts.get("job") else _selector_hint(prom, monitors)
        return result.finish(
            FAILED,
            "Prometheus %s has no active target from %s (%d active target(s) in all)%s"
            % (prom_id, what, len(active), hint),
        )
    down = [t for t in chosen if t.get("health") != "up"]
    if down:
        return result.finish(
            FAILED,
            "%d of %d target(s) of %s are not up in Prometheus %s: %s"
            % (
                len(down),
                len(chosen),
                what,
                prom_id,
                "; ".join(
                    "%s health=%s (%s)" % (t.get("scrapeUrl"), t.get("health"), t.get("lastError") or "no error text")
                    for t in down
                ),
            ),
        )
    if len(chosen) < opts["min_targets"]:
        return result.finish(
            FAILED,
            "Prometheus %s scrapes %d target(s) of %s, fewer than ai_service_metrics.min_targets=%d"
            % (prom_id, len(chosen), what, opts["min_targets"]),
        )
    return result.finish(
        PASSED,
        "Prometheus %s is ready and discovers %d target(s) of %s, all up (%s)"
        % (prom_id, len(chosen), what, ", ".join(t.get("scrapeUrl") or "?" for t in chosen[:5])),
    )
