"""PyNEST-compatible facade: ``import nestkit.nest as nest``.

Ordinary PyNEST scripts run unchanged apart from that import. This module only
translates calls; the kernel, models and checks are nestkit's C++ core.
"""

from __future__ import annotations

import sys
import types

from .. import _core, units
from .. import random as random  # noqa: PLC0414 - nest.random
from .._collections import NodeCollection, SynapseCollection, flatten_params
from .._connect import connect as _connect

NESTError = _core.NESTError


class NESTErrors:
    """PyNEST's error namespace (``nest.NESTErrors.BadProperty`` ...)."""

    NESTError = _core.NESTError
    UnknownModelName = _core.UnknownModelName
    UnknownParameter = _core.UnknownParameter
    BadProperty = _core.BadProperty
    BadParameterValue = _core.BadParameterValue
    BadDelay = _core.BadDelay
    KernelException = _core.KernelException
    IllegalConnection = _core.IllegalConnection
    UnitError = _core.UnitError
    UnknownNode = _core.UnknownNode
    TypeMismatch = _core.TypeMismatch
    UnknownReceptorType = _core.UnknownReceptorType


_kernel = _core.Kernel()
_verbosity = "M_ERROR"

_KERNEL_ATTRIBUTES = (
    "resolution",
    "rng_seed",
    "local_num_threads",
    "total_num_virtual_procs",
    "biological_time",
    "time",
    "num_connections",
    "min_delay",
    "max_delay",
    "network_size",
    "tics_per_ms",
    "tics_per_step",
    "ms_per_tic",
    "num_processes",
    "rng_type",
    "rng_types",
    "connection_rules",
    "off_grid_spiking",
)


# --- kernel -----------------------------------------------------------------------


def ResetKernel():
    _kernel.reset()


def set_verbosity(level):
    global _verbosity
    _verbosity = level


def get_verbosity():
    return _verbosity


def SetKernelStatus(params):
    _kernel.set_kernel_status(dict(params))


def GetKernelStatus(keys=None):
    status = _kernel.get_kernel_status()
    if keys is None:
        return status
    if isinstance(keys, str):
        return status[keys] if keys in status else _missing_kernel_key(keys)
    return tuple(status[k] if k in status else _missing_kernel_key(k) for k in keys)


def _missing_kernel_key(key):
    # Let the kernel produce its message (with suggestions) for an unknown key.
    _kernel.set_kernel_status({key: 0})
    raise _core.UnknownParameter(key)


def set(**kwargs):  # noqa: A001 - PyNEST's name
    SetKernelStatus(kwargs)


def get(*keys):
    if not keys:
        return GetKernelStatus()
    return GetKernelStatus(keys[0]) if len(keys) == 1 else dict(zip(keys, GetKernelStatus(keys)))


# --- models -----------------------------------------------------------------------


def Models(mtype="all", sel=None):
    names = []
    if mtype in ("all", "nodes"):
        names += list(_kernel.node_models())
    if mtype in ("all", "synapses"):
        names += list(_kernel.synapse_models())
    if sel is not None:
        names = [n for n in names if sel in n]
    return tuple(sorted(names))


def GetDefaults(model, keys=None, output=""):
    d = _kernel.get_defaults(model)
    if keys is None:
        return d
    if isinstance(keys, str):
        if keys not in d:
            raise _core.UnknownParameter(f"'{keys}' is not a parameter of {model}")
        return d[keys]
    return tuple(d[k] for k in keys)


def SetDefaults(model, params, val=None):
    if val is not None:
        params = {params: val}
    _kernel.set_defaults(model, flatten_params(dict(params)))


def CopyModel(existing, new, params=None):
    _kernel.copy_model(existing, new, dict(params or {}))


# --- nodes ------------------------------------------------------------------------


def Create(model, n=1, params=None, positions=None):
    if positions is not None:
        raise NotImplementedError("spatial node layers (positions=...) are not supported by nestkit yet")
    if not isinstance(n, int) or isinstance(n, bool):
        if hasattr(n, "__index__"):
            n = int(n)
        else:
            raise TypeError("Create: n must be an integer")
    if isinstance(params, (list, tuple)):
        return NodeCollection(_kernel, _kernel.create(model, n, [flatten_params(p) for p in params]))
    return NodeCollection(_kernel, _kernel.create(model, n, flatten_params(dict(params or {}))))


def GetStatus(nodes, keys=None, output=""):
    if isinstance(nodes, SynapseCollection):
        result = nodes.get(keys)
    elif keys is None:
        return tuple(_kernel.get_status(nodes._ids, []))
    elif isinstance(keys, str):
        return tuple(n.get(keys) for n in nodes)
    else:
        return tuple(tuple(n.get(k) for k in keys) for n in nodes)
    return result


def SetStatus(nodes, params, val=None):
    if val is not None:
        params = {params: val}
    nodes.set(params)


# --- connections ------------------------------------------------------------------


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    _connect(_kernel, pre, post, conn_spec, syn_spec)
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    src = source._ids if source is not None else None
    tgt = target._ids if target is not None else None
    return SynapseCollection(_kernel, _kernel.get_connections(src, tgt, synapse_model))


# --- simulation -------------------------------------------------------------------


def _ms(t) -> float:
    if hasattr(t, "_nestkit_dim"):
        if t._nestkit_dim != units.ms._nestkit_dim:
            raise _core.UnitError(f"Simulate: the duration must be a time, got dimension {t._nestkit_dim}")
        return float(t.to(units.ms))
    return float(t)


def Simulate(t):
    _kernel.simulate(_ms(t))


def Run(t):
    _kernel.simulate(_ms(t))


def Prepare():
    """Kept for PyNEST compatibility; nestkit prepares inside Simulate/Run."""


def Cleanup():
    """Kept for PyNEST compatibility."""


class RunManager:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# Module attributes such as nest.resolution read and write the kernel status.
class _FacadeModule(types.ModuleType):
    def __getattr__(self, name):
        if name in _KERNEL_ATTRIBUTES:
            return _kernel.get_kernel_status()[name]
        if name == "node_models":
            return tuple(_kernel.node_models())
        if name == "synapse_models":
            return tuple(_kernel.synapse_models())
        raise AttributeError(f"module 'nestkit.nest' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in _KERNEL_ATTRIBUTES:
            _kernel.set_kernel_status({name: value})
        else:
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _FacadeModule

__all__ = [
    "ResetKernel",
    "set_verbosity",
    "get_verbosity",
    "SetKernelStatus",
    "GetKernelStatus",
    "set",
    "get",
    "Models",
    "GetDefaults",
    "SetDefaults",
    "CopyModel",
    "Create",
    "GetStatus",
    "SetStatus",
    "Connect",
    "GetConnections",
    "Simulate",
    "Run",
    "Prepare",
    "Cleanup",
    "RunManager",
    "NodeCollection",
    "SynapseCollection",
    "NESTError",
    "NESTErrors",
    "random",
    "units",
]
