"""CPython's broken-pool rule: a worker killed mid-task fails the running future, every
pending one and every later submit with BrokenProcessPool. What does the message say?

Also cancel() on the running future and on each queued one. CPython feeds its workers through
a call queue of max_workers + 1 items, and marks a future "running" when it enters that queue:
the first queued future can no longer be cancelled although no worker has started it.

And a CPython 3.11 bug: when the pool breaks, its manager thread sets BrokenProcessPool on every
pending future, cancelled ones included, and dies with InvalidStateError on the first cancelled
one (python/cpython gh-107219). We catch that thread's exception to print it in order.
"""

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

manager_error = []
manager_failed = threading.Event()


def on_thread_exception(args):
    state = str(args.exc_value).split(":")[0]  # the repr after it holds an address
    manager_error.append(f"{args.exc_type.__name__}: {state} (a cancelled future)")
    manager_failed.set()


def sleep_then_pid(seconds):
    time.sleep(seconds)
    return os.getpid()


def worker_pid():
    return os.getpid()


if __name__ == "__main__":
    threading.excepthook = on_thread_exception
    with ProcessPoolExecutor(1) as executor:
        victim = executor.submit(worker_pid).result()
        running = executor.submit(sleep_then_pid, 60)
        queued = [executor.submit(sleep_then_pid, 0) for _ in range(3)]
        while not running.running():
            time.sleep(0.01)
        print(f"cancel() on the running future: {running.cancel()}")
        print(f"queued futures, running():      {[f.running() for f in queued]}")
        print(f"cancel() on each queued future: {[f.cancel() for f in queued]}")
        os.kill(victim, signal.SIGKILL)
        for name, f in [("running future", running), ("first queued", queued[0])]:
            try:
                f.result()
            except BrokenProcessPool as e:
                print(f"{name}: {type(e).__name__}: {e}")
        try:
            executor.submit(worker_pid)
        except BrokenProcessPool as e:
            print(f"later submit: {type(e).__name__}: {e}")
        if manager_failed.wait(10):
            print(f"the manager thread died: {manager_error[0]}")
