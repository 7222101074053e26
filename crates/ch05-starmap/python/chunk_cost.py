"""What one item costs CPython's process pools, against the chunk size: 10,000 tiny tasks.

The task returns its argument plus one: nearly all the time is the pool's own work (pickling
chunks, sending them to a worker, sending the results back). Pool.map and
ProcessPoolExecutor.map on 2 workers, chunk sizes 1 to 10,000 and Pool.map's default. Each row
is the median of REPEATS runs, with the spread (min..max), per item.
"""

import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

ITEMS = 10_000
WORKERS = 2
REPEATS = 5
CHUNK_SIZES = [1, 10, 100, 1000, 10_000]


def tiny(x):
    return x + 1


def per_item_us(run):
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = run()
        samples.append((time.perf_counter() - start) / ITEMS * 1e6)
        assert out == [x + 1 for x in range(ITEMS)]
    return statistics.median(samples), min(samples), max(samples)


def row(name, stats):
    median, low, high = stats
    print(f"  {name:>22}: {median:7.2f} us per item ({low:.2f}..{high:.2f})")


if __name__ == "__main__":
    items = list(range(ITEMS))
    default = -(-ITEMS // (WORKERS * 4))  # what Pool.map picks: ceil(len / (4 x workers))
    print(f"{ITEMS} tiny tasks on {WORKERS} workers, median of {REPEATS} runs (min..max):")
    with Pool(WORKERS) as pool:
        pool.map(tiny, items)  # warm up: workers started
        print("multiprocessing.Pool.map")
        row(f"default ({default})", per_item_us(lambda: pool.map(tiny, items)))
        for size in CHUNK_SIZES:
            row(f"chunksize={size}", per_item_us(lambda: pool.map(tiny, items, chunksize=size)))
    with ProcessPoolExecutor(WORKERS) as executor:
        list(executor.map(tiny, items, chunksize=100))  # warm up
        print("concurrent.futures.ProcessPoolExecutor.map (default chunksize=1)")
        for size in CHUNK_SIZES:
            row(f"chunksize={size}",
                per_item_us(lambda: list(executor.map(tiny, items, chunksize=size))))
