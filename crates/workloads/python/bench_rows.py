"""What every chapter's Python scripts share for `cargo course bench`: its JSON rows and the
timing loop that produces them. Standard library only.

A chapter script imports it with:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "workloads", "python"))
    from bench_rows import bench_json, timed_runs
"""

import json
import statistics
import time


def timed_runs(f, runs):
    """Calls f() `runs` times; returns the last value and every call's time in seconds."""
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - start)
    return value, times


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}), flush=True)
