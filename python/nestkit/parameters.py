"""Parameter objects (PyNEST's nest.Parameter) and their arithmetic.

A Parameter is an expression tree whose leaves are constants or random
distributions. It is handed to the C++ core as a nested tuple
(``_nestkit_distribution``), which draws its values from counter-based streams,
so results do not depend on the number of threads.
"""

from __future__ import annotations

import itertools
import numbers

_draws = itertools.count()

# PyNEST's CreateParameter types and the order of their numeric arguments.
_LEAVES = {
    "constant": ("value",),
    "uniform": ("min", "max"),
    "normal": ("mean", "std"),
    "lognormal": ("mean", "std"),
    "exponential": ("beta",),
    "uniform_int": ("max",),
}


class Parameter:
    """A value computed per node or per connection: a constant, a random
    distribution, or an expression of these (``+ - * / **``, comparisons,
    ``nest.math``, ``nest.logic``)."""

    __slots__ = ("_node",)

    def __init__(self, node):
        if not isinstance(node, tuple) or not node or not isinstance(node[0], str):
            raise TypeError("Parameters are created with nest.random, nest.math, nest.logic or CreateParameter")
        self._node = node

    @property
    def _nestkit_distribution(self):
        return self._node

    @staticmethod
    def _arg(arg) -> tuple:
        if isinstance(arg, Parameter):
            return arg._node
        if isinstance(arg, numbers.Real):
            return ("constant", float(arg))
        raise NotImplementedError(f"cannot combine a Parameter with {type(arg).__name__}")

    def _binary(self, op, other):
        return Parameter((op, self._node, self._arg(other)))

    def __add__(self, other):
        return self._binary("add", other)

    def __radd__(self, lhs):
        return Parameter(("add", self._arg(lhs), self._node))

    def __sub__(self, other):
        return self._binary("sub", other)

    def __rsub__(self, lhs):
        return Parameter(("sub", self._arg(lhs), self._node))

    def __mul__(self, other):
        return self._binary("mul", other)

    def __rmul__(self, lhs):
        return Parameter(("mul", self._arg(lhs), self._node))

    def __truediv__(self, other):
        return self._binary("div", other)

    def __rtruediv__(self, lhs):
        return Parameter(("div", self._arg(lhs), self._node))

    def __pos__(self):
        return self

    def __neg__(self):
        return Parameter(("neg", self._node))

    def __pow__(self, exponent):
        return Parameter(("pow", float(exponent), self._node))

    def __lt__(self, other):
        return self._binary("lt", other)

    def __le__(self, other):
        return self._binary("le", other)

    def __eq__(self, other):
        return self._binary("eq", other)

    def __ne__(self, other):
        return self._binary("ne", other)

    def __ge__(self, other):
        return self._binary("ge", other)

    def __gt__(self, other):
        return self._binary("gt", other)

    __hash__ = object.__hash__

    def GetValue(self) -> float:
        """One value of the parameter; each call draws anew from the kernel's seed."""
        from . import _core
        from .nest import _kernel_attrs

        return _core.parameter_value(self._node, int(_kernel_attrs.get("rng_seed")), next(_draws))

    def is_spatial(self) -> bool:
        """Whether the value depends on the positions of a connection's nodes."""
        pending = [self._node]
        while pending:
            node = pending.pop()
            if node[0] in ("distance", "source_pos", "target_pos"):
                return True
            pending.extend(a for a in node[1:] if isinstance(a, tuple))
        return False

    def apply(self, spatial_nc, positions=None):
        """Values for connections from the single node `spatial_nc` to each of `positions`
        (PyNEST's Parameter.apply; spatial parameters only)."""
        from .nest import _spatial_api

        return _spatial_api.apply_parameter(self, spatial_nc, positions)

    def __repr__(self) -> str:
        return f"<nest.Parameter {self._node!r}>"


def CreateParameter(parametertype: str, specs: dict | None = None) -> Parameter:
    """A constant or random Parameter by name, e.g. ``CreateParameter("normal", {"mean": 0.0, "std": 1.0})``."""
    from . import _core  # the errors are NEST's (and ValueErrors)

    if isinstance(parametertype, Parameter):
        return parametertype
    kinds = {**_LEAVES, "distance": ("dimension",)}
    if parametertype not in kinds:
        raise ValueError(f"nestkit supports CreateParameter types {', '.join(sorted(kinds))}; got '{parametertype}'")
    specs = dict(specs or {})
    names = kinds[parametertype]
    unknown = set(specs) - set(names)
    if unknown:
        raise _core.UnknownParameter(
            f"CreateParameter('{parametertype}'): unknown keys {sorted(unknown)}; expected {list(names)}"
        )
    if parametertype == "distance":  # NEST's dimension: 0 the distance, 1-3 along x, y, z
        dimension = specs.get("dimension", 0)
        if not isinstance(dimension, numbers.Integral) or not 0 <= dimension <= 3:
            raise _core.BadProperty(f"CreateParameter('distance'): dimension must be 0, 1, 2 or 3, got {dimension!r}")
        return Parameter(("distance", float(dimension)))
    defaults = {"value": 0.0, "min": 0.0, "max": 1.0, "mean": 0.0, "std": 1.0, "beta": 1.0}
    if parametertype == "uniform_int" and "max" not in specs:
        raise ValueError("CreateParameter('uniform_int') needs 'max'")
    values = {n: float(specs.get(n, defaults[n])) for n in names}
    if parametertype == "uniform" and not values["min"] < values["max"]:
        raise _core.BadProperty(f"CreateParameter('uniform'): min < max required, got {values['min']}, {values['max']}")
    if parametertype in ("normal", "lognormal") and not values["std"] > 0.0:
        raise _core.BadProperty(f"CreateParameter('{parametertype}'): std > 0 required, got {values['std']}")
    return Parameter((parametertype, *values.values()))


def as_parameter(value) -> Parameter:
    """A Parameter for a Parameter or a number."""
    return Parameter(Parameter._arg(value))


__all__ = ["Parameter", "CreateParameter"]
