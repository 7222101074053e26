"""The tutorials' sequential baseline: cpu_bound(n) for each number, one after the other.

Run: python3 crates/ch01-sequential/python/sequential.py
"""

import os
import time


# ANCHOR: cpu_bound
def cpu_bound(n):
    """The tutorials' CPU-bound task: add up the integers below n million."""
    return sum(range(n * 1_000_000))
# ANCHOR_END: cpu_bound


# ANCHOR: main
def main():
    print(f"os.cpu_count() = {os.cpu_count()}")
    numbers = [11, 23, 53, 34]
    start = time.perf_counter()
    for n in numbers:
        began = time.perf_counter()
        result = cpu_bound(n)
        took = time.perf_counter() - began
        print(f"cpu_bound({n}) = {result} in {took:.2f} s")
    total = time.perf_counter() - start
    print(f"total: {total:.2f} s for {numbers}")
# ANCHOR_END: main


if __name__ == "__main__":
    main()
