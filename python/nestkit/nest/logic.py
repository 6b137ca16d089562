"""PyNEST's nest.logic: choices between Parameters."""

from __future__ import annotations

from ..parameters import Parameter, as_parameter


def conditional(condition, param_if_true, param_if_false) -> Parameter:
    """param_if_true where condition is non-zero, else param_if_false (only the chosen one is drawn)."""
    return Parameter(
        (
            "conditional",
            as_parameter(condition)._node,
            as_parameter(param_if_true)._node,
            as_parameter(param_if_false)._node,
        )
    )


__all__ = ["conditional"]
