"""The tutorials' CPU-bound workload: sequential, then Pool().map over os.cpu_count() processes."""

import os
import time
from multiprocessing import Pool

NUMBERS = [11, 23, 53, 34]


def cpu_bound(n: int) -> int:
    return sum(range(n * 1_000_000))


if __name__ == "__main__":
    start = time.perf_counter()
    sequential = [cpu_bound(n) for n in NUMBERS]
    t_seq = time.perf_counter() - start
    print(f"sequential:                  {t_seq:.2f} s")

    start = time.perf_counter()
    with Pool() as pool:  # os.cpu_count() workers
        pooled = pool.map(cpu_bound, NUMBERS)
    t_pool = time.perf_counter() - start
    assert pooled == sequential
    print(f"Pool({os.cpu_count()}).map (start included): {t_pool:.2f} s, {t_seq / t_pool:.2f}x")
