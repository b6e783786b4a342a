"""conformance_report through ansible-playbook: writes, check mode, idempotence, submission_ready, bad input."""

import json
import os
import pathlib

from tests.integration.playbook import run_playbook
from tests.unit.report.synthetic import METADATA, results

SECRET = "sEcReT-token-value-1234"


def report_play(args, name="report"):
    return [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"name": name, "ai_conformance.rke2.conformance_report": args}],
        }
    ]


def _args(tmp_path, **extra):
    args = {"results": "{{ check_results }}", "output_dir": str(tmp_path / "report")}
    args.update(extra)
    return args


def test_writes_then_unchanged_then_check_mode(tmp_path):
    res = results({"ai_inference": "passed", "gang_scheduling": "failed"})
    first = run_playbook(report_play(_args(tmp_path, metadata=METADATA)), extra_vars={"check_results": res})
    task = first.task("report")
    assert task.get("failed") is not True, task
    assert task["changed"] is True
    assert task["must_failed"] == ["gang_scheduling"]
    assert (tmp_path / "report" / "report.html").is_file()
    assert task["table"][0].startswith("REQUIREMENT")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "report").rglob("*")}

    res2 = results({"ai_inference": "passed", "gang_scheduling": "failed"})  # new timestamps
    second = run_playbook(report_play(_args(tmp_path, metadata=METADATA)), extra_vars={"check_results": res2})
    assert second.task("report")["changed"] is False
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "report").rglob("*")} == before

    res3 = results({"ai_inference": "passed", "gang_scheduling": "passed"})
    third = run_playbook(
        report_play(_args(tmp_path, metadata=METADATA)),
        extra_vars={"check_results": res3},
        check=True,
        args=["--diff"],
    )
    task = third.task("report")
    assert task["changed"] is True and task["written"] is False
    assert task["diff"]["after"] != task["diff"]["before"]
    assert '"Not Implemented"' in (tmp_path / "report" / "PRODUCT.yaml").read_text()


def test_submission_ready_fails_with_rule_names_but_writes_the_report(tmp_path):
    res = results({"ai_inference": "passed"})
    run = run_playbook(report_play(_args(tmp_path, submission_ready=True)), extra_vars={"check_results": res})
    task = run.task("report")
    assert task["failed"] is True
    assert task["msg"].startswith("submission_ready: PRODUCT.yaml violates the CNCF validator's rules")
    assert "metadata_placeholder" in task["msg"] and "must_implemented" in task["msg"]
    assert {v["rule"] for v in task["self_check"]["violations"]} == {"metadata_placeholder", "must_implemented"}
    assert (tmp_path / "report" / "PRODUCT.yaml").is_file()


def test_submission_ready_passes_on_a_complete_submission(tmp_path):
    res = results("passed")
    run = run_playbook(
        report_play(_args(tmp_path, submission_ready=True, metadata=METADATA)), extra_vars={"check_results": res}
    )
    task = run.task("report")
    assert task.get("failed") is not True, task.get("msg")
    assert task["self_check"]["passed"] is True


def test_bad_input_messages(tmp_path):
    cases = [
        (_args(tmp_path, checklist_version="1.32"), "value of checklist_version must be one of: 1.33"),
        (_args(tmp_path, output_dir="/proc/conformance-report"), "output_dir: cannot write the report folder"),
        (
            _args(tmp_path, declarations={"cluster_autoscaling": {"status": "N/A"}}),
            "declarations.cluster_autoscaling.notes: a justification is required",
        ),
        (_args(tmp_path, metadata={"vendor": "x"}), "metadata"),
    ]
    cases.append((_args(tmp_path, results="{{ old_results }}"), "results.schema_version: 0 is an older result format"))
    res = results({"ai_inference": "passed"})
    # one play, one task per case (ignore_errors lets every case run)
    tasks = [
        {"name": "case %d" % i, "ai_conformance.rke2.conformance_report": args, "ignore_errors": True}
        for i, (args, _pattern) in enumerate(cases)
    ]
    run = run_playbook(
        [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}],
        extra_vars={"check_results": res, "old_results": dict(res, schema_version=0)},
    )
    assert "Traceback" not in run.stdout + run.stderr
    for i, (args, pattern) in enumerate(cases):
        task = run.task("case %d" % i)
        assert task.get("failed") is True, (args, task)
        assert pattern in task["msg"], task["msg"]
    assert not (tmp_path / "report").exists()
    assert os.listdir(tmp_path) == []


def test_redact_values_and_invocation_never_leak(tmp_path):
    res = results({"ai_inference": "failed"})
    res["results"][0]["summary"] = "failed with %s" % SECRET
    res["invocation"] = {"module_args": {"kubeconfig": {"users": [{"user": {"token": SECRET}}]}}}
    run = run_playbook(report_play(_args(tmp_path, redact=[SECRET])), extra_vars={"check_results": res})
    task = run.task("report")
    assert task.get("failed") is not True, task
    for path in pathlib.Path(tmp_path / "report").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(), path
    assert SECRET not in json.dumps(task)
