# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the virtualized_accelerator check (module option ``virtualized_accelerator``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  virtualized_accelerator:
    description:
      - Settings of the V(virtualized_accelerator) check (vGPU nodes and the GPU Operator's vGPU managers).
    type: dict
    default: {}
    suboptions:
      cluster_policy:
        description:
          - Name of the GPU Operator's ClusterPolicy. When not set, V(cluster-policy), else the only one.
        type: str
      gpu_node_selector:
        description:
          - Label selector (evaluated by the API server) that finds the GPU nodes.
        type: str
        default: nvidia.com/gpu.present=true
"""
