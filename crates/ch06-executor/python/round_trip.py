"""What one warm submit(...).result() costs in CPython: ThreadPoolExecutor and ProcessPoolExecutor.

"Warm": the executor has started its workers and served a few tasks; we time only the round
trip (queue the call, for processes pickle it and send it to a worker, run a trivial
function, send the result back, wake the caller). Compare with the Rust round-trip benchmark.
"""

import statistics
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

ROUNDS = 2000
SAMPLES = 10


def one():
    return 1


def per_call_us(executor):
    for _ in range(100):  # warm up: workers started, code paths hot
        executor.submit(one).result()
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            executor.submit(one).result()
        samples.append((time.perf_counter() - start) / ROUNDS * 1e6)
    return samples


if __name__ == "__main__":
    for name, make in [("ThreadPoolExecutor(1)", ThreadPoolExecutor),
                       ("ProcessPoolExecutor(1)", ProcessPoolExecutor)]:
        with make(1) as executor:
            s = per_call_us(executor)
        print(f"{name:24} {statistics.median(s):7.1f} us per submit(...).result() "
              f"(median of {SAMPLES} x {ROUNDS}, {min(s):.1f}..{max(s):.1f})")
