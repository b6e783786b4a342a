"""Secrets never reach a report file or the module's return value."""

import json
import pathlib

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import ConfigError
from ansible_collections.ai_conformance.rke2.plugins.module_utils.report import build
from tests.unit.report.synthetic import params, results

TOKEN = "kube-token-0123456789abcdef"
JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXZhbHVl"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsecretkeymaterial\n-----END RSA PRIVATE KEY-----"
SECRETS = (TOKEN, JWT, "MIIEpAIBAAKCAQEAsecretkeymaterial", "hunter2", "vault-value-42", "aad-secret-xyz")


def _poisoned():
    res = results({"ai_inference": "failed", "gpu_sharing": "passed"})
    # what Ansible registers besides the documented keys: a kubeconfig given as a dictionary
    res["invocation"] = {"module_args": {"kubeconfig": {"users": [{"user": {"token": TOKEN}}]}, "api_key": TOKEN}}
    res["cluster"]["server"] = "https://admin:hunter2@127.0.0.1:6443"
    item = res["results"][0]
    item["summary"] = "request with Authorization: Bearer %s failed" % TOKEN
    item["evidence"][0]["output"] = ["token: %s" % JWT, PEM]
    item["details"] = {"api_key": TOKEN, "aadClientSecret": "aad-secret-xyz", "nested": [{"client-key-data": PEM}]}
    res["results"][1]["evidence"][0]["request"] = "GET /api?x=vault-value-42"
    return res


def test_no_secret_in_any_file_or_return_value(tmp_path):
    out = build.generate(
        params(tmp_path, _poisoned(), redact=["vault-value-42"], node_facts={"gpu1": {"password": "hunter2"}}),
        diff=True,
    )
    folder = pathlib.Path(out["path"])
    texts = {str(p): p.read_text() for p in folder.rglob("*") if p.is_file()}
    texts["module return"] = json.dumps(out)
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (secret, name)
    report = (folder / "report.md").read_text()
    assert "https://********@127.0.0.1:6443" in report
    assert "Bearer ********" in (folder / "PRODUCT.yaml").read_text()
    assert "invocation" not in (folder / "results.json").read_text()


def test_secret_in_a_failed_check_task_message_is_masked(tmp_path):
    res = {"failed": True, "msg": "401 with token %s" % JWT}
    with pytest.raises(ConfigError, match="nothing to report") as caught:
        build.generate(params(tmp_path, res))
    assert JWT not in str(caught.value)
    assert not (tmp_path / "report").exists()
