"""HTTP/HTTPS front end: threads, TLS, chunked watch streams, fault injection and the request log."""

import contextlib
import http.server
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from tests.standin import api, certs, errors

MAX_BODY = 64 * 1024 * 1024
REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Expired",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "Timeout",
}


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    request_queue_size = 128

    def __init__(self, address, handler, standin, ssl_context):
        self.standin = standin
        self.ssl_context = ssl_context
        self.connections = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self.connections_lock:
            self.connections.add(sock)
        return sock, addr

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # a client that goes away mid-request is normal (fuzzing, dropped faults): stay quiet
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, OSError)):
            return
        super().handle_error(request, client_address)

    def close_connections(self):
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin-kube-apiserver"
    timeout = 120

    def version_string(self):
        return self.server_version

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()

    def log_message(self, fmt, *args):  # pylint: disable=arguments-renamed
        return

    def do_GET(self):
        self._serve()

    def do_HEAD(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_PUT(self):
        self._serve()

    def do_PATCH(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    def do_OPTIONS(self):
        self._serve()

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            total = 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline(65537)
                    break
                total += size
                if total > MAX_BODY:
                    raise errors.ApiError(413, "RequestEntityTooLarge", "the request body is too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise errors.bad_request("invalid Content-Length header") from None
        if n < 0 or n > MAX_BODY:
            raise errors.ApiError(413, "RequestEntityTooLarge", "the request body is too large")
        return self.rfile.read(n)

    def _serve(self):
        standin = self.server.standin
        started = time.monotonic()
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path) or "/"
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        entry = {
            "method": self.command,
            "path": path,
            "query": query,
            "status": None,
            "user": None,
            "verb": None,
            "accept": headers.get("accept"),
            "content_type": headers.get("content-type"),
            "user_agent": headers.get("user-agent"),
        }
        try:
            try:
                body = self._read_body()
            except errors.ApiError as exc:
                self.close_connection = True
                self._send(api.error_response(exc), entry)
                return
            fault = standin.faults.match(self.command, path)
            if fault is not None:
                entry["fault"] = True
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.drop:
                    entry["status"] = "dropped"
                    standin.log_request(entry)
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.request.shutdown(socket.SHUT_RDWR)
                    return
                if fault.status:
                    extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                    exc = errors.ApiError(
                        fault.status,
                        REASONS.get(fault.status, "Unknown"),
                        fault.body or "injected fault: %d" % fault.status,
                        {},
                        extra,
                    )
                    if fault.status == 429:
                        exc.details = {"retryAfterSeconds": int(fault.retry_after or 1)}
                    self._send(api.error_response(exc), entry)
                    return
            req = api.Request(self.command, path, query, headers, body)
            if isinstance(self.request, ssl.SSLSocket):
                req.peer_identity = certs.identity_from_peer(self.request.getpeercert())
            try:
                resp = standin.api.handle(req)
            except Exception:  # a bug in the stand-in: answer 500 like kube-apiserver, keep serving
                traceback.print_exc(file=sys.stderr)
                resp = api.error_response(errors.internal("stand-in error: see the server's stderr"))
            entry["user"] = req.user
            entry["verb"] = req.verb
            self._send(resp, entry)
        finally:
            entry["duration"] = round(time.monotonic() - started, 4)

    def _send(self, resp, entry):
        entry["status"] = resp.status
        self.server.standin.log_request(entry)
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Audit-Id", str(uuid.uuid4()))
            self.send_header("Cache-Control", resp.headers.pop("Cache-Control", "no-cache, private"))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            if resp.stream is None:
                body = resp.body if self.command != "HEAD" else b""
                self.send_header("Content-Length", str(len(resp.body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            try:
                for chunk in resp.stream:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            finally:
                resp.stream.close()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True


def make_server(standin, tls_files=None):
    ctx = None
    if tls_files:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(tls_files["cert"], tls_files["key"])
        # client certificates signed by the CA authenticate as CN=user, O=groups (like kube-apiserver)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(tls_files["ca"])
        ctx.set_alpn_protocols(["http/1.1"])
    return _Server(("127.0.0.1", 0), Handler, standin, ctx)
