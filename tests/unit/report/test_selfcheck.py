"""The self-check: a valid PRODUCT.yaml passes; each rule fires when broken in exactly its way, and alone."""

import pathlib

import pytest
import yaml

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build, selfcheck
from tests.unit.report.synthetic import METADATA, params, results

VERSION = "1.35"


@pytest.fixture(name="valid")
def fixture_valid(tmp_path):
    """A written report whose PRODUCT.yaml passes every rule; returns (folder, parsed document)."""
    out = build.generate(params(tmp_path, results("passed", VERSION), metadata=METADATA))
    assert out["self_check"]["passed"], out["self_check"]["violations"]
    folder = pathlib.Path(out["path"])
    return folder, yaml.safe_load((folder / "PRODUCT.yaml").read_text())


def _check(folder, doc, passed_ids=None):
    text = yaml.safe_dump(doc, sort_keys=False) if not isinstance(doc, str) else doc
    return selfcheck.check(text, VERSION, lambda rel: (folder / rel).is_file(), passed_ids)


def _req(doc, rid):
    return next(r for items in doc["spec"].values() for r in items if r["id"] == rid)


def _only(violations, rule, requirement=None):
    assert [v["rule"] for v in violations] == [rule], violations
    if requirement:
        assert violations[0]["requirement"] == requirement
    assert violations[0]["message"]
    return violations[0]


def test_valid_document_passes(valid):
    folder, doc = valid
    assert _check(folder, doc) == []


def test_yaml_valid(valid):
    folder, _doc = valid
    _only(_check(folder, "metadata: [unclosed\n"), "yaml_valid")
    _only(_check(folder, "- just a list\n"), "yaml_valid")


@pytest.mark.parametrize("breakage", ["missing", "empty", "none", "number"])
def test_metadata_present(valid, breakage):
    folder, doc = valid
    if breakage == "missing":
        del doc["metadata"]["vendorName"]
    else:
        doc["metadata"]["vendorName"] = {"empty": "", "none": None, "number": 42}[breakage]
    assert _only(_check(folder, doc), "metadata_present")["field"] == "vendorName"


def test_metadata_snake_case_keys_are_accepted(valid):
    folder, doc = valid
    doc["metadata"]["vendor_name"] = doc["metadata"].pop("vendorName")
    assert _check(folder, doc) == []


def test_metadata_optional_repo_url_may_be_missing_but_not_a_placeholder(valid):
    folder, doc = valid
    assert "repoUrl" not in doc["metadata"]
    doc["metadata"]["repoUrl"] = "[Repository URL]"
    assert _only(_check(folder, doc), "metadata_placeholder")["field"] == "repoUrl"


def test_metadata_placeholder(valid):
    folder, doc = valid
    doc["metadata"]["platformVersion"] = "[Platform Version]"
    assert _only(_check(folder, doc), "metadata_placeholder")["field"] == "platformVersion"


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/cncf/k8s-conformance/blob/master/v1.35/x",
        "https://example.com/v1.35/x",
        "https://github.com/cncf/k8s-conformance/tree/master/v1.35/a/b",
    ],
)
def test_k8s_conformance_url_format(valid, url):
    folder, doc = valid
    doc["metadata"]["k8sConformanceUrl"] = url
    _only(_check(folder, doc), "k8s_conformance_url_format")


def test_category_present(valid):
    folder, doc = valid
    del doc["spec"]["operator"]
    assert _only(_check(folder, doc), "category_present")["field"] == "operator"


def test_requirement_present(valid):
    folder, doc = valid
    doc["spec"]["networking"] = []
    _only(_check(folder, doc), "requirement_present", "ai_inference")


@pytest.mark.parametrize("status", ["Done", "implemented", "Skipped"])
def test_status_valid(valid, status):
    folder, doc = valid
    _req(doc, "gpu_sharing")["status"] = status
    _only(_check(folder, doc), "status_valid", "gpu_sharing")


def test_should_with_empty_status_and_no_evidence_is_skipped_but_not_with_evidence(valid):
    folder, doc = valid
    _req(doc, "gpu_sharing").update(status="", evidence=[])
    assert _check(folder, doc) == []
    _req(doc, "gpu_sharing")["evidence"] = ["https://example.com/x"]
    _only(_check(folder, doc), "status_valid", "gpu_sharing")


@pytest.mark.parametrize("status", ["Not Implemented", "Partially Implemented"])
def test_must_implemented(valid, status):
    folder, doc = valid
    _req(doc, "ai_inference")["status"] = status
    _only(_check(folder, doc), "must_implemented", "ai_inference")


def test_must_with_empty_status_breaks_two_rules(valid):
    folder, doc = valid
    _req(doc, "ai_inference").update(status="", evidence=[])
    assert sorted(v["rule"] for v in _check(folder, doc)) == ["must_implemented", "status_valid"]


def test_na_has_notes(valid):
    folder, doc = valid
    _req(doc, "gpu_sharing").update(status="N/A", notes="  ")
    _only(_check(folder, doc), "na_has_notes", "gpu_sharing")
    _req(doc, "gpu_sharing")["notes"] = "no GPUs that can be shared"
    assert _check(folder, doc) == []


@pytest.mark.parametrize("link", ["evidence/missing.md", "../outside.md", "/etc/hostname"])
def test_evidence_file_exists(valid, link):
    folder, doc = valid
    _req(doc, "ai_inference")["evidence"] = [link]
    _only(_check(folder, doc), "evidence_file_exists", "ai_inference")


def test_evidence_file_removed_from_disk(valid):
    folder, doc = valid
    (folder / "evidence" / "ai_inference.md").unlink()
    _only(_check(folder, doc), "evidence_file_exists", "ai_inference")


def test_evidence_urls_are_not_fetched(valid):
    folder, doc = valid
    _req(doc, "ai_inference")["evidence"] = ["https://example.invalid/does-not-resolve"]
    assert _check(folder, doc) == []


@pytest.mark.parametrize("field", ["description", "level"])
def test_template_unchanged(valid, field):
    folder, doc = valid
    _req(doc, "gpu_sharing")[field] = "MUST" if field == "level" else "edited"
    violations = _check(folder, doc)
    assert "template_unchanged" in [v["rule"] for v in violations]
    assert all(v["requirement"] == "gpu_sharing" for v in violations)


def test_kubernetes_version_matches(valid):
    folder, doc = valid
    doc["metadata"]["kubernetesVersion"] = "v1.34"
    _only(_check(folder, doc), "kubernetes_version_matches")


def test_implemented_has_passing_check(valid):
    folder, doc = valid
    passed = {r["id"] for r in reqs.requirements(VERSION)} - {"ai_inference"}
    _only(_check(folder, doc, passed), "implemented_has_passing_check", "ai_inference")


def test_every_rule_has_a_test():
    tested = {name[len("test_") :] for name in globals() if name.startswith("test_")}
    assert set(selfcheck.RULES) <= tested
