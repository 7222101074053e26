"""The tutorials' CPU-bound workload: sequential, then Pool().map over os.cpu_count() processes.

Every variant runs REPEATS times; we print the median and the spread (min..max). The ideal is
computed from this run's own task times: Pool.map hands the four tasks out one at a time, in
order, to whichever worker is free, so on two workers one gets 11 then 53 and the other 23
then 34. The pool cannot finish before the busier of the two, plus starting its processes.
With --bench-json (what `cargo course bench ch04` runs): sequential and a warm Pool().map (its
workers started before the clock, like the Rust bench's process pool), 3 runs each, as JSON rows
of group "cpu-bound", at the tutorials' size (the Rust bench's).
"""

import os
import statistics
import sys
import time
from multiprocessing import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)
from bench_rows import bench_json  # noqa: E402

NUMBERS = [11, 23, 53, 34]
REPEATS = 5


def cpu_bound(n: int) -> int:
    return sum(range(n * 1_000_000))


def timed(f) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def greedy_makespan(times: list, workers: int) -> float:
    """When the last worker is done if each takes the next task as soon as it is free."""
    free_at = [0.0] * workers
    for t in times:
        i = free_at.index(min(free_at))
        free_at[i] += t
    return max(free_at)


def spread(samples: list) -> str:
    return (f"{statistics.median(samples):.3f} s ({min(samples):.3f}..{max(samples):.3f})")


def bench():
    workers = os.cpu_count()
    bench_json("cpu-bound", "CPython sequential",
               [timed(lambda: [cpu_bound(n) for n in NUMBERS]) for _ in range(3)])
    with Pool() as pool:
        pool.map(cpu_bound, [1] * workers)  # warm: the workers are running
        bench_json("cpu-bound", f"CPython Pool({workers}).map",
                   [timed(lambda: pool.map(cpu_bound, NUMBERS)) for _ in range(3)])


if __name__ == "__main__" and "--bench-json" in sys.argv:
    bench()
elif __name__ == "__main__":
    workers = os.cpu_count()
    expected = [cpu_bound(n) for n in NUMBERS]
    task_times = {n: [] for n in NUMBERS}
    sequential, pooled = [], []
    for _ in range(REPEATS):
        for n in NUMBERS:
            task_times[n].append(timed(lambda: cpu_bound(n)))
        sequential.append(sum(task_times[n][-1] for n in NUMBERS))
        def run_pool():
            with Pool() as pool:  # os.cpu_count() workers, started inside the timed region
                assert pool.map(cpu_bound, NUMBERS) == expected
        pooled.append(timed(run_pool))

    medians = [statistics.median(task_times[n]) for n in NUMBERS]
    seq, pool = statistics.median(sequential), statistics.median(pooled)
    ideal = sum(medians) / greedy_makespan(medians, workers)
    print(f"median (min..max) of {REPEATS} runs, {workers} cores")
    print(f"sequential:                    {spread(sequential)}")
    print(f"Pool({workers}).map (start included): {spread(pooled)}")
    print(f"speedup of the medians: {seq / pool:.2f}x "
          f"(runs paired one by one: {min(s / p for s, p in zip(sequential, pooled)):.2f}x.."
          f"{max(s / p for s, p in zip(sequential, pooled)):.2f}x)")
    print(f"ideal for one task per free worker, from the median task times: {ideal:.2f}x")
    with Pool() as pool:  # started before the recorded run, like the Rust example's pool
        pool.map(cpu_bound, [1] * workers)  # warm: the workers are running
        task = timeline.Traced(cpu_bound)
        timeline.record(f"Pool({workers}).map", workers, lambda: pool.map(task, NUMBERS))
