# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the gpu_sharing check (module option ``gpu_sharing``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  gpu_sharing:
    description:
      - Settings of the V(gpu_sharing) check (time-slicing, MPS or MIG configured and advertised by the GPU nodes).
    type: dict
    default: {}
    suboptions:
      cluster_policy:
        description:
          - Name of the GPU Operator's ClusterPolicy. When not set, V(cluster-policy), else the only one.
        type: str
      operator_namespace:
        description:
          - Namespace of the GPU Operator's components. When not set, the ClusterPolicy's C(status.namespace),
            else V(gpu-operator).
        type: str
      gpu_node_selector:
        description:
          - Label selector (evaluated by the API server) that finds the GPU nodes.
        type: str
        default: nvidia.com/gpu.present=true
"""
