"""cluster_autoscaling: declaration, autoscaler Deployment, status ConfigMap, accelerator groups, providerIDs."""

import textwrap

import pytest

from ansible_collections.ai_conformance.rke2.plugins.module_utils.checks import cluster_autoscaling
from tests.unit.checks.world import World, configmap, deployment, node

SUB = "azure:///subscriptions/0000/resourceGroups/rke2/providers/Microsoft.Compute/virtualMachineScaleSets"
LABELS = {"app.kubernetes.io/instance": "cluster-autoscaler", "app.kubernetes.io/name": "azure-cluster-autoscaler"}
DEPLOYMENT = "cluster-autoscaler-azure-cluster-autoscaler"


def status_yaml(groups=(("rke2-gpu-vmss", 1, 3, 1), ("rke2-cpu-vmss", 1, 5, 2)), autoscaler="Running"):
    out = textwrap.dedent(
        """\
        time: 2026-11-26 10:00:00.123456789 +0000 UTC
        autoscalerStatus: %s
        clusterWide:
          health:
            status: Healthy
            nodeCounts:
              registered:
                total: 3
                ready: 3
                notStarted: 0
              longUnregistered: 0
              unregistered: 0
            lastProbeTime: "2026-11-26T10:00:00Z"
            lastTransitionTime: "2026-11-26T09:00:00Z"
          scaleUp:
            status: NoActivity
          scaleDown:
            status: NoCandidates
        nodeGroups:
        """
        % autoscaler
    )
    for name, low, high, count in groups:
        out += textwrap.dedent(
            """\
            - name: %s
              health:
                status: Healthy
                nodeCounts:
                  registered:
                    total: %d
                    ready: %d
                    notStarted: 0
                  longUnregistered: 0
                  unregistered: 0
                cloudProviderTarget: %d
                minSize: %d
                maxSize: %d
              scaleUp:
                status: NoActivity
              scaleDown:
                status: NoCandidates
            """
            % (name, count, count, count, low, high)
        )
    return out


# the text report Cluster Autoscaler wrote before it switched to YAML (as upstream docs show it)
LEGACY_TEXT = "\n".join(
    [
        "Cluster-autoscaler status at 2023-03-01 10:00:00.1 +0000 UTC:",
        "Cluster-wide:",
        "  Health:      Healthy (ready=3 unready=0 notStarted=0 longNotStarted=0 registered=3 longUnregistered=0)",
        "               LastProbeTime:      2023-03-01 10:00:00.1 +0000 UTC m=+100.1",
        "               LastTransitionTime: 2023-03-01 09:00:00.1 +0000 UTC m=+10.1",
        "  ScaleUp:     NoActivity (ready=3 registered=3)",
        "  ScaleDown:   NoCandidates (candidates=0)",
        "",
        "NodeGroups:",
        "  Name:        rke2-gpu-vmss",
        "  Health:      Healthy (ready=1 unready=0 notStarted=0 longNotStarted=0 registered=1 longUnregistered=0 "
        "cloudProviderTarget=1 (minSize=1, maxSize=3))",
        "               LastProbeTime:      2023-03-01 10:00:00.1 +0000 UTC m=+100.1",
        "  ScaleUp:     NoActivity (ready=1 cloudProviderTarget=1)",
        "  ScaleDown:   NoCandidates (candidates=0)",
        "",
    ]
)


def autoscaler_world(status=None, ready=1):
    world = World()
    world.add(deployment("kube-system", DEPLOYMENT, ready=ready, labels=LABELS))
    world.add(configmap("kube-system", "cluster-autoscaler-status", {"status": status or status_yaml()}))
    world.add(
        node("server-0", provider_id="%s/rke2-cpu-vmss/virtualMachines/0" % SUB),
        node("agent-cpu-1", provider_id="%s/rke2-cpu-vmss/virtualMachines/1" % SUB),
        node(
            "agent-gpu-0",
            labels={"kubernetes.azure.com/accelerator": "nvidia", "nvidia.com/gpu.present": "true"},
            provider_id="%s/rke2-gpu-vmss/virtualMachines/0" % SUB,
            capacity={"cpu": "8", "nvidia.com/gpu": "1"},
        ),
    )
    return world


def test_declaration_gives_not_applicable_with_the_justification_and_reads_nothing():
    text = "RKE2 is a distribution; it provides no cluster autoscaler (nodes are managed by the operator)"
    result, client = World().run("cluster_autoscaling", options={"cluster_autoscaling": {"not_provided": text}})
    assert result["status"] == "not_applicable"
    assert result["cncf_status"] == "N/A"
    assert text in result["summary"]
    assert result["details"]["declaration"] == text
    assert {c[1] for c in client.calls} <= {"/version", "/api", "/apis"}


def test_blank_declaration_is_not_a_declaration():
    result, _client = World().run("cluster_autoscaling", options={"cluster_autoscaling": {"not_provided": "   "}})
    assert result["status"] == "failed"


def test_no_autoscaler_and_no_declaration_fails_naming_both_options():
    result, client = World().run("cluster_autoscaling")
    assert result["status"] == "failed"
    summary = result["summary"]
    assert "no cluster autoscaler found: no Deployment in kube-system matches app.kubernetes.io/instance=" in summary
    assert "Either install one" in summary
    assert "cluster_autoscaling.not_provided" in summary
    query = next(c[2] for c in client.calls if c[1] == "/apis/apps/v1/namespaces/kube-system/deployments")
    assert query["labelSelector"] == "app.kubernetes.io/instance=cluster-autoscaler"


def test_status_configmap_without_matching_deployment_hints_at_the_selector():
    world = World().add(configmap("kube-system", "cluster-autoscaler-status", {"status": status_yaml()}))
    result, _client = world.run("cluster_autoscaling")
    assert result["status"] == "failed"
    assert "probably runs with other labels: set cluster_autoscaling.label_selector" in result["summary"]


@pytest.mark.parametrize("status", [None, LEGACY_TEXT], ids=["yaml", "legacy-text"])
def test_ready_autoscaler_with_a_gpu_group_passes(status):
    result, client = autoscaler_world(status=status).run("cluster_autoscaling")
    assert result["status"] == "passed", result["summary"]
    assert "cluster autoscaler %s is ready in kube-system" % DEPLOYMENT in result["summary"]
    assert "rke2-gpu-vmss (min 1, max 3, kubernetes.azure.com/accelerator=nvidia)" in result["summary"]
    assert "3 of 3 nodes have a cloud providerID" in result["summary"]
    gpu = next(g for g in result["details"]["node_groups"] if g["name"] == "rke2-gpu-vmss")
    assert gpu["carries_accelerators"] is True
    assert gpu["min"] == 1 and gpu["max"] == 3
    # the ConfigMap is read by name (RBAC can restrict it with resourceNames), nodes with one list
    paths = [c[1] for c in client.calls]
    assert "/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status" in paths
    assert paths.count("/api/v1/nodes") == 1


def test_autoscaler_not_ready_fails():
    result, _client = autoscaler_world(ready=0).run("cluster_autoscaling")
    assert result["status"] == "failed"
    assert "the autoscaler Deployment is not ready (%s: 0/1 ready)" % DEPLOYMENT in result["summary"]


def test_missing_status_configmap_fails():
    world = autoscaler_world()
    world.remove("ConfigMap", "cluster-autoscaler-status", "kube-system")
    result, _client = world.run("cluster_autoscaling")
    assert result["status"] == "failed"
    assert "the status ConfigMap kube-system/cluster-autoscaler-status does not exist" in result["summary"]


def test_initializing_autoscaler_fails():
    result, _client = autoscaler_world(status=status_yaml(autoscaler="Initializing")).run("cluster_autoscaling")
    assert result["status"] == "failed"
    assert "the autoscaler reports status Initializing, not Running" in result["summary"]


def test_no_gpu_group_fails_naming_the_groups():
    result, _client = autoscaler_world(status=status_yaml(groups=[("rke2-cpu-vmss", 1, 5, 2)])).run(
        "cluster_autoscaling"
    )
    assert result["status"] == "failed"
    assert "none of the node groups rke2-cpu-vmss carries accelerators" in result["summary"]
    assert "kubernetes.azure.com/accelerator / nvidia.com/gpu.present" in result["summary"]


def test_no_node_groups_fails():
    result, _client = autoscaler_world(status=status_yaml(groups=[])).run("cluster_autoscaling")
    assert result["status"] == "failed"
    assert "the autoscaler manages no node groups" in result["summary"]


def test_nodes_without_provider_id_fail():
    world = autoscaler_world()
    for obj in world.objects:
        if obj["kind"] == "Node":
            obj["spec"].pop("providerID")
    result, _client = world.run("cluster_autoscaling")
    assert result["status"] == "failed"
    assert "no node has a cloud providerID" in result["summary"]


def test_gpu_group_that_cannot_scale_fails():
    result, _client = autoscaler_world(status=status_yaml(groups=[("rke2-gpu-vmss", 1, 1, 1)])).run(
        "cluster_autoscaling"
    )
    assert result["status"] == "failed"
    assert "no accelerator node group can scale: rke2-gpu-vmss has min 1 and max 1" in result["summary"]


def test_scale_from_zero_group_is_partial_until_declared():
    groups = [("rke2-cpu-vmss", 1, 5, 2), ("rke2-gpu-vmss", 0, 3, 0)]
    world = autoscaler_world(status=status_yaml(groups=groups))
    world.remove("Node", "agent-gpu-0")
    result, _client = world.run("cluster_autoscaling")
    assert result["status"] == "partial"
    assert "rke2-gpu-vmss have no nodes now" in result["summary"]
    options = {"cluster_autoscaling": {"accelerator_node_groups": ["rke2-gpu-vmss"]}}
    result, _client = world.run("cluster_autoscaling", options=options)
    assert result["status"] == "passed", result["summary"]
    assert "rke2-gpu-vmss (min 0, max 3)" in result["summary"]


def test_node_group_label_maps_nodes_without_a_scale_set_id():
    status = status_yaml(groups=[("gpu-pool", 1, 4, 1)])
    world = World()
    world.add(deployment("autoscaler", "ca", labels={"app": "cluster-autoscaler"}))
    world.add(configmap("autoscaler", "cluster-autoscaler-status", {"status": status}))
    world.add(
        node(
            "gpu-1",
            labels={"eks.amazonaws.com/nodegroup": "gpu-pool"},
            provider_id="aws:///us-east-1a/i-0abc",
            capacity={"nvidia.com/gpu": "4"},
        )
    )
    options = {"cluster_autoscaling": {"namespace": "autoscaler", "label_selector": "app=cluster-autoscaler"}}
    result, _client = world.run("cluster_autoscaling", options=options)
    assert result["status"] == "passed", result["summary"]
    assert "gpu-pool (min 1, max 4, capacity nvidia.com/gpu=4)" in result["summary"]


def test_legacy_text_parser_reads_sizes():
    parsed = cluster_autoscaling.parse_status(LEGACY_TEXT)
    assert parsed["format"] == "text"
    assert parsed["health"] == "Healthy"
    assert parsed["node_groups"] == [
        {
            "name": "rke2-gpu-vmss",
            "health": "Healthy",
            "min": 1,
            "max": 3,
            "target": 1,
            "ready": 1,
            "registered": 1,
            "scale_up": "NoActivity",
        }
    ]
