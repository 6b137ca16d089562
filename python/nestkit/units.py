"""Physical units for nestkit parameters, built on pint.

Plain numbers are read in NEST's default units (mV, pA, pF, nS, ms, Hz), as in
PyNEST. A quantity carries its dimension; the C++ core checks it against the
parameter's unit and converts, so ``C_m=0.25 * nF`` and ``C_m=250.0`` agree while
``C_m=5 * ms`` is an error naming ``C_m``.

The names here are units of pint's application registry, so they combine freely
with any ``pint.Quantity`` a script makes itself. Quantities of the ``quantities``
package (Neo's) and of ``brainunit`` are accepted wherever a number is, too.
"""

from __future__ import annotations

import pint

#: pint's application registry: the one ``pint.Quantity`` uses by default.
registry = pint.get_application_registry()
Quantity = registry.Quantity

s = registry.second
ms = registry.millisecond
us = registry.microsecond
Hz = registry.hertz
kHz = registry.kilohertz
V = registry.volt
mV = registry.millivolt
A = registry.ampere
nA = registry.nanoampere
pA = registry.picoampere
F = registry.farad
nF = registry.nanofarad
pF = registry.picofarad
S = registry.siemens
uS = registry.microsiemens
nS = registry.nanosiemens
Ohm = registry.ohm
MOhm = registry.megaohm
GOhm = registry.gigaohm
m = registry.meter
mm = registry.millimeter
um = registry.micrometer


def in_unit(value, unit: str, what: str) -> float:
    """`value` in `unit` (a NEST unit symbol such as "ms"): a plain number is taken
    as already in it; a quantity of any supported library is converted by the core,
    which raises UnitError naming `what` on a dimension mismatch."""
    from . import _core

    if _core.is_quantity(value):
        return _core.quantity_in(value, unit, what)
    return float(value)


__all__ = [
    "Quantity",
    "registry",
    "in_unit",
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
    "um",
]
