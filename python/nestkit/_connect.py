"""Translating PyNEST-style conn_spec/syn_spec into one kernel call.

The syn_spec dictionary goes to the core whole: which keys a synapse model accepts,
their units and their constraints come from the model's C++ declaration.
"""

from __future__ import annotations

import numpy as np

from . import _core
from ._collections import NodeCollection


class CollocatedSynapses:
    """Several synapse specifications for one Connect call (PyNEST's CollocatedSynapses):
    the rule draws the pairs once and each pair gets one connection per specification."""

    def __init__(self, *syn_specs):
        self.syn_specs = syn_specs

    def __len__(self):
        return len(self.syn_specs)

    def __repr__(self):
        return f"CollocatedSynapses{self.syn_specs!r}"


def _syn_spec(syn_spec):
    if syn_spec is None or isinstance(syn_spec, str):
        return syn_spec
    if not isinstance(syn_spec, dict):
        raise _core.TypeMismatch(
            f"syn_spec must be a dictionary or a synapse model name, got {type(syn_spec).__name__}"
        )
    spec = {}
    for key, value in syn_spec.items():
        if isinstance(value, (list, tuple)) and any(isinstance(v, (list, tuple, np.ndarray)) for v in value):
            value = np.asarray(value, dtype=float)
        # A 2-D array for all_to_all is [target][source], the order in which the rule makes connections.
        spec[key] = value.ravel() if isinstance(value, np.ndarray) else value
    return spec


def _split_conn_spec(conn_spec):
    if conn_spec is None:
        return "all_to_all", {}
    if isinstance(conn_spec, str):
        return conn_spec, {}
    spec = dict(conn_spec)
    return spec.pop("rule", "all_to_all"), spec


def _as_collections(kernel, pre, post, conn_spec):
    """PyNEST's reading of lists and arrays of node ids: for any rule but one_to_one, a
    list of unique ids is a NodeCollection (which must then be ascending, as NEST's);
    otherwise the ids are connected pairwise (connect_arrays)."""
    if _split_conn_spec(conn_spec)[0] == "one_to_one":
        return pre, post
    out = []
    for nodes in (pre, post):
        if not isinstance(nodes, NodeCollection):
            ids = [int(x) for x in np.asarray(nodes).ravel()]
            if len(set(ids)) == len(ids):
                nodes = NodeCollection(kernel, NodeCollection._ids_from_data(kernel, ids))
        out.append(nodes)
    return tuple(out)


def connect(kernel: _core.Kernel, pre, post, conn_spec=None, syn_spec=None):
    if isinstance(syn_spec, CollocatedSynapses):
        if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
            raise _core.BadProperty("CollocatedSynapses: pre and post must be NodeCollections, not arrays of node ids")
        if len(syn_spec) == 0:
            raise _core.BadProperty("CollocatedSynapses: give at least one synapse specification")
        specs = [_syn_spec(s) for s in syn_spec.syn_specs]
        rule, params = _split_conn_spec(conn_spec)
        kernel.connect_collocated(pre._ids, post._ids, rule, params, specs)
        return
    spec = _syn_spec(syn_spec)
    pre, post = _as_collections(kernel, pre, post, conn_spec)
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        rule, params = _split_conn_spec(conn_spec)
        if rule != "one_to_one" or params:
            raise _core.BadProperty("When connecting two arrays with non-unique IDs, `conn_spec` must be 'one_to_one'.")
        if len(pre) != len(post):
            raise _core.BadProperty("If 'pre' or 'post' contain non-unique IDs, then they must have the same length.")
        src = [int(x) for x in np.asarray(pre).ravel()]
        tgt = [int(x) for x in np.asarray(post).ravel()]
        kernel.connect_arrays(src, tgt, spec)
        return
    rule, params = _split_conn_spec(conn_spec)
    if rule == "all_to_all" and not params.get("allow_autapses", True) and isinstance(spec, dict):
        spec = _skip_autapse_values(pre.tolist(), post.tolist(), spec)
    kernel.connect(pre._ids, post._ids, rule, params, spec)


def _skip_autapse_values(pre, post, spec):
    """NEST's all_to_all reads array values per (target, source) pair, autapses included, and
    skips the autapses' values: an array of len(post) * len(pre) values loses those entries."""
    pairs = len(pre) * len(post)
    keep = None
    out = dict(spec)
    for key, value in spec.items():
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == pairs:
            if keep is None:
                keep = (np.asarray(post)[:, None] != np.asarray(pre)[None, :]).ravel()
            if not keep.all():
                out[key] = value[keep]
    return out


_TRIPARTITE_KEYS = ("primary", "third_in", "third_out")


def _tripartite_specs(syn_specs, key):
    spec = (syn_specs or {}).get(key, "static_synapse")
    specs = spec.syn_specs if isinstance(spec, CollocatedSynapses) else (spec,)
    out = []
    for s in specs:
        s = {"synapse_model": s} if isinstance(s, str) else s
        if not isinstance(s, dict):
            raise _core.TypeMismatch(f"syn_specs['{key}'] must be a dictionary, a model name or CollocatedSynapses")
        for entry, value in s.items():
            if isinstance(value, (list, tuple, np.ndarray)):
                raise _core.BadProperty(
                    f"Tripartite connections do not accept parameter lists, but 'syn_specs[{key}][{entry}]' is one"
                )
        out.append(_syn_spec(s))
    return out


def connect_tripartite(kernel: _core.Kernel, pre, post, third, conn_spec, third_factor_conn_spec, syn_specs=None):
    """PyNEST's TripartiteConnect: see nestkit.nest.TripartiteConnect."""
    for what, nc in (("Presynaptic", pre), ("Postsynaptic", post), ("Third-factor", third)):
        if not isinstance(nc, NodeCollection):
            raise TypeError(f"{what} nodes must be a NodeCollection")
    if syn_specs is not None and not isinstance(syn_specs, dict):
        raise _core.TypeMismatch("syn_specs must be a dictionary with keys 'primary', 'third_in', 'third_out'")
    unknown = set(syn_specs or {}) - set(_TRIPARTITE_KEYS)
    if unknown:
        raise _core.BadProperty(
            f"TripartiteConnect: unknown syn_specs keys {sorted(unknown)}; allowed: {list(_TRIPARTITE_KEYS)}"
        )
    if not isinstance(third_factor_conn_spec, dict):
        raise _core.TypeMismatch("third_factor_conn_spec must be a dictionary with a 'rule'")
    rule, params = _split_conn_spec(conn_spec)
    third_params = dict(third_factor_conn_spec)
    third_rule = third_params.pop("rule", None)
    if third_rule is None:
        raise _core.BadProperty("third_factor_conn_spec needs a 'rule' ('third_factor_bernoulli_with_pool')")
    kernel.connect_tripartite(
        pre._ids,
        post._ids,
        third._ids,
        rule,
        params,
        third_rule,
        third_params,
        *(_tripartite_specs(syn_specs, k) for k in _TRIPARTITE_KEYS),
    )
