"""Authentication (bearer tokens) and RBAC authorisation evaluated from the stored RBAC objects."""

import secrets
import threading

from tests.standin import selectors

RBAC = "rbac.authorization.k8s.io"
SUPERUSER_GROUP = "system:masters"


class Authenticator(object):
    """Bearer tokens mapped to (user, groups); unknown or missing tokens are anonymous (401)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def mint(self, user, groups=()):
        token = "standin-" + secrets.token_urlsafe(24)
        all_groups = list(groups)
        if "system:authenticated" not in all_groups:
            all_groups.append("system:authenticated")
        with self._lock:
            self._tokens[token] = (user, all_groups)
        return token

    def authenticate(self, header):
        if not header or not header.lower().startswith("bearer "):
            return None
        with self._lock:
            return self._tokens.get(header[7:].strip())


def _subject_matches(subject, user, groups, binding_ns):
    kind = subject.get("kind")
    name = subject.get("name")
    if kind == "User":
        return name == user
    if kind == "Group":
        return name in groups
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or binding_ns
        return user == "system:serviceaccount:%s:%s" % (ns, name)
    return False


def _resource_matches(rule_resources, resource, subresource):
    combined = resource + ("/" + subresource if subresource else "")
    for r in rule_resources or []:
        if r in ("*", combined):
            return True
        if subresource and r == "*/" + subresource:
            return True
    return False


def _rule_allows(rule, attrs):
    verbs = rule.get("verbs") or []
    if "*" not in verbs and attrs["verb"] not in verbs:
        return False
    if "path" in attrs:
        for url in rule.get("nonResourceURLs") or []:
            if url == "*" or url == attrs["path"] or (url.endswith("*") and attrs["path"].startswith(url[:-1])):
                return True
        return False
    groups = rule.get("apiGroups")
    if groups is None or ("*" not in groups and attrs["group"] not in groups):
        return False
    if not _resource_matches(rule.get("resources"), attrs["resource"], attrs.get("subresource")):
        return False
    names = rule.get("resourceNames") or []
    return not (names and attrs.get("name") not in names)


class Authorizer(object):
    """RBAC: the union of the rules of every (Cluster)RoleBinding that names the user or a group."""

    def __init__(self, store):
        self.store = store

    def _cluster_role_rules(self, name):
        role = self.store.raw_get(RBAC, "clusterroles", "", name)
        if role is None:
            return []
        rules = list(role.get("rules") or [])
        agg = role.get("aggregationRule") or {}
        for sel in agg.get("clusterRoleSelectors") or []:
            reqs = []
            for k, v in (sel.get("matchLabels") or {}).items():
                reqs.append((k, "=", {v}))
            for expr in sel.get("matchExpressions") or []:
                op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}.get(expr.get("operator"))
                if op:
                    reqs.append((expr.get("key"), op, set(expr.get("values") or [])))
            for other in self.store.all_items(RBAC, "clusterroles"):
                if other["metadata"]["name"] != name and selectors.labels_match(reqs, other["metadata"].get("labels")):
                    rules.extend(other.get("rules") or [])
        return rules

    def _role_rules(self, ref, namespace):
        if ref.get("kind") == "ClusterRole":
            return self._cluster_role_rules(ref.get("name"))
        role = self.store.raw_get(RBAC, "roles", namespace, ref.get("name"))
        return list(role.get("rules") or []) if role else []

    def rules_for(self, user, groups, namespace):
        """Every rule that applies to the user in ``namespace`` (cluster-wide ones included)."""
        rules = []
        for b in self.store.all_items(RBAC, "clusterrolebindings"):
            if any(_subject_matches(s, user, groups, "") for s in b.get("subjects") or []):
                rules.extend(self._cluster_role_rules((b.get("roleRef") or {}).get("name")))
        if namespace:
            items, _rv, _c, _r = self.store.list(RBAC, "rolebindings", namespace=namespace)
            for b in items:
                if any(_subject_matches(s, user, groups, namespace) for s in b.get("subjects") or []):
                    rules.extend(self._role_rules(b.get("roleRef") or {}, namespace))
        return rules

    def allowed(self, user, groups, attrs):
        if SUPERUSER_GROUP in groups:
            return True
        namespace = attrs.get("namespace") if "path" not in attrs else None
        return any(_rule_allows(r, attrs) for r in self.rules_for(user, groups, namespace))

    def review(self, user, groups, spec):
        """The status of a (Self)SubjectAccessReview for ``spec``."""
        res = spec.get("resourceAttributes")
        non = spec.get("nonResourceAttributes")
        if res:
            attrs = {
                "verb": res.get("verb", ""),
                "group": res.get("group", ""),
                "resource": res.get("resource", ""),
                "subresource": res.get("subresource", ""),
                "namespace": res.get("namespace", ""),
                "name": res.get("name", ""),
            }
        elif non:
            attrs = {"verb": non.get("verb", ""), "path": non.get("path", "")}
        else:
            return {"allowed": False, "evaluationError": "spec.resourceAttributes or nonResourceAttributes required"}
        if self.allowed(user, groups, attrs):
            return {"allowed": True, "reason": "RBAC: allowed by the stand-in's RBAC evaluation"}
        return {"allowed": False}

    def rules_review(self, user, groups, namespace):
        if SUPERUSER_GROUP in groups:
            rules = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]
            non = [{"verbs": ["*"], "nonResourceURLs": ["*"]}]
        else:
            all_rules = self.rules_for(user, groups, namespace)
            rules = [
                {k: r[k] for k in ("verbs", "apiGroups", "resources", "resourceNames") if r.get(k)}
                for r in all_rules
                if r.get("resources")
            ]
            non = [
                {"verbs": r.get("verbs"), "nonResourceURLs": r["nonResourceURLs"]}
                for r in all_rules
                if r.get("nonResourceURLs")
            ]
        return {"resourceRules": rules, "nonResourceRules": non, "incomplete": False}
