"""Scale benchmark of the stand-in API server (not a test): load a generated cluster, then read it.

    python bench/standin_scale.py [--nodes 5000] [--pods 150000] [--page 500] [--json out.json]

Measures the scenario load time, a paged list of every pod over HTTPS (limit/continue, the way
the collection's client and kubectl read), a label-selected list of the GPU nodes, a
field-selected list of one node's pods, and the process's peak memory. Run from the repository root.
"""

import argparse
import importlib
import json
import os
import resource
import ssl
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _get(srv, ctx, path, query):
    url = srv.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    req = urllib.request.Request(
        url, headers={"Authorization": "Bearer " + srv.admin_token, "Accept": "application/json"}
    )
    with urllib.request.urlopen(req, context=ctx, timeout=120) as resp:
        return json.loads(resp.read())


def paged(srv, ctx, path, page, **selectors):
    """Read every page; returns (items, pages). Raises if an item repeats or comes out of order: lists
    come in (namespace, name) order, so strictly increasing keys mean no item came twice."""
    items, pages, token, last = 0, 0, None, None
    while True:
        query = dict(selectors, limit=page)
        if token:
            query["continue"] = token
        data = _get(srv, ctx, path, query)
        for item in data["items"]:
            key = (item["metadata"].get("namespace") or "", item["metadata"]["name"])
            if last is not None and key <= last:
                raise AssertionError("%s: %r came after %r (repeated or out of order)" % (path, key, last))
            last = key
        items += len(data["items"])
        pages += 1
        token = data["metadata"].get("continue")
        if not token:
            return items, pages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=150000)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    standin_class = importlib.import_module("tests.standin").StandIn
    base_mib = _peak_mib()
    started = time.monotonic()
    srv = standin_class("scale:nodes=%d,pods=%d" % (args.nodes, args.pods))
    load_s = time.monotonic() - started
    loaded_mib = _peak_mib()
    srv.start()
    ctx = ssl.create_default_context(cafile=srv.ca_file)
    try:
        t = time.monotonic()
        pods, pages = paged(srv, ctx, "/api/v1/pods", args.page)
        pods_s = time.monotonic() - t
        t = time.monotonic()
        gpu_nodes, gpu_pages = paged(srv, ctx, "/api/v1/nodes", args.page, labelSelector="nvidia.com/gpu.present=true")
        gpu_s = time.monotonic() - t
        t = time.monotonic()
        node_pods, _p = paged(srv, ctx, "/api/v1/pods", args.page, fieldSelector="spec.nodeName=node-00007")
        field_s = time.monotonic() - t
    finally:
        srv.stop()
    result = {
        "nodes": args.nodes,
        "pods": args.pods,
        "load_seconds": round(load_s, 2),
        "paged_pod_list": {"items": pods, "pages": pages, "seconds": round(pods_s, 2)},
        "gpu_node_list": {"items": gpu_nodes, "pages": gpu_pages, "seconds": round(gpu_s, 3)},
        "field_selected_pods": {"items": node_pods, "seconds": round(field_s, 2)},
        "peak_rss_mib": round(_peak_mib(), 1),
        "rss_after_load_mib": round(loaded_mib, 1),
        "rss_before_mib": round(base_mib, 1),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    assert pods == args.pods, "the paged list must return every pod exactly once"
    assert gpu_nodes == args.nodes // 4, "every fourth generated node is a GPU node"
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
