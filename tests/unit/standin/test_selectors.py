"""Label and field selectors: kube-apiserver's syntax, matching and errors."""

import pytest

from tests.standin import errors, selectors


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("", {"a": "1"}, True),
        ("a=1", {"a": "1"}, True),
        ("a==1", {"a": "2"}, False),
        ("a!=1", {}, True),
        ("a!=1", {"a": "1"}, False),
        ("a in (1, 2),b", {"a": "2", "b": ""}, True),
        ("a notin (1,2)", {"a": "3"}, True),
        ("a notin (1,2)", {}, True),
        ("!a", {"b": "1"}, True),
        ("!a", {"a": "1"}, False),
        ("nvidia.com/gpu.present=true", {"nvidia.com/gpu.present": "true"}, True),
        ("nvidia.com/gpu.present=true,kubernetes.azure.com/accelerator", {"nvidia.com/gpu.present": "true"}, False),
        ("a=", {"a": ""}, True),
    ],
)
def test_label_selectors_match_like_kube(selector, labels, expected):
    assert selectors.labels_match(selectors.parse_labels(selector), labels) is expected


@pytest.mark.parametrize("selector", ["a==b==c", "a=(", "a,,b", "-a=1", "a in (x y)", "a=b c", "a=" + "x" * 64])
def test_bad_label_selectors_are_400(selector):
    with pytest.raises(errors.ApiError) as err:
        selectors.parse_labels(selector)
    assert err.value.code == 400 and "unable to parse requirement" in err.value.message


def test_field_selectors_support_the_kube_fields_only():
    pod = {"metadata": {"name": "p", "namespace": "n"}, "spec": {"nodeName": "gpu-0"}, "status": {"phase": "Running"}}
    reqs = selectors.parse_fields("spec.nodeName=gpu-0,status.phase!=Pending", "", "pods")
    assert selectors.fields_match(reqs, pod)
    assert not selectors.fields_match(selectors.parse_fields("metadata.namespace==other", "", "pods"), pod)
    node = {"metadata": {"name": "n"}, "spec": {}}
    assert selectors.fields_match(selectors.parse_fields("spec.unschedulable=false", "", "nodes"), node)
    with pytest.raises(errors.ApiError) as err:
        selectors.parse_fields("spec.nodeName=x", "", "configmaps")
    assert err.value.message == "field label not supported: spec.nodeName"
    assert selectors.parse_fields("spec.size=1", "example.com", "widgets", extra=["spec.size"])
    with pytest.raises(errors.ApiError):
        selectors.parse_fields("justtext", "", "pods")
