# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the ai_inference check (module option ``ai_inference``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  ai_inference:
    description:
      - Settings of the V(ai_inference) check (Gateway API served, a GatewayClass accepted).
    type: dict
    default: {}
    suboptions:
      gateway_class:
        description:
          - Name of the GatewayClass that must be accepted, for example V(traefik) on RKE2.
          - When not set, any accepted GatewayClass passes.
        type: str
"""
