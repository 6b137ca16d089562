"""PyNEST's spatial queries: positions, displacements, distances, nearest and
centre elements, mask selection, sources and targets, and the layer dumps.

Displacements and distances follow NEST 3.10 exactly, including its argument
order: between node collections, ``Displacement(a, b)`` is a's position minus
b's (wrapped in a's layer); from explicit points it is the node's position minus
the point (wrapped in the nodes' layer).
"""

from __future__ import annotations

import os

import numpy as np

from .. import _core
from .._collections import NodeCollection
from . import _spatial_layers as _layers
from ._spatial_layers import require_layer

__all__ = [
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
]


def GetPosition(nodes):  # noqa: N802 - PyNEST's name
    """Positions of spatial nodes: one list of coordinates, or a list of them for several nodes."""
    if not isinstance(nodes, NodeCollection):
        raise TypeError("nodes must be a NodeCollection with spatial extent")
    pos = _layers.positions(nodes)
    return pos[0] if len(pos) == 1 else pos


def _pairs(from_arg, to_arg, measure):
    if not isinstance(to_arg, NodeCollection):
        raise TypeError("to_arg must be a NodeCollection")
    if isinstance(from_arg, np.ndarray):
        from_arg = (from_arg,)
    if len(from_arg) > 1 and len(to_arg) > 1 and len(from_arg) != len(to_arg):
        raise ValueError("to_arg and from_arg must have same size unless one have size 1.")
    to_layer, to_first = require_layer(to_arg, "to_arg")
    if isinstance(from_arg, NodeCollection):
        from_layer, from_first = require_layer(from_arg, "from_arg")
        to_pos = to_layer.positions([g - to_first for g in to_arg.tolist()])
        from_pos = from_layer.positions([g - from_first for g in from_arg.tolist()])
        if len(from_pos) == 1:
            return [measure(from_layer, p, from_pos[0]) for p in to_pos]
        return [measure(from_layer, to_pos[k if len(to_pos) > 1 else 0], q) for k, q in enumerate(from_pos)]
    if not isinstance(from_arg, (list, tuple)):
        raise TypeError("from_arg must be either a NodeCollection or a list/tuple of positions")
    points = [[float(x) for x in p] for p in from_arg]
    to_pos = to_layer.positions([g - to_first for g in to_arg.tolist()])
    return [measure(to_layer, points[k if len(points) > 1 else 0], q) for k, q in enumerate(to_pos)]


def Displacement(from_arg, to_arg):  # noqa: N802 - PyNEST's name
    """Displacement vectors between nodes (or points) and nodes, as NEST computes them."""
    return _pairs(from_arg, to_arg, lambda layer, a, b: list(layer.displacement(a, b)))


def Distance(from_arg, to_arg):  # noqa: N802 - PyNEST's name
    """Distances between nodes (or points) and nodes, wrapped in periodic layers."""
    return _pairs(from_arg, to_arg, lambda layer, a, b: layer.distance(a, b))


def FindNearestElement(layer, locations, find_all=False):  # noqa: N802 - PyNEST's name
    """The node nearest to each location (all equally near ones with find_all)."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    if not len(layer) > 0:
        raise ValueError("layer cannot be empty")
    if not np.iterable(locations):
        raise TypeError("locations must be coordinate array or list of coordinate arrays")
    if not np.iterable(locations[0]):
        locations = (locations,)
    result = []
    for loc in locations:
        d = np.asarray(Distance(np.array(loc, dtype=float), layer))
        if not find_all:
            result.append(layer[int(np.argmin(d))])
            continue
        best = d[0]
        nearest = [0]
        for k in range(1, len(layer)):
            if d[k] < best:
                best, nearest = d[k], [k]
            elif abs(d[k] - best) <= 1e-14 * best:  # NEST's tie tolerance
                nearest.append(k)
        result.append([layer[k] for k in nearest])
    return result[0] if len(result) == 1 else result


def FindCenterElement(layer):  # noqa: N802 - PyNEST's name
    """The node nearest to the layer's centre (the first one on ties)."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    nearest = FindNearestElement(layer, layer.spatial["center"])
    k = layer.index(nearest.tolist()[0])
    return layer[k : k + 1]


def SelectNodesByMask(layer, anchor, mask_obj):  # noqa: N802 - PyNEST's name
    """The nodes of a layer inside a mask placed at `anchor`."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection.")
    core_layer, first = require_layer(layer, "layer")
    mask = _layers.as_mask(mask_obj)
    anchor = [float(x) for x in anchor]
    if len(anchor) not in (2, 3):
        raise _core.BadProperty("Center must be 2- or 3-dimensional.")
    idx = _core.select_by_mask(core_layer, first, layer._ids, mask, anchor)
    ids = layer.tolist()
    return NodeCollection([ids[k] for k in idx])


def _partners(owners, others, by_source: bool, syn_model):
    from . import GetConnections

    conns = GetConnections(owners if by_source else others, others if by_source else owners, synapse_model=syn_model)
    src = conns.get("source") if len(conns) else []
    tgt = conns.get("target") if len(conns) else []
    if isinstance(src, int):
        src, tgt = [src], [tgt]
    found = {g: [] for g in owners.tolist()}
    for s, t in zip(src, tgt):
        if by_source:
            found[s].append(t)
        else:
            found[t].append(s)
    return found


def GetTargetNodes(sources, tgt_layer, syn_model=None):  # noqa: N802 - PyNEST's name
    """For each source, the NodeCollection of its targets in tgt_layer."""
    if not isinstance(sources, NodeCollection):
        raise TypeError("sources must be a NodeCollection.")
    if not isinstance(tgt_layer, NodeCollection):
        raise TypeError("tgt_layer must be a NodeCollection")
    found = _partners(sources, tgt_layer, True, syn_model)
    return tuple(NodeCollection(sorted(set(found[g]))) for g in sources.tolist())


def GetSourceNodes(src_layer, targets, syn_model=None):  # noqa: N802 - PyNEST's name
    """For each target, the NodeCollection of its sources in src_layer."""
    if not isinstance(src_layer, NodeCollection):
        raise TypeError("src_layer must be a NodeCollection")
    if not isinstance(targets, NodeCollection):
        raise TypeError("targets must be a NodeCollection.")
    found = _partners(targets, src_layer, False, syn_model)
    return tuple(NodeCollection(sorted(set(found[g]))) for g in targets.tolist())


def _partner_positions(owners, layer, by_source, syn_model):
    core, first = require_layer(layer, "layer")
    found = _partners(owners, layer, by_source, syn_model)
    return [core.positions([g - first for g in found[o]]) for o in owners.tolist()]


def GetTargetPositions(sources, tgt_layer, syn_model=None):  # noqa: N802 - PyNEST's name
    """For each source, the positions of its targets in tgt_layer (one per connection)."""
    if not isinstance(sources, NodeCollection):
        raise TypeError("sources must be a NodeCollection.")
    return _partner_positions(sources, tgt_layer, True, syn_model)


def GetSourcePositions(src_layer, targets, syn_model=None):  # noqa: N802 - PyNEST's name
    """For each target, the positions of its sources in src_layer (one per connection)."""
    if not isinstance(targets, NodeCollection):
        raise TypeError("targets must be a NodeCollection.")
    return _partner_positions(targets, src_layer, False, syn_model)


def _g(x: float) -> str:
    """A double as C++ streams write it by default (6 significant digits)."""
    return f"{x:.6g}"


def DumpLayerNodes(layer, outname):  # noqa: N802 - PyNEST's name
    """Write 'node_id x y [z]' per node, as NEST's DumpLayerNodes."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    core, first = require_layer(layer, "layer")
    ids = layer.tolist()
    pos = core.positions([g - first for g in ids])
    with open(os.fspath(outname), "w") as f:
        for g, p in zip(ids, pos):
            f.write(f"{g} " + " ".join(_g(x) for x in p) + "\n")


def DumpLayerConnections(source_layer, target_layer, synapse_model, outname):  # noqa: N802 - PyNEST's name
    """Write 'source target weight delay dx dy [dz]' per connection, the displacement
    from source to target wrapped in the target layer, as NEST's DumpLayerConnections."""
    from . import GetConnections

    if not isinstance(source_layer, NodeCollection):
        raise TypeError("source_layer must be a NodeCollection")
    if not isinstance(target_layer, NodeCollection):
        raise TypeError("target_layer must be a NodeCollection")
    src_core, src_first = require_layer(source_layer, "source_layer")
    tgt_core, tgt_first = require_layer(target_layer, "target_layer")
    conns = GetConnections(source_layer, target_layer, synapse_model=synapse_model)
    rows = []
    if len(conns):
        values = conns.get(["source", "target", "weight", "delay"], output="")
        cols = [
            values[k] if isinstance(values[k], list) else [values[k]] for k in ("source", "target", "weight", "delay")
        ]
        rows = list(zip(*cols))
    with open(os.fspath(outname), "w") as f:
        for s, t, w, d in rows:
            sp = src_core.positions([s - src_first])[0]
            tp = tgt_core.positions([t - tgt_first])[0]
            disp = tgt_core.displacement(sp, tp)
            f.write(f"{s} {t} {_g(w)} {_g(d)} " + " ".join(_g(x) for x in disp) + "\n")


def apply_parameter(parameter, spatial_nc, positions):
    """Parameter.apply: the parameter for connections from one node to target positions
    (without positions: to every node of the collection)."""
    from . import _kernel_attrs

    if not isinstance(spatial_nc, NodeCollection):
        raise TypeError("apply needs a NodeCollection with spatial positions")
    core, first = require_layer(spatial_nc, "spatial_nc")
    if positions is None:
        source = core.positions([spatial_nc.tolist()[0] - first])[0]
        targets = core.positions([g - first for g in spatial_nc.tolist()])
    else:
        if len(spatial_nc) != 1:
            raise ValueError("The NodeCollection must contain a single node ID only")
        if not isinstance(positions, (list, tuple)):
            raise TypeError("Positions must be a list or tuple of positions")
        source = core.positions([spatial_nc.tolist()[0] - first])[0]
        targets = [[float(x) for x in p] for p in positions]
    seed = int(_kernel_attrs.get("rng_seed"))
    return _core.spatial_values(core, source, targets, parameter._nestkit_distribution, seed, _layers._next_call())
