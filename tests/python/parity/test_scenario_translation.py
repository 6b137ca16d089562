"""Scenario -> PyNEST call translation, checked against a recording fake ``nest`` module."""

from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from nestkit.parity.__main__ import evaluate_case, exit_code, main
from nestkit.parity.scenario import load_json, missing_requirements, requirements, run_all_seeds, run_scenario

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("NESTKIT_PARITY_DIR", REPO.parent / "shared" / "parity"))
needs_corpus = pytest.mark.usefixtures("corpus_dir")

NODE_MODELS = (
    "iaf_psc_alpha",
    "parrot_neuron",
    "spike_generator",
    "spike_recorder",
    "multimeter",
    "poisson_generator",
    "weight_recorder",
)
SYNAPSE_MODELS = ("static_synapse", "stdp_synapse")


# --------------------------------------------------------------------------- the fake


class FakeParam:
    """Stands for a NEST Parameter; arithmetic builds a readable expression string."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _op(self, other: Any, symbol: str, reverse: bool = False) -> FakeParam:
        left, right = (other, self) if reverse else (self, other)
        return FakeParam(f"({_text(left)} {symbol} {_text(right)})")

    def __add__(self, other: Any) -> FakeParam:
        return self._op(other, "+")

    def __radd__(self, other: Any) -> FakeParam:
        return self._op(other, "+", reverse=True)

    def __mul__(self, other: Any) -> FakeParam:
        return self._op(other, "*")

    def __rmul__(self, other: Any) -> FakeParam:
        return self._op(other, "*", reverse=True)

    def __repr__(self) -> str:
        return self.text


def _text(value: Any) -> str:
    return value.text if isinstance(value, FakeParam) else repr(value)


def _call_text(name: str, *args: Any, **kwargs: Any) -> FakeParam:
    parts = [_text(a) for a in args] + [f"{k}={_text(v)}" for k, v in kwargs.items()]
    return FakeParam(f"{name}({', '.join(parts)})")


class FakeNodes:
    """A NodeCollection over explicit ids that logs ``set`` and answers ``get``."""

    def __init__(self, nest: FakeNest, ids: list[int], model: str) -> None:
        self.nest, self.ids, self.model = nest, ids, model

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> FakeNodes:
        return FakeNodes(self.nest, self.ids[index], self.model)

    def tolist(self) -> list[int]:
        return list(self.ids)

    def set(self, params: Any) -> None:
        self.nest.log("set", self.ids, params)

    def get(self, keys: Any) -> Any:
        if keys == "events":
            return self.nest.events.get(self.model, {"senders": np.array([], dtype=int), "times": np.array([])})
        values = {key: tuple(float(-70 + i) for i in self.ids) for key in keys}
        if len(self.ids) == 1:  # PyNEST: scalars for a single node
            values = {key: value[0] for key, value in values.items()}
        return values


class FakeConnections:
    """A SynapseCollection with PyNEST's return conventions (scalars for one connection)."""

    def __init__(self, rows: list[tuple[int, int, float]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, keys: list[str]) -> Any:
        if not self.rows:
            return ()
        columns = {"source": [r[0] for r in self.rows], "target": [r[1] for r in self.rows]}
        columns["weight"] = [r[2] for r in self.rows]
        if len(self.rows) == 1:
            return {key: columns[key][0] for key in keys}
        return {key: columns[key] for key in keys}


class FakeNest:
    """Records every PyNEST call a scenario makes."""

    def __init__(self, node_models=NODE_MODELS, synapse_models=SYNAPSE_MODELS, spatial: bool = False) -> None:
        self.node_models = tuple(node_models)
        self.synapse_models = tuple(synapse_models)
        self.calls: list[tuple] = []
        self.next_id = 1
        self.connection_rows: list[tuple[int, int, float]] = [(1, 2, 3.5)]
        self.events = {
            "spike_recorder": {"senders": np.array([2, 3]), "times": np.array([1.5, 2.5])},
            "multimeter": {"senders": np.array([2]), "times": np.array([0.1]), "V_m": np.array([-70.0])},
        }
        self.random = types.SimpleNamespace(uniform=lambda **kw: _call_text("uniform", **kw))
        if spatial:
            self.spatial = types.SimpleNamespace(
                grid=lambda **kw: ("grid", kw),
                free=lambda pos, **kw: ("free", pos, kw),
                distance=FakeParam("distance"),
            )
            self.spatial_distributions = types.SimpleNamespace(
                gaussian=lambda x, **kw: _call_text("gaussian", x, **kw),
                exponential=lambda x, **kw: _call_text("exponential", x, **kw),
            )
            self.GetPosition = lambda nodes: tuple((float(i), 0.0) for i in nodes.ids)
            self.FindCenterElement = lambda layer: FakeNodes(self, [layer.ids[len(layer) // 2]], layer.model)
            self.FindNearestElement = lambda layer, locs: FakeNodes(self, layer.ids[: len(locs)], layer.model)
            self.Displacement = lambda a, b: tuple((0.5, -0.5) for _ in b.ids)
            self.Distance = lambda a, b: tuple(0.25 for _ in b.ids)

    def log(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))

    def named(self, name: str) -> list[tuple]:
        return [c for c in self.calls if c[0] == name]

    def ResetKernel(self) -> None:  # noqa: N802 - PyNEST's names
        self.log("ResetKernel")
        self.next_id = 1

    def set_verbosity(self, level: str) -> None:
        self.log("set_verbosity", level)

    def SetKernelStatus(self, params: dict) -> None:  # noqa: N802
        self.log("SetKernelStatus", params)

    def SetDefaults(self, model: str, params: dict) -> None:  # noqa: N802
        self.log("SetDefaults", model, params)

    def CopyModel(self, existing: str, new: str, params: dict | None = None) -> None:  # noqa: N802
        self.log("CopyModel", existing, new, params)

    def Create(self, model: str, n: int = 1, params: Any = None, positions: Any = None) -> FakeNodes:  # noqa: N802
        if positions is not None and n == 1 and positions[0] == "grid":
            n = int(np.prod(positions[1]["shape"]))
        elif positions is not None and n == 1 and isinstance(positions[1], list):
            n = len(positions[1])
        kwargs = {"positions": positions} if positions is not None else {}
        self.log("Create", model, n, **kwargs)
        ids = list(range(self.next_id, self.next_id + n))
        self.next_id += n
        return FakeNodes(self, ids, model)

    def Connect(self, pre: Any, post: Any, conn_spec: Any = None, syn_spec: Any = None) -> None:  # noqa: N802
        self.log("Connect", pre, post, conn_spec, syn_spec)

    def GetConnections(self, **filters: Any) -> FakeConnections:  # noqa: N802
        self.log("GetConnections", **filters)
        return FakeConnections(self.connection_rows)

    def Simulate(self, t: float) -> None:  # noqa: N802
        self.log("Simulate", t)


def scenario(name: str) -> dict:
    return load_json(CORPUS / "scenarios" / f"{name}.json")


def ids_of(value: Any) -> list[int]:
    return value.tolist()


# --------------------------------------------------------------------------- translation


@needs_corpus
def test_delay_chain_calls() -> None:
    nest = FakeNest()
    run = run_scenario(scenario("kernel__delay_chain"), nest, seed=None)
    assert [c[0] for c in nest.calls[:3]] == ["ResetKernel", "set_verbosity", "SetKernelStatus"]
    assert nest.calls[1][1] == ("M_ERROR",)
    assert nest.calls[2][1] == ({"resolution": 0.1},)  # no rng_seed without a seed
    creates = [(c[1][0], c[1][1]) for c in nest.named("Create")]
    assert creates == [("spike_generator", 1), ("iaf_psc_alpha", 6), ("spike_recorder", 1), ("multimeter", 1)]
    connects = nest.named("Connect")
    assert len(connects) == 7
    pre, post, conn_spec, syn_spec = connects[1][1]
    assert (ids_of(pre), ids_of(post)) == ([2], [3])  # n[0:1] -> n[1:2]
    assert conn_spec == "all_to_all"
    assert syn_spec == {"weight": 4000.0, "delay": 0.1}
    assert (ids_of(connects[4][1][0]), ids_of(connects[4][1][1])) == ([5], [6])
    mm_pre, mm_post, mm_conn, mm_syn = connects[6][1]
    assert (ids_of(mm_pre), ids_of(mm_post), mm_conn, mm_syn) == ([9], [2, 3, 4, 5, 6, 7], "all_to_all", None)
    assert [c[1] for c in nest.named("Simulate")] == [(100.0,)]
    sets = nest.named("set")
    assert sets[0][1] == ([1], {"spike_times": [5.0, 40.0]})
    assert sets[2][1] == ([9], {"record_from": ["V_m", "I_syn_ex"], "interval": 0.1})
    assert run["events"]["sr"] == {"senders": [2, 3], "times": [1.5, 2.5]}
    assert run["events"]["mm"]["V_m"] == [-70.0]
    assert isinstance(run["events"]["sr"]["senders"][0], int)


@needs_corpus
def test_explicit_pairs_use_connect_arrays() -> None:
    spec = scenario("network__explicit_iaf_psc_alpha")
    nest = FakeNest()
    run = run_scenario(spec, nest, seed=None)
    explicit = nest.named("Connect")[0][1]
    sources, targets, conn_spec, syn_spec = explicit
    entry = spec["connect"][0]
    assert isinstance(sources, np.ndarray) and isinstance(targets, np.ndarray)
    np.testing.assert_array_equal(sources, np.array(entry["sources"]) + 1)  # ids start at 1
    np.testing.assert_array_equal(targets, np.array(entry["targets"]) + 1)
    assert conn_spec == "one_to_one"
    assert isinstance(syn_spec["weight"], np.ndarray) and syn_spec["weight"].dtype == float
    np.testing.assert_array_equal(syn_spec["weight"], entry["syn_spec"]["weight"])
    np.testing.assert_array_equal(syn_spec["delay"], entry["syn_spec"]["delay"])
    assert nest.named("set")[0][1][1]["I_e"] == spec["nodes"][0]["params"]["I_e"]
    assert run["status"]["n"]["V_m"] == [float(-70 + i) for i in range(1, 61)]


@needs_corpus
def test_parrot_relay_slices_and_receptor() -> None:
    nest = FakeNest()
    run_scenario(scenario("parrot_neuron__relay"), nest, seed=None)
    first, second, to_sr = (c[1] for c in nest.named("Connect"))
    assert (ids_of(first[0]), ids_of(first[1]), first[3]) == ([1], [2], {"delay": 1.0})
    assert (ids_of(second[1]), second[3]) == ([3], {"delay": 2.0, "receptor_type": 1})
    assert (ids_of(to_sr[0]), ids_of(to_sr[1])) == ([2, 3], [4])
    params = nest.named("set")[0][1][1]
    assert params == {"spike_times": [1.0, 2.0, 2.5, 10.0], "spike_multiplicities": [1, 2, 1, 3]}


@needs_corpus
def test_seeds_run_once_each_with_rng_seed() -> None:
    spec = scenario("network__rules_stats")
    nest = FakeNest()
    runs = run_all_seeds(spec, nest)
    assert [r["seed"] for r in runs] == spec["seeds"]
    kernel_calls = [c[1][0] for c in nest.named("SetKernelStatus")]
    assert kernel_calls == [{"resolution": 0.1, "rng_seed": s} for s in spec["seeds"]]
    assert len(nest.named("ResetKernel")) == len(spec["seeds"])
    conn_specs = [c[1][2] for c in nest.named("Connect")[:3]]
    assert conn_specs == [
        "all_to_all",
        {"rule": "fixed_outdegree", "outdegree": 40},
        {"rule": "pairwise_bernoulli", "p": 0.05},
    ]


@needs_corpus
def test_copy_model_with_node_reference_waits_for_creation() -> None:
    spec = scenario("stdp_synapse__pairs")
    nest = FakeNest()
    run = run_scenario(spec, nest, seed=None)
    names = [c[0] for c in nest.calls]
    copy_index = names.index("CopyModel")
    assert copy_index > max(i for i, n in enumerate(names) if n == "Create")
    existing, new, params = nest.calls[copy_index][1]
    assert (existing, new) == ("stdp_synapse", "stdp_synapse_rec")
    assert isinstance(params["weight_recorder"], FakeNodes) and params["weight_recorder"].model == "weight_recorder"
    (filters,) = [c[2] for c in nest.named("GetConnections")]
    assert set(filters) == {"source", "target"}
    # one connection: PyNEST returns scalars, the RUN holds one-element lists
    assert run["connections"]["plastic"] == {"source": [1], "target": [2], "weight": [3.5]}
    nest.connection_rows = []
    assert run_scenario(spec, nest, seed=None)["connections"]["plastic"] == {"source": [], "target": [], "weight": []}


def test_plain_copy_models_come_before_nodes_and_defaults_are_set() -> None:
    spec = {
        "name": "t",
        "defaults": [{"model": "static_synapse", "params": {"weight": 2.0}}],
        "copy_models": [{"from": "static_synapse", "to": "syn_a"}, {"from": "iaf_psc_alpha", "to": "my_iaf"}],
        "nodes": [{"id": "n", "model": "my_iaf", "n": 2}],
        "connect": [{"pre": "n", "post": "n", "syn_spec": {"synapse_model": "syn_a"}}],
        "simulate": [1.0, 2.5],
        "status": [{"id": "n", "keys": ["V_m", "E_L"]}],
    }
    nest = FakeNest()
    run = run_scenario(spec, nest, seed=4)
    names = [c[0] for c in nest.calls]
    assert names == [
        "ResetKernel",
        "set_verbosity",
        "SetKernelStatus",
        "SetDefaults",
        "CopyModel",
        "CopyModel",
        "Create",
        "Connect",
        "Simulate",
        "Simulate",
    ]
    assert nest.calls[2][1] == ({"rng_seed": 4},)
    assert nest.named("CopyModel")[1][1] == ("iaf_psc_alpha", "my_iaf", None)
    assert [c[1] for c in nest.named("Simulate")] == [(1.0,), (2.5,)]
    assert run["status"] == {"n": {"V_m": [-69.0, -68.0], "E_L": [-69.0, -68.0]}}
    assert requirements(spec).models == ["iaf_psc_alpha", "static_synapse"]  # copies are not required


def test_status_of_a_single_node_is_a_one_element_list() -> None:
    """PyNEST answers scalars for a single node; the RUN still holds lists over nodes."""
    spec = {
        "nodes": [{"id": "a", "model": "iaf_psc_alpha"}, {"id": "b", "model": "iaf_psc_alpha", "n": 3}],
        "status": [{"id": "a", "keys": ["V_m", "E_L"]}, {"id": "b", "keys": ["V_m"]}],
    }
    run = run_scenario(spec, FakeNest(), seed=None)
    assert run["status"] == {"a": {"V_m": [-69.0], "E_L": [-69.0]}, "b": {"V_m": [-68.0, -67.0, -66.0]}}


@needs_corpus
def test_spatial_translation_with_a_spatial_fake() -> None:
    nest = FakeNest(spatial=True)
    spec = scenario("spatial__masks_free")
    assert missing_requirements(spec, nest) == []
    run_scenario(spec, nest, seed=None)
    (create,) = nest.named("Create")
    assert create[1][0] == "iaf_psc_alpha"
    kind, pos, kwargs = create[2]["positions"]
    assert kind == "free" and pos == spec["nodes"][0]["positions"]["free"]["pos"]
    _, _, conn_spec, syn_spec = nest.named("Connect")[0][1]
    assert conn_spec["mask"] == {"circular": {"radius": 0.3}}
    assert conn_spec["allow_autapses"] is False
    assert repr(syn_spec["weight"]) == "((gaussian(distance, std=0.2) * 5.0) + 1.0)"

    nest = FakeNest(spatial=True)
    run_scenario(scenario("spatial__probabilistic"), nest, seed=1)
    grid, free = nest.named("Create")
    assert grid[1] == ("iaf_psc_alpha", 225)
    assert grid[2]["positions"] == ("grid", {"shape": [15, 15], "extent": [1.0, 1.0], "edge_wrap": True})
    assert free[1] == ("iaf_psc_alpha", 100)
    assert free[2]["positions"][0] == "free"
    assert repr(free[2]["positions"][1]) == "uniform(min=-0.5, max=0.5)"
    assert free[2]["positions"][2] == {"num_dimensions": 2}
    conn_specs = [c[1][2] for c in nest.named("Connect")]
    assert repr(conn_specs[0]["p"]) == "gaussian(distance, std=0.15)"
    assert repr(conn_specs[1]["p"]) == "exponential(distance, beta=0.3)"
    assert conn_specs[2]["indegree"] == 8
    assert [c[2] for c in nest.named("GetConnections")] == [{"synapse_model": m} for m in ("syn_g", "syn_f", "syn_k")]


@needs_corpus
def test_queries_are_collected_as_plain_lists() -> None:
    nest = FakeNest(spatial=True)
    run = run_scenario(scenario("spatial__grid_queries"), nest, seed=None)
    queries = run["queries"]
    assert len(queries["pos"]) == 20 and queries["pos"][0] == [1.0, 0.0]
    assert queries["center"] == [11]
    assert queries["nearest"] == [1, 2, 3]
    assert queries["disp"][0] == [0.5, -0.5] and len(queries["disp"]) == 20
    assert queries["dist"] == [0.25] * 20


# --------------------------------------------------------------------------- unsupported detection


@needs_corpus
def test_missing_model_makes_the_case_unsupported_before_running() -> None:
    nest = FakeNest(node_models=[m for m in NODE_MODELS if m != "iaf_psc_alpha"])
    spec = scenario("kernel__delay_chain")
    result, runs = evaluate_case(spec, load_json(CORPUS / "reference" / "kernel__delay_chain.json"), nest)
    assert result.status == "UNSUPPORTED"
    assert result.needs == ["iaf_psc_alpha"]
    assert runs == [] and nest.calls == []
    assert exit_code([result]) == 0


@needs_corpus
def test_spatial_case_is_unsupported_without_nest_spatial() -> None:
    nest = FakeNest(spatial=False)
    for name, needs in [("spatial__masks_free", ["spatial"]), ("spatial__grid_queries", ["queries", "spatial"])]:
        result, _ = evaluate_case(scenario(name), {"runs": []}, nest)
        assert (result.status, result.needs) == ("UNSUPPORTED", needs)
    assert nest.calls == []


def test_models_fall_back_to_models_function() -> None:
    legacy = types.SimpleNamespace(Models=lambda: ("iaf_psc_alpha", "static_synapse"))
    spec = {"nodes": [{"id": "n", "model": "iaf_psc_alpha"}, {"id": "g", "model": "ac_generator"}], "connect": []}
    assert missing_requirements(spec, legacy) == ["ac_generator"]


class UnsupportedFeature(Exception):
    """Same name as the facade's exception: recognised by name."""


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (NotImplementedError("no layers"), "UNSUPPORTED"),
        (UnsupportedFeature("no gap junctions"), "UNSUPPORTED"),
        (ValueError("bad value"), "FAIL"),
    ],
)
def test_exceptions_while_running(exc: Exception, status: str) -> None:
    nest = FakeNest()

    def boom(t: float) -> None:
        raise exc

    nest.Simulate = boom
    spec = {"name": "x", "category": "A", "nodes": [{"id": "n", "model": "iaf_psc_alpha"}], "simulate": [1.0]}
    result, _ = evaluate_case(spec, {"runs": [{"events": {}}]}, nest)
    assert result.status == status
    assert str(exc) in (result.message + " ".join(result.needs))
    assert exit_code([result]) == (1 if status == "FAIL" else 0)


# --------------------------------------------------------------------------- CLI end to end


def test_main_runs_a_directory_and_ends_with_the_summary(tmp_path: Path, monkeypatch, capsys) -> None:
    scen, ref = tmp_path / "scenarios", tmp_path / "reference"
    scen.mkdir()
    ref.mkdir()
    base = {
        "schema": "nestkit-parity/1",
        "category": "A",
        "kernel": {"resolution": 0.1},
        "nodes": [{"id": "p", "model": "parrot_neuron", "n": 2}, {"id": "sr", "model": "spike_recorder"}],
        "connect": [{"pre": "p", "post": "sr"}],
        "simulate": [10.0],
        "record": ["sr"],
        "status": [],
    }
    good = {"senders": [2, 3], "times": [1.5, 2.5]}
    cases = {
        "good": good,
        "bad": {"senders": [2, 3], "times": [1.5, 2.6]},
        "exotic": good,
    }
    for name, events in cases.items():
        spec = dict(base, name=name)
        if name == "exotic":
            spec["nodes"] = spec["nodes"] + [{"id": "h", "model": "ht_neuron"}]
        (scen / f"{name}.json").write_text(json.dumps(spec))
        run = {"seed": None, "events": {"sr": events}, "status": {}, "connections": {}}
        (ref / f"{name}.json").write_text(json.dumps({"scenario": name, "runs": [run]}))

    fake = types.ModuleType("fake_pynest_for_parity")
    nest = FakeNest()
    for attr in dir(nest):
        if not attr.startswith("_"):
            setattr(fake, attr, getattr(nest, attr))
    monkeypatch.setitem(sys.modules, "fake_pynest_for_parity", fake)
    monkeypatch.delenv("NESTKIT_PARITY_DIR", raising=False)

    out_json = tmp_path / "out.json"
    argv = ["run", "--scenarios", str(scen), "--reference", str(ref), "--module", "fake_pynest_for_parity"]
    code = main(argv + ["--json", str(out_json)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert lines[-1] == "1 passed, 1 failed, 1 unsupported"
    assert lines[0].startswith("FAIL bad  events[sr] sender 3 spike 0")
    assert lines[1] == "UNSUPPORTED exotic  needs: ht_neuron"
    assert lines[2].startswith("PASS good  worst=")
    saved = json.loads(out_json.read_text())
    assert [r["status"] for r in saved["results"]] == ["FAIL", "UNSUPPORTED", "PASS"]

    assert main(argv + ["-k", "goo"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "1 passed, 0 failed, 0 unsupported"
