"""What one item costs CPython's process pools, against the chunk size: 10,000 tiny tasks.

The task returns its argument plus one: nearly all the time is the pool's own work (pickling
chunks, sending them to a worker, sending the results back). Pool.map and
ProcessPoolExecutor.map on 2 workers, chunk sizes 1 to 10,000 and Pool.map's default. Each row
is the median of REPEATS runs, with the spread (min..max), per item.
With --bench-json (what `cargo course bench ch05` runs): the time of a whole map of the 10,000
items (as the Rust bench times it, not per item) for each chunk size, as JSON rows of group
"chunk-size".
"""

import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

ITEMS = 10_000
WORKERS = 2
REPEATS = 5
CHUNK_SIZES = [1, 10, 100, 1000, 10_000]


def tiny(x):
    return x + 1


def whole_map(run):
    """Seconds of each of REPEATS runs of a whole map over the ITEMS items."""
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = run()
        samples.append(time.perf_counter() - start)
        assert out == [x + 1 for x in range(ITEMS)]
    return samples


def per_item_us(run):
    samples = [s / ITEMS * 1e6 for s in whole_map(run)]
    return statistics.median(samples), min(samples), max(samples)


def row(name, stats):
    median, low, high = stats
    print(f"  {name:>22}: {median:7.2f} us per item ({low:.2f}..{high:.2f})")


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(s * 1e9 for s in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


def bench(items):
    with Pool(WORKERS) as pool:
        pool.map(tiny, items)  # warm up: workers started
        for size in CHUNK_SIZES:
            bench_json("chunk-size", f"CPython Pool({WORKERS}).map, chunksize {size}",
                       whole_map(lambda: pool.map(tiny, items, chunksize=size)))
    with ProcessPoolExecutor(WORKERS) as executor:
        list(executor.map(tiny, items, chunksize=100))  # warm up
        for size in CHUNK_SIZES:
            bench_json("chunk-size",
                       f"CPython ProcessPoolExecutor({WORKERS}).map, chunksize {size}",
                       whole_map(lambda: list(executor.map(tiny, items, chunksize=size))))


if __name__ == "__main__" and "--bench-json" in sys.argv:
    bench(list(range(ITEMS)))
elif __name__ == "__main__":
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
