"""Atomic writes, idempotent re-runs, check mode and diff."""

import json
import pathlib

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError, ConformanceError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build, writer
from tests.unit.report.synthetic import params, results


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_run_with_new_timestamps_changes_nothing(tmp_path):
    first = build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    folder = pathlib.Path(first["path"])
    before = _snapshot(folder)
    again = results({"ai_inference": "passed"})
    again["results"][0]["started"] = "2030-01-01T00:00:00Z"
    again["results"][0]["duration"] = 9.5
    again["api_requests"]["total"] = 99
    second = build.generate(params(tmp_path, again))
    assert first["changed"] is True and second["changed"] is False and second["written"] is False
    assert second["fingerprint"] == first["fingerprint"]
    assert _snapshot(folder) == before


def test_a_changed_verdict_rewrites_the_folder(tmp_path):
    build.generate(params(tmp_path, results({"ai_inference": "passed", "gpu_sharing": "passed"})))
    out = build.generate(params(tmp_path, results({"ai_inference": "failed"})))
    folder = pathlib.Path(out["path"])
    assert out["changed"] is True
    assert not (folder / "evidence" / "gpu_sharing.md").exists()  # the old folder is gone, not merged
    assert '"Not Implemented"' in (folder / "PRODUCT.yaml").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary or backup folders left


def test_force_rewrites_and_missing_files_are_restored(tmp_path):
    out = build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    folder = pathlib.Path(out["path"])
    assert build.generate(params(tmp_path, results({"ai_inference": "passed"}), force=True))["changed"] is True
    (folder / "report.html").unlink()
    assert build.generate(params(tmp_path, results({"ai_inference": "passed"})))["changed"] is True
    assert (folder / "report.html").is_file()


def test_check_mode_writes_nothing(tmp_path):
    out = build.generate(params(tmp_path, results({"ai_inference": "passed"})), check_mode=True)
    assert out["changed"] is True and out["written"] is False
    assert "would be written to" in out["msg"]
    assert "PRODUCT.yaml" in out["files"] and out["self_check"]["rules_checked"]
    assert list(tmp_path.iterdir()) == []
    build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    assert build.generate(params(tmp_path, results({"ai_inference": "passed"})), check_mode=True)["changed"] is False


def test_diff_shows_product_yaml(tmp_path):
    build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    out = build.generate(params(tmp_path, results({"ai_inference": "failed"})), check_mode=True, diff=True)
    assert '"Implemented"' in out["diff"]["before"] and '"Not Implemented"' in out["diff"]["after"]


def test_error_while_writing_keeps_the_previous_report(tmp_path):
    folder = tmp_path / "report"
    writer.write(str(folder), {"PRODUCT.yaml": "old\n", "evidence/a.md": "a\n"})

    def broken(tmp):
        assert (pathlib.Path(tmp) / "PRODUCT.yaml").read_text() == "new\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(ConfigError, match=r"output_dir: cannot write the report folder .*: No space left on device"):
        writer.write(str(folder), {"PRODUCT.yaml": "new\n"}, verify=broken)
    assert _snapshot(folder) == {"PRODUCT.yaml": "old\n", "evidence/a.md": "a\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_swap_failure_restores_the_previous_report(tmp_path, monkeypatch):
    folder = tmp_path / "report"
    writer.write(str(folder), {"PRODUCT.yaml": "old\n"})
    real_rename = writer.os.rename

    def rename(src, dst):
        if ".report.tmp-" in str(src):
            raise OSError(18, "Invalid cross-device link")
        return real_rename(src, dst)

    monkeypatch.setattr(writer.os, "rename", rename)
    with pytest.raises(ConfigError, match="Invalid cross-device link"):
        writer.write(str(folder), {"PRODUCT.yaml": "new\n"})
    assert _snapshot(folder) == {"PRODUCT.yaml": "old\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_interrupt_leaves_no_temporary_folder(tmp_path):
    def interrupted(_tmp):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        writer.write(str(tmp_path / "report"), {"PRODUCT.yaml": "x\n"}, verify=interrupted)
    assert list(tmp_path.iterdir()) == []


def test_written_self_check_must_agree_with_the_rendered_one(tmp_path, monkeypatch):
    """If what lands on disk differs from what was checked, the write is aborted."""
    real_write = writer.write

    def tamper(target, files, verify=None, option="output_dir"):
        files = dict(files)
        files.pop("evidence/ai_inference.md")
        return real_write(target, files, verify=verify, option=option)

    monkeypatch.setattr(writer, "write", tamper)
    with pytest.raises(ConformanceError, match=r"self-check of the written PRODUCT\.yaml differs"):
        build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    assert list(tmp_path.iterdir()) == []


def test_files_are_readable_by_others(tmp_path):
    out = build.generate(params(tmp_path, results({"ai_inference": "passed"})))
    folder = pathlib.Path(out["path"])
    assert folder.stat().st_mode & 0o055 == 0o055  # not the 0700 of a temporary folder
    json.loads((folder / "results.json").read_text())
