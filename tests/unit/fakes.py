"""Test doubles for the collection's API client.

``FakeClient`` answers from a route table without any network, for discovery and check
logic. ``ScriptedServer`` is a real HTTP server on 127.0.0.1 that plays scripted answers, for
the client's own tests (retries, status handling, TLS).
"""

import datetime
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import Response
from ansible_collections.ai_conformance.rke2.plugins.module_utils.discovery import AGGREGATED_ACCEPT
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError
from tests.unit import discovery_docs


class FakeClient:
    """Serves JSON bodies by path; ``errors`` maps a path to the ApiError to raise."""

    host = "https://fake.invalid:6443"

    def __init__(self, routes=None, errors=None, aggregated=True):
        self.routes = dict(routes or {})
        self.errors = dict(errors or {})
        self.aggregated = aggregated
        self.calls = []

    def request(self, method, path, query=None, body=None, accept="application/json", **_kwargs):
        self.calls.append((method, path, dict(query or {}), accept))
        if path in self.errors:
            raise self.errors[path]
        if (path, "aggregated") in self.routes and accept == AGGREGATED_ACCEPT and self.aggregated:
            data = self.routes[(path, "aggregated")]
            ctype = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        elif path in self.routes:
            data = self.routes[path]
            ctype = "application/json"
        else:
            raise ApiError("the API server answered 404 NotFound for GET %s" % path, method, path, 404, "NotFound")
        return Response(200, {"content-type": ctype}, json.dumps(data).encode())

    def get(self, path, query=None, accept="application/json"):
        return self.request("GET", path, query=query, accept=accept).json()

    def list(self, path, label_selector=None, field_selector=None, limit=500):
        data = self.get(path, query={"labelSelector": label_selector, "fieldSelector": field_selector})
        return data.get("items") or [], 1

    def stats(self):
        return {"total": len(self.calls), "retries": 0, "by_verb": {"GET": len(self.calls)}}


def cluster_routes(groups, objects=None):
    """Routes serving ``groups`` (see discovery_docs.cluster) in both discovery forms, plus ``objects``."""
    routes = {
        "/version": {"major": "1", "minor": "34", "gitVersion": "v1.34.1+rke2r1", "platform": "linux/amd64"},
        "/api": {"kind": "APIVersions", "versions": ["v1"]},
        "/apis": discovery_docs.group_list(
            {g: [b["groupVersion"].split("/")[1] for b in lists] for g, lists in groups.items() if g}
        ),
        ("/api", "aggregated"): discovery_docs.aggregated({"": groups[""]}),
        ("/apis", "aggregated"): discovery_docs.aggregated({g: v for g, v in groups.items() if g}),
        "/api/v1": groups[""][0],
    }
    for group, lists in groups.items():
        for body in lists:
            if group:
                routes["/apis/" + body["groupVersion"]] = body
    routes.update(objects or {})
    return routes


class ScriptedServer:
    """HTTP server on 127.0.0.1 answering from a script: ``{path: [(status, headers, body), ...]}``.

    Each request to a path takes the next answer; the last one repeats. ``requests`` logs
    ``(method, path, headers)``. A status of None drops the connection without answering.
    """

    def __init__(self, script):
        self.script = {k: list(v) for k, v in script.items()}
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                server.requests.append(("GET", url.path, dict(self.headers), parse_qs(url.query)))
                answers = server.script.get(url.path) or [
                    (404, {}, {"kind": "Status", "reason": "NotFound", "message": "not found"})
                ]
                status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
                if status is None:
                    self.connection.close()
                    return
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class HttpsServer:
    """HTTPS server on 127.0.0.1 with a fresh self-signed certificate (``cert`` is its PEM path)."""

    def __init__(self, tmp_path):
        self.cert, key = _self_signed(tmp_path)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                body = b'{"kind": "APIVersions", "versions": ["v1"]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://127.0.0.1:%d" % self.httpd.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *_exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "scripted-https")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)
