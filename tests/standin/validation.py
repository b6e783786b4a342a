"""Object validation and CRD structural-schema handling: names, defaults, pruning, type checks."""

import copy
import re

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# kinds whose names are not DNS subdomains in kube-apiserver (path segment names)
PATH_SEGMENT_NAMES = {
    ("rbac.authorization.k8s.io", "clusterroles"),
    ("rbac.authorization.k8s.io", "roles"),
    ("rbac.authorization.k8s.io", "clusterrolebindings"),
    ("rbac.authorization.k8s.io", "rolebindings"),
    ("", "events"),
    ("events.k8s.io", "events"),
    ("apiregistration.k8s.io", "apiservices"),
}
LABEL_NAMES = {("", "namespaces"), ("", "services")}


def check_name(rt, name):
    """Return a list of causes (field, message, reason) for an invalid metadata.name."""
    if (rt.group, rt.resource) in PATH_SEGMENT_NAMES:
        if name in (".", "..") or "/" in name or "%" in name:
            return [("metadata.name", "Invalid value: \"%s\": may not contain '/' or '%%'" % name, "FieldValueInvalid")]
        return []
    if (rt.group, rt.resource) in LABEL_NAMES:
        if len(name) > 63 or not DNS1123_LABEL.match(name):
            return [
                (
                    "metadata.name",
                    'Invalid value: "%s": a lowercase RFC 1123 label must consist of lower case '
                    "alphanumeric characters or '-', and must start and end with an alphanumeric character "
                    "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                    % name,
                    "FieldValueInvalid",
                )
            ]
        return []
    if len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        return [
            (
                "metadata.name",
                'Invalid value: "%s": a lowercase RFC 1123 subdomain must consist of lower case '
                "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
                "'example.com', regex used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')" % name,
                "FieldValueInvalid",
            )
        ]
    return []


def check_metadata(meta):
    causes = []
    if not isinstance(meta, dict):
        return [("metadata", "Invalid value: metadata must be an object", "FieldValueInvalid")]
    for field in ("labels", "annotations"):
        value = meta.get(field)
        if value is None:
            continue
        if not isinstance(value, dict):
            causes.append(("metadata." + field, "Invalid value: must be a map of strings", "FieldValueInvalid"))
            continue
        for k, v in value.items():
            if not isinstance(v, str):
                causes.append(
                    ("metadata.%s" % field, 'Invalid value: "%s": value must be a string' % k, "FieldValueInvalid")
                )
            elif field == "labels" and (
                len(v) > 63 or not re.match(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", v)
            ):
                causes.append(
                    (
                        "metadata.labels",
                        'Invalid value: "%s": a valid label must be an empty string or '
                        "consist of alphanumeric characters, '-', '_' or '.'" % v,
                        "FieldValueInvalid",
                    )
                )
    return causes


# --- structural schemas of CRDs -----------------------------------------------------------------
def apply_defaults(obj, schema):
    """Apply ``default`` values of ``schema`` to ``obj`` (in place), as apiextensions-apiserver does."""
    if not isinstance(schema, dict):
        return obj
    if isinstance(obj, dict):
        props = schema.get("properties") or {}
        for name, sub in props.items():
            if name not in obj and isinstance(sub, dict) and "default" in sub:
                obj[name] = copy.deepcopy(sub["default"])
            if name in obj:
                apply_defaults(obj[name], sub)
        addl = schema.get("additionalProperties")
        if isinstance(addl, dict):
            for name in obj:
                if name not in props:
                    apply_defaults(obj[name], addl)
    elif isinstance(obj, list) and isinstance(schema.get("items"), dict):
        for item in obj:
            apply_defaults(item, schema["items"])
    return obj


def prune(obj, schema, path="", unknown=None, top=True):
    """Remove fields the schema does not know (in place); collect their paths in ``unknown``."""
    unknown = [] if unknown is None else unknown
    if not isinstance(schema, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return unknown
    if isinstance(obj, dict):
        props = schema.get("properties") or {}
        addl = schema.get("additionalProperties")
        embedded = schema.get("x-kubernetes-embedded-resource")
        for name in list(obj):
            if top and name in ("apiVersion", "kind", "metadata"):
                continue
            if embedded and name in ("apiVersion", "kind", "metadata"):
                continue
            sub_path = "%s.%s" % (path, name) if path else name
            if name in props:
                prune(obj[name], props[name], sub_path, unknown, False)
            elif isinstance(addl, dict):
                prune(obj[name], addl, sub_path, unknown, False)
            elif addl is True:
                continue
            else:
                unknown.append(sub_path)
                del obj[name]
    elif isinstance(obj, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(obj):
            prune(item, schema["items"], "%s[%d]" % (path, i), unknown, False)
    return unknown


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def type_errors(obj, schema, path="", out=None, top=True):
    """Type, required and enum errors of ``obj`` against a structural schema, as 422 causes."""
    out = [] if out is None else out
    if not isinstance(schema, dict) or obj is None:
        return out
    t = schema.get("type")
    int_or_string = schema.get("x-kubernetes-int-or-string")
    if int_or_string:
        if not isinstance(obj, (int, str)) or isinstance(obj, bool):
            out.append(
                (path, "Invalid value: %r: %s must be an integer or a string" % (obj, path), "FieldValueTypeInvalid")
            )
        return out
    if (t in _TYPES and not isinstance(obj, _TYPES[t])) or (t == "boolean" and not isinstance(obj, bool)):
        out.append(
            (
                path,
                'Invalid value: "%s": %s in body must be of type %s: "%s"' % (_short(obj), path, t, _json_type(obj)),
                "FieldValueTypeInvalid",
            )
        )
        return out
    if t == "integer" and (not isinstance(obj, int) or isinstance(obj, bool)):
        out.append(
            (
                path,
                'Invalid value: "%s": %s in body must be of type integer: "%s"' % (_short(obj), path, _json_type(obj)),
                "FieldValueTypeInvalid",
            )
        )
        return out
    if t == "number" and (not isinstance(obj, (int, float)) or isinstance(obj, bool)):
        out.append((path, "Invalid value: %s in body must be of type number" % path, "FieldValueTypeInvalid"))
        return out
    if "enum" in schema and obj not in schema["enum"]:
        supported = ", ".join('"%s"' % e for e in schema["enum"])
        out.append(
            (path, 'Unsupported value: "%s": supported values: %s' % (_short(obj), supported), "FieldValueNotSupported")
        )
    if isinstance(obj, str):
        if "maxLength" in schema and len(obj) > schema["maxLength"]:
            out.append((path, "Too long: may not be more than %d bytes" % schema["maxLength"], "FieldValueTooLong"))
        if "minLength" in schema and len(obj) < schema["minLength"]:
            out.append(
                (
                    path,
                    'Invalid value: "%s": %s in body should be at least %d chars long'
                    % (obj, path, schema["minLength"]),
                    "FieldValueInvalid",
                )
            )
        if "pattern" in schema:
            try:
                if not re.search(schema["pattern"], obj):
                    out.append(
                        (
                            path,
                            "Invalid value: \"%s\": %s in body should match '%s'" % (obj, path, schema["pattern"]),
                            "FieldValueInvalid",
                        )
                    )
            except re.error:
                pass
    if isinstance(obj, dict):
        props = schema.get("properties") or {}
        for req in schema.get("required") or []:
            if req not in obj:
                out.append(("%s.%s" % (path, req) if path else req, "Required value", "FieldValueRequired"))
        for name, value in obj.items():
            if top and name in ("apiVersion", "kind", "metadata"):
                continue
            sub = props.get(name)
            if sub is None and isinstance(schema.get("additionalProperties"), dict):
                sub = schema["additionalProperties"]
            if sub is not None:
                type_errors(value, sub, "%s.%s" % (path, name) if path else name, out, False)
    elif isinstance(obj, list):
        if "maxItems" in schema and len(obj) > schema["maxItems"]:
            out.append(
                (path, "Too many: %d: must have at most %d items" % (len(obj), schema["maxItems"]), "FieldValueTooMany")
            )
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(obj):
                type_errors(item, schema["items"], "%s[%d]" % (path, i), out, False)
    return out


def _short(value):
    text = str(value)
    return text if len(text) < 60 else text[:57] + "..."


def _json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def validate_crd(crd):
    """The 422 causes of an invalid CustomResourceDefinition (the checks the tests rely on)."""
    causes = []
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group") or ""
    if not group or "." not in group:
        causes.append(
            ("spec.group", 'Invalid value: "%s": should be a domain with at least one dot' % group, "FieldValueInvalid")
        )
    for field in ("plural", "kind"):
        if not names.get(field):
            causes.append(("spec.names.%s" % field, "Required value", "FieldValueRequired"))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        causes.append(
            (
                "spec.scope",
                'Unsupported value: "%s": supported values: "Cluster", "Namespaced"' % spec.get("scope"),
                "FieldValueNotSupported",
            )
        )
    versions = spec.get("versions") or []
    if not versions or sum(1 for v in versions if v.get("storage")) != 1:
        causes.append(
            (
                "spec.versions",
                "Invalid value: must have exactly one version marked as storage version",
                "FieldValueInvalid",
            )
        )
    name = (crd.get("metadata") or {}).get("name")
    if names.get("plural") and group and name != "%s.%s" % (names["plural"], group):
        causes.append(
            (
                "metadata.name",
                'Invalid value: "%s": must be spec.names.plural+"."+spec.group' % name,
                "FieldValueInvalid",
            )
        )
    return causes
