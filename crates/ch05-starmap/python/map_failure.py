"""What CPython's Pool.map and Pool.imap do when one item raises.

map: the exception of a failed chunk is raised by get(), every other result is lost, and
nothing says which item failed. imap: the exception comes out at the failed item's position,
and the iterator goes on with the next items. And a function that cannot be pickled (a lambda)
fails only when the pool tries to send it.
"""

import re

from multiprocessing import Pool


def check(x):
    if x in (3, 7):
        raise ValueError(f"bad item {x}")
    return x * 10


if __name__ == "__main__":
    with Pool(2) as pool:
        try:
            print(pool.map(check, range(10), chunksize=2))
        except ValueError as e:
            print(f"Pool.map raised: {e!r}; no result, no index")
        out = []
        it = pool.imap(check, range(10))
        for i in range(10):
            try:
                out.append(next(it))
            except ValueError as e:
                out.append(f"<{e}>")
        print(f"Pool.imap, item by item: {out}")
        try:
            pool.map(lambda x: x + 1, range(10))
        except Exception as e:
            message = re.sub(r" at 0x[0-9a-f]+", "", str(e))  # the address changes every run
            print(f"Pool.map(lambda ...) raised {type(e).__module__}.{type(e).__name__}: {message}")
