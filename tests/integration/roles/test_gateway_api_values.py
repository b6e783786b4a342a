"""The gateway_api role: the provider switch, the experimental channel, and one owner for the GatewayClass."""

import pytest
import yaml

from tests.integration.roles import addons
from tests.integration.roles.conftest import render_templates

CASES = {
    "default": {},
    "experimental-own-name": {"gateway_api_experimental_channel": True, "gateway_api_gateway_class_name": "ai-gw"},
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    cases = []
    for name, case in CASES.items():
        cases.append(("%s-config.yaml" % name, "gateway_api", "rke2-traefik-config.yaml.j2", case))
        cases.append(("%s-class.yaml" % name, "gateway_api", "gatewayclass.yaml.j2", case))
    return render_templates(tmp_path_factory.mktemp("gateway"), cases)


@pytest.mark.parametrize(
    ("name", "experimental", "class_name"), [("default", False, "traefik"), ("experimental-own-name", True, "ai-gw")]
)
def test_provider_channel_and_class(rendered, name, experimental, class_name):
    (config,) = rendered["%s-config.yaml" % name]
    (gatewayclass,) = rendered["%s-class.yaml" % name]
    assert (config["kind"], config["metadata"]) == (
        "HelmChartConfig",
        {"name": "rke2-traefik", "namespace": "kube-system"},
    )
    chart_values = yaml.safe_load(config["spec"]["valuesContent"])
    assert chart_values["providers"] == {"kubernetesGateway": {"enabled": True, "experimentalChannel": experimental}}
    # the chart must not create a GatewayClass of its own; its default Gateway uses the role's class
    assert chart_values["gatewayClass"] == {"enabled": False, "name": class_name}
    assert gatewayclass == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GatewayClass",
        "metadata": {"name": class_name},
        "spec": {"controllerName": "traefik.io/gateway-controller"},
    }
    for obj in (config, gatewayclass):
        manifest = addons.Manifest("%s.yaml" % name, 0, obj)
        assert addons.check_manifests([manifest]) == []
