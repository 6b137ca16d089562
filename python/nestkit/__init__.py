"""nestkit: NEST's models and semantics on a fast C++ engine.

Two faces: the native API (:class:`Simulator`) and the PyNEST facade
(``import nestkit.nest as nest``).
"""

import os as _os

# libgomp (OpenMP) reads its wait policy once, when _core loads it. By default a thread that
# waits at a barrier spins for 300000 pause instructions (milliseconds) before it sleeps; a
# simulation with a short min_delay meets several barriers per step, and when the cores are
# shared with other work a spinning thread takes the time its partner needs. Sleeping at once
# costs a futex wake per barrier instead, expensive on a VM. E-prop sine wave, 2 threads, 2-vCPU
# VM (benchmarks/README.md, session 8), s per iteration at load ~2 / load 5-7: spin 300000
# 0.08-0.11 / 1.1-3.1, spin 1000 0.10-0.11 / 0.64-0.78, spin 0 0.39-0.48 / 0.33-0.59. A short spin
# is close to the best in both, so it is the default unless the user chose a policy
# (OMP_WAIT_POLICY or GOMP_SPINCOUNT); the process environment is restored afterwards.
_omp_defaults = "OMP_WAIT_POLICY" not in _os.environ and "GOMP_SPINCOUNT" not in _os.environ
if _omp_defaults:
    _os.environ["GOMP_SPINCOUNT"] = "1000"
from . import _core, units  # noqa: E402

if _omp_defaults:
    del _os.environ["GOMP_SPINCOUNT"]
from ._collections import NodeCollection, SynapseCollection  # noqa: E402
from ._core import (  # noqa: E402
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
from .simulator import Result, Simulator, Trace  # noqa: E402

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
