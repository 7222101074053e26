"""The CPython rows of chapter 09's benchmark: mpi4py under mpirun.

Run by `cargo course bench ch09` as `python3 bench.py --bench-json`, not under mpirun: it starts
`mpirun -n 1`, `-n 2`, `-n 3` and `-n 4` on tutorial.py --bench-rank (groups "tutorial-cpython" and
"uneven-cpython") and `mpirun -n 2` on ping_pong.py --bench-rank (group "ping-pong"), and passes
their rows on: stdout holds nothing but rows. Without mpi4py or mpirun it prints no rows and says
why on stderr.
"""
import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = [("tutorial.py", 1), ("tutorial.py", 2), ("tutorial.py", 3), ("tutorial.py", 4),
        ("ping_pong.py", 2)]


def main():
    if "--bench-json" not in sys.argv:
        sys.exit("usage: python3 bench.py --bench-json   (what `cargo course bench ch09` runs)")
    if importlib.util.find_spec("mpi4py") is None:
        print("CPython rows skipped: mpi4py is not installed (Debian: python3-mpi4py; "
              "or pip install mpi4py)", file=sys.stderr)
        return
    # Open MPI refuses to run as root unless asked (containers, CI).
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    for script, ranks in RUNS:
        command = ["mpirun", "--oversubscribe", "-n", str(ranks), sys.executable,
                   os.path.join(HERE, script), "--bench-rank"]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=300, env=env, check=False)
        except FileNotFoundError:
            print("CPython rows skipped: mpirun not found (install openmpi-bin)", file=sys.stderr)
            return
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        sys.stdout.write(done.stdout)


if __name__ == "__main__":
    main()
