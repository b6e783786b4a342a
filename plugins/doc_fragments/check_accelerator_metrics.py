# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the accelerator_metrics check (module option ``accelerator_metrics``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  accelerator_metrics:
    description:
      - Settings of the V(accelerator_metrics) check (per-GPU utilization and memory metrics on every GPU node,
        read through the API server's proxy and parsed as Prometheus text).
    type: dict
    default: {}
    suboptions:
      namespace:
        description:
          - Namespace of the metrics Service.
        type: str
        default: gpu-operator
      service:
        description:
          - Name of the metrics Service (the GPU Operator's DCGM exporter by default).
        type: str
        default: nvidia-dcgm-exporter
      port:
        description:
          - Port of the Service, by name or number.
        type: str
        default: gpu-metrics
      path:
        description:
          - HTTP path of the metrics page.
        type: str
        default: /metrics
      scrape:
        description:
          - V(pods) lists the Service's pods once and reads every GPU node's exporter pod through the pod proxy
            (one request per GPU node, four at a time), which proves every node.
          - V(service) reads one page through the service proxy (one request, which reaches one exporter pod) and
            matches series to nodes by O(accelerator_metrics.node_labels); nodes whose exporter did not answer fail.
        type: str
        choices: [pods, service]
        default: pods
      gpu_node_selector:
        description:
          - Label selector (evaluated by the API server) that finds the GPU nodes.
        type: str
        default: nvidia.com/gpu.present=true
      node_labels:
        description:
          - Metric labels that name the node of a series (dcgm-exporter sets C(Hostname) to the node name when the
            GPU Operator passes C(NODE_NAME), else to the pod name). Used with O(accelerator_metrics.scrape=service).
        type: list
        elements: str
        default: [Hostname, hostname, node]
      utilization_metrics:
        description:
          - Metrics every GPU must expose for utilization (all of them).
        type: list
        elements: str
        default: [DCGM_FI_DEV_GPU_UTIL]
      memory_metrics:
        description:
          - Metrics every GPU must expose for memory (all of them).
        type: list
        elements: str
        default: [DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE]
"""
