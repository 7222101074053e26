"""Chapter 03 in Python: one Process per number, start all, then join all; and the two
mistakes the tutorials make. CPython 3.11+, standard library only.

Run: python3 crates/ch03-processes/python/processes.py
"""
import os
import statistics
import sys
import time
from multiprocessing import Process, Queue

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)

NUMBERS = [11, 23, 53, 34]
REPEATS = 3


# ANCHOR: cpu_bound
def cpu_bound(n):
    return sum(range(n * 1_000_000))
# ANCHOR_END: cpu_bound


def report(n, results):
    """The task run in each child: compute, then send (pid, n, sum) back to the parent."""
    results.put((os.getpid(), n, cpu_bound(n)))


# ANCHOR: start_all
def one_process_per_number():
    results = Queue()
    processes = [Process(target=report, args=(n, results)) for n in NUMBERS]
    for p in processes:
        p.start()
    # Read before join: a child that still has data to flush into the queue will not
    # exit.
    got = [results.get() for _ in processes]
    for p in processes:
        p.join()
    return got
# ANCHOR_END: start_all


# ANCHOR: mistakes
def clock_stopped_before_join():
    processes = [Process(target=cpu_bound, args=(n,)) for n in NUMBERS]
    start = time.perf_counter()
    for p in processes:
        p.start()
    wrong = time.perf_counter() - start  # the children have barely begun
    for p in processes:
        p.join()
    return wrong, time.perf_counter() - start


def start_join_in_the_loop():
    start = time.perf_counter()
    for n in NUMBERS:
        p = Process(target=cpu_bound, args=(n,))
        p.start()
        p.join()  # waits for this one before the next starts: sequential
    return time.perf_counter() - start
# ANCHOR_END: mistakes


def recorded_processes():
    """One process per number again, each task recorded (`cargo course capture` draws it)."""
    processes = [Process(target=timeline.Traced(cpu_bound), args=(n,)) for n in NUMBERS]
    for p in processes:
        p.start()
    for p in processes:
        p.join()


def shown(seconds, digits=2):
    return (f"{statistics.median(seconds):.{digits}f} s "
            f"({min(seconds):.{digits}f}..{max(seconds):.{digits}f})")


if __name__ == "__main__":
    print(f"parent pid {os.getpid()}, os.cpu_count() = {os.cpu_count()}")
    for pid, n, total in one_process_per_number():
        print(f"process {pid}: cpu_bound({n}) = {total}")

    together, before, after, in_loop = [], [], [], []
    for _ in range(REPEATS):
        start = time.perf_counter()
        one_process_per_number()
        together.append(time.perf_counter() - start)
        wrong, right = clock_stopped_before_join()
        before.append(wrong)
        after.append(right)
        in_loop.append(start_join_in_the_loop())
    print(f"times, median (min..max) of {REPEATS} runs:")
    print(f"one process per number, start all then join all: {shown(together)}")
    print(f"clock stopped before join: {shown(before, 3)} (only the starts)")
    print(f"clock stopped after join:  {shown(after)} (the work)")
    print(f"start(); join() in the loop: {shown(in_loop)}")
    timeline.record("one process per number", os.cpu_count(), recorded_processes)
