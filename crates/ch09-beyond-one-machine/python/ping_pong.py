"""What a message costs with mpi4py: ranks 0 and 1 bounce a bytearray from 8 B to 64 MB.

mpirun -n 2 python3 ping_pong.py     (the counterpart of examples/ch09-03-ping-pong.rs)

Upper-case Send/Recv pass the buffer itself, as the Rust version does; lower-case send/recv
would pickle it, a copy each way.

With --bench-rank (under `mpirun -n 2`, started by bench.py --bench-json): rank 0 prints JSON
rows of group "ping-pong", the one-way time from 8 B to 64 MiB, as the Rust bench measures it.
"""
import json
import statistics
import sys
import time

try:
    from mpi4py import MPI
except ImportError:
    print("skipped: mpi4py is not installed (pip install mpi4py; it needs an MPI library)")
    sys.exit(0)

REPEATS = 7


def ping_pong(comm, buffer, round_trips):
    rank = comm.Get_rank()
    if rank == 0:
        start = time.perf_counter()
        for _ in range(round_trips):
            comm.Send([buffer, MPI.BYTE], dest=1)
            comm.Recv([buffer, MPI.BYTE], source=1)
        return (time.perf_counter() - start) / (2 * round_trips)
    if rank == 1:
        for _ in range(round_trips):
            comm.Recv([buffer, MPI.BYTE], source=0)
            comm.Send([buffer, MPI.BYTE], dest=0)
    return None


def short(seconds):
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            decimals = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{decimals}f} {unit}"


def main():
    comm = MPI.COMM_WORLD
    if comm.Get_size() < 2:
        print("ping-pong needs 2 ranks: mpirun -n 2 python3 ping_pong.py", file=sys.stderr)
        sys.exit(2)
    if comm.Get_rank() == 0:
        print(f"one-way time of a message between ranks 0 and 1, {REPEATS} repeats")
    for nbytes in [8 << k for k in range(0, 22, 3)] + [64 << 20]:
        buffer = bytearray(nbytes)
        round_trips = (1 << 20) // max(nbytes, 1 << 10) + 2
        ping_pong(comm, buffer, round_trips)  # warm-up
        times = [ping_pong(comm, buffer, round_trips) for _ in range(REPEATS)]
        if comm.Get_rank() == 0:
            med = statistics.median(times)
            print(f"{nbytes:>9} B  median {short(med)} (min..max {short(min(times))}.."
                  f"{short(max(times))}, {REPEATS} runs)  {nbytes / med / 1e6:>8.1f} MB/s  "
                  f"({round_trips} round trips per repeat)")


def bench_rank():
    comm = MPI.COMM_WORLD
    for nbytes, label in ((8, "8 B"), (1 << 10, "1 KiB"), (64 << 10, "64 KiB"), (1 << 20, "1 MiB"),
                          (64 << 20, "64 MiB")):
        buffer = bytearray(nbytes)
        round_trips = (1 << 20) // max(nbytes, 1 << 10) + 2
        ping_pong(comm, buffer, round_trips)  # warm-up
        times = [ping_pong(comm, buffer, round_trips) for _ in range(REPEATS)]
        if comm.Get_rank() == 0:
            ns = sorted(t * 1e9 for t in times)
            print(json.dumps({"group": "ping-pong", "variant": f"CPython mpi4py {label}",
                              "median_ns": statistics.median(ns), "min_ns": ns[0],
                              "max_ns": ns[-1], "samples": len(ns)}), flush=True)


if __name__ == "__main__":
    if "--bench-rank" in sys.argv:
        bench_rank()
    else:
        main()
