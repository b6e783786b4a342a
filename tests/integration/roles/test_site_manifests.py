"""Every manifest the add-on roles deliver parses, validates and sets only values the pinned charts have.

The positive test checks the real output of the roles (``rendered`` fixture). The negative tests
break one copy of that output in exactly one way each and show the checker names the problem:
that is what makes the positive test mean something.
"""

import copy
import pathlib

import pytest
import yaml

from tests.integration.roles import addons
from tests.integration.roles.conftest import load

EXPECTED = {
    "rke2-traefik-config": [("HelmChartConfig", "rke2-traefik")],
    "gatewayclass-traefik": [("GatewayClass", "traefik")],
    "kube-prometheus-stack": [("HelmChart", "prometheus-stack")],
    "nvidia-dcgm-monitor": [("ServiceMonitor", "nvidia-dcgm-monitor")],
    "prometheus-adapter": [("HelmChart", "prometheus-adapter")],
    "gpu-operator": [("HelmChart", "gpu-operator")],
    "volcano": [("HelmChart", "volcano")],
    "kubeflow-trainer": [("HelmChart", "kubeflow-trainer")],
    "cluster-autoscaler-azure-credentials": [("Secret", "cluster-autoscaler")],
    "cluster-autoscaler": [("HelmChart", "cluster-autoscaler")],
    "ollama-demo": [
        ("Namespace", "suse-private-ai"),
        ("Deployment", "ollama"),
        ("Service", "ollama"),
        ("HorizontalPodAutoscaler", "ollama-hpa"),
    ],
    "cloud-provider-azure": [("HelmChart", "cloud-provider-azure")],
}


def test_every_rendered_manifest_is_valid(rendered):
    manifests, problems = addons.check_paths([rendered])
    assert problems == []
    found = {}
    for manifest in manifests:
        found.setdefault(manifest.path.stem, []).append((manifest.obj["kind"], manifest.obj["metadata"]["name"]))
    assert found == EXPECTED


def test_the_checker_reads_every_file_of_the_folder(rendered):
    """No file is skipped: the count of files with objects is the count of files written."""
    manifests = addons.check_paths([rendered])[0]
    assert {m.path.name for m in manifests} == {p.name for p in pathlib.Path(rendered).iterdir()}


def _one(rendered, stem, kind=None):
    objs = load(pathlib.Path(rendered) / ("%s.yaml" % stem))
    obj = next(o for o in objs if kind is None or o["kind"] == kind)
    return addons.Manifest(pathlib.Path("%s.yaml" % stem), 0, copy.deepcopy(obj))


def _set_values(manifest, mutate):
    values = yaml.safe_load(manifest.obj["spec"]["valuesContent"])
    mutate(values)
    manifest.obj["spec"]["valuesContent"] = yaml.safe_dump(values)
    return manifest


# One typo per chart whose values a role sets: the values path is misspelt at its deepest level.
VALUE_TYPOS = [
    (
        "rke2-traefik-config",
        lambda v: v["providers"].update(kubernetesGatway=v["providers"].pop("kubernetesGateway")),
        "providers.kubernetesGatway",
    ),
    ("gpu-operator", lambda v: v["toolkit"].update(envs=v["toolkit"].pop("env")), "toolkit.envs"),
    ("gpu-operator", lambda v: v.update(devicePlugn=v.pop("devicePlugin")), "devicePlugn"),
    ("prometheus-adapter", lambda v: v["rules"].update(customs=v["rules"].pop("custom")), "rules.customs"),
    ("prometheus-adapter", lambda v: v["prometheus"].update(uri=v["prometheus"].pop("url")), "prometheus.uri"),
    ("volcano", lambda v: v["basic"].update(image_tag=v["basic"].pop("image_tag_version")), "basic.image_tag"),
    ("cluster-autoscaler", lambda v: v.update(autoscalingGroup=v.pop("autoscalingGroups")), "autoscalingGroup"),
    ("cluster-autoscaler", lambda v: v.update(secretKeyRefName=v.pop("secretKeyRefNameOverride")), "secretKeyRefName"),
    (
        "cloud-provider-azure",
        lambda v: v["cloudControllerManager"].update(
            configureCloudRoute=v["cloudControllerManager"].pop("configureCloudRoutes")
        ),
        "cloudControllerManager.configureCloudRoute",
    ),
]


@pytest.mark.parametrize(("stem", "mutate", "path"), VALUE_TYPOS, ids=[t[2] for t in VALUE_TYPOS])
def test_a_typo_in_a_values_path_fails(rendered, stem, mutate, path):
    manifest = _set_values(_one(rendered, stem), mutate)
    problems = addons.check_values(manifest)
    assert problems, "the typo %s went through" % path
    assert any("%s: not a value of the chart" % path in p for p in problems), problems


@pytest.mark.parametrize(
    ("stem", "mutate", "expected"),
    [
        ("gpu-operator", lambda v: v["driver"].update(enabled="yes"), "driver.enabled: the chart's default is True"),
        ("volcano", lambda v: v.update(basic="v1.15.0"), "basic: the chart expects a map here"),
        (
            "cluster-autoscaler",
            lambda v: v.update(autoscalingGroups={"name": "x"}),
            "autoscalingGroups: the chart expects a list here",
        ),
    ],
    ids=["bool-as-string", "scalar-for-map", "map-for-list"],
)
def test_a_value_of_the_wrong_shape_fails(rendered, stem, mutate, expected):
    problems = addons.check_values(_set_values(_one(rendered, stem), mutate))
    assert any(expected in p for p in problems), problems


def test_free_form_maps_accept_any_key(rendered):
    """Below a default of {} (nodeSelector...) or a declared pass-through map (extraArgs) any key goes."""
    manifest = _set_values(
        _one(rendered, "cluster-autoscaler"),
        lambda v: v.update(extraArgs={"scan-interval": "20s"}, nodeSelector={"kubernetes.io/os": "linux"}),
    )
    assert addons.check_values(manifest) == []
    manifest = _set_values(manifest, lambda v: v.update(podLabel={"a": "b"}))
    assert any("podLabel: not a value of the chart" in p for p in addons.check_values(manifest))


def test_values_for_a_chart_without_a_values_fixture_fail(rendered):
    manifest = _one(rendered, "kube-prometheus-stack")
    manifest.obj["spec"]["valuesContent"] = "grafana:\n  enabled: false\n"
    problems = addons.check_values(manifest)
    assert problems == [
        "kube-prometheus-stack.yaml[0] HelmChart prometheus-stack: sets chart values but tests/fixtures/charts has no "
        "default values for it (kube-prometheus-stack-88.5.3-values.yaml)"
    ]


def test_set_and_values_are_checked_too(rendered):
    manifest = _one(rendered, "volcano")
    manifest.obj["spec"]["set"] = {"basic.image_pull_polcy": "Always"}
    manifest.obj["spec"]["values"] = {"custom": {"scheduler_replica": 2}}
    problems = addons.check_values(manifest)
    assert any("spec.set: basic.image_pull_polcy: not a value" in p for p in problems), problems
    assert any("spec.values: custom.scheduler_replica: not a value" in p for p in problems), problems


# --- schemas, scope, names ------------------------------------------------------------------
# (file stem, kind of the object in the file or None for its only one, the break, text of the problem)
SCHEMA_BREAKS = [
    pytest.param(
        "gatewayclass-traefik",
        None,
        lambda o: o["spec"].update(controller="traefik.io/gateway-controller"),
        "Additional properties are not allowed ('controller' was unexpected)",
        id="gatewayclass-unknown-field",
    ),
    pytest.param(
        "gatewayclass-traefik",
        None,
        lambda o: o["spec"].pop("controllerName"),
        "'controllerName' is a required property",
        id="gatewayclass-missing-field",
    ),
    pytest.param(
        "gpu-operator",
        None,
        lambda o: o["spec"].update(valuesContents="x: 1"),
        "invalid against helm-controller/helm.cattle.io_helmcharts.yaml: spec: Additional properties",
        id="helmchart-unknown-field",
    ),
    pytest.param(
        "gpu-operator",
        None,
        lambda o: o["spec"].update(bootstrap="yes"),
        "spec/bootstrap: 'yes' is not of type 'boolean'",
        id="helmchart-type",
    ),
    pytest.param(
        "rke2-traefik-config",
        None,
        lambda o: o["spec"].update(failurePolicy="ignore"),
        "spec/failurePolicy: 'ignore' is not one of",
        id="helmchartconfig-enum",
    ),
    pytest.param(
        "nvidia-dcgm-monitor",
        None,
        lambda o: o["spec"]["endpoints"][0].update(interval="15 seconds"),
        "spec/endpoints/0/interval: '15 seconds' does not match",
        id="servicemonitor-pattern",
    ),
    pytest.param(
        "nvidia-dcgm-monitor",
        None,
        lambda o: o["spec"].pop("selector"),
        "'selector' is a required property",
        id="servicemonitor-required",
    ),
    pytest.param(
        "ollama-demo",
        "HorizontalPodAutoscaler",
        lambda o: o["spec"].update(maxReplica=3),
        "invalid for Kubernetes 1.34.0: spec: Additional properties are not allowed ('maxReplica' was unexpected)",
        id="hpa-unknown-field",
    ),
    pytest.param(
        "ollama-demo",
        "Deployment",
        lambda o: o["spec"]["template"]["spec"]["containers"][0].update(ports=8080),
        "invalid for Kubernetes 1.34.0: spec/template/spec/containers/0/ports: 8080 is not of type",
        id="deployment-type",
    ),
    pytest.param(
        "cluster-autoscaler-azure-credentials",
        None,
        lambda o: o.update(stringdata={"a": "b"}),
        "Additional properties are not allowed ('stringdata' was unexpected)",
        id="secret-unknown-field",
    ),
]
SCOPE_AND_NAME_BREAKS = [
    pytest.param(
        "nvidia-dcgm-monitor",
        None,
        lambda o: o["metadata"].pop("namespace"),
        "namespaced kind without metadata.namespace",
        id="servicemonitor-no-namespace",
    ),
    pytest.param(
        "ollama-demo",
        "Service",
        lambda o: o["metadata"].pop("namespace"),
        "namespaced kind without metadata.namespace",
        id="service-no-namespace",
    ),
    pytest.param(
        "gatewayclass-traefik",
        None,
        lambda o: o["metadata"].update(namespace="kube-system"),
        "cluster-scoped kind with metadata.namespace 'kube-system'",
        id="gatewayclass-namespaced",
    ),
    pytest.param(
        "ollama-demo",
        "Namespace",
        lambda o: o["metadata"].update(namespace="default"),
        "cluster-scoped kind with metadata.namespace 'default'",
        id="namespace-namespaced",
    ),
    pytest.param(
        "volcano",
        None,
        lambda o: o["metadata"].update(namespace="volcano-system"),
        "RKE2's helm-controller objects belong in kube-system",
        id="helmchart-outside-kube-system",
    ),
    pytest.param(
        "ollama-demo",
        "Deployment",
        lambda o: o["metadata"].update(name="Ollama_Demo"),
        "is not a DNS subdomain",
        id="bad-name",
    ),
    pytest.param(
        "gatewayclass-traefik",
        None,
        lambda o: o.update(apiVersion="gateway.networking.k8s.io/v2"),
        "gateway.networking.k8s.io/v2 is not a served version of GatewayClass",
        id="unserved-version",
    ),
    pytest.param(
        "gatewayclass-traefik", None, lambda o: o.update(kind="GatewayKlass"), "no schema for", id="unknown-kind"
    ),
]


@pytest.mark.parametrize(("stem", "kind", "mutate", "expected"), SCHEMA_BREAKS + SCOPE_AND_NAME_BREAKS)
def test_a_schema_scope_or_name_error_fails(rendered, stem, kind, mutate, expected):
    manifest = _one(rendered, stem, kind)
    mutate(manifest.obj)
    problems = addons.validate_object(manifest)
    assert any(expected in p for p in problems), problems


def test_files_that_are_not_objects_fail(tmp_path):
    (tmp_path / "list.yaml").write_text("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: b}\n")
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: [\n")
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    manifests, problems = addons.check_paths([tmp_path])
    assert manifests == []
    assert len(problems) == 3, problems
    assert any(p.startswith("broken.yaml: not valid YAML") for p in problems)
    assert "empty.yaml: holds no object" in problems
    assert any(p.startswith("list.yaml: a document is a list, not an object") for p in problems)


def test_the_command_line_fails_on_a_problem_and_a_missing_manifest(rendered, tmp_path, capsys):
    assert addons.main([str(rendered), "--expect", "gpu-operator"]) == 0
    assert "all valid" in capsys.readouterr().out
    broken = tmp_path / "volcano.yaml"
    manifest = _set_values(_one(rendered, "volcano"), lambda v: v["basic"].update(image_tag="x"))
    broken.write_text(yaml.safe_dump(manifest.obj))
    assert addons.main([str(broken), "--expect", "gpu-operator"]) == 1
    out = capsys.readouterr().out
    assert (
        "FAIL volcano.yaml[0] HelmChart volcano: spec.valuesContent: basic.image_tag: not a value of the chart" in out
    )
    assert "FAIL missing manifest gpu-operator" in out
