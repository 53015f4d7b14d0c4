"""The Python SDK against timeit, side by side, with one interpreter.

  /usr/bin/python3 examples/python/sdk_vs_timeit.py [ROUNDS]

For a no-op and for a ~10 µs NumPy call (np.sort of 2,000 float64), each
round runs, in alternating order: the SDK as benchy runs it (a worker
process spoken to over the protocol; the median of 2,000 iterations, each
timed on its own) and timeit in this process, twice: the median of 2,000
repeats of one call (number=1, per-call timing as the SDK does), and the
median of 20 repeats of the mean of a 200-call loop (timeit's usual use,
which spreads the clock's cost over the loop but, on a busy machine, keeps
every preemption in its means). It prints the medians and the median over
the rounds of the ratio SDK / timeit. docs/python.md quotes its output.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import timeit

SDK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python", "benchy_worker.py")

BENCH = '''
import numpy as np
def noop(config):
    return lambda: None
def np_sort(config):
    x = np.random.default_rng(config["seed"]).random(2000)
    return lambda: np.sort(x)
'''


def sdk_median(proc, n):
    proc.stdin.write(json.dumps({"op": "run", "warmup": 100, "iterations": n}) + "\n")
    proc.stdin.flush()
    r = json.loads(proc.stdout.readline())
    assert r["ok"], r
    return statistics.median(r["ns"])


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    import numpy as np
    x = np.random.default_rng(1).random(2000)
    cases = {"noop": lambda: None, "np_sort": lambda: np.sort(x)}
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "bench.py"), "w") as f:
            f.write(BENCH)
        for name, fn in cases.items():
            proc = subprocess.Popen([sys.executable, SDK, "bench.py", name], cwd=d, text=True,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            proc.stdin.write(json.dumps({"op": "setup", "protocol": 1, "seed": 1}) + "\n")
            proc.stdin.flush()
            setup = json.loads(proc.stdout.readline())
            assert setup["ok"], setup
            sdks, t1s, tls = [], [], []
            for i in range(rounds):
                steps = [0, 1, 2]
                steps = steps[i % 3:] + steps[:i % 3]
                for which in steps:
                    if which == 0:
                        sdks.append(sdk_median(proc, 2000))
                    elif which == 1:
                        t1s.append(statistics.median(timeit.repeat(fn, number=1, repeat=2000)) * 1e9)
                    else:
                        tls.append(statistics.median(timeit.repeat(fn, number=200, repeat=20)) / 200 * 1e9)
            proc.stdin.write('{"op":"close"}\n')
            proc.stdin.flush()
            proc.wait()
            r1 = [s / t for s, t in zip(sdks, t1s)]
            rl = [s / t for s, t in zip(sdks, tls)]
            print("%-8s SDK %8.1f ns | timeit number=1 %8.1f ns, SDK/timeit %.4f [%.4f, %.4f] | "
                  "timeit number=200 %8.1f ns, SDK/timeit %.4f [%.4f, %.4f] | clock_overhead_ns %s"
                  % (name, statistics.median(sdks), statistics.median(t1s), statistics.median(r1), min(r1), max(r1),
                     statistics.median(tls), statistics.median(rl), min(rl), max(rl), setup["info"]["clock_overhead_ns"]))


if __name__ == "__main__":
    main()
