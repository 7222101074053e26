"""What a process pool sends to its workers: pickle turns a function into its qualified name."""

import pickle
import pickletools
import threading
from multiprocessing import Pool


def square(n: int) -> int:
    return n * n


if __name__ == "__main__":
    # A module-level function pickles as a reference: module name + qualified name, no code.
    data = pickle.dumps(square)
    names = [arg for op, arg, _ in pickletools.genops(data) if isinstance(arg, str)]
    print(f"pickle.dumps(square) is {len(data)} bytes naming {names}")

    # A lambda has no importable name, so it cannot cross.
    try:
        pickle.dumps(lambda n: n * n)
    except Exception as e:  # PicklingError (AttributeError on some versions)
        print(f"pickle.dumps(lambda) fails: {type(e).__name__}: {e}")

    with Pool(1) as pool:
        print(f"threads in the parent while a Pool is open: {threading.active_count()}")
        print(f"Pool(1).apply_async(square, (7,)).get() = {pool.apply_async(square, (7,)).get()}")
        try:
            pool.apply_async(lambda n: n * n, (7,)).get()
        except Exception as e:
            print(f"Pool(1).apply_async(lambda, (7,)).get() raises {type(e).__name__}: {e}")
