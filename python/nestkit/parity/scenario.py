"""Run a parity scenario through a PyNEST-like module.

A scenario (see ``shared/parity/README.md``) is a small PyNEST script written as
JSON.  :func:`run_scenario` replays it through whatever module is passed as
``nest`` using only public PyNEST calls, so the same code drives real PyNEST 3.10
(to regenerate references) and ``nestkit.nest`` (to check parity).  Results come
back in the reference schema so both sides can be compared without adaptation.

This module deliberately imports nothing else from ``nestkit``: the harness must
be usable against any PyNEST-compatible module.
"""

from __future__ import annotations

import importlib
import json
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Tuple

import numpy as np

Run = Dict[str, Any]

#: Keys that mark a JSON object as a NEST parameter expression.
EXPRESSION_MARKERS = ("op", "spatial", "random", "dist", "math")

_BINARY_OPS: Dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}

#: Names of exception classes that mean "not implemented" rather than "wrong".
UNSUPPORTED_EXCEPTION_NAMES = frozenset({"NotImplementedError", "UnsupportedFeature"})


# --------------------------------------------------------------------------- loading


def load_json(path: str | Path) -> dict:
    """Read one scenario or reference file."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def ref_id(ref: Any) -> str:
    """The node id named by a ``pre``/``post``-style reference (plain id or ``{"id", "slice"}``)."""
    return ref["id"] if isinstance(ref, dict) else ref


def node_sizes(spec: dict) -> Dict[str, int]:
    """Number of nodes each ``nodes`` entry creates, computed from the scenario alone.

    Statistics need population sizes (silent neurons count), and event data only
    names the neurons that fired, so the size must come from the scenario.
    """
    sizes = {}
    for node in spec.get("nodes", []):
        sizes[node["id"]] = _declared_size(node)
    return sizes


def _declared_size(node: dict) -> int:
    if "n" in node:
        return int(node["n"])
    positions = node.get("positions")
    if positions:
        if "grid" in positions:
            return int(np.prod(positions["grid"]["shape"]))
        pos = positions.get("free", {}).get("pos")
        if isinstance(pos, list):
            return len(pos)
    return 1


def ref_indices(ref: Any, sizes: Dict[str, int]) -> List[Tuple[str, int]]:
    """(id, index) pairs a reference selects, so overlapping slices are counted once."""
    nid = ref_id(ref)
    indices = range(sizes.get(nid, 1))
    if isinstance(ref, dict) and "slice" in ref:
        start, stop = ref["slice"]
        indices = indices[start:stop]
    return [(nid, i) for i in indices]


# --------------------------------------------------------------------------- requirements


@dataclass
class Requirements:
    """What a scenario needs from the simulator module before it can run at all."""

    models: List[str] = field(default_factory=list)
    features: Dict[str, List[str]] = field(default_factory=dict)  # feature -> attribute paths


def requirements(spec: dict) -> Requirements:
    """Collect every model and facade feature the scenario touches.

    Copied model names are produced by the scenario itself, so only their origins
    count as requirements.  A ``connect`` entry without ``synapse_model`` uses
    ``static_synapse``, which is therefore required too.
    """
    copies = {c["to"] for c in spec.get("copy_models", [])}
    models = set(spec.get("models", []))
    models.update(n["model"] for n in spec.get("nodes", []))
    models.update(c["from"] for c in spec.get("copy_models", []))
    models.update(d["model"] for d in spec.get("defaults", []))
    for entry in spec.get("connect", []):
        syn = entry.get("syn_spec") or {}
        models.add(syn.get("synapse_model", "static_synapse"))
    features: Dict[str, List[str]] = {}
    for path in _expression_paths(spec):
        features.setdefault(_feature_of(path), []).append(path)
    if any("positions" in n for n in spec.get("nodes", [])) or _uses_masks(spec):
        features.setdefault("spatial", []).append("spatial")
    for query in spec.get("queries", []):
        features.setdefault("queries", []).append(query["op"])
    features = {name: sorted(set(paths)) for name, paths in features.items()}
    return Requirements(models=sorted(models - copies), features=features)


def _feature_of(path: str) -> str:
    head = path.split(".", 1)[0]
    return "spatial" if head in ("spatial", "spatial_distributions") else head


def _uses_masks(spec: dict) -> bool:
    return any(isinstance(c.get("conn_spec"), dict) and "mask" in c["conn_spec"] for c in spec.get("connect", []))


def _expression_paths(spec: dict) -> Iterable[str]:
    """Attribute paths (``random.uniform``, ``spatial.distance``) used by parameter expressions."""
    containers: List[Any] = []
    for entry in spec.get("connect", []):
        containers += [entry.get("conn_spec"), entry.get("syn_spec")]
    for node in spec.get("nodes", []):
        containers += [node.get("params"), node.get("positions")]
        if "positions" in node:
            kind = next(iter(node["positions"]))
            yield f"spatial.{kind}"
    for container in containers:
        yield from _walk_expression_paths(container)


def _walk_expression_paths(value: Any) -> Iterable[str]:
    if isinstance(value, list):
        for item in value:
            yield from _walk_expression_paths(item)
    elif isinstance(value, dict):
        if is_expression(value):
            path = _expression_path(value)
            if path:
                yield path
        for item in value.values():
            yield from _walk_expression_paths(item)


def _expression_path(expr: dict) -> str | None:
    if "spatial" in expr:
        return f"spatial.{expr['spatial']}"
    if "random" in expr:
        return f"random.{expr['random']}"
    if "dist" in expr:
        return f"spatial_distributions.{expr['dist']}"
    if "math" in expr:
        return f"math.{expr['math']}"
    return None


def missing_requirements(spec: dict, nest: Any) -> List[str]:
    """Models and features the scenario needs that ``nest`` lacks (empty: runnable)."""
    needed = requirements(spec)
    available = available_models(nest)
    missing = [m for m in needed.models if m not in available]
    for feature, paths in sorted(needed.features.items()):
        if not all(_has_path(nest, path) for path in paths):
            missing.append(feature)
    return missing


def available_models(nest: Any) -> set:
    """Node and synapse model names the module offers (PyNEST 3 tuples, else ``Models()``)."""
    try:
        return set(nest.node_models) | set(nest.synapse_models)
    except Exception:  # noqa: BLE001 - any failure means: use the older API
        return set(nest.Models())


def _has_path(obj: Any, path: str) -> bool:
    for part in path.split("."):
        try:
            obj = getattr(obj, part)
        except Exception:  # noqa: BLE001 - a facade may raise anything for absent features
            return False
    return True


def is_unsupported_error(exc: BaseException) -> bool:
    """True if ``exc`` says a feature is missing (rather than that a result is wrong)."""
    return isinstance(exc, NotImplementedError) or any(
        cls.__name__ in UNSUPPORTED_EXCEPTION_NAMES for cls in type(exc).__mro__
    )


# --------------------------------------------------------------------------- expressions


def is_expression(value: Any) -> bool:
    """A JSON object is a parameter expression iff it carries one of the marker keys."""
    return isinstance(value, dict) and any(marker in value for marker in EXPRESSION_MARKERS)


def build_parameter(expr: Any, nest: Any) -> Any:
    """Translate a parameter expression into ``nest.random``/``nest.spatial``/... objects."""
    if not is_expression(expr):
        return expr
    if "op" in expr:
        args = [build_parameter(arg, nest) for arg in expr["args"]]
        if expr["op"] == "-" and len(args) == 1:
            return -args[0]
        result = args[0]
        for arg in args[1:]:
            result = _BINARY_OPS[expr["op"]](result, arg)
        return result
    if "spatial" in expr:
        return _resolve_path(nest, f"spatial.{expr['spatial']}")
    if "random" in expr:
        return _call(nest, "random", expr, "random", positional=())
    if "dist" in expr:
        return _call(nest, "spatial_distributions", expr, "dist", positional=("x", "y"))
    return _call(nest, "math", expr, "math", positional=("x",))


def _resolve_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _call(nest: Any, namespace: str, expr: dict, marker: str, positional: Tuple[str, ...]) -> Any:
    """Call ``nest.<namespace>.<expr[marker]>``: listed keys positionally, the rest as keywords.

    PyNEST's distribution functions take the distance expression (and ``y`` for
    ``gaussian2D``) positionally and their shape parameters by name.
    """
    function = _resolve_path(nest, f"{namespace}.{expr[marker]}")
    args = [build_parameter(expr[key], nest) for key in positional if key in expr]
    kwargs = {k: build_parameter(v, nest) for k, v in expr.items() if k != marker and k not in positional}
    return function(*args, **kwargs)


# --------------------------------------------------------------------------- running


def run_scenario(spec: dict, nest: Any, seed: int | None) -> Run:
    """Replay ``spec`` through ``nest`` once and return a RUN in the reference schema."""
    builder = _Builder(spec, nest)
    builder.setup_kernel(seed)
    builder.create_network()
    for duration in spec.get("simulate", []):
        nest.Simulate(duration)
    run = {
        "seed": seed,
        "events": builder.collect_events(),
        "status": builder.collect_status(),
        "connections": builder.collect_connections(),
        "queries": builder.collect_queries(),
    }
    if getattr(nest, "NumProcesses", lambda: 1)() > 1:
        run = _merge_ranks(builder, run)
    return run


def _merge_ranks(builder: _Builder, run: Run) -> Run:
    """A distributed run as one process would report it (on rank 0; other ranks get their own).

    Each rank records its local nodes and holds its local connections (as NEST does), so rank 0
    gathers them: events and connections are concatenated (events then ordered by time and
    sender, the single-process order), and each node's status comes from the rank that updates it.
    """
    # The facade's helpers, found through the module under test (this file imports no nestkit
    # module: NEST's own environment, which runs it too, has none).
    parallel = importlib.import_module(builder.nest.__name__ + "._parallel")
    gather_to_root, merge_events = parallel.gather_to_root, parallel.merge_events

    local = {}
    for entry in builder.spec.get("status", []):
        flags = builder.select(entry["id"]).get("local")
        local[ref_id(entry["id"])] = [flags] if isinstance(flags, bool) else list(flags)
    parts = gather_to_root((run, local))
    if parts is None:
        return run
    merged: Run = dict(run)
    status = builder.nest.GetKernelStatus()
    merged["events"] = {
        device: to_plain(
            merge_events([part["events"][device] for part, _ in parts], status["resolution"], status["min_delay"])
        )
        for device in run["events"]
    }
    merged["status"] = {}
    for device, table in run["status"].items():
        merged["status"][device] = {}
        for key in table:
            merged["status"][device][key] = [
                next(
                    (part["status"][device][key][i] for part, flags in parts if flags[device][i]),
                    table[key][i],
                )
                for i in range(len(table[key]))
            ]
    merged["connections"] = {
        name: {key: [v for part, _ in parts for v in part["connections"][name][key]] for key in table}
        for name, table in run["connections"].items()
    }
    return merged


def scenario_seeds(spec: dict) -> List[int | None]:
    """Seeds to run: the ``seeds`` list for stochastic cases, else one run without a seed."""
    return list(spec.get("seeds") or [None])


def run_all_seeds(spec: dict, nest: Any) -> List[Run]:
    """One RUN per seed, in the order of the scenario's ``seeds``."""
    return [run_scenario(spec, nest, seed) for seed in scenario_seeds(spec)]


class _Builder:
    """Builds one scenario's network and reads its results back, keeping the node collections."""

    def __init__(self, spec: dict, nest: Any) -> None:
        self.spec = spec
        self.nest = nest
        self.nodes: Dict[str, Any] = {}

    # -- construction ---------------------------------------------------------

    def setup_kernel(self, seed: int | None) -> None:
        nest = self.nest
        nest.ResetKernel()
        nest.set_verbosity("M_ERROR")
        kernel = dict(self.spec.get("kernel") or {})
        if seed is not None:
            kernel["rng_seed"] = seed
        if kernel:
            nest.SetKernelStatus(kernel)

    def create_network(self) -> None:
        for entry in self.spec.get("defaults", []):
            self.nest.SetDefaults(entry["model"], entry["params"])
        early, late = _split_copy_models(self.spec.get("copy_models", []))
        for entry in early:
            self._copy_model(entry)
        for node in self.spec.get("nodes", []):
            self._create(node)
        for entry in late:
            self._copy_model(entry)
        for entry in self.spec.get("connect", []):
            self._connect(entry)

    def _copy_model(self, entry: dict) -> None:
        params = entry.get("params")
        if params is None:
            self.nest.CopyModel(entry["from"], entry["to"])
        else:
            self.nest.CopyModel(entry["from"], entry["to"], self._substitute_ids(params))

    def _substitute_ids(self, params: dict) -> dict:
        """Replace ``"$ID"`` strings by the node collection created under ``ID``."""
        return {key: self.nodes[value[1:]] if _is_id_ref(value) else value for key, value in params.items()}

    def _create(self, node: dict) -> None:
        nest = self.nest
        positions = node.get("positions")
        if positions:
            layout = self._positions(positions)
            if "n" in node:
                collection = nest.Create(node["model"], node["n"], positions=layout)
            else:
                collection = nest.Create(node["model"], positions=layout)
        else:
            collection = nest.Create(node["model"], node.get("n", 1))
        params = node.get("params")
        if params:
            if isinstance(params, dict):
                params = {key: build_parameter(value, nest) for key, value in params.items()}
            collection.set(params)
        self.nodes[node["id"]] = collection

    def _positions(self, positions: dict) -> Any:
        spatial = self.nest.spatial
        if "grid" in positions:
            return spatial.grid(**positions["grid"])
        free = dict(positions["free"])
        pos = build_parameter(free.pop("pos"), self.nest)
        return spatial.free(pos, **free)

    def _connect(self, entry: dict) -> None:
        pre = self.select(entry["pre"])
        post = self.select(entry["post"])
        syn_spec = entry.get("syn_spec")
        if "sources" in entry:
            sources = np.array(pre.tolist())[entry["sources"]]
            targets = np.array(post.tolist())[entry["targets"]]
            self.nest.Connect(sources, targets, "one_to_one", _array_syn_spec(syn_spec))
            return
        conn_spec = _translate_conn_spec(entry.get("conn_spec", "all_to_all"), self.nest)
        if syn_spec is None:
            self.nest.Connect(pre, post, conn_spec)
        else:
            syn_spec = {key: build_parameter(value, self.nest) for key, value in syn_spec.items()}
            self.nest.Connect(pre, post, conn_spec, syn_spec)

    def select(self, ref: Any) -> Any:
        """Node collection for an id or ``{"id", "slice"}`` reference."""
        collection = self.nodes[ref_id(ref)]
        if isinstance(ref, dict) and "slice" in ref:
            start, stop = ref["slice"]
            return collection[start:stop]
        return collection

    # -- collection -----------------------------------------------------------

    def collect_events(self) -> Dict[str, dict]:
        events = {}
        for device in self.spec.get("record", []):
            data = self.nodes[device].get("events")
            if isinstance(data, (list, tuple)):  # several devices under one id: take the first
                data = data[0]
            events[device] = {key: _as_list(value) for key, value in data.items()}
        return events

    def collect_status(self) -> Dict[str, Dict[str, list]]:
        status: Dict[str, Dict[str, list]] = {}
        for entry in self.spec.get("status", []):
            keys = list(entry["keys"])
            if not keys:
                continue
            collection = self.select(entry["id"])
            values = collection.get(keys)
            single = len(collection) == 1
            target = status.setdefault(ref_id(entry["id"]), {})
            for key in keys:
                value = to_plain(values[key])
                target[key] = [value] if single else list(value)
        return status

    def collect_connections(self) -> Dict[str, Dict[str, list]]:
        result = {}
        for entry in self.spec.get("connections", []):
            filters = {key: self.select(entry[key]) for key in ("source", "target") if key in entry}
            if "synapse_model" in entry:
                filters["synapse_model"] = entry["synapse_model"]
            keys = ["source", "target"] + list(entry.get("keys", []))
            result[entry["name"]] = _connection_table(self.nest.GetConnections(**filters), keys)
        return result

    def collect_queries(self) -> Dict[str, Any]:
        return {query["name"]: to_plain(self._query(query)) for query in self.spec.get("queries", [])}

    def _query(self, query: dict) -> Any:
        nest, op = self.nest, query["op"]
        if op == "GetPosition":
            collection = self.select(query["nodes"])
            positions = to_plain(nest.GetPosition(collection))
            return [positions] if len(collection) == 1 else positions
        if op in ("Displacement", "Distance"):
            return getattr(nest, op)(self.select(query["from"]), self.select(query["to"]))
        if op == "FindNearestElement":
            found = nest.FindNearestElement(self.select(query["layer"]), query["locations"])
            if isinstance(found, (list, tuple)):  # PyNEST: one NodeCollection per location; stored flat
                return [node_id for item in found for node_id in _as_list(item)]
            return found
        if op == "FindCenterElement":
            return nest.FindCenterElement(self.select(query["layer"]))
        raise ValueError(f"unknown query op {op!r}")


def _is_id_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("$") and len(value) > 1


def _split_copy_models(entries: List[dict]) -> Tuple[List[dict], List[dict]]:
    """Copies naming node collections (or built on such copies) must wait for node creation."""
    early, late = [], []
    deferred: set = set()
    for entry in entries:
        params = entry.get("params") or {}
        if entry["from"] in deferred or any(_is_id_ref(v) for v in params.values()):
            deferred.add(entry["to"])
            late.append(entry)
        else:
            early.append(entry)
    return early, late


def _translate_conn_spec(conn_spec: Any, nest: Any) -> Any:
    """Build parameter objects in a conn_spec; ``mask`` stays NEST's plain mask dictionary."""
    if not isinstance(conn_spec, dict):
        return conn_spec
    return {key: value if key == "mask" else build_parameter(value, nest) for key, value in conn_spec.items()}


def _array_syn_spec(syn_spec: dict | None) -> dict | None:
    """Per-pair list values become numpy arrays, as PyNEST's ``connect_arrays`` path expects."""
    if syn_spec is None:
        return None
    return {
        key: np.asarray(value, dtype=float) if isinstance(value, list) else value for key, value in syn_spec.items()
    }


def _connection_table(connections: Any, keys: List[str]) -> Dict[str, list]:
    """``SynapseCollection.get(keys)`` as key -> list, whatever the number of connections.

    PyNEST returns ``()`` for no connection and scalars for exactly one, so the
    length of the collection decides how to normalise.
    """
    count = len(connections)
    if count == 0:
        return {key: [] for key in keys}
    values = connections.get(keys)
    if count == 1:
        return {key: [to_plain(values[key])] for key in keys}
    return {key: list(to_plain(values[key])) for key in keys}


def _as_list(value: Any) -> list:
    plain = to_plain(value)
    return plain if isinstance(plain, list) else [plain]


def to_plain(value: Any) -> Any:
    """numpy arrays/scalars, tuples and node collections as JSON-ready Python values."""
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "tolist"):  # numpy arrays and NodeCollections alike
        return to_plain(value.tolist())
    return value
