"""NodeCollection and SynapseCollection, shared by both Python APIs.

They hold ids and a reference to their kernel; all bookkeeping (slicing,
membership, parameter access and validation) is done by the C++ core.
"""

from __future__ import annotations

import numbers
import types

import numpy as np

from . import _compartmental, _core, _structural
from ._synapses import SynapseCollection


def _normalise(values: list, single: bool):
    return values[0] if single else tuple(values)


def flatten_params(params: dict) -> dict:
    """NEST's per-compartment sub-dictionaries ({"soma": {"g_L": x}}) as the core's
    flat keys ("soma.g_L"); other values pass through unchanged."""
    flat = {}
    for key, value in _compartmental.encode_params(_structural.encode_params(params)).items():
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


# The correlation detectors' results, which NEST returns as NumPy arrays; the core
# hands covariance matrices out flat, shaped here as N_channels x N_channels x bins.
_DETECTOR_ARRAYS = {"histogram": float, "histogram_correction": float, "count_histogram": int, "n_events": int}
_DETECTOR_MATRICES = {"covariance": float, "count_covariance": int}


def _detector_arrays(status: dict, channels=None) -> dict:
    if "element_type" in status and status["element_type"] != "recorder":
        return status
    for key, dtype in _DETECTOR_ARRAYS.items():
        if isinstance(status.get(key), list):
            status[key] = np.asarray(status[key], dtype=dtype)
    for key, dtype in _DETECTOR_MATRICES.items():
        if isinstance(status.get(key), list):
            n = int(status.get("N_channels", channels or 1))
            status[key] = np.asarray(status[key], dtype=dtype).reshape(n, n, -1)
    return status


_DEFAULT_KERNEL: list = []
# [function(NodeCollection) -> dict | None] once nestkit.nest is loaded (NodeCollection.spatial).
SPATIAL_METADATA: list = []
# The size of the spatial layer holding all of a collection's nodes, or None (for repr).
SPATIAL_LAYER_SIZE: list = []
# The facade's reading of node values that depend on the node (nest.spatial.pos): (nodes, params) -> params.
NODE_VALUE_RESOLVERS: list = []


def set_default_kernel(kernel: _core.Kernel) -> None:
    """The kernel that ``NodeCollection([ids])`` (PyNEST's form, no kernel given) refers to."""
    _DEFAULT_KERNEL[:] = [kernel]


def serialize_data(data):
    """Data as JSON-encodable Python values (lists, dicts, ints, floats, bools, strings), as PyNEST's."""
    if isinstance(data, (np.ndarray, NodeCollection)):
        return serialize_data(data.tolist())
    if isinstance(data, SynapseCollection):
        return serialize_data(data.get())
    if isinstance(data, np.bool_):
        return bool(data)
    if isinstance(data, np.integer):
        return int(data)
    if isinstance(data, np.floating):
        return float(data)
    if isinstance(data, (list, tuple)):
        return [serialize_data(d) for d in data]
    if isinstance(data, dict):
        return {serialize_data(k): serialize_data(v) for k, v in data.items()}
    return data


def to_json(data, **kwargs) -> str:
    """``json.dumps`` of :func:`serialize_data`; keyword arguments go to ``json.dumps``."""
    import json

    return json.dumps(serialize_data(data), **kwargs)


def _is_iterable(value) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


class NodeCollection:
    """An ordered set of nodes, as PyNEST's NodeCollection.

    ``NodeCollection(kernel, ids)`` is the internal form; ``NodeCollection([1, 2, 3])``
    (PyNEST's) refers to the facade's kernel.
    """

    __slots__ = ("_kernel", "_ids")

    def __init__(self, kernel=None, ids=None):
        if not isinstance(kernel, _core.Kernel):
            data, kernel = kernel, (_DEFAULT_KERNEL[0] if _DEFAULT_KERNEL else None)
            if kernel is None:
                raise TypeError("NodeCollection(ids) needs the facade (import nestkit.nest) to be loaded")
            ids = self._ids_from_data(kernel, data)
        object.__setattr__(self, "_kernel", kernel)
        object.__setattr__(self, "_ids", ids)

    @staticmethod
    def _ids_from_data(kernel, data) -> _core.NodeIds:
        if data is None:
            return _core.NodeIds([])
        if isinstance(data, NodeCollection):
            return data._ids
        if isinstance(data, (range, types.GeneratorType)):  # PyNEST takes any iterable of ids
            data = list(data)
        values = [int(x) for x in np.asarray(data, dtype=object).ravel()] if _is_iterable(data) else None
        if values is None:
            raise TypeError("NodeCollection: give a list, tuple or array of node ids")
        if any(b <= a for a, b in zip(values, values[1:])):
            if len(set(values)) != len(values):
                raise _core.BadProperty("All node IDs in a NodeCollection have to be unique")
            raise _core.BadProperty("Node IDs in a NodeCollection must be sorted in ascending order")
        size = kernel.get_kernel_status()["network_size"]
        for g in values:
            if not 1 <= g <= size:
                raise _core.UnknownNode(f"Node with id {g} does not exist.")
        return _core.NodeIds(values)

    # --- sequence protocol ---
    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        for g in self._ids.tolist():
            yield NodeCollection(self._kernel, _core.NodeIds([g]))

    def __getitem__(self, key):
        n = len(self)
        if isinstance(key, slice):
            if key.step is not None and key.step < 1:
                raise IndexError("slicing step for NodeCollection must be strictly positive")
            start, stop, step = key.indices(n)
            stop = max(stop, start)
            return NodeCollection(self._kernel, self._ids.slice(start, stop, step))
        if isinstance(key, (numbers.Integral, np.integer)) and not isinstance(key, (bool, np.bool_)):
            i = int(key) + (n if key < 0 else 0)
            if not 0 <= i < n:
                raise IndexError("index value outside of the NodeCollection")
            return NodeCollection(self._kernel, _core.NodeIds([self._ids.at(i)]))
        if isinstance(key, (list, tuple, np.ndarray)):
            idx = np.asarray(key)
            if idx.size == 0:
                return NodeCollection(self._kernel, _core.NodeIds([]))
            if idx.ndim != 1:
                raise TypeError("NumPy indices must one-dimensional")
            if idx.dtype == bool:
                if len(idx) != n:
                    raise IndexError("Bool index array must be the same length as NodeCollection")
                idx = np.flatnonzero(idx)
            elif not np.issubdtype(idx.dtype, np.integer):
                raise TypeError("Indices must be integers or bools")
            idx = np.where(idx < 0, idx + n, idx).astype(np.int64)
            if len(np.unique(idx)) != len(idx):
                raise ValueError("All node IDs in a NodeCollection have to be unique")
            if np.any(np.diff(idx) < 0):
                raise _core.BadProperty("Indices must be sorted in ascending order")
            if idx.min() < 0 or idx.max() >= n:
                raise IndexError("index value outside of the NodeCollection")
            return NodeCollection(self._kernel, _core.NodeIds([int(x) for x in self._ids.array()[idx]]))
        raise IndexError("only integers, slices, lists, tuples, and numpy arrays are valid indices")

    def __add__(self, other: NodeCollection) -> NodeCollection:
        if isinstance(other, numbers.Integral) and not isinstance(other, bool) and other == 0:
            return self  # nc + 0, as sum() needs from the other side
        if not isinstance(other, NodeCollection):
            raise TypeError(f"Cannot add object of type '{type(other).__name__}' to 'NodeCollection'")
        return NodeCollection(self._kernel, self._ids + other._ids)

    def __radd__(self, other):
        # sum(collections) starts from 0.
        if isinstance(other, numbers.Integral) and other == 0:
            return self
        return self + other

    def __contains__(self, item) -> bool:
        if isinstance(item, NodeCollection):
            return all(self._ids.contains(g) for g in item.tolist())
        return self._ids.contains(int(item))

    def __eq__(self, other) -> bool:
        if not isinstance(other, NodeCollection):
            raise NotImplementedError(f"Cannot compare NodeCollection to {type(other).__name__}")
        return self._ids == other._ids

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self):
        return hash(tuple(self.tolist()))

    def __array__(self, dtype=None, copy=None):
        return np.array(self.tolist(), dtype=dtype)

    def _parts(self) -> list:
        """Runs of one model with a constant step: (model, first, last, step, size)."""
        parts: list = []
        for g in self.tolist():
            model = self._kernel.model_of(g)
            if parts:
                p = parts[-1]
                if p[0] == model and (p[4] == 1 or g - p[2] == p[3]):
                    p[3] = g - p[1] if p[4] == 1 else p[3]
                    p[2], p[4] = g, p[4] + 1
                    continue
            parts.append([model, g, g, 1, 1])
        return parts

    def __str__(self) -> str:
        parts = self._parts()
        if not parts:
            return "NodeCollection(<empty>)"
        lines = []
        for model, first, last, step, size in parts:
            text = f"model={model}, size={size}, first={first}"
            if size > 1:
                text += f", last={last}"
                if step > 1:
                    text += f", step={step}"
            lines.append(text)
        # NEST's layers: a whole layer prints on one line with metadata=spatial, a slice of one
        # (a composite in NEST) on two, always with first and last.
        layer_size = SPATIAL_LAYER_SIZE[0](self) if SPATIAL_LAYER_SIZE else None
        if layer_size is not None and len(parts) == 1:
            model, first, last, step, size = parts[0]
            text = f"model={model}, size={size}, first={first}, last={last}" + (f", step={step}" if step > 1 else "")
            if size == layer_size:
                return f"NodeCollection(metadata=spatial, {text})"
            return "NodeCollection(metadata=spatial,\n" + " " * len("NodeCollection(") + text + ")"
        if len(lines) == 1:
            return f"NodeCollection(metadata=None, {lines[0]})"
        indent = " " * len("NodeCollection(")
        return "NodeCollection(metadata=None,\n" + ";\n".join(indent + line for line in lines) + ")"

    __repr__ = __str__

    def tolist(self) -> list[int]:
        return list(self._ids.tolist())

    def index(self, node_id: int) -> int:
        i = self._ids.index_of(int(node_id))
        if i < 0:
            raise ValueError(f"{node_id} is not in NodeCollection")
        return i

    def _to_array(self, selection: str = "all") -> dict:
        """PyNEST's debugging helper: the node ids, all (``{"All": [...]}``), this rank's
        (``{"Rank r": [...]}``) or per local thread (``{thread: [...]}``), in collection order."""
        ids = self.tolist()
        if selection == "all":
            return {"All": ids}
        status = self._kernel.get_kernel_status()
        where = self._kernel.get_status(self._ids, ["local", "thread"]) if ids else []
        mine = [(g, int(d["thread"])) for g, d in zip(ids, where) if d["local"]]
        if selection == "rank":
            return {f"Rank {int(status['mpi_rank'])}": [g for g, _ in mine]}
        if selection == "thread":
            threads: dict = {t: [] for t in range(int(status["local_num_threads"]))}
            for g, t in mine:
                threads[t].append(g)
            return threads
        raise ValueError(f"_to_array: selection must be 'all', 'rank' or 'thread', got {selection!r}")

    @property
    def global_id(self):
        return _normalise(self.tolist(), len(self) == 1)

    # --- parameters ---
    def _get_one(self, key: str) -> list:
        if key == "events":
            return [self._kernel.events(g) for g in self.tolist()]
        try:
            if key in _DETECTOR_MATRICES:
                return [_detector_arrays(d)[key] for d in self._kernel.get_status(self._ids, [key, "N_channels"])]
            if key in _DETECTOR_ARRAYS:
                return [_detector_arrays(d)[key] for d in self._kernel.get_status(self._ids, [key, "element_type"])]
            if key in _structural.NESTED:  # synaptic_elements: gathered from its flat keys
                return [_structural.decode_status(d)[key] for d in self._kernel.get_status(self._ids, [key])]
            return [_compartmental.decode_value(key, d[key]) for d in self._kernel.get_status(self._ids, [key])]
        except _core.UnknownParameter:
            # A compartment name ("soma") gathers its flat keys into a dictionary.
            subs = [_nest_compartments(d, key) for d in self._kernel.get_status(self._ids, [])]
            if any(x is None for x in subs):
                raise
            return subs

    def _all_status(self) -> list:
        statuses = self._kernel.get_status(self._ids, [])
        dicts = [_compartmental.decode_status(_detector_arrays(_structural.decode_status(d))) for d in statuses]
        for g, d in zip(self.tolist(), dicts):
            if "events" in d and d["events"] is None:
                d["events"] = self._kernel.events(g)
        return dicts

    def get(self, *keys, output: str = ""):
        """As PyNEST: one key gives a value (tuple over nodes), a list of keys a dict.

        Several string keys give a dict too, except ``get("events", "times")``-style
        hierarchical addressing (the first key names a dictionary-valued property).
        ``output="pandas"`` gives a pandas.DataFrame indexed by node id, ``output="json"`` a JSON string.
        """
        if not self:
            raise ValueError("Cannot get parameter of empty NodeCollection")
        if output not in ("", "pandas", "json"):
            raise ValueError(f"output must be '', 'pandas' or 'json', got {output!r}")
        single = len(self) == 1
        hierarchical = False
        if len(keys) == 1 and isinstance(keys[0], (type({}.keys()), set, frozenset)):
            keys = (list(keys[0]),)  # e.g. get(params.keys()), as PyNEST takes any collection of names
        if not keys:
            dicts = self._all_status()
            if single:
                result = dicts[0]
            else:
                result = {k: tuple(d.get(k) for d in dicts) for k in dicts[0]}
        elif len(keys) == 1 and isinstance(keys[0], (list, tuple)):
            result = {k: _normalise(self._get_one(k), single) for k in keys[0]}
        elif len(keys) == 1 and isinstance(keys[0], str):
            result = _compartmental.wrap(self, keys[0], _normalise(self._get_one(keys[0]), single))
        elif len(keys) == 2 and isinstance(keys[0], str) and isinstance(keys[1], (str, list, tuple)):
            top = self._get_one(keys[0])
            hierarchical = all(isinstance(v, dict) for v in top)
            if hierarchical:
                names = [keys[1]] if isinstance(keys[1], str) else list(keys[1])
                picked = {k: _normalise([v[k] for v in top], single) for k in names}
                result = picked[keys[1]] if isinstance(keys[1], str) else picked
            else:
                result = {k: _normalise(self._get_one(k), single) for k in keys}
        elif all(isinstance(k, str) for k in keys):
            result = {k: _normalise(self._get_one(k), single) for k in keys}
        else:
            raise TypeError("get: give parameter names as strings or one list of strings")
        if output == "pandas":
            import pandas as pd

            index = self.tolist()
            if not isinstance(result, dict):
                name = keys[1] if hierarchical else keys[0]
                result = {name: result}
            if single:
                result = {k: [v] for k, v in result.items()}
            return pd.DataFrame(result, index=index)
        if output == "json":
            return to_json(result)
        return result

    def set(self, params=None, **kwargs):
        """As PyNEST: a dict (list values give one per node), a list of dicts, or keywords."""
        if not self:
            return
        if kwargs and params is not None:
            raise TypeError("must either provide params or kwargs, but not both.")
        if isinstance(params, (list, tuple)):
            if len(params) != len(self):
                raise TypeError(
                    f"set: a list of parameter dictionaries must have one per node ({len(self)}), got {len(params)}"
                )
            self._kernel.set_status_each(self._ids, [flatten_params(dict(p)) for p in params])
            return
        merged = dict(params if params is not None else kwargs)
        for resolve in NODE_VALUE_RESOLVERS:
            merged = resolve(self, merged)
        self._kernel.set_status(self._ids, flatten_params(merged))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if not self:
            raise AttributeError("Cannot get attribute of empty NodeCollection")
        if name == "spatial":  # layer metadata; the facade's spatial module installs the lookup
            return SPATIAL_METADATA[0](self) if SPATIAL_METADATA else None
        return self.get(name)

    def __setattr__(self, name: str, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})
