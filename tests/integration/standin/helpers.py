"""Helpers of the stand-in's integration tests: run real clients against a StandIn."""

import http.client
import json
import os
import pathlib
import ssl
import subprocess
import sys
import tempfile

KUBECTL_132 = "/usr/bin/kubectl"
KUBECTL_137 = str(pathlib.Path(sys.executable).parent / "kubectl")
KUBECTLS = [KUBECTL_132, KUBECTL_137]


def kubectl(binary, srv, *args, kubeconfig=None, stdin=None, timeout=60):
    """Run ``binary`` against ``srv`` with a fresh discovery cache; returns the CompletedProcess."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, HOME=cache, KUBECONFIG=kubeconfig or srv.kubeconfig)
        cmd = [binary, "--cache-dir", os.path.join(cache, "cache"), *args]
        return subprocess.run(cmd, capture_output=True, text=True, input=stdin, env=env, timeout=timeout, check=False)


def ok(result):
    assert result.returncode == 0, "kubectl failed (%d):\n%s\n%s" % (result.returncode, result.stdout, result.stderr)
    return result.stdout


def table(text):
    """Rows of kubectl's column output, split on runs of spaces."""
    return [line.split() for line in text.strip().splitlines()]


def raw(srv, method, path, body=None, headers=None, token=None, timeout=10):
    """One HTTP request to ``srv``; returns (status, headers dict, body bytes). ``token=""`` sends none."""
    host, port = srv.server_address.split(":")
    if srv.tls:
        ctx = ssl.create_default_context(cafile=srv.ca_file)
        conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=timeout)
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    hdrs = {"Accept": "application/json"}
    if token is None:
        token = srv.admin_token
    if token:
        hdrs["Authorization"] = "Bearer " + token
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def status_of(body):
    return json.loads(body)
