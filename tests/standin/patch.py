"""Patch semantics: JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic merge patch with
the built-in types' merge keys, and server-side apply with field ownership (managedFields)."""

import copy
import json

from tests.standin import errors

# Merge keys of the built-in types' lists (the ``patchMergeKey`` / ``listMapKeys`` of k8s.io/api).
# Matched on the last field names of the path (list indices left out).
_SUFFIX_KEYS = (
    (("containers", "ports"), ["containerPort"]),
    (("initContainers", "ports"), ["containerPort"]),
    (("ephemeralContainers", "ports"), ["containerPort"]),
    (("containers",), ["name"]),
    (("initContainers",), ["name"]),
    (("ephemeralContainers",), ["name"]),
    (("env",), ["name"]),
    (("volumes",), ["name"]),
    (("volumeMounts",), ["mountPath"]),
    (("volumeDevices",), ["devicePath"]),
    (("conditions",), ["type"]),
    (("imagePullSecrets",), ["name"]),
    (("ownerReferences",), ["uid"]),
    (("taints",), ["key"]),
    (("hostAliases",), ["ip"]),
    (("resourceClaims",), ["name"]),
    (("topologySpreadConstraints",), ["topologyKey"]),
    (("schedulingGates",), ["name"]),
    (("addresses",), ["type"]),
)
_SET_LISTS = (("metadata", "finalizers"),)


def builtin_list_keys(path, kind):
    """Merge keys of the list at ``path`` (a tuple of field names) of a built-in ``kind``, or None."""
    if kind == "Service" and path == ("spec", "ports"):
        return ["port"]
    if (kind == "Endpoints" or (kind == "Node" and path[:1] == ("spec",))) and path[-1:] == ("addresses",):
        return None
    for suffix, keys in _SUFFIX_KEYS:
        if path[-len(suffix) :] == suffix:
            return keys
    return None


def schema_at(schema, path):
    """The structural schema node at ``path`` (field names; list items implied), or None."""
    node = schema
    for name in path:
        if not isinstance(node, dict):
            return None
        if node.get("type") == "array":
            node = node.get("items") or {}
        props = node.get("properties") or {}
        if name in props:
            node = props[name]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return node


class ListKeys(object):
    """Answers "what are the merge keys of the list at this path" for one resource type."""

    def __init__(self, kind, schema=None):
        self.kind = kind
        self.schema = schema

    def keys(self, path):
        if self.schema is not None:
            node = schema_at(self.schema, path)
            if node and node.get("x-kubernetes-list-type") == "map":
                return list(node.get("x-kubernetes-list-map-keys") or [])
            if path and path[0] == "metadata":
                return builtin_list_keys(path, self.kind)
            return None
        return builtin_list_keys(path, self.kind)

    def is_set(self, path):
        if self.schema is not None:
            node = schema_at(self.schema, path)
            if node and node.get("x-kubernetes-list-type") == "set":
                return True
        return path in _SET_LISTS


# --- JSON merge patch -----------------------------------------------------------------------
def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# --- JSON patch -----------------------------------------------------------------------------
def _pointer(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.ApiError(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request: "
            "JSON pointer must start with '/': %r" % path,
        )
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
    cur = doc
    for p in parts:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise KeyError(p)
    return cur


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise errors.bad_request("json patch: expected a JSON array of operations")
    doc = copy.deepcopy(doc)
    for i, op in enumerate(ops):
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise errors.bad_request("json patch operation %d: needs 'op' and 'path'" % i)
        try:
            doc = _apply_op(doc, op)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise errors.ApiError(
                422,
                "Invalid",
                "the server rejected our request due to an error in our request: json patch "
                "operation %d (%s %s) failed: %s" % (i, op.get("op"), op.get("path"), exc),
            ) from None
    return doc


def _apply_op(doc, op):
    kind = op["op"]
    parts = _pointer(op["path"])
    if kind == "test":
        if _walk(doc, parts) != op.get("value"):
            raise ValueError("testing value failed")
        return doc
    if kind in ("move", "copy"):
        value = copy.deepcopy(_walk(doc, _pointer(op["from"])))
        if kind == "move":
            doc = _apply_op(doc, {"op": "remove", "path": op["from"]})
        return _apply_op(doc, {"op": "add", "path": op["path"], "value": value})
    if not parts:
        if kind in ("add", "replace"):
            return copy.deepcopy(op.get("value"))
        raise ValueError("cannot remove the whole document")
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if kind == "add":
        if isinstance(parent, list):
            if last == "-":
                parent.append(copy.deepcopy(op["value"]))
            else:
                idx = int(last)
                if idx > len(parent):
                    raise IndexError("index %d out of range" % idx)
                parent.insert(idx, copy.deepcopy(op["value"]))
        elif isinstance(parent, dict):
            parent[last] = copy.deepcopy(op["value"])
        else:
            raise TypeError("cannot add to a scalar")
    elif kind == "remove":
        if isinstance(parent, list):
            parent.pop(int(last))
        else:
            del parent[last]
    elif kind == "replace":
        if isinstance(parent, list):
            parent[int(last)] = copy.deepcopy(op["value"])
        else:
            if last not in parent:
                raise KeyError(last)
            parent[last] = copy.deepcopy(op["value"])
    else:
        raise ValueError("unknown operation %r" % kind)
    return doc


# --- strategic merge patch ------------------------------------------------------------------
def strategic_merge(target, patch, keys, path=()):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    retain = patch.get("$retainKeys")
    for key, value in patch.items():
        if key.startswith("$setElementOrder/") or key in ("$retainKeys", "$patch"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list):
                result[field] = [v for v in result[field] if v not in (value or [])]
            continue
        if value is None:
            result.pop(key, None)
            continue
        sub = (*path, key)
        if isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, keys, sub)
        elif isinstance(value, dict):
            merged = strategic_merge(result.get(key), value, keys, sub)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        else:
            result[key] = copy.deepcopy(value)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _merge_list(current, patch, keys, path):
    merge_keys = keys.keys(path)
    if keys.is_set(path):
        out = list(current or [])
        for v in patch:
            if v not in out:
                out.append(copy.deepcopy(v))
        return out
    if not merge_keys or not isinstance(current, list):
        if merge_keys:
            return [copy.deepcopy(v) for v in patch if not (isinstance(v, dict) and v.get("$patch") == "delete")]
        return copy.deepcopy(patch)
    out = copy.deepcopy(current)
    for item in patch:
        if not isinstance(item, dict):
            out.append(copy.deepcopy(item))
            continue
        ident = tuple(item.get(k) for k in merge_keys)
        idx = next(
            (i for i, c in enumerate(out) if isinstance(c, dict) and tuple(c.get(k) for k in merge_keys) == ident),
            None,
        )
        if item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
            continue
        if item.get("$patch") == "replace" and idx is not None:
            out[idx] = {k: copy.deepcopy(v) for k, v in item.items() if k != "$patch"}
        elif idx is None:
            out.append(strategic_merge({}, item, keys, path))
        else:
            out[idx] = strategic_merge(out[idx], item, keys, path)
    return out


# --- field sets (managedFields) -------------------------------------------------------------
IGNORED_TOP = ("apiVersion", "kind")
IGNORED_META = (
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
)


def field_paths(obj, keys, path=(), fpath=()):
    """Leaf field paths of ``obj``; ``fpath`` uses managedFields' element names (f:x, k:{...})."""
    out = set()
    if not isinstance(obj, dict):
        return out
    for key, value in obj.items():
        if not path and key in IGNORED_TOP:
            continue
        if path == ("metadata",) and key in IGNORED_META:
            continue
        sub = (*path, key)
        fsub = (*fpath, "f:" + key)
        if isinstance(value, dict) and value:
            out |= field_paths(value, keys, sub, fsub)
        elif isinstance(value, list) and value and keys.keys(sub) and all(isinstance(v, dict) for v in value):
            mk = keys.keys(sub)
            for item in value:
                ident = "k:" + json.dumps(
                    {k: item.get(k) for k in mk if k in item}, sort_keys=True, separators=(",", ":")
                )
                out.add((*fsub, ident, "."))
                out |= field_paths(item, keys, sub, (*fsub, ident))
        elif isinstance(value, list) and value and keys.is_set(sub):
            for v in value:
                out.add((*fsub, "v:" + json.dumps(v)))
        else:
            out.add(fsub)
    return out


def value_at(obj, fpath):
    cur = obj
    for part in fpath:
        if part == ".":
            return cur
        if part.startswith("f:"):
            if not isinstance(cur, dict) or part[2:] not in cur:
                return _MISSING
            cur = cur[part[2:]]
        elif part.startswith("k:"):
            ident = json.loads(part[2:])
            if not isinstance(cur, list):
                return _MISSING
            cur = next(
                (c for c in cur if isinstance(c, dict) and all(c.get(k) == v for k, v in ident.items())), _MISSING
            )
            if cur is _MISSING:
                return cur
        elif part.startswith("v:"):
            v = json.loads(part[2:])
            return v if isinstance(cur, list) and v in cur else _MISSING
    return cur


_MISSING = object()


def remove_path(obj, fpath):
    """Remove the field at ``fpath`` from ``obj`` (in place); drops emptied parents it made empty."""
    if not fpath:
        return
    parent = obj
    for part in fpath[:-1]:
        if part == ".":
            return
        nxt = value_at(parent, (part,))
        if nxt is _MISSING:
            return
        parent = nxt
    last = fpath[-1]
    if last == "." and fpath[-2:-1] and fpath[-2].startswith("k:"):
        holder = value_at(obj, fpath[:-2])
        ident = json.loads(fpath[-2][2:])
        if isinstance(holder, list):
            holder[:] = [
                c for c in holder if not (isinstance(c, dict) and all(c.get(k) == v for k, v in ident.items()))
            ]
        return
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("v:") and isinstance(parent, list):
        v = json.loads(last[2:])
        if v in parent:
            parent.remove(v)


def to_fields_v1(paths):
    tree = {}
    for p in sorted(paths):
        node = tree
        for i, part in enumerate(p):
            if part == ".":
                node.setdefault(".", {})
                break
            node = node.setdefault(part, {})
            if i < len(p) - 1 and part.startswith("k:"):
                node.setdefault(".", {})
    return tree


def from_fields_v1(tree, prefix=()):
    out = set()
    if not tree:
        if prefix:
            out.add(prefix)
        return out
    for key, sub in tree.items():
        if key == ".":
            if prefix and prefix[-1].startswith("k:"):
                out.add((*prefix, "."))
            continue
        out |= from_fields_v1(sub, (*prefix, key))
    return out


def managers(obj):
    """managedFields as {(manager, operation): (apiVersion, set of paths)}."""
    out = {}
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        if not isinstance(entry, dict):
            continue
        key = (entry.get("manager", ""), entry.get("operation", "Update"), entry.get("subresource", ""))
        out[key] = (entry.get("apiVersion", ""), from_fields_v1(entry.get("fieldsV1") or {}))
    return out


def set_managers(obj, table, now, changed_keys=()):
    """Write ``table`` back into obj.metadata.managedFields, keeping entry times except for ``changed_keys``."""
    old_times = {}
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        if isinstance(entry, dict):
            key = (entry.get("manager", ""), entry.get("operation", "Update"), entry.get("subresource", ""))
            old_times[key] = entry.get("time")
    entries = []
    for key, (api_version, paths) in table.items():
        if not paths:
            continue
        manager, operation, subresource = key
        entry = {
            "manager": manager,
            "operation": operation,
            "apiVersion": api_version,
            "time": now if key in changed_keys or not old_times.get(key) else old_times[key],
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(paths),
        }
        if subresource:
            entry["subresource"] = subresource
        entries.append(entry)
    meta = obj.setdefault("metadata", {})
    if entries:
        meta["managedFields"] = entries
    else:
        meta.pop("managedFields", None)


def changed_paths(old, new, keys):
    """Leaf paths of ``new`` whose values differ from ``old`` (new or changed fields)."""
    out = set()
    for p in field_paths(new, keys):
        if p[-1] == "." or value_at(old, p) != value_at(new, p):
            if p[-1] == "." and value_at(old, p[:-1]) is not _MISSING:
                continue
            out.add(p)
    return out


def record_update(old, new, manager, api_version, keys, now, subresource=""):
    """Give ``manager`` the fields an update changed; take them from everybody else."""
    table = managers(old) if old is not None else {}
    changed = changed_paths(old or {}, new, keys)
    present = field_paths(new, keys)
    for k in list(table):
        av, paths = table[k]
        table[k] = (av, {p for p in paths if p in present and p not in changed})
    key = (manager, "Update", subresource)
    av, mine = table.get(key, (api_version, set()))
    table[key] = (api_version, (mine & present) | changed)
    set_managers(new, table, now, changed_keys=(key,) if changed else ())


def _render(fpath):
    out = []
    for part in fpath:
        if part.startswith("f:"):
            out.append("." + part[2:])
        elif part.startswith("k:"):
            out.append("[" + ",".join("%s=%s" % (k, json.dumps(v)) for k, v in json.loads(part[2:]).items()) + "]")
        elif part.startswith("v:"):
            out.append("[%s]" % part[2:])
    return "".join(out)


def _apply_merge(live, applied, keys, path=()):
    if not isinstance(applied, dict):
        return copy.deepcopy(applied)
    result = copy.deepcopy(live) if isinstance(live, dict) else {}
    for key, value in applied.items():
        sub = (*path, key)
        if isinstance(value, dict):
            result[key] = _apply_merge(result.get(key), value, keys, sub)
        elif isinstance(value, list) and keys.keys(sub) and isinstance(result.get(key), list):
            mk = keys.keys(sub)
            merged = copy.deepcopy(result[key])
            for item in value:
                ident = tuple(item.get(k) for k in mk) if isinstance(item, dict) else None
                idx = next(
                    (i for i, c in enumerate(merged) if isinstance(c, dict) and tuple(c.get(k) for k in mk) == ident),
                    None,
                )
                if idx is None:
                    merged.append(copy.deepcopy(item))
                else:
                    merged[idx] = _apply_merge(merged[idx], item, keys, sub)
            result[key] = merged
        elif isinstance(value, list) and keys.is_set(sub) and isinstance(result.get(key), list):
            result[key] = result[key] + [v for v in value if v not in result[key]]
        else:
            result[key] = copy.deepcopy(value)
    return result


def server_side_apply(live, applied, manager, api_version, keys, force, now, subresource=""):
    """Apply ``applied`` (the manager's whole intent) to ``live`` (None: create); return the new object.

    Raises a 409 Conflict naming the fields another manager owns with another value, unless ``force``.
    """
    live = copy.deepcopy(live) if live is not None else {}
    table = managers(live)
    key = (manager, "Apply", subresource)
    new_paths = field_paths(applied, keys)
    conflicts = []
    for other, (av, paths) in table.items():
        if other == key or other[2] != subresource:
            continue
        for p in sorted(new_paths & paths):
            if p[-1] == ".":
                continue
            if value_at(live, p) != value_at(applied, p):
                conflicts.append((other[0], av, p))
    if conflicts and not force:
        causes = [
            {"reason": "FieldManagerConflict", "message": 'conflict with "%s" using %s' % (m, av), "field": _render(p)}
            for m, av, p in conflicts
        ]
        lines = "\n".join("- %s" % _render(p) for _m, _a, p in conflicts)
        first = conflicts[0]
        msg = 'Apply failed with %d conflict%s: conflict with "%s" using %s: %s' % (
            len(conflicts),
            "" if len(conflicts) == 1 else "s",
            first[0],
            first[1],
            _render(first[2]),
        )
        if len(conflicts) > 1:
            msg = 'Apply failed with %d conflicts: conflicts with "%s" using %s:\n%s' % (
                len(conflicts),
                first[0],
                first[1],
                lines,
            )
        raise errors.ApiError(409, "Conflict", msg, {"causes": causes})
    previous = table.get(key, (api_version, set()))[1]
    others_own = set()
    for other, (_av, paths) in table.items():
        if other != key:
            others_own |= paths
    result = _apply_merge(live, applied, keys)
    for p in sorted(previous - new_paths, key=len, reverse=True):
        if p not in others_own:
            remove_path(result, p)
    if force:
        for other in list(table):
            if other != key:
                av, paths = table[other]
                table[other] = (av, paths - new_paths)
    table[key] = (api_version, new_paths)
    set_managers(result, table, now, changed_keys=(key,))
    return result
