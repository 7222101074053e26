"""Leaving `with Pool() as pool:` calls pool.terminate(): the running task is killed, not only
the queued ones dropped.

Pool(1) gets two tasks: the first is running (it has said so) when the block ends, the second
waits in the queue. Each task records in a shared array when it starts and when it finishes.
"""

import inspect
import multiprocessing.pool
import sys
import time
from multiprocessing import Array, Pool

STARTED, FINISHED = 0, 1
marks = Array("i", 4)  # [task 0 started, task 0 finished, task 1 started, task 1 finished]


def task(k: int) -> int:
    marks[2 * k + STARTED] = 1
    time.sleep(0.5)
    marks[2 * k + FINISHED] = 1
    return k


if __name__ == "__main__":
    with Pool(1) as pool:
        running = pool.apply_async(task, (0,))
        queued = pool.apply_async(task, (1,))
        while not marks[STARTED]:  # wait until task 0 runs
            time.sleep(0.01)
    # __exit__ has called terminate(); give a surviving task more than enough time to finish.
    time.sleep(1.5)
    body = inspect.getsource(multiprocessing.pool.Pool.__exit__).splitlines()[1:]
    print(f"Python {sys.version.split()[0]}, multiprocessing.pool.Pool.__exit__ does: "
          f"{'; '.join(line.strip() for line in body)}")
    for k, name in [(0, "running"), (1, "queued")]:
        print(f"the {name} task: started {bool(marks[2 * k + STARTED])}, "
              f"finished {bool(marks[2 * k + FINISHED])}")
