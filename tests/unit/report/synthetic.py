"""Synthetic check results in the exact shape conformance_check returns (built with the real Result class)."""

import copy

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import SCHEMA_VERSION, Result

# a complete, valid set of submission metadata (the module's option names)
METADATA = {
    "platform_name": "Demo RKE2",
    "platform_version": "v1.35",
    "vendor_name": "Example Corp",
    "website_url": "https://example.com/rke2",
    "documentation_url": "https://example.com/rke2/docs",
    "product_logo_url": "https://example.com/rke2/logo.svg",
    "description": "A demo platform.",
    "contact_email_address": "conformance@example.com",
    "k8s_conformance_url": "https://github.com/cncf/k8s-conformance/tree/master/v1.35/demo-rke2",
}

SUMMARIES = {
    "passed": "everything needed is there",
    "partial": "only the pre-GA API is served",
    "failed": "the thing is missing",
    "error": "could not read the cluster: 403 Forbidden",
    "not_applicable": "the platform provides no autoscaler",
    "skipped": "nothing detected",
}


def result(rid, status, version="1.35", summary=None, output="NAME  KIND\nthing  Thing"):
    res = Result(rid)
    res.add(
        "what %s reads" % rid,
        request="GET /apis/example.io/v1/things?limit=500",
        kubectl="kubectl get things.example.io",
        output=output,
        ok=status == "passed",
    )
    res.details["found"] = ["thing"]
    res.finish(status, SUMMARIES[status] if summary is None else summary)
    return res.to_dict(level=reqs.level(rid, version), category=reqs.category(rid), title=reqs.TITLES.get(rid))


def results(statuses, version="1.35", git_version=None):
    """``statuses``: id -> status, or one status for every requirement of ``version``."""
    if isinstance(statuses, str):
        statuses = {r["id"]: statuses for r in reqs.requirements(version)}
    return {
        "schema_version": SCHEMA_VERSION,
        "checklist_version": version,
        "checklist_version_clamped": False,
        "cluster": {
            "server": "https://127.0.0.1:6443",
            "version": git_version or "v%s.2+rke2r1" % version,
            "platform": "linux/amd64",
            "discovery": {"mode": "aggregated", "requests": ["GET /api", "GET /apis"]},
        },
        "results": [result(rid, status, version) for rid, status in statuses.items()],
        "summary": {},
        "api_requests": {"total": 7, "retries": 0, "by_verb": {"GET": 7}},
    }


def params(tmp_path, res, **extra):
    out = {
        "results": copy.deepcopy(res),
        "output_dir": str(tmp_path / "report"),
        "checklist_version": None,
        "metadata": {},
        "declarations": {},
        "formats": ["junit", "markdown", "html"],
        "node_facts": {},
        "submission_ready": False,
        "force": False,
        "redact": [],
    }
    out.update(extra)
    return out
