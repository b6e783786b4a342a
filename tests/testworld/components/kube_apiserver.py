"""kube-apiserver: secure port on 127.0.0.1 only, TLS from the world's CA, static tokens and client
certificates, Node and RBAC authorization, the default admission plugins (plus NodeRestriction, as
RKE2 enables it), the service-account token signer, the aggregation layer, and an audit log that is
the world's request log (``tests/testworld/requests.py``)."""

import os

import yaml

from tests.testworld.components import Component, feature_gate_flags
from tests.testworld.process import http_ok

# Requests of the world's own programs are not audited: the request log is what tests and the
# collection send. kube-controller-manager's controllers run as kube-system service accounts.
QUIET_USERS = (
    "system:apiserver",
    "system:kube-controller-manager",
    "system:kube-scheduler",
    "testworld:kwok",
    "testworld:setup",
)
QUIET_GROUPS = ("system:serviceaccounts:kube-system", "system:nodes")


def audit_policy():
    return {
        "apiVersion": "audit.k8s.io/v1",
        "kind": "Policy",
        "omitStages": ["RequestReceived"],
        "rules": [
            {"level": "None", "users": list(QUIET_USERS)},
            {"level": "None", "userGroups": list(QUIET_GROUPS)},
            {"level": "Metadata"},
        ],
    }


class KubeApiserver(Component):
    name = "kube-apiserver"
    ready_timeout = 90.0

    def command(self):
        lay = self.layout
        pki = lay.pki
        policy = os.path.join(lay.workdir, "audit-policy.yaml")
        with open(policy, "w") as fh:
            yaml.safe_dump(audit_policy(), fh)
        cmd = [
            os.path.join(lay.binaries["kubernetes"], "kube-apiserver"),
            "--etcd-servers=http://127.0.0.1:%d" % lay.ports["etcd"],
            "--etcd-prefix=/registry",
            "--bind-address=127.0.0.1",
            "--secure-port=%d" % lay.ports["kube-apiserver"],
            "--advertise-address=%s" % lay.advertise_address,
            "--allow-privileged=true",
            "--authorization-mode=Node,RBAC",
            "--enable-admission-plugins=NodeRestriction",
            "--client-ca-file=%s" % pki.ca.cert_file,
            "--tls-cert-file=%s" % pki.apiserver[0],
            "--tls-private-key-file=%s" % pki.apiserver[1],
            "--token-auth-file=%s" % lay.token_file,
            "--service-account-key-file=%s" % pki.service_account_pub,
            "--service-account-signing-key-file=%s" % pki.service_account_key,
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-cluster-ip-range=%s" % lay.service_cidr,
            "--kubelet-client-certificate=%s" % pki.kubelet_client[0],
            "--kubelet-client-key=%s" % pki.kubelet_client[1],
            "--proxy-client-cert-file=%s" % pki.front_proxy_client[0],
            "--proxy-client-key-file=%s" % pki.front_proxy_client[1],
            "--requestheader-client-ca-file=%s" % pki.front_proxy_ca.cert_file,
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            # aggregated APIs and webhooks are reached at their endpoints' pod IPs: the world has no kube-proxy
            "--enable-aggregator-routing=true",
            "--audit-policy-file=%s" % policy,
            "--audit-log-path=%s" % lay.audit_log,
            "--audit-log-format=json",
            "--audit-log-mode=blocking",
            "--profiling=false",
            "--v=1",
        ]
        if lay.runtime_config:
            cmd.append("--runtime-config=%s" % lay.runtime_config)
        return cmd + feature_gate_flags(lay)

    def healthy(self):
        return http_ok("%s/readyz" % self.layout.apiserver_url, ca_file=self.layout.pki.ca.cert_file)
