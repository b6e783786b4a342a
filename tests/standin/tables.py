"""Server-side ``Table`` output (what ``kubectl get`` prints), for built-in kinds and CRDs."""

import datetime
import json
import re

NAME_COL = {
    "name": "Name",
    "type": "string",
    "format": "name",
    "description": "Name must be unique within a namespace.",
    "priority": 0,
}


def _col(name, ctype="string", priority=0, fmt="", description=""):
    return {"name": name, "type": ctype, "format": fmt, "description": description or name, "priority": priority}


def human_duration(created):
    """kube's duration.HumanDuration of the age of an RFC3339 timestamp."""
    if not created:
        return "<unknown>"
    try:
        then = datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return "<invalid>"
    seconds = int((datetime.datetime.now(datetime.timezone.utc) - then).total_seconds())
    if seconds < -1:
        return "<invalid>"
    seconds = max(seconds, 0)
    if seconds < 60 * 2:
        return "%ds" % seconds
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return "%dm%ds" % (minutes, s) if s else "%dm" % minutes
    if minutes < 60 * 3:
        return "%dm" % minutes
    hours = minutes // 60
    if hours < 8:
        m = minutes % 60
        return "%dh%dm" % (hours, m) if m else "%dh" % hours
    if hours < 48:
        return "%dh" % hours
    if hours < 24 * 8:
        h = hours % 24
        return "%dd%dh" % (hours // 24, h) if h else "%dd" % (hours // 24)
    if hours < 24 * 365 * 2:
        return "%dd" % (hours // 24)
    return "%dy" % (hours // 24 // 365)


def _age(obj):
    return human_duration((obj.get("metadata") or {}).get("creationTimestamp"))


def _pod_row(o):
    spec, status = o.get("spec") or {}, o.get("status") or {}
    containers = spec.get("containers") or []
    statuses = status.get("containerStatuses") or []
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount") or 0) for c in statuses)
    reason = status.get("reason") or status.get("phase") or "Unknown"
    for c in statuses:
        waiting = (c.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
    if (o.get("metadata") or {}).get("deletionTimestamp"):
        reason = "Terminating"
    return [
        o["metadata"]["name"],
        "%d/%d" % (ready, len(containers)),
        reason,
        restarts,
        _age(o),
        status.get("podIP") or "<none>",
        spec.get("nodeName") or "<none>",
        "<none>",
        "<none>",
    ]


def _node_row(o):
    conds = {c.get("type"): c.get("status") for c in (o.get("status") or {}).get("conditions") or []}
    state = "Ready" if conds.get("Ready") == "True" else "NotReady" if "Ready" in conds else "Unknown"
    if (o.get("spec") or {}).get("unschedulable"):
        state += ",SchedulingDisabled"
    labels = (o.get("metadata") or {}).get("labels") or {}
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/") and "/" in k)
    info = (o.get("status") or {}).get("nodeInfo") or {}
    addrs = {a.get("type"): a.get("address") for a in (o.get("status") or {}).get("addresses") or []}
    return [
        o["metadata"]["name"],
        state,
        ",".join(roles) or "<none>",
        _age(o),
        info.get("kubeletVersion", ""),
        addrs.get("InternalIP", "<none>"),
        addrs.get("ExternalIP", "<none>"),
        info.get("osImage", "<unknown>"),
        info.get("kernelVersion", "<unknown>"),
        info.get("containerRuntimeVersion", "<unknown>"),
    ]


def _workload_row(o):
    st = o.get("status") or {}
    spec = o.get("spec") or {}
    return [
        o["metadata"]["name"],
        "%d/%d" % (st.get("readyReplicas") or 0, spec.get("replicas", 1)),
        st.get("updatedReplicas") or 0,
        st.get("availableReplicas") or 0,
        _age(o),
    ]


def _ds_row(o):
    st = o.get("status") or {}
    sel = ((o.get("spec") or {}).get("template") or {}).get("spec", {}).get("nodeSelector") or {}
    return [
        o["metadata"]["name"],
        st.get("desiredNumberScheduled") or 0,
        st.get("currentNumberScheduled") or 0,
        st.get("numberReady") or 0,
        st.get("updatedNumberScheduled") or 0,
        st.get("numberAvailable") or 0,
        ",".join("%s=%s" % kv for kv in sorted(sel.items())) or "<none>",
        _age(o),
    ]


def _svc_row(o):
    spec = o.get("spec") or {}
    ports = ",".join("%s/%s" % (p.get("port"), p.get("protocol", "TCP")) for p in spec.get("ports") or [])
    return [
        o["metadata"]["name"],
        spec.get("type", "ClusterIP"),
        spec.get("clusterIP") or "<none>",
        "<none>",
        ports or "<none>",
        _age(o),
    ]


def _ns_row(o):
    return [o["metadata"]["name"], (o.get("status") or {}).get("phase", "Active"), _age(o)]


def _data_row(o):
    return [o["metadata"]["name"], len(o.get("data") or {}) + len(o.get("binaryData") or {}), _age(o)]


def _secret_row(o):
    return [o["metadata"]["name"], o.get("type", "Opaque"), len(o.get("data") or {}), _age(o)]


def _apiservice_row(o):
    spec = o.get("spec") or {}
    svc = spec.get("service")
    service = "%s/%s" % (svc.get("namespace"), svc.get("name")) if svc else "Local"
    conds = {c.get("type"): c for c in (o.get("status") or {}).get("conditions") or []}
    avail = conds.get("Available")
    text = "Unknown"
    if avail:
        text = avail.get("status")
        if text != "True" and avail.get("reason"):
            text = "%s (%s)" % (text, avail["reason"])
    return [o["metadata"]["name"], service, text, _age(o)]


def _crd_row(o):
    return [o["metadata"]["name"], (o.get("metadata") or {}).get("creationTimestamp")]


PRINTERS = {
    ("", "pods"): (
        [
            NAME_COL,
            _col("Ready"),
            _col("Status"),
            _col("Restarts", "string"),
            _col("Age"),
            _col("IP", priority=1),
            _col("Node", priority=1),
            _col("Nominated Node", priority=1),
            _col("Readiness Gates", priority=1),
        ],
        _pod_row,
    ),
    ("", "nodes"): (
        [
            NAME_COL,
            _col("Status"),
            _col("Roles"),
            _col("Age"),
            _col("Version"),
            _col("Internal-IP", priority=1),
            _col("External-IP", priority=1),
            _col("OS-Image", priority=1),
            _col("Kernel-Version", priority=1),
            _col("Container-Runtime", priority=1),
        ],
        _node_row,
    ),
    ("apps", "deployments"): (
        [NAME_COL, _col("Ready"), _col("Up-to-date", "integer"), _col("Available", "integer"), _col("Age")],
        _workload_row,
    ),
    ("apps", "statefulsets"): (
        [NAME_COL, _col("Ready"), _col("Age")],
        lambda o: [o["metadata"]["name"], _workload_row(o)[1], _age(o)],
    ),
    ("apps", "daemonsets"): (
        [
            NAME_COL,
            _col("Desired", "integer"),
            _col("Current", "integer"),
            _col("Ready", "integer"),
            _col("Up-to-date", "integer"),
            _col("Available", "integer"),
            _col("Node Selector"),
            _col("Age"),
        ],
        _ds_row,
    ),
    ("", "services"): (
        [NAME_COL, _col("Type"), _col("Cluster-IP"), _col("External-IP"), _col("Port(s)"), _col("Age")],
        _svc_row,
    ),
    ("", "namespaces"): ([NAME_COL, _col("Status"), _col("Age")], _ns_row),
    ("", "configmaps"): ([NAME_COL, _col("Data", "integer"), _col("Age")], _data_row),
    ("", "secrets"): ([NAME_COL, _col("Type"), _col("Data", "integer"), _col("Age")], _secret_row),
    ("apiregistration.k8s.io", "apiservices"): (
        [NAME_COL, _col("Service"), _col("Available"), _col("Age")],
        _apiservice_row,
    ),
    ("apiextensions.k8s.io", "customresourcedefinitions"): ([NAME_COL, _col("Created At", "date")], _crd_row),
}


def jsonpath_values(obj, expr):
    """Evaluate the JSONPath subset CRD printer columns use: .a.b, [n], [*], [?(@.k=="v")].x."""
    expr = expr.strip()
    if expr.startswith("{") and expr.endswith("}"):
        expr = expr[1:-1]
    tokens = re.findall(
        r"\.([A-Za-z0-9_\-]+)|\[(\d+|\*)\]|\[\?\(@\.([A-Za-z0-9_\-.]+)\s*==\s*[\"']([^\"']*)[\"']\)\]", expr
    )
    cur = [obj]
    for field, index, fkey, fval in tokens:
        nxt = []
        for c in cur:
            if field:
                if isinstance(c, dict) and field in c:
                    nxt.append(c[field])
            elif index:
                if isinstance(c, list):
                    if index == "*":
                        nxt.extend(c)
                    elif int(index) < len(c):
                        nxt.append(c[int(index)])
            elif fkey and isinstance(c, list):
                for item in c:
                    v = item
                    for part in fkey.split("."):
                        v = v.get(part) if isinstance(v, dict) else None
                    if v is not None and str(v) == fval:
                        nxt.append(item)
        cur = nxt
    return cur


def _cell(values, ctype):
    if not values:
        return None
    v = (
        values[0]
        if len(values) == 1
        else ",".join(json.dumps(x) if isinstance(x, (dict, list)) else str(x) for x in values)
    )
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if ctype == "date" and isinstance(v, str):
        # apiextensions-apiserver turns date columns into ages (ConvertToHumanReadableDateType)
        return human_duration(v)
    if ctype == "integer" and isinstance(v, (int, float)):
        return int(v)
    return v


def columns_and_rows(rt, objects):
    if rt.custom:
        cols = [NAME_COL]
        exprs = []
        for c in rt.printer_columns:
            cols.append(
                _col(
                    c.get("name"),
                    c.get("type", "string"),
                    c.get("priority", 0),
                    c.get("format", ""),
                    c.get("description", ""),
                )
            )
            exprs.append((c.get("jsonPath", ""), c.get("type", "string")))
        if not rt.printer_columns:
            cols.append(_col("Age", "date"))
            exprs.append((".metadata.creationTimestamp", "date"))
        rows = [[o["metadata"]["name"]] + [_cell(jsonpath_values(o, e), t) for e, t in exprs] for o in objects]
        return cols, rows
    printer = PRINTERS.get((rt.group, rt.resource))
    if printer:
        cols, fn = printer
        return cols, [fn(o) for o in objects]
    cols = [
        NAME_COL,
        _col(
            "Created At",
            "date",
            description="CreationTimestamp is a timestamp representing the server time when this object was created.",
        ),
    ]
    return cols, [[o["metadata"]["name"], (o.get("metadata") or {}).get("creationTimestamp")] for o in objects]


def partial_metadata(obj):
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata") or {}}


def table(rt, objects, include_object="Metadata", list_meta=None):
    cols, rows = columns_and_rows(rt, objects)
    out_rows = []
    for obj, cells in zip(objects, rows):
        row = {"cells": cells}
        if include_object == "Object":
            row["object"] = obj
        elif include_object != "None":
            row["object"] = partial_metadata(obj)
        out_rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta or {},
        "rows": out_rows,
        "columnDefinitions": cols,
    }
