"""CPython refuses join() on a pool that is still open: join() waits for workers that end only
once the pool is closed, so it raises ValueError instead of waiting forever."""

from multiprocessing import Pool

if __name__ == "__main__":
    pool = Pool(1)
    try:
        pool.join()
    except ValueError as e:
        print(f"pool.join() before pool.close(): ValueError: {e}")
    pool.close()
    pool.join()
    print("pool.close(); pool.join(): returns")
