"""Requests per second and latency against a local service with a fixed delay, in CPython.

The service is the Rust chapter's protocol (one line each way, one request per connection:
"7\n" -> wait DELAY -> "ok 7\n"), written with asyncio and run in a child process on
127.0.0.1, on a port the kernel picks. Against it, C clients at once (C = 1, 10, 100, 1000),
ROUNDS rounds each; every client opens a connection, sends one request, reads the answer:
  * processes: one multiprocessing.Process per request;
  * threads: one threading.Thread per request;
  * ThreadPoolExecutor(10): at most 10 requests wait at once;
  * asyncio: one task per request (asyncio.gather), one event loop for all rounds.
A row runs only if the machine has room for it (io_bench: tasks, descriptors, memory); a row
left out says why on stderr. Latency is measured from the start of a round to each answer.
The GIL is released while a thread waits for the network, so threads overlap their waits.

With --bench-json (what `cargo course bench ch08` runs): the same rounds, timed whole, as the
rows of the Rust benchmark's groups requests-C (the same delay, 10 ms, and the same C). The
service is this script's, in CPython: its time is in the rows too.
"""

import asyncio
import multiprocessing as mp
import os
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))  # bench_rows, the JSON rows of --bench-json

DELAY = 0.01  # the Rust benchmark's WAIT
ROUNDS = 3
LEVELS = [1, 10, 100, 1000]


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
    async def exchange():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"{i}\n".encode())
        try:
            return (await reader.readline()).decode()
        finally:
            writer.close()

    reply = await asyncio.wait_for(exchange(), timeout=10)
    if not reply.startswith("ok "):
        raise RuntimeError(f"the service said {reply!r}")
    return int(reply[3:])
# ANCHOR_END: request


def round_threads(port, c, start):
    latencies = [None] * c

    def one(i):
        try:
            assert request(port, i) == i
            latencies[i] = time.perf_counter() - start
        except Exception as e:  # a thread's exception is only printed: keep it for the caller
            latencies[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for latency in latencies:
        if not isinstance(latency, float):
            raise RuntimeError(f"a request failed: {latency!r}")
    return latencies


def round_executor(port, c, start, pool):
    def one(i):
        assert request(port, i) == i
        return time.perf_counter() - start

    return list(pool.map(one, range(c)))


def round_asyncio(port, c, start, loop=None):
    async def one(i):
        assert await request_async(port, i) == i
        return time.perf_counter() - start

    async def main():
        return await asyncio.gather(*(one(i) for i in range(c)))

    return loop.run_until_complete(main()) if loop else asyncio.run(main())


def child_request(port, i, out):
    out.put((i, request(port, i), time.perf_counter()))


def round_processes(port, c, start):
    out = mp.Queue()
    children = [mp.Process(target=child_request, args=(port, i, out)) for i in range(c)]
    try:
        for p in children:
            p.start()
        results = [out.get(timeout=30) for _ in range(c)]  # queue.Empty if a child failed
    finally:
        for p in children:
            if p.pid is not None:  # started: reaped on every path
                p.join(timeout=30)
                if p.exitcode is None:
                    p.kill()
                    p.join()
    assert sorted(r[1] for r in results) == list(range(c))
    return [r[2] - start for r in results]


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def measure(model, run, c):
    """Prints requests per second and latency percentiles of ROUNDS rounds."""
    latencies, total = [], 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        latencies += run(c, start)
        total += time.perf_counter() - start
    latencies.sort()
    print(f"{model:<22} {c:>5} | {len(latencies) / total:8.0f} req/s | "
          f"p50 {percentile(latencies, 50) * 1e3:7.1f} ms | p99 {percentile(latencies, 99) * 1e3:7.1f} ms"
          f" | max {latencies[-1] * 1e3:7.1f} ms")


def start_service():
    """The service in a child process; its port, and how to stop it."""
    port_in, port_out = mp.Pipe(duplex=False)
    stop = mp.Event()
    server = mp.Process(target=serve, args=(port_out, stop))
    server.start()
    port_out.close()  # the child's copy only: if it dies first, recv() sees end-of-file

    def stop_service():
        stop.set()
        server.join(timeout=10)
        if server.exitcode is None:
            server.kill()
            server.join()

    if not port_in.poll(30):
        stop_service()
        raise RuntimeError("the service did not start")
    return port_in.recv(), stop_service


def models(port, pool, loop):
    """(name, run(c, start), what c requests need) per model; processes first, so that they
    fork before any thread of the pool runs."""
    import io_bench
    return [
        ("processes", lambda c, s: round_processes(port, c, s),
         lambda c: dict(tasks=c, fds=c, kib=c * io_bench.KIB_PER_PROCESS)),
        ("threads", lambda c, s: round_threads(port, c, s),
         lambda c: dict(tasks=c, fds=c, kib=c * io_bench.KIB_PER_THREAD)),
        ("ThreadPoolExecutor(10)", lambda c, s: round_executor(port, c, s, pool), lambda c: {}),
        ("asyncio", lambda c, s: round_asyncio(port, c, s, loop), lambda c: dict(fds=c)),
    ]


def main(bench):
    import io_bench
    from bench_rows import bench_json
    io_bench.raise_fd_limit()  # before the service forks: it holds a socket per request
    port, stop_service = start_service()
    pool = ThreadPoolExecutor(max_workers=10)
    loop = asyncio.new_event_loop()  # one for all rounds, as the Rust side keeps one runtime
    if not bench:
        print(f"CPython {sys.version.split()[0]}; each request waits {DELAY * 1e3:.0f} ms in the "
              f"service (a child process); {ROUNDS} rounds of C requests at once per row")
        print(f"the ideal: C / {DELAY * 1e3:.0f} ms requests per second, "
              f"every latency {DELAY * 1e3:.0f} ms\n")
    try:
        for model, run, needs in models(port, pool, loop):
            for c in LEVELS:
                group = f"requests-{c}"
                if not io_bench.fits(group, f"CPython {model}", **needs(c)):
                    continue
                if bench:
                    samples = io_bench.timed(lambda: run(c, time.perf_counter()))
                    bench_json(group, f"CPython {model}", samples)
                else:
                    measure(model, run, c)
            if not bench:
                print()
    finally:
        loop.close()
        pool.shutdown()
        stop_service()


if __name__ == "__main__":
    main(bench="--bench-json" in sys.argv)
