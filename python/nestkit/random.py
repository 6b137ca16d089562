"""Random parameters (PyNEST's nest.random).

Each returns a Parameter; the C++ core draws the values from counter-based
streams, so results do not depend on the number of threads.
"""

from __future__ import annotations

from .parameters import Parameter

# Older name of the class these functions return.
RandomParameter = Parameter


def uniform(min: float = 0.0, max: float = 1.0) -> Parameter:  # noqa: A002 - PyNEST's names
    return Parameter(("uniform", float(min), float(max)))


def normal(mean: float = 0.0, std: float = 1.0) -> Parameter:
    return Parameter(("normal", float(mean), float(std)))


def lognormal(mean: float = 0.0, std: float = 1.0) -> Parameter:
    return Parameter(("lognormal", float(mean), float(std)))


def exponential(beta: float = 1.0) -> Parameter:
    return Parameter(("exponential", float(beta)))


def uniform_int(max: int) -> Parameter:  # noqa: A002
    return Parameter(("uniform_int", float(max)))


__all__ = ["RandomParameter", "uniform", "normal", "lognormal", "exponential", "uniform_int"]
