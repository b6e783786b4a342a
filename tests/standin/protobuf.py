"""Just enough Kubernetes protobuf to read the request bodies kubectl sends as protobuf.

kubectl's typed clients (``kubectl auth can-i``, ``auth whoami``, ``create namespace|configmap|secret|
serviceaccount``) send bodies as ``application/vnd.kubernetes.protobuf`` (and accept JSON back).
This decodes the ``k8s\\x00`` envelope and those message types; anything else gets 415.
"""

import base64

from tests.standin import errors

MAGIC = b"k8s\x00"
PROTOBUF = "application/vnd.kubernetes.protobuf"

_OBJECT_META = {
    1: ("name", "s"),
    2: ("generateName", "s"),
    3: ("namespace", "s"),
    11: ("labels", "map"),
    12: ("annotations", "map"),
    14: ("finalizers", "rs"),
}
_LOCAL_REF = {1: ("name", "s")}
_RESOURCE_ATTRS = {
    1: ("namespace", "s"),
    2: ("verb", "s"),
    3: ("group", "s"),
    4: ("version", "s"),
    5: ("resource", "s"),
    6: ("subresource", "s"),
    7: ("name", "s"),
}
_NON_RESOURCE_ATTRS = {1: ("path", "s"), 2: ("verb", "s")}
_SAR_SPEC = {
    1: ("resourceAttributes", _RESOURCE_ATTRS),
    2: ("nonResourceAttributes", _NON_RESOURCE_ATTRS),
    3: ("user", "s"),
    4: ("groups", "rs"),
    6: ("uid", "s"),
}
MESSAGES = {
    # what `kubectl create namespace|configmap|secret|serviceaccount` send
    ("v1", "Namespace"): {1: ("metadata", _OBJECT_META), 2: ("spec", {1: ("finalizers", "rs")})},
    ("v1", "ConfigMap"): {
        1: ("metadata", _OBJECT_META),
        2: ("data", "map"),
        3: ("binaryData", "bmap"),
        4: ("immutable", "b"),
    },
    ("v1", "Secret"): {
        1: ("metadata", _OBJECT_META),
        2: ("data", "bmap"),
        3: ("type", "s"),
        4: ("stringData", "map"),
        5: ("immutable", "b"),
    },
    ("v1", "ServiceAccount"): {
        1: ("metadata", _OBJECT_META),
        3: ("imagePullSecrets", [_LOCAL_REF]),
        4: ("automountServiceAccountToken", "b"),
    },
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"): {
        1: ("metadata", _OBJECT_META),
        2: ("spec", {1: ("resourceAttributes", _RESOURCE_ATTRS), 2: ("nonResourceAttributes", _NON_RESOURCE_ATTRS)}),
    },
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview"): {
        1: ("metadata", _OBJECT_META),
        2: ("spec", {1: ("namespace", "s")}),
    },
    ("authorization.k8s.io/v1", "SubjectAccessReview"): {1: ("metadata", _OBJECT_META), 2: ("spec", _SAR_SPEC)},
    ("authorization.k8s.io/v1", "LocalSubjectAccessReview"): {1: ("metadata", _OBJECT_META), 2: ("spec", _SAR_SPEC)},
    ("authentication.k8s.io/v1", "SelfSubjectReview"): {1: ("metadata", _OBJECT_META)},
    ("authentication.k8s.io/v1", "TokenReview"): {
        1: ("metadata", _OBJECT_META),
        2: ("spec", {1: ("token", "s"), 2: ("audiences", "rs")}),
    },
}


class _Malformed(Exception):
    pass


def _varint(data, pos):
    shift = result = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _Malformed("truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(data):
    """Yield (field number, wire type, value) of one message; length-delimited values are bytes."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise _Malformed("truncated field %d" % number)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise _Malformed("unsupported wire type %d" % wire)
        yield number, wire, value


def _decode(data, schema):
    out = {}
    for number, wire, value in fields(data):
        if number not in schema:
            continue
        name, kind = schema[number]
        if kind == "b":
            if wire != 0:
                raise _Malformed("field %d: expected a varint" % number)
            out[name] = bool(value)
            continue
        if wire != 2:
            raise _Malformed("field %d: expected a length-delimited value" % number)
        if kind == "s":
            out[name] = value.decode("utf-8")
        elif kind == "rs":
            out.setdefault(name, []).append(value.decode("utf-8"))
        elif kind == "bmap":
            entry = {n: v for n, w, v in fields(value) if w == 2}
            key = entry.get(1, b"").decode("utf-8")
            out.setdefault(name, {})[key] = base64.b64encode(entry.get(2, b"")).decode()
        elif isinstance(kind, list):
            out.setdefault(name, []).append(_decode(value, kind[0]))
        elif kind == "map":
            entry = {n: v.decode("utf-8") for n, w, v in fields(value) if w == 2}
            out.setdefault(name, {})[entry.get(1, "")] = entry.get(2, "")
        else:
            out[name] = _decode(value, kind)
    return out


def decode(body):
    """Decode a protobuf request body into the JSON-shaped object, or raise a 400/415 ApiError."""
    if not body.startswith(MAGIC):
        raise errors.bad_request("protobuf body without the k8s\\x00 prefix")
    try:
        envelope = {n: v for n, w, v in fields(body[len(MAGIC) :]) if w == 2}
        type_meta = {n: v.decode("utf-8") for n, w, v in fields(envelope.get(1, b"")) if w == 2}
        api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
        schema = MESSAGES.get((api_version, kind))
        if schema is None:
            raise errors.unsupported_media_type(
                "application/json, application/yaml (the stand-in decodes protobuf "
                "only for reviews, Namespace, ConfigMap, Secret, ServiceAccount; got %s %s)" % (api_version, kind)
            )
        obj = _decode(envelope.get(2, b""), schema)
    except (_Malformed, UnicodeDecodeError) as exc:
        raise errors.bad_request("unable to decode the protobuf body: %s" % exc) from None
    obj["apiVersion"] = api_version
    obj["kind"] = kind
    return obj
