"""Physical units for nestkit parameters.

Plain numbers are read in NEST's default units (mV, pA, pF, nS, ms, Hz), as in
PyNEST. A :class:`Quantity` carries its dimension; the C++ core checks it against
the parameter's unit and converts, so ``C_m=0.25 * nF`` and ``C_m=250.0`` agree
while ``C_m=5 * ms`` is an error naming ``C_m``.
"""

from __future__ import annotations

import numbers

import numpy as np

# Exponents of (m, kg, s, A).
_DIMLESS = (0, 0, 0, 0)


def _dim_mul(a, b, sign=1):
    return tuple(x + sign * y for x, y in zip(a, b))


class Quantity:
    """A magnitude (scalar or array) in SI units with a dimension."""

    __array_priority__ = 1000  # numpy arrays defer to our operators

    def __init__(self, si, dim, symbol: str | None = None):
        self._si = np.asarray(si, dtype=float) if not isinstance(si, numbers.Number) else float(si)
        self._dim = tuple(int(d) for d in dim)
        self._symbol = symbol

    # --- protocol read by the C++ bindings ---
    @property
    def _nestkit_dim(self):
        return self._dim

    @property
    def _nestkit_is_array(self):
        return isinstance(self._si, np.ndarray) and self._si.ndim > 0

    def _nestkit_si(self):
        return self._si.tolist() if self._nestkit_is_array else float(self._si)

    # --- arithmetic ---
    def _coerce(self, other):
        if isinstance(other, Quantity):
            return other
        return Quantity(other, _DIMLESS)

    def __mul__(self, other):
        o = self._coerce(other)
        return Quantity(self._si * o._si, _dim_mul(self._dim, o._dim))

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self._coerce(other)
        return Quantity(self._si / o._si, _dim_mul(self._dim, o._dim, -1))

    def __rtruediv__(self, other):
        o = self._coerce(other)
        return Quantity(o._si / self._si, _dim_mul(o._dim, self._dim, -1))

    def __pow__(self, p: int):
        return Quantity(self._si**p, tuple(d * p for d in self._dim))

    def __neg__(self):
        return Quantity(-self._si, self._dim)

    def _same_dim(self, other, op):
        o = self._coerce(other)
        if o._dim != self._dim:
            raise TypeError(f"cannot {op} quantities of different dimensions")
        return o

    def __add__(self, other):
        return Quantity(self._si + self._same_dim(other, "add")._si, self._dim)

    __radd__ = __add__

    def __sub__(self, other):
        return Quantity(self._si - self._same_dim(other, "subtract")._si, self._dim)

    def __rsub__(self, other):
        return Quantity(self._same_dim(other, "subtract")._si - self._si, self._dim)

    def __eq__(self, other):
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._dim == other._dim and np.allclose(self._si, other._si, rtol=1e-12, atol=0)

    def __hash__(self):
        return hash((self._dim, float(np.sum(self._si))))

    def to(self, unit: Quantity):
        """The magnitude expressed in `unit` (dimensions must agree)."""
        if unit._dim != self._dim:
            raise TypeError("cannot convert between different dimensions")
        return self._si / unit._si

    def __float__(self):
        if self._dim != _DIMLESS:
            raise TypeError("only dimensionless quantities convert to float")
        return float(self._si)

    def __repr__(self):
        return f"Quantity({self._si!r} SI, dim={self._dim})"


def _unit(scale: float, dim, symbol: str) -> Quantity:
    return Quantity(scale, dim, symbol)


_T, _V, _A = (0, 0, 1, 0), (2, 1, -3, -1), (0, 0, 0, 1)
_F, _S, _OHM = (-2, -1, 4, 2), (-2, -1, 3, 2), (2, 1, -3, -2)

s = _unit(1.0, _T, "s")
ms = _unit(1e-3, _T, "ms")
us = _unit(1e-6, _T, "us")
Hz = _unit(1.0, (0, 0, -1, 0), "Hz")
kHz = _unit(1e3, (0, 0, -1, 0), "kHz")
V = _unit(1.0, _V, "V")
mV = _unit(1e-3, _V, "mV")
A = _unit(1.0, _A, "A")
nA = _unit(1e-9, _A, "nA")
pA = _unit(1e-12, _A, "pA")
F = _unit(1.0, _F, "F")
nF = _unit(1e-9, _F, "nF")
pF = _unit(1e-12, _F, "pF")
S = _unit(1.0, _S, "S")
uS = _unit(1e-6, _S, "uS")
nS = _unit(1e-9, _S, "nS")
Ohm = _unit(1.0, _OHM, "Ohm")
MOhm = _unit(1e6, _OHM, "MOhm")
GOhm = _unit(1e9, _OHM, "GOhm")
m = _unit(1.0, (1, 0, 0, 0), "m")
mm = _unit(1e-3, (1, 0, 0, 0), "mm")

__all__ = [
    "Quantity",
    "s",
    "ms",
    "us",
    "Hz",
    "kHz",
    "V",
    "mV",
    "A",
    "nA",
    "pA",
    "F",
    "nF",
    "pF",
    "S",
    "uS",
    "nS",
    "Ohm",
    "MOhm",
    "GOhm",
    "m",
    "mm",
]
