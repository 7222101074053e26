"""What moving data to a process-pool worker and back costs in CPython, 1 KiB to 100 MiB.

Pipes: pool.apply(echo, (data,)) pickles the bytes, sends them to the worker, which unpickles
them, returns them, and the result is pickled and sent back.
Shared memory: a multiprocessing.shared_memory.SharedMemory block made before the pool forks;
the parent copies the data in, the worker copies it to the block's second half, the parent
copies it out. Only the length crosses the pipes.
For scale: ThreadPool, where the bytes object itself is handed over and back, not copied.

Every row: median (min..max) of the repeated round trips, the pool already running.
With --bench-json (what `cargo course bench ch04` runs): the same round trips as JSON rows of
group "data", sizes as in the Rust bench (ThreadPool at the largest size only, as there).
"""

import json
import statistics
import sys
import time
from multiprocessing import Pool, shared_memory
from multiprocessing.pool import ThreadPool

SIZES = [("1 KiB", 1 << 10), ("64 KiB", 64 << 10), ("1 MiB", 1 << 20),
         ("16 MiB", 16 << 20), ("100 MiB", 100 << 20)]
LARGEST = SIZES[-1][1]

block = None  # made before the pool forks: the workers inherit the mapping


def echo(data: bytes) -> bytes:
    return data


def echo_shared(n: int) -> int:
    buf = block.buf
    buf[LARGEST:LARGEST + n] = buf[:n]
    return n


def through_shared_memory(pool, data: bytes) -> bytes:
    n = len(data)
    block.buf[:n] = data
    assert pool.apply(echo_shared, (n,)) == n
    return bytes(block.buf[LARGEST:LARGEST + n])


def repeats(n: int) -> int:
    return 200 if n < 1 << 20 else 20 if n < 16 << 20 else 5


def sampled(run, n: int) -> list:
    samples = []
    for _ in range(repeats(n) + 1):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return samples[1:]  # the first one warms up


def measure(run, n: int) -> str:
    samples = sampled(run, n)
    med = statistics.median(samples)
    return f"{fmt(med)} ({fmt(min(samples))}..{fmt(max(samples))})"


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} us"


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


def bench(processes, threads):
    for label, n in SIZES:
        data = bytes(n)
        bench_json("data", f"CPython Pool pipes {label}",
                   sampled(lambda: processes.apply(echo, (data,)), n))
    for label, n in SIZES:
        data = bytes(n)
        bench_json("data", f"CPython Pool shared memory {label}",
                   sampled(lambda: through_shared_memory(processes, data), n))
    label, n = SIZES[-1]
    data = bytes(n)
    bench_json("data", f"CPython ThreadPool {label}",
               sampled(lambda: threads.apply(echo, (data,)), n))


if __name__ == "__main__":
    block = shared_memory.SharedMemory(create=True, size=2 * LARGEST)
    try:
        with Pool(1) as processes, ThreadPool(1) as threads:
            if "--bench-json" in sys.argv:
                bench(processes, threads)
                sys.exit()
            print("one round trip to a worker and back: median (min..max)")
            print(f"{'size':>8}  {'Pool: pickles, pipes':<36}{'Pool: shared memory':<36}ThreadPool")
            for label, n in SIZES:
                data = bytes(n)
                assert processes.apply(echo, (data,)) == data
                assert through_shared_memory(processes, data) == data
                pipes = measure(lambda: processes.apply(echo, (data,)), n)
                shared = measure(lambda: through_shared_memory(processes, data), n)
                thread = measure(lambda: threads.apply(echo, (data,)), n)
                print(f"{label:>8}  {pipes:<36}{shared:<36}{thread}")
            data = bytes(1000)
            print(f"Pool returns a copy: {processes.apply(echo, (data,)) is not data}; "
                  f"ThreadPool returns the very same object: {threads.apply(echo, (data,)) is data}")
    finally:
        block.close()
        block.unlink()
