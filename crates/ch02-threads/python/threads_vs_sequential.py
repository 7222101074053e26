"""Chapter 02: the tutorials' CPU-bound task on threads, against the sequential loop, in CPython.

Run: python3 crates/ch02-threads/python/threads_vs_sequential.py [unit]
(`unit` is the additions per step of n; the tutorials use 1_000_000, the default.)
With --bench-json (what `cargo course bench ch02` runs): sequential and one thread per number at
the tutorials' size, 3 runs each, as JSON rows of group "tutorial" (the Rust bench's size).

With the GIL, one thread at a time runs Python. A thread inside `sum(range(...))`, one C call,
keeps the GIL until the call returns (gil_ticks.py shows it), so the four tasks run one after
the other and take about as long as on one thread. Standard library only.
"""

import os
import statistics
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)
from bench_rows import bench_json, timed_runs  # noqa: E402

NUMBERS = [11, 23, 53, 34]
BENCH = "--bench-json" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--bench-json"]
UNIT = int(ARGS[0]) if ARGS and not BENCH else 1_000_000


# ANCHOR: cpu_bound
def cpu_bound(n):
    return sum(range(n * UNIT))


def sequential(numbers):
    return [cpu_bound(n) for n in numbers]
# ANCHOR_END: cpu_bound


# ANCHOR: threads
def one_thread_per_number(numbers):
    # A Thread throws away what its target returns: each one writes into its own slot.
    results = [None] * len(numbers)

    def run(i, n):
        results[i] = cpu_bound(n)

    threads = [threading.Thread(target=run, args=(i, n))
               for i, n in enumerate(numbers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def thread_pool(numbers):
    with ThreadPoolExecutor(max_workers=len(numbers)) as pool:
        return list(pool.map(cpu_bound, numbers))
# ANCHOR_END: threads


RUNS = 5


def timed(f, numbers):
    """Runs f(numbers) RUNS times; returns the value and every run's time."""
    return timed_runs(lambda: f(numbers), RUNS)


def spread(times):
    return f"{statistics.median(times):6.3f} s ({min(times):.3f}..{max(times):.3f})"


def main():
    # sys._is_gil_enabled exists from 3.13 on; before that the GIL is always there.
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"CPython {sys.version.split()[0]}, GIL {'enabled' if gil else 'disabled'}, "
          f"os.cpu_count() = {os.cpu_count()}, "
          f"switch interval {sys.getswitchinterval() * 1000:.0f} ms")
    print(f"cpu_bound(n) = sum(range(n * {UNIT:_})) for n in {NUMBERS}")
    print(f"median (min..max) of {RUNS} runs; speedup = median of sequential / median\n")
    want, base = timed(sequential, NUMBERS)
    print(f"{'sequential':<24} {spread(base)}  1.00x")
    for name, f in [("one thread per number", one_thread_per_number),
                    ("ThreadPoolExecutor", thread_pool)]:
        got, took = timed(f, NUMBERS)
        assert got == want, (name, got, want)
        speedup = statistics.median(base) / statistics.median(took)
        print(f"{name:<24} {spread(took)}  {speedup:4.2f}x")


def recorded_threads():
    """One thread per number again, each task recorded (`cargo course capture` draws it)."""
    threads = [threading.Thread(target=timeline.Traced(cpu_bound), args=(n,)) for n in NUMBERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def bench():
    global RUNS
    RUNS = 3
    for name, f in [("sequential", sequential), ("one thread per number", one_thread_per_number)]:
        bench_json("tutorial", f"CPython {name}", timed(f, NUMBERS)[1])


if __name__ == "__main__":
    if BENCH:
        bench()
    else:
        main()
        timeline.record("one thread per number", os.cpu_count(), recorded_threads)
