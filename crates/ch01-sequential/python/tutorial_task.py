"""The HPE tutorial's own cpu_bound against this book's: time and peak memory.

Run: python3 crates/ch01-sequential/python/tutorial_task.py [unit]
(`unit` is the additions per step of n; the tutorials use 1_000_000, the default.)

The tutorial builds a list of every number, then sums the list. This book sums the range
directly. Each measurement runs in a fresh interpreter, which reports its own peak resident
memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`), so one run's memory cannot hide in the
next one's. Linux only (ru_maxrss in KiB, /proc). Standard library only.
"""

import resource
import statistics
import subprocess
import sys
import time

NUMBERS = [11, 23, 53, 34]
UNIT = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
RUNS = 3


# ANCHOR: tasks
def tutorial_cpu_bound(n):
    # The HPE tutorial's expression: a list comprehension, then the sum of the list.
    return sum([i for i in range(n * UNIT)])


def cpu_bound(n):
    # This book's: the same additions, no list.
    return sum(range(n * UNIT))
# ANCHOR_END: tasks


TASKS = {"list": tutorial_cpu_bound, "range": cpu_bound}


def child(task, n):
    """Runs in a fresh interpreter: one task, then its time and this process's peak memory."""
    start = time.perf_counter()
    TASKS[task](n)
    took = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(took, peak_kib * 1024)


def start_child(task, n):
    return subprocess.Popen([sys.executable, __file__, str(UNIT), "--child", task, str(n)],
                            stdout=subprocess.PIPE, text=True)


def finish(proc):
    out, _ = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"a child failed with status {proc.returncode}")
    took, peak = out.split()
    return float(took), int(peak)


def rss(pid):
    """Resident memory of a live process in bytes, or 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def spread(values, fmt):
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}..{fmt(max(values))})"


def seconds(s):
    return f"{s:.2f} s"


def mb(b):
    return f"{b / 1e6:,.0f} MB"


# ANCHOR: at_once
def four_at_once(task):
    """One process per number, all started together, as the tutorial's Process version does.
    Samples the processes' resident memory every 10 ms to find the most held at one moment."""
    procs = [start_child(task, n) for n in NUMBERS]
    most = 0
    while any(p.poll() is None for p in procs):
        most = max(most, sum(rss(p.pid) for p in procs))
        time.sleep(0.01)
    peaks = [finish(p)[1] for p in procs]
    return most, sum(peaks)
# ANCHOR_END: at_once


def main():
    print(f"CPython {sys.version.split()[0]}; each task in a fresh process, median (min..max) "
          f"of {RUNS} runs; peak = ru_maxrss")
    print(f"list:  sum([i for i in range(n * {UNIT:_})])   (the tutorial)")
    print(f"range: sum(range(n * {UNIT:_}))                 (this book)\n")
    print(f"{'n':>3} {'list: time':>27} {'list: peak':>16} {'range: time':>27} {'range: peak':>14}")
    for n in NUMBERS:
        row = f"{n:>3}"
        for task, width in [("list", 16), ("range", 14)]:
            runs = [finish(start_child(task, n)) for _ in range(RUNS)]
            row += f" {spread([r[0] for r in runs], seconds):>27}"
            row += f" {mb(statistics.median(r[1] for r in runs)):>{width}}"
        print(row)
    print("\nfour processes at once, one per number:")
    for task in ["list", "range"]:
        most, total = four_at_once(task)
        print(f"  {task:<5}  peaks add up to {mb(total):>9}; most resident at one moment "
              f"(sampled every 10 ms): {mb(most):>9}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[2] == "--child":
        child(sys.argv[3], int(sys.argv[4]))
    else:
        main()
