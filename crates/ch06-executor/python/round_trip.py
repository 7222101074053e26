"""What one warm submit(...).result() costs in CPython: ThreadPoolExecutor and ProcessPoolExecutor.

"Warm": the executor has started its workers and served a few tasks; we time only the round
trip (queue the call, for processes pickle it and send it to a worker, run a trivial
function, send the result back, wake the caller). Compare with the Rust round-trip benchmark.
With --bench-json (what `cargo course bench ch06` runs): the same times as JSON rows of group
"round-trip" (one worker each, as in the Rust bench).
"""

import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

ROUNDS = 2000
SAMPLES = 10


def one():
    return 1


def per_call_us(executor):
    for _ in range(100):  # warm up: workers started, code paths hot
        executor.submit(one).result()
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            executor.submit(one).result()
        samples.append((time.perf_counter() - start) / ROUNDS * 1e6)
    return samples


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


if __name__ == "__main__":
    for name, make in [("ThreadPoolExecutor(1)", ThreadPoolExecutor),
                       ("ProcessPoolExecutor(1)", ProcessPoolExecutor)]:
        with make(1) as executor:
            s = per_call_us(executor)
        if "--bench-json" in sys.argv:
            bench_json("round-trip", f"CPython {name}", [us / 1e6 for us in s])
            continue
        print(f"{name:24} {statistics.median(s):7.1f} us per submit(...).result() "
              f"(median of {SAMPLES} x {ROUNDS}, {min(s):.1f}..{max(s):.1f})")
