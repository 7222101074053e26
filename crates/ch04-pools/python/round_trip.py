"""What one warm apply_async(...).get() costs in CPython: a process pool and a thread pool.

"Warm" means the pool is already running and has served a few tasks: we time only the round
trip (pickle the call, send it to a worker, run a trivial function, pickle the result back,
wake the caller), not starting the workers. Compare with the Rust round-trip benchmark.
With --bench-json (what `cargo course bench ch04` runs): the same times as JSON rows of group
"round-trip" (one worker each, as in the Rust bench).
"""

import json
import statistics
import sys
import time
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

ROUNDS = 2000


def one() -> int:
    return 1


def per_call(pool) -> list:
    """Seconds per round trip, in each of 10 runs of ROUNDS round trips."""
    for _ in range(100):  # warm up: workers started, code paths hot
        pool.apply_async(one).get()
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            pool.apply_async(one).get()
        samples.append((time.perf_counter() - start) / ROUNDS)
    return samples


def per_call_us(pool) -> str:
    samples = [s * 1e6 for s in per_call(pool)]
    return f"{statistics.median(samples):6.1f} us ({min(samples):.1f}..{max(samples):.1f})"


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


if __name__ == "__main__" and "--bench-json" in sys.argv:
    with ThreadPool(1) as pool:
        bench_json("round-trip", "CPython ThreadPool(1)", per_call(pool))
    with Pool(1) as pool:
        bench_json("round-trip", "CPython Pool(1)", per_call(pool))
elif __name__ == "__main__":
    print(f"one apply_async(...).get(): median (min..max) of 10 runs of {ROUNDS} round trips")
    with Pool(1) as pool:
        print(f"multiprocessing.Pool(1):            {per_call_us(pool)}")
    with ThreadPool(1) as pool:
        print(f"multiprocessing.pool.ThreadPool(1): {per_call_us(pool)}")
