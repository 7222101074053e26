"""What a fork costs in CPython as the parent's memory grows, against posix_spawn.

The parent holds 0 MiB, 100 MiB, then 1 GiB more resident memory (a bytes object whose every
page was written), and starts a child that exits at once, three ways: os.fork + os._exit,
multiprocessing's fork start method (Process.start + join), and os.posix_spawn of /bin/true.
Each time is the median of repeated starts, with the spread (min..max).
CPython 3.11+, Linux, standard library only.
Run: python3 crates/ch03-processes/python/fork_cost.py
With --bench-json (what `cargo course bench ch03` runs): os.fork from each parent size and
posix_spawn from 0 MiB and 1 GiB, as JSON rows of group "fork-rss" (the Rust bench's fork and
Command variants).
"""
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time

MIB = 1 << 20
REPEATS = 15


def nothing():
    pass


# ANCHOR: starts
def bare_fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)  # the child leaves at once: no cleanup, no flush
    os.waitpid(pid, 0)


def multiprocessing_fork(ctx=mp.get_context("fork")):
    p = ctx.Process(target=nothing)
    p.start()
    p.join()


def posix_spawn_true():
    pid = os.posix_spawn("/bin/true", ["true"], os.environ)
    os.waitpid(pid, 0)
# ANCHOR_END: starts


def timed(start):
    start()  # warm-up
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        start()
        times.append(time.perf_counter() - t)
    return times


def shown(times):
    ms = [t * 1000 for t in times]
    return f"{statistics.median(ms):.2f} ms ({min(ms):.2f}..{max(ms):.2f})"


def main():
    print(f"CPython {platform.python_version()} on {sys.platform}, {os.cpu_count()} cores; "
          f"median (min..max) of {REPEATS} starts")
    print("| parent holds | os.fork | multiprocessing, fork | os.posix_spawn /bin/true |")
    print("|---|---|---|---|")
    for label, size in [("0 MiB more", 0), ("100 MiB more", 100 * MIB), ("1 GiB more", 1024 * MIB)]:
        ballast = b"\x01" * size  # written byte by byte: every page resident
        row = [shown(timed(start)) for start in (bare_fork, multiprocessing_fork, posix_spawn_true)]
        print(f"| {label} | " + " | ".join(row) + " |")
        del ballast


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


def bench():
    for label, size, starts in [("0 MiB", 0, [bare_fork, posix_spawn_true]),
                                ("100 MiB", 100 * MIB, [bare_fork]),
                                ("1 GiB", 1024 * MIB, [bare_fork, posix_spawn_true])]:
        ballast = b"\x01" * size
        for start in starts:
            name = "os.fork" if start is bare_fork else "posix_spawn /bin/true"
            bench_json("fork-rss", f"CPython {name}, {label}", timed(start))
        del ballast


if __name__ == "__main__":
    if "--bench-json" in sys.argv:
        bench()
    else:
        main()
