"""Fault injection: a small reverse proxy in front of the world's kube-apiserver.

Clients that should meet faults use ``world.faults.kubeconfig`` (the admin's bearer token, the
proxy's address). Each request is matched against the fault table (method and a regex on the path):
the first matching, not yet spent fault answers with a status code (and ``Retry-After``), waits
(``delay``, then forwards), or drops the connection. Everything else is forwarded unchanged,
responses streamed as they arrive (watches work). The proxy terminates TLS, so it forwards bearer
tokens but not client certificates; protocol upgrades (exec, port-forward) are refused.
"""

import http.client
import http.server
import json
import os
import random
import re
import socketserver
import ssl
import threading
import time
import urllib.parse

from tests.testworld.layout import free_ports
from tests.testworld.pki import write_kubeconfig

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host"}


class Fault(object):
    def __init__(self, method, path_regex, status, times, retry_after, delay, drop, fraction, body):
        self.method = method.upper() if method else None
        self.pattern = re.compile(path_regex)
        self.status = status
        self.times = times
        self.retry_after = retry_after
        self.delay = float(delay or 0)
        self.drop = bool(drop)
        self.fraction = fraction
        self.body = body
        self.hits = 0


class FaultTable(object):
    """The first matching, not-yet-spent fault applies to a request."""

    def __init__(self, seed=None):
        self._lock = threading.Lock()
        self._faults = []
        self._random = random.Random(seed)

    def add(
        self,
        method=None,
        path_regex=r".*",
        status=None,
        times=None,
        retry_after=None,
        delay=0,
        drop=False,
        fraction=None,
        body=None,
    ):
        """Add a fault: ``status`` answer (e.g. 503, 429 with ``retry_after``), ``delay`` seconds before
        forwarding, or ``drop`` the connection; for the first ``times`` matching requests (None: all) or
        a ``fraction`` (0..1) of them. Returns the fault (its ``hits`` counts the requests it hit)."""
        if status is None and not delay and not drop:
            raise ValueError("faults.add: give status, delay or drop")
        if status is not None and not (100 <= int(status) <= 599):
            raise ValueError("faults.add: status must be an HTTP status code, got %r" % (status,))
        if fraction is not None and not (0 <= float(fraction) <= 1):
            raise ValueError("faults.add: fraction must be between 0 and 1, got %r" % (fraction,))
        fault = Fault(method, path_regex, status, times, retry_after, delay, drop, fraction, body)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults = []

    def match(self, method, path):
        with self._lock:
            for f in self._faults:
                if f.method and f.method != method:
                    continue
                if not f.pattern.search(path):
                    continue
                if f.times is not None and f.hits >= f.times:
                    continue
                if f.fraction is not None and self._random.random() >= float(f.fraction):
                    continue
                f.hits += 1
                return f
        return None


def _status_body(fault):
    if fault.body is not None:
        return fault.body if isinstance(fault.body, bytes) else json.dumps(fault.body).encode()
    reason = http.client.responses.get(fault.status, "Error")
    return json.dumps(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "injected fault: %d %s" % (fault.status, reason),
            "reason": reason.replace(" ", ""),
            "code": fault.status,
        }
    ).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _handle(self):
        proxy = self.server.proxy
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        entry = {"method": self.command, "path": url.path, "query": urllib.parse.parse_qs(url.query), "fault": None}
        proxy.log(entry)
        fault = proxy.table.match(self.command, url.path)
        if fault is not None:
            entry["fault"] = "drop" if fault.drop else (fault.status or "delay")
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                self.close_connection = True
                self.connection.close()
                return
            if fault.status is not None:
                data = _status_body(fault)
                self.send_response(fault.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if fault.retry_after is not None:
                    self.send_header("Retry-After", str(fault.retry_after))
                self.end_headers()
                self.wfile.write(data)
                entry["status"] = fault.status
                return
        if self.headers.get("Upgrade"):
            data = b"the fault proxy does not forward protocol upgrades\n"
            self.send_response(501)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        entry["status"] = self._forward(body)

    def _forward(self, body):
        proxy = self.server.proxy
        upstream = http.client.HTTPSConnection(
            "127.0.0.1", proxy.upstream_port, context=proxy.client_context, timeout=600
        )
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            length = response.getheader("Content-Length")
            if length is not None:
                self.send_header("Content-Length", length)
                self.end_headers()
                self.wfile.write(response.read())
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while True:
                    chunk = response.read1(65536)
                    if not chunk:
                        break
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            return response.status
        except (OSError, http.client.HTTPException):
            self.close_connection = True
            return None
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FaultProxy(object):
    def __init__(self, world):
        self.world = world
        self.table = FaultTable()
        self.requests = []
        self._lock = threading.Lock()
        self.upstream_port = world.layout.ports["kube-apiserver"]
        self.client_context = ssl.create_default_context(cafile=world.ca_file)
        self._server = None
        self.url = None
        self.kubeconfig = None

    def log(self, entry):
        with self._lock:
            self.requests.append(entry)

    def start(self):
        port = free_ports(1)[0]
        cert = self.world.layout.serving_certificate("fault-proxy", dns_names=("localhost",), ips=("127.0.0.1",))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*cert)
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.proxy = self
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, name="testworld-faults", daemon=True).start()
        self.url = "https://127.0.0.1:%d" % port
        self.kubeconfig = write_kubeconfig(
            os.path.join(self.world.workdir, "faults.kubeconfig"),
            self.url,
            self.world.ca_file,
            user="admin",
            token=self.world.admin_token,
        )
        return self

    def add(self, **kwargs):
        return self.table.add(**kwargs)

    def clear(self):
        self.table.clear()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
