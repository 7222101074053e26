"""What the tutorial does not say about Process, shown on CPython 3.11 (Linux, start method
fork): the order of calls it enforces at run time, exitcode, terminate(), and daemons.
Standard library only.

Run: python3 crates/ch07-process-trait/python/process_rules.py
"""
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def nothing():
    pass


def attempt(label, action):
    """Runs `action` and prints what it raised, or that it returned."""
    try:
        action()
        print(f"{label}: no error")
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {e}")


# ANCHOR: order
def order_of_calls():
    p = mp.Process(target=nothing)
    attempt("join() before start()", p.join)
    p.start()
    attempt("daemon = True after start()", lambda: setattr(p, "daemon", True))
    p.join()
    attempt("start() a second time", p.start)
    p.close()
    attempt("is_alive() after close()", p.is_alive)
# ANCHOR_END: order


def raises():
    sys.stderr = open(os.devnull, "w")  # keep the child's traceback out of this output
    raise ValueError("uncaught")


def exits(code):
    sys.exit(code)


def sleeps():
    time.sleep(60)


# ANCHOR: exitcode
def exit_codes():
    p = mp.Process(target=sleeps)
    p.start()
    print(f"while running:      exitcode = {p.exitcode}")
    p.kill()
    p.join()
    print(f"after kill():       exitcode = {p.exitcode}  (SIGKILL is {int(signal.SIGKILL)})")
    for label, target, args in [
        ("returned", nothing, ()),
        ("uncaught exception", raises, ()),
        ("sys.exit(3)", exits, (3,)),
        ("sys.exit('text')", exits, ("text",)),
    ]:
        p = mp.Process(target=target, args=args)
        if label.startswith("sys.exit('"):
            sys.stderr.flush()
            saved = os.dup(2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # the text goes to stderr
        p.start()
        p.join()
        if label.startswith("sys.exit('"):
            os.dup2(saved, 2)
        print(f"{label + ':':<20}exitcode = {p.exitcode}")
    p = mp.Process(target=sleeps)
    p.start()
    p.terminate()
    p.join()
    print(f"after terminate():  exitcode = {p.exitcode}  (SIGTERM is {int(signal.SIGTERM)})")
# ANCHOR_END: exitcode


def cleans_up(marker, ready, grandchild_pid):
    g = mp.Process(target=sleeps)  # a grandchild of the test
    g.start()
    grandchild_pid.value = g.pid
    try:
        ready.set()
        time.sleep(60)
    finally:
        with open(marker, "w") as f:
            f.write("cleaned up")


def state_of(pid):
    """The state letter and parent pid of `pid`, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        after = f.read().rsplit(")", 1)[1].split()
    return after[0], int(after[1])


def gone(pid, label):
    try:
        os.kill(pid, 0)
        print(f"{label} still exists")
    except ProcessLookupError:
        print(f"{label} gone (its parent terminated and reaped it)")


def still_alive(pid, label):
    state, ppid = state_of(pid)
    parent = "this script" if ppid == os.getpid() else f"pid {ppid}"
    alive = "a zombie" if state == "Z" else "still alive"
    print(f"{label} is {alive}, now a child of {parent}")
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


# ANCHOR: terminate
def terminate_skips_cleanup():
    ready = mp.Event()
    grandchild_pid = mp.Value("i", 0)
    with tempfile.TemporaryDirectory() as tmp:
        marker = os.path.join(tmp, "marker")
        p = mp.Process(target=cleans_up, args=(marker, ready, grandchild_pid))
        p.start()
        ready.wait()
        p.terminate()
        p.join()
        print(f"terminate(): exitcode = {p.exitcode}, "
              f"finally block ran: {os.path.exists(marker)}")
    still_alive(grandchild_pid.value, "its own child")
# ANCHOR_END: terminate


def starts_daemon(pids, then_sleep):
    d = mp.Process(target=sleeps, daemon=True)
    d.start()
    pids.put(d.pid)
    if then_sleep:
        time.sleep(60)


def daemon_with_child():
    try:
        mp.Process(target=nothing).start()
    except AssertionError as e:
        print(f"a daemon that starts a child: AssertionError: {e}", flush=True)


# ANCHOR: daemon
def daemons():
    # A daemon may not start children of its own.
    p = mp.Process(target=daemon_with_child, daemon=True)
    p.start()
    p.join()
    # The parent of a daemon returns normally: it terminates its daemon on the way out.
    pids = mp.Queue()
    middle = mp.Process(target=starts_daemon, args=(pids, False))
    middle.start()
    daemon = pids.get()
    middle.join()
    gone(daemon, "daemon of a parent that returned:")
    # The parent of a daemon is killed: nobody terminates the daemon.
    middle = mp.Process(target=starts_daemon, args=(pids, True))
    middle.start()
    daemon = pids.get()
    middle.kill()
    middle.join()
    still_alive(daemon, "daemon of a parent killed by SIGKILL:")
# ANCHOR_END: daemon


def main():
    # Orphans become children of this script, not of init: we can wait for them.
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed: this script needs Linux")
    print(f"CPython {sys.version.split()[0]}, start method {mp.get_start_method()}")
    order_of_calls()
    exit_codes()
    terminate_skips_cleanup()
    daemons()


if __name__ == "__main__":
    main()
