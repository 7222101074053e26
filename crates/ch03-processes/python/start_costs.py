"""What starting one task costs in CPython: a thread, and a process with each start method.

Each task does nothing; the time is start + join of one task, timed for each of many tasks
after one warm-up task (which, for forkserver, starts the server). Prints a Markdown table of
the median and the spread (min..max).
Run: python3 crates/ch03-processes/python/start_costs.py
With --bench-json (what `cargo course bench ch03` runs): the same times as JSON rows of group
"start-join", the Rust bench's workload (start and join one task that does nothing).
"""
import multiprocessing as mp
import os
import platform
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
from bench_rows import bench_json  # noqa: E402 (after the path above)

TASKS = 20


def nothing():
    pass


def per_task(make):
    """Start + join times of TASKS tasks, one by one, in seconds."""
    def make_and_run():
        worker = make()
        worker.start()
        worker.join()
    make_and_run()  # warm-up
    times = []
    for _ in range(TASKS):
        start = time.perf_counter()
        make_and_run()
        times.append(time.perf_counter() - start)
    return times


def shown(times):
    ms = sorted(t * 1000 for t in times)
    return f"{statistics.median(ms):.2f} ms ({ms[0]:.2f}..{ms[-1]:.2f})"


# ANCHOR: measure
def measure():
    costs = [("thread", per_task(lambda: threading.Thread(target=nothing)))]
    for method in ("fork", "forkserver", "spawn"):
        if method in mp.get_all_start_methods():
            ctx = mp.get_context(method)
            costs.append((method, per_task(lambda: ctx.Process(target=nothing))))
    return costs


def main():
    costs = measure()
    print(f"CPython {platform.python_version()} on {sys.platform}, "
          f"{os.cpu_count()} cores, {TASKS} tasks each:")
    print("| start method "
          "| start + join of a task that does nothing: median (min..max) |")
    print("|---|---|")
    for name, times in costs:
        print(f"| {name} | {shown(times)} |")
# ANCHOR_END: measure


if __name__ == "__main__":
    if "--bench-json" in sys.argv:
        for name, times in measure():
            bench_json("start-join", f"CPython {name}", times)
    else:
        main()
