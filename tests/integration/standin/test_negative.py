"""Errors answered the way kube-apiserver answers them: 401, 403 (RBAC), 404, 409, 400, 415, 422."""

import yaml

from tests.integration.standin.helpers import KUBECTL_137, kubectl, raw, status_of

RBAC = "rbac.authorization.k8s.io/v1"


def test_missing_or_wrong_token_is_401(shared_standin, tmp_path):
    srv = shared_standin("rke2-gpu")
    for token in ("", "not-a-token"):
        code, _headers, body = raw(srv, "GET", "/api/v1/nodes", token=token)
        assert code == 401
        assert status_of(body) == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }
    res = kubectl(KUBECTL_137, srv, "get", "nodes", kubeconfig=_kubeconfig(srv, tmp_path, "wrong", "bad-token"))
    assert res.returncode != 0 and "You must be logged in to the server" in res.stderr


def _kubeconfig(srv, folder, name, token):
    return srv.write_kubeconfig(str(folder / name), token=token, user=name)


def test_rbac_denies_with_kube_apiserver_message_and_allows_granted(standin, tmp_path):
    srv = standin("rke2-gpu")
    token = srv.token("validator", groups=["auditors"])
    code, _h, body = raw(srv, "GET", "/api/v1/nodes", token=token)
    assert code == 403
    assert status_of(body) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "code": 403,
        "reason": "Forbidden",
        "message": 'nodes is forbidden: User "validator" cannot list resource "nodes" in API group "" at the cluster '
        "scope",
        "details": {"kind": "nodes"},
    }
    code, _h, body = raw(srv, "GET", "/apis/apps/v1/namespaces/kube-system/deployments/rke2-traefik", token=token)
    assert status_of(body)["message"] == (
        'deployments.apps "rke2-traefik" is forbidden: User "validator" cannot get '
        'resource "deployments" in API group "apps" in the namespace "kube-system"'
    )
    # discovery is open to every authenticated user (system:discovery)
    assert raw(srv, "GET", "/apis", token=token)[0] == 200
    srv.apply_objects(
        [
            {
                "apiVersion": RBAC,
                "kind": "ClusterRole",
                "metadata": {"name": "node-reader"},
                "rules": [
                    {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]},
                    {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
                ],
            },
            {
                "apiVersion": RBAC,
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "auditors-read-nodes"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "node-reader"},
                "subjects": [{"kind": "Group", "name": "auditors", "apiGroup": "rbac.authorization.k8s.io"}],
            },
            {
                "apiVersion": RBAC,
                "kind": "Role",
                "metadata": {"name": "one-cm", "namespace": "default"},
                "rules": [
                    {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"], "resourceNames": ["allowed"]}
                ],
            },
            {
                "apiVersion": RBAC,
                "kind": "RoleBinding",
                "metadata": {"name": "one-cm", "namespace": "default"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "one-cm"},
                "subjects": [{"kind": "User", "name": "validator", "apiGroup": "rbac.authorization.k8s.io"}],
            },
        ]
    )
    assert raw(srv, "GET", "/api/v1/nodes", token=token)[0] == 200
    assert raw(srv, "DELETE", "/api/v1/nodes/rke2-gpu-agent-0", token=token)[0] == 403
    assert raw(srv, "GET", "/api/v1/namespaces/default/configmaps/allowed", token=token)[0] == 404
    assert raw(srv, "GET", "/api/v1/namespaces/default/configmaps/other", token=token)[0] == 403
    assert raw(srv, "GET", "/api/v1/namespaces/default/configmaps", token=token)[0] == 403
    assert raw(srv, "GET", "/api/v1/namespaces/kube-system/pods/x/log", token=token)[0] == 404
    # SelfSubjectAccessReview answers from the same rules
    for verb, resource, allowed in (("list", "nodes", True), ("delete", "nodes", False)):
        code, _h, body = raw(
            srv,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            token=token,
            body={
                "apiVersion": "authorization.k8s.io/v1",
                "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": {"verb": verb, "resource": resource}},
            },
        )
        assert code == 201 and status_of(body)["status"]["allowed"] is allowed
    res = kubectl(KUBECTL_137, srv, "auth", "can-i", "list", "nodes", kubeconfig=_kubeconfig(srv, tmp_path, "v", token))
    assert res.stdout.strip() == "yes"
    res = kubectl(
        KUBECTL_137, srv, "auth", "can-i", "create", "pods", kubeconfig=_kubeconfig(srv, tmp_path, "v2", token)
    )
    assert res.stdout.strip() == "no"


def test_aggregated_cluster_role_and_service_account_subjects(standin):
    srv = standin("empty")
    srv.apply_objects(
        [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "audit"}},
            {
                "apiVersion": RBAC,
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "sa-view"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                "subjects": [{"kind": "ServiceAccount", "name": "checker", "namespace": "audit"}],
            },
        ]
    )
    token = srv.token("system:serviceaccount:audit:checker", groups=["system:serviceaccounts"])
    assert raw(srv, "GET", "/api/v1/namespaces/default/pods", token=token)[0] == 200
    assert raw(srv, "GET", "/api/v1/namespaces/default/secrets", token=token)[0] == 403
    other = srv.token("system:serviceaccount:default:checker")
    assert raw(srv, "GET", "/api/v1/namespaces/default/pods", token=other)[0] == 403


def test_unknown_resources_and_paths_are_404(shared_standin):
    srv = shared_standin("rke2-gpu")
    code, _h, body = raw(srv, "GET", "/apis/example.com/v1/widgets")
    assert code == 404 and status_of(body)["reason"] == "NotFound"
    assert raw(srv, "GET", "/api/v1/widgets")[0] == 404
    assert raw(srv, "GET", "/api/v1/namespaces/default/nodes")[0] == 404
    assert raw(srv, "GET", "/api/v1/namespaces/nope/pods/x")[0] == 404
    code, _h, body = raw(srv, "GET", "/not/a/path")
    assert code == 404 and body == b"404 page not found\n"
    code, _h, body = raw(
        srv,
        "POST",
        "/api/v1/namespaces/nope/configmaps",
        body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}},
    )
    assert code == 404 and status_of(body)["message"] == 'namespaces "nope" not found'
    srv33 = shared_standin("empty", catalog="1.33")
    assert raw(srv33, "GET", "/apis/resource.k8s.io/v1/deviceclasses")[0] == 404
    assert raw(srv33, "GET", "/apis/resource.k8s.io")[0] == 404


def test_conflicts_are_409(standin):
    srv = standin("empty")
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "default"},
        "data": {"a": "1"},
    }
    code, _h, body = raw(srv, "POST", "/api/v1/namespaces/default/configmaps", body=cm)
    assert code == 201
    created = status_of(body)
    code, _h, body = raw(srv, "POST", "/api/v1/namespaces/default/configmaps", body=cm)
    assert code == 409 and status_of(body)["reason"] == "AlreadyExists"
    assert status_of(body)["message"] == 'configmaps "c" already exists'
    fresh = dict(created, data={"a": "2"})
    assert raw(srv, "PUT", "/api/v1/namespaces/default/configmaps/c", body=fresh)[0] == 200
    stale = dict(created, data={"a": "3"})
    code, _h, body = raw(srv, "PUT", "/api/v1/namespaces/default/configmaps/c", body=stale)
    assert code == 409 and status_of(body)["reason"] == "Conflict"
    assert status_of(body)["message"] == (
        'Operation cannot be fulfilled on configmaps "c": the object has been '
        "modified; please apply your changes to the latest version and try again"
    )


def test_malformed_bodies_are_400_with_a_message(shared_standin):
    srv = shared_standin("rke2-gpu")
    path = "/api/v1/namespaces/default/configmaps"
    code, _h, body = raw(srv, "POST", path, body=b"{not json", headers={"Content-Type": "application/json"})
    assert code == 400 and status_of(body)["reason"] == "BadRequest"
    assert "json parse error" in status_of(body)["message"]
    code, _h, body = raw(srv, "POST", path, body=b"a: [1, 2\nb: {", headers={"Content-Type": "application/yaml"})
    assert code == 400 and "error converting YAML to JSON" in status_of(body)["message"]
    code, _h, body = raw(srv, "POST", path, body=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert code == 400
    code, _h, body = raw(srv, "PATCH", path + "/x", body=b"{}", headers={"Content-Type": "text/plain"})
    assert code == 415 and status_of(body)["reason"] == "UnsupportedMediaType"
    code, _h, body = raw(srv, "GET", "/api/v1/pods?labelSelector=a%3D%3D%3Db")
    assert code == 400 and "unable to parse requirement" in status_of(body)["message"]
    code, _h, body = raw(srv, "GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
    assert code == 400 and status_of(body)["message"] == "field label not supported: spec.bogus"
    code, _h, body = raw(srv, "GET", "/api/v1/pods?limit=lots")
    assert code == 400


def test_strategic_merge_on_custom_resources_is_415(shared_standin):
    srv = shared_standin("rke2-gpu")
    code, _h, body = raw(
        srv,
        "PATCH",
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses/traefik",
        body=b"{}",
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert code == 415 and status_of(body)["reason"] == "UnsupportedMediaType"


def test_invalid_objects_are_422(standin):
    srv = standin("rke2-gpu")
    code, _h, body = raw(
        srv,
        "POST",
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses",
        body={
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "bad"},
            "spec": {},
        },
    )
    assert code == 422
    status = status_of(body)
    assert status["reason"] == "Invalid"
    assert status["message"].startswith('GatewayClass.gateway.networking.k8s.io "bad" is invalid: spec.controllerName')
    assert status["details"]["causes"][0]["field"] == "spec.controllerName"
    code, _h, body = raw(
        srv,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Not_Valid"}},
    )
    assert code == 422 and "RFC 1123" in status_of(body)["message"]


def test_strict_field_validation_rejects_unknown_fields_of_custom_resources(standin, tmp_path):
    srv = standin("rke2-gpu")
    manifest = tmp_path / "gc.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "GatewayClass",
                "metadata": {"name": "typo"},
                "spec": {"controllerName": "x.io/y", "contollerName": "typo"},
            }
        )
    )
    res = kubectl(KUBECTL_137, srv, "apply", "-f", str(manifest))
    assert res.returncode != 0 and 'unknown field "spec.contollerName"' in res.stderr
    res = kubectl(KUBECTL_137, srv, "apply", "--validate=false", "-f", str(manifest))
    assert res.returncode == 0
    assert "contollerName" not in srv.store.get("gateway.networking.k8s.io/v1", "GatewayClass", "typo")["spec"]


def test_client_certificates_authenticate_as_cn_and_o(standin, tmp_path):
    srv = standin("rke2-gpu")
    cert = srv.client_certificate("system:admin", ["system:masters"])
    admin = srv.write_kubeconfig(str(tmp_path / "admin"), user="admin", client_cert=cert)
    out = kubectl(KUBECTL_137, srv, "auth", "whoami", "-o", "json", kubeconfig=admin)
    assert '"username": "system:admin"' in out.stdout and "system:masters" in out.stdout
    assert kubectl(KUBECTL_137, srv, "get", "nodes", kubeconfig=admin).returncode == 0
    plain = srv.write_kubeconfig(
        str(tmp_path / "plain"), user="p", client_cert=srv.client_certificate("someone", ["nobody"])
    )
    res = kubectl(KUBECTL_137, srv, "get", "nodes", kubeconfig=plain)
    assert res.returncode != 0 and 'User "someone" cannot list resource "nodes"' in res.stderr


def test_preconditions_that_name_another_object_are_409(standin):
    srv = standin("empty")
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "p", "namespace": "default"}}
    created = status_of(raw(srv, "POST", "/api/v1/namespaces/default/configmaps", body=cm)[2])
    uid, rv = created["metadata"]["uid"], created["metadata"]["resourceVersion"]
    path = "/api/v1/namespaces/default/configmaps/p"
    other = dict(created, metadata=dict(created["metadata"], uid="other-uid", resourceVersion=None))
    code, _h, body = raw(srv, "PUT", path, body=other)
    conflict = 'Operation cannot be fulfilled on configmaps "p": Precondition failed: '
    assert code == 409
    assert status_of(body)["message"] == conflict + "UID in precondition: other-uid, UID in object meta: %s" % uid
    for pre, message in (
        ({"uid": "other-uid"}, "UID in precondition: other-uid, UID in object meta: %s" % uid),
        ({"resourceVersion": "1"}, "ResourceVersion in precondition: 1, ResourceVersion in object meta: %s" % rv),
    ):
        code, _h, body = raw(srv, "DELETE", path, body={"kind": "DeleteOptions", "preconditions": pre})
        assert code == 409 and status_of(body)["reason"] == "Conflict"
        assert status_of(body)["message"] == conflict + message
    assert srv.store.get("v1", "ConfigMap", "p", "default") is not None, "a failed precondition deletes nothing"
    preconditions = {"kind": "DeleteOptions", "preconditions": {"uid": uid, "resourceVersion": rv}}
    assert raw(srv, "DELETE", path, body=preconditions)[0] == 200
    assert srv.store.get("v1", "ConfigMap", "p", "default") is None


def test_list_watch_and_write_options_are_checked(standin):
    srv = standin("rke2-gpu")
    cms = "/api/v1/namespaces/default/configmaps"
    for name in ("a", "b"):
        raw(srv, "POST", cms, body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})
    token = status_of(raw(srv, "GET", cms + "?limit=1")[2])["metadata"]["continue"]
    raw(srv, "POST", cms, body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    srv.store.compact()
    code, _h, body = raw(srv, "GET", cms + "?limit=1&continue=" + token)
    assert code == 410 and status_of(body)["message"].startswith("The provided continue parameter is too old")
    code, _h, body = raw(srv, "GET", cms + "?resourceVersionMatch=Bogus")
    assert code == 422 and status_of(body)["details"]["causes"][0]["field"] == "resourceVersionMatch"
    code, _h, body = raw(srv, "GET", cms + "?resourceVersionMatch=Exact&resourceVersion=1")
    assert code == 410 and status_of(body)["message"] == "The resourceVersion for the provided list is too old."
    code, _h, body = raw(srv, "GET", cms + "?watch=1&sendInitialEvents=true")
    assert (
        code == 422
        and "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" in (status_of(body)["message"])
    )
    new = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}}
    code, _h, body = raw(srv, "POST", cms + "?dryRun=Some", body=new)
    assert code == 400 and status_of(body)["message"] == 'dryRun: Unsupported value: "Some": supported values: "All"'
    code, _h, body = raw(srv, "POST", cms + "?fieldValidation=Bogus", body=new)
    assert code == 400 and status_of(body)["message"].startswith('fieldValidation: unsupported value "Bogus"')
    code, _h, body = raw(srv, "POST", cms + "?fieldManager=" + "m" * 129, body=new)
    assert code == 422 and status_of(body)["message"].endswith("fieldManager: Too long: may not be more than 128 bytes")
    assert srv.store.get("v1", "ConfigMap", "d", "default") is None, "a refused write stores nothing"
    gateway_class = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "GatewayClass",
        "metadata": {"name": "warned"},
        "spec": {"controllerName": "example.com/x", "bogus": 1},
    }
    code, headers, _b = raw(srv, "POST", "/apis/gateway.networking.k8s.io/v1/gatewayclasses", body=gateway_class)
    assert code == 201 and headers["warning"] == '299 - "unknown field \\"spec.bogus\\""', "Warn is the default"


def test_scale_and_log_subresources_check_their_input(shared_standin):
    srv = shared_standin("rke2-gpu")
    scale = "/apis/apps/v1/namespaces/kube-system/deployments/rke2-traefik/scale"
    code, _h, body = raw(srv, "PUT", scale + "?dryRun=All", body={"spec": {"replicas": -1}})
    assert code == 422 and status_of(body)["details"]["causes"][0]["field"] == "spec.replicas"
    code, _h, body = raw(srv, "PUT", scale + "?dryRun=All", body={"spec": {"replicas": 3}})
    assert code == 200 and status_of(body)["spec"]["replicas"] == 3
    assert srv.store.get("apps/v1", "Deployment", "rke2-traefik", "kube-system")["spec"]["replicas"] == 1
    log = "/api/v1/namespaces/kube-system/pods/rke2-traefik-6c9f8b7d5d-x7k2p/log"
    code, _h, body = raw(srv, "GET", log + "?container=nope")
    assert code == 400
    assert status_of(body)["message"] == "container nope is not valid for pod rke2-traefik-6c9f8b7d5d-x7k2p"
