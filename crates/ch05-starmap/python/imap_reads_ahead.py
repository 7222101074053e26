"""How far ahead of its workers CPython's imap_unordered reads its input.

An endless generator of items, a task that sleeps 10 ms, 2 workers. After the first result and
one more second, we print how many items the pool has read from the generator: the workers
can finish about 200 in that time. A ThreadPool's task handler thread reads on without limit; a
process Pool's stops when the pipe to its workers is full.
"""

import itertools
import time
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

read = 0


def endless():
    global read
    for i in itertools.count():
        read += 1
        yield i


def nap(x):
    time.sleep(0.01)
    return x


if __name__ == "__main__":
    for pool_class in (ThreadPool, Pool):
        read = 0
        with pool_class(2) as pool:
            results = pool.imap_unordered(nap, endless())
            next(results)
            time.sleep(1.0)
            print(f"{pool_class.__name__}(2): {read} items read from the input "
                  f"1 s after the first result "
                  f"(2 workers of 10 ms tasks finish about 200 in that time)")
            pool.terminate()
