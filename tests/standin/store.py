"""Object storage: resourceVersions, uids, ordered listing with paging, and watch fan-out.

Stored objects are never mutated in place: a write replaces the dict, so readers may serialise
what they got without holding the lock.
"""

import base64
import bisect
import collections
import copy
import datetime
import json
import queue
import threading
import uuid

from tests.standin import errors, selectors

EVENT_HISTORY = 20000


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Watcher(object):
    """One open watch: the events of one resource, filtered by namespace and selectors."""

    def __init__(self, group, resource, namespace, label_reqs, field_reqs):
        self.group = group
        self.resource = resource
        self.namespace = namespace
        self.label_reqs = label_reqs
        self.field_reqs = field_reqs
        self.events = queue.Queue()

    def matches(self, obj):
        if obj is None:
            return False
        meta = obj.get("metadata") or {}
        if self.namespace and meta.get("namespace") != self.namespace:
            return False
        return selectors.labels_match(self.label_reqs, meta.get("labels")) and selectors.fields_match(
            self.field_reqs, obj
        )

    def offer(self, rv, etype, old, new):
        was, now = self.matches(old), self.matches(new)
        if etype == "DELETED":
            if was:
                self.events.put((rv, "DELETED", old))
        elif was and now:
            self.events.put((rv, "MODIFIED", new))
        elif now:
            self.events.put((rv, "ADDED", new))
        elif was:
            # left the selection: kube-apiserver's watch cache reports that as a deletion
            self.events.put((rv, "DELETED", new))


class Store(object):
    """All objects of the server, keyed by (group, resource) and (namespace, name)."""

    def __init__(self):
        self.lock = threading.RLock()
        self._rv = 0
        self._data = {}
        self._sorted = {}
        self._events = collections.deque(maxlen=EVENT_HISTORY)
        self._floor = 0
        self._watchers = set()
        self.recording = True
        self.registry = None  # set by the server, for the tests' convenience lookups

    # --- resource versions ------------------------------------------------------------------
    @property
    def resource_version(self):
        return self._rv

    @property
    def floor(self):
        """The oldest resourceVersion a watch may start from (older ones get 410 Gone)."""
        with self.lock:
            if self._events and len(self._events) == self._events.maxlen:
                return max(self._floor, self._events[0][0] - 1)
            return self._floor

    def compact(self):
        """Forget the event history, as an etcd compaction does: older watches get 410."""
        with self.lock:
            self._events.clear()
            self._floor = self._rv

    # --- raw access ---------------------------------------------------------------------------
    def raw_get(self, group, resource, namespace, name):
        return self._data.get((group, resource), {}).get((namespace or "", name))

    def keys(self, group, resource):
        with self.lock:
            keys = self._sorted.get((group, resource))
            if keys is None:
                keys = sorted(self._data.get((group, resource), {}))
                self._sorted[(group, resource)] = keys
            return keys

    def commit(self, group, resource, obj, etype, old=None):
        """Store (or delete) ``obj``, giving it the next resourceVersion; returns the stored object."""
        with self.lock:
            self._rv += 1
            rv = self._rv
            meta = obj.get("metadata") or {}
            key = (meta.get("namespace") or "", meta["name"])
            table = self._data.setdefault((group, resource), {})
            if etype == "DELETED":
                obj = copy.copy(obj)
                obj["metadata"] = dict(meta, resourceVersion=str(rv))
                table.pop(key, None)
                self._sorted.pop((group, resource), None)
            else:
                meta = dict(meta, resourceVersion=str(rv))
                obj = dict(obj, metadata=meta)
                if key not in table:
                    self._sorted.pop((group, resource), None)
                table[key] = obj
            if self.recording:
                self._events.append((rv, etype, group, resource, old, obj))
            else:
                self._floor = rv
            for w in list(self._watchers):
                if w.group == group and w.resource == resource:
                    w.offer(rv, etype, old, obj)
            return obj

    def new_metadata(self, meta):
        meta = dict(meta)
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", now_rfc3339())
        return meta

    # --- listing ------------------------------------------------------------------------------
    def list(self, group, resource, namespace=None, label_reqs=(), field_reqs=(), limit=0, continue_token=None):
        """Return (items, list resourceVersion, continue token, remaining count or None)."""
        with self.lock:
            list_rv = self._rv
            keys = self.keys(group, resource)
            table = self._data.get((group, resource), {})
            start = 0
            if continue_token:
                token_rv, last = _decode_continue(continue_token)
                if token_rv < self.floor:
                    raise errors.gone(
                        "The provided continue parameter is too old to display a consistent list result. You can "
                        "start a new list without the continue parameter, or use the continue token in this response "
                        "to retrieve the remainder of the results. Continuing with the provided token results in an "
                        "inconsistent list - objects that were created, modified, or deleted between the time the "
                        "first chunk was returned and now may show up in the list."
                    )
                start = bisect.bisect_right(keys, tuple(last))
            if namespace:
                lo = bisect.bisect_left(keys, (namespace, ""))
                start = max(start, lo)
            items = []
            next_key = None
            i = start
            n = len(keys)
            while i < n:
                key = keys[i]
                if namespace and key[0] != namespace:
                    break
                obj = table.get(key)
                i += 1
                if obj is None:
                    continue
                meta = obj["metadata"]
                if label_reqs and not selectors.labels_match(label_reqs, meta.get("labels")):
                    continue
                if field_reqs and not selectors.fields_match(field_reqs, obj):
                    continue
                items.append(obj)
                if limit and len(items) >= limit:
                    next_key = key
                    break
            token = None
            remaining = None
            if next_key is not None and i < n and not (namespace and keys[i][0] != namespace):
                token = _encode_continue(list_rv, next_key)
                if not label_reqs and not field_reqs:
                    end = bisect.bisect_left(keys, (namespace + "\x00", "")) if namespace else n
                    remaining = max(0, end - i)
            return items, list_rv, token, remaining

    def all_items(self, group, resource):
        with self.lock:
            return list(self._data.get((group, resource), {}).values())

    def groups_resources(self):
        with self.lock:
            return [gr for gr, table in self._data.items() if table]

    # --- watches ------------------------------------------------------------------------------
    def watch(self, group, resource, namespace, label_reqs, field_reqs, since_rv):
        """Open a watch; replays history after ``since_rv`` (None: start now). Raises 410 if too old."""
        w = Watcher(group, resource, namespace, label_reqs, field_reqs)
        with self.lock:
            if since_rv is not None:
                if since_rv < self.floor:
                    raise errors.gone("too old resource version: %d (%d)" % (since_rv, self.floor + 1))
                for rv, etype, g, r, old, obj in self._events:
                    if rv > since_rv and g == group and r == resource:
                        w.offer(rv, etype, old, obj)
            self._watchers.add(w)
        return w

    def unwatch(self, watcher):
        with self.lock:
            self._watchers.discard(watcher)

    def close_all_watches(self):
        with self.lock:
            for w in self._watchers:
                w.events.put(None)
            self._watchers.clear()

    # --- tests' convenience API (srv.store) -----------------------------------------------------
    def _gr(self, api_version, kind_or_plural):
        rt = self.registry.find(api_version, kind_or_plural) if self.registry else None
        if rt is None:
            raise KeyError("%s %s is not served" % (api_version, kind_or_plural))
        return rt

    def get(self, api_version, kind_or_plural, name, namespace=None):
        """The stored object (a deep copy), or None."""
        rt = self._gr(api_version, kind_or_plural)
        obj = self.raw_get(rt.group, rt.resource, namespace if rt.namespaced else "", name)
        if obj is None:
            return None
        obj = copy.deepcopy(obj)
        obj["apiVersion"] = rt.group_version
        return obj

    def list_objects(self, api_version, kind_or_plural, namespace=None):
        rt = self._gr(api_version, kind_or_plural)
        items, _rv, _t, _r = self.list(rt.group, rt.resource, namespace=namespace)
        return [dict(copy.deepcopy(i), apiVersion=rt.group_version) for i in items]

    def put(self, obj):
        """Create or replace ``obj`` as a controller would (status included); returns the stored copy."""
        return self.server.put_object(obj)

    def delete(self, api_version, kind_or_plural, name, namespace=None):
        rt = self._gr(api_version, kind_or_plural)
        old = self.raw_get(rt.group, rt.resource, namespace if rt.namespaced else "", name)
        if old is None:
            return False
        self.server.remove_object(rt, old)
        return True


def _encode_continue(rv, key):
    raw = json.dumps({"v": "standin.continue/v1", "rv": rv, "start": list(key)})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        return int(data["rv"]), list(data["start"])
    except (ValueError, KeyError, TypeError):
        raise errors.bad_request("continue key is not valid: %s" % token[:80]) from None
