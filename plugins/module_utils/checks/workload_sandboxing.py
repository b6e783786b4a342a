# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""workload_sandboxing (SHOULD): a RuntimeClass runs pods in a sandbox (gVisor or Kata Containers).

Reads the RuntimeClasses (``node.k8s.io/v1``) and looks for a handler of gVisor (``runsc``) or Kata
(``kata``, ``kata-qemu``, ``kata-clh``...). A class that restricts itself to nodes with
``scheduling.nodeSelector`` must match at least one node (one bounded, server-side selected read).
Whether the handler is really configured in the nodes' container runtime cannot be seen through the
API; it takes running a pod, which this read-only check does not do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    first_page,
    name_of,
    selector_string,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import PARTIAL, PASSED, SKIPPED

REQUIREMENT = "workload_sandboxing"
# handler pattern -> sandbox it stands for
DEFAULT_HANDLERS = ["runsc*", "gvisor*", "kata*"]
SANDBOXES = (("runsc*", "gVisor"), ("gvisor*", "gVisor"), ("kata*", "Kata Containers"))

ARGUMENT_SPEC = {
    "handlers": dict(type="list", elements="str", default=list(DEFAULT_HANDLERS)),
}


def _sandbox(handler, patterns):
    for pattern in patterns:
        if fnmatch.fnmatchcase(handler or "", pattern):
            for known, title in SANDBOXES:
                if fnmatch.fnmatchcase(handler, known):
                    return title
            return "sandbox (handler pattern %s)" % pattern
    return None


def run(ctx, result):
    patterns = ctx.options(REQUIREMENT)["handlers"]
    res = ctx.discovery.resource("node.k8s.io", "v1", "runtimeclasses")
    if res is None:
        result.add("node.k8s.io/v1 RuntimeClass served", output="not served", ok=False)
        return result.finish(SKIPPED, "not detected: node.k8s.io/v1 RuntimeClass is not served")
    classes, evidence = ctx.list(result, "RuntimeClasses and their handlers", res)
    evidence.output = [
        "%s: handler %s%s"
        % (
            name_of(c),
            c.get("handler"),
            " nodeSelector %s" % selector_string((c.get("scheduling") or {}).get("nodeSelector"))
            if (c.get("scheduling") or {}).get("nodeSelector")
            else "",
        )
        for c in classes
    ] or "no RuntimeClass exists"
    sandboxed = [(c, _sandbox(c.get("handler"), patterns)) for c in classes]
    sandboxed = [(c, title) for c, title in sandboxed if title]
    evidence.ok = bool(sandboxed)
    if not sandboxed:
        others = ", ".join("%s (handler %s)" % (name_of(c), c.get("handler")) for c in classes) or "none"
        return result.finish(
            SKIPPED,
            "not detected: no RuntimeClass has a gVisor (runsc) or Kata (kata*) handler (handlers looked for: "
            "%s; RuntimeClasses found: %s)" % (", ".join(patterns), others),
        )

    nodes_res = ctx.discovery.require("", "v1", "nodes")
    usable, unplaced, facts = [], [], []
    for cls, title in sandboxed:
        selector = selector_string((cls.get("scheduling") or {}).get("nodeSelector"))
        fact = {"name": name_of(cls), "handler": cls.get("handler"), "sandbox": title, "node_selector": selector}
        if selector:
            nodes, _more, node_evidence = first_page(
                ctx, result, "Nodes selected by RuntimeClass %s" % name_of(cls), nodes_res, label_selector=selector
            )
            node_evidence.output = [name_of(n) for n in nodes] or "no node matches %s" % selector
            node_evidence.ok = bool(nodes)
            fact["nodes_match"] = bool(nodes)
            (usable if nodes else unplaced).append((cls, title, selector))
        else:
            usable.append((cls, title, selector))
        facts.append(fact)
    result.details["runtime_classes"] = facts
    if usable:
        return result.finish(
            PASSED,
            "sandboxed RuntimeClass(es): %s; that the handler is configured in the nodes' container runtime is "
            "shown only by running a pod, which this read-only check does not do"
            % ", ".join(
                "%s (handler %s, %s%s)" % (name_of(c), c.get("handler"), title, ", on nodes %s" % sel if sel else "")
                for c, title, sel in usable
            ),
        )
    return result.finish(
        PARTIAL,
        "sandboxed RuntimeClass(es) exist but no node can run them: %s"
        % "; ".join(
            "%s (handler %s, %s) selects nodes %s and none matches" % (name_of(c), c.get("handler"), title, sel)
            for c, title, sel in unplaced
        ),
    )
