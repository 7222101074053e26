"""A worker of CPython's Pool is killed mid-task: the pool replaces the worker, but the task's
result never arrives. Without a timeout, get() would wait forever; here it waits 3 seconds."""

import os
import signal
from multiprocessing import Pool, TimeoutError


def die(_: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def square(n: int) -> int:
    return n * n


if __name__ == "__main__":
    with Pool(1) as pool:
        doomed = pool.apply_async(die, (0,))
        try:
            doomed.get(timeout=3)
        except TimeoutError:
            print("get(timeout=3) on the killed worker's task: TimeoutError, no result, no error")
        print(f"the pool still serves new tasks: square(7) = {pool.apply_async(square, (7,)).get(timeout=10)}")
