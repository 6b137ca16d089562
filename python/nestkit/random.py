"""Random parameters for weights and delays (PyNEST's nest.random).

Each returns a small descriptor; the C++ core draws the values from
counter-based streams, so results do not depend on the number of threads.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RandomParameter:
    kind: str
    a: float
    b: float = 0.0

    @property
    def _nestkit_distribution(self):
        return (self.kind, float(self.a), float(self.b))


def uniform(min: float = 0.0, max: float = 1.0) -> RandomParameter:  # noqa: A002 - PyNEST's names
    return RandomParameter("uniform", min, max)


def normal(mean: float = 0.0, std: float = 1.0) -> RandomParameter:
    return RandomParameter("normal", mean, std)


def lognormal(mean: float = 0.0, std: float = 1.0) -> RandomParameter:
    return RandomParameter("lognormal", mean, std)


def exponential(beta: float = 1.0) -> RandomParameter:
    return RandomParameter("exponential", beta)


def uniform_int(max: int) -> RandomParameter:  # noqa: A002
    return RandomParameter("uniform_int", max)


__all__ = ["RandomParameter", "uniform", "normal", "lognormal", "exponential", "uniform_int"]
