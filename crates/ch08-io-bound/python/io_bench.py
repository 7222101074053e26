"""Bench mode for this chapter's scripts (`--bench-json`, CONTRIBUTING.md "Benchmarks").

Not a program of its own: requests.py and waiting_cost.py import it. It times a run (the rows
themselves are printed by `bench_json` of crates/workloads/python/bench_rows.py), and probes the limits one task per
request runs into (tasks, file descriptors, memory) before a row starts them, like the Rust
benchmark's `limits` module.
"""

import os
import resource
import sys
import time

MARGIN = 256  # tasks and descriptors left free for everything else
KIB_PER_PROCESS = 4096  # a forked CPython writes over a megabyte of its pages; an overestimate
KIB_PER_THREAD = 64  # the stack pages a thread touches; its stack is address space


def timed(run, budget=0.5, least=3, most=10):
    """One untimed run, then timed runs: at least `least`, at most `most`, until `budget` s."""
    run()
    samples = []
    while len(samples) < least or (len(samples) < most and sum(samples) < budget):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return samples


def raise_fd_limit():
    """Soft RLIMIT_NOFILE up to the hard limit: 1,000 requests at once hold 1,000 sockets."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _number(path):
    with open(path) as f:
        return int(f.read().split()[0])


def no_room(tasks=0, fds=0, kib=0):
    """None if this many more tasks, descriptors and KiB fit here now; else the reason."""
    infinite = resource.RLIM_INFINITY
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[0]
    max_tasks = min(_number("/proc/sys/kernel/threads-max"), _number("/proc/sys/kernel/pid_max"),
                    nproc if nproc != infinite else sys.maxsize)
    with open("/proc/loadavg") as f:
        tasks_now = int(f.read().split()[3].split("/")[1])
    if tasks and tasks_now + tasks + MARGIN > max_tasks:
        return f"{tasks} more tasks: {tasks_now} run, the limit is {max_tasks}"
    max_fds = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    fds_now = len(os.listdir("/proc/self/fd"))
    if fds and max_fds != infinite and fds_now + fds + MARGIN > max_fds:
        return f"{fds} more file descriptors: {fds_now} open, RLIMIT_NOFILE is {max_fds}"
    with open("/proc/meminfo") as f:
        available = next(int(line.split()[1]) for line in f if line.startswith("MemAvailable:"))
    if kib > available // 2:
        return f"{kib // 1024} MiB charged, more than half of the {available // 1024} MiB available"
    return None


def fits(group, variant, **needs):
    """Whether the row has room; says why not on stderr (stdout carries only the rows)."""
    why = no_room(**needs)
    if why:
        print(f"{group}/{variant}: left out, no room: {why}", file=sys.stderr)
    return why is None
