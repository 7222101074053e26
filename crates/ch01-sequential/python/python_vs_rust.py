"""The same sequential work in CPython and in compiled Rust, timed on the same machine.

Run: python3 crates/ch01-sequential/python/python_vs_rust.py
(from anywhere in the repository; it runs the Rust example with cargo, building it if needed.)

Each side runs five times, taking turns: the Python loop in this process, the Rust example
`ch01-01-sequential` (release build) as a program whose printed total is read back. Prints the
median and the spread (min..max) of each, and the ratio of the medians. Standard library only.
"""

import statistics
import subprocess
import time
from pathlib import Path

NUMBERS = [11, 23, 53, 34]
RUNS = 5
ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ["cargo", "run", "-q", "--release", "-p", "ch01-sequential",
           "--example", "ch01-01-sequential"]
UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}


def cpu_bound(n):
    return sum(range(n * 1_000_000))


def python_total():
    start = time.perf_counter()
    for n in NUMBERS:
        cpu_bound(n)
    return time.perf_counter() - start


def rust_total():
    """Runs the Rust example once and reads its `total: 41.2 ms for [...]` line."""
    out = subprocess.run(EXAMPLE, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("total: "))
    value, unit = line.split()[1:3]
    return float(value) * UNITS[unit]


def spread(values):
    return (f"{statistics.median(values) * 1000:8.1f} ms "
            f"({min(values) * 1000:.1f}..{max(values) * 1000:.1f})")


def main():
    rust_total()  # build the example first, outside the measurement
    python, rust = [], []
    for _ in range(RUNS):  # taking turns, so that both sides meet the same disturbances
        python.append(python_total())
        rust.append(rust_total())
    print(f"cpu_bound(n) for n in {NUMBERS}, one after the other; median (min..max) of {RUNS} runs")
    print(f"CPython sum(range(...))          {spread(python)}")
    print(f"Rust, release, black_box loop    {spread(rust)}")
    ratio = statistics.median(python) / statistics.median(rust)
    print(f"CPython / Rust, medians          {ratio:8.0f}x "
          f"(extremes {min(python) / max(rust):.0f}x..{max(python) / min(rust):.0f}x)")


if __name__ == "__main__":
    main()
