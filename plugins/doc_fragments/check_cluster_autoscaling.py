# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the cluster_autoscaling check (module option ``cluster_autoscaling``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  cluster_autoscaling:
    description:
      - Settings of the V(cluster_autoscaling) check (a cluster autoscaler runs and manages node groups that carry
        accelerators, or the platform declares it provides none).
    type: dict
    default: {}
    suboptions:
      not_provided:
        description:
          - Declares that the platform provides no cluster autoscaler, with this text as the justification.
          - The requirement applies only "if the platform provides a cluster autoscaler"; with this set the check
            reads nothing and reports V(not_applicable) with the text, which becomes the PRODUCT.yaml notes
            (the CNCF validator rejects N/A without notes). RKE2 itself provides no autoscaler.
          - Without it, finding no autoscaler fails.
        type: str
      namespace:
        description: Namespace of the autoscaler Deployment and its status ConfigMap.
        type: str
        default: kube-system
      label_selector:
        description:
          - Label selector (evaluated by the API server) that finds the autoscaler Deployment. The upstream chart
            labels it with its release name; the default fits a release named V(cluster-autoscaler).
        type: str
        default: app.kubernetes.io/instance=cluster-autoscaler
      status_configmap:
        description: Name of the ConfigMap the autoscaler writes its status to (C(--status-config-map-name)).
        type: str
        default: cluster-autoscaler-status
      accelerator_labels:
        description:
          - Node labels that mark a node as carrying accelerators (any value but V(false)).
          - V(kubernetes.azure.com/accelerator) is how the Azure autoscaler recognises GPU scale sets.
        type: list
        elements: str
        default: [kubernetes.azure.com/accelerator, nvidia.com/gpu.present]
      accelerator_resources:
        description: Extended resources whose capacity marks a node as carrying accelerators.
        type: list
        elements: str
        default: [nvidia.com/gpu]
      node_group_labels:
        description:
          - Node labels whose value names the node's group. Azure scale-set nodes are matched by the scale set in
            their C(providerID) without a label.
        type: list
        elements: str
        default:
          - kubernetes.azure.com/agentpool
          - agentpool
          - eks.amazonaws.com/nodegroup
          - alpha.eksctl.io/nodegroup-name
          - cloud.google.com/gke-nodepool
          - cluster.x-k8s.io/deployment-name
      accelerator_node_groups:
        description:
          - Node groups known to carry accelerators even when they have no nodes now (scale from zero), where
            node labels cannot show it. Each must be managed by the autoscaler.
        type: list
        elements: str
        default: []
"""
