"""What MyProcess(...).start(); join() costs in CPython, under the fork and spawn start
methods. The child runs the tutorial's two steps, which return their values instead of
printing them (nothing goes back to the parent).
Prints a Markdown table: median of repeated runs, with the spread (min..max).

Run: python3 crates/ch07-process-trait/python/start_join.py
With --bench-json it prints rows for `cargo course bench` instead (CONTRIBUTING.md, "Benchmarks").
"""
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time

RUNS = 30


class MyProcess(mp.Process):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def step_1(self):
        return self.value + 1

    def step_2(self):
        return self.value + 2

    def run(self):
        self.step_1()
        self.step_2()


def per_start_join(method):
    mp.set_start_method(method, force=True)
    warm_up = MyProcess(2)  # warm-up (and import costs) outside the measurement
    warm_up.start()
    warm_up.join()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        p = MyProcess(2)
        p.start()
        p.join()
        times.append(time.perf_counter() - start)
        assert p.exitcode == 0
    return times


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def bench_json(group, variant, seconds):
    """One row for `cargo course bench` (format: CONTRIBUTING.md, "Benchmarks")."""
    ns = sorted(t * 1e9 for t in seconds)
    print(json.dumps({"group": group, "variant": variant, "median_ns": statistics.median(ns),
                      "min_ns": ns[0], "max_ns": ns[-1], "samples": len(ns)}))


def main():
    if "--bench-json" in sys.argv:
        for method in ("fork", "spawn"):
            bench_json("start-join", f"CPython MyProcess, {method}", per_start_join(method))
        return
    print(f"CPython {platform.python_version()} on {sys.platform}, "
          f"{os.cpu_count()} cores, {RUNS} runs each:")
    print("| start method | MyProcess(2).start(); join(): median | min..max |")
    print("|---|---:|---|")
    for method in ("fork", "spawn"):
        times = per_start_join(method)
        print(f"| {method} | {ms(statistics.median(times))} | "
              f"{ms(min(times))}..{ms(max(times))} |")


if __name__ == "__main__":
    main()
