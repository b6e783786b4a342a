# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Kubernetes API client of the collection.

``build_configuration`` turns the kubernetes.core-style connection options into a
``kubernetes.client.Configuration`` with the kubernetes client's own kubeconfig and
in-cluster loaders (exec plugins, OIDC and token files keep working). ``KubeClient`` then
sends the requests itself through urllib3, because the checks need what the generated API
classes hide: content negotiation for aggregated discovery, raw text from proxied metrics
pages, paged lists with server-side selectors, bounded retries that honour ``Retry-After``,
and a count of every request made.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import ssl
import threading
import time
from collections import Counter

try:
    from urllib.parse import quote, urlencode
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps sanity quiet
    from urllib import quote, urlencode

try:
    import urllib3
    from kubernetes import config as kube_config
    from kubernetes.client import Configuration
    from kubernetes.config.config_exception import ConfigException

    HAS_KUBERNETES = True
    KUBERNETES_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by ansible-test's import sanity test
    HAS_KUBERNETES = False
    KUBERNETES_IMPORT_ERROR = exc
    ConfigException = Exception

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import (
    ApiError,
    ConfigError,
)

USER_AGENT = "ai_conformance.rke2/0.1.0"
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"


def _default_kubeconfig():
    env = os.environ.get("KUBECONFIG")
    if env:
        return env
    return os.path.expanduser("~/.kube/config")


def _check_readable(path, option):
    for part in path.split(os.pathsep):
        if not os.path.isfile(part):
            raise ConfigError("%s: the file %s does not exist" % (option, part))
        if not os.access(part, os.R_OK):
            raise ConfigError("%s: the file %s is not readable" % (option, part))


def build_configuration(params):
    """Return a kubernetes ``Configuration`` for the connection options in ``params``.

    Precedence follows kubernetes.core: ``host`` (with ``api_key``/certificates) wins;
    else ``kubeconfig`` (a path, or a kubeconfig as a dict) with ``context``; else the
    in-cluster service account; else ``$KUBECONFIG`` or ``~/.kube/config``.
    """
    if not HAS_KUBERNETES:
        raise ConfigError(
            "the Python library 'kubernetes' is required on the host running this module "
            "(pip install kubernetes): %s" % KUBERNETES_IMPORT_ERROR
        )
    cfg = Configuration()
    kubeconfig = params.get("kubeconfig")
    context = params.get("context")
    host = params.get("host")
    try:
        if isinstance(kubeconfig, dict):
            kube_config.load_kube_config_from_dict(
                config_dict=kubeconfig, context=context, client_configuration=cfg, persist_config=False
            )
        elif kubeconfig:
            kubeconfig = os.path.expanduser(str(kubeconfig))
            _check_readable(kubeconfig, "kubeconfig")
            kube_config.load_kube_config(
                config_file=kubeconfig, context=context, client_configuration=cfg, persist_config=False
            )
        elif host:
            pass
        elif os.environ.get("KUBERNETES_SERVICE_HOST") and os.path.isfile(IN_CLUSTER_TOKEN):
            kube_config.load_incluster_config(client_configuration=cfg)
        else:
            default = _default_kubeconfig()
            if not all(os.path.isfile(p) for p in default.split(os.pathsep)):
                raise ConfigError(
                    "no connection settings: set kubeconfig (or K8S_AUTH_KUBECONFIG), or host and "
                    "api_key; the default kubeconfig %s does not exist" % default
                )
            kube_config.load_kube_config(
                config_file=default, context=context, client_configuration=cfg, persist_config=False
            )
    except Exception as exc:  # what the kubernetes client's loaders raise for a bad kubeconfig
        raise ConfigError(_load_error(exc, "kubeconfig" if kubeconfig else "connection settings")) from None

    if host:
        cfg.host = host.rstrip("/")
    if params.get("api_key"):
        cfg.api_key = {"authorization": "Bearer " + params["api_key"]}
        cfg.refresh_api_key_hook = None
    for option, attr in (("ca_cert", "ssl_ca_cert"), ("client_cert", "cert_file"), ("client_key", "key_file")):
        value = params.get(option)
        if value:
            value = os.path.expanduser(value)
            _check_readable(value, option)
            setattr(cfg, attr, value)
    if params.get("validate_certs") is not None:
        cfg.verify_ssl = bool(params["validate_certs"])
    if params.get("proxy"):
        cfg.proxy = params["proxy"]
    if params.get("username") and params.get("password"):
        cfg.username = params["username"]
        cfg.password = params["password"]
    if not cfg.host or not cfg.host.startswith(("http://", "https://")):
        raise ConfigError("host: expected a URL such as https://127.0.0.1:6443, got %r" % (cfg.host,))
    return cfg


def _load_error(exc, source):
    if isinstance(exc, ConfigError):
        return str(exc)
    if isinstance(exc, ConfigException):
        return "%s: %s" % (source, exc)
    if type(exc).__module__.startswith("yaml"):
        return "%s: not valid YAML (%s)" % (source, str(exc).splitlines()[0])
    return "%s: cannot be loaded (%s: %s)" % (source, type(exc).__name__, exc)


class Response(object):
    """One HTTP answer: status, lower-cased headers and the body as bytes."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.text)


def _status_message(response):
    """The ``message`` and ``reason`` of a Kubernetes ``Status`` body, when there is one."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300], None
    if isinstance(data, dict) and data.get("kind") == "Status":
        return data.get("message") or "", data.get("reason")
    return response.text.strip()[:300], None


def api_path(group, version, plural, namespace=None, name=None, subresource=None):
    """URL path of a resource, e.g. ``/apis/apps/v1/namespaces/ns/deployments/x/status``."""
    base = "/api/%s" % version if not group else "/apis/%s/%s" % (group, version)
    if namespace:
        base += "/namespaces/%s" % quote(namespace, safe="")
    base += "/" + plural
    if name:
        base += "/" + quote(name, safe="")
    if subresource:
        base += "/" + subresource
    return base


class KubeClient(object):
    """Thread-safe API client with bounded retries and request counters.

    ``retries`` is the number of extra attempts after a retryable failure (429, 5xx,
    connection errors and timeouts); the wait doubles from ``backoff`` seconds up to
    ``max_backoff`` and a ``Retry-After`` header (capped by ``max_backoff``) replaces it.
    """

    def __init__(
        self,
        configuration,
        request_timeout=10.0,
        retries=3,
        backoff=0.5,
        max_backoff=8.0,
        pool_size=8,
        sleep=time.sleep,
    ):
        self.configuration = configuration
        self.host = configuration.host.rstrip("/")
        self.request_timeout = request_timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._lock = threading.Lock()
        self.requests_total = 0
        self.retries_total = 0
        self.requests_by_verb = Counter()
        self._pool = self._make_pool(configuration, pool_size)

    @staticmethod
    def _make_pool(cfg, pool_size):
        kwargs = {"maxsize": pool_size, "retries": False, "block": False}
        if cfg.host.startswith("https://"):
            if cfg.verify_ssl:
                kwargs["cert_reqs"] = ssl.CERT_REQUIRED
                kwargs["ca_certs"] = cfg.ssl_ca_cert or _system_ca_bundle()
            else:
                # the user turned verification off on purpose; urllib3's warning would only add noise
                kwargs["cert_reqs"] = ssl.CERT_NONE
                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            if cfg.cert_file:
                kwargs["cert_file"] = cfg.cert_file
            if cfg.key_file:
                kwargs["key_file"] = cfg.key_file
            if getattr(cfg, "tls_server_name", None):
                kwargs["server_hostname"] = cfg.tls_server_name
            if cfg.assert_hostname is not None:
                kwargs["assert_hostname"] = cfg.assert_hostname
        if cfg.proxy:
            return urllib3.ProxyManager(cfg.proxy, proxy_headers=cfg.proxy_headers, **kwargs)
        return urllib3.PoolManager(**kwargs)

    def _headers(self, accept, content_type):
        cfg = self.configuration
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if content_type:
            headers["Content-Type"] = content_type
        if cfg.refresh_api_key_hook is not None:
            cfg.refresh_api_key_hook(cfg)
        token = cfg.api_key.get("authorization") or cfg.api_key.get("BearerToken")
        if token:
            prefix = cfg.api_key_prefix.get("authorization") or cfg.api_key_prefix.get("BearerToken")
            if prefix and not token.startswith(prefix):
                token = "%s %s" % (prefix, token)
            elif not token.lower().startswith(("bearer ", "basic ")):
                token = "Bearer " + token
            headers["Authorization"] = token
        elif cfg.username and cfg.password:
            headers.update(urllib3.make_headers(basic_auth="%s:%s" % (cfg.username, cfg.password)))
        return headers

    def _count(self, method, retry):
        with self._lock:
            self.requests_total += 1
            self.requests_by_verb[method] += 1
            if retry:
                self.retries_total += 1

    def stats(self):
        with self._lock:
            return {
                "total": self.requests_total,
                "retries": self.retries_total,
                "by_verb": dict(self.requests_by_verb),
            }

    def _wait(self, attempt, retry_after=None):
        delay = min(self.max_backoff, self.backoff * (2**attempt))
        if retry_after and retry_after.strip().replace(".", "", 1).isdigit():
            delay = min(self.max_backoff, float(retry_after))
        # a little jitter keeps concurrent checks from retrying in lock-step
        self._sleep(delay * (1 + random.random() * 0.1))

    def request(
        self,
        method,
        path,
        query=None,
        body=None,
        accept="application/json",
        content_type=None,
        timeout=None,
    ):
        """Send one request, retrying transient failures; return a ``Response``.

        Raises ``ApiError`` for an answer outside 2xx and for
        connection, TLS and timeout failures once the retries are spent.
        """
        url = self.host + path
        if query:
            url += "?" + urlencode([(k, v) for k, v in query.items() if v is not None])
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        idempotent = method in ("GET", "HEAD")
        timeout = timeout or self.request_timeout
        shown = path + ("?" + urlencode([(k, v) for k, v in query.items() if v is not None]) if query else "")
        attempt = 0
        while True:
            self._count(method, attempt > 0)
            try:
                raw = self._pool.request(
                    method,
                    url,
                    body=body,
                    headers=self._headers(accept, content_type),
                    timeout=urllib3.Timeout(connect=min(timeout, 10.0), read=timeout),
                    preload_content=True,
                    redirect=False,
                )
            except urllib3.exceptions.SSLError as exc:
                raise ApiError(
                    "TLS verification of %s failed (%s): give the cluster's CA with ca_cert or in the "
                    "kubeconfig, or set validate_certs=false for a test cluster" % (self.host, _first_line(exc)),
                    method,
                    shown,
                    None,
                    "TLSError",
                ) from None
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                # connection refused/reset, read timeout, dropped connection: worth a retry
                transient = idempotent or isinstance(exc, urllib3.exceptions.NewConnectionError)
                if transient and attempt < self.retries:
                    self._wait(attempt)
                    attempt += 1
                    continue
                # NewConnectionError is a subclass of ConnectTimeoutError in urllib3: test it first
                if isinstance(exc, urllib3.exceptions.NewConnectionError) or not isinstance(
                    exc, urllib3.exceptions.TimeoutError
                ):
                    kind = "ConnectionError"
                else:
                    kind = "Timeout"
                raise ApiError(
                    "no answer from the API server at %s for %s %s after %d attempt(s): %s"
                    % (self.host, method, shown, attempt + 1, _first_line(exc)),
                    method,
                    shown,
                    None,
                    kind,
                ) from None
            headers = {k.lower(): v for k, v in raw.headers.items()}
            response = Response(raw.status, headers, raw.data or b"")
            if 200 <= raw.status < 300:
                return response
            if raw.status in RETRY_STATUSES and attempt < self.retries and (idempotent or raw.status == 429):
                self._wait(attempt, headers.get("retry-after"))
                attempt += 1
                continue
            message, reason = _status_message(response)
            raise ApiError(
                _describe_status(raw.status, method, shown, message, attempt + 1),
                method,
                shown,
                raw.status,
                reason or _REASONS.get(raw.status, "HTTP%d" % raw.status),
            )

    def get(self, path, query=None, accept="application/json"):
        """GET and decode a JSON body."""
        response = self.request("GET", path, query=query, accept=accept)
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                "GET %s answered with a body that is not JSON" % path, "GET", path, response.status, "BadBody"
            ) from None

    def get_text(self, path, query=None, accept="text/plain, */*"):
        return self.request("GET", path, query=query, accept=accept).text

    def list(self, path, label_selector=None, field_selector=None, limit=500):
        """Read a whole collection in pages of ``limit``; return ``(items, pages)``.

        Selectors are passed to the server, never applied client-side.
        """
        items = []
        pages = 0
        token = None
        while True:
            query = {
                "limit": limit,
                "labelSelector": label_selector,
                "fieldSelector": field_selector,
                "continue": token,
            }
            data = self.get(path, query=query)
            pages += 1
            items.extend(data.get("items") or [])
            token = (data.get("metadata") or {}).get("continue")
            if not token:
                return items, pages


_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Gone",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


def _describe_status(status, method, path, message, attempts):
    if status == 401:
        head = "the API server rejected the credentials (401 Unauthorized)"
        hint = ": check api_key or the kubeconfig's user"
    elif status == 403:
        head = "permission denied (403 Forbidden)"
        hint = ": grant it (see the collection's read-only ClusterRole)"
    else:
        head = "the API server answered %d %s" % (status, _REASONS.get(status, ""))
        hint = ""
        if status in RETRY_STATUSES and attempts > 1:
            hint = " (after %d attempts)" % attempts
    detail = (": " + message) if message else ""
    return "%s for %s %s%s%s" % (head, method, path, detail, hint)


def _first_line(exc):
    text = str(getattr(exc, "reason", None) or exc)
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _system_ca_bundle():
    paths = ssl.get_default_verify_paths()
    return paths.cafile or paths.openssl_cafile or None
