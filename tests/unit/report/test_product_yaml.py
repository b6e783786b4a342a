"""PRODUCT.yaml: the template copied exactly, statuses from results and declarations, per checklist version."""

import itertools
import pathlib

import pytest
import yaml

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build, selfcheck
from tests.unit.report.synthetic import METADATA, params, result, results

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "cncf"
VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]


def _template(version):
    path = FIXTURES / ("AIConformance-%s.yaml" % version)
    text = path.read_text()
    comments = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            break
        comments.append(line)
    while comments and not comments[-1].strip():
        comments.pop()
    return yaml.safe_load(text), comments


def _generate(tmp_path, res, **extra):
    out = build.generate(params(tmp_path, res, **extra))
    folder = pathlib.Path(out["path"])
    return out, folder, yaml.safe_load((folder / "PRODUCT.yaml").read_text())


def _entries(doc):
    return {r["id"]: r for items in doc["spec"].values() for r in items}


@pytest.mark.parametrize("version", VERSIONS)
def test_all_passed_copies_the_template_and_passes_the_self_check(tmp_path, version):
    meta = dict(METADATA, k8s_conformance_url=METADATA["k8s_conformance_url"].replace("v1.35", "v" + version))
    out, folder, doc = _generate(tmp_path, results("passed", version), metadata=meta)
    template, comments = _template(version)

    text = (folder / "PRODUCT.yaml").read_text()
    assert text.splitlines()[: len(comments)] == comments
    assert list(doc["spec"]) == list(template["spec"])
    for category, items in template["spec"].items():
        got = doc["spec"][category]
        assert [(r["id"], r["description"], r["level"]) for r in got] == [
            (r["id"], r["description"], r["level"]) for r in items
        ]
        for req in got:
            assert req["status"] == "Implemented"
            assert req["evidence"] == ["evidence/%s.md" % req["id"]]
            assert (folder / req["evidence"][0]).is_file()
            assert req["notes"] == "everything needed is there"
    expected_keys = [k for k in template["metadata"] if k != "repoUrl"]
    expected_keys += [] if "k8sConformanceUrl" in expected_keys else ["k8sConformanceUrl"]
    assert list(doc["metadata"]) == expected_keys
    assert doc["metadata"]["kubernetesVersion"] == "v" + version
    assert doc["metadata"]["vendorName"] == "Example Corp"
    assert out["self_check"]["passed"] is True, out["self_check"]["violations"]
    assert out["checklist_version"] == version


@pytest.mark.parametrize(
    ("status", "must", "should"),
    [
        ("passed", "Implemented", "Implemented"),
        ("partial", "Partially Implemented", "Partially Implemented"),
        ("failed", "Not Implemented", "Not Implemented"),
        ("error", "Not Implemented", "Not Implemented"),
        ("not_applicable", "N/A", "N/A"),
        ("skipped", "Not Implemented", ""),
    ],
)
def test_status_mapping_for_must_and_should(tmp_path, status, must, should):
    _out, folder, doc = _generate(tmp_path, results({"ai_inference": status, "gpu_sharing": status}))
    entries = _entries(doc)
    assert entries["ai_inference"]["status"] == must
    assert entries["gpu_sharing"]["status"] == should
    if should:
        assert entries["gpu_sharing"]["evidence"] == ["evidence/gpu_sharing.md"]
    else:  # an empty SHOULD with evidence would fail the validator's status rule
        assert entries["gpu_sharing"]["evidence"] == []
    assert (folder / "evidence" / "gpu_sharing.md").is_file()
    if status == "not_applicable":
        assert entries["ai_inference"]["notes"] == "the platform provides no autoscaler"


def test_requirements_not_checked_are_listed_and_reported(tmp_path):
    out, folder, doc = _generate(tmp_path, results({"ai_inference": "passed"}), metadata=METADATA)
    entries = _entries(doc)
    assert set(entries) == {r["id"] for r in reqs.requirements("1.35")}
    assert entries["gang_scheduling"]["status"] == "Not Implemented"
    assert entries["gang_scheduling"]["evidence"] == []
    assert entries["gang_scheduling"]["notes"] == "not checked by this run"
    assert entries["gpu_sharing"]["status"] == ""
    assert not (folder / "evidence" / "gang_scheduling.md").exists()
    flagged = {v["requirement"] for v in out["self_check"]["violations"] if v["rule"] == "must_implemented"}
    assert flagged == {r["id"] for r in reqs.requirements("1.35") if r["level"] == "MUST"} - {"ai_inference"}
    assert "gang_scheduling" in out["summary"]["must_not_checked"]


@pytest.mark.parametrize(
    ("status", "declared"),
    list(
        itertools.product(
            ["partial", "failed", "error", "not_applicable", "skipped", None], [None, "N/A", "Not Implemented"]
        )
    ),
)
def test_never_implemented_unless_the_check_passed(tmp_path, status, declared):
    statuses = {"ai_inference": status} if status else {}
    decl = {"ai_inference": {"status": declared, "notes": "declared reason"}} if declared else {}
    _out, _folder, doc = _generate(tmp_path, results(statuses), declarations=decl)
    assert _entries(doc)["ai_inference"]["status"] != "Implemented"


def test_declarations_na_notes_and_extra_evidence(tmp_path):
    decl = {
        "cluster_autoscaling": {
            "status": "N/A",
            "notes": "no autoscaler on this platform",
            "evidence": ["https://example.com/autoscaling"],
        },
        "ai_inference": {"evidence": ["https://example.com/gateway"], "notes": "Traefik is the implementation"},
        "gpu_sharing": {"status": "Not Implemented", "notes": "not offered"},
    }
    res = results({"ai_inference": "passed", "cluster_autoscaling": "failed"})
    out, _folder, doc = _generate(tmp_path, res, declarations=decl)
    entries = _entries(doc)
    assert entries["cluster_autoscaling"]["status"] == "N/A"
    assert entries["cluster_autoscaling"]["notes"] == "no autoscaler on this platform"
    assert entries["cluster_autoscaling"]["evidence"] == [
        "evidence/cluster_autoscaling.md",
        "https://example.com/autoscaling",
    ]
    assert entries["ai_inference"]["status"] == "Implemented"
    assert entries["ai_inference"]["evidence"] == ["evidence/ai_inference.md", "https://example.com/gateway"]
    assert entries["ai_inference"]["notes"] == "Traefik is the implementation"
    assert entries["gpu_sharing"]["status"] == "Not Implemented"
    assert "cluster_autoscaling" not in out["must_failed"]


def test_declaration_overriding_a_passed_check_says_so(tmp_path):
    out, _folder, doc = _generate(
        tmp_path,
        results({"ai_inference": "passed"}),
        declarations={"ai_inference": {"status": "N/A", "notes": "not offered"}},
    )
    assert _entries(doc)["ai_inference"]["status"] == "N/A"
    assert any("declarations.ai_inference" in m and "passed" in m for m in out["messages"])


def test_any_text_round_trips(tmp_path):
    res = results({"ai_inference": "failed"})
    res["results"][0]["summary"] = 'quote " backslash \\ colon: hash # newline\nunicode é 😀 [x]'
    _out, _folder, doc = _generate(tmp_path, res, metadata=dict(METADATA, description='A: b # c "d"'))
    assert _entries(doc)["ai_inference"]["notes"] == res["results"][0]["summary"]
    assert doc["metadata"]["description"] == 'A: b # c "d"'


def test_repo_url_only_when_given(tmp_path):
    _out, _f, doc = _generate(tmp_path, results("passed"), metadata=dict(METADATA, repo_url="https://example.com/r"))
    assert doc["metadata"]["repoUrl"] == "https://example.com/r"
    assert list(doc["metadata"]).index("repoUrl") == list(doc["metadata"]).index("websiteUrl") + 1


def test_missing_metadata_keeps_placeholders_and_the_self_check_names_them(tmp_path):
    out, _f, doc = _generate(tmp_path, results("passed"), metadata={"platform_name": "RKE2"})
    assert doc["metadata"]["vendorName"] == "[Vendor Name]"
    fields = {v["field"] for v in out["self_check"]["violations"] if v["rule"] == "metadata_placeholder"}
    assert fields == {
        "platformVersion",
        "vendorName",
        "websiteUrl",
        "documentationUrl",
        "productLogoUrl",
        "description",
        "contactEmailAddress",
        "k8sConformanceUrl",
    }


@pytest.mark.parametrize(
    ("git_version", "expected", "clamped"),
    [
        ("v1.34.2+rke2r1", "1.34", False),
        ("v1.37.0", "1.37", False),
        ("v1.31.9", "1.33", True),
        ("v1.40.1", "1.37", True),
    ],
)
def test_checklist_version_from_the_cluster(tmp_path, git_version, expected, clamped):
    res = results({"ai_inference": "passed"}, git_version=git_version)
    out, _f, doc = _generate(tmp_path, res)
    assert out["checklist_version"] == expected
    assert out["checklist_version_source"] == "cluster"
    assert doc["metadata"]["kubernetesVersion"] == "v" + expected
    notes = [m for m in out["messages"] if "outside the bundled checklists" in m]
    assert bool(notes) is clamped
    if clamped:
        assert git_version in notes[0] and "set checklist_version" in notes[0]


def test_option_wins_and_checks_outside_the_checklist_are_kept_apart(tmp_path):
    res = results({"dra_support": "passed", "ai_inference": "passed"}, version="1.35")
    out, folder, doc = _generate(tmp_path, res, checklist_version="1.36")
    assert out["checklist_version"] == "1.36"
    assert "dra_support" not in _entries(doc)
    assert out["summary"]["not_in_checklist"] == ["dra_support"]
    assert (folder / "evidence" / "dra_support.md").is_file()
    assert "not part of checklist v1.36" in (folder / "evidence" / "dra_support.md").read_text()


def test_unknown_version_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"checklist_version: '1\.32' is not a known AI-conformance checklist"):
        build.generate(params(tmp_path, results("passed"), checklist_version="1.32"))
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("version", ["1.33", "1.35"])
def test_self_check_reads_the_accepted_suse_submissions(version):
    """The accepted RKE2 submissions pass the offline rules, except that v1.33 predates k8sConformanceUrl."""
    text = (FIXTURES / ("rke2-v%s-PRODUCT.yaml" % version)).read_text()
    violations = selfcheck.check(text, version, lambda rel: False)
    rules = [(v["rule"], v["field"]) for v in violations]
    assert rules == ([] if version == "1.35" else [("metadata_present", "k8sConformanceUrl")])


def test_result_helper_matches_the_check_modules_shape():
    item = result("ai_inference", "passed")
    assert set(item) == {
        "id",
        "title",
        "category",
        "level",
        "status",
        "cncf_status",
        "summary",
        "mode",
        "started",
        "duration",
        "evidence",
        "details",
    }
