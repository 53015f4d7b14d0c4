"""Three ways to sort 1e5 floats in Python, as arms of one benchy run
(sort.benchy.hcl). Each factory builds its input once, from the run's seed,
and returns the call that one timed iteration makes."""

import numpy as np


def data(config):
    return np.random.default_rng(config["seed"]).random(int(config["n"]))


def np_sort(config):
    x = data(config)
    return lambda: np.sort(x)


def np_argsort_stable(config):
    x = data(config)
    return lambda: np.argsort(x, kind="stable")


def builtin_sorted(config):
    x = data(config).tolist()  # Python floats: what sorted() sorts fastest
    return lambda: sorted(x)
