"""Label and field selectors with kube-apiserver's syntax and its error answers."""

import re

from tests.standin import errors

_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")

# fields every resource supports, and the extra ones of a few built-in kinds (the ones
# kube-apiserver registers as field label conversions)
COMMON_FIELDS = ("metadata.name", "metadata.namespace")
EXTRA_FIELDS = {
    ("", "pods"): (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    ("", "nodes"): ("spec.unschedulable",),
    ("", "namespaces"): ("status.phase",),
    ("", "secrets"): ("type",),
    ("", "events"): (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    ("", "replicationcontrollers"): ("status.replicas",),
    ("apps", "replicasets"): ("status.replicas",),
    ("batch", "jobs"): ("status.successful",),
    ("certificates.k8s.io", "certificatesigningrequests"): ("spec.signerName",),
}


def _bad_label(selector, why):
    return errors.bad_request('unable to parse requirement: %s (in label selector "%s")' % (why, selector))


def _split_top(text):
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def parse_labels(selector):
    """Parse a label selector into a list of (key, op, values); ``None`` or "" selects all."""
    if not selector or not selector.strip():
        return []
    reqs = []
    for raw in _split_top(selector):
        part = raw.strip()
        if not part:
            raise _bad_label(selector, "found '', expected: identifier")
        m = re.match(r"^(!?)\s*([^\s!=()]+)\s+(in|notin)\s*\((.*)\)$", part)
        if m and not m.group(1):
            key, op = m.group(2), m.group(3)
            values = [v.strip() for v in m.group(4).split(",")]
            if values == [""]:
                values = []
            _check_key(selector, key)
            for v in values:
                _check_value(selector, v)
            reqs.append((key, op, set(values)))
            continue
        m = re.match(r"^([^\s!=]+)\s*(==|!=|=)\s*([^\s,]*)$", part)
        if m:
            key, op, value = m.group(1), m.group(2), m.group(3)
            _check_key(selector, key)
            _check_value(selector, value)
            reqs.append((key, "!=" if op == "!=" else "=", {value}))
            continue
        m = re.match(r"^(!?)\s*([^\s!=()]+)$", part)
        if m:
            _check_key(selector, m.group(2))
            reqs.append((m.group(2), "!" if m.group(1) else "exists", set()))
            continue
        raise _bad_label(selector, "found '%s', expected: identifier" % part)
    return reqs


def _check_key(selector, key):
    if len(key) > 316 or not _KEY.match(key):
        raise _bad_label(selector, "invalid label key %r: name part must consist of alphanumeric characters" % key)


def _check_value(selector, value):
    if len(value) > 63 or not _VALUE.match(value):
        raise _bad_label(
            selector,
            "invalid label value: %r: a valid label must be an empty string or consist of "
            "alphanumeric characters, '-', '_' or '.'" % value,
        )


def labels_match(reqs, labels):
    labels = labels or {}
    for key, op, values in reqs:
        present = key in labels
        if op == "=" and (not present or labels[key] not in values):
            return False
        if op == "!=" and present and labels[key] in values:
            return False
        if op == "in" and (not present or labels[key] not in values):
            return False
        if op == "notin" and present and labels[key] in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!" and present:
            return False
    return True


def parse_fields(selector, group, resource, extra=()):
    """Parse a field selector into (field, op, value) tuples, checking the field is supported."""
    if not selector or not selector.strip():
        return []
    allowed = set(COMMON_FIELDS) | set(EXTRA_FIELDS.get((group, resource), ())) | set(extra)
    reqs = []
    for raw in selector.split(","):
        part = raw.strip()
        m = re.match(r"^([^=!]+?)\s*(==|!=|=)\s*(.*)$", part)
        if not m:
            raise errors.bad_request("invalid selector: '%s'; can't understand '%s'" % (selector, part))
        field, op, value = m.group(1).strip(), m.group(2), m.group(3).strip()
        if field not in allowed:
            raise errors.bad_request("field label not supported: %s" % field)
        reqs.append((field, "!=" if op == "!=" else "=", value))
    return reqs


def field_value(obj, field):
    """The string value of a dotted field of ``obj`` as the field selector compares it."""
    cur = obj
    for part in field.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        if field in {"spec.unschedulable", "spec.hostNetwork"}:
            return "false"
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def fields_match(reqs, obj):
    for field, op, value in reqs:
        actual = field_value(obj, field)
        if op == "=" and actual != value:
            return False
        if op == "!=" and actual == value:
            return False
    return True
