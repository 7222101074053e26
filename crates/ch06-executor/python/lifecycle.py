"""What `with ProcessPoolExecutor(2)` costs around one task: start the workers, run a trivial
task, shut down (join every worker). Also ThreadPoolExecutor(2). Median of RUNS, with the spread.
With --bench-json (what `cargo course bench ch06` runs): the same times as JSON rows of group
"lifecycle" (two workers, one task, as in the Rust bench).
"""

import json
import multiprocessing
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

RUNS = 30


def one():
    return 1


def lifecycle_ms(make):
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with make(2) as executor:
            executor.submit(one).result()
        samples.append((time.perf_counter() - start) * 1e3)
    return samples


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


if __name__ == "__main__" and "--bench-json" in sys.argv:
    for name, make in [("ThreadPoolExecutor(2)", ThreadPoolExecutor),
                       ("ProcessPoolExecutor(2)", ProcessPoolExecutor)]:
        bench_json("lifecycle", f"CPython {name}", [ms / 1e3 for ms in lifecycle_ms(make)])
elif __name__ == "__main__":
    print(f"start method: {multiprocessing.get_start_method()}")
    for name, make in [("ThreadPoolExecutor(2)", ThreadPoolExecutor),
                       ("ProcessPoolExecutor(2)", ProcessPoolExecutor)]:
        s = lifecycle_ms(make)
        print(f"with {name:24} create + first task + shutdown: {statistics.median(s):7.3f} ms "
              f"(median of {RUNS}, {min(s):.3f}..{max(s):.3f})")
