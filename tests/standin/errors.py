"""Kubernetes ``Status`` errors, shaped like kube-apiserver's (reason, code, message, details)."""

import json


class ApiError(Exception):
    """An error answer: HTTP code plus a ``Status`` object body."""

    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self):
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body

    def body(self):
        return json.dumps(self.status(), separators=(",", ":")).encode()


def qualified(group, resource):
    """``deployments.apps`` / ``pods``: the resource name kube-apiserver puts in messages."""
    return "%s.%s" % (resource, group) if group else resource


def _details(group, resource, name=None, causes=None):
    details = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if resource:
        details["kind"] = resource
    if causes:
        details["causes"] = causes
    return details


def not_found(group, resource, name):
    return ApiError(
        404, "NotFound", '%s "%s" not found' % (qualified(group, resource), name), _details(group, resource, name)
    )


def no_such_resource():
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(group, resource, name):
    return ApiError(
        409,
        "AlreadyExists",
        '%s "%s" already exists' % (qualified(group, resource), name),
        _details(group, resource, name),
    )


def conflict(group, resource, name, why=None):
    why = why or "the object has been modified; please apply your changes to the latest version and try again"
    return ApiError(
        409,
        "Conflict",
        'Operation cannot be fulfilled on %s "%s": %s' % (qualified(group, resource), name, why),
        _details(group, resource, name),
    )


def invalid(kind, group, name, causes):
    """422 Invalid; ``causes`` is a list of (field, message, cause type) tuples."""
    text = "; ".join("%s: %s" % (field, msg) if field else msg for field, msg, _t in causes)
    qualified_kind = "%s.%s" % (kind, group) if group else kind
    details = {"name": name, "kind": kind, "causes": [{"reason": t, "message": m, "field": f} for f, m, t in causes]}
    if group:
        details["group"] = group
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s' % (qualified_kind, name, text), details)


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def forbidden_resource(user, verb, group, resource, subresource, namespace, name):
    full = resource + ("/" + subresource if subresource else "")
    where = 'in the namespace "%s"' % namespace if namespace else "at the cluster scope"
    subject = qualified(group, resource)
    if name:
        subject += ' "%s"' % name
    message = '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s" %s' % (
        subject,
        user,
        verb,
        full,
        group,
        where,
    )
    return ApiError(403, "Forbidden", message, _details(group, resource, name))


def forbidden_path(user, verb, path):
    return ApiError(403, "Forbidden", 'forbidden: User "%s" cannot %s path "%s"' % (user, verb, path), {})


def method_not_allowed(message="the server does not allow this method on the requested resource"):
    return ApiError(405, "MethodNotAllowed", message, {})


def unsupported_media_type(content_type):
    return ApiError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: %s" % content_type,
    )


def not_acceptable(message):
    return ApiError(406, "NotAcceptable", message)


def gone(message):
    return ApiError(410, "Expired", message)


def service_unavailable(message="service unavailable"):
    return ApiError(503, "ServiceUnavailable", message)


def internal(message):
    return ApiError(500, "InternalError", "Internal error occurred: %s" % message)
