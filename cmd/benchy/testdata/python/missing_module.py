import benchy_no_such_module  # noqa: F401


def f(config):
    return lambda: None
