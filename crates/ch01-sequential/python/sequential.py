"""The tutorials' sequential baseline: cpu_bound(n) for each number, one after the other.

Run: python3 crates/ch01-sequential/python/sequential.py
With --bench-json (what `cargo course bench ch01` runs): the whole loop, 3 runs, as one JSON row
of group "tutorial", the same workload and size as the Rust bench's `sequential`.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)
from bench_rows import bench_json  # noqa: E402

RUNS = 5


# ANCHOR: cpu_bound
def cpu_bound(n):
    """The tutorials' CPU-bound task: add up the integers below n million."""
    return sum(range(n * 1_000_000))
# ANCHOR_END: cpu_bound


def spread(seconds):
    return (f"{statistics.median(seconds):.2f} s "
            f"({min(seconds):.2f}..{max(seconds):.2f})")


# ANCHOR: main
def one_run(numbers):
    """The tutorials' loop: each call timed, and the whole loop."""
    start = time.perf_counter()
    calls = []
    for n in numbers:
        began = time.perf_counter()
        result = cpu_bound(n)
        calls.append((n, result, time.perf_counter() - began))
    return calls, time.perf_counter() - start


def main():
    print(f"os.cpu_count() = {os.cpu_count()}")
    numbers = [11, 23, 53, 34]
    runs = [one_run(numbers) for _ in range(RUNS)]
    for i, n in enumerate(numbers):
        result = runs[0][0][i][1]
        took = [calls[i][2] for calls, _ in runs]
        print(f"cpu_bound({n}) = {result} in {spread(took)}")
    print(f"total: {spread([total for _, total in runs])} for {numbers}")
    print(f"(median, then min..max, of {RUNS} runs)")
# ANCHOR_END: main


if __name__ == "__main__":
    if "--bench-json" in sys.argv:
        bench_json("tutorial", "CPython sequential",
                   [one_run([11, 23, 53, 34])[1] for _ in range(3)])
    else:
        main()
        task = timeline.Traced(cpu_bound)
        timeline.record("sequential", os.cpu_count(), lambda: [task(n) for n in [11, 23, 53, 34]])
        timeline.print_cost()
