"""A small JSON client of the world's kube-apiserver, for the launcher and the tests' own set-up.

The collection's code under test talks to the world through its own client, kubectl or
kubernetes.core; this one only loads scenarios, waits for controllers and reads objects back.
Paths come from one aggregated-discovery pass, refreshed when a kind is not known yet (new CRDs).
"""

import json
import threading
import time
import urllib.parse

import urllib3

DISCOVERY_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"


class ApiError(RuntimeError):
    def __init__(self, method, path, status, body):
        self.method, self.path, self.status, self.body = method, path, status, body
        message = body.get("message") if isinstance(body, dict) else None
        super().__init__("%s %s: %s %s" % (method, path, status, message or body))

    @property
    def reason(self):
        return self.body.get("reason") if isinstance(self.body, dict) else None


def split_api_version(api_version):
    group, _sep, version = api_version.rpartition("/")
    return group, version


class Api(object):
    def __init__(self, url, ca_file, token, timeout=30.0):
        self.url = url.rstrip("/")
        self._token = token
        self._http = urllib3.PoolManager(
            num_pools=4, maxsize=16, ca_certs=ca_file, cert_reqs="CERT_REQUIRED", timeout=timeout, retries=False
        )
        self._kinds = {}
        self._lock = threading.Lock()

    # --- raw requests ----------------------------------------------------------------------------
    def request(self, method, path, body=None, content_type="application/json", query=None, accept=None):
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Authorization": "Bearer " + self._token, "Accept": accept or "application/json"}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type
        response = self._http.request(method, url, body=data, headers=headers, preload_content=True)
        text = response.data.decode(errors="replace")
        try:
            parsed = json.loads(text) if text else {}
        except ValueError:
            parsed = text
        if response.status >= 400:
            raise ApiError(method, path, response.status, parsed)
        return parsed

    def get(self, path, **query):
        return self.request("GET", path, query=query or None)

    # --- discovery -------------------------------------------------------------------------------
    def refresh_discovery(self):
        kinds = {}
        for root in ("/api", "/apis"):
            doc = self.request("GET", root, accept=DISCOVERY_ACCEPT)
            for group in doc.get("items") or []:
                group_name = (group.get("metadata") or {}).get("name") or ""
                for version in group.get("versions") or []:
                    api_version = "%s/%s" % (group_name, version["version"]) if group_name else version["version"]
                    prefix = "/apis/%s" % api_version if group_name else "/api/%s" % api_version
                    for resource in version.get("resources") or []:
                        kind = (resource.get("responseKind") or {}).get("kind")
                        if kind:
                            kinds[(api_version, kind)] = (
                                prefix,
                                resource["resource"],
                                resource.get("scope") == "Namespaced",
                            )
        with self._lock:
            self._kinds = kinds
        return kinds

    def resource(self, api_version, kind, wait=0.0):
        """(path prefix, plural, namespaced) of a kind; waits up to ``wait`` seconds for it to be served."""
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                found = self._kinds.get((api_version, kind))
            if found:
                return found
            self.refresh_discovery()
            with self._lock:
                found = self._kinds.get((api_version, kind))
            if found or time.monotonic() >= deadline:
                if not found:
                    raise LookupError("%s %s is not served by the API server" % (api_version, kind))
                return found
            time.sleep(0.2)

    def path(self, api_version, kind, name=None, namespace=None, subresource=None, wait=0.0):
        prefix, plural, namespaced = self.resource(api_version, kind, wait=wait)
        path = prefix
        if namespaced and namespace:
            path += "/namespaces/%s" % namespace
        path += "/" + plural
        if name:
            path += "/" + name
        if subresource:
            path += "/" + subresource
        return path

    def object_path(self, obj, subresource=None, collection=False, wait=0.0):
        meta = obj.get("metadata") or {}
        return self.path(
            obj["apiVersion"],
            obj["kind"],
            None if collection else meta.get("name"),
            meta.get("namespace"),
            subresource,
            wait=wait,
        )

    # --- verbs -------------------------------------------------------------------------------------
    def read(self, api_version, kind, name, namespace=None):
        """The object, or None when it does not exist."""
        try:
            return self.get(self.path(api_version, kind, name, namespace))
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def list(self, api_version, kind, namespace=None, **query):
        """Every item (pages of 500 followed)."""
        path = self.path(api_version, kind, namespace=namespace)
        items, token = [], None
        while True:
            params = dict(query, limit=500)
            if token:
                params["continue"] = token
            page = self.get(path, **params)
            items.extend(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return items

    def apply(self, obj, subresource=None, manager="testworld", wait=0.0):
        """Server-side apply (create or update), ``force`` taking fields from other managers."""
        path = self.object_path(obj, subresource=subresource, wait=wait)
        return self.request(
            "PATCH",
            path,
            body=json.dumps(obj),
            content_type="application/apply-patch+yaml",
            query={"fieldManager": manager, "force": "true"},
        )

    def create(self, obj, wait=0.0):
        return self.request("POST", self.object_path(obj, collection=True, wait=wait), body=obj)

    def merge_patch(self, api_version, kind, name, patch, namespace=None, subresource=None):
        path = self.path(api_version, kind, name, namespace, subresource)
        return self.request("PATCH", path, body=patch, content_type="application/merge-patch+json")

    def delete(self, api_version, kind, name, namespace=None, **query):
        """Delete; True when it existed."""
        try:
            self.request("DELETE", self.path(api_version, kind, name, namespace), query=query or None)
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def watch(self, path, resource_version, timeout_seconds=300, on_open=None):
        """Yield watch events of ``path`` (a collection) from ``resource_version`` until the server ends
        the watch; raises ApiError (410 Gone among them) for the caller to re-list. ``on_open`` gets
        the streaming response, whose ``shutdown()`` ends the watch from another thread."""
        query = {
            "watch": "1",
            "resourceVersion": resource_version,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": str(timeout_seconds),
        }
        url = "%s%s?%s" % (self.url, path, urllib.parse.urlencode(query))
        headers = {"Authorization": "Bearer " + self._token, "Accept": "application/json"}
        response = self._http.request(
            "GET", url, headers=headers, preload_content=False, timeout=urllib3.Timeout(connect=10, read=None)
        )
        if on_open is not None:
            on_open(response)
        try:
            if response.status >= 400:
                raise ApiError("GET", path, response.status, response.data.decode(errors="replace"))
            buffer = b""
            for chunk in response.stream(65536):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        event = json.loads(line)
                        if event.get("type") == "ERROR":
                            status = event.get("object") or {}
                            raise ApiError("WATCH", path, status.get("code", 500), status)
                        yield event
        finally:
            response.release_conn()
