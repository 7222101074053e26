"""The tutorial's cpu_bound on [11, 23, 53, 34] across ranks with mpi4py: a static split
(scatter, gather, reduce) and master/worker (rank 0 hands out tasks).

mpirun -n 4 python3 tutorial.py     (the counterpart of examples/ch09-02-tutorial.rs)

With --bench-rank (under mpirun, started by bench.py --bench-json): rank 0 prints JSON rows of
groups "tutorial-cpython" and "uneven-cpython": the same workloads at a tenth of the size (n/10:
n * 100_000 additions), sequential (on 1 rank), static split and master/worker.
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workloads",
                                "python"))
import timeline  # noqa: E402 (after the path above)

try:
    from mpi4py import MPI
except ImportError:
    MPI = None

SKIPPED = "skipped: mpi4py is not installed (pip install mpi4py; it needs an MPI library)"
NUMBERS = [11, 23, 53, 34]
# The chapter's long uneven list (decompose::uneven_tasks): 40 small tasks, then 8 large ones.
UNEVEN = [2] * 40 + [20] * 8
RUNS = 3
BENCH_RUNS = 5
TASK, STOP = 1, 2
# Additions per unit of n; --bench-rank uses a tenth.
UNIT = 1_000_000


def cpu_bound(n):
    return sum(range(n * UNIT))


def blocks(length, parts):
    """Contiguous blocks whose lengths differ by at most one, the first ones longer."""
    base, extra = divmod(length, parts)
    out, start = [], 0
    for i in range(parts):
        end = start + base + (1 if i < extra else 0)
        out.append((start, end))
        start = end
    return out


def static_split(comm, inputs, work=cpu_bound):
    size = comm.Get_size()
    chunks = [inputs[a:b] for a, b in blocks(len(inputs), size)] if comm.Get_rank() == 0 else None
    mine = comm.scatter(chunks, root=0)
    results = [work(n) for n in mine]
    gathered = comm.gather(results, root=0)
    total = comm.reduce(sum(results), op=MPI.SUM, root=0)
    if comm.Get_rank() == 0:
        return [r for part in gathered for r in part], total
    return None


def master(comm, inputs):
    results = [None] * len(inputs)
    status = MPI.Status()
    pending = list(enumerate(inputs))
    in_flight = 0
    for worker in range(1, comm.Get_size()):
        if pending:
            comm.send(pending.pop(0), dest=worker, tag=TASK)
            in_flight += 1
        else:
            comm.send(None, dest=worker, tag=STOP)
    while in_flight:
        index, value = comm.recv(source=MPI.ANY_SOURCE, status=status)
        results[index] = value
        in_flight -= 1
        worker = status.Get_source()
        if pending:
            comm.send(pending.pop(0), dest=worker, tag=TASK)
            in_flight += 1
        else:
            comm.send(None, dest=worker, tag=STOP)
    return results


def worker(comm, work=cpu_bound):
    status = MPI.Status()
    while True:
        task = comm.recv(source=0, status=status)
        if status.Get_tag() == STOP:
            return
        index, n = task
        comm.send((index, work(n)), dest=0)


def quiet_barrier(comm):
    """A barrier whose waiting ranks sleep: a rank blocked in Barrier or recv polls, keeping a
    core busy, which would slow rank 0's sequential run."""
    request = comm.Ibarrier()
    while not request.Test():
        time.sleep(0.001)


def timed(comm, run, runs=RUNS):
    times = []
    for _ in range(runs):
        quiet_barrier(comm)
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def line(name, times, sequential):
    med = statistics.median(times)
    speedup = statistics.median(sequential) / med
    print(f"{name:<14} median {med:.3f} s (min..max {min(times):.3f}..{max(times):.3f} s, "
          f"{len(times)} runs)  speedup {speedup:.2f}")


def bench_rank():
    """Under mpirun: time each variant BENCH_RUNS times; rank 0 prints one JSON row each."""
    global UNIT
    UNIT = 100_000
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    plural = "" if size == 1 else "s"
    for group, inputs in (("tutorial-cpython", NUMBERS), ("uneven-cpython", UNEVEN)):
        variants = []
        if size == 1:
            variants.append(("CPython sequential (n/10)",
                             lambda: rank == 0 and [cpu_bound(n) for n in inputs]))
        if size != 3:  # as the Rust bench: static on 1, 2, 4 ranks, master/worker on 2, 3, 4
            variants.append((f"CPython mpi4py static, {size} rank{plural} (n/10)",
                             lambda: static_split(comm, inputs)))
        if size > 1:
            variants.append((f"CPython mpi4py master/worker, {size} ranks (n/10)",
                             lambda: master(comm, inputs) if rank == 0 else worker(comm)))
        for variant, run in variants:
            run()  # untimed, as the Rust bench: a fresh process's first messages set up links
            times = timed(comm, run, BENCH_RUNS)
            if rank == 0:
                ns = sorted(t * 1e9 for t in times)
                print(json.dumps({"group": group, "variant": variant,
                                  "median_ns": statistics.median(ns), "min_ns": ns[0],
                                  "max_ns": ns[-1], "samples": len(ns)}), flush=True)


def main():
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    expected = [cpu_bound(n) for n in NUMBERS] if rank == 0 else None

    def sequential():
        if rank == 0:
            [cpu_bound(n) for n in NUMBERS]

    def statically():
        got = static_split(comm, NUMBERS)
        if rank == 0:
            assert got == (expected, sum(expected)), got

    def dynamic():
        if rank == 0:
            assert master(comm, NUMBERS) == expected
        else:
            worker(comm)

    seq = timed(comm, sequential)
    stat = timed(comm, statically)
    dyn = timed(comm, dynamic) if size > 1 else None
    if rank == 0:
        print(f"{size} ranks, cpu_bound on {NUMBERS}, {RUNS} runs each")
        line("sequential", seq, seq)
        line("static split", stat, seq)
        if dyn is None:
            print("master/worker  needs 2 ranks or more: rank 0 only hands out tasks")
        else:
            line("master/worker", dyn, seq)


def record_uneven(comm):
    """With COURSE_TIMELINE set (capture-mpi.sh sets it): one recorded run of each variant on the
    uneven list, as examples/ch09-04-uneven.rs records it. Every rank records the tasks it
    computes; rank 0 alone empties the file first (before the barrier) and writes the sections."""
    if not timeline.enabled():
        return
    rank, size = comm.Get_rank(), comm.Get_size()
    if rank == 0:
        timeline.start()
    work = timeline.Traced(cpu_bound)
    cores = os.cpu_count() or 1
    variants = [("static split", size, lambda: static_split(comm, UNEVEN, work))]
    if size > 1:
        variants.append(("master/worker (rank 0 only hands out)", size - 1,
                         lambda: master(comm, UNEVEN) if rank == 0 else worker(comm, work)))
    for label, computing, run in variants:
        quiet_barrier(comm)
        if rank == 0:
            with timeline.section(label, max(1, min(computing, cores))):
                run()
        else:
            run()
    if rank == 0:
        timeline.finish()


if __name__ == "__main__":
    if MPI is None:
        print(SKIPPED)
    elif "--bench-rank" in sys.argv:
        bench_rank()
    else:
        main()
        record_uneven(MPI.COMM_WORLD)
