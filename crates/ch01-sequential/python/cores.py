"""How many cores? What Python's standard library reports.

Run: python3 crates/ch01-sequential/python/cores.py
"""

import os

# ANCHOR: main
# Every CPU the operating system has online, whatever this process may use.
print(f"os.cpu_count()               = {os.cpu_count()}")

# The CPUs this process may run on (Linux; honours taskset, not cgroup quotas).
if hasattr(os, "sched_getaffinity"):
    print(f"len(os.sched_getaffinity(0)) = {len(os.sched_getaffinity(0))}")

# Python 3.13 added the question most programs mean: how many CPUs may I use?
if hasattr(os, "process_cpu_count"):
    print(f"os.process_cpu_count()       = {os.process_cpu_count()}")
# ANCHOR_END: main
