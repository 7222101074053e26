"""The tutorial's MyProcess: a Process subclass whose run() calls two steps.
CPython 3.11+, standard library only.

Run: python3 crates/ch07-process-trait/python/my_process.py
"""
from multiprocessing import Process


# ANCHOR: my_process
class MyProcess(Process):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def step_1(self):
        print(self.value + 1)

    def step_2(self):
        print(self.value + 2)

    def run(self):
        self.step_1()
        self.step_2()
# ANCHOR_END: my_process


# ANCHOR: state
class Counter(Process):
    def __init__(self):
        super().__init__()
        self.count = 0

    def run(self):
        self.count += 10
        self.result = "done"
        print(f"in the child:  count = {self.count}, result = {self.result!r}",
              flush=True)
# ANCHOR_END: state


def main():
    # ANCHOR: tutorial
    p = MyProcess(2)
    p.start()
    p.join()
    # ANCHOR_END: tutorial
    print(f"exitcode = {p.exitcode}")

    c = Counter()
    c.start()
    c.join()
    print(f"in the parent: count = {c.count}, result = {getattr(c, 'result', '<no attribute>')!r}")


if __name__ == "__main__":
    main()
