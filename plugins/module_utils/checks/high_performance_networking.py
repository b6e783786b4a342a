# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""high_performance_networking (SHOULD): pods can get additional, specialised network interfaces.

Two mechanisms are recognised:

- DRA-managed NICs (what the requirement recommends, e.g. DRANET): a DeviceClass selects the
  devices of a NIC DRA driver (default ``dra.net``) and that driver publishes ResourceSlices (one
  bounded read with the server-side field selector ``spec.driver``, only for drivers a class
  selects).
- Multus: ``k8s.cni.cncf.io`` NetworkAttachmentDefinitions served and at least one defined.

Nothing found: ``skipped`` with "not detected".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks._common import (
    first_page,
    name_of,
    namespace_of,
    shorten,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import PARTIAL, PASSED, SKIPPED

REQUIREMENT = "high_performance_networking"
DEFAULT_NIC_DRIVERS = ["dra.net"]
ARGUMENT_SPEC = {
    "nic_drivers": dict(type="list", elements="str", default=list(DEFAULT_NIC_DRIVERS)),
}
MULTUS_GROUP = "k8s.cni.cncf.io"


def _class_drivers(device_class, drivers):
    """Drivers of ``drivers`` that the DeviceClass's CEL selectors name."""
    named = set()
    for sel in (device_class.get("spec") or {}).get("selectors") or []:
        expression = (sel.get("cel") or {}).get("expression") or ""
        for driver in drivers:
            if '"%s"' % driver in expression or "'%s'" % driver in expression:
                named.add(driver)
    return named


def _cni_type(nad):
    config = (nad.get("spec") or {}).get("config") or ""
    try:
        data = json.loads(config)
    except ValueError:
        return "?"
    if not isinstance(data, dict):
        return "?"
    if data.get("type"):
        return data["type"]
    plugins = data.get("plugins") or []
    return ",".join(str(p.get("type")) for p in plugins if isinstance(p, dict)) or "?"


def _dra(ctx, result, drivers):
    """``(found, partial)`` descriptions of DRA-managed NICs."""
    classes_res = ctx.discovery.find("resource.k8s.io", "deviceclasses", ["v1"])
    slices_res = ctx.discovery.find("resource.k8s.io", "resourceslices", ["v1"])
    if classes_res is None or slices_res is None or not drivers:
        return [], []
    classes, evidence = ctx.list(result, "DeviceClasses (which select a NIC driver)", classes_res)
    selecting = {}
    for cls in classes:
        for driver in _class_drivers(cls, drivers):
            selecting.setdefault(driver, []).append(name_of(cls))
    evidence.output = [
        "%s: %s" % (name_of(c), ", ".join(sorted(_class_drivers(c, drivers))) or "no NIC driver") for c in classes
    ] or "no DeviceClass exists"
    found, partial = [], []
    # only drivers a DeviceClass selects are looked up: without a class no pod can claim their NICs
    for driver in [d for d in drivers if selecting.get(d)]:
        slices, more, slice_evidence = first_page(
            ctx,
            result,
            "ResourceSlices published by the NIC driver %s" % driver,
            slices_res,
            field_selector="spec.driver=%s" % driver,
            limit=20,
        )
        nodes = [(s.get("spec") or {}).get("nodeName") or name_of(s) for s in slices]
        slice_evidence.output = (
            ["%s (node %s)" % (name_of(s), n) for s, n in zip(slices, nodes)] + (["..."] if more else [])
        ) or "none"
        slice_evidence.ok = bool(slices)
        if slices:
            found.append(
                "DRA driver %s publishes NICs on node(s) %s%s, DeviceClass(es) %s"
                % (driver, shorten(nodes, 5), " and more" if more else "", ", ".join(selecting[driver]))
            )
        else:
            partial.append(
                "DeviceClass(es) %s select driver %s, but it publishes no ResourceSlice"
                % (", ".join(selecting[driver]), driver)
            )
    return found, partial


def _multus(ctx, result):
    res = ctx.discovery.find(MULTUS_GROUP, "network-attachment-definitions")
    if res is None:
        return [], []
    nads, evidence = ctx.list(result, "Multus NetworkAttachmentDefinitions", res)
    evidence.output = [
        "%s/%s: CNI %s" % (namespace_of(n), name_of(n), _cni_type(n)) for n in nads
    ] or "no NetworkAttachmentDefinition exists"
    evidence.ok = bool(nads)
    if nads:
        return [
            "Multus NetworkAttachmentDefinition(s) %s"
            % shorten("%s/%s (%s)" % (namespace_of(n), name_of(n), _cni_type(n)) for n in nads)
        ], []
    return [], ["Multus (%s) is installed but no NetworkAttachmentDefinition exists" % res.group_version]


def run(ctx, result):
    drivers = ctx.options(REQUIREMENT)["nic_drivers"]
    disco = ctx.discovery
    result.add(
        "Multi-network and DRA APIs in discovery",
        request=", ".join(disco.requests[:2]),
        kubectl="kubectl api-resources --api-group=%s; kubectl api-resources --api-group=resource.k8s.io"
        % MULTUS_GROUP,
        output=[
            "%s: %s" % (MULTUS_GROUP, ", ".join(disco.versions(MULTUS_GROUP)) or "not served"),
            "resource.k8s.io: %s" % (", ".join(disco.versions("resource.k8s.io")) or "not served"),
        ],
    )
    dra_found, dra_partial = _dra(ctx, result, drivers)
    multus_found, multus_partial = _multus(ctx, result)
    result.details.update(
        {"dra": dra_found, "multus": multus_found, "incomplete": dra_partial + multus_partial, "nic_drivers": drivers}
    )
    if dra_found or multus_found:
        note = ""
        if not dra_found:
            note = "; no DRA-managed NICs (such as DRANET), which the requirement recommends"
        return result.finish(PASSED, "; ".join(dra_found + multus_found) + note)
    if dra_partial or multus_partial:
        return result.finish(PARTIAL, "; ".join(dra_partial + multus_partial))
    return result.finish(
        SKIPPED,
        "not detected: no NIC DRA driver (%s) publishes devices and Multus (%s) is not installed"
        % (", ".join(drivers) or "none configured", MULTUS_GROUP),
    )
