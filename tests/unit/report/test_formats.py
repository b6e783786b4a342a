"""junit.xml, report.html, report.md, evidence/*.md and results.json: structure per checklist version."""

import json
import pathlib
from html.parser import HTMLParser

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from ansible_collections.ai_conformance.rke2.plugins.module_utils import requirements as reqs
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build
from tests.unit.report.synthetic import METADATA, params, results

VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]
CYCLE = ["passed", "failed", "partial", "error", "not_applicable", "skipped"]
OUTCOME = {
    "passed": "passed",
    "failed": "failed",
    "partial": "partial",
    "error": "error",
    "not_applicable": "not applicable",
    "skipped": "not checked",
}


def _mixed(version):
    """Every status once or more, and the last requirement of the checklist not checked at all."""
    ids = [r["id"] for r in reqs.requirements(version)]
    return {rid: CYCLE[i % len(CYCLE)] for i, rid in enumerate(ids[:-1])}, ids[-1]


@pytest.fixture(name="written", params=VERSIONS)
def fixture_written(request, tmp_path):
    version = request.param
    statuses, unchecked = _mixed(version)
    out = build.generate(params(tmp_path, results(statuses, version), metadata=METADATA, checklist_version=version))
    return version, statuses, unchecked, out, pathlib.Path(out["path"])


def test_files_listed(written):
    _version, statuses, _unchecked, out, folder = written
    expected = {"PRODUCT.yaml", "junit.xml", "report.md", "report.html", "results.json"}
    expected |= {"evidence/%s.md" % rid for rid in statuses}
    assert set(out["files"]) == expected
    assert {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} == expected


def test_junit_parsed_back(written):
    version, statuses, unchecked, _out, folder = written
    xml = JUnitXml.fromfile(str(folder / "junit.xml"))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    cases = {case.name: case for case in suite}
    expected_names = ["%s [%s]" % (r["id"], r["level"]) for r in reqs.requirements(version)]
    assert [case.name for case in suite] == expected_names
    assert suite.tests == len(expected_names)
    kinds = {"failed": Failure, "partial": Failure, "error": Error, "not_applicable": Skipped, "skipped": Skipped}
    for req in reqs.requirements(version):
        case = cases["%s [%s]" % (req["id"], req["level"])]
        assert case.classname == "ai_conformance.v%s.%s" % (version.replace(".", "_"), req["category"])
        status = statuses.get(req["id"])
        if status == "passed":
            assert case.is_passed, req["id"]
        elif status is None:
            assert isinstance(case.result[0], Skipped)
            assert req["id"] == unchecked
        else:
            assert isinstance(case.result[0], kinds[status]), (req["id"], status)
            assert case.result[0].message
        assert req["id"] in case.system_out
    assert suite.failures == sum(1 for s in statuses.values() if s in ("failed", "partial"))
    assert suite.errors == sum(1 for s in statuses.values() if s == "error")
    assert suite.skipped == sum(1 for s in statuses.values() if s in ("not_applicable", "skipped")) + 1


class _Page(HTMLParser):
    """Collects the status table rows, tag names and attributes that could load something."""

    def __init__(self):
        super().__init__()
        self.rows, self.tags, self.loading, self.categories = [], set(), [], []
        self._in_style = False
        self.style = ""
        self.verdict = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "tr" and "data-id" in attrs:
            self.rows.append(attrs)
        if "data-verdict" in attrs:
            self.verdict = attrs["data-verdict"]
        if tag == "tbody" and "data-category" in attrs:
            self.categories.append(attrs["data-category"])
        for name in ("src", "srcset", "poster", "data"):
            if name in attrs:
                self.loading.append((tag, name, attrs[name]))
        if tag == "link":
            self.loading.append((tag, "href", attrs.get("href")))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def test_html_status_table_and_self_contained(written):
    version, statuses, _unchecked, _out, folder = written
    page = _Page()
    page.feed((folder / "report.html").read_text())
    assert [r["data-id"] for r in page.rows] == [r["id"] for r in reqs.requirements(version)]
    categories = []
    for req in reqs.requirements(version):
        if req["category"] not in categories:
            categories.append(req["category"])
    assert page.categories == categories
    product = {}
    for line in (folder / "PRODUCT.yaml").read_text().splitlines():
        if line.strip().startswith("- id: "):
            rid = line.split(": ", 1)[1]
        if line.strip().startswith("status: "):
            product[rid] = line.split(": ", 1)[1].split(" #")[0].strip('"')
    for row, req in zip(page.rows, reqs.requirements(version)):
        assert row["data-level"] == req["level"]
        assert row["data-outcome"] == OUTCOME.get(statuses.get(req["id"]), "not checked")
        assert row["data-status"] == product[req["id"]]
    assert page.verdict == "bad"  # the mixed statuses fail MUSTs in every version
    assert page.loading == []
    assert "script" not in page.tags
    assert "url(" not in page.style and "@import" not in page.style


def test_html_verdict_when_every_must_is_met(tmp_path):
    out = build.generate(params(tmp_path, results("passed"), metadata=METADATA))
    page = _Page()
    page.feed((pathlib.Path(out["path"]) / "report.html").read_text())
    assert page.verdict == "ok"
    assert {r["data-outcome"] for r in page.rows} == {"passed"}


def test_markdown_report_table(written):
    version, statuses, _unchecked, _out, folder = written
    text = (folder / "report.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert [row.split("]")[0][3:] for row in rows] == [r["id"] for r in reqs.requirements(version)]
    for row, req in zip(rows, reqs.requirements(version)):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[1] == req["level"]
        assert cells[2].endswith(OUTCOME.get(statuses.get(req["id"]), "not checked"))
    assert "## Submission self-check" in text


def test_evidence_files_say_what_was_checked(written):
    version, statuses, _unchecked, _out, folder = written
    for rid, status in statuses.items():
        text = (folder / "evidence" / ("%s.md" % rid)).read_text()
        assert text.startswith("# %s: " % rid)
        assert "| Check verdict | %s |" % status in text
        assert "GET /apis/example.io/v1/things?limit=500" in text
        assert "kubectl get things.example.io" in text
        assert "thing  Thing" in text
        assert "v%s.2+rke2r1" % version in text
        assert "| Checked at | 20" in text
        assert "127.0.0.1:6443" not in text  # the API server address is not published


def test_results_json_schema(written):
    version, statuses, _unchecked, out, folder = written
    doc = json.loads((folder / "results.json").read_text())
    assert doc["format"] == "ai_conformance.rke2/report-results"
    assert doc["schema_version"] == 1
    assert doc["checklist_version"] == version
    assert doc["fingerprint"] == out["fingerprint"]
    assert [r["id"] for r in doc["results"]] == list(statuses)
    assert [r["status"] for r in doc["results"]] == list(statuses.values())
    assert [r["id"] for r in doc["requirements"]] == [r["id"] for r in reqs.requirements(version)]
    assert set(doc["requirements"][0]) == {
        "id",
        "title",
        "category",
        "level",
        "status",
        "outcome",
        "source",
        "notes",
        "evidence",
        "declared",
    }
    assert doc["self_check"] == out["self_check"]
    assert doc["cluster"] == {
        "server": "https://127.0.0.1:6443",
        "version": "v%s.2+rke2r1" % version,
        "platform": "linux/amd64",
        "discovery": "aggregated",
    }


def test_long_output_is_cut_in_markdown_but_kept_in_results_json(tmp_path):
    res = results({"ai_inference": "passed"})
    res["results"][0]["evidence"][0]["output"] = ["line %d" % i for i in range(500)]
    out = build.generate(params(tmp_path, res))
    folder = pathlib.Path(out["path"])
    text = (folder / "evidence" / "ai_inference.md").read_text()
    assert "line 199" in text and "line 200" not in text and "300 more lines in results.json" in text
    doc = json.loads((folder / "results.json").read_text())
    assert len(doc["results"][0]["evidence"][0]["output"]) == 500


def test_formats_option_limits_optional_files(tmp_path):
    out = build.generate(params(tmp_path, results({"ai_inference": "passed"}), formats=["junit"]))
    assert out["files"] == ["PRODUCT.yaml", "evidence/ai_inference.md", "junit.xml", "results.json"]
