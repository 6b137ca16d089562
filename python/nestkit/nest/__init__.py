"""PyNEST-compatible facade: ``import nestkit.nest as nest``.

Ordinary PyNEST scripts run unchanged apart from that import. This package only
translates calls; the kernel, models and checks are nestkit's C++ core. Its modules:
``_kernel_attrs`` (kernel status and ``nest.X`` attributes), ``_info`` (verbosity,
messages, help), ``_simulation`` (Simulate/Prepare/Run/Cleanup), ``_nodes`` (node
queries), ``_parallel`` (rank queries, Install), ``_unimplemented`` (the table of PyNEST
names nestkit lacks), and the plotting submodules ``voltage_trace``, ``raster_plot`` and
``visualization``.
"""

from __future__ import annotations

import builtins
import sys
import types

from .. import _compartmental, _core, _structural, units
from .. import random as random  # noqa: PLC0414 - nest.random
from .._collections import NodeCollection, SynapseCollection, flatten_params, serialize_data, to_json
from .._compartmental import Compartments, Receptors
from .._connect import CollocatedSynapses
from .._connect import connect as _connect
from .._connect import connect_tripartite as _connect_tripartite
from ..parameters import CreateParameter, Parameter
from . import _csa, _eprop, _kernel_attrs, _spatial_layers, _state, _unimplemented
from . import logic as logic  # noqa: PLC0414 - nest.logic
from . import math as math  # noqa: PLC0414 - nest.math
from . import spatial as spatial  # noqa: PLC0414 - nest.spatial
from . import spatial_distributions as spatial_distributions  # noqa: PLC0414 - nest.spatial_distributions
from ._info import VerbosityLevel, get_verbosity, help, helpdesk, message, set_verbosity  # noqa: A004
from ._nodes import GetLocalNodeCollection, GetNodes, GetStatus, PrintNodes, SetStatus
from ._parallel import GetLocalVPs, Install, NumProcesses, Rank, SetAcceptableLatency, SetMaxBuffered, SyncProcesses
from ._simulation import Cleanup, Prepare, Run, RunManager, Simulate
from ._sonata import SonataNetwork
from ._spatial_api import (
    Displacement,
    Distance,
    DumpLayerConnections,
    DumpLayerNodes,
    FindCenterElement,
    FindNearestElement,
    GetPosition,
    GetSourceNodes,
    GetSourcePositions,
    GetTargetNodes,
    GetTargetPositions,
    SelectNodesByMask,
)
from ._spatial_layers import CreateMask, Mask
from ._spatial_plots import PlotLayer, PlotProbabilityParameter, PlotSources, PlotTargets
from ._structural_api import DisableStructuralPlasticity, EnableStructuralPlasticity

NESTError = _core.NESTError


class NESTErrors:
    """PyNEST's error namespace (``nest.NESTErrors.BadProperty`` ...)."""

    NESTError = _core.NESTError
    UnknownModelName = _core.UnknownModelName
    UnknownParameter = _core.UnknownParameter
    BadProperty = _core.BadProperty
    BadParameterValue = _core.BadParameterValue
    BadParameter = _core.BadParameterValue
    BadDelay = _core.BadDelay
    KernelException = _core.KernelException
    IllegalConnection = _core.IllegalConnection
    UnitError = _core.UnitError
    UnknownNode = _core.UnknownNode
    TypeMismatch = _core.TypeMismatch
    UnknownReceptorType = _core.UnknownReceptorType
    IOError = _core.IOError  # also an OSError: a recorder's file cannot be written
    NotImplemented = _core.NotImplemented  # also a BadProperty
    NewModelNameExists = _core.NewModelNameExists  # also a BadProperty
    StepMultipleRequired = _core.StepMultipleRequired  # also a BadProperty
    # NEST's name for a key that nothing used: nestkit's UnknownParameter.
    UnaccessedDictionaryEntry = _core.UnknownParameter


# NEST's other error names, so that code catching them runs; nestkit raises none of them.
for _name in (
    "BackendAlreadyRegistered BackendNotPrepared BackendPrepared DimensionMismatch DistributionError "
    "DynamicModuleManagementError GSLSolverFailure IncompatibleReceptorType InexistentConnection InternalError "
    "InvalidDefaultResolution InvalidTimeInModel KeyError LayerExpected LayerNodeExpected LocalNodeExpected "
    "MPIErrorCode MPIPortsFileMissing MPIPortsFileUnknown MUSICChannelAlreadyMapped MUSICChannelUnknown "
    "MUSICPortAlreadyPublished MUSICPortHasNoWidth MUSICPortUnconnected MUSICPortUnknown MUSICSimulationHasRun "
    "ModelInUse NamingConflict NoThreadSiblingsAvailable NodeWithProxiesExpected NumericalInstability RangeCheck "
    "TimeMultipleRequired UndefinedName UnexpectedEvent UnknownCompartment UnknownComponent UnknownPort "
    "UnknownSynapseType UnknownThread UnmatchedSteps UnsupportedEvent"
).split():
    setattr(NESTErrors, _name, type(_name, (_core.NESTError,), {"__module__": "nestkit"}))
del _name


_kernel = _state.kernel

# Users may keep their own data with the kernel, as in PyNEST.
userdict: dict = {}


# --- kernel -----------------------------------------------------------------------


def ResetKernel():
    """Reset the kernel: no nodes or connections, default settings (the verbosity is kept)."""
    _state.hdf5.close()
    _kernel.reset()
    _kernel_attrs.reset()
    _spatial_layers.reset()


def to_neo(recorders):
    """A neo.Block of the recorders' data (nestkit's addition to PyNEST; needs the ``neo`` package).

    One SpikeTrain per sender of each spike recorder, one AnalogSignal per recorded
    variable of each multimeter or voltmeter; memory and hdf5 recorders (nestkit.neo_export).
    """
    from .. import neo_export

    if not isinstance(recorders, NodeCollection):
        raise TypeError("to_neo: give the recorders as a NodeCollection")
    return neo_export.to_block(_kernel, recorders.tolist())


def SetKernelStatus(params):
    """Set kernel properties from a dictionary; all keys are checked before any changes."""
    _kernel_attrs.set_status(params)


def GetKernelStatus(keys=None):
    """The kernel status: the whole dictionary, one value for a key, or a tuple for a list of keys."""
    if keys is None:
        return _kernel_attrs.full_status()
    if isinstance(keys, str):
        return _kernel_attrs.get(keys)
    if isinstance(keys, (list, tuple)):
        return tuple(_kernel_attrs.get(k) for k in keys)
    raise TypeError("keys should be either a string or an iterable")


def set(**kwargs):  # noqa: A001 - PyNEST's name
    """``nest.set(key=value, ...)``: SetKernelStatus with keyword arguments."""
    return SetKernelStatus(kwargs)


def get(*keys):
    """``nest.get()``: the kernel status; ``nest.get(key)`` a value; ``nest.get(k1, k2)`` a tuple."""
    if not keys:
        return GetKernelStatus()
    if len(keys) == 1:
        return GetKernelStatus(keys[0])
    return GetKernelStatus(keys)


# --- models -----------------------------------------------------------------------


def Models(mtype="all", sel=None):
    """Model names, sorted: all, or only "nodes" or "synapses"; ``sel`` keeps names containing it."""
    if mtype not in ("all", "nodes", "synapses"):
        raise ValueError("mtype has to be one of 'all', 'nodes', or 'synapses'")
    names = []
    if mtype in ("all", "nodes"):
        names += list(_kernel.node_models())
    if mtype in ("all", "synapses"):
        names += list(_kernel.synapse_models())
    if sel is not None:
        names = [n for n in names if sel in n]
    return tuple(sorted(names))


def ConnectionRules():
    """The names of the available connection rules, sorted."""
    return tuple(_kernel_attrs.connection_rules(_kernel.get_kernel_status()["connection_rules"]))


def GetDefaults(model, keys=None, output=""):
    """A model's default parameters: the dictionary, one value, or a tuple for a list of keys."""
    d = _compartmental.decode_status(_eprop.optimizer_out(_structural.decode_status(_kernel.get_defaults(model))))
    if keys is None:
        result = d
    elif isinstance(keys, str):
        if keys not in d:
            raise _core.UnknownParameter(f"'{keys}' is not a parameter of {model}")
        result = d[keys]
    else:
        result = tuple(d[k] for k in keys)
    return to_json(result) if output == "json" else result


def SetDefaults(model, params, val=None):
    """Change a model's defaults (a dictionary, or a key and a value)."""
    if val is not None:
        if not isinstance(params, str):
            raise TypeError("SetDefaults: with a value, params must be the parameter's name")
        params = {params: val}
    elif not isinstance(params, dict):
        raise TypeError("SetDefaults: params must be a dictionary unless a value is given")
    if not params:
        return
    # As PyNEST: one explicit value per default (a list only where the default is one).
    defaults = _kernel.get_defaults(model)

    def listlike(v):
        return isinstance(v, (list, tuple)) or type(v).__name__ == "ndarray"

    for key, value in params.items():
        if isinstance(value, Parameter) or (listlike(value) and key in defaults and not listlike(defaults[key])):
            raise ValueError(f"SetDefaults() accepts only explicit, single parameter values (got one for '{key}')")
    params = _eprop.optimizer_in(model, dict(params), lambda: defaults)
    _kernel.set_defaults(model, flatten_params(params))


def CopyModel(existing, new, params=None):
    """A new model name with the defaults of an existing one, changed by params."""
    params = _eprop.optimizer_in(existing, dict(params or {}))
    _kernel.copy_model(existing, new, flatten_params(params))


# --- nodes ------------------------------------------------------------------------


def Create(model, n=1, params=None, positions=None):
    """Create n nodes of a model; params a dictionary (list values: one per node) or a list of dictionaries."""
    if isinstance(n, dict):  # Create(model, params), as PyNEST accepts
        if params is not None:
            raise ValueError(
                "Create: a parameter dictionary can be the second argument only when Create has two arguments"
            )
        n, params = 1, n
    if not isinstance(n, int) or isinstance(n, bool):
        if hasattr(n, "__index__"):
            n = int(n)
        else:
            raise TypeError("Create: n must be an integer")
    if n < 1 and positions is None:  # the kernel's own check; n < 0 would not reach it
        raise _core.BadProperty("Create: the number of nodes must be at least 1")
    layer = None
    if positions is not None:  # a spatial layer: positions are checked before any node exists
        layer = _spatial_layers.make_layer(positions, n)
        n = layer.size
    if isinstance(params, (list, tuple)):
        nodes = NodeCollection(_kernel, _kernel.create(model, n, [flatten_params(p) for p in params]))
    else:
        params = dict(params or {})
        # nest.spatial.pos values come from the positions, known before any node exists.
        first = _kernel.get_kernel_status()["network_size"] + 1
        params = _spatial_layers.resolve_node_positions(layer, first, list(range(first, first + n)), params)
        nodes = NodeCollection(_kernel, _kernel.create(model, n, flatten_params(params)))
    if layer is not None:
        _spatial_layers.register(nodes, layer)
    return nodes


# --- connections ------------------------------------------------------------------


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connect pre to post by a rule (conn_spec) with synapse properties (syn_spec)."""
    _eprop.refuse_optimizer_in_syn_spec(syn_spec)
    if _csa.is_conngen(conn_spec):
        _csa.connect(_kernel, pre, post, conn_spec, syn_spec)
    elif _spatial_layers.needs_spatial(conn_spec, syn_spec):
        _spatial_layers.connect(pre, post, conn_spec, syn_spec)
    else:
        _connect(_kernel, pre, post, conn_spec, syn_spec)
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def TripartiteConnect(pre, post, third, conn_spec, third_factor_conn_spec, syn_specs=None):
    """Connect pre to post by conn_spec and, for each of these connections, a third-factor
    node (an astrocyte, say) to the target and the source to that node, by the rule
    ``third_factor_bernoulli_with_pool`` (keys ``p``, ``pool_size``, ``pool_type``:
    "random" or "block"). ``syn_specs`` has the keys "primary", "third_in" and
    "third_out" (each a syn_spec, a model name or CollocatedSynapses; static_synapse
    when absent); parameter lists are not accepted. All connections are made or none."""
    _connect_tripartite(_kernel, pre, post, third, conn_spec, third_factor_conn_spec, syn_specs)


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    """The connections from source to target (either may be None) of a synapse model or label."""
    for name, value in (("source", source), ("target", target)):
        if value is not None and not isinstance(value, NodeCollection):
            raise TypeError(f"GetConnections: {name} must be a NodeCollection, got {type(value).__name__}")
    src = source._ids if source is not None else None
    tgt = target._ids if target is not None else None
    label = int(synapse_label) if synapse_label is not None else None
    return SynapseCollection(_kernel, _kernel.get_connections(src, tgt, synapse_model, label))


def Disconnect(*args, conn_spec=None, syn_spec=None):
    """Removes connections: a SynapseCollection, or pairs of pre and post by rule
    (``one_to_one``, the default, or ``all_to_all``) of one synapse model."""
    if len(args) == 1 and isinstance(args[0], SynapseCollection):
        args[0].disconnect()
        return
    if len(args) < 2:
        raise TypeError("Disconnect(pre, post[, conn_spec, syn_spec]) or Disconnect(synapse_collection)")
    pre, post = args[0], args[1]
    if len(args) > 2:
        conn_spec = args[2]
    if len(args) > 3:
        syn_spec = args[3]
    rule = conn_spec if isinstance(conn_spec, str) else dict(conn_spec or {}).get("rule", "one_to_one")
    model = syn_spec if isinstance(syn_spec, str) else dict(syn_spec or {}).get("synapse_model", "static_synapse")
    # Structural plasticity: the removed connections free their elements on both sides.
    elements = {} if isinstance(syn_spec, str) else dict(syn_spec or {})
    pre_element, post_element = elements.get("pre_synaptic_element"), elements.get("post_synaptic_element")
    if (pre_element is None) != (post_element is None):
        raise NESTErrors.BadProperty("Structural plasticity requires both a pre- and postsynaptic element.")
    if rule not in ("one_to_one", "all_to_all"):
        raise NESTErrors.BadProperty(f"Disconnect: rule '{rule}' is not supported; use one_to_one or all_to_all")
    if rule == "one_to_one" and len(pre) != len(post):
        raise NESTErrors.BadProperty("Disconnect: one_to_one needs pre and post of the same size")
    conns = GetConnections(pre, post, synapse_model=model)

    def remove(chosen):
        pairs = (list(chosen.get("source")), list(chosen.get("target"))) if len(chosen) > 1 else None
        if len(chosen) == 1:
            pairs = ([chosen.get("source")], [chosen.get("target")])
        chosen.disconnect()
        if pre_element is not None and pairs:
            _kernel.sp_count_connected(pairs[0], pairs[1], pre_element, post_element, -1)

    if rule == "all_to_all":
        remove(conns)
        return
    wanted = {pair for pair in zip(pre.tolist(), post.tolist())}  # (the builtin set is shadowed by nest.set here)
    if _core.mpi_size() > 1:
        # This rank holds the connections of its own targets only (as NEST's ranks do).
        here = post.get("local")
        here = [here] if isinstance(here, bool) else list(here)
        local_targets = {gid for gid, flag in zip(post.tolist(), here) if flag}
        wanted = {pair for pair in wanted if pair[1] in local_targets}
    pairs = list(zip(conns.get("source"), conns.get("target"))) if len(conns) > 1 else []
    if len(conns) == 1:
        pairs = [(conns.get("source"), conns.get("target"))]
    keep = [i for i, pair in enumerate(pairs) if pair in wanted]
    missing = wanted - {pairs[i] for i in keep}
    error = ""
    if missing:
        s, t = sorted(missing)[0]
        error = f"Disconnect: there is no {model} connection from node {s} to node {t}"
    if _core.mpi_size() > 1:
        # Each rank checks its own targets; all raise the first failing rank's error before
        # the collective removal, so none waits for a rank that gave up.
        error = _core.mpi_first_error(error)
    if error:
        raise NESTErrors.KernelException(error)
    remove(conns[keep])


# --- unimplemented PyNEST names ---------------------------------------------------

globals().update(_unimplemented.make_stubs())

# NodeCollection.spatial reads the layer table of this facade.
_collections_module = sys.modules[NodeCollection.__module__]
_collections_module.SPATIAL_METADATA[:] = [_spatial_layers.metadata]
_collections_module.SPATIAL_LAYER_SIZE[:] = [_spatial_layers.layer_size]
_collections_module.NODE_VALUE_RESOLVERS[:] = [_spatial_layers.resolve_for]

_LAZY_SUBMODULES = ("voltage_trace", "raster_plot", "visualization")


# --- module attributes ------------------------------------------------------------


class _FacadeModule(types.ModuleType):
    """``nest.resolution`` and the other kernel attributes read and write the kernel status."""

    def __getattr__(self, name):
        if name in _kernel_attrs.ATTRIBUTES or name == "time":
            return _kernel_attrs.get(name)
        if name in _LAZY_SUBMODULES:
            import importlib

            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module 'nestkit.nest' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in _kernel_attrs.ATTRIBUTES or name == "time":
            if _kernel_attrs.ATTRIBUTES.get(name, ("", True))[1]:
                raise AttributeError(f"`{name}` is a read only kernel attribute.")
            SetKernelStatus({name: value})
        elif isinstance(value, types.ModuleType) or name in self.__dict__ or name.startswith("_"):
            super().__setattr__(name, value)
        else:
            raise AttributeError(f"Cannot set attribute '{name}' on module 'nest'")

    def __dir__(self):
        return sorted(builtins.set(super().__dir__()) | builtins.set(_kernel_attrs.ATTRIBUTES) | {"time"})


__all__ = [
    "Compartments",
    "Receptors",
    "ResetKernel",
    "set_verbosity",
    "get_verbosity",
    "VerbosityLevel",
    "message",
    "help",
    "helpdesk",
    "SetKernelStatus",
    "GetKernelStatus",
    "set",
    "get",
    "Models",
    "ConnectionRules",
    "CollocatedSynapses",
    "GetDefaults",
    "SetDefaults",
    "CopyModel",
    "Create",
    "GetNodes",
    "GetLocalNodeCollection",
    "PrintNodes",
    "GetStatus",
    "SetStatus",
    "Connect",
    "TripartiteConnect",
    "GetConnections",
    "Simulate",
    "Run",
    "Prepare",
    "Cleanup",
    "RunManager",
    "Rank",
    "NumProcesses",
    "SyncProcesses",
    "GetLocalVPs",
    "SetAcceptableLatency",
    "SetMaxBuffered",
    "Install",
    "NodeCollection",
    "SynapseCollection",
    "serialize_data",
    "to_json",
    "NESTError",
    "NESTErrors",
    "userdict",
    "random",
    "math",
    "logic",
    "Parameter",
    "CreateParameter",
    "units",
    "spatial",
    "spatial_distributions",
    "Mask",
    "CreateMask",
    "GetPosition",
    "Displacement",
    "Distance",
    "FindNearestElement",
    "FindCenterElement",
    "SelectNodesByMask",
    "GetTargetNodes",
    "GetSourceNodes",
    "GetTargetPositions",
    "GetSourcePositions",
    "DumpLayerNodes",
    "DumpLayerConnections",
    "PlotLayer",
    "PlotTargets",
    "PlotSources",
    "PlotProbabilityParameter",
    "voltage_trace",
    "raster_plot",
    "visualization",
    "to_neo",
    "EnableStructuralPlasticity",
    "DisableStructuralPlasticity",
    "SonataNetwork",
    *_unimplemented.UNIMPLEMENTED,
]

sys.modules[__name__].__class__ = _FacadeModule
