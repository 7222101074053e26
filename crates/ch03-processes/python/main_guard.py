"""The tutorials' missing `if __name__ == "__main__":` guard, under each start method.

The program of processes.py, written the way the tutorials write it: at the top level of the
module, with no guard. Under fork (Linux's default through 3.13) it works. Under spawn (the
default on Windows and macOS), and under forkserver from 3.11 to 3.13.7, every child imports the
main module again, runs the top-level code again, reaches `p.start()` while it is still
starting up, and dies with multiprocessing's bootstrapping RuntimeError. The parent does not
notice: it prints a time, short and meaningless, and exits with status 0. (From 3.14 and
3.13.8, forkserver's server imports the main module instead, gh-126631, and dies of the same
error there; the parent's start() then fails.)

Each variant runs as its own program (a subprocess), a few times; the start method is set by
one line added at the top. CPython 3.11+, Linux, standard library only.
Run: python3 crates/ch03-processes/python/main_guard.py
"""
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap

REPEATS = 3

UNGUARDED = """\
# ANCHOR: unguarded
import time
from multiprocessing import Process

def cpu_bound(n):
    return sum(range(n * 1_000_000))

numbers = [11, 23, 53, 34]
start = time.perf_counter()
processes = [Process(target=cpu_bound, args=(n,)) for n in numbers]
for p in processes:
    p.start()
for p in processes:
    p.join()
print(f"one process per number: {time.perf_counter() - start:.3f} s")
# ANCHOR_END: unguarded
"""

def with_guard(program):
    """The same program with its top-level work under `if __name__ == "__main__":`."""
    definitions, work = program.split("numbers = ", 1)
    guarded = textwrap.indent("numbers = " + work, "    ")
    return definitions + 'if __name__ == "__main__":\n' + guarded


def choosing(method):
    # force=True: a spawned child runs this line again, after multiprocessing has already set
    # its start method; without force that would raise a different RuntimeError first.
    return f"import multiprocessing\nmultiprocessing.set_start_method({method!r}, force=True)\n"


def run(source, folder):
    """Runs `source` as a program's main module; returns (exit code, stdout, stderr)."""
    path = os.path.join(folder, "tutorial.py")
    with open(path, "w") as f:
        f.write(source)
    done = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def seconds(stdout):
    found = re.search(r"one process per number: ([0-9.]+) s", stdout)
    return float(found.group(1)) if found else None


def clean_message(stderr):
    """The RuntimeError's text as one child wrote it, or None if another child's lines cut
    into it (they write at the same time)."""
    if "RuntimeError:" not in stderr:
        return None
    text = stderr[stderr.index("RuntimeError:"):]
    end = text.find("executable.")
    text = text[:end + len("executable.")] if end >= 0 else ""
    return text if text and "Traceback" not in text and "File " not in text else None


def spread(values):
    return f"{statistics.median(values):.3f} s ({min(values):.3f}..{max(values):.3f})"


def main():
    print(f"CPython {platform.python_version()} on {sys.platform}, {os.cpu_count()} cores; "
          f"each program run {REPEATS} times")
    print("| start method | guard | exit status | children that raised RuntimeError, per run "
          "| time printed: median (min..max) |")
    print("|---|---|---|---|---|")
    message = None
    with tempfile.TemporaryDirectory() as folder:
        for method, guarded in [("fork", False), ("spawn", False), ("forkserver", False),
                                ("spawn", True), ("forkserver", True)]:
            source = choosing(method) + (with_guard(UNGUARDED) if guarded else UNGUARDED)
            codes, failed, times = set(), set(), []
            for _ in range(REPEATS):
                code, out, err = run(source, folder)
                codes.add(code)
                # Children write their tracebacks at once, and their pieces interleave: even
                # "RuntimeError:" can come out torn ("^^RuntimeError^:"). Count a phrase from
                # the middle of the message instead (whole in every run checked here).
                failed.add(err.count("bootstrapping phase"))
                times.append(seconds(out))
                if message is None:
                    message = clean_message(err)
            shown = spread(times) if None not in times else "nothing printed"
            print(f"| {method} | {'yes' if guarded else 'no'} | "
                  f"{', '.join(map(str, sorted(codes)))} | "
                  f"{', '.join(map(str, sorted(failed)))} of 4 | {shown} |")
    print()
    print("What each failing child wrote to stderr, after its traceback:")
    print(message)


if __name__ == "__main__":
    main()
