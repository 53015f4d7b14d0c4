"""Factories for the python {} runner's tests: one that works and one for
each kind of bad input (cmd/benchy/python_test.go)."""

import os
import sys
import time


def ok(config):
    n = config["n"]
    return lambda: sum(range(n))


def raise_setup(config):
    raise ValueError("no such batch size: %r" % config.get("batch"))


def raise_call(config):
    def call():
        raise RuntimeError("the kernel broke")
    return call


def hang(config):
    def call():
        sys.stderr.write("hang: going to sleep\n")
        sys.stderr.flush()
        time.sleep(3600)
    return call


def prints(config):
    print("setup chatter on stdout")
    def call():
        print("call chatter on stdout")
        os.write(1, b"raw bytes on fd 1\n")
    return call


def exits(config):
    state = {"calls": 0}
    def call():
        state["calls"] += 1
        if state["calls"] == 3:
            sys.stderr.write("exits: leaving in the middle of a block\n")
            sys.stderr.flush()
            os._exit(3)
    return call


def sys_exit(config):
    def call():
        sys.exit(4)
    return call


def not_callable(config):
    return 42
