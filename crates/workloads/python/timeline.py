"""Timelines in CPython: which worker ran which task, from when to when.

The same file format and the same switch as the Rust module `workloads::timeline`: recording is
off unless the environment variable COURSE_TIMELINE names a file (`cargo course capture` sets
it). Times are time.monotonic_ns(), CLOCK_MONOTONIC on Linux, the clock the Rust side reads, so
both write on one time axis. Lines, tab-separated:

    task     <pid> <tid>   <start_ns> <end_ns> <cpu_ns> <label>
    section  <pid> <slots> <start_ns> <end_ns> 0        <label>

(cpu_ns: the task's thread's CPU time meanwhile, time.thread_time_ns().)

The process that called start() keeps its records in memory and writes them at finish(). Any
other process (a Pool or executor worker) appends each record as its task ends, with one write
to a file opened O_APPEND.

A chapter script imports it with:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "workloads", "python"))
    import timeline
"""

import contextlib
import os
import threading
import time

ENV = "COURSE_TIMELINE"
PATH = os.environ.get(ENV) or None
_owner = None
_kept = []
_lock = threading.Lock()


def enabled():
    return PATH is not None


def start():
    """Makes this process the recording one and empties the file. First thing, before workers."""
    global _owner
    if PATH is not None:
        _owner = os.getpid()
        open(PATH, "w").close()


def _line(kind, pid, tid_or_slots, start_ns, end_ns, cpu_ns, label):
    label = str(label).replace("\t", " ").replace("\n", " ")
    return f"{kind}\t{pid}\t{tid_or_slots}\t{start_ns}\t{end_ns}\t{cpu_ns}\t{label}\n"


def _keep(line):
    if os.getpid() == _owner:
        with _lock:
            _kept.append(line)
    else:
        _append(line)


def _append(text):
    # One write of the whole text: O_APPEND writers of a regular file do not interleave.
    fd = os.open(PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


class Traced:
    """`fn` as one recorded task per call; picklable, so a Pool or an executor can send it."""

    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or fn.__name__

    def __call__(self, *args):
        if PATH is None:
            return self.fn(*args)
        start_ns, cpu_start = time.monotonic_ns(), time.thread_time_ns()
        value = self.fn(*args)
        end_ns, cpu_ns = time.monotonic_ns(), time.thread_time_ns() - cpu_start
        label = f"{self.name}({', '.join(map(repr, args))})"
        _keep(_line("task", os.getpid(), threading.get_native_id(), start_ns, end_ns, cpu_ns,
                    label))
        return value


async def traced_async(label, awaitable):
    """Awaits `awaitable` as one recorded task, from when it starts to when it ends, on the
    thread that runs the event loop. It holds no thread while it waits, so its CPU time is not
    measured: 0, and the chart counts its whole bar as work."""
    if PATH is None:
        return await awaitable
    start_ns = time.monotonic_ns()
    value = await awaitable
    _keep(_line("task", os.getpid(), threading.get_native_id(), start_ns, time.monotonic_ns(), 0,
                label))
    return value


@contextlib.contextmanager
def section(label, slots):
    """One run of a workload (one panel of the chart), in which `slots` tasks progress at once."""
    start_ns = time.monotonic_ns()
    try:
        yield
    finally:
        if PATH is not None:
            end_ns = time.monotonic_ns()
            _keep(_line("section", os.getpid(), slots, start_ns, end_ns, 0, label))


def finish():
    """Writes the records this process kept; last thing, after every worker was joined."""
    if PATH is not None:
        with _lock:
            text = "".join(_kept)
            _kept.clear()
        _append(text)


def record(label, slots, run):
    """When recording is on: runs run() once more as a section, prints how long that took, and
    writes its records. A script calls it after its own measurements, which stay unrecorded."""
    if PATH is None:
        return
    if _owner is None:
        start()
    began = time.perf_counter()
    with section(label, slots):
        run()
    print(f"timeline of {label}: one more run, recorded: {time.perf_counter() - began:.3f} s")
    finish()


def print_cost(rounds=10_000):
    """When recording is on: prints what one record costs here, kept in memory (a task of the
    recording process) and appended to the file (a task of a worker process), median of rounds."""
    global PATH
    if PATH is None:
        return
    if _owner is None:
        start()
    real = PATH
    PATH = f"{real}.cost-{os.getpid()}"
    try:
        kept, appended = [], []
        nothing = Traced(lambda: None, "nothing")
        for _ in range(rounds):
            began = time.monotonic_ns()
            nothing()
            kept.append(time.monotonic_ns() - began)
        with _lock:
            _kept[-rounds:] = []  # the measurement's own records are not part of the timeline
        line = _line("task", os.getpid(), threading.get_native_id(), 0, 1, 0, "cpu_bound(53)")
        for _ in range(rounds):
            began = time.monotonic_ns()
            _append(line)
            appended.append(time.monotonic_ns() - began)
        os.remove(PATH)
    finally:
        PATH = real
    kept.sort()
    appended.sort()
    print(f"one record costs {kept[rounds // 2] / 1000:.1f} µs kept in memory (the recording "
          f"process), {appended[rounds // 2] / 1000:.1f} µs appended to the file (a worker "
          f"process); median of {rounds} each")
