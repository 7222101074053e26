"""SPMD with mpi4py: one program, N ranks.  mpirun -n 4 python3 spmd.py

The counterpart of examples/ch09-01-spmd.rs: a ring of point-to-point messages, then
broadcast, scatter, gather and reduce. Rank 0 prints for everyone.
"""
import sys

try:
    from mpi4py import MPI
except ImportError:
    print("skipped: mpi4py is not installed (pip install mpi4py; it needs an MPI library)")
    sys.exit(0)

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()

# Point to point, a ring. Lower-case methods send any picklable object.
nxt, previous = (rank + 1) % size, (rank - 1) % size
if rank % 2 == 0:
    comm.send(rank, dest=nxt)
    from_previous = comm.recv(source=previous)
else:
    from_previous = comm.recv(source=previous)
    comm.send(rank, dest=nxt)

numbers_len = comm.bcast(4 if rank == 0 else None, root=0)
mine = comm.scatter([10 * (r + 1) for r in range(size)] if rank == 0 else None,
                    root=0)
reports = comm.gather((rank, from_previous, numbers_len, mine), root=0)
total = comm.reduce(mine, op=MPI.SUM, root=0)

if rank == 0:
    print(f"{size} ranks")
    for r, got, n, m in reports:
        print(f"rank {r}: received {got} from the previous rank, "
              f"broadcast {n}, scattered {m}")
    print(f"reduce (sum of the scattered numbers): {total}")
