"""Node queries: GetNodes, GetLocalNodeCollection, PrintNodes and the legacy GetStatus/SetStatus."""

from __future__ import annotations

import numpy as np

from .. import _core
from .._collections import NodeCollection, SynapseCollection, to_json
from . import _info, _state


def _equal(a, b) -> bool:
    if isinstance(a, (list, tuple, np.ndarray)) or isinstance(b, (list, tuple, np.ndarray)):
        try:
            return bool(np.array_equal(np.asarray(a), np.asarray(b)))
        except (TypeError, ValueError):
            return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def GetNodes(properties=None, local_only=False):
    """All nodes whose status has every given property with an equal value (all nodes without properties)."""
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise TypeError("GetNodes: properties must be a dictionary")
    kernel = _state.kernel
    size = kernel.get_kernel_status()["network_size"]
    ids = list(range(1, size + 1))
    if properties and ids:
        statuses = kernel.get_status(_core.NodeIds(ids), [])
        ids = [g for g, d in zip(ids, statuses) if all(k in d and _equal(d[k], v) for k, v in properties.items())]
    return NodeCollection(kernel, _core.NodeIds(ids))


def GetLocalNodeCollection(nc):
    """The nodes of nc that this MPI rank updates (all of nc in a single process)."""
    _info.deprecation(
        "GetLocalNodeCollection",
        "GetLocalNodeCollection() leads to inherently unsafe code; see documentation for details.",
    )
    if not isinstance(nc, NodeCollection):
        raise TypeError("GetLocalNodeCollection requires a NodeCollection in order to run")
    if _core.mpi_size() == 1:
        return nc[:]
    local = nc.get("local")
    local = [local] if isinstance(local, bool) else list(local)
    ids = [gid for gid, here in zip(nc.tolist(), local) if here]
    return NodeCollection(ids) if ids else NodeCollection([])


def PrintNodes():
    """Print the node id ranges of the network and their models, one line per run of a model."""
    kernel = _state.kernel
    size = kernel.get_kernel_status()["network_size"]
    if size == 0:
        return
    width = len(str(size))
    runs = []
    for g in range(1, size + 1):
        model = kernel.model_of(g)
        if runs and runs[-1][0] == model:
            runs[-1][2] = g
        else:
            runs.append([model, g, g])
    field = 2 * width + 4
    for model, first, last in runs:
        ids = f"{first:>{width}} .. {last:>{width}}" if last > first else f"{first:>{width}}".ljust(field)
        print(f"{ids} {model}")


_GETSTATUS_TEXT = (
    "GetStatus() is deprecated and will be removed in a future version of NEST. "
    "Instead of GetStatus(nrns|conns, args), use nrns|conns.get(args)."
)
_SETSTATUS_TEXT = (
    "SetStatus() is deprecated and will be removed in a future version of NEST. "
    "Instead of SetStatus(nrns|conns, args), use nrns|conns.set(args)."
)


def GetStatus(nodes_or_conns, keys=None, output=""):
    """Legacy status query (deprecated in NEST 3.10): a tuple with one entry per node or connection."""
    _info.deprecation("GetStatus", _GETSTATUS_TEXT)
    if not isinstance(nodes_or_conns, (NodeCollection, SynapseCollection)):
        raise TypeError("GetStatus: the first argument must be a NodeCollection or a SynapseCollection")
    n = len(nodes_or_conns)
    if n == 0:
        return "[]" if output == "json" else ()
    if keys:
        result = nodes_or_conns.get(keys)
        if isinstance(keys, str):
            if n == 1:
                result = (result,)
        elif n == 1:
            result = (tuple(result.values()),)
        else:
            result = tuple(zip(*result.values()))
    else:
        if isinstance(nodes_or_conns, NodeCollection):
            result = tuple(nodes_or_conns._all_status())
        else:
            result = nodes_or_conns.get()
            if n == 1:
                result = (result,)
            else:
                result = tuple({k: v[j] for k, v in result.items()} for j in range(n))
    if output == "json":
        return to_json(result)
    return result


def SetStatus(nodes_or_conns, params, val=None):
    """Legacy status update (deprecated in NEST 3.10): ``nodes.set(params)`` or ``nodes.set({params: val})``."""
    _info.deprecation("SetStatus", _SETSTATUS_TEXT)
    nodes_or_conns.set(params if val is None else {params: val})
