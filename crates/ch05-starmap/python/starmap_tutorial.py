"""The Nvicta tutorial's two rows, at full size: starmap_async on Pool(5), apply_async on Pool(2).

do_something(a, b) sleeps a + b seconds. Row 1: Pool(5).starmap_async over
[(i, i + 1) for i in range(5)], then close, join and get: the results come back in input order,
and the whole row takes as long as the longest task, 4 + 5 = 9 s. Row 2: Pool(2).apply_async
(do_something, args=(1, 2)) twice, then get() each: both run at once, 3 s. Each row runs
REPEATS times; we print the median and the spread (min..max).
"""

import os
import statistics
import sys
import time
from multiprocessing import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)
from bench_rows import timed_runs  # noqa: E402

REPEATS = 3


# ANCHOR: tutorial
def do_something(a, b):
    time.sleep(a + b)
    return f'Done sleeping {a + b} seconds'


def starmap_row():
    with Pool(5) as pool:
        result = pool.starmap_async(do_something, [(i, i + 1) for i in range(5)])
        pool.close()
        pool.join()
        return result.get()


def apply_row():
    with Pool(2) as pool:
        first = pool.apply_async(do_something, args=(1, 2))
        second = pool.apply_async(do_something, args=(1, 2))
        return [first.get(), second.get()]
# ANCHOR_END: tutorial


def recorded_starmap():
    """Row 1 again, each task recorded (`cargo course capture` draws it)."""
    with Pool(5) as pool:
        result = pool.starmap_async(timeline.Traced(do_something), [(i, i + 1) for i in range(5)])
        pool.close()
        pool.join()
        return result.get()


def timed(row):
    return timed_runs(row, REPEATS)


if __name__ == "__main__":
    for name, row, ideal in [("Pool(5).starmap_async, 5 tasks", starmap_row, 9),
                             ("Pool(2).apply_async x 2", apply_row, 3)]:
        results, times = timed(row)
        print(f"{name}:")
        for line in results:
            print(f"  {line}")
        print(f"  {statistics.median(times):.3f} s median of {REPEATS} "
              f"({min(times):.3f}..{max(times):.3f}); ideal {ideal} s (the longest task)")
    timeline.record("Pool(5).starmap_async", 5, recorded_starmap)
