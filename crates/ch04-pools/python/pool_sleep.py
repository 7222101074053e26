"""The tutorial's pool experiment, scaled down: Pool(5) runs tasks 1..5 and ends with the longest.

Task i sleeps i units and reports its process id, as in the tutorial. One unit is 0.1 s here
(the tutorial uses 1 s). The second run uses a pool of 2, so tasks wait for a free worker.
"""

import os
import sys
import time
from multiprocessing import Pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)

UNIT = 0.1  # seconds per unit of sleep, like Scale::DEMO


def recorded_pool(workers):
    """The pool experiment again, each task recorded (`cargo course capture` draws it)."""
    task = timeline.Traced(long_time_task)
    with Pool(workers) as pool:
        handles = [pool.apply_async(task, (name,)) for name in range(1, 6)]
        return [h.get() for h in handles]


# ANCHOR: pool_sleep
def long_time_task(name: int):
    start = time.perf_counter()
    time.sleep(name * UNIT)  # task i sleeps i units
    return name, os.getpid(), time.perf_counter() - start


def run(workers: int, tasks: range) -> None:
    print(f"Pool({workers}), tasks {tasks.start}..{tasks.stop - 1}:")
    start = time.perf_counter()
    with Pool(workers) as pool:
        handles = [pool.apply_async(long_time_task, (name,)) for name in tasks]
        reports = [h.get() for h in handles]
    total = time.perf_counter() - start
    for name, pid, elapsed in reports:
        print(f"  task {name} in process {pid}: sleeps {name * UNIT:.1f} s, "
              f"took {elapsed:.3f} s")
    longest = max(elapsed for _, _, elapsed in reports)
    pids = len({pid for _, pid, _ in reports})
    print(f"  {len(reports)} tasks in {pids} processes; "
          f"longest task {longest:.3f} s, all done in {total:.3f} s "
          f"(including starting the pool)")


if __name__ == "__main__":
    run(5, range(1, 6))
    run(2, range(1, 6))
# ANCHOR_END: pool_sleep
    for workers in (5, 2):
        timeline.record(f"Pool({workers}), task i sleeps i x 0.1 s", workers,
                        lambda: recorded_pool(workers))
