"""What happens to an object on write: metadata, generation, status separation, namespaces and
CRD side effects. Shared by the HTTP API and the tests' direct ``put``/``apply_objects``."""

import copy
import secrets

from tests.standin import errors, validation
from tests.standin.patch import ListKeys, record_update
from tests.standin.store import now_rfc3339


def strip_identity(obj):
    """An object without fields that change on every write (for no-op detection)."""
    out = dict(obj)
    meta = dict(out.get("metadata") or {})
    for key in ("resourceVersion", "managedFields"):
        meta.pop(key, None)
    out["metadata"] = meta
    out.pop("apiVersion", None)
    return out


def spec_part(obj):
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def tracks_generation(rt, obj):
    return (
        rt.custom or "spec" in obj or (rt.group, rt.resource) == ("apiextensions.k8s.io", "customresourcedefinitions")
    )


class ObjectLogic(object):
    """Create/update/delete semantics on top of the store; ``behaviours`` react to committed writes."""

    def __init__(self, store, registry, behaviours=None):
        self.store = store
        self.registry = registry
        self.behaviours = behaviours  # None while loading a scenario or writing as a controller
        self.aggregator = behaviours  # APIService bookkeeping: always on

    def keys_for(self, rt):
        return ListKeys(rt.kind, rt.schema if rt.custom else None)

    # --- commit and side effects ------------------------------------------------------------
    def commit(self, rt, obj, etype, old=None):
        obj = dict(obj, apiVersion=rt.group_version, kind=rt.kind)
        stored = self.store.commit(rt.group, rt.resource, obj, etype, old)
        self._side_effects(rt, etype, old, stored)
        if self.behaviours is not None:
            self.behaviours.after_write(rt, etype, old, stored)
        return stored

    def _side_effects(self, rt, etype, old, obj):
        gr = (rt.group, rt.resource)
        if gr == ("apiextensions.k8s.io", "customresourcedefinitions"):
            if etype == "DELETED":
                self._drop_custom_resources(obj)
                self.registry.remove_crd(obj["metadata"]["name"])
            else:
                self.registry.add_crd(obj)
        elif gr == ("apiregistration.k8s.io", "apiservices") and self.aggregator is not None:
            self.aggregator.apiservice_changed(etype, obj, probe=self.behaviours is not None)

    def _drop_custom_resources(self, crd):
        spec = crd.get("spec") or {}
        group, plural = spec.get("group"), (spec.get("names") or {}).get("plural")
        rt = self.registry.by_gr.get((group, plural))
        if rt is None:
            return
        for item in self.store.all_items(group, plural):
            self.store.commit(group, plural, item, "DELETED", item)

    # --- create -----------------------------------------------------------------------------
    def prepare_create(self, rt, obj, namespace, manager, controller=False):
        """Validate and complete a new object; raises ApiError. ``controller``: keep status as given."""
        obj = copy.deepcopy(obj)
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        causes = validation.check_metadata(meta)
        if causes:
            raise errors.invalid(rt.kind, rt.group, meta.get("name", "") if isinstance(meta, dict) else "", causes)
        if rt.namespaced:
            if meta.get("namespace") and namespace and meta["namespace"] != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = namespace or meta.get("namespace") or "default"
            ns = self.store.raw_get("", "namespaces", "", meta["namespace"])
            if ns is None:
                raise errors.not_found("", "namespaces", meta["namespace"])
            if (ns.get("metadata") or {}).get("deletionTimestamp") and not controller:
                raise errors.ApiError(
                    403,
                    "Forbidden",
                    "unable to create new content in namespace %s because it is being terminated" % meta["namespace"],
                    {"name": meta.get("name", ""), "kind": rt.resource},
                )
        else:
            meta.pop("namespace", None)
        if not meta.get("name"):
            if meta.get("generateName"):
                meta["name"] = meta["generateName"] + "".join(
                    secrets.choice("bcdfghjklmnpqrstvwxz2456789") for _i in range(5)
                )
            else:
                raise errors.invalid(
                    rt.kind,
                    rt.group,
                    "",
                    [("metadata.name", "Required value: name or generateName is required", "FieldValueRequired")],
                )
        causes = validation.check_name(rt, meta["name"])
        if causes:
            raise errors.invalid(rt.kind, rt.group, meta["name"], causes)
        for field in ("resourceVersion", "uid", "creationTimestamp", "deletionTimestamp", "selfLink"):
            if not controller:
                meta.pop(field, None)
        if not controller:
            meta.pop("managedFields", None)
        meta = self.store.new_metadata(meta)
        obj["metadata"] = meta
        obj["apiVersion"] = rt.group_version
        obj["kind"] = rt.kind
        if rt.has_status and not controller:
            obj.pop("status", None)
        self._kind_defaults(rt, obj, controller)
        if rt.custom:
            self._custom_checks(rt, obj)
        if tracks_generation(rt, obj):
            meta["generation"] = meta.get("generation") or 1 if controller else 1
        if not controller and manager:
            record_update(None, obj, manager, rt.group_version, self.keys_for(rt), now_rfc3339())
        return obj

    def _kind_defaults(self, rt, obj, controller):
        gr = (rt.group, rt.resource)
        meta = obj["metadata"]
        if gr == ("", "namespaces"):
            labels = dict(meta.get("labels") or {})
            labels["kubernetes.io/metadata.name"] = meta["name"]
            meta["labels"] = labels
            obj.setdefault("spec", {"finalizers": ["kubernetes"]})
            if not controller or "status" not in obj:
                obj["status"] = {"phase": "Active"}
        elif gr == ("", "pods") and not controller:
            obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
        elif gr == ("apiextensions.k8s.io", "customresourcedefinitions"):
            causes = validation.validate_crd(obj)
            if causes:
                raise errors.invalid(rt.kind, rt.group, meta["name"], causes)
            if not controller or "status" not in obj:
                obj["status"] = crd_status(obj)
        elif gr in (("apps", "deployments"), ("apps", "statefulsets"), ("apps", "replicasets")):
            obj.setdefault("spec", {}).setdefault("replicas", 1)
        elif gr == ("", "services") and not controller:
            spec = obj.setdefault("spec", {})
            spec.setdefault("type", "ClusterIP")
            spec.setdefault("sessionAffinity", "None")
            for port in spec.get("ports") or []:
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")
                    port.setdefault("targetPort", port.get("port"))

    def _custom_checks(self, rt, obj):
        """CRD schema: defaults, pruning of unknown fields (fieldValidation decides on them first), types."""
        if not rt.schema:
            return
        validation.apply_defaults(obj, rt.schema)
        validation.prune(obj, rt.schema)
        causes = validation.type_errors(obj, rt.schema)
        if causes:
            raise errors.invalid(rt.kind, rt.group, obj["metadata"].get("name", ""), causes)

    def unknown_fields(self, rt, obj):
        """Fields ``obj`` has that the CRD schema does not (before pruning)."""
        if not rt.custom or not rt.schema:
            return []
        return validation.prune(copy.deepcopy(obj), rt.schema)

    # --- update -----------------------------------------------------------------------------
    def prepare_update(self, rt, old, new, manager, subresource="", controller=False):
        """Merge an update into ``old`` with status separation and generation; returns the new object."""
        new = copy.deepcopy(new)
        meta = new.get("metadata")
        if not isinstance(meta, dict):
            meta = new["metadata"] = {}
        causes = validation.check_metadata(meta)
        if causes:
            raise errors.invalid(rt.kind, rt.group, old["metadata"]["name"], causes)
        old_meta = old["metadata"]
        if subresource == "status":
            result = copy.deepcopy(old)
            if "status" in new:
                result["status"] = new["status"]
            else:
                result.pop("status", None)
            new = result
        else:
            for field in (
                "uid",
                "creationTimestamp",
                "namespace",
                "name",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
            ):
                if field in old_meta:
                    meta[field] = old_meta[field]
                else:
                    meta.pop(field, None)
            if not controller:
                meta["managedFields"] = old_meta.get("managedFields") or []
                if rt.has_status:
                    if "status" in old:
                        new["status"] = copy.deepcopy(old["status"])
                    else:
                        new.pop("status", None)
            if (rt.group, rt.resource) == ("", "namespaces"):
                new["status"] = copy.deepcopy(old.get("status") or {"phase": "Active"})
                labels = dict(meta.get("labels") or {})
                labels["kubernetes.io/metadata.name"] = old_meta["name"]
                meta["labels"] = labels
        new["apiVersion"] = rt.group_version
        new["kind"] = rt.kind
        new["metadata"].pop("resourceVersion", None)
        if rt.custom:
            self._custom_checks(rt, new)
        if (rt.group, rt.resource) == ("apiextensions.k8s.io", "customresourcedefinitions") and subresource == "":
            causes = validation.validate_crd(new)
            if causes:
                raise errors.invalid(rt.kind, rt.group, old_meta["name"], causes)
            new["status"] = crd_status(new)
        if tracks_generation(rt, new):
            gen = old_meta.get("generation") or 1
            if subresource == "" and spec_part(new) != spec_part(old):
                gen += 1
            new["metadata"]["generation"] = gen
        if not controller and manager:
            record_update(old, new, manager, rt.group_version, self.keys_for(rt), now_rfc3339(), subresource)
        return new

    def finish_write(self, rt, old, new, dry_run=False):
        """Commit ``new`` unless it changes nothing (then the old object is returned untouched)."""
        if strip_identity(new) == strip_identity(old) and _same_fields(old, new):
            return old
        if self._finalized(new):
            if dry_run:
                return new
            return self.commit(rt, new, "DELETED", old)
        if dry_run:
            new = copy.deepcopy(new)
            new["metadata"]["resourceVersion"] = old["metadata"].get("resourceVersion")
            return new
        return self.commit(rt, new, "MODIFIED", old)

    @staticmethod
    def _finalized(obj):
        meta = obj.get("metadata") or {}
        return bool(meta.get("deletionTimestamp")) and not meta.get("finalizers")

    # --- delete -----------------------------------------------------------------------------
    def delete(self, rt, old, dry_run=False):
        """Delete ``old``; returns (object, deleted_now)."""
        meta = old.get("metadata") or {}
        if meta.get("finalizers"):
            if meta.get("deletionTimestamp"):
                return old, False
            new = copy.deepcopy(old)
            new["metadata"]["deletionTimestamp"] = now_rfc3339()
            new["metadata"]["deletionGracePeriodSeconds"] = 0
            if dry_run:
                return new, False
            return self.commit(rt, new, "MODIFIED", old), False
        if dry_run:
            return old, True
        if (rt.group, rt.resource) == ("", "namespaces"):
            self._empty_namespace(meta["name"])
            final = copy.deepcopy(old)
            final["metadata"]["deletionTimestamp"] = now_rfc3339()
            final["status"] = {"phase": "Terminating"}
            return self.commit(rt, final, "DELETED", old), True
        return self.commit(rt, old, "DELETED", old), True

    def _empty_namespace(self, namespace):
        for group, resource in self.store.groups_resources():
            rt = self.registry.by_gr.get((group, resource))
            if rt is None or not rt.namespaced:
                continue
            items, _rv, _c, _r = self.store.list(group, resource, namespace=namespace)
            for item in items:
                self.commit(rt, item, "DELETED", item)


def _same_fields(old, new):
    def sets(obj):
        out = {}
        for e in (obj.get("metadata") or {}).get("managedFields") or []:
            out[(e.get("manager"), e.get("operation"), e.get("subresource"))] = e.get("fieldsV1")
        return out

    return sets(old) == sets(new)


def crd_status(crd):
    spec = crd.get("spec") or {}
    names = dict(spec.get("names") or {})
    names.setdefault("singular", (names.get("kind") or "").lower())
    names.setdefault("listKind", (names.get("kind") or "") + "List")
    now = now_rfc3339()
    stored = [v.get("name") for v in spec.get("versions") or [] if v.get("storage")]
    return {
        "acceptedNames": names,
        "conditions": [
            {
                "type": "NamesAccepted",
                "status": "True",
                "reason": "NoConflicts",
                "message": "no conflicts found",
                "lastTransitionTime": now,
            },
            {
                "type": "Established",
                "status": "True",
                "reason": "InitialNamesAccepted",
                "message": "the initial names have been accepted",
                "lastTransitionTime": now,
            },
        ],
        "storedVersions": stored,
    }
