# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the ai_service_metrics check (module option ``ai_service_metrics``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  ai_service_metrics:
    description:
      - Settings of the V(ai_service_metrics) check (Prometheus Operator, a ready Prometheus, and its active
        targets of a workload all up).
    type: dict
    default: {}
    suboptions:
      prometheus:
        description:
          - The Prometheus object to use, as V(namespace/name). When not set, the first ready one.
        type: str
      service:
        description:
          - Service and port, as V(name:port), in the Prometheus' namespace, whose proxy answers Prometheus' HTTP API.
          - When not set, the Service V(prometheus-operated) the Prometheus Operator creates for every Prometheus, at
            the port named after the Prometheus' C(spec.portName) (V(web) when unset; kube-prometheus-stack sets
            V(http-web)), as the operator names it.
        type: str
      service_monitor:
        description:
          - The ServiceMonitor whose targets must be up, as V(namespace/name), for example
            V(monitoring/nvidia-dcgm-monitor) (the seed's).
        type: str
      service_monitor_selector:
        description:
          - When O(ai_service_metrics.service_monitor) is not set, the ServiceMonitors whose
            C(spec.selector.matchLabels) contain these labels are used.
        type: dict
        default: {app: nvidia-dcgm-exporter}
      job:
        description:
          - Select targets by their C(job) label instead of by ServiceMonitor.
        type: str
      min_targets:
        description:
          - Fewest targets that must be up.
        type: int
        default: 1
"""
