"""Test world benchmark (not a test): how fast a world starts, and a real control plane at scale.

    python bench/testworld_scale.py [--starts 3] [--nodes 5000] [--pods 50000] [--page 500] [--json out.json]

1. Starts the ``empty`` and ``rke2-gpu`` worlds ``--starts`` times each: processes up, nodes
   Ready, scenario applied and settled (median and each step's share).
2. Starts ``scale:nodes=N,pods=M`` (the ``rke2-gpu`` add-ons plus N simulated nodes, every fourth
   with a GPU, and M pods, all created through the API), then reads it as the collection's client
   does: a paged list of every pod (``limit`` + ``continue``), a label-selected list of the GPU
   nodes, a field-selected list of one node's pods; and the peak memory of kube-apiserver and
   etcd (VmHWM). The validation's own time, requests and memory on this world are measured by
   ``bench/validation_vs_manual.py``.
"""

import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _peak_mib(pid):
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def starts(scenario, count):
    from tests.testworld import TestWorld  # noqa: PLC0415 (after sys.path is set)

    runs = []
    for _attempt in range(count):
        world = TestWorld(scenario)
        try:
            world.start()
            runs.append(dict(world.timings))
        finally:
            world.stop()
    totals = [r["total"] for r in runs]
    steps = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0] if k != "total"}
    return {
        "scenario": scenario,
        "median_s": round(statistics.median(totals), 2),
        "all_s": [round(t, 2) for t in totals],
        "steps_median_s": steps,
    }


def paged(world, path, page, **selectors):
    items, pages, token = 0, 0, None
    started = time.monotonic()
    while True:
        query = dict(selectors, limit=page)
        if token:
            query["continue"] = token
        data = world.api.get(path, **query)
        items += len(data["items"])
        pages += 1
        token = data["metadata"].get("continue")
        if not token:
            return {"items": items, "pages": pages, "seconds": round(time.monotonic() - started, 2)}


def at_scale(nodes, pods, page):
    from tests.testworld import TestWorld  # noqa: PLC0415

    world = TestWorld("scale:nodes=%d,pods=%d" % (nodes, pods))
    try:
        world.start()
        procs = {p.name: p.proc.pid for p in world.processes if p.proc is not None}
        result = {
            "scenario": world.scenario.name,
            "timings_s": {k: round(v, 1) for k, v in world.timings.items()},
            "paged_pod_list": paged(world, "/api/v1/pods", page),
            "gpu_node_list": paged(world, "/api/v1/nodes", page, labelSelector="nvidia.com/gpu.present=true"),
            "field_selected_pods": paged(world, "/api/v1/pods", page, fieldSelector="spec.nodeName=node-00007"),
            "peak_mib": {
                name: round(_peak_mib(pid) or 0, 1) for name, pid in procs.items() if name in ("kube-apiserver", "etcd")
            },
        }
    finally:
        world.stop()
    assert result["gpu_node_list"]["items"] >= nodes // 4, "every fourth generated node is a GPU node"
    assert result["paged_pod_list"]["items"] >= pods, "every generated pod is listed"
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=50000)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    result = {
        "starts": [starts("empty", args.starts), starts("rke2-gpu", args.starts)],
        "scale": at_scale(args.nodes, args.pods, args.page),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
