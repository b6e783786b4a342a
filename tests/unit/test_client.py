"""The API client: configuration loading, retries with backoff, status handling, TLS, paging."""

import base64
import pathlib

import pytest
import yaml

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import KubeClient, build_configuration
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ApiError, ConfigError
from tests.unit.fakes import HttpsServer, ScriptedServer

OK = (200, {}, {"kind": "APIVersions", "versions": ["v1"]})


def client_for(url, sleeps, retries=3, **params):
    cfg = build_configuration(dict({"host": url, "api_key": "s3cret-token"}, **params))
    return KubeClient(cfg, retries=retries, request_timeout=2, sleep=sleeps.append)


def kubeconfig(tmp_path, server, token="abc", context="ctx", **cluster):
    data = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": dict({"server": server}, **cluster)}],
        "users": [{"name": "u", "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": "c", "user": "u"}}],
        "current-context": context,
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(data))
    return str(path)


# --- configuration ------------------------------------------------------------------------


def test_kubeconfig_token_and_context_are_used(tmp_path):
    with ScriptedServer({"/api": [OK]}) as srv:
        cfg = build_configuration({"kubeconfig": kubeconfig(tmp_path, srv.url, token="tok-1"), "context": "ctx"})
        client = KubeClient(cfg)
        client.get("/api")
    assert srv.requests[0][2]["Authorization"] == "Bearer tok-1"


def test_kubeconfig_as_a_dict(tmp_path):
    data = yaml.safe_load(pathlib.Path(kubeconfig(tmp_path, "https://127.0.0.1:6443")).read_text())
    cfg = build_configuration({"kubeconfig": data})
    assert cfg.host == "https://127.0.0.1:6443"


def test_missing_kubeconfig_names_the_option(tmp_path):
    with pytest.raises(ConfigError, match=r"kubeconfig: the file .*/nope does not exist"):
        build_configuration({"kubeconfig": str(tmp_path / "nope")})


def test_unreadable_yaml_kubeconfig_is_a_clear_error(tmp_path):
    bad = tmp_path / "kubeconfig"
    bad.write_text("clusters: [unclosed\n")
    with pytest.raises(ConfigError, match="kubeconfig: "):
        build_configuration({"kubeconfig": str(bad)})


def test_unknown_context_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"kubeconfig: .*no-such-context"):
        build_configuration({"kubeconfig": kubeconfig(tmp_path, "https://x:6443"), "context": "no-such-context"})


def test_no_settings_at_all_explains_the_options(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(ConfigError, match=r"no connection settings: set kubeconfig .* or host and api_key"):
        build_configuration({})


def test_host_must_be_a_url():
    with pytest.raises(ConfigError, match="host: expected a URL"):
        build_configuration({"host": "rke2-server:6443"})


def test_missing_ca_file_names_the_option(tmp_path):
    with pytest.raises(ConfigError, match="ca_cert: the file"):
        build_configuration({"host": "https://x:6443", "ca_cert": str(tmp_path / "ca.pem")})


# --- requests, retries, statuses ------------------------------------------------------------


def test_retries_503_then_succeeds_and_counts():
    sleeps = []
    with ScriptedServer({"/api": [(503, {}, {"kind": "Status", "message": "busy"})] * 2 + [OK]}) as srv:
        client = client_for(srv.url, sleeps)
        assert client.get("/api")["versions"] == ["v1"]
    assert len(srv.requests) == 3
    assert client.stats() == {"total": 3, "retries": 2, "by_verb": {"GET": 3}}
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0]  # backoff grows


def test_429_follows_retry_after():
    sleeps = []
    with ScriptedServer({"/api": [(429, {"Retry-After": "3"}, {"kind": "Status", "message": "slow down"}), OK]}) as srv:
        client_for(srv.url, sleeps).get("/api")
    assert 3.0 <= sleeps[0] <= 3.3


def test_retries_are_bounded_and_the_error_says_so():
    sleeps = []
    with ScriptedServer(
        {"/api": [(503, {}, {"kind": "Status", "message": "etcd down", "reason": "ServiceUnavailable"})]}
    ) as srv, pytest.raises(ApiError) as info:
        client_for(srv.url, sleeps, retries=2).get("/api")
    assert len(srv.requests) == 3
    assert info.value.status == 503
    assert "503" in info.value.message
    assert "etcd down" in info.value.message
    assert "after 3 attempts" in info.value.message


def test_401_is_not_retried_and_names_the_credentials():
    with ScriptedServer(
        {"/api": [(401, {}, {"kind": "Status", "message": "Unauthorized", "reason": "Unauthorized"})]}
    ) as srv, pytest.raises(ApiError) as info:
        client_for(srv.url, []).get("/api")
    assert len(srv.requests) == 1
    assert info.value.reason == "Unauthorized"
    assert "rejected the credentials (401 Unauthorized)" in info.value.message
    assert "s3cret-token" not in info.value.message


def test_403_carries_the_servers_message():
    msg = 'nodes is forbidden: User "v" cannot list resource "nodes" in API group "" at the cluster scope'
    with ScriptedServer(
        {"/api/v1/nodes": [(403, {}, {"kind": "Status", "message": msg, "reason": "Forbidden"})]}
    ) as srv, pytest.raises(ApiError) as info:
        client_for(srv.url, []).get("/api/v1/nodes")
    assert info.value.status == 403
    assert msg in info.value.message


def test_connection_refused_is_retried_then_reported():
    with ScriptedServer({}) as srv:
        url = srv.url
    sleeps = []
    with pytest.raises(ApiError) as info:
        client_for(url, sleeps, retries=2).get("/api")
    assert info.value.status is None
    assert "no answer from the API server" in info.value.message
    assert "after 3 attempt(s)" in info.value.message
    assert len(sleeps) == 2


def test_dropped_connection_is_retried():
    with ScriptedServer({"/api": [(None, {}, b""), OK]}) as srv:
        client = client_for(srv.url, [])
        assert client.get("/api")["versions"] == ["v1"]
    assert client.stats()["retries"] == 1


def test_non_json_body_is_an_api_error():
    page = (200, {"Content-Type": "text/html"}, b"<html>proxy login</html>")
    with ScriptedServer({"/version": [page]}) as srv, pytest.raises(ApiError, match="not JSON"):
        client_for(srv.url, []).get("/version")


def test_list_pages_with_continue_and_sends_selectors():
    pages = [
        (200, {}, {"items": [{"n": 1}, {"n": 2}], "metadata": {"continue": "tok2"}}),
        (200, {}, {"items": [{"n": 3}], "metadata": {}}),
    ]
    with ScriptedServer({"/api/v1/nodes": pages}) as srv:
        items, count = client_for(srv.url, []).list("/api/v1/nodes", label_selector="gpu=true", limit=2)
    assert [i["n"] for i in items] == [1, 2, 3]
    assert count == 2
    first, second = srv.requests[0][3], srv.requests[1][3]
    assert first == {"limit": ["2"], "labelSelector": ["gpu=true"]}
    assert second["continue"] == ["tok2"]


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture
def https_server(tmp_path):
    with HttpsServer(tmp_path) as srv:
        yield srv.url, srv.cert


def test_unknown_ca_fails_tls_with_a_hint(https_server):
    url, _cert = https_server
    with pytest.raises(ApiError) as info:
        client_for(url, []).get("/api")
    assert info.value.reason == "TLSError"
    assert "TLS verification of %s failed" % url in info.value.message
    assert "ca_cert" in info.value.message


def test_the_right_ca_verifies(https_server):
    url, cert = https_server
    assert client_for(url, [], ca_cert=cert).get("/api")["versions"] == ["v1"]


def test_validate_certs_false_skips_verification(https_server):
    url, _cert = https_server
    assert client_for(url, [], validate_certs=False).get("/api")["versions"] == ["v1"]


def test_kubeconfig_ca_data_is_honoured(https_server, tmp_path):
    url, cert = https_server
    ca_data = base64.b64encode(pathlib.Path(cert).read_bytes()).decode()
    cfg = build_configuration({"kubeconfig": kubeconfig(tmp_path, url, **{"certificate-authority-data": ca_data})})
    assert KubeClient(cfg).get("/api")["versions"] == ["v1"]
