"""The world's declared stand-ins for what containers would serve: one process inside the pod
network (``network.py``), listening on 0.0.0.0 at every port a scenario's ``endpoints`` name.

A connection's destination address is a pod IP; the launcher (``endpoints.py``) keeps a routing
file saying which pod and which endpoint declaration that address and port belong to. A request is
answered with the declaration's page for its path, a Jinja template rendered at request time with
``pod`` (name, namespace, node, ip, labels), ``pods(namespace, selector)`` (the running pods a
selector matches, sorted by node and name) and ``request`` (method, path, query, json). Addresses
and ports no declaration covers are refused (404), like a port nothing listens on behind a Service.
Every request is appended to a JSON-lines log the tests read (``TestWorld.endpoint_requests``).

Run by the launcher as ``ip netns exec NS python -m tests.testworld.hardware --config FILE``.
"""

import argparse
import fnmatch
import http.server
import json
import os
import signal
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

import jinja2

_ENV = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


class Routes(object):
    """The routing file, re-read when it changes."""

    def __init__(self, path):
        self.path = path
        self._stamp = None
        self._data = {"routes": {}, "endpoints": {}, "pods": []}
        self._lock = threading.Lock()

    def data(self):
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except OSError:
            return self._data
        with self._lock:
            if stamp != self._stamp:
                try:
                    with open(self.path) as fh:
                        self._data = json.load(fh)
                    self._stamp = stamp
                except (OSError, ValueError):
                    pass  # a file being replaced: keep the last good one
            return self._data


def _pods_function(pods):
    def pods_matching(namespace, selector=None):
        if isinstance(selector, str):
            selector = dict(part.split("=", 1) for part in selector.split(",") if part)
        found = [
            p
            for p in pods
            if p["namespace"] == namespace and all(p["labels"].get(k) == v for k, v in (selector or {}).items())
        ]
        return sorted(found, key=lambda p: (p["node"] or "", p["name"]))

    return pods_matching


def render(page, pod, pods, request):
    body = page if isinstance(page, str) else page.get("body", "")
    status = 200 if isinstance(page, str) else int(page.get("status", 200))
    content_type = "text/plain; charset=utf-8" if isinstance(page, str) else page.get("content_type")
    text = _ENV.from_string(body).render(pod=pod, pods=_pods_function(pods), request=request)
    if content_type is None:
        content_type = "application/json" if text.lstrip().startswith(("{", "[")) else "text/plain; charset=utf-8"
    return status, content_type, text


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "testworld-endpoint"

    def log_message(self, fmt, *args):  # the request log below replaces stderr chatter
        pass

    def _answer(self):
        routes = self.server.routes.data()
        address = self.connection.getsockname()[0]
        key = "%s:%d" % (address, self.server.server_address[1])
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        request = {
            "method": self.command,
            "path": url.path,
            "query": urllib.parse.parse_qs(url.query),
            "json": body,
        }
        route = routes["routes"].get(key)
        status, content_type, text = 404, "text/plain", "nothing listens on %s\n" % key
        if route:
            paths = routes["endpoints"][route["endpoint"]]["paths"]
            page = paths.get(url.path)
            if page is None:
                page = next((v for k, v in paths.items() if fnmatch.fnmatchcase(url.path, k)), None)
            if page is not None:
                try:
                    status, content_type, text = render(page, route["pod"], routes["pods"], request)
                except jinja2.TemplateError as exc:
                    status, content_type, text = 500, "text/plain", "template error: %s\n" % exc
            else:
                text = "404 page not found\n"
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.server.log(
            {
                "time": time.time(),
                "address": key,
                "endpoint": route["endpoint"] if route else None,
                "pod": route["pod"]["name"] if route else None,
                "method": self.command,
                "path": url.path,
                "query": url.query,
                "status": status,
                "body": body,
            }
        )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(config):
    routes = Routes(config["routes_file"])
    log_lock = threading.Lock()

    def log(entry):
        with log_lock, open(config["log_file"], "a") as fh:
            fh.write(json.dumps(entry) + "\n")

    servers = []
    for port, spec in sorted(config["ports"].items()):
        server = Server(("0.0.0.0", int(port)), Handler)
        server.routes, server.log = routes, log
        if spec.get("tls"):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(spec["tls"]["cert"], spec["tls"]["key"])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(config["ready_file"], "w") as fh:
        fh.write("%d\n" % os.getpid())
    return servers


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.testworld.hardware")
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    with open(args.config) as fh:
        config = json.load(fh)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    servers = serve(config)
    done.wait()
    for server in servers:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
