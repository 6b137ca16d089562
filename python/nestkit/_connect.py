"""Translating PyNEST-style conn_spec/syn_spec into one kernel call."""

from __future__ import annotations

import numpy as np

from . import _core
from ._collections import NodeCollection

_SYN_KEYS = ("synapse_model", "weight", "delay", "receptor_type")


def _split_syn_spec(syn_spec):
    if syn_spec is None:
        return "static_synapse", None, None, None
    if isinstance(syn_spec, str):
        return syn_spec, None, None, None
    spec = dict(syn_spec)
    unknown = [k for k in spec if k not in _SYN_KEYS]
    if unknown:
        raise _core.UnknownParameter(
            f"syn_spec key(s) {unknown} not supported for static synapses; valid keys: {list(_SYN_KEYS)}"
        )
    return (
        spec.get("synapse_model", "static_synapse"),
        spec.get("weight"),
        spec.get("delay"),
        spec.get("receptor_type"),
    )


def _split_conn_spec(conn_spec):
    if conn_spec is None:
        return "all_to_all", {}
    if isinstance(conn_spec, str):
        return conn_spec, {}
    spec = dict(conn_spec)
    return spec.pop("rule", "all_to_all"), spec


def connect(kernel: _core.Kernel, pre, post, conn_spec=None, syn_spec=None):
    model, weight, delay, receptor = _split_syn_spec(syn_spec)
    if isinstance(weight, np.ndarray):
        weight = weight.ravel()
    if isinstance(delay, np.ndarray):
        delay = delay.ravel()
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        rule, params = _split_conn_spec(conn_spec)
        if rule != "one_to_one" or params:
            raise _core.BadProperty("arrays of node ids can only be connected one_to_one")
        src = [int(x) for x in np.asarray(pre).ravel()]
        tgt = [int(x) for x in np.asarray(post).ravel()]
        kernel.connect_arrays(src, tgt, model, weight, delay, receptor)
        return
    rule, params = _split_conn_spec(conn_spec)
    kernel.connect(pre._ids, post._ids, rule, params, model, weight, delay, receptor)
