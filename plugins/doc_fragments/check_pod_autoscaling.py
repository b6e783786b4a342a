# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the pod_autoscaling check (module option ``pod_autoscaling``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  pod_autoscaling:
    description:
      - Settings of the V(pod_autoscaling) check (autoscaling/v2 served, custom metrics API available, a custom
        metric readable, HorizontalPodAutoscalers on accelerator workloads able to scale).
    type: dict
    default: {}
    suboptions:
      apiservice:
        description: Name of the APIService of the custom metrics API (C(<version>.<group>)).
        type: str
        default: v1beta1.custom.metrics.k8s.io
      metric:
        description: Custom metric that must be readable; the default is the metric of the RKE2 reference's HPA.
        type: str
        default: gpu_utilization
      metric_namespace:
        description:
          - Namespace of the metric. With O(pod_autoscaling.metric_object) empty, the metric describes this
            Namespace itself (an Object metric on a Namespace, as the RKE2 reference's HPA uses).
        type: str
        default: suse-private-ai
      metric_object:
        description:
          - The object the metric describes, as C(<resource>/<name>) in the custom metrics API, for example
            V(pods/*) or V(deployments.apps/ollama). Empty means the Namespace O(pod_autoscaling.metric_namespace).
        type: str
        default: ""
      accelerator_resources:
        description:
          - Resources whose request or limit in a scale target's pod template makes an HPA one on an accelerator
            workload.
        type: list
        elements: str
        default: [nvidia.com/gpu, amd.com/gpu]
"""
