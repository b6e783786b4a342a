# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exception types of the collection.

Every failure a user can cause or meet (bad input, an unreachable or refusing API server)
is one of these, with a message that names the option or the request at fault. The module
boundary (``module_utils.module_runner``) turns them into ``fail_json``; checks turn
``ApiError`` into a result with status ``error``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ConformanceError(Exception):
    """Base class: a failure with a message meant for the user."""


class ConfigError(ConformanceError):
    """Bad input: an option value, a kubeconfig, a declaration."""


class ApiError(ConformanceError):
    """A request to the Kubernetes API failed after retries.

    ``status`` is the HTTP status code, or None when no answer came (connection refused,
    TLS failure, timeout). ``reason`` is the Kubernetes ``Status.reason`` when the server
    sent one (``Forbidden``, ``NotFound``...), else a short word for the failure.
    """

    def __init__(self, message, method=None, path=None, status=None, reason=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason

    @property
    def request(self):
        return "%s %s" % (self.method, self.path) if self.method else None

    def to_dict(self):
        return {
            "message": self.message,
            "request": self.request,
            "status": self.status,
            "reason": self.reason,
        }
