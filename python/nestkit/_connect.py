"""Translating PyNEST-style conn_spec/syn_spec into one kernel call.

The syn_spec dictionary goes to the core whole: which keys a synapse model accepts,
their units and their constraints come from the model's C++ declaration.
"""

from __future__ import annotations

import numpy as np

from . import _core
from ._collections import NodeCollection


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
