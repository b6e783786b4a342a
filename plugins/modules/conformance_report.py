#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: conformance_report
short_description: Write a CNCF AI-conformance submission and report from check results
version_added: 0.1.0
description:
  - Turns the results of M(ai_conformance.rke2.conformance_check) into a report folder, written on the
    controller (delegate to V(localhost)).
  - C(PRODUCT.yaml) fills in the chosen CNCF checklist template exactly (ids, descriptions and levels copied,
    header comments kept). Status comes from the results (passed -> V(Implemented), partial ->
    V(Partially Implemented), failed or error -> V(Not Implemented)) or from O(declarations); V(Implemented)
    is never written for a requirement whose check did not pass. Requirements that were not checked are
    listed with an empty status (SHOULD) or V(Not Implemented) (MUST).
  - C(evidence/<id>.md) per checked requirement (what was read, the kubectl equivalents, the output, the
    verdict, timestamps, cluster version), C(results.json) (raw results, documented schema), and optionally
    C(junit.xml), C(report.md) and a self-contained C(report.html).
  - A self-check applies the CNCF validator's offline rules to the written C(PRODUCT.yaml) and returns each
    violation by rule name (RV(self_check)); O(submission_ready=true) makes any violation fail the task.
  - The folder is written to a temporary folder next to O(output_dir) and renamed into place, so a failed run
    leaves the previous report untouched and never a partial one. A re-run whose results differ only in
    timestamps leaves the folder as it is (V(changed=false)).
author:
  - rke2-ai-conformance maintainers (@ai-conformance)
extends_documentation_fragment:
  - ai_conformance.rke2.attributes
attributes:
  check_mode:
    support: full
    details: Renders the report in memory, runs the self-check and reports what it would write, without writing.
  diff_mode:
    support: partial
    details: Shows the difference of C(PRODUCT.yaml) only.
options:
  results:
    description:
      - The registered return value of M(ai_conformance.rke2.conformance_check) (schema version 1).
      - Only its documented keys are read; anything else (for example C(invocation)) never reaches the report.
    type: dict
    required: true
  output_dir:
    description:
      - Absolute path of the report folder. Its parent is created when missing.
      - An existing folder is replaced only when it holds nothing but files this module writes.
    type: path
    required: true
  checklist_version:
    description:
      - CNCF AI-conformance checklist (template) version of C(PRODUCT.yaml).
      - When not set, the cluster's Kubernetes minor version picks it; a cluster outside the bundled range gets
        the nearest version and RV(messages) says so.
    type: str
    choices: ["1.33", "1.34", "1.35", "1.36", "1.37"]
  metadata:
    description:
      - Submission metadata written to C(PRODUCT.yaml). Fields left out keep the template's C([placeholder])
        value, which the self-check reports as V(metadata_placeholder).
      - C(kubernetesVersion) is always the checklist version.
    type: dict
    default: {}
    suboptions:
      platform_name:
        description: Product name, for example V(RKE2).
        type: str
      platform_version:
        description: Product version, for example V(v1.35).
        type: str
      vendor_name:
        description: Vendor; the CNCF validator requires the exact name of a CNCF member.
        type: str
      website_url:
        description: Product website.
        type: str
      repo_url:
        description: Source repository (optional in a submission).
        type: str
      documentation_url:
        description: Product documentation.
        type: str
      product_logo_url:
        description: URL of the product logo.
        type: str
      description:
        description: One or two sentences about the product.
        type: str
      contact_email_address:
        description: Contact for the submission.
        type: str
      k8s_conformance_url:
        description:
          - The product's Kubernetes conformance submission,
            V(https://github.com/cncf/k8s-conformance/tree/master/vX.Y/<product>).
        type: str
  declarations:
    description:
      - What you state for a requirement, keyed by requirement id.
      - C(status) may be V(N/A) (then C(notes) must justify it) or V(Not Implemented); it replaces the check's
        status. A declaration can never make a requirement V(Implemented).
      - C(notes) replace the check's summary in C(PRODUCT.yaml); C(evidence) adds http(s) URLs (documentation,
        published test results) after the evidence file.
      - Declarations for requirements outside the chosen checklist are ignored with a message.
    type: dict
    default: {}
  formats:
    description:
      - Optional files to write besides C(PRODUCT.yaml), C(evidence/) and C(results.json), which are always
        written.
    type: list
    elements: str
    choices: [junit, markdown, html]
    default: [junit, markdown, html]
  node_facts:
    description:
      - Facts gathered on GPU nodes (for example by M(ai_conformance.rke2.nvidia_toolkit_info)), keyed by host
        name; shown in the report and kept in C(results.json).
    type: dict
    default: {}
  submission_ready:
    description:
      - Fail when the self-check finds any violation of the CNCF validator's offline rules. The report is still
        written, so you can read why.
    type: bool
    default: false
  force:
    description:
      - Rewrite the folder even when only timestamps changed.
    type: bool
    default: false
  redact:
    description:
      - Extra values (for example a token) that must never appear in the report; every occurrence is masked.
      - Bearer tokens, JWTs, private keys, C(user:password@) in URLs and secret-looking keys are always masked.
    type: list
    elements: str
    default: []
requirements:
  - PyYAML (a dependency of ansible-core)
notes:
  - Run it on the controller (V(delegate_to=localhost) or a V(connection=local) play); it needs no cluster access.
  - The self-check cannot check what needs the network (vendor in the CNCF landscape, URLs answering); RV(self_check)
    lists those as C(not_checked).
seealso:
  - module: ai_conformance.rke2.conformance_check
  - name: Report format
    description: The files, the results.json schema and the self-check rules.
    link: https://github.com/ai-conformance/rke2-ai-conformance/tree/main/docs/report-format.md
"""

EXAMPLES = r"""
- name: Check the cluster
  ai_conformance.rke2.conformance_check:
    kubeconfig: /etc/rancher/rke2/rke2.yaml
  register: conformance

- name: Write the submission and the report
  ai_conformance.rke2.conformance_report:
    results: "{{ conformance }}"
    output_dir: "{{ playbook_dir }}/conformance-report"
    checklist_version: "1.35"
    metadata:
      platform_name: RKE2
      platform_version: v1.35
      vendor_name: SUSE
      website_url: https://www.rancher.com/products/secure-kubernetes-distribution
      documentation_url: https://documentation.suse.com/cloudnative/rke2/
      product_logo_url: https://example.com/logo.svg
      description: RKE2 with the AI-conformance add-ons.
      contact_email_address: conformance@example.com
      k8s_conformance_url: https://github.com/cncf/k8s-conformance/tree/master/v1.35/rke2
    declarations:
      cluster_autoscaling:
        status: N/A
        notes: The platform does not provide a cluster autoscaler.
        evidence: [https://example.com/docs/autoscaling]
  delegate_to: localhost

- name: Fail unless the folder is ready to submit
  ai_conformance.rke2.conformance_report:
    results: "{{ conformance }}"
    output_dir: /srv/submissions/v1.35/rke2
    submission_ready: true
  delegate_to: localhost
"""

RETURN = r"""
path:
  description: Absolute path of the report folder.
  returned: always
  type: str
  sample: /home/me/conformance-report
files:
  description: Files of the report, relative to RV(path).
  returned: always
  type: list
  elements: str
  sample: [PRODUCT.yaml, evidence/ai_inference.md, junit.xml, report.html, report.md, results.json]
written:
  description: Whether the folder was (re)written by this run (never in check mode).
  returned: always
  type: bool
checklist_version:
  description: Checklist version of C(PRODUCT.yaml).
  returned: always
  type: str
  sample: "1.35"
checklist_version_source:
  description: Where the version came from, V(option), V(cluster) or V(results).
  returned: always
  type: str
self_check:
  description: The CNCF validator's offline rules applied to C(PRODUCT.yaml).
  returned: always
  type: dict
  contains:
    passed:
      description: True when no rule is violated.
      type: bool
    violations:
      description: One entry per violation, with C(rule), C(requirement), C(field) and C(message).
      type: list
      elements: dict
    by_rule:
      description: Number of violations per rule name.
      type: dict
    rules_checked:
      description: Names of the rules applied.
      type: list
      elements: str
    not_checked:
      description: Rules of the CNCF validator that need the network, with what they check.
      type: dict
summary:
  description: Counts of outcomes and PRODUCT.yaml statuses, MUSTs failed or not checked, checks outside the checklist.
  returned: always
  type: dict
  sample:
    requirements: 10
    outcomes: {passed: 8, failed: 1, "not checked": 1}
    cncf_statuses: {Implemented: 8, "Not Implemented": 1, "(empty)": 1}
    must_failed: [gang_scheduling]
    must_not_checked: []
    not_in_checklist: []
must_failed:
  description: MUST requirements whose check failed, errored or passed only partly (not declared N/A).
  returned: always
  type: list
  elements: str
table:
  description: A compact summary table (one line per requirement) for printing.
  returned: always
  type: list
  elements: str
fingerprint:
  description: Hash of the report without timestamps; the folder is rewritten only when it changes.
  returned: always
  type: str
messages:
  description: Notes about this run (version clamped, declarations ignored or overriding a passed check).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.ai_conformance.rke2.plugins.module_utils.module_runner import run_module
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report.product_yaml import HAS_YAML

METADATA_SPEC = {
    name: dict(type="str")
    for name in (
        "platform_name",
        "platform_version",
        "vendor_name",
        "website_url",
        "repo_url",
        "documentation_url",
        "product_logo_url",
        "description",
        "contact_email_address",
        "k8s_conformance_url",
    )
}


def _work(module):
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    result = build.generate(module.params, check_mode=module.check_mode, diff=module._diff)
    for message in result["messages"]:
        module.warn(message)
    if module.params["submission_ready"] and not result["self_check"]["passed"]:
        rules = ", ".join("%s (%d)" % item for item in sorted(result["self_check"]["by_rule"].items()))
        result["msg"] = "submission_ready: PRODUCT.yaml violates the CNCF validator's rules %s; see self_check" % rules
        module.fail_json(**result)
    return result


def main():
    argument_spec = dict(
        results=dict(type="dict", required=True),
        output_dir=dict(type="path", required=True),
        checklist_version=dict(type="str", choices=["1.33", "1.34", "1.35", "1.36", "1.37"]),
        metadata=dict(type="dict", default={}, options=METADATA_SPEC),
        declarations=dict(type="dict", default={}),
        formats=dict(type="list", elements="str", choices=list(build.FORMATS), default=list(build.FORMATS)),
        node_facts=dict(type="dict", default={}),
        submission_ready=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        redact=dict(type="list", elements="str", default=[], no_log=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _work)


if __name__ == "__main__":
    main()
