"""nestkit: NEST's models and semantics on a fast C++ engine.

Two faces: the native API (:class:`Simulator`) and the PyNEST facade
(``import nestkit.nest as nest``).
"""

from . import _core, units
from ._collections import NodeCollection, SynapseCollection
from ._core import (
    BadDelay,
    BadParameterValue,
    BadProperty,
    IllegalConnection,
    KernelException,
    NESTError,
    TypeMismatch,
    UnitError,
    UnknownModelName,
    UnknownNode,
    UnknownParameter,
    UnknownReceptorType,
    ode_lane_width,
)
from .simulator import Result, Simulator, Trace

__version__ = "0.1.0"

__all__ = [
    "Simulator",
    "Result",
    "Trace",
    "NodeCollection",
    "SynapseCollection",
    "units",
    "NESTError",
    "UnknownModelName",
    "UnknownParameter",
    "BadProperty",
    "BadParameterValue",
    "BadDelay",
    "KernelException",
    "IllegalConnection",
    "UnitError",
    "UnknownNode",
    "TypeMismatch",
    "UnknownReceptorType",
    "ode_lane_width",
    "_core",
]
