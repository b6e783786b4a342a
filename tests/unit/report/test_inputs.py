"""Bad input: a clear message naming the option and field, and no report folder left behind."""

import os
import pathlib

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build
from tests.unit.report.synthetic import params, results


def _fails(tmp_path, pattern, **extra):
    res = extra.pop("res", None)
    with pytest.raises(ConfigError, match=pattern):
        build.generate(params(tmp_path, results({"ai_inference": "passed"}) if res is None else res, **extra))
    assert not (tmp_path / "report").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def _res(**changes):
    res = results({"ai_inference": "passed"})
    for key, value in changes.items():
        if value is None:
            res.pop(key)
        else:
            res[key] = value
    return res


@pytest.mark.parametrize(
    ("res", "pattern"),
    [
        ("not a dict", r"results: expected the registered return value of conformance_check \(a dictionary\)"),
        (_res(schema_version=None), r"results: no schema_version; expected .*conformance_check \(schema 1\)"),
        (_res(schema_version=0), r"results.schema_version: 0 is an older result format .* run conformance_check again"),
        (_res(schema_version=2), r"results.schema_version: 2 is newer than this collection reads \(1\); upgrade"),
        (_res(schema_version="1"), r"results.schema_version: expected an integer"),
        (_res(failed=True, msg="connection refused"), r"results: the conformance_check task failed \(connection"),
        (_res(results={"x": 1}), r"results.results: expected a list"),
    ],
)
def test_bad_results(tmp_path, res, pattern):
    _fails(tmp_path, pattern, res=res)


def test_bad_result_items(tmp_path):
    res = results({"ai_inference": "passed", "gpu_sharing": "failed"})
    res["results"][1]["id"] = "gpu_magic"
    _fails(tmp_path, r"results.results\[1\].id: 'gpu_magic' is not a requirement", res=res)
    res["results"][1]["id"] = "ai_inference"
    _fails(tmp_path, r"results.results\[1\].id: ai_inference appears twice", res=res)
    res["results"][1].update(id="gpu_sharing", status="great")
    _fails(tmp_path, r"results.results\[1\].status: 'great' is not one of passed", res=res)


def test_no_cluster_version_and_no_option(tmp_path):
    res = results({"ai_inference": "passed"})
    res["cluster"]["version"] = None
    res["checklist_version"] = None
    _fails(tmp_path, r"checklist_version: not set and the results carry no cluster version", res=res)


@pytest.mark.parametrize(
    ("declarations", "pattern"),
    [
        (
            {"cluster_autoscaling": {"status": "N/A"}},
            r"declarations.cluster_autoscaling.notes: a justification is "
            r"required when status is N/A",
        ),
        ({"cluster_autoscaling": {"status": "N/A", "notes": "  "}}, r"declarations.cluster_autoscaling.notes"),
        (
            {"ai_inference": {"status": "Implemented"}},
            r"declarations.ai_inference.status: 'Implemented' cannot be "
            r"declared; expected N/A or Not Implemented",
        ),
        ({"gpu_magic": {"status": "N/A", "notes": "x"}}, r"declarations.gpu_magic: unknown requirement id"),
        ({"ai_inference": {"evidence": ["docs/x.md"]}}, r"declarations.ai_inference.evidence\[0\]: 'docs/x.md' is not"),
        ({"ai_inference": {"reason": "x"}}, r"declarations.ai_inference: unknown field\(s\) reason"),
        ({"ai_inference": "N/A"}, r"declarations.ai_inference: expected a dictionary"),
    ],
)
def test_bad_declarations(tmp_path, declarations, pattern):
    _fails(tmp_path, pattern, declarations=declarations)


def test_declaration_outside_the_checklist_is_ignored_with_a_message(tmp_path):
    out = build.generate(
        params(
            tmp_path,
            results({"ai_inference": "passed"}),
            checklist_version="1.36",
            declarations={"dra_support": {"status": "N/A", "notes": "in base conformance"}},
        )
    )
    assert any("dra_support is not part of checklist 1.36" in m for m in out["messages"])


@pytest.mark.parametrize(
    ("metadata", "pattern"),
    [({"vendor": "x"}, r"metadata.vendor: unknown field"), ({"vendor_name": 3}, r"metadata.vendor_name: expected a")],
)
def test_bad_metadata(tmp_path, metadata, pattern):
    _fails(tmp_path, pattern, metadata=metadata)


def test_bad_formats_and_relative_output_dir(tmp_path):
    _fails(tmp_path, r"formats: unknown format\(s\) pdf", formats=["pdf"])
    _fails(tmp_path, r"output_dir: expected an absolute path .* 'report'", output_dir="report")


def test_output_dir_parent_is_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match=r"output_dir: cannot write the report folder .*afile/report"):
        build.generate(
            params(tmp_path, results({"ai_inference": "passed"}), output_dir=str(tmp_path / "afile" / "report"))
        )


def test_output_dir_not_writable(tmp_path, monkeypatch):
    """Root ignores mode bits, so the refusal comes from the OS call the writer makes first."""

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkdtemp", refuse)
    _fails(tmp_path, r"output_dir: cannot write the report folder .*/report: Permission denied \(.* is not writable\)")


def test_output_dir_not_writable_for_real(tmp_path):
    if os.geteuid() == 0:
        target = "/proc/conformance-report"  # not writable even for root
    else:
        os.chmod(tmp_path, 0o500)
        target = str(tmp_path / "report")
    try:
        with pytest.raises(ConfigError, match=r"output_dir: cannot write the report folder"):
            build.generate(params(tmp_path, results({"ai_inference": "passed"}), output_dir=target))
    finally:
        os.chmod(tmp_path, 0o700)
    assert not pathlib.Path(target).exists()


def test_output_dir_with_foreign_files_is_not_replaced(tmp_path):
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match=r"output_dir: .*/report holds files this module did not write \(notes.txt\)"):
        build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    assert (tmp_path / "report" / "notes.txt").read_text() == "mine"


def test_output_dir_is_a_file(tmp_path):
    (tmp_path / "report").write_text("x")
    with pytest.raises(ConfigError, match=r"output_dir: .*/report exists and is not a directory"):
        build.generate(params(tmp_path, results({"ai_inference": "passed"})))
