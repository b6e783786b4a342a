# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dra_support: every resource.k8s.io/v1 DRA resource is served with the right scope."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.context import api_resources_table
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import FAILED, PARTIAL, PASSED

REQUIREMENT = "dra_support"
ARGUMENT_SPEC = {}
GROUP = "resource.k8s.io"
VERSION = "v1"
# resource -> namespaced, as kube-apiserver 1.34 serves them
EXPECTED = {
    "deviceclasses": False,
    "resourceclaims": True,
    "resourceclaimtemplates": True,
    "resourceslices": False,
}


def _problems(discovery, version):
    missing, wrong_scope = [], []
    for name, namespaced in sorted(EXPECTED.items()):
        res = discovery.resource(GROUP, version, name)
        if res is None:
            missing.append(name)
        elif res.namespaced != namespaced:
            wrong_scope.append("%s is %s, expected %s" % (name, res.scope, "Namespaced" if namespaced else "Cluster"))
    return missing, wrong_scope


def run(ctx, result):
    disco = ctx.discovery
    versions = disco.versions(GROUP)
    served = disco.resources_in(GROUP, VERSION)
    result.details.update({"served_versions": versions, "resources": [r.to_dict() for r in served]})
    result.add(
        "API resources of %s (all versions, preferred first: %s)" % (GROUP, ", ".join(versions) or "none"),
        request=", ".join(disco.requests[:2]) + (" (aggregated discovery)" if disco.mode == "aggregated" else ""),
        kubectl="kubectl api-resources --api-group=%s" % GROUP,
        output=api_resources_table(served) if served else "(%s/%s is not served)" % (GROUP, VERSION),
    )
    if not versions:
        return result.finish(
            FAILED,
            "the API group %s is not served: DRA is not available (Kubernetes 1.34+ "
            "serves %s/%s by default)" % (GROUP, GROUP, VERSION),
        )
    missing, wrong_scope = _problems(disco, VERSION)
    if not missing and not wrong_scope:
        others = [v for v in versions if v != VERSION]
        note = "; also served: %s" % ", ".join(others) if others else ""
        return result.finish(
            PASSED,
            "all %d %s/%s DRA resources are served (%s)%s"
            % (len(EXPECTED), GROUP, VERSION, ", ".join(sorted(EXPECTED)), note),
        )
    if wrong_scope:
        return result.finish(
            FAILED, "%s/%s serves DRA resources with the wrong scope: %s" % (GROUP, VERSION, "; ".join(wrong_scope))
        )
    # v1 incomplete or absent: an older, complete DRA API is partial support at best
    for older in versions:
        if older != VERSION and not any(_problems(disco, older)):
            return result.finish(
                PARTIAL,
                "%s/%s is not served (missing: %s); DRA is served only at the "
                "pre-GA version %s/%s" % (GROUP, VERSION, ", ".join(missing), GROUP, older),
            )
    return result.finish(
        FAILED,
        "%s/%s is missing %s (served versions of %s: %s)"
        % (GROUP, VERSION, ", ".join(missing), GROUP, ", ".join(versions)),
    )
