# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the robust_controller check (module option ``robust_controller``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  robust_controller:
    description:
      - Settings of the V(robust_controller) check (an AI operator's CRDs established, controller pods ready, its
        validating webhook configured with a Service that has ready endpoints).
    type: dict
    default: {}
    suboptions:
      operator:
        description:
          - V(auto) checks every recognised operator whose API group is served and passes when one of them works.
          - Naming one checks only that operator, even when its API is not served.
        type: str
        choices: [auto, training_operator, trainer, kuberay, kserve]
        default: auto
      training_operator_namespace:
        description: Namespace of the Kubeflow training operator's pods; an empty string means all namespaces.
        type: str
        default: kubeflow
      training_operator_pod_selector:
        description: Label selector of the Kubeflow training operator's pods.
        type: str
        default: control-plane=kubeflow-training-operator
      trainer_namespace:
        description: Namespace of the Kubeflow Trainer controller's pods; an empty string means all namespaces.
        type: str
        default: kubeflow-system
      trainer_pod_selector:
        description: Label selector of the Kubeflow Trainer controller's pods.
        type: str
        default: app.kubernetes.io/part-of=kubeflow,app.kubernetes.io/component=manager
      kuberay_namespace:
        description: Namespace of the KubeRay operator's pods; the empty default means all namespaces.
        type: str
        default: ""
      kuberay_pod_selector:
        description: Label selector of the KubeRay operator's pods.
        type: str
        default: app.kubernetes.io/name=kuberay-operator
      kserve_namespace:
        description: Namespace of the KServe controller's pods; an empty string means all namespaces.
        type: str
        default: kserve
      kserve_pod_selector:
        description: Label selector of the KServe controller's pods.
        type: str
        default: control-plane=kserve-controller-manager
"""
