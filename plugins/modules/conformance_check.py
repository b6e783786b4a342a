#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: conformance_check
short_description: Check a Kubernetes cluster against the CNCF AI-conformance requirements
version_added: 0.1.0
description:
  - Runs read-only checks of the CNCF Kubernetes AI Conformance requirements against any cluster
    reachable through the Kubernetes API, RKE2 or not, and returns one result per requirement with the
    evidence behind it.
  - All checks share one discovery pass (aggregated discovery when the server offers it) and read with
    server-side selectors and paged lists. Nothing in the cluster is created, changed or deleted.
  - A check that cannot read what it needs (for example 403 Forbidden, or the server still answering 503
    after O(retries)) reports status V(error) with the cause; the other checks still run.
  - The module itself fails only on bad input or when the API server cannot be reached at all.
author:
  - rke2-ai-conformance maintainers (@ai-conformance)
extends_documentation_fragment:
  - ai_conformance.rke2.connection
  - ai_conformance.rke2.attributes
  - ai_conformance.rke2.attributes.actiongroup_cluster
  - ai_conformance.rke2.check_ai_inference
  - ai_conformance.rke2.check_gang_scheduling
  - ai_conformance.rke2.check_cluster_autoscaling
  - ai_conformance.rke2.check_pod_autoscaling
  - ai_conformance.rke2.check_robust_controller
  - ai_conformance.rke2.check_high_performance_networking
  - ai_conformance.rke2.check_workload_sandboxing
  - ai_conformance.rke2.check_accelerator_metrics
  - ai_conformance.rke2.check_ai_service_metrics
  - ai_conformance.rke2.check_secure_accelerator_access
  - ai_conformance.rke2.check_driver_runtime_management
  - ai_conformance.rke2.check_gpu_sharing
  - ai_conformance.rke2.check_virtualized_accelerator
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode runs the same reads and returns the same results.
  diff_mode:
    support: none
options:
  requirements:
    description:
      - Requirement ids to check, as the CNCF checklists name them, or V(all) for every one.
      - Every requirement of the bundled checklists has a check, namely V(dra_support), V(ai_inference),
        V(accelerator_metrics), V(ai_service_metrics), V(secure_accelerator_access), V(driver_runtime_management),
        V(gpu_sharing), V(virtualized_accelerator), V(gang_scheduling), V(cluster_autoscaling), V(pod_autoscaling),
        V(robust_controller), V(advanced_inference_ingress), V(high_performance_networking),
        V(disaggregated_inference) and V(workload_sandboxing).
    type: list
    elements: str
    default: [all]
  checklist_version:
    description:
      - AI-conformance checklist version whose levels (MUST/SHOULD) the results carry.
      - When not set, the cluster's Kubernetes minor version picks it; clusters outside the bundled range get
        the nearest version, and RV(checklist_version_clamped) says so.
    type: str
    choices: ["1.33", "1.34", "1.35", "1.36", "1.37"]
  gateway_class:
    description:
      - Shorthand for O(ai_inference.gateway_class); the nested option wins when both are set.
    type: str
seealso:
  - name: Requirement pages
    description: What each check reads, why, and how to fix a failure.
    link: https://github.com/ai-conformance/rke2-ai-conformance/tree/main/docs/requirements
"""

EXAMPLES = r"""
- name: Check every requirement with the admin kubeconfig of an RKE2 server
  ai_conformance.rke2.conformance_check:
    kubeconfig: /etc/rancher/rke2/rke2.yaml
  register: conformance

- name: Check only DRA and the Gateway API, requiring the Traefik GatewayClass
  ai_conformance.rke2.conformance_check:
    requirements: [dra_support, ai_inference]
    gateway_class: traefik
  register: conformance

- name: Use a bearer token and the cluster CA instead of a kubeconfig
  ai_conformance.rke2.conformance_check:
    host: https://rke2.example.com:6443
    api_key: "{{ vault_validator_token }}"
    ca_cert: /etc/pki/rke2-ca.crt

- name: Fail the play when any MUST did not pass
  ansible.builtin.assert:
    that: conformance.summary.must_failed == 0
    fail_msg: "{{ conformance.results | selectattr('status', 'ne', 'passed') | map(attribute='summary') | list }}"
"""

RETURN = r"""
results:
  description: One entry per requirement checked, in checklist order.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: CNCF requirement id.
      type: str
      sample: ai_inference
    title:
      description: Short human-readable name of the requirement.
      type: str
      sample: Gateway API for inference
    category:
      description: CNCF checklist category.
      type: str
      sample: networking
    level:
      description: V(MUST) or V(SHOULD) in the checklist version used; null when that version lacks the requirement.
      type: str
      sample: MUST
    status:
      description: V(passed), V(partial), V(failed), V(not_applicable), V(skipped) or V(error).
      type: str
      sample: passed
    cncf_status:
      description: The PRODUCT.yaml status this result maps to (V(Implemented), V(Not Implemented)...).
      type: str
      sample: Implemented
    summary:
      description: One sentence saying why the status is what it is.
      type: str
      sample: GatewayClass traefik is accepted by traefik.io/gateway-controller (reason Handled)
    mode:
      description: V(read-only) for these checks.
      type: str
    started:
      description: UTC start time, ISO 8601.
      type: str
    duration:
      description: Seconds the check took.
      type: float
    evidence:
      description: What was read, how to see it with kubectl, and what came back.
      type: list
      elements: dict
      contains:
        description:
          description: What this item shows.
          type: str
        request:
          description: The API request(s) made.
          type: str
          sample: GET /apis/gateway.networking.k8s.io/v1/gatewayclasses?limit=500
        kubectl:
          description: A kubectl command that shows the same.
          type: str
          sample: kubectl get gatewayclasses.gateway.networking.k8s.io
        output:
          description: The relevant part of the answer (text or list of lines).
          type: raw
        ok:
          description: Whether this item satisfies its part of the requirement, when that applies.
          type: bool
    details:
      description: Structured facts found by the check (served versions, classes, errors...).
      type: dict
cluster:
  description: Facts about the cluster checked.
  returned: success
  type: dict
  contains:
    server:
      description: API server URL.
      type: str
    version:
      description: Kubernetes C(gitVersion), for example V(v1.34.1+rke2r1).
      type: str
    platform:
      description: Server platform, for example V(linux/amd64).
      type: str
    discovery:
      description: How discovery was done (C(mode), V(aggregated) or V(legacy)), the C(requests) it took, the
        number of API C(groups) and C(resources) found, and the group-versions that could not be read
        (C(unavailable)).
      type: dict
checklist_version:
  description: The checklist version the levels come from.
  returned: success
  type: str
  sample: "1.34"
checklist_version_clamped:
  description:
    - True when the cluster's Kubernetes version is outside the bundled checklists and the nearest one was used.
  returned: success
  type: bool
summary:
  description: Counts of results by status, plus V(must_failed), the MUSTs that did not pass.
  returned: success
  type: dict
  sample: {passed: 2, failed: 0, partial: 0, not_applicable: 0, skipped: 0, error: 0, must_failed: 0}
api_requests:
  description: API requests made by the whole run (V(total), V(retries), V(by_verb)).
  returned: success
  type: dict
  sample: {total: 4, retries: 0, by_verb: {GET: 4}}
schema_version:
  description: Version of the shape of this result, read by M(ai_conformance.rke2.conformance_report).
  returned: success
  type: int
  sample: 1
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ai_conformance.rke2.plugins.module_utils import runner
from ansible_collections.ai_conformance.rke2.plugins.module_utils.args import (
    CONNECTION_ARG_SPEC,
    validate_connection,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.module_runner import (
    client_from_params,
    run_module,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import STATUSES


def _work(module):
    params = module.params
    problem = validate_connection(params)
    if problem:
        module.fail_json(msg=problem)
    requested = runner.select(params["requirements"])
    client = client_from_params(params)
    options = {rid: dict(params.get(rid) or {}) for rid in runner.CHECKS}
    if params["gateway_class"] and not options["ai_inference"].get("gateway_class"):
        options["ai_inference"]["gateway_class"] = params["gateway_class"]
    outcome = runner.run(client, requested, options=options, checklist_version=params["checklist_version"])
    summary = dict.fromkeys(STATUSES, 0)
    for result in outcome["results"]:
        summary[result["status"]] += 1
    summary["must_failed"] = sum(
        1 for r in outcome["results"] if r["level"] == "MUST" and r["status"] not in ("passed", "not_applicable")
    )
    outcome["summary"] = summary
    outcome["changed"] = False
    return outcome


def main():
    argument_spec = dict(
        requirements=dict(type="list", elements="str", default=["all"]),
        checklist_version=dict(type="str", choices=["1.33", "1.34", "1.35", "1.36", "1.37"]),
        gateway_class=dict(type="str"),
    )
    argument_spec.update(runner.argument_spec())
    argument_spec.update(CONNECTION_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _work)


if __name__ == "__main__":
    main()
