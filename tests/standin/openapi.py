"""OpenAPI v3 documents: enough for kubectl to find ``fieldValidation`` support and patch types.

Every PATCH/POST/PUT operation carries ``x-kubernetes-group-version-kind`` and a ``fieldValidation``
query parameter (what kubectl's query-param verifier looks for). PATCH bodies list JSON patch, merge
patch and apply patch but not strategic merge, so kubectl computes strategic merge patches for
built-in kinds from its compiled-in types (as it does when a schema lacks patch metadata) and JSON
merge patches for custom resources. Custom resources get their CRD schema as a component.
"""

import copy
import hashlib
import json

_QUERY = [
    {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": True}},
    {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": True}},
    {
        "name": "fieldValidation",
        "in": "query",
        "schema": {"type": "string", "uniqueItems": True},
        "description": "fieldValidation instructs the server on how to handle objects in the request "
        "containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.",
    },
]
_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")


def _op(rt, action, with_body=False, patch=False):
    op = {
        "operationId": "%s%s" % (action, rt.kind),
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
        "responses": {"200": {"description": "OK"}, "401": {"description": "Unauthorized"}},
    }
    if with_body:
        op["parameters"] = copy.deepcopy(_QUERY)
        if patch:
            op["parameters"].append({"name": "force", "in": "query", "schema": {"type": "boolean"}})
            op["requestBody"] = {"content": {t: {"schema": {"type": "object"}} for t in _PATCH_TYPES}, "required": True}
        else:
            op["requestBody"] = {"content": {"*/*": {"schema": {"type": "object"}}}, "required": True}
    return op


def group_version_doc(registry, group, version, server_version):
    prefix = "/api/%s" % version if not group else "/apis/%s/%s" % (group, version)
    paths = {}
    schemas = {}
    for g, versions in registry.groups:
        if g != group:
            continue
        for v, types in versions:
            if v != version:
                continue
            for rt in types:
                base = prefix + ("/namespaces/{namespace}/" if rt.namespaced else "/") + rt.resource
                coll = {}
                if "list" in rt.verbs:
                    coll["get"] = _op(rt, "list")
                if "create" in rt.verbs:
                    coll["post"] = _op(rt, "post", with_body=True)
                if "deletecollection" in rt.verbs:
                    coll["delete"] = _op(rt, "deletecollection")
                if coll:
                    paths[base] = coll
                item = {}
                if "get" in rt.verbs:
                    item["get"] = _op(rt, "get")
                if "update" in rt.verbs:
                    item["put"] = _op(rt, "put", with_body=True)
                if "patch" in rt.verbs:
                    item["patch"] = _op(rt, "patch", with_body=True, patch=True)
                if "delete" in rt.verbs:
                    item["delete"] = _op(rt, "delete")
                if item:
                    paths[base + "/{name}"] = item
                if rt.has_status:
                    paths[base + "/{name}/status"] = {
                        "get": _op(rt, "get"),
                        "put": _op(rt, "put", with_body=True),
                        "patch": _op(rt, "patch", with_body=True, patch=True),
                    }
                if rt.custom and rt.schema:
                    name = "%s.%s.%s" % (".".join(reversed(rt.group.split("."))), rt.version, rt.kind)
                    schema = copy.deepcopy(rt.schema)
                    schema["x-kubernetes-group-version-kind"] = [
                        {"group": rt.group, "version": rt.version, "kind": rt.kind}
                    ]
                    schemas[name] = schema
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": server_version},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def doc_hash(doc):
    return hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest().upper()


def index(registry, server_version):
    paths = {}
    for group, versions in registry.groups:
        for version, _types in versions:
            key = "api/%s" % version if not group else "apis/%s/%s" % (group, version)
            doc = group_version_doc(registry, group, version, server_version)
            paths[key] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (key, doc_hash(doc))}
    return {"paths": paths}
