"""Request routing and the REST verbs of kube-apiserver, independent of the HTTP layer.

``Api.handle(request)`` returns a ``Response``; a watch returns a response whose ``stream`` yields
JSON lines. Authentication and authorisation happen here too, in kube-apiserver's order:
authenticate (401), authorise from the request attributes (403), then find the resource (404).
"""

import copy
import json
import time

from tests.standin import codec, errors, openapi, patch, selectors, tables
from tests.standin.store import now_rfc3339

NAMESPACE_SUBRESOURCES = ("status", "finalize")
REVIEW_KINDS = {
    ("authorization.k8s.io", "selfsubjectaccessreviews"),
    ("authorization.k8s.io", "subjectaccessreviews"),
    ("authorization.k8s.io", "localsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"),
    ("authentication.k8s.io", "selfsubjectreviews"),
    ("authentication.k8s.io", "tokenreviews"),
}


class Request(object):
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.user = None
        self.groups = []
        self.verb = None
        self.peer_identity = None  # (user, groups) of a verified client certificate


class Response(object):
    def __init__(self, status=200, body=b"", content_type="application/json", headers=None, stream=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.stream = stream


def json_response(obj, status=200, content_type="application/json", headers=None):
    return Response(status, codec.encode(obj), content_type, headers)


def error_response(exc):
    return Response(exc.code, exc.body(), "application/json", dict(exc.headers))


class Target(object):
    """What a resource path names (kube-apiserver's RequestInfo)."""

    def __init__(self, group, version, resource, namespace, name, subresource, extra):
        self.group = group
        self.version = version
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
        self.extra = extra


def parse_resource_path(parts):
    """Parse the parts after /api/v1 or /apis/G/V into (resource, namespace, name, subresource, extra)."""
    namespace = None
    if parts and parts[0] == "namespaces" and len(parts) > 1:
        namespace = parts[1]
        if len(parts) > 2 and parts[2] not in NAMESPACE_SUBRESOURCES:
            parts = parts[2:]
    resource = parts[0] if parts else None
    name = parts[1] if len(parts) > 1 else None
    sub = parts[2] if len(parts) > 2 else None
    extra = parts[3:]
    return resource, namespace, name, sub, extra


class Api(object):
    def __init__(self, ctx):
        self.ctx = ctx  # the StandIn: store, registry, logic, authn, authz, scenario data, version

    # --- entry ------------------------------------------------------------------------------------
    def handle(self, req):
        try:
            return self._handle(req)
        except errors.ApiError as exc:
            return error_response(exc)

    def _handle(self, req):
        ident = self.ctx.authn.authenticate(req.headers.get("authorization"))
        if ident is None and not req.headers.get("authorization"):
            ident = req.peer_identity
        if ident is None:
            raise errors.unauthorized()
        req.user, req.groups = ident
        path = req.path
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/")
        parts = [p for p in path.split("/") if p]
        if (
            not parts
            or parts[0] not in ("api", "apis")
            or (parts[0] == "apis" and len(parts) < 3)
            or (parts[0] == "api" and len(parts) < 2)
        ):
            return self._non_resource(req, path, parts)
        if parts[0] == "api":
            group, version, rest = "", parts[1], parts[2:]
        else:
            group, version, rest = parts[1], parts[2], parts[3:]
        if not rest:
            return self._non_resource(req, path, parts)
        resource, namespace, name, sub, extra = parse_resource_path(rest)
        target = Target(group, version, resource, namespace, name, sub, extra)
        verb = self._verb(req, target)
        req.verb = verb
        self._authorize_resource(req, target, verb)
        if self.ctx.registry.is_aggregated(group, version):
            return self._aggregated(req, group, version, path)
        rt = self.ctx.registry.lookup(group, version, resource)
        if rt is None:
            raise errors.no_such_resource()
        if sub and sub not in rt.subresources:
            raise errors.no_such_resource()
        if rt.namespaced and namespace is None and verb not in ("list", "watch"):
            raise errors.no_such_resource()
        if not rt.namespaced and namespace is not None and (group, resource) != ("", "namespaces"):
            raise errors.no_such_resource()
        if (group, resource) == ("", "namespaces") and namespace is not None and name is None:
            name = namespace
            target.name = name
        if not rt.namespaced:
            target.namespace = None
        return self._dispatch(req, rt, target, verb)

    def _verb(self, req, t):
        method = req.method
        if method in ("GET", "HEAD"):
            if t.name is None and not (t.resource == "namespaces" and t.namespace):
                return "watch" if _truthy(req.query.get("watch")) else "list"
            return "get"
        if method == "POST":
            return "create"
        if method == "PUT":
            return "update"
        if method == "PATCH":
            return "patch"
        if method == "DELETE":
            if t.name is None and not (t.resource == "namespaces" and t.namespace):
                return "deletecollection"
            return "delete"
        raise errors.method_not_allowed()

    def _authorize_resource(self, req, t, verb):
        name = t.name
        if t.resource == "namespaces" and t.namespace and name is None:
            name = t.namespace
        attrs = {
            "verb": verb,
            "group": t.group,
            "resource": t.resource or "",
            "subresource": t.subresource or "",
            "namespace": t.namespace or "",
            "name": name or "",
        }
        if not self.ctx.authz.allowed(req.user, req.groups, attrs):
            raise errors.forbidden_resource(req.user, verb, t.group, t.resource or "", t.subresource, t.namespace, name)

    # --- non-resource paths -----------------------------------------------------------------------
    def _non_resource(self, req, path, parts):
        verb = {"GET": "get", "HEAD": "head", "POST": "post", "PUT": "put", "DELETE": "delete", "PATCH": "patch"}.get(
            req.method, req.method.lower()
        )
        req.verb = verb
        if not self.ctx.authz.allowed(req.user, req.groups, {"verb": verb, "path": path}):
            raise errors.forbidden_path(req.user, verb, path)
        if req.method != "GET":
            raise errors.method_not_allowed()
        registry = self.ctx.registry
        accept = req.headers.get("accept", "")
        if path == "/version":
            return json_response(self.ctx.version_info)
        if path in ("/healthz", "/livez", "/readyz"):
            return Response(200, b"ok", "text/plain; charset=utf-8")
        if path == "/api":
            agg = _aggregated_version(accept)
            if agg:
                return json_response(registry.aggregated_list(True, agg), content_type=_agg_type(agg))
            return json_response(
                {
                    "kind": "APIVersions",
                    "versions": ["v1"],
                    "serverAddressByClientCIDRs": [
                        {"clientCIDR": "0.0.0.0/0", "serverAddress": self.ctx.server_address}
                    ],
                }
            )
        if path == "/apis":
            agg = _aggregated_version(accept)
            if agg:
                return json_response(registry.aggregated_list(False, agg), content_type=_agg_type(agg))
            return json_response(registry.api_group_list())
        if parts[:1] == ["apis"] and len(parts) == 2:
            group = registry.api_group(parts[1])
            if group is None:
                raise errors.no_such_resource()
            return json_response(dict(group, kind="APIGroup", apiVersion="v1"))
        if (parts[:1] == ["apis"] and len(parts) == 3) or (parts[:1] == ["api"] and len(parts) == 2):
            group, version = ("", parts[1]) if parts[0] == "api" else (parts[1], parts[2])
            if registry.is_aggregated(group, version) and not registry.aggregated_available(group, version):
                raise errors.service_unavailable()
            doc = registry.resource_list(group, version)
            if doc is None:
                raise errors.no_such_resource()
            return json_response(doc)
        if path == "/openapi/v3":
            return json_response(openapi.index(registry, self.ctx.version_info["gitVersion"]))
        if path.startswith("/openapi/v3/"):
            key = path[len("/openapi/v3/") :].split("/")
            if key[:1] == ["api"] and len(key) == 2:
                group, version = "", key[1]
            elif key[:1] == ["apis"] and len(key) == 3:
                group, version = key[1], key[2]
            else:
                raise errors.no_such_resource()
            if not registry.has_group_version(group, version):
                raise errors.no_such_resource()
            doc = openapi.group_version_doc(registry, group, version, self.ctx.version_info["gitVersion"])
            return json_response(
                doc, headers={"Cache-Control": "public, immutable", "Etag": '"%s"' % openapi.doc_hash(doc)[:32]}
            )
        if path == "/openapi/v2":
            if "json" not in accept and "*/*" not in accept:
                raise errors.not_acceptable("only application/json is served for /openapi/v2 by the stand-in")
            return json_response(
                {
                    "swagger": "2.0",
                    "info": {"title": "Kubernetes", "version": self.ctx.version_info["gitVersion"]},
                    "paths": {},
                    "definitions": {},
                }
            )
        if path == "/metrics":
            return Response(200, b"# stand-in API server: no metrics\n", "text/plain; version=0.0.4")
        return Response(404, b"404 page not found\n", "text/plain; charset=utf-8")

    # --- aggregated APIs (APIService-backed, served from the scenario) --------------------------
    def _aggregated(self, req, group, version, path):
        if not self.ctx.registry.aggregated_available(group, version):
            raise errors.service_unavailable()
        body = self.ctx.aggregated_body(group, version, path)
        if body is None:
            raise errors.no_such_resource()
        return json_response(body)

    # --- resource verbs ---------------------------------------------------------------------------
    def _dispatch(self, req, rt, t, verb):
        if t.subresource is None and verb not in rt.verbs:
            raise errors.method_not_allowed()
        if (rt.group, rt.resource) in REVIEW_KINDS:
            return self._review(req, rt, t)
        if t.subresource == "log":
            return self._log(req, rt, t)
        if t.subresource == "proxy":
            return self._proxy(req, rt, t)
        if t.subresource == "scale":
            return self._scale(req, rt, t)
        if t.subresource and t.subresource not in ("status",):
            raise errors.method_not_allowed(
                "the stand-in API server does not implement the %s subresource" % t.subresource
            )
        if verb == "get":
            return self._get(req, rt, t)
        if verb == "list":
            return self._list(req, rt, t)
        if verb == "watch":
            return self._watch(req, rt, t)
        if verb == "create":
            return self._create(req, rt, t)
        if verb == "update":
            return self._update(req, rt, t)
        if verb == "patch":
            return self._patch(req, rt, t)
        if verb == "delete":
            return self._delete(req, rt, t)
        if verb == "deletecollection":
            return self._delete_collection(req, rt, t)
        raise errors.method_not_allowed()

    def _existing(self, rt, t):
        obj = self.ctx.store.raw_get(rt.group, rt.resource, t.namespace or "", t.name)
        if obj is None:
            raise errors.not_found(rt.group, rt.resource, t.name)
        return obj

    def _out(self, rt, obj):
        if obj.get("apiVersion") == rt.group_version:
            return obj
        return dict(obj, apiVersion=rt.group_version)

    def _get(self, req, rt, t):
        obj = self._out(rt, self._existing(rt, t))
        table = codec.wants(req.headers.get("accept"), "Table", "meta.k8s.io")
        if table:
            return self._table_response(
                req, rt, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion")}, table
            )
        return json_response(obj)

    def _selectors(self, req, rt):
        labels = selectors.parse_labels(req.query.get("labelSelector"))
        fields = selectors.parse_fields(req.query.get("fieldSelector"), rt.group, rt.resource, rt.selectable_fields)
        return labels, fields

    def _list(self, req, rt, t):
        labels, fields = self._selectors(req, rt)
        limit = _int_param(req.query, "limit", 0)
        rv_match = req.query.get("resourceVersionMatch")
        if rv_match and rv_match not in ("NotOlderThan", "Exact"):
            raise errors.invalid(
                "ListOptions",
                "meta.k8s.io",
                "",
                [
                    (
                        "resourceVersionMatch",
                        'Unsupported value: "%s": supported values: "Exact", "NotOlderThan"' % rv_match,
                        "FieldValueNotSupported",
                    )
                ],
            )
        if rv_match == "Exact":
            rv = _int_param(req.query, "resourceVersion", 0)
            if rv != self.ctx.store.resource_version:
                raise errors.gone(
                    "Timeout: Too large resource version: %d, current: %d" % (rv, self.ctx.store.resource_version)
                    if rv > self.ctx.store.resource_version
                    else "The resourceVersion for the provided list is too old."
                )
        items, list_rv, token, remaining = self.ctx.store.list(
            rt.group, rt.resource, t.namespace, labels, fields, limit, req.query.get("continue")
        )
        meta = {"resourceVersion": str(list_rv)}
        if token:
            meta["continue"] = token
        if remaining is not None:
            meta["remainingItemCount"] = remaining
        table = codec.wants(req.headers.get("accept"), "Table", "meta.k8s.io")
        if table:
            return self._table_response(req, rt, [self._out(rt, i) for i in items], meta, table)
        items = [self._out(rt, i) for i in items] if rt.custom else [_without_type(i) for i in items]
        return json_response({"kind": rt.list_kind, "apiVersion": rt.group_version, "metadata": meta, "items": items})

    def _table_response(self, req, rt, objects, meta, version):
        return json_response(_table(req, rt, objects, meta, version), content_type=_table_type(version))

    def _watch(self, req, rt, t):
        labels, fields = self._selectors(req, rt)
        store = self.ctx.store
        rv_param = req.query.get("resourceVersion")
        initial = _truthy(req.query.get("sendInitialEvents"))
        bookmarks = _truthy(req.query.get("allowWatchBookmarks"))
        timeout = _int_param(req.query, "timeoutSeconds", 0) or self.ctx.watch_timeout
        table = codec.wants(req.headers.get("accept"), "Table", "meta.k8s.io")
        if initial and req.query.get("resourceVersionMatch") != "NotOlderThan":
            raise errors.invalid(
                "ListOptions",
                "meta.k8s.io",
                "",
                [
                    (
                        "resourceVersionMatch",
                        "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                        "FieldValueForbidden",
                    )
                ],
            )
        replay = []
        with store.lock:
            if initial or rv_param in (None, "", "0"):
                items, since, _tok, _rem = store.list(rt.group, rt.resource, t.namespace, labels, fields)
                replay = [("ADDED", i) for i in items]
            else:
                try:
                    since = int(rv_param)
                except ValueError:
                    raise errors.bad_request("invalid resource version: %s" % rv_param) from None
            try:
                watcher = store.watch(rt.group, rt.resource, t.namespace, labels, fields, since)
                expired = None
            except errors.ApiError as exc:
                watcher, expired = None, exc

        def encode_event(etype, obj):
            obj = self._out(rt, obj)
            if table and etype != "BOOKMARK":
                obj = _table(req, rt, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion")}, table)
            return codec.encode({"type": etype, "object": obj}) + b"\n"

        def bookmark(rv, end=False):
            meta = {"resourceVersion": str(rv)}
            if end:
                meta["annotations"] = {"k8s.io/initial-events-end": "true"}
            return (
                codec.encode(
                    {"type": "BOOKMARK", "object": {"kind": rt.kind, "apiVersion": rt.group_version, "metadata": meta}}
                )
                + b"\n"
            )

        def stream():
            if expired is not None:
                status = expired.status()
                status["reason"] = "Expired"
                yield codec.encode({"type": "ERROR", "object": status}) + b"\n"
                return
            last_rv = since
            try:
                for etype, obj in replay:
                    yield encode_event(etype, obj)
                if initial and bookmarks:
                    yield bookmark(since, end=True)
                deadline = time.monotonic() + timeout
                next_bookmark = time.monotonic() + self.ctx.bookmark_interval
                while not self.ctx.stopping.is_set():
                    now = time.monotonic()
                    if now >= deadline:
                        return
                    try:
                        item = watcher.events.get(timeout=min(0.2, deadline - now))
                    except Exception:  # queue.Empty
                        item = False
                    if item is None:
                        return
                    if item is False:
                        if bookmarks and time.monotonic() >= next_bookmark:
                            next_bookmark = time.monotonic() + self.ctx.bookmark_interval
                            yield bookmark(max(last_rv, store.resource_version))
                        continue
                    rv, etype, obj = item
                    last_rv = rv
                    yield encode_event(etype, obj)
            finally:
                if watcher is not None:
                    store.unwatch(watcher)

        return Response(200, content_type=_table_type(table) if table else "application/json", stream=stream())

    # --- writes -----------------------------------------------------------------------------------
    def _manager(self, req):
        manager = req.query.get("fieldManager")
        if manager:
            if len(manager) > 128:
                raise errors.invalid(
                    "PatchOptions",
                    "meta.k8s.io",
                    "",
                    [("fieldManager", "Too long: may not be more than 128 bytes", "FieldValueTooLong")],
                )
            return manager
        agent = req.headers.get("user-agent", "")
        return agent.split("/", 1)[0] if agent else "unknown"

    def _validation_mode(self, req):
        mode = req.query.get("fieldValidation") or "Warn"
        if mode not in ("Ignore", "Warn", "Strict"):
            raise errors.bad_request(
                'fieldValidation: unsupported value "%s": supported values: "Ignore", "Warn", "Strict"' % mode
            )
        return mode

    def _unknown_fields(self, req, rt, body):
        """Apply fieldValidation to unknown fields of a custom resource; returns Warning headers."""
        mode = self._validation_mode(req)
        unknown = self.ctx.logic.unknown_fields(rt, body)
        if not unknown or mode == "Ignore":
            return {}
        if mode == "Strict":
            raise errors.bad_request("strict decoding error: " + ", ".join('unknown field "%s"' % u for u in unknown))
        return {"Warning": ", ".join('299 - "unknown field \\"%s\\""' % u for u in unknown)}

    def _check_type(self, rt, body):
        if not rt.custom:
            # built-in endpoints decode with the endpoint's group/version/kind as defaults
            body.setdefault("apiVersion", rt.group_version)
            body.setdefault("kind", rt.kind)
        api_version = body.get("apiVersion")
        kind = body.get("kind")
        if not kind:
            raise errors.bad_request("Object 'Kind' is missing in '%s'" % _snippet(body))
        if not api_version:
            raise errors.bad_request("Object 'apiVersion' is missing in '%s'" % _snippet(body))
        if api_version != rt.group_version and not (
            api_version.rpartition("/")[0] == rt.group
            and self.ctx.registry.has_group_version(rt.group, api_version.rpartition("/")[2])
            if "/" in api_version
            else False
        ):
            raise errors.bad_request(
                "the API version in the data (%s) does not match the expected API version (%s)"
                % (api_version, rt.group_version)
            )
        if kind != rt.kind:
            raise errors.bad_request(
                "the kind in the data (%s) does not match the expected kind (%s)" % (kind, rt.kind)
            )

    def _create(self, req, rt, t):
        body = codec.decode_object(req.body, req.headers.get("content-type"))
        self._check_type(rt, body)
        dry = _dry_run(req)
        warnings = self._unknown_fields(req, rt, body)
        with self.ctx.store.lock:
            if t.name is not None:
                raise errors.method_not_allowed()
            obj = self.ctx.logic.prepare_create(rt, body, t.namespace, self._manager(req))
            if (
                self.ctx.store.raw_get(
                    rt.group, rt.resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
                )
                is not None
            ):
                raise errors.already_exists(rt.group, rt.resource, obj["metadata"]["name"])
            if dry:
                return json_response(obj, 201, headers=warnings)
            stored = self.ctx.logic.commit(rt, obj, "ADDED")
        return json_response(self._out(rt, stored), 201, headers=warnings)

    def _update(self, req, rt, t):
        body = codec.decode_object(req.body, req.headers.get("content-type"))
        self._check_type(rt, body)
        meta = body.get("metadata") or {}
        if meta.get("name") and meta["name"] != t.name:
            raise errors.bad_request(
                "the name of the object (%s) does not match the name on the URL (%s)" % (meta["name"], t.name)
            )
        warnings = self._unknown_fields(req, rt, body)
        with self.ctx.store.lock:
            old = self._existing(rt, t)
            rv = meta.get("resourceVersion")
            if rv and rv != old["metadata"].get("resourceVersion"):
                raise errors.conflict(rt.group, rt.resource, t.name)
            _check_preconditions(rt, old, {"uid": meta.get("uid")})
            new = self.ctx.logic.prepare_update(rt, old, body, self._manager(req), t.subresource or "")
            stored = self.ctx.logic.finish_write(rt, old, new, _dry_run(req))
        return json_response(self._out(rt, stored), headers=warnings)

    def _patch(self, req, rt, t):
        ctype = codec.media_type(req.headers.get("content-type"))
        if ctype not in codec.PATCH_TYPES:
            raise errors.unsupported_media_type(", ".join(codec.PATCH_TYPES[:4]))
        if ctype == "application/strategic-merge-patch+json" and rt.custom:
            raise errors.unsupported_media_type(
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
            )
        if ctype == "application/apply-patch+cbor":
            raise errors.unsupported_media_type("application/apply-patch+yaml")
        if ctype == "application/apply-patch+yaml":
            return self._apply(req, rt, t)
        try:
            body = json.loads(req.body.decode("utf-8")) if req.body else None
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.bad_request("error decoding patch: %s" % exc) from None
        if body is None:
            raise errors.bad_request("the body of the patch request is empty")
        if ctype != "application/json-patch+json" and not isinstance(body, dict):
            raise errors.bad_request("error decoding patch: a %s must be a JSON object" % ctype.split("/")[1])
        with self.ctx.store.lock:
            old = self._existing(rt, t)
            current = self._out(rt, old)
            if ctype == "application/json-patch+json":
                new = patch.json_patch(current, body)
            elif ctype == "application/merge-patch+json":
                new = patch.merge_patch(current, body)
            else:
                new = patch.strategic_merge(current, body, self.ctx.logic.keys_for(rt))
            if not isinstance(new, dict):
                raise errors.bad_request("the patch turned the object into something that is not an object")
            warnings = self._unknown_fields(req, rt, new)
            new_meta = new.get("metadata") or {}
            rv = new_meta.get("resourceVersion")
            if rv and rv != old["metadata"].get("resourceVersion"):
                raise errors.conflict(rt.group, rt.resource, t.name)
            if new.get("kind") != rt.kind or new.get("apiVersion") != rt.group_version:
                raise errors.bad_request("the patch may not change apiVersion or kind")
            if new_meta.get("name") != t.name:
                raise errors.bad_request("the patch may not change metadata.name")
            updated = self.ctx.logic.prepare_update(rt, old, new, self._manager(req), t.subresource or "")
            stored = self.ctx.logic.finish_write(rt, old, updated, _dry_run(req))
        return json_response(self._out(rt, stored), headers=warnings)

    def _apply(self, req, rt, t):
        body = codec.decode_object(req.body, "application/apply-patch+yaml")
        manager = req.query.get("fieldManager")
        if not manager:
            raise errors.invalid(
                "PatchOptions",
                "meta.k8s.io",
                "",
                [("fieldManager", "Required value: is required for apply patch", "FieldValueRequired")],
            )
        self._check_type(rt, body)
        meta = body.get("metadata")
        if not isinstance(meta, dict) or not meta.get("name"):
            raise errors.bad_request("metadata.name: Required value: name is required for apply")
        if meta["name"] != t.name:
            raise errors.bad_request(
                "the name of the object (%s) does not match the name on the URL (%s)" % (meta["name"], t.name)
            )
        if rt.namespaced and meta.get("namespace") and meta["namespace"] != t.namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        force = _truthy(req.query.get("force"))
        warnings = self._unknown_fields(req, rt, body)
        keys = self.ctx.logic.keys_for(rt)
        dry = _dry_run(req)
        sub = t.subresource or ""
        with self.ctx.store.lock:
            old = self.ctx.store.raw_get(rt.group, rt.resource, t.namespace or "", t.name)
            if old is None:
                if sub:
                    raise errors.not_found(rt.group, rt.resource, t.name)
                created = self.ctx.logic.prepare_create(rt, body, t.namespace, None)
                # create-on-apply: the object as a create makes it, the applied fields owned by the manager
                live = patch.server_side_apply(None, body, manager, rt.group_version, keys, force, now_rfc3339())
                if "managedFields" in live["metadata"]:
                    created["metadata"]["managedFields"] = live["metadata"]["managedFields"]
                if dry:
                    return json_response(created, 201, headers=warnings)
                stored = self.ctx.logic.commit(rt, created, "ADDED")
                return json_response(self._out(rt, stored), 201, headers=warnings)
            current = self._out(rt, old)
            applied = copy.deepcopy(body)
            if rt.has_status and not sub:
                applied.pop("status", None)
            if sub == "status":
                applied = {k: v for k, v in applied.items() if k in ("apiVersion", "kind", "metadata", "status")}
                applied["metadata"] = {"name": t.name}
            merged = patch.server_side_apply(
                current, applied, manager, rt.group_version, keys, force, now_rfc3339(), sub
            )
            fields = merged["metadata"].get("managedFields")
            updated = self.ctx.logic.prepare_update(rt, old, merged, None, sub, controller=False)
            updated["metadata"]["managedFields"] = fields or []
            if not updated["metadata"]["managedFields"]:
                updated["metadata"].pop("managedFields")
            if _same_apart_from_time(old, updated):
                return json_response(self._out(rt, old), headers=warnings)
            stored = self.ctx.logic.finish_write(rt, old, updated, dry)
        return json_response(self._out(rt, stored), headers=warnings)

    def _delete_options(self, req):
        if not req.body:
            return {}
        try:
            opts = codec.decode(req.body, req.headers.get("content-type") or "application/json", "DeleteOptions")
        except errors.ApiError:
            raise errors.bad_request("the body of the delete request is not a valid DeleteOptions object") from None
        return opts if isinstance(opts, dict) else {}

    def _delete(self, req, rt, t):
        opts = self._delete_options(req)
        dry = _dry_run(req) or "All" in (opts.get("dryRun") or [])
        with self.ctx.store.lock:
            old = self._existing(rt, t)
            _check_preconditions(rt, old, opts.get("preconditions") or {})
            obj, deleted = self.ctx.logic.delete(rt, old, dry)
        return json_response(self._out(rt, obj), 200 if deleted else 202)

    def _delete_collection(self, req, rt, t):
        labels, fields = self._selectors(req, rt)
        dry = _dry_run(req)
        with self.ctx.store.lock:
            items, _rv, _tok, _rem = self.ctx.store.list(rt.group, rt.resource, t.namespace, labels, fields)
            out = []
            for item in items:
                obj, _deleted = self.ctx.logic.delete(rt, item, dry)
                out.append(self._out(rt, obj))
            rv = self.ctx.store.resource_version
        return json_response(
            {
                "kind": rt.list_kind,
                "apiVersion": rt.group_version,
                "metadata": {"resourceVersion": str(rv)},
                "items": out,
            }
        )

    # --- special resources ------------------------------------------------------------------------
    def _review(self, req, rt, t):
        if req.method != "POST":
            raise errors.method_not_allowed()
        body = codec.decode_object(req.body, req.headers.get("content-type"))
        self._check_type(rt, body)
        spec = body.get("spec") or {}
        authz = self.ctx.authz
        if rt.resource == "selfsubjectaccessreviews":
            status = authz.review(req.user, req.groups, spec)
        elif rt.resource in ("subjectaccessreviews", "localsubjectaccessreviews"):
            if rt.resource == "localsubjectaccessreviews":
                ra = spec.get("resourceAttributes") or {}
                if ra.get("namespace") != t.namespace:
                    raise errors.bad_request("spec.resourceAttributes.namespace must match the request namespace")
            status = authz.review(spec.get("user", ""), list(spec.get("groups") or []), spec)
        elif rt.resource == "selfsubjectrulesreviews":
            status = authz.rules_review(req.user, req.groups, spec.get("namespace", ""))
        elif rt.resource == "selfsubjectreviews":
            status = {"userInfo": {"username": req.user, "groups": list(req.groups)}}
        else:
            token = spec.get("token", "")
            ident = self.ctx.authn.authenticate("Bearer " + token)
            status = {"authenticated": ident is not None}
            if ident:
                status["user"] = {"username": ident[0], "groups": list(ident[1])}
        out = dict(body, status=status)
        out.setdefault("metadata", {})
        out["metadata"].setdefault("creationTimestamp", None)
        return json_response(out, 201)

    def _log(self, req, rt, t):
        if req.method != "GET":
            raise errors.method_not_allowed()
        pod = self._existing(rt, t)
        containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        container = req.query.get("container")
        if container is None:
            if len(containers) > 1:
                raise errors.bad_request(
                    "a container name must be specified for pod %s, choose one of: [%s]"
                    % (t.name, " ".join(containers))
                )
            container = containers[0] if containers else ""
        elif containers and container not in containers:
            raise errors.bad_request("container %s is not valid for pod %s" % (container, t.name))
        text = self.ctx.pod_log(t.namespace, t.name, container)
        tail = req.query.get("tailLines")
        if tail is not None and tail.isdigit():
            lines = text.splitlines(True)
            text = "".join(lines[-int(tail) :]) if int(tail) else ""
        return Response(200, text.encode(), "text/plain")

    def _proxy(self, req, rt, t):
        # services/proxy and pods/proxy: the scenario's ``proxy`` map declares the page behind
        # "ns/name:port/path" (the name of a Service or of a Pod); nothing is really forwarded
        if rt.resource not in ("services", "pods"):
            raise errors.method_not_allowed("the stand-in API server proxies only services and pods")
        name, _sep, port = t.name.partition(":")
        target = self.ctx.store.raw_get("", rt.resource, t.namespace, name)
        if target is None:
            raise errors.not_found("", rt.resource, name)
        if rt.resource == "pods" and (target.get("status") or {}).get("phase") != "Running":
            raise errors.service_unavailable('pod "%s" is not running' % name)
        text = self.ctx.proxy_text(t.namespace, name, port, "/" + "/".join(t.extra))
        if text is None:
            what = "service" if rt.resource == "services" else "pod"
            raise errors.service_unavailable('no endpoints available for %s "%s"' % (what, t.name))
        return Response(200, text.encode(), "text/plain; version=0.0.4; charset=utf-8")

    def _scale(self, req, rt, t):
        with self.ctx.store.lock:
            old = self._existing(rt, t)
            if req.method in ("PUT", "PATCH"):
                if req.method == "PUT":
                    body = codec.decode_object(req.body, req.headers.get("content-type"))
                else:
                    current = _scale_of(old)
                    raw = json.loads(req.body.decode("utf-8") or "{}")
                    ctype = codec.media_type(req.headers.get("content-type"))
                    body = (
                        patch.json_patch(current, raw)
                        if ctype == "application/json-patch+json"
                        else patch.merge_patch(current, raw)
                    )
                replicas = ((body or {}).get("spec") or {}).get("replicas")
                if not isinstance(replicas, int) or replicas < 0:
                    raise errors.invalid(
                        "Scale",
                        "autoscaling",
                        t.name,
                        [("spec.replicas", "Invalid value: must be greater than or equal to 0", "FieldValueInvalid")],
                    )
                new = copy.deepcopy(old)
                new.setdefault("spec", {})["replicas"] = replicas
                updated = self.ctx.logic.prepare_update(rt, old, new, self._manager(req))
                old = self.ctx.logic.finish_write(rt, old, updated, _dry_run(req))
        return json_response(_scale_of(old))


def _table(req, rt, objects, list_meta, version):
    """The Table of ``objects`` in meta.k8s.io/``version`` (v1 or v1beta1), rows as includeObject asks."""
    body = tables.table(rt, objects, req.query.get("includeObject", "Metadata"), list_meta)
    if version == "v1beta1":
        body["apiVersion"] = "meta.k8s.io/v1beta1"
    return body


def _table_type(version):
    return "application/json;as=Table;v=%s;g=meta.k8s.io" % version


def _scale_of(obj):
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    selector = ((spec.get("selector") or {}).get("matchLabels")) or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta
        },
        "spec": {"replicas": spec.get("replicas", 1)},
        "status": {
            "replicas": (obj.get("status") or {}).get("replicas", 0),
            "selector": ",".join("%s=%s" % kv for kv in sorted(selector.items())),
        },
    }


def _check_preconditions(rt, old, pre):
    """409 when ``pre`` (DeleteOptions.preconditions, or the uid an update sends) names another object."""
    meta = old["metadata"]
    for field, label in (("uid", "UID"), ("resourceVersion", "ResourceVersion")):
        if pre.get(field) and pre[field] != meta.get(field):
            raise errors.conflict(
                rt.group,
                rt.resource,
                meta["name"],
                "Precondition failed: %s in precondition: %s, %s in object meta: %s"
                % (label, pre[field], label, meta.get(field)),
            )


def _same_apart_from_time(old, new):
    def norm(o):
        o = copy.deepcopy(o)
        o.pop("apiVersion", None)
        meta = o.get("metadata") or {}
        meta.pop("resourceVersion", None)
        for e in meta.get("managedFields") or []:
            e.pop("time", None)
        return o

    return norm(old) == norm(new)


def _without_type(obj):
    return {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}


def _truthy(value):
    return str(value).lower() in ("true", "1")


def _int_param(query, name, default):
    value = query.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise errors.bad_request('invalid value for %s: "%s": expected an integer' % (name, value)) from None
    if number < 0:
        raise errors.bad_request("%s: must be non-negative, got %d" % (name, number))
    return number


def _dry_run(req):
    value = req.query.get("dryRun")
    if value in (None, ""):
        return False
    if value != "All":
        raise errors.bad_request('dryRun: Unsupported value: "%s": supported values: "All"' % value)
    return True


def _snippet(body):
    text = json.dumps(body)
    return text if len(text) < 200 else text[:197] + "..."


def _aggregated_version(accept):
    for mt, params in codec.parse_accept(accept):
        if (
            mt == "application/json"
            and params.get("g") == "apidiscovery.k8s.io"
            and params.get("as") == "APIGroupDiscoveryList"
            and params.get("v") in ("v2", "v2beta1")
        ):
            return params["v"]
    return None


def _agg_type(version):
    return "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList" % version
