"""Ordered imap against imap_unordered when the first task is the slowest.

Task 0 sleeps 1 s, tasks 1..5 sleep 0.1 s, on Pool(2). imap yields in input order, so nothing
comes out before task 0 is done (head-of-line blocking); imap_unordered yields each result as it
arrives. We print when each result came out.
"""

import time
from multiprocessing import Pool

SLEEPS = [1.0, 0.1, 0.1, 0.1, 0.1, 0.1]


def nap(i):
    time.sleep(SLEEPS[i])
    return i


if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(nap, [1, 2])  # warm up: workers started
        for name, method in [("imap", pool.imap), ("imap_unordered", pool.imap_unordered)]:
            start = time.perf_counter()
            arrivals = [f"{i}@{time.perf_counter() - start:.2f}s" for i in method(nap, range(6))]
            print(f"{name:>15}: {' '.join(arrivals)}")
