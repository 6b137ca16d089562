"""Spatial node collections for the facade: which nodes have positions, and
spatial Create and Connect.

The positions, masks and connection rules are nestkit's C++ core
(``_core.SpatialLayer``, ``_core.SpatialMask``, ``_core.spatial_connect``); this
module keeps, per Create call, the core layer that holds its nodes' positions,
keyed by the call's first node id, so slices of a layer keep their positions.
"""

from __future__ import annotations

import bisect
import numbers

import numpy as np

from .. import _core
from .._collections import NodeCollection
from ..parameters import Parameter
from . import _kernel_attrs, _state
from . import spatial as _spatial

_kernel = _state.kernel

# first node id -> core layer; kept sorted for lookups by node id.
_LAYERS: dict = {}
_FIRSTS: list = []
_CALLS = [0]  # spatial Connect calls and random layers since the last reset (stream keys)


def reset():
    """Forget all layers (ResetKernel)."""
    _LAYERS.clear()
    _FIRSTS.clear()
    _CALLS[0] = 0


def _next_call() -> int:
    _CALLS[0] += 1
    return _CALLS[0]


def layer_of(nodes: NodeCollection):
    """(core layer, first node id) of the layer holding all of `nodes`, or None."""
    ids = nodes.tolist()
    if not ids or not _FIRSTS:
        return None
    i = bisect.bisect_right(_FIRSTS, ids[0]) - 1
    if i < 0:
        return None
    first = _FIRSTS[i]
    layer = _LAYERS[first]
    if ids[-1] >= first + layer.size:
        return None
    return layer, first


def _reads_position(node) -> bool:
    return isinstance(node, tuple) and (node[:1] == ("node_pos",) or any(_reads_position(a) for a in node[1:]))


def resolve_node_positions(layer, first: int, ids: list, params: dict) -> dict:
    """params with every value that reads nest.spatial.pos replaced by its per-node values
    (computed by the core from each node's position; nodes ids of `layer`, first id `first`)."""
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, Parameter) and _reads_position(value._node):
            if layer is None:
                raise _core.BadProperty(f"{key}: nest.spatial.pos gives values only to nodes with spatial positions")
            seed = int(_kernel_attrs.get("rng_seed"))
            out[key] = _core.spatial_node_values(layer, first, ids, value._node, seed, _next_call())
    return out


def resolve_for(nodes: NodeCollection, params: dict) -> dict:
    """resolve_node_positions for existing nodes (NodeCollection.set)."""
    if not any(isinstance(v, Parameter) and _reads_position(v._node) for v in params.values()):
        return params
    found = layer_of(nodes)
    layer, first = found if found else (None, 0)
    return resolve_node_positions(layer, first, nodes.tolist(), params)


def require_layer(nodes, what="nodes"):
    if not isinstance(nodes, NodeCollection):
        raise TypeError(f"{what} must be a NodeCollection with spatial positions")
    found = layer_of(nodes)
    if found is None:
        raise _core.BadProperty(f"{what}: the NodeCollection has no spatial positions (create it with positions=...)")
    return found


def positions(nodes: NodeCollection) -> list:
    layer, first = require_layer(nodes)
    return layer.positions([g - first for g in nodes.tolist()])


def layer_size(nodes: NodeCollection):
    """The number of nodes of the layer holding all of `nodes`, or None."""
    found = layer_of(nodes)
    return None if found is None else int(found[0].size)


def metadata(nodes: NodeCollection):
    """NEST's ``NodeCollection.spatial`` dictionary, or None for nodes without positions."""
    found = layer_of(nodes)
    if found is None:
        return None
    layer, first = found
    d = {
        "center": np.array(layer.center),
        "edge_wrap": bool(layer.periodic),
        "extent": np.array(layer.extent),
        "network_size": len(nodes),
    }
    if layer.is_grid:
        d["shape"] = np.array(layer.shape)
    else:
        d["positions"] = np.array(layer.positions([g - first for g in nodes.tolist()]))
    return d


def _floats(v, what):
    if v is None:
        return None
    try:
        return [float(x) for x in v]
    except TypeError:
        raise TypeError(f"{what} must be a list of numbers, got {v!r}") from None


def make_layer(positions, n):
    """The core layer for a ``positions=`` argument of Create (checked before any node exists)."""
    if isinstance(positions, _spatial.grid):
        if n > 1:
            raise ValueError("Cannot specify number of nodes with grid positions")
        shape = [int(s) for s in positions.shape]
        return _core.SpatialLayer.grid(
            shape,
            _floats(positions.extent, "extent"),
            _floats(positions.center, "center"),
            bool(positions.edge_wrap),
        )
    if isinstance(positions, _spatial.free):
        extent = _floats(positions.extent, "extent")
        if positions._random:
            dims = [p._nestkit_distribution for p in positions.pos]
            seed = int(_kernel_attrs.get("rng_seed"))
            return _core.SpatialLayer.free_random(int(n), dims, extent, bool(positions.edge_wrap), seed, _next_call())
        pos = np.asarray(positions.pos, dtype=float)
        if pos.ndim != 2:
            raise _core.BadProperty("free positions must be a list of 2-D or 3-D positions")
        return _core.SpatialLayer.free(pos.tolist(), extent, bool(positions.edge_wrap))
    raise TypeError("`positions` must be either a nest.spatial.free or a nest.spatial.grid object")


def register(nodes: NodeCollection, layer) -> None:
    first = nodes.tolist()[0]
    _LAYERS[first] = layer
    bisect.insort(_FIRSTS, first)


# --- Connect -------------------------------------------------------------------

_CONN_KEYS = (
    "rule",
    "mask",
    "p",
    "pairwise_avg_num_conns",
    "indegree",
    "outdegree",
    "use_on_source",
    "allow_oversized_mask",
    "allow_autapses",
    "allow_multapses",
)
_SYN_KEYS = ("weight", "delay", "synapse_model", "synapse_label", "receptor_type")


def _is_spatial_param(v) -> bool:
    return isinstance(v, Parameter) and v.is_spatial()


def needs_spatial(conn_spec, syn_spec) -> bool:
    """Whether PyNEST would connect through its spatial (connect_layers) path."""
    if isinstance(conn_spec, dict):
        rule = str(conn_spec.get("rule", ""))
        if "mask" in conn_spec or "use_on_source" in conn_spec:
            return True
        if _is_spatial_param(conn_spec.get("p")):
            return True
        if "p" in conn_spec and "pairwise_bernoulli" not in rule:
            return True
        if _is_spatial_param(conn_spec.get("pairwise_avg_num_conns")):
            return True
        if "pairwise_avg_num_conns" in conn_spec and "pairwise_poisson" not in rule:
            return True
    if isinstance(syn_spec, dict) and any(_is_spatial_param(v) for v in syn_spec.values()):
        return True
    return False


def as_mask(spec):
    """A core mask from a Mask object or NEST's mask dictionary ({type: {...}, 'anchor': [...]})."""
    if isinstance(spec, Mask):
        return spec._mask
    if not isinstance(spec, dict):
        raise TypeError(f"mask must be a nest.Mask or a mask dictionary, got {type(spec).__name__}")
    spec = dict(spec)
    anchor = spec.pop("anchor", None)
    if len(spec) != 1:
        raise _core.BadProperty(
            f"a mask dictionary names exactly one mask type (and an optional anchor), got {list(spec)}"
        )
    ((mtype, params),) = spec.items()
    mask = _core.SpatialMask.make(str(mtype), _mask_params(params))
    if anchor is not None:
        mask = _core.SpatialMask.anchored(mask, _floats(anchor, "anchor"))
    return mask


def _mask_params(params):
    if not isinstance(params, dict):
        raise TypeError(f"mask parameters must be a dictionary, got {type(params).__name__}")
    out = {}
    for k, v in params.items():
        if isinstance(v, (list, tuple, np.ndarray)):
            out[k] = [float(x) for x in v]
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            out[k] = float(v)
        else:
            raise TypeError(f"mask parameter '{k}' must be a number or a list of numbers, got {v!r}")
    return out


def connect(pre, post, conn_spec, syn_spec):
    """A spatial Connect: mask and/or spatial kernel, rules as NEST's connect_layers."""
    src_layer, src_first = require_layer(pre, "pre")
    tgt_layer, tgt_first = require_layer(post, "post")
    spec = dict(conn_spec)
    for key in spec:
        if key not in _CONN_KEYS:
            raise ValueError(f"'{key}' is not allowed in conn_spec when connecting with mask or kernel")
    rule = spec.get("rule", "all_to_all")
    if rule not in ("pairwise_bernoulli", "fixed_indegree", "fixed_outdegree", "pairwise_poisson"):
        raise ValueError(
            "When using kernel or mask, the only possible connection rules are "
            "'pairwise_bernoulli', 'fixed_indegree', or 'fixed_outdegree'"
        )
    if "use_on_source" in spec and rule == "pairwise_poisson":
        raise ValueError("'use_on_source' can only be set when using 'pairwise_bernoulli'.")
    if "use_on_source" in spec and rule != "pairwise_bernoulli":
        raise ValueError("'use_on_source' can only be set when using pairwise_bernoulli")
    syn = syn_spec
    if isinstance(syn_spec, dict):
        for key in syn_spec:
            if key not in _SYN_KEYS:
                raise ValueError(f"'{key}' is not allowed in syn_spec when connecting with mask or kernel")
    number = -1
    if rule in ("fixed_indegree", "fixed_outdegree"):
        key = "indegree" if rule == "fixed_indegree" else "outdegree"
        if key not in spec:
            raise _core.BadProperty(f"rule '{rule}' requires '{key}'")
        value = spec[key]
        if isinstance(value, Parameter) or not isinstance(value, numbers.Real) or int(value) != value or value < 0:
            raise _core.BadProperty(f"'{key}' must be a non-negative integer for spatial connections, got {value!r}")
        number = int(value)
    # NEST's connect_layers kernel: p, else pairwise_avg_num_conns.
    p = spec["p"] if "p" in spec else spec.get("pairwise_avg_num_conns")
    if p is not None and not isinstance(p, Parameter):
        if not isinstance(p, numbers.Real) or isinstance(p, bool):
            raise TypeError(f"p must be a number or a Parameter, got {p!r}")
        p = float(p)
    mask = as_mask(spec["mask"]) if "mask" in spec else None
    _core.spatial_connect(
        _kernel,
        src_layer,
        src_first,
        pre._ids,
        tgt_layer,
        tgt_first,
        post._ids,
        rule,
        p,
        number,
        mask,
        bool(spec.get("use_on_source", False)),
        bool(spec.get("allow_autapses", True)),
        bool(spec.get("allow_multapses", True)),
        bool(spec.get("allow_oversized_mask", False)),
        syn,
        _next_call(),
    )


# --- masks -----------------------------------------------------------------------


class Mask:
    """A spatial mask (PyNEST's nest.Mask): made by CreateMask, combined with
    ``&`` (intersection), ``|`` (union) and ``-`` (difference)."""

    __slots__ = ("_mask",)

    def __init__(self, data):
        if not isinstance(data, _core.SpatialMask):
            raise TypeError("Expected a mask made by nest.CreateMask")
        self._mask = data

    def _combine(self, op, rhs):
        if not isinstance(rhs, Mask):
            raise NotImplementedError(f"Both operands of {op} must be masks.")
        return Mask(_core.SpatialMask.combine(op, self._mask, rhs._mask))

    def __or__(self, rhs):
        return self._combine("|", rhs)

    def __and__(self, rhs):
        return self._combine("&", rhs)

    def __sub__(self, rhs):
        return self._combine("-", rhs)

    def Inside(self, point):  # noqa: N802 - PyNEST's name
        """Whether a point (relative to the mask's origin) lies inside the mask."""
        return bool(self._mask.inside(_floats(point, "point")))

    def __repr__(self):
        return f"<nest.Mask {self._mask.description} ({self._mask.dim}-D)>"


def CreateMask(masktype, specs, anchor=None):  # noqa: N802 - PyNEST's name
    """A mask of a NEST mask type (circular, rectangular, elliptical, doughnut,
    spherical, box, ellipsoidal) from its parameters; ``anchor`` shifts it."""
    d = {masktype: specs}
    if anchor is not None:
        d["anchor"] = anchor
    return Mask(as_mask(d))
