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
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        rule, params = _split_conn_spec(conn_spec)
        if rule != "one_to_one" or params:
            raise _core.BadProperty("arrays of node ids can only be connected one_to_one")
        src = [int(x) for x in np.asarray(pre).ravel()]
        tgt = [int(x) for x in np.asarray(post).ravel()]
        kernel.connect_arrays(src, tgt, spec)
        return
    rule, params = _split_conn_spec(conn_spec)
    kernel.connect(pre._ids, post._ids, rule, params, spec)
