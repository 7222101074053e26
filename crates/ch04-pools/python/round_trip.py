"""What one warm apply_async(...).get() costs in CPython: a process pool and a thread pool.

"Warm" means the pool is already running and has served a few tasks: we time only the round
trip (pickle the call, send it to a worker, run a trivial function, pickle the result back,
wake the caller), not starting the workers. Compare with the Rust round-trip benchmark.
"""

import statistics
import time
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

ROUNDS = 2000


def one() -> int:
    return 1


def per_call_us(pool) -> str:
    for _ in range(100):  # warm up: workers started, code paths hot
        pool.apply_async(one).get()
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            pool.apply_async(one).get()
        samples.append((time.perf_counter() - start) / ROUNDS * 1e6)
    return f"{statistics.median(samples):6.1f} us ({min(samples):.1f}..{max(samples):.1f})"


if __name__ == "__main__":
    print(f"one apply_async(...).get(): median (min..max) of 10 runs of {ROUNDS} round trips")
    with Pool(1) as pool:
        print(f"multiprocessing.Pool(1):            {per_call_us(pool)}")
    with ThreadPool(1) as pool:
        print(f"multiprocessing.pool.ThreadPool(1): {per_call_us(pool)}")
