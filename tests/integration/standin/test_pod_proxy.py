"""Pod proxy (``/api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH``): the page the scenario declares,
503 for a pod that is not running, 404 for no pod, 403 without the ``pods/proxy`` permission."""

import json

import pytest

from tests.integration.standin.helpers import KUBECTLS, kubectl, ok, raw
from tests.standin import StandIn

POD = "page-pod"
OVERRIDES = {
    "add": [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": POD, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "exporter"}]},
            "status": {"phase": "Running"},
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "pending-pod", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "exporter"}]},
            "status": {"phase": "Pending"},
        },
    ],
    "proxy": {"default/%s:9400/metrics" % POD: "up 1\n", "default/pending-pod:9400/metrics": "up 1\n"},
}


@pytest.fixture(scope="module")
def srv():
    with StandIn(scenario="empty", overrides=OVERRIDES) as server:
        yield server


def test_the_declared_page_is_served(srv):
    status, _headers, body = raw(srv, "GET", "/api/v1/namespaces/default/pods/%s:9400/proxy/metrics" % POD)
    assert (status, body) == (200, b"up 1\n")


@pytest.mark.parametrize("binary", KUBECTLS)
def test_kubectl_get_raw_reads_it(srv, binary):
    assert (
        ok(kubectl(binary, srv, "get", "--raw", "/api/v1/namespaces/default/pods/%s:9400/proxy/metrics" % POD))
        == "up 1\n"
    )


def test_a_pod_that_is_not_running_answers_503(srv):
    status, _headers, body = raw(srv, "GET", "/api/v1/namespaces/default/pods/pending-pod:9400/proxy/metrics")
    assert status == 503
    assert b"is not running" in body


def test_no_such_pod_answers_404(srv):
    status, _headers, _body = raw(srv, "GET", "/api/v1/namespaces/default/pods/ghost:9400/proxy/metrics")
    assert status == 404


def test_without_permission_answers_403(srv):
    status, _headers, body = raw(
        srv, "GET", "/api/v1/namespaces/default/pods/%s:9400/proxy/metrics" % POD, token=srv.token("nobody")
    )
    assert status == 403
    assert 'cannot get resource "pods/proxy" in API group "" in the namespace "default"' in json.loads(body)["message"]


def test_a_running_pod_without_a_declared_page_answers_503(srv):
    status, _headers, body = raw(srv, "GET", "/api/v1/namespaces/default/pods/%s:9400/proxy/other" % POD)
    assert status == 503
    assert json.loads(body)["message"] == 'no endpoints available for pod "%s:9400"' % POD


def test_a_request_without_a_port_takes_the_page_of_any_port(srv):
    status, _headers, body = raw(srv, "GET", "/api/v1/namespaces/default/pods/%s/proxy/metrics" % POD)
    assert (status, body) == (200, b"up 1\n")
    status, _headers, _body = raw(srv, "GET", "/api/v1/namespaces/default/pods/%s:9401/proxy/metrics" % POD)
    assert status == 503, "a page declared for port 9400 is not served on another port"
