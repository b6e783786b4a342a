"""Objects every kube-apiserver creates itself: bootstrap RBAC policy and Local APIServices."""

RBAC_V1 = "rbac.authorization.k8s.io/v1"
READ = ["get", "list", "watch"]
BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}


def _role(name, rules, labels=None, aggregation=None):
    meta = {
        "name": name,
        "labels": dict(BOOTSTRAP_LABELS, **(labels or {})),
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
    }
    role = {"apiVersion": RBAC_V1, "kind": "ClusterRole", "metadata": meta, "rules": rules}
    if aggregation:
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {aggregation: "true"}}]}
        role["rules"] = []
    return role


def _binding(name, role, groups):
    return {
        "apiVersion": RBAC_V1,
        "kind": "ClusterRoleBinding",
        "metadata": {
            "name": name,
            "labels": dict(BOOTSTRAP_LABELS),
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
        },
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g} for g in groups],
    }


def rbac_objects():
    """The bootstrap roles clients depend on (discovery for everybody, cluster-admin, view/edit/admin)."""
    view_rules = [
        {
            "apiGroups": [""],
            "resources": [
                "configmaps",
                "endpoints",
                "persistentvolumeclaims",
                "persistentvolumeclaims/status",
                "pods",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/status",
                "bindings",
                "events",
                "limitranges",
                "namespaces/status",
                "pods/log",
                "pods/status",
                "replicationcontrollers/status",
                "resourcequotas",
                "resourcequotas/status",
                "namespaces",
            ],
            "verbs": READ,
        },
        {
            "apiGroups": ["apps"],
            "resources": [
                "controllerrevisions",
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
                "statefulsets",
                "statefulsets/scale",
                "statefulsets/status",
            ],
            "verbs": READ,
        },
        {
            "apiGroups": ["autoscaling"],
            "resources": ["horizontalpodautoscalers", "horizontalpodautoscalers/status"],
            "verbs": READ,
        },
        {"apiGroups": ["batch"], "resources": ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], "verbs": READ},
        {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets", "poddisruptionbudgets/status"], "verbs": READ},
        {
            "apiGroups": ["networking.k8s.io"],
            "resources": ["ingresses", "ingresses/status", "networkpolicies"],
            "verbs": READ,
        },
        {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": READ},
    ]
    edit_rules = [
        {
            "apiGroups": ["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io"],
            "resources": [
                "pods",
                "services",
                "configmaps",
                "secrets",
                "deployments",
                "daemonsets",
                "statefulsets",
                "replicasets",
                "jobs",
                "cronjobs",
                "horizontalpodautoscalers",
                "poddisruptionbudgets",
                "ingresses",
                "networkpolicies",
                "persistentvolumeclaims",
                "serviceaccounts",
            ],
            "verbs": ["create", "delete", "deletecollection", "patch", "update"],
        },
    ]
    admin_rules = [
        {
            "apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["rolebindings", "roles"],
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        },
    ]
    return [
        _role(
            "cluster-admin",
            [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}],
        ),
        _role(
            "system:discovery",
            [
                {
                    "nonResourceURLs": [
                        "/api",
                        "/api/*",
                        "/apis",
                        "/apis/*",
                        "/healthz",
                        "/livez",
                        "/openapi",
                        "/openapi/*",
                        "/readyz",
                        "/version",
                        "/version/",
                    ],
                    "verbs": ["get"],
                }
            ],
        ),
        _role(
            "system:public-info-viewer",
            [{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}],
        ),
        _role(
            "system:basic-user",
            [
                {
                    "apiGroups": ["authorization.k8s.io"],
                    "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    "verbs": ["create"],
                },
                {"apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"], "verbs": ["create"]},
            ],
        ),
        _role(
            "view",
            [],
            {"rbac.authorization.k8s.io/aggregate-to-edit": "true"},
            "rbac.authorization.k8s.io/aggregate-to-view",
        ),
        _role(
            "edit",
            [],
            {"rbac.authorization.k8s.io/aggregate-to-admin": "true"},
            "rbac.authorization.k8s.io/aggregate-to-edit",
        ),
        _role("admin", [], None, "rbac.authorization.k8s.io/aggregate-to-admin"),
        _role("system:aggregate-to-view", view_rules, {"rbac.authorization.k8s.io/aggregate-to-view": "true"}),
        _role("system:aggregate-to-edit", edit_rules, {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}),
        _role("system:aggregate-to-admin", admin_rules, {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}),
        _binding("cluster-admin", "cluster-admin", ["system:masters"]),
        _binding("system:discovery", "system:discovery", ["system:authenticated"]),
        _binding("system:basic-user", "system:basic-user", ["system:authenticated"]),
        _binding(
            "system:public-info-viewer", "system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]
        ),
    ]


def local_apiservices(registry):
    """One Local APIService per built-in group-version (``v1.``, ``v1.apps``, ...), Available=True."""
    out = []
    for group, versions in registry.groups:
        for version, types in versions:
            if not types or types[0].custom:
                continue
            priority = 18000 if group == "" else 17800
            out.append(
                {
                    "apiVersion": "apiregistration.k8s.io/v1",
                    "kind": "APIService",
                    "metadata": {
                        "name": "%s.%s" % (version, group),
                        "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"},
                    },
                    "spec": {
                        "group": group,
                        "version": version,
                        "groupPriorityMinimum": priority,
                        "versionPriority": 15,
                    },
                    "status": {
                        "conditions": [
                            {
                                "type": "Available",
                                "status": "True",
                                "reason": "Local",
                                "message": "Local APIServices are always available",
                                "lastTransitionTime": "2025-09-17T10:00:00Z",
                            }
                        ]
                    },
                }
            )
    return out
