"""Chapter 02: when does CPython hand the GIL to another thread? A ticker thread finds out.

Run: python3 crates/ch02-threads/python/gil_ticks.py [n]
(`n` as in cpu_bound(n): n million additions; 53, the tutorial's largest task, by default.)

A second thread wakes every millisecond and notes the time. It needs the GIL to do so. While the
main thread runs one `sum(range(...))`, a single C call that runs no bytecode, the holder never
reaches a point where it could let go: the ticker waits until the call returns. While the main
thread runs a bytecode loop over the same range, the holder lets go at the next bytecode after
the ticker has waited for the switch interval (5 ms), so the ticker runs hundreds of times, but
several times less often than when the main thread only sleeps (the convoy effect).
C code that releases the GIL, like hashlib on a large buffer, lets the ticker run freely.
Standard library only.
"""

import hashlib
import statistics
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 53
RUNS = 5


# ANCHOR: work
def one_c_call(n):
    # builtins.sum iterates the range in C: no bytecode runs until it returns.
    return sum(range(n * 1_000_000))


def bytecode_loop(n):
    # The same additions, one trip through the interpreter's loop for each.
    total = 0
    for i in range(n * 1_000_000):
        total += i
    return total


def sleeping(n):
    # The main thread waits and holds nothing: the ticker's own pace.
    time.sleep(n / 50)


BUFFER = bytes(512 * 1024 * 1024)


def hashing(n):
    # C code that releases the GIL while it works (hashlib does for data of 2 KiB
    # and more).
    return hashlib.sha256(BUFFER).digest()
# ANCHOR_END: work


# ANCHOR: ticker
def ticks_during(work, n):
    """Runs work(n) while another thread ticks every 1 ms; returns the seconds it
    took, the ticks that happened inside it, and the longest time the ticker went
    without a tick."""
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            time.sleep(0.001)  # sleeping releases the GIL; waking up needs it back
            ticks.append(time.perf_counter())

    thread = threading.Thread(target=ticker)
    thread.start()
    time.sleep(0.05)  # let the ticker get going
    start = time.perf_counter()
    work(n)
    end = time.perf_counter()
    time.sleep(0.05)
    stop.set()
    thread.join()
    inside = [t for t in ticks if start < t < end]
    edges = [start] + inside + [end]
    longest = max(b - a for a, b in zip(edges, edges[1:]))
    return end - start, len(inside), longest
# ANCHOR_END: ticker


def spread(values, fmt):
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{fmt(mid)} ({fmt(low)}..{fmt(high)})"


def main():
    print(f"CPython {sys.version.split()[0]}, switch interval "
          f"{sys.getswitchinterval() * 1000:.0f} ms, a ticker thread that sleeps 1 ms per tick")
    print(f"n = {N}: {N}_000_000 additions; median (min..max) of {RUNS} runs\n")
    print(f"{'main thread runs':<28} {'time':>24} {'ticks inside':>16} {'ticks per s':>16} "
          f"{'longest wait for a tick':>26}")
    rows = [(f"time.sleep({N / 50:g})", sleeping),
            ("sum(range(...)), one C call", one_c_call),
            ("for loop, bytecode", bytecode_loop),
            ("sha256 of 512 MiB", hashing)]
    for name, work in rows:
        runs = [ticks_during(work, N) for _ in range(RUNS)]
        took = spread([r[0] for r in runs], lambda s: f"{s:.2f} s")
        ticks = spread([r[1] for r in runs], lambda c: f"{c:g}")
        rate = spread([r[1] / r[0] for r in runs], lambda r: f"{r:.0f}")
        longest = spread([r[2] for r in runs], lambda s: f"{s * 1000:.0f} ms")
        print(f"{name:<28} {took:>24} {ticks:>16} {rate:>16} {longest:>26}")


if __name__ == "__main__":
    main()
