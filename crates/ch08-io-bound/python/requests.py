"""Requests per second and latency against a local service with a fixed delay, in CPython.

The service is the Rust chapter's protocol (one line each way, one request per connection:
"7\n" -> wait DELAY -> "ok 7\n"), written with asyncio and run in a child process on
127.0.0.1, on a port the kernel picks. Against it, C clients at once (C = 1, 10, 100, 1000),
ROUNDS rounds each; every client opens a connection, sends one request, reads the answer:
  * threads: one threading.Thread per request;
  * executor: a ThreadPoolExecutor of 10 workers (at most 10 requests wait at once);
  * asyncio: one task per request (asyncio.gather);
  * processes: one multiprocessing.Process per request (up to 100).
Latency is measured from the start of a round to each answer. The GIL is released while a
thread waits for the network, so threads overlap their waits.
"""

import asyncio
import multiprocessing as mp
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

DELAY = 0.05
ROUNDS = 3
LEVELS = [1, 10, 100, 1000]
CAP = {"executor": 100, "processes": 100}  # above: seconds per round, see the docstring


# ANCHOR: server
async def answer(reader, writer):
    line = await reader.readline()
    try:
        request = int(line)
        await asyncio.sleep(DELAY)  # the "database"
        writer.write(f"ok {request}\n".encode())
    except ValueError:
        writer.write(f"err bad request {line!r}\n".encode())
    await writer.drain()
    writer.close()


def serve(port_out, stop):
    async def main():
        server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=4096)
        port_out.send(server.sockets[0].getsockname()[1])
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        server.close()

    asyncio.run(main())
# ANCHOR_END: server


# ANCHOR: request
def request(port, i):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"{i}\n".encode())
        reply = s.makefile().readline()
    if not reply.startswith("ok "):
        raise RuntimeError(f"the service said {reply!r}")
    return int(reply[3:])


async def request_async(port, i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{i}\n".encode())
    reply = (await reader.readline()).decode()
    writer.close()
    if not reply.startswith("ok "):
        raise RuntimeError(f"the service said {reply!r}")
    return int(reply[3:])
# ANCHOR_END: request


def round_threads(port, c, start):
    latencies = [0.0] * c

    def one(i):
        assert request(port, i) == i
        latencies[i] = time.perf_counter() - start

    threads = [threading.Thread(target=one, args=(i,)) for i in range(c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def round_executor(port, c, start, pool):
    def one(i):
        assert request(port, i) == i
        return time.perf_counter() - start

    return list(pool.map(one, range(c)))


def round_asyncio(port, c, start):
    async def one(i):
        assert await request_async(port, i) == i
        return time.perf_counter() - start

    async def main():
        return await asyncio.gather(*(one(i) for i in range(c)))

    return asyncio.run(main())


def child_request(port, i, out):
    out.put((i, request(port, i), time.perf_counter()))


def round_processes(port, c, start):
    out = mp.Queue()
    children = [mp.Process(target=child_request, args=(port, i, out)) for i in range(c)]
    for p in children:
        p.start()
    results = [out.get(timeout=30) for _ in range(c)]
    for p in children:
        p.join()
    assert sorted(r[1] for r in results) == list(range(c))
    return [r[2] - start for r in results]


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def measure(model, run, c):
    latencies, total = [], 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        latencies += run(c, start)
        total += time.perf_counter() - start
    latencies.sort()
    print(f"{model:<9} {c:>5} | {len(latencies) / total:8.0f} req/s | "
          f"p50 {percentile(latencies, 50) * 1e3:7.1f} ms | p99 {percentile(latencies, 99) * 1e3:7.1f} ms"
          f" | max {latencies[-1] * 1e3:7.1f} ms")


if __name__ == "__main__":
    port_in, port_out = mp.Pipe(duplex=False)
    stop = mp.Event()
    server = mp.Process(target=serve, args=(port_out, stop))
    server.start()
    port = port_in.recv()
    print(f"CPython {sys.version.split()[0]}; each request waits {DELAY * 1e3:.0f} ms in the service "
          f"(a child process); {ROUNDS} rounds of C requests at once per row")
    print(f"the ideal: C / {DELAY * 1e3:.0f} ms requests per second, every latency {DELAY * 1e3:.0f} ms\n")
    pool = ThreadPoolExecutor(max_workers=10)
    models = {
        "threads": lambda c, s: round_threads(port, c, s),
        "executor": lambda c, s: round_executor(port, c, s, pool),
        "asyncio": lambda c, s: round_asyncio(port, c, s),
        "processes": lambda c, s: round_processes(port, c, s),
    }
    try:
        for model, run in models.items():
            for c in LEVELS:
                if c <= CAP.get(model, c):
                    measure(model, run, c)
            print()
    finally:
        pool.shutdown()
        stop.set()
        server.join()
    print("executor stops at 100 (10 workers: 1,000 requests wait in 100 turns of 50 ms);")
    print("processes stop at 100 (one fork of CPython each)")
