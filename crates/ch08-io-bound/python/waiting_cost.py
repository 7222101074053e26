"""What one waiting task costs CPython: threads, a ThreadPoolExecutor, asyncio tasks, processes.

For each model and size N, in a fresh Python process (this script runs itself):
  * memory: N tasks parked on a gate (an Event), resident memory above the program before
    them, per task (processes: each child's private memory, Private_Dirty, read by the parent
    from /proc/<pid>/smaps_rollup while the child waits; the parent's RSS excludes children);
  * start: the time to start the N tasks, per task;
  * time: N tasks sleeping 200 ms at once, REPEATS times: median (min..max), over the ideal.
Linux only (/proc). Processes stop at 100: each start is a fork of CPython taking
milliseconds here, and 1,000 of them take seconds per run.

With --bench-json (what `cargo course bench ch08` runs): the Rust benchmark's groups
sleepers-N, N tasks sleeping 10 ms at once (N = 10, 100, 1,000, 10,000), on threads, asyncio
tasks (one event loop for all runs, as the Rust side keeps one runtime) and processes (up to
1,000; at 10,000, over ten seconds per run), where the machine has room for them (io_bench).

When COURSE_TIMELINE names a file (`cargo course capture` sets it), one more run of 10 sleepers
per model (processes, threads, asyncio tasks) is recorded as a timeline (workloads/python).
"""

import asyncio
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)

SLEEP = 0.2
REPEATS = 3
SIZES = {
    "threads": [10, 100, 1000, 10000],
    "executor": [10, 100, 1000],
    "asyncio": [10, 100, 1000, 10000],
    "processes": [10, 100],
}


# ANCHOR: rss
def rss_kib(pid="self") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")
# ANCHOR_END: rss


def private_dirty_kib(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1])
    return 0


def wait_for(count, n):
    deadline = time.monotonic() + 60
    while count() < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {count()} of {n} started")
        time.sleep(0.0002)


def cost_threads(n, executor=False):
    gate, started, lock = threading.Event(), [0], threading.Lock()

    def task():
        with lock:
            started[0] += 1
        gate.wait()

    idle = rss_kib()
    t0 = time.perf_counter()
    if executor:
        pool = ThreadPoolExecutor(max_workers=n)
        futures = [pool.submit(task) for _ in range(n)]
    else:
        threads = [threading.Thread(target=task) for _ in range(n)]
        for t in threads:
            t.start()
    wait_for(lambda: started[0], n)
    elapsed = time.perf_counter() - t0
    waiting = rss_kib()
    gate.set()
    if executor:
        for f in futures:
            f.result()
        pool.shutdown()
    else:
        for t in threads:
            t.join()
    return (waiting - idle) / n, elapsed / n


def cost_asyncio(n):
    async def main():
        gate, started = asyncio.Event(), [0]

        async def task():
            started[0] += 1
            await gate.wait()

        idle = rss_kib()
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(task()) for _ in range(n)]
        while started[0] < n:
            await asyncio.sleep(0)
        elapsed = time.perf_counter() - t0
        waiting = rss_kib()
        gate.set()
        await asyncio.gather(*tasks)
        return (waiting - idle) / n, elapsed / n

    return asyncio.run(main())


def child_wait(gate, ready):
    ready.release()  # this child is about to wait: the parent may read its memory now
    gate.wait()


def cost_processes(n):
    gate, ready = mp.Event(), mp.Semaphore(0)
    t0 = time.perf_counter()
    children = [mp.Process(target=child_wait, args=(gate, ready)) for _ in range(n)]
    try:
        for c in children:
            c.start()
        elapsed = time.perf_counter() - t0
        # start() returns once the fork is done, before the child has run: a child read then
        # has not yet written (copied) the pages its bootstrap writes.
        for k in range(n):
            if not ready.acquire(timeout=60):
                raise RuntimeError(f"only {k} of {n} children reached the gate")
        private = sum(private_dirty_kib(c.pid) for c in children)
    finally:
        gate.set()
        for c in children:
            if c.pid is not None:
                c.join()
    return private / n, elapsed / n


# ANCHOR: sleepers
def sleep_threads(n, sleep=time.sleep):
    threads = [threading.Thread(target=sleep, args=(SLEEP,)) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def sleep_executor(n):
    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(time.sleep, [SLEEP] * n))


def sleep_asyncio(n, sleep=asyncio.sleep):
    async def main():
        await asyncio.gather(*(sleep(SLEEP) for _ in range(n)))

    asyncio.run(main())


def sleep_processes(n, sleep=time.sleep):
    children = [mp.Process(target=sleep, args=(SLEEP,)) for _ in range(n)]
    for c in children:
        c.start()
    for c in children:
        c.join()
# ANCHOR_END: sleepers


def timelines(n=10):
    """When recording is on: one more run of n sleepers per model, recorded, processes first
    (they fork this program while it runs one thread)."""
    sleep = timeline.Traced(time.sleep)

    def asleep(seconds):
        return timeline.traced_async(f"asyncio.sleep({seconds})", asyncio.sleep(seconds))

    timeline.record(f"{n} processes", n, lambda: sleep_processes(n, sleep))
    timeline.record(f"{n} threads", n, lambda: sleep_threads(n, sleep))
    timeline.record(f"{n} asyncio tasks on one thread", n, lambda: sleep_asyncio(n, asleep))


COST = {"threads": cost_threads, "executor": lambda n: cost_threads(n, executor=True),
        "asyncio": cost_asyncio, "processes": cost_processes}
SLEEPERS = {"threads": sleep_threads, "executor": sleep_executor,
            "asyncio": sleep_asyncio, "processes": sleep_processes}


def measure(model, n):
    kib, start = COST[model](n)
    samples = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        SLEEPERS[model](n)
        samples.append(time.perf_counter() - t0)
    median = statistics.median(samples)
    print(f"{model:<9} {n:>6} | {kib:8.2f} KiB each | {start * 1e6:7.1f} µs each | "
          f"{median * 1e3:7.1f} ms ({min(samples) * 1e3:.1f}..{max(samples) * 1e3:.1f}) "
          f"= {median / SLEEP:.3f}x")


def bench():
    import io_bench
    from bench_rows import bench_json
    io_bench.raise_fd_limit()
    loop = asyncio.new_event_loop()

    def asyncio_sleepers(n):
        async def main():
            await asyncio.gather(*(asyncio.sleep(0.01) for _ in range(n)))
        loop.run_until_complete(main())

    try:
        for n in [10, 100, 1000, 10000]:
            group = f"sleepers-{n}"
            if n <= 1000 and io_bench.fits(group, "CPython processes", tasks=n, fds=n,
                                             kib=n * io_bench.KIB_PER_PROCESS):
                bench_json(group, "CPython processes",
                               io_bench.timed(lambda: sleep_processes(n)))
            if io_bench.fits(group, "CPython threads", tasks=n,
                               kib=n * io_bench.KIB_PER_THREAD):
                bench_json(group, "CPython threads", io_bench.timed(lambda: sleep_threads(n)))
            bench_json(group, "CPython asyncio", io_bench.timed(lambda: asyncio_sleepers(n)))
    finally:
        loop.close()


if __name__ == "__main__" and "--bench-json" in sys.argv:
    SLEEP = 0.01  # the Rust benchmark's WAIT; set before any process forks
    bench()
elif __name__ == "__main__":
    if len(sys.argv) == 3:
        measure(sys.argv[1], int(sys.argv[2]))
        sys.exit(0)
    print(f"CPython {sys.version.split()[0]}; idle program: {rss_kib()} KiB resident")
    print("each row is a fresh process; processes stop at 100 (a fork of CPython each)")
    print(f"sleep times: median (min..max) of {REPEATS} runs\n")
    print(f"model          N | memory per task  | start per task | "
          f"N sleeping {SLEEP * 1e3:.0f} ms at once")
    for model, sizes in SIZES.items():
        for n in sizes:
            out = subprocess.run([sys.executable, __file__, model, str(n)],
                                 capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                print(f"{model} {n}: failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            print(out.stdout, end="")
    if timeline.enabled():
        print()
        timelines()
