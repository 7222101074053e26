"""When and how CPython starts its forkserver, and why it is single-threaded.

The parent starts three threads first, then uses the forkserver start method. The server does
not exist until the first Process starts; then the parent starts it by fork + exec of a fresh
interpreter, which runs one thread whatever the parent runs. Every child is forked from it.
CPython 3.11+, Linux, standard library only.
Run: python3 crates/ch03-processes/python/forkserver.py
"""
import multiprocessing as mp
import os
import threading
from multiprocessing import forkserver

IMPORTED_BY = os.getpid()  # the process that ran this module's top level


def parent_of_this_child():
    """Runs in the child: who forked me, what program is it, how many threads does it run,
    and who imported the main module (the module that defines this function)?"""
    server = os.getppid()
    with open(f"/proc/{server}/cmdline", "rb") as f:
        argv = f.read().decode().split("\0")
    with open(f"/proc/{server}/stat") as f:
        server_parent = int(f.read().rsplit(")", 1)[1].split()[1])
    threads = len(os.listdir(f"/proc/{server}/task"))
    return server, server_parent, argv, threads, IMPORTED_BY == os.getpid()


# ANCHOR: main
def main():
    stop = threading.Event()
    threads = [threading.Thread(target=stop.wait) for _ in range(3)]
    for t in threads:
        t.start()
    print(f"the parent (pid {os.getpid()}) runs {threading.active_count()} threads")

    ctx = mp.get_context("forkserver")
    server = forkserver._forkserver  # CPython's module-level ForkServer instance
    print(f"forkserver before the first start: {server._forkserver_pid}")
    with ctx.Pool(1) as pool:
        pid, server_parent, argv, server_threads, child_imported = pool.apply(
            parent_of_this_child)
    print(f"after the first start: server pid {server._forkserver_pid}")
    print(f"  the child's parent is the server: {pid == server._forkserver_pid}")
    code = argv[argv.index("-c") + 1]
    print(f"  the server's program: {os.path.basename(argv[0])} -c {code[:code.index('(')]}(...)")
    print(f"  threads in the server: {server_threads}")
    print(f"  the server's parent is this program: {server_parent == os.getpid()}")
    print(f"  the main module was imported by: {'the child' if child_imported else 'the server'}")
    stop.set()
    for t in threads:
        t.join()
# ANCHOR_END: main


if __name__ == "__main__":
    main()
