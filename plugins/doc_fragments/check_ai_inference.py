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
      - Settings of the V(ai_inference) check (Gateway API served, a GatewayClass accepted, the implementation
        behind it running).
    type: dict
    default: {}
    suboptions:
      gateway_class:
        description:
          - Name of the GatewayClass that must be accepted, for example V(traefik) on RKE2.
          - When not set, any accepted GatewayClass passes.
        type: str
      implementation_namespace:
        description:
          - Namespace of the pods of the Gateway API implementation behind the accepted class.
          - When not set, the default of a known controller is used (V(kube-system) for Traefik's
            V(traefik.io/gateway-controller), where RKE2 installs its rke2-traefik chart); an empty string means
            all namespaces.
        type: str
      implementation_selector:
        description:
          - Label selector (evaluated by the API server) of the implementation's pods; every one found must be
            ready.
          - When not set, the default of a known controller is used (for Traefik
            V(app.kubernetes.io/name=rke2-traefik,app.kubernetes.io/instance=rke2-traefik-kube-system)). For
            other controllers the health of the implementation is not checked, and the result says so.
        type: str
"""
