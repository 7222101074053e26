"""The tutorials' pool experiment, scaled down: Pool(5) runs tasks 1..5 and ends with the longest.

Each task sleeps a pseudo-random 0 to 3 units and reports its process id. The sleeps are the
same numbers the Rust example uses (workloads::long_time_task_units), so the two runs can be
compared line by line. One unit is 0.1 s here (the tutorials use 1 s).
"""

import os
import time
from multiprocessing import Pool

UNIT = 0.1  # seconds per unit of sleep, like Scale::DEMO
MASK = (1 << 64) - 1


def long_time_task_units(name: int) -> float:
    """SplitMix64 of the task's name, scaled into [0, 3): the same numbers as the Rust crate."""
    z = (name + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return (z >> 11) / (1 << 53) * 3.0


# ANCHOR: pool_sleep
def long_time_task(name: int):
    start = time.perf_counter()
    units = long_time_task_units(name)
    time.sleep(units * UNIT)
    return name, os.getpid(), units, time.perf_counter() - start


def run(workers: int, tasks: range) -> None:
    print(f"Pool({workers}), tasks {tasks.start}..{tasks.stop - 1}:")
    start = time.perf_counter()
    with Pool(workers) as pool:
        handles = [pool.apply_async(long_time_task, (name,)) for name in tasks]
        reports = [h.get() for h in handles]
    total = time.perf_counter() - start
    for name, pid, units, elapsed in reports:
        print(f"  task {name} in process {pid}: slept {units:.2f} units, took {elapsed:.3f} s")
    longest = max(elapsed for _, _, _, elapsed in reports)
    pids = len({pid for _, pid, _, _ in reports})
    print(f"  {len(reports)} tasks in {pids} processes; longest task {longest:.3f} s, "
          f"all done in {total:.3f} s (including starting the pool)")


if __name__ == "__main__":
    run(5, range(1, 6))
    run(2, range(1, 6))
# ANCHOR_END: pool_sleep
