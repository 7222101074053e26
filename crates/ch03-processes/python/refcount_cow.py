"""Copy-on-write in CPython: a child that only reads its parent's objects still copies them.

The parent builds a list of a million small lists (GC-tracked objects), then forks children
that do one thing each and report their private dirty memory (/proc/self/smaps_rollup): pages
they made their own, copy-on-write copies among them. Reading an object writes its reference
count; a garbage collection writes the GC header of every object it examines. gc.freeze() in
the parent, right before the fork, moves the objects to a permanent generation that
collections skip: it removes the second kind of write, not the first.
Memory, not time: the numbers do not depend on the machine's load.
CPython 3.11+, Linux, standard library only.
Run: python3 crates/ch03-processes/python/refcount_cow.py
"""
import gc
import os
import platform
import sys

OBJECTS = 1_000_000


def private_dirty_kib():
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1])
    raise RuntimeError("no Private_Dirty line in /proc/self/smaps_rollup")


def in_child(work):
    """Forks a child that runs work(), then sends back its private dirty memory in KiB."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        work()
        os.write(write_end, str(private_dirty_kib()).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        kib = int(f.read())
    os.waitpid(pid, 0)
    return kib


# ANCHOR: work
def nothing():
    pass


def read_every_object(data):
    # each step takes and drops a reference: item's refcount is written
    for item in data:
        pass


def collect():
    # examines every tracked object it does not skip: writes each GC header
    gc.collect()
# ANCHOR_END: work


def main():
    gc.disable()  # no automatic collection in the parent or the children: only ours
    data = [[i] for i in range(OBJECTS)]
    print(f"CPython {platform.python_version()} on {sys.platform}; "
          f"{OBJECTS:,} small lists, {gc.is_tracked(data[0]) and 'tracked' or 'untracked'} by the GC")
    print("| parent before the fork | the child | the child's private dirty memory, "
          "beyond an idle child's |")
    print("|---|---|---|")
    idle = in_child(nothing)
    # ANCHOR: freeze
    for frozen in (False, True):
        if frozen:
            # every tracked object, `data`'s lists included, goes to the permanent
            # generation
            gc.freeze()
        for name, work in [("reads every object", lambda: read_every_object(data)),
                           ("runs gc.collect()", collect)]:
            extra_mib = (in_child(work) - idle) / 1024
            before = 'gc.freeze()' if frozen else 'nothing'
            print(f"| {before} | {name} | {extra_mib:.1f} MiB |")
    # ANCHOR_END: freeze
    print(f"(an idle child: {idle / 1024:.1f} MiB private; "
          f"objects frozen: {gc.get_freeze_count():,})")


if __name__ == "__main__":
    main()
