"""PyNEST's nest.math: functions of Parameters."""

from __future__ import annotations

from .. import _core
from ..parameters import Parameter, as_parameter


def exp(parameter) -> Parameter:
    """e to the power of the parameter."""
    return Parameter(("exp", as_parameter(parameter)._node))


def sin(parameter) -> Parameter:
    """Sine of the parameter."""
    return Parameter(("sin", as_parameter(parameter)._node))


def cos(parameter) -> Parameter:
    """Cosine of the parameter."""
    return Parameter(("cos", as_parameter(parameter)._node))


def min(parameter, value: float) -> Parameter:  # noqa: A001 - PyNEST's name
    """The smaller of the parameter and a number."""
    return Parameter(("min", float(value), as_parameter(parameter)._node))


def max(parameter, value: float) -> Parameter:  # noqa: A001 - PyNEST's name
    """The larger of the parameter and a number."""
    return Parameter(("max", float(value), as_parameter(parameter)._node))


def redraw(parameter, min: float, max: float) -> Parameter:  # noqa: A002 - PyNEST's names
    """The parameter, drawn again until it lies in [min, max] (at most 1000 tries)."""
    if float(min) > float(max):
        raise _core.BadParameterValue("nest.math.redraw: min <= max required.")
    return Parameter(("redraw", float(min), float(max), as_parameter(parameter)._node))


__all__ = ["exp", "sin", "cos", "min", "max", "redraw"]
