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
        table = _optimizer_as_dict(self._kernel.connection_values(self._ids, names))
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
            merged = {k: [p[k] for p in params] for k in keys}
            self._kernel.set_connections(self._ids, merged)
            return
        merged = dict(params or {})
        merged.update(kwargs)
        self._kernel.set_connections(self._ids, merged)

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


def _optimizer_as_dict(table: dict) -> dict:
    """An e-prop synapse's optimizer parameters are common to its model (GetDefaults shows them);
    per connection NEST shows only the optimizer's own state, an empty dictionary for gradient
    descent (nestkit also for Adam, whose moments it keeps hidden)."""
    flat = [k for k in table if k.startswith("optimizer.")]
    if not flat:
        return table
    out = {k: v for k, v in table.items() if k not in flat}
    out["optimizer"] = [None if v is None else {} for v in table[flat[0]]]
    return out
