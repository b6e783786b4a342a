"""The command line (start, kubeconfig, clean SIGTERM shutdown) and a fuzzed request parser."""

import json
import os
import random
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time

from tests.integration.standin.helpers import KUBECTL_132, kubectl, ok, raw, status_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


class _Cli(object):
    def __init__(self, url, kubeconfig):
        self.url = url
        self.kubeconfig = kubeconfig


def test_cli_serves_a_scenario_until_sigterm(tmp_path):
    kubeconfig = tmp_path / "kc.yaml"
    counters = tmp_path / "counters.json"
    override = tmp_path / "override.yaml"
    override.write_text("add:\n- {apiVersion: v1, kind: Namespace, metadata: {name: from-override}}\n")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.standin",
            "--scenario",
            "empty",
            "--kubeconfig-out",
            str(kubeconfig),
            "--override",
            str(override),
            "--counters-out",
            str(counters),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:"), proc.stderr.read()
        assert stat.S_IMODE(os.stat(kubeconfig).st_mode) == 0o600
        out = ok(kubectl(KUBECTL_132, _Cli(url, str(kubeconfig)), "get", "namespaces", "-o", "name"))
        assert "namespace/from-override" in out.split()
        assert not counters.exists(), "the counters are written on exit"
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in err
    counted = json.loads(counters.read_text())
    assert counted["by_verb_path"]["GET /api/v1/namespaces"] == 1, "kubectl's one list of the namespaces"
    assert counted["total"] == sum(counted["by_verb"].values()) == sum(counted["by_status"].values())
    assert counted["by_status"]["200"] >= 1


def test_cli_rejects_unknown_scenarios_with_a_message(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "tests.standin", "--scenario", "nope", "--kubeconfig-out", str(tmp_path / "kc")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.returncode == 2
    assert "no scenario named 'nope'; known: empty, rke2-gpu" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "kc").exists()


def _send(srv, payload, timeout=0.5):
    host, port = srv.server_address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    try:
        if srv.tls and payload[:1] != b"\x16":
            ctx = ssl.create_default_context(cafile=srv.ca_file)
            sock = ctx.wrap_socket(sock, server_hostname="127.0.0.1")
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        return sock.recv(65536)
    except OSError:
        return b""
    finally:
        sock.close()


def test_fuzzed_tls_handshakes_never_break_the_server(standin):
    srv = standin("rke2-gpu")
    rnd = random.Random(5)
    for _i in range(20):
        _send(srv, b"\x16\x03\x01" + bytes(rnd.getrandbits(8) for _j in range(rnd.randint(0, 300))))
        _send(srv, bytes(rnd.getrandbits(8) for _j in range(rnd.randint(0, 100))))
    code, _h, body = raw(srv, "GET", "/api/v1/nodes")
    assert code == 200 and status_of(body)["kind"] == "NodeList"


def test_fuzzed_requests_never_break_the_server(standin):
    # plain HTTP: the same handler as HTTPS without a TLS handshake per request, so more requests fit
    srv = standin("rke2-gpu", tls=False)
    rnd = random.Random(20260101)
    paths = [
        "/api/v1/namespaces/default/configmaps",
        "/apis/apps/v1/namespaces/default/deployments",
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses/traefik",
        "/api/v1/nodes",
        "/openapi/v3",
        "/api/v1/namespaces/kube-system/services/rke2-traefik:80/proxy/x",
    ]
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "BREW"]
    types = [
        "application/json",
        "application/yaml",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/json-patch+json",
        "application/apply-patch+yaml",
        "application/vnd.kubernetes.protobuf",
        "text/plain",
        "",
    ]
    bodies = [
        b"",
        b"{",
        b"[]",
        b"null",
        b"{}",
        b'{"apiVersion":1}',
        b"\xff\xfe\x00",
        b"k8s\x00\x0a\xff",
        b'{"metadata":{"name":["x"]}}',
        b'{"kind":"ConfigMap","apiVersion":"v1","metadata":{"labels":[1]}}',
        b"a: [",
        b"- op: add\n  path: 3",
        b'[{"op":"move","from":"/x","path":"/y"}]',
        b"1e999999",
    ]
    answered = 0
    for _i in range(250):
        path = rnd.choice(paths)
        if rnd.random() < 0.3:
            path += "/" + "".join(rnd.choice("abc%/?&=:.-~\x00 ") for _i in range(rnd.randint(1, 20)))
        if rnd.random() < 0.3:
            path += "?" + rnd.choice(
                [
                    "limit=-1",
                    "continue=%%%",
                    "watch=true&timeoutSeconds=1",
                    "labelSelector=((",
                    "fieldSelector=a",
                    "dryRun=Some",
                    "resourceVersion=x",
                    "watch=1&resourceVersion=abc&timeoutSeconds=1",
                    "fieldManager=" + "m" * 200,
                ]
            )
        body = (
            rnd.choice(bodies) if rnd.random() < 0.8 else bytes(rnd.getrandbits(8) for _i in range(rnd.randint(1, 300)))
        )
        kind = rnd.random()
        if kind < 0.75:
            headers = {"Content-Type": rnd.choice(types)}
            try:
                code, _h, _b = raw(
                    srv,
                    rnd.choice(methods),
                    path.replace(" ", "%20").replace("\x00", "%00"),
                    body=body,
                    headers=headers,
                    timeout=5,
                )
                assert code != 500, (path, body, _b)
                answered += 1
            except (OSError, ValueError):
                pass
        elif kind < 0.9:
            junk = bytes(rnd.getrandbits(8) for _i in range(rnd.randint(0, 200)))
            _send(srv, junk)
        else:
            _send(srv, b"GET /api/v1/nodes HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n")
    assert answered > 100
    code, _h, body = raw(srv, "GET", "/api/v1/namespaces/kube-system/pods")
    assert code == 200 and len(status_of(body)["items"]) == len(srv.store.list_objects("v1", "pods", "kube-system"))
    assert "rke2-traefik-6c9f8b7d5d-x7k2p" in [p["metadata"]["name"] for p in status_of(body)["items"]]
    assert raw(srv, "GET", "/version")[0] == 200
    assert not [r for r in srv.requests if r["status"] == 500]
    time.sleep(0.1)
