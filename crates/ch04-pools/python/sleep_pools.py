"""Sleeping tasks are not CPU-bound: a thread pool overlaps them exactly as well as processes.

The tutorial's tasks 1..5 (task i sleeps i units, 20 ms here) run one after the other, then
on multiprocessing.Pool(5), multiprocessing.pool.ThreadPool(5) and ThreadPoolExecutor(5).
Each pool is started before timing (warm): we time the tasks, not starting workers. Each
variant runs REPEATS times; we print the median and the spread (min..max), and the CPU time
the sequential run used, which shows what the tasks do: they wait.
With --bench-json (what `cargo course bench ch04` runs): the same variants with units of 1 ms
(the Rust bench's Scale::TEST), 20 runs each, as JSON rows of group "sleep-tasks".
"""

import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

UNIT = 0.02  # seconds per unit of sleep
TASKS = range(1, 6)
REPEATS = 7


def long_time_task(name: int) -> int:
    time.sleep(name * UNIT)
    return name


def sequential() -> list:
    return [long_time_task(name) for name in TASKS]


def timed(run) -> list:
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        assert run() == list(TASKS)
        samples.append(time.perf_counter() - start)
    return samples


def show(label: str, samples: list, baseline: float) -> None:
    median = statistics.median(samples)
    print(f"{label:<34} {median * 1e3:6.1f} ms  ({min(samples) * 1e3:.1f}..{max(samples) * 1e3:.1f})"
          f"  {baseline / median:.2f}x")


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


def bench():
    global UNIT, REPEATS
    UNIT, REPEATS = 0.001, 20  # set before the pools fork: the workers inherit them
    bench_json("sleep-tasks", "CPython sequential", timed(sequential))
    with Pool(5) as pool:
        pool.map(long_time_task, TASKS)
        bench_json("sleep-tasks", "CPython Pool(5)",
                   timed(lambda: pool.map(long_time_task, TASKS)))
    with ThreadPool(5) as pool:
        pool.map(long_time_task, TASKS)
        bench_json("sleep-tasks", "CPython ThreadPool(5)",
                   timed(lambda: pool.map(long_time_task, TASKS)))


if __name__ == "__main__" and "--bench-json" in sys.argv:
    bench()
elif __name__ == "__main__":
    cpu = time.process_time()
    seq = timed(sequential)
    cpu = time.process_time() - cpu
    base = statistics.median(seq)
    print(f"tasks {TASKS.start}..{TASKS.stop - 1}, task i sleeps i x {UNIT * 1e3:.0f} ms; "
          f"median (min..max) of {REPEATS} runs; speedup against sequential")
    show("sequential", seq, base)
    with Pool(5) as pool:
        pool.map(long_time_task, TASKS)  # warm: all five workers started
        show("multiprocessing.Pool(5).map", timed(lambda: pool.map(long_time_task, TASKS)), base)
    with ThreadPool(5) as pool:
        pool.map(long_time_task, TASKS)
        show("multiprocessing.pool.ThreadPool(5)", timed(lambda: pool.map(long_time_task, TASKS)), base)
    with ThreadPoolExecutor(5) as executor:
        list(executor.map(long_time_task, TASKS))
        show("ThreadPoolExecutor(5).map", timed(lambda: list(executor.map(long_time_task, TASKS))), base)
    print(f"sleeps asked for: {sum(TASKS) * UNIT * 1e3:.0f} ms one after the other, "
          f"{max(TASKS) * UNIT * 1e3:.0f} ms (the longest task) with 5 workers")
    print(f"CPU time of the {REPEATS} sequential runs: {cpu * 1e3:.1f} ms "
          f"for {sum(seq) * 1e3:.0f} ms of wall time")
