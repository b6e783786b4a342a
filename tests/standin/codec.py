"""Request body decoding and response encoding, with kube-apiserver's error messages."""

import json

import yaml

from tests.standin import errors, protobuf

JSON = "application/json"
YAML_TYPES = ("application/yaml", "application/apply-patch+yaml", "text/yaml")
PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
    "application/apply-patch+cbor",
)


def media_type(header):
    return (header or "").split(";", 1)[0].strip().lower()


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _no_duplicates(loader, node, deep=False):
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, "duplicate key %r" % (key,), key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def decode(body, content_type, what="object"):
    """Decode a request body (JSON, or YAML for YAML media types) or raise 400 with a message."""
    mt = media_type(content_type)
    if mt == protobuf.PROTOBUF:
        return protobuf.decode(body)
    if not body:
        raise errors.bad_request("the body of the request is empty: expected a JSON or YAML %s" % what)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.bad_request("the body of the request is not valid UTF-8 text") from None
    if mt in YAML_TYPES:
        try:
            data = yaml.load(text, Loader=_UniqueKeyLoader)
        except yaml.YAMLError as exc:
            raise errors.bad_request("error converting YAML to JSON: yaml: %s" % " ".join(str(exc).split())) from None
    elif mt in (JSON, "", "*/*") or mt.endswith("+json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise errors.bad_request("couldn't get version/kind; json parse error: %s" % exc) from None
    else:
        raise errors.unsupported_media_type("application/json, application/yaml")
    return data


def decode_object(body, content_type):
    data = decode(body, content_type)
    if not isinstance(data, dict):
        raise errors.bad_request(
            "couldn't get version/kind; json parse error: json: cannot unmarshal %s into Go "
            'value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind '
            'string "json:\\"kind,omitempty\\"" }' % type(data).__name__
        )
    return data


def encode(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def parse_accept(header):
    """Accept header as a list of (media type, {param: value}) in order."""
    out = []
    for raw in (header or "").split(","):
        part = raw.strip()
        if not part:
            continue
        fields = [f.strip() for f in part.split(";")]
        params = {}
        for f in fields[1:]:
            if "=" in f:
                k, v = f.split("=", 1)
                params[k.strip()] = v.strip()
        out.append((fields[0].lower(), params))
    return out or [("*/*", {})]


def wants(header, as_kind, group):
    """The version of ``as_kind`` (e.g. Table in meta.k8s.io) the client asks for first, or None."""
    for mt, params in parse_accept(header):
        if mt in (JSON, "*/*") and params.get("as") == as_kind and params.get("g") == group:
            return params.get("v")
        if mt in (JSON, "*/*", "application/*") and not params.get("as"):
            return None
    return None
