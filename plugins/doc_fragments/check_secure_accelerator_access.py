# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the secure_accelerator_access check (module option ``secure_accelerator_access``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  secure_accelerator_access:
    description:
      - Settings of the V(secure_accelerator_access) check (GPU Operator ready; isolation through volume mounts,
        CDI or a DRA driver; the toolkit settings on every GPU node).
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
      toolkit_configs:
        description:
          - The registered results of M(ai_conformance.rke2.nvidia_toolkit_info) from the GPU nodes, keyed by Kubernetes
            node name (a result whose RV(ai_conformance.rke2.nvidia_toolkit_info#module:hostname) is the node name is
            found too).
          - Needed to verify the node side of the volume-mounts setup; without it that part is reported as not verified
            and the result is V(partial).
        type: dict
        default: {}
      dra_device_class:
        description:
          - DeviceClass of the NVIDIA DRA driver.
        type: str
        default: gpu.nvidia.com
      dra_driver:
        description:
          - Driver name in the NVIDIA DRA driver's ResourceSlices.
        type: str
        default: gpu.nvidia.com
"""
