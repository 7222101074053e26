"""Blocking inside asyncio: a CPU-bound call in a coroutine stops the event loop.

A ticker task counts its turns (tick, asyncio.sleep(0), again) while a CPU-bound job
(sum(range(N)), the tutorials' cpu_bound) runs:
  * inline, called from a coroutine: the loop runs nothing else until it returns;
  * loop.run_in_executor(ThreadPoolExecutor): the loop goes on, but the job holds the GIL.
    CPython asks a holder to switch after sys.getswitchinterval() (5 ms), but only its bytecode
    loop checks the request, and sum(range(N)) is one call into C: the ticker gets its turns
    only before the job takes the GIL and after it returns;
  * loop.run_in_executor(ProcessPoolExecutor): the job runs in another process with its own
    GIL; the ticker only shares the cores.
REPEATS runs each: ticks during the job and the job's time, median (min..max).
"""

import asyncio
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

N = 20_000_000
REPEATS = 5


def cpu_bound(n):
    return sum(range(n))


# ANCHOR: ticker
async def ticks_during(place):
    ticks = 0
    stop = False

    async def ticker():
        nonlocal ticks
        while not stop:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # the ticker starts
    before, start = ticks, time.perf_counter()
    result = await place(cpu_bound, N)
    elapsed = time.perf_counter() - start
    during = ticks - before
    stop = True
    await task
    assert result == N * (N - 1) // 2
    return during, elapsed
# ANCHOR_END: ticker


async def main():
    loop = asyncio.get_running_loop()
    threads, processes = ThreadPoolExecutor(1), ProcessPoolExecutor(1)
    await loop.run_in_executor(processes, cpu_bound, 1)  # warm: the worker is started

    async def inline(f, n):
        return f(n)

    places = {
        "inline in a coroutine": inline,
        "run_in_executor(threads)": lambda f, n: loop.run_in_executor(threads, f, n),
        "run_in_executor(processes)": lambda f, n: loop.run_in_executor(processes, f, n),
    }
    print(f"CPython {sys.version.split()[0]}; job: sum(range({N:,})); "
          f"switch interval {sys.getswitchinterval() * 1e3:.0f} ms; "
          f"median (min..max) of {REPEATS} runs\n")
    for name, place in places.items():
        runs = [await ticks_during(place) for _ in range(REPEATS)]
        ticks = [r[0] for r in runs]
        times = [r[1] * 1e3 for r in runs]
        print(f"{name:<27} ticks during the job: {statistics.median(ticks):>8.0f} "
              f"({min(ticks)}..{max(ticks)}), job {statistics.median(times):6.1f} ms "
              f"({min(times):.1f}..{max(times):.1f})")
    threads.shutdown()
    processes.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
