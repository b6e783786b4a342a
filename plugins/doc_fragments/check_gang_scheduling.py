# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the gang_scheduling check (module option ``gang_scheduling``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  gang_scheduling:
    description:
      - Settings of the V(gang_scheduling) check (Volcano, Kueue or the scheduler-plugins coscheduling PodGroup
        installed, with CRDs established and Deployments ready).
    type: dict
    default: {}
    suboptions:
      scheduler:
        description:
          - V(auto) checks every scheduler whose API group is served and passes when one of them is healthy.
          - Naming one checks only that scheduler, even when its API is not served, so that a missing
            installation is reported in detail.
        type: str
        choices: [auto, volcano, kueue, coscheduling]
        default: auto
      volcano_namespace:
        description: Namespace of Volcano's Deployments.
        type: str
        default: volcano-system
      volcano_deployments:
        description: Volcano Deployments that must be ready.
        type: list
        elements: str
        default: [volcano-scheduler, volcano-controllers, volcano-admission]
      kueue_namespace:
        description: Namespace of Kueue's controller.
        type: str
        default: kueue-system
      kueue_deployments:
        description: Kueue Deployments that must be ready.
        type: list
        elements: str
        default: [kueue-controller-manager]
      coscheduling_namespace:
        description: Namespace of the scheduler-plugins Deployments (the Helm chart's release namespace).
        type: str
        default: scheduler-plugins
      coscheduling_deployments:
        description: scheduler-plugins Deployments that must be ready.
        type: list
        elements: str
        default: [scheduler-plugins-scheduler, scheduler-plugins-controller]
"""
