"""ThreadPoolExecutor's own broken pool: an initializer that fails.

`ThreadPoolExecutor(initializer=f)` runs f() in each worker thread before its first task (to
open a connection, say). If it raises in one thread, the pool is broken: every queued future
fails with BrokenThreadPool, later submits raise it, and a task already running elsewhere
finishes normally. Exercise 2 builds this rule in Rust.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.thread import BrokenThreadPool

logging.disable(logging.CRITICAL)  # CPython logs the initializer's traceback: keep output short

first_started = threading.Event()
all_queued = threading.Event()
release_first = threading.Event()
initializers = 0
lock = threading.Lock()


def initializer():
    global initializers
    with lock:
        initializers += 1
        mine = initializers
    if mine == 2:
        # The second worker fails once the first runs a task and all three tasks are queued:
        # failing earlier would make one of the three submits raise instead (a race that once
        # left this script hanging at exit, its first worker still waiting for release_first).
        all_queued.wait()
        raise ConnectionError("no database")


def long_task():
    first_started.set()
    release_first.wait()
    return "the running task finished"


if __name__ == "__main__":
    executor = ThreadPoolExecutor(2, initializer=initializer)
    running = executor.submit(long_task)
    first_started.wait()
    queued = [executor.submit(str, i) for i in range(3)]
    all_queued.set()
    for f in queued:
        try:
            f.result()
        except BrokenThreadPool as e:
            print(f"queued future: {type(e).__name__}: {e}")
    try:
        executor.submit(str, 0)
    except BrokenThreadPool as e:
        print(f"later submit: {type(e).__name__}: {e}")
    release_first.set()
    print(f"running future: {running.result()}")
    executor.shutdown()
