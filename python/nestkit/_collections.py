"""NodeCollection and SynapseCollection, shared by both Python APIs.

They hold ids and a reference to their kernel; all bookkeeping (slicing,
membership, parameter access and validation) is done by the C++ core.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _core


def _normalise(values: list, single: bool):
    return values[0] if single else tuple(values)


def flatten_params(params: dict) -> dict:
    """NEST's per-compartment sub-dictionaries ({"soma": {"g_L": x}}) as the core's
    flat keys ("soma.g_L"); other values pass through unchanged."""
    flat = {}
    for key, value in params.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                flat[f"{key}.{sub}"] = v
        else:
            flat[key] = value
    return flat


def _nest_compartments(status: dict, key: str) -> dict | None:
    prefix = key + "."
    sub = {k[len(prefix) :]: v for k, v in status.items() if k.startswith(prefix)}
    return sub or None


class NodeCollection:
    """An ordered set of nodes, as PyNEST's NodeCollection."""

    __slots__ = ("_kernel", "_ids")

    def __init__(self, kernel: _core.Kernel, ids: _core.NodeIds):
        object.__setattr__(self, "_kernel", kernel)
        object.__setattr__(self, "_ids", ids)

    # --- sequence protocol ---
    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, key):
        n = len(self)
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step < 0:
                raise IndexError("NodeCollection slicing does not support negative steps")
            return NodeCollection(self._kernel, self._ids.slice(start, stop, step))
        if isinstance(key, numbers.Integral):
            i = int(key) + (n if key < 0 else 0)
            if not 0 <= i < n:
                raise IndexError(f"index {key} out of range for NodeCollection of {n} nodes")
            return NodeCollection(self._kernel, _core.NodeIds([self._ids.at(i)]))
        idx = np.asarray(key)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        ids = self._ids.array()[idx.astype(np.int64)]
        return NodeCollection(self._kernel, _core.NodeIds(sorted(set(int(x) for x in ids))))

    def __add__(self, other: NodeCollection) -> NodeCollection:
        if not isinstance(other, NodeCollection):
            return NotImplemented
        return NodeCollection(self._kernel, self._ids + other._ids)

    def __contains__(self, item) -> bool:
        if isinstance(item, NodeCollection):
            return all(self._ids.contains(g) for g in item.tolist())
        return self._ids.contains(int(item))

    def __eq__(self, other) -> bool:
        return isinstance(other, NodeCollection) and self._ids == other._ids

    def __hash__(self):
        return hash(tuple(self.tolist()))

    def __repr__(self) -> str:
        ids = self.tolist()
        if not ids:
            return "NodeCollection()"
        model = self._kernel.model_of(ids[0])
        return f"NodeCollection(metadata=None, model={model}, size={len(ids)}, first={ids[0]}, last={ids[-1]})"

    def tolist(self) -> list[int]:
        return list(self._ids.tolist())

    def index(self, node_id: int) -> int:
        i = self._ids.index_of(int(node_id))
        if i < 0:
            raise ValueError(f"{node_id} is not in the NodeCollection")
        return i

    @property
    def global_id(self):
        return _normalise(self.tolist(), len(self) == 1)

    # --- parameters ---
    def _get_one(self, key: str) -> list:
        if key == "events":
            return [self._kernel.events(g) for g in self.tolist()]
        try:
            return [d[key] for d in self._kernel.get_status(self._ids, [key])]
        except _core.UnknownParameter:
            # A compartment name ("soma") gathers its flat keys into a dictionary.
            subs = [_nest_compartments(d, key) for d in self._kernel.get_status(self._ids, [])]
            if any(x is None for x in subs):
                raise
            return subs

    def get(self, *keys, output: str = ""):
        """As PyNEST: one key gives a value (tuple over nodes), several a dict."""
        single = len(self) == 1
        if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
            keys = tuple(keys[0])
            as_dict = True
        else:
            as_dict = len(keys) != 1
        if not keys:
            dicts = self._kernel.get_status(self._ids, [])
            if single:
                return dicts[0]
            return {k: tuple(d[k] for d in dicts) for k in dicts[0]}
        values = {k: _normalise(self._get_one(k), single) for k in keys}
        if output == "pandas":
            import pandas as pd

            return pd.DataFrame(values, index=self.tolist())
        return values if as_dict else values[keys[0]]

    def set(self, params=None, **kwargs):
        """As PyNEST: a dict (list values give one per node), a list of dicts, or keywords."""
        if isinstance(params, (list, tuple)):
            if kwargs:
                raise TypeError("give either a list of dictionaries or keyword arguments")
            self._kernel.set_status_each(self._ids, [flatten_params(p) for p in params])
            return
        merged = dict(params or {})
        merged.update(kwargs)
        self._kernel.set_status(self._ids, flatten_params(merged))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})


class SynapseCollection:
    """Connections returned by GetConnections, with get/set of their properties."""

    def __init__(self, kernel: _core.Kernel, ids: _core.SynapseIds):
        self._kernel = kernel
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def get(self, keys=None, output: str = ""):
        """One key gives a list (a value for a single connection), several a dict."""
        single_key = isinstance(keys, str)
        names = [keys] if single_key else list(keys or [])
        table = self._kernel.connection_values(self._ids, names)
        one = len(self) == 1
        result = {k: (v[0] if one else list(v)) for k, v in table.items()}
        if output == "pandas":
            import pandas as pd

            return pd.DataFrame({k: list(v) for k, v in table.items()})
        return result[keys] if single_key else result

    def set(self, params=None, **kwargs):
        merged = dict(params or {})
        merged.update(kwargs)
        self._kernel.set_connections(self._ids, merged)

    def sources(self):
        return iter(self._kernel.connection_values(self._ids, ["source"])["source"])

    def targets(self):
        return iter(self._kernel.connection_values(self._ids, ["target"])["target"])

    @property
    def source(self):
        return self.get("source")

    @property
    def target(self):
        return self.get("target")

    @property
    def weight(self):
        return self.get("weight")

    @property
    def delay(self):
        return self.get("delay")

    def __repr__(self) -> str:
        return f"SynapseCollection(size={len(self)})"
