"""conformance_check through ansible-playbook: bad input and unreachable clusters give clear messages.

Every case must fail the task with a message that names the option or the request at fault,
never with a traceback, and never echo the token. The TLS and credential cases meet a real
kube-apiserver (a test world, docs/testworld.md): its certificate, signed by the world's own CA,
and its token authenticator.
"""

import pytest

from tests.integration.playbook import run_playbook
from tests.unit.fakes import ScriptedServer

TOKEN = "sEcReT-token-value"


def check(args, name="check"):
    return [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": name, "ai_conformance.rke2.conformance_check": args}],
        }
    ]


def assert_clean_failure(run, pattern):
    result = run.task("check")
    assert result.get("failed") is True, result
    assert pattern in result["msg"], result["msg"]
    for stream in (run.stdout, run.stderr):
        assert "Traceback" not in stream
        assert TOKEN not in stream
    return result


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        ({"requirements": ["dra_support", "gpu_magic"]}, "requirements: unknown requirement id(s) gpu_magic"),
        ({"checklist_version": "2.0"}, "value of checklist_version must be one of: 1.33, 1.34, 1.35, 1.36, 1.37"),
        ({"retries": "many"}, "argument 'retries' is of type"),
        ({"retries": 50}, "retries: expected an integer from 0 to 10, got 50"),
        ({"request_timeout": 0}, "request_timeout: expected a number of seconds greater than 0"),
        ({"ai_inference": {"gateway_class": "traefik", "colour": "blue"}}, "Unsupported parameters for"),
        ({"kubeconfig": ["a", "b"]}, "kubeconfig: expected a file path or a kubeconfig as a dictionary, got list"),
        ({"kubeconfig": "/nonexistent/kubeconfig"}, "kubeconfig: the file /nonexistent/kubeconfig does not exist"),
        ({"host": "rke2:6443", "api_key": TOKEN}, "host: expected a URL such as https://127.0.0.1:6443"),
        ({"username": "admin"}, "username and password must be given together"),
    ],
)
def test_bad_input(args, pattern):
    args = dict({"host": "https://127.0.0.1:1", "api_key": TOKEN}, **args)
    assert_clean_failure(run_playbook(check(args)), pattern)


def test_invalid_yaml_kubeconfig(tmp_path):
    path = tmp_path / "kubeconfig"
    path.write_text("apiVersion: v1\nclusters: [\n")
    assert_clean_failure(run_playbook(check({"kubeconfig": str(path)})), "kubeconfig: ")


def test_unreachable_server_after_retries():
    with ScriptedServer({}) as srv:
        url = srv.url
    run = run_playbook(check({"host": url, "api_key": TOKEN, "retries": 1}))
    result = assert_clean_failure(run, "no answer from the API server at %s for GET /version after 2 attempt(s)" % url)
    assert result["api_error"]["reason"] == "ConnectionError"


@pytest.fixture
def cluster(shared_world):
    """A real API server (scenario ``empty``); the tests only read from it."""
    return shared_world("empty")


def test_tls_failure_explains_the_ca(cluster):
    # the world's serving certificate is signed by its own CA, which nothing on this host trusts
    run = run_playbook(check({"host": cluster.url, "api_key": TOKEN}))
    result = assert_clean_failure(run, "TLS verification of %s failed" % cluster.url)
    assert "ca_cert" in result["msg"]


def test_401_names_the_credentials(cluster):
    # kube-apiserver answers a bearer token no authenticator knows with 401, even on /version
    run = run_playbook(check({"host": cluster.url, "api_key": TOKEN, "ca_cert": cluster.ca_file}))
    result = assert_clean_failure(run, "the API server rejected the credentials (401 Unauthorized) for GET /version")
    assert result["api_error"]["status"] == 401


def test_token_from_environment_is_not_logged_with_verbose_output(cluster):
    token = cluster.admin_token
    cluster.reset_requests()
    run = run_playbook(
        check({"requirements": ["dra_support"]}),
        env={"K8S_AUTH_HOST": cluster.url, "K8S_AUTH_API_KEY": token, "K8S_AUTH_SSL_CA_CERT": cluster.ca_file},
        args=["-vvv"],
    )
    result = run.task("check")
    assert result.get("failed") is not True, result.get("msg")
    # the env fallback is used: kube-apiserver authenticated the module's requests as the token's user ...
    sent = [r for r in cluster.requests if r["path"] == "/version"]
    assert sent and {r["user"] for r in sent} == {"admin"} and {r["status"] for r in sent} == {200}
    assert token not in run.stdout + run.stderr  # ... and the token is never shown
