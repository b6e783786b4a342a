"""The request log's reading of audit events, and the fault table."""

import pytest

from tests.testworld.faults import FaultTable
from tests.testworld.requests import RequestLog, entry_of

EVENT = {
    "kind": "Event",
    "stage": "ResponseComplete",
    "requestURI": "/api/v1/nodes?labelSelector=a%3Db&limit=500",
    "verb": "list",
    "user": {"username": "admin", "groups": ["system:masters", "system:authenticated"]},
    "userAgent": "kubectl/v1.37.1",
    "objectRef": {"resource": "nodes", "apiVersion": "v1"},
    "responseStatus": {"code": 200},
}


def test_an_audit_event_becomes_a_request_entry():
    assert entry_of(EVENT) == {
        "method": "GET",
        "verb": "list",
        "path": "/api/v1/nodes",
        "query": {"labelSelector": ["a=b"], "limit": ["500"]},
        "status": 200,
        "user": "admin",
        "groups": ["system:masters", "system:authenticated"],
        "user_agent": "kubectl/v1.37.1",
        "resource": "nodes",
    }
    assert entry_of(dict(EVENT, verb="patch"))["method"] == "PATCH"
    assert entry_of(dict(EVENT, verb="deletecollection"))["method"] == "DELETE"


def test_counters_group_by_verb_path_and_status():
    log = RequestLog("/nonexistent", api=None)
    entries = [
        entry_of(EVENT),
        entry_of(EVENT),
        entry_of(dict(EVENT, verb="get", requestURI="/version", responseStatus={"code": 403})),
    ]
    counters = log.counters(entries)
    assert counters == {
        "total": 3,
        "by_verb": {"list": 2, "get": 1},
        "by_path": {"/api/v1/nodes": 2, "/version": 1},
        "by_verb_path": {"list /api/v1/nodes": 2, "get /version": 1},
        "by_status": {"200": 2, "403": 1},
    }


def test_a_fault_applies_to_its_first_n_matches_only():
    table = FaultTable()
    fault = table.add(method="get", path_regex=r"^/apis$", status=503, times=2)
    assert [table.match("GET", "/apis") is fault for _request in range(3)] == [True, True, False]
    assert table.match("POST", "/apis") is None
    assert table.match("GET", "/apis/x") is None
    assert fault.hits == 2


def test_a_fraction_of_requests_is_hit_reproducibly():
    table = FaultTable(seed=7)
    fault = table.add(path_regex=".*", drop=True, fraction=0.3)
    hits = sum(1 for _request in range(1000) if table.match("GET", "/api"))
    assert 200 < hits < 400 and fault.hits == hits


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give status, delay or drop"),
        ({"status": 42}, "status must be an HTTP status code"),
        ({"status": 500, "fraction": 2}, "fraction must be between 0 and 1"),
    ],
)
def test_bad_faults_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FaultTable().add(**kwargs)
