"""What starting one task costs in CPython: a thread, and a process with each start method.

Each task does nothing; the time is start + join, averaged over many tasks, after one
warm-up task (which, for forkserver, starts the server). Prints a Markdown table.
Run: python3 crates/ch03-processes/python/start_costs.py
"""
import multiprocessing as mp
import os
import platform
import sys
import threading
import time

TASKS = 20


def nothing():
    pass


def per_task(make):
    make_and_run = lambda: (lambda w: (w.start(), w.join()))(make())
    make_and_run()  # warm-up
    start = time.perf_counter()
    for _ in range(TASKS):
        make_and_run()
    return (time.perf_counter() - start) / TASKS


# ANCHOR: measure
def main():
    costs = [("thread", per_task(lambda: threading.Thread(target=nothing)))]
    for method in ("fork", "forkserver", "spawn"):
        if method in mp.get_all_start_methods():
            ctx = mp.get_context(method)
            costs.append((method, per_task(lambda: ctx.Process(target=nothing))))
    print(f"CPython {platform.python_version()} on {sys.platform}, {os.cpu_count()} cores, "
          f"mean of {TASKS} tasks:")
    print("| start method | start + join of a task that does nothing |")
    print("|---|---|")
    for name, seconds in costs:
        print(f"| {name} | {seconds * 1000:.2f} ms |")
# ANCHOR_END: measure


if __name__ == "__main__":
    main()
