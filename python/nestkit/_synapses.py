"""SynapseCollection: connections found by GetConnections, as PyNEST's.

It holds the kernel's handle on the connections; reading and changing them by NEST
names, validation and the per-synapse state are the C++ core's.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _core


class SynapseCollection:
    """Connections returned by GetConnections, with get/set of their properties."""

    def __init__(self, kernel: _core.Kernel, ids: _core.SynapseIds):
        self._kernel = kernel
        self._ids = ids

    # --- sequence protocol ---
    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, key):
        n = len(self)
        if isinstance(key, slice):
            positions = list(range(*key.indices(n)))
        elif isinstance(key, numbers.Integral):
            i = int(key) + (n if key < 0 else 0)
            if not 0 <= i < n:
                raise IndexError(f"index {key} out of range for SynapseCollection of {n} connections")
            positions = [i]
        else:
            idx = np.asarray(key)
            if idx.dtype == bool:
                idx = np.flatnonzero(idx)
            positions = [int(i) for i in idx]
        return SynapseCollection(self._kernel, self._ids.subset(positions))

    def __eq__(self, other) -> bool:
        return isinstance(other, SynapseCollection) and self._ids == other._ids

    def __hash__(self):
        return hash(tuple(self._ids.tolist()))

    def __add__(self, other: SynapseCollection) -> SynapseCollection:
        if not isinstance(other, SynapseCollection):
            return NotImplemented
        return SynapseCollection(self._kernel, self._ids + other._ids)

    # --- properties ---
    def get(self, keys=None, output: str = ""):
        """One key gives a list (a value for a single connection), several a dict."""
        single_key = isinstance(keys, str)
        names = [keys] if single_key else list(keys or [])
        table = _optimizer_as_dict(self._connection_values(names), not names or "optimizer" in names)
        if output == "pandas":
            import pandas as pd

            return pd.DataFrame({k: list(v) for k, v in table.items()})
        one = len(self) == 1
        result = {k: (v[0] if one else list(v)) for k, v in table.items()}
        if output == "json":
            import json

            return json.dumps(result)
        return result[keys] if single_key else result

    def set(self, params=None, **kwargs):
        """A dict (list values give one per connection), a list of dicts, or keywords."""
        if isinstance(params, (list, tuple)):
            if kwargs:
                raise TypeError("give either a list of dictionaries or keyword arguments")
            if len(params) != len(self):
                raise _core.BadProperty(f"set: {len(params)} dictionaries for {len(self)} connections")
            keys = set().union(*(p.keys() for p in params))
            if "optimizer" in keys:
                # Connections left out keep their optimizer state.
                params = [p if "optimizer" in p else {**p, "optimizer": {}} for p in params]
            merged = {k: [p[k] for p in params] for k in keys}
            self._kernel.set_connections(self._ids, self._optimizer_in(merged, per_connection=True))
            return
        merged = dict(params or {})
        merged.update(kwargs)
        self._kernel.set_connections(self._ids, self._optimizer_in(merged, per_connection=False))

    def _connection_values(self, names: list) -> dict:
        """The core's table; NEST's per-connection ``optimizer`` entry is read from its flat keys."""
        if "optimizer" not in names:
            return self._kernel.connection_values(self._ids, names)
        flat = [k for k in names if k != "optimizer"] + list(_OPTIMIZER_KEYS)
        try:
            return self._kernel.connection_values(self._ids, flat)
        except _core.UnknownParameter:
            return self._kernel.connection_values(self._ids, names)  # the core's message on "optimizer"

    def _optimizer_in(self, params: dict, per_connection: bool) -> dict:
        """NEST's per-connection ``optimizer`` dictionary (Adam's moments m and v) as the core's
        flat keys "optimizer.m" and "optimizer.v"; ``per_connection``: one dictionary per connection."""
        if "optimizer" not in params:
            return params
        out = {k: v for k, v in params.items() if k != "optimizer"}
        dicts = params["optimizer"] if per_connection else [params["optimizer"]] * len(self)
        current = self._kernel.connection_values(self._ids, ["synapse_model"])["synapse_model"]
        for model in sorted(set(current)):
            if "optimizer.type" not in self._kernel.get_defaults(model):
                raise _core.UnknownParameter(
                    f"'optimizer' cannot be set on {model} connections: only the e-prop synapses have an optimizer"
                )
        state = self._kernel.connection_values(self._ids, list(_OPTIMIZER_KEYS))
        values = {"m": list(state["optimizer.m"]), "v": list(state["optimizer.v"])}
        for n, (d, model, kind) in enumerate(zip(dicts, current, state["optimizer.type"])):
            if not isinstance(d, dict):
                raise _core.TypeMismatch(f"{model}: optimizer must be a dictionary, got {d!r}")
            allowed = ("m", "v") if int(kind) == 1 else ()
            for key, value in d.items():
                if key not in allowed:
                    kind_name = "adam" if int(kind) == 1 else "gradient_descent"
                    what = ", ".join(allowed) if allowed else "none"
                    hint = (
                        "; the optimizer's parameters are common to the model: set them with SetDefaults"
                        if key in _COMMON_OPTIMIZER_KEYS
                        else ""
                    )
                    raise _core.BadProperty(
                        f"{model}: '{key}' is not a per-connection state of the {kind_name} optimizer "
                        f"(per-connection keys: {what}){hint}"
                    )
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise _core.TypeMismatch(f"{model}: optimizer {key} must be a number, got {value!r}")
                values[key][n] = float(value)
        out["optimizer.m"] = values["m"]
        out["optimizer.v"] = values["v"]
        return out

    def disconnect(self) -> None:
        """Removes these connections from the network."""
        self._kernel.disconnect(self._ids)

    def sources(self):
        return iter(self._kernel.connection_values(self._ids, ["source"])["source"])

    def targets(self):
        return iter(self._kernel.connection_values(self._ids, ["target"])["target"])

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})

    def __repr__(self) -> str:
        return f"SynapseCollection(size={len(self)})"

    def __str__(self) -> str:
        if not len(self):
            return "SynapseCollection()"
        t = self.get(["source", "target", "synapse_model", "weight", "delay"])
        if len(self) == 1:
            t = {k: [v] for k, v in t.items()}
        rows = [" source   target   synapse model   weight   delay"]
        for s, g, m, w, d in zip(t["source"], t["target"], t["synapse_model"], t["weight"], t["delay"]):
            rows.append(f"{s:>7} {g:>8}   {m:>13} {w:>8.3f} {d:>7.3f}")
        return "\n".join(rows)


_OPTIMIZER_KEYS = ("optimizer.type", "optimizer.m", "optimizer.v")
_COMMON_OPTIMIZER_KEYS = (
    "type",
    "batch_size",
    "eta",
    "Wmin",
    "Wmax",
    "optimize_each_step",
    "beta_1",
    "beta_2",
    "epsilon",
)


def _optimizer_as_dict(table: dict, wanted: bool = True) -> dict:
    """An e-prop synapse's optimizer parameters are common to its model (GetDefaults shows them);
    per connection NEST shows only the optimizer's own state: Adam's moments m and v, an empty
    dictionary for gradient descent."""
    flat = [k for k in table if k.startswith("optimizer.")]
    if not flat or not wanted:
        return table
    out = {k: v for k, v in table.items() if k not in flat}
    kinds = table.get("optimizer.type", [None] * len(table[flat[0]]))
    ms = table.get("optimizer.m", kinds)
    vs = table.get("optimizer.v", kinds)
    out["optimizer"] = [
        None if kind is None else ({"m": m, "v": v} if int(kind) == 1 else {}) for kind, m, v in zip(kinds, ms, vs)
    ]
    return out
