"""The ``conngen`` connection rule: connections from a Connection Set Algebra (CSA)
connection set, as NEST 3.10 makes them with libneurosim:

    nest.Connect(pre, post, {"rule": "conngen", "cg": cset, "params_map": {"weight": 0, "delay": 1}})

NEST hands the connection set a mask of the source and target index ranges
(0..len(pre)-1, 0..len(post)-1) and connects ``pre[i] -> post[j]`` for every (i, j) the
set yields; a set with two values per connection gives weight and delay by the
indices in ``params_map``. nestkit evaluates the set with the ``csa`` package in the
same way (the set's own random draws, Python's ``random`` state) and makes the
connections in one ``connect_arrays`` call. NEST's checks and messages are kept.
"""

from __future__ import annotations

import numpy as np

from .. import _core
from .._collections import NodeCollection
from .._connect import CollocatedSynapses
from .._optional import require

_KEYS = {"rule", "cg", "params_map"}


def is_conngen(conn_spec) -> bool:
    return isinstance(conn_spec, dict) and conn_spec.get("rule") == "conngen"


def _value_columns(arity: int, conn_spec: dict, syn_spec: dict) -> dict:
    """{"weight": column, "delay": column} of the set's values (empty without values)."""
    if arity == 0:
        return {}
    if "params_map" not in conn_spec:
        raise _core.BadProperty("A params_map has to be given if the ConnectionGenerator has values.")
    if "weight" in syn_spec or "delay" in syn_spec:
        raise _core.BadProperty(
            "Properties weight and delay cannot be specified in syn_spec if the ConnectionGenerator has values."
        )
    if arity != 2:
        raise _core.BadProperty(
            f"Either two or no parameters in the ConnectionGenerator expected; this connection set has {arity}."
        )
    params_map = conn_spec["params_map"]
    if not isinstance(params_map, dict) or "weight" not in params_map or "delay" not in params_map:
        raise _core.BadProperty(
            f"The parameter map has to contain the indices of weight and delay, got {params_map!r}."
        )
    w, d = params_map["weight"], params_map["delay"]
    if not ({w, d} == {0, 1} and all(isinstance(x, (int, np.integer)) for x in (w, d))):
        raise _core.BadProperty(
            f"The indices for weight and delay have to be either 0 or 1 and cannot be the same, got {params_map!r}."
        )
    return {"weight": 2 + int(w), "delay": 2 + int(d)}


def _syn_spec_dict(syn_spec) -> dict:
    if isinstance(syn_spec, CollocatedSynapses):
        raise _core.BadProperty("Connection rule conngen cannot be used with collocated synapses.")
    if syn_spec is None:
        return {}
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if not isinstance(syn_spec, dict):
        raise _core.TypeMismatch(
            f"syn_spec must be a dictionary or a synapse model name, got {type(syn_spec).__name__}"
        )
    return dict(syn_spec)


def connection_array(csa, cg, n_pre: int, n_post: int) -> np.ndarray:
    """The connection set over sources 0..n_pre-1 and targets 0..n_post-1: one row
    (i, j, values...) per connection, in the set's own order."""
    mask = csa.cross((0, n_pre - 1), (0, n_post - 1))
    # Iterate once, as NEST's libneurosim binding does. Not list(set): list() asks the set
    # for its length first, which csa answers by a full iteration that moves Python's
    # random state past the point where the random masks restart their draws.
    rows = [row for row in iter(csa.partition(cg, [mask], 0))]
    return np.asarray(rows, dtype=float).reshape(len(rows), 2 + csa.arity(cg))


def connect(kernel, pre, post, conn_spec: dict, syn_spec) -> None:
    """nest.Connect with ``{"rule": "conngen", "cg": ..., "params_map": ...}``; nothing is
    connected if any check fails."""
    csa = require("csa", "The 'conngen' connection rule (Connection Set Algebra)")
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        raise TypeError("Connect with the 'conngen' rule: pre and post must be NodeCollections")
    unknown = set(conn_spec) - _KEYS
    if unknown:
        raise _core.BadProperty(f"conngen: unknown conn_spec keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    if "cg" not in conn_spec:
        raise _core.BadProperty("conngen: conn_spec needs 'cg', a CSA connection set")
    cg = conn_spec["cg"]
    if not isinstance(cg, csa.csaobject.CSAObject):
        raise _core.TypeMismatch(f"conngen: 'cg' must be a CSA connection set or mask, got {type(cg).__name__}")
    spec = _syn_spec_dict(syn_spec)
    columns = _value_columns(csa.arity(cg), conn_spec, spec)
    table = connection_array(csa, cg, len(pre), len(post))
    pre_ids = np.asarray(pre.tolist(), dtype=np.int64)
    post_ids = np.asarray(post.tolist(), dtype=np.int64)
    for key, column in columns.items():
        spec[key] = table[:, column]
    sources = pre_ids[table[:, 0].astype(np.int64)]
    targets = post_ids[table[:, 1].astype(np.int64)]
    kernel.connect_arrays(sources.tolist(), targets.tolist(), spec)
