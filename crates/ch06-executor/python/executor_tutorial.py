"""The Nvicta tutorial's concurrent.futures rows, at full size, and the default-size trap.

do_something(a, b) sleeps a + b seconds. Row 1: ProcessPoolExecutor() with submit(do_something,
1, 2) and submit(do_something, 1, 1), then result() of each: both run at once, 3 s. Row 2: the
five pairs [(i, i + 1) for i in range(5)] (sleeps 1, 3, 5, 7, 9) submitted, then result() of
each. The tutorial's machine had 5 or more cores: 9 s, the longest task. ProcessPoolExecutor()
starts one worker per core, so on fewer cores the tasks queue: on 2 cores, 1+5+9 = 15 s.
Each row runs REPEATS times; we print the median and the spread (min..max).
"""

import concurrent.futures
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)
from bench_rows import timed_runs  # noqa: E402

REPEATS = 3


# ANCHOR: tutorial
def do_something(a, b):
    time.sleep(a + b)
    return f'Done sleeping {a + b} seconds'


def two_tasks(workers=None):
    with concurrent.futures.ProcessPoolExecutor(workers) as executor:
        f1 = executor.submit(do_something, 1, 2)
        f2 = executor.submit(do_something, 1, 1)
        return [f1.result(), f2.result()]


def five_tasks(workers=None):
    with concurrent.futures.ProcessPoolExecutor(workers) as executor:
        inputs = [(i, i + 1) for i in range(5)]
        futures = [executor.submit(do_something, *item) for item in inputs]
        return [f.result() for f in futures]
# ANCHOR_END: tutorial


def recorded_five(workers=None):
    """Row 2 again, each task recorded (`cargo course capture` draws it)."""
    task = timeline.Traced(do_something)
    with concurrent.futures.ProcessPoolExecutor(workers) as executor:
        futures = [executor.submit(task, i, i + 1) for i in range(5)]
        return [f.result() for f in futures]


def ideal(sleeps, workers):
    """Each worker takes the next task when free: when does the last one end?"""
    free_at = [0] * workers
    for s in sleeps:
        i = free_at.index(min(free_at))
        free_at[i] += s
    return max(free_at)


def timed(row, *args):
    return timed_runs(lambda: row(*args), REPEATS)


if __name__ == "__main__":
    cores = os.cpu_count()
    five = [1, 3, 5, 7, 9]
    for name, row, workers, sleeps in [
        ("ProcessPoolExecutor(), 2 tasks", two_tasks, None, [3, 2]),
        ("ProcessPoolExecutor(), 5 tasks", five_tasks, None, five),
        ("ProcessPoolExecutor(5), 5 tasks", five_tasks, 5, five),
    ]:
        results, times = timed(row, workers)
        size = workers or cores
        print(f"{name} ({size} workers on {cores} cores):")
        for line in results:
            print(f"  {line}")
        print(f"  {statistics.median(times):.3f} s median of {REPEATS} "
              f"({min(times):.3f}..{max(times):.3f}); ideal {ideal(sleeps, size)} s")
    timeline.record(f"ProcessPoolExecutor() ({cores} workers), five tasks", cores, recorded_five)
    timeline.record("ProcessPoolExecutor(5), five tasks", 5, lambda: recorded_five(5))
