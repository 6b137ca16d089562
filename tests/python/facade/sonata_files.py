"""A small SONATA network written by the tests themselves (h5py), and the same network
described as plain Python data for building it directly with nest calls.

Populations: "cortex" (6 iaf_psc_alpha nodes of two node types with different
parameters), "mixed" (4 nodes whose node types use two models, in runs) and "input"
(3 virtual nodes with spike trains). Edge files:
  cortex -> cortex: per-edge syn_weight, delay per edge type (CSV), static_synapse;
  input -> cortex and input -> mixed: per-edge delay, weight per edge type (CSV column
  syn_weight, or none: the model default), two synapse models, one with dynamics_params.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

RESOLUTION = 0.05
TSTOP = 60.0

NODE_TYPES = {  # node_type_id -> (model, parameters)
    100: ("iaf_psc_alpha", {"tau_m": 12.0, "V_th": -52.0, "I_e": 400.0}),
    101: ("iaf_psc_alpha", {"tau_m": 20.0, "C_m": 200.0, "t_ref": 3.0}),
    200: ("iaf_psc_exp", {"tau_syn_ex": 3.0, "I_e": 420.0}),
    201: ("iaf_psc_alpha", {"E_L": -65.0, "V_reset": -68.0}),
}
POPULATIONS = {"cortex": [100, 101, 100, 100, 101, 101], "mixed": [200, 200, 201, 200]}
INPUT_SPIKES = {0: [5.0, 12.3, 30.0], 1: [7.5, 20.0], 2: [2.2, 2.2, 40.1]}

# edge_type_id -> (synapse_model, CSV syn_weight or None, CSV delay or None, dynamics_params or None)
EDGE_TYPES_CC = {10: ("static_synapse", None, 2.0, None), 11: ("static_synapse", None, 1.5, None)}
EDGE_TYPES_IN = {
    20: ("static_synapse", 450.0, None, None),
    21: ("tsodyks2_synapse", 600.0, None, {"U": 0.4, "tau_rec": 300.0}),
    22: ("static_synapse", None, None, None),
}
# (source index, target index, edge type, weight) for cortex -> cortex (weights per edge)
EDGES_CC = [(0, 1, 10, 80.0), (0, 2, 11, -40.0), (1, 3, 10, 120.0), (2, 0, 11, 60.0), (3, 4, 10, 95.0),
            (4, 5, 11, 70.0), (5, 0, 10, -25.0), (1, 2, 11, 33.0), (0, 1, 11, 10.0)]  # fmt: skip
# (source index, target population, target index, edge type, delay) for input -> cortex/mixed
EDGES_IN = [(0, "cortex", 0, 20, 1.0), (1, "cortex", 3, 21, 2.5), (2, "cortex", 5, 20, 0.7),
            (0, "mixed", 1, 21, 3.0), (1, "mixed", 2, 22, 1.2), (2, "mixed", 3, 20, 1.0)]  # fmt: skip


def _write_csv(path: Path, header: list, rows: list) -> None:
    path.write_text("\n".join(" ".join(str(v) for v in row) for row in [header, *rows]) + "\n")


def _edge_types_csv(path: Path, types: dict, params_dir: Path) -> None:
    rows = []
    for type_id, (model, weight, delay, dyn) in types.items():
        dyn_name = f"syn_{type_id}.json"
        (params_dir / dyn_name).write_text(json.dumps(dyn or {}))
        rows.append([type_id, "*", "*", "NULL" if weight is None else weight, "NULL" if delay is None else delay,
                     dyn_name, model])  # fmt: skip
    header = ["edge_type_id", "target_query", "source_query", "syn_weight", "delay", "dynamics_params"]
    _write_csv(path, [*header, "model_template"], rows)


def _edge_population(h5file, name: str, src_pop: str, tgt_pop: str, columns: dict) -> None:
    grp = h5file.create_group(f"edges/{name}")
    n = len(columns["source_node_id"])
    for key in ("source_node_id", "target_node_id", "edge_type_id"):
        grp.create_dataset(key, data=np.asarray(columns[key], dtype=np.uint64))
    grp["source_node_id"].attrs["node_population"] = src_pop
    grp["target_node_id"].attrs["node_population"] = tgt_pop
    grp.create_dataset("edge_group_id", data=np.zeros(n, dtype=np.uint32))
    grp.create_dataset("edge_group_index", data=np.arange(n, dtype=np.uint64))
    group0 = grp.create_group("0")
    for key in ("syn_weight", "delay"):
        if key in columns:
            group0.create_dataset(key, data=np.asarray(columns[key], dtype=float))


def write_network(root: Path, h5py) -> tuple[Path, Path]:
    """Writes the network below root; returns (circuit config, simulation config)."""
    net, cells, syns, inputs = root / "net", root / "comp" / "cells", root / "comp" / "syns", root / "in"
    for d in (net, cells, syns, inputs):
        d.mkdir(parents=True)
    for pop, types, csv_name in (("cortex", (100, 101), "cortex"), ("mixed", (200, 201), "mixed")):
        rows = []
        for t in types:
            model, params = NODE_TYPES[t]
            (cells / f"cell_{t}.json").write_text(json.dumps(params))
            rows.append([t, "point_process", f"nest:{model}" if t != 201 else model, f"cell_{t}.json", "x"])
        _write_csv(net / f"{csv_name}_types.csv", ["node_type_id", "model_type", "model_template",
                                                   "dynamics_params", "ei"], rows)  # fmt: skip
        with h5py.File(net / f"{pop}_nodes.h5", "w") as f:
            f.create_dataset(f"nodes/{pop}/node_type_id", data=np.asarray(POPULATIONS[pop], dtype=np.uint64))
            f.create_dataset(f"nodes/{pop}/node_id", data=np.arange(len(POPULATIONS[pop]), dtype=np.uint64))
    _write_csv(net / "input_types.csv", ["node_type_id", "model_type"], [[1, "virtual"]])
    with h5py.File(net / "input_nodes.h5", "w") as f:
        f.create_dataset("nodes/input/node_type_id", data=np.ones(len(INPUT_SPIKES), dtype=np.uint64))
    # Spikes in time order (not grouped by node), as SONATA spike files often are.
    spikes = sorted((t, n) for n, ts in INPUT_SPIKES.items() for t in ts)
    with h5py.File(inputs / "spikes.h5", "w") as f:
        f.create_dataset("spikes/timestamps", data=[t for t, _ in spikes])
        f.create_dataset("spikes/node_ids", data=np.asarray([n for _, n in spikes], dtype=np.uint64))

    _edge_types_csv(net / "cc_types.csv", EDGE_TYPES_CC, syns)
    _edge_types_csv(net / "in_types.csv", EDGE_TYPES_IN, syns)
    with h5py.File(net / "cc_edges.h5", "w") as f:
        s, t, e, w = zip(*EDGES_CC)
        _edge_population(f, "cortex_to_cortex", "cortex", "cortex",
                         {"source_node_id": s, "target_node_id": t, "edge_type_id": e, "syn_weight": w})  # fmt: skip
    with h5py.File(net / "in_edges.h5", "w") as f:
        for pop in ("cortex", "mixed"):
            rows = [r for r in EDGES_IN if r[1] == pop]
            s, _, t, e, d = zip(*rows)
            _edge_population(f, f"input_to_{pop}", "input", pop,
                             {"source_node_id": s, "target_node_id": t, "edge_type_id": e, "delay": d})  # fmt: skip

    circuit = {
        "manifest": {"$BASE_DIR": "${configdir}", "$NETWORK_DIR": "$BASE_DIR/net", "$COMPONENTS": "$BASE_DIR/comp"},
        "components": {"point_neuron_models_dir": "$COMPONENTS/cells", "synaptic_models_dir": "$COMPONENTS/syns"},
        "networks": {
            "nodes": [
                {"nodes_file": f"$NETWORK_DIR/{p}_nodes.h5", "node_types_file": f"$NETWORK_DIR/{p}_types.csv"}
                for p in ("cortex", "mixed", "input")
            ],
            "edges": [
                {"edges_file": f"$NETWORK_DIR/{e}_edges.h5", "edge_types_file": f"$NETWORK_DIR/{e}_types.csv"}
                for e in ("cc", "in")
            ],
        },
        "target_simulator": "NEST",
    }
    simulation = {
        "manifest": {"$BASE_DIR": ".", "$INPUT_DIR": "$BASE_DIR/in"},
        "run": {"tstop": TSTOP, "dt": RESOLUTION},
        "target_simulator": "NEST",
        "inputs": {"ext": {"input_type": "spikes", "input_file": "$INPUT_DIR/spikes.h5", "node_set": "input"}},
    }
    (root / "circuit.json").write_text(json.dumps(circuit))
    (root / "simulation.json").write_text(json.dumps(simulation))
    return root / "circuit.json", root / "simulation.json"


def expected_edges(ids: dict) -> list:
    """(source id, target id, weight, delay, synapse_model) of every connection, from the data above."""
    out = []
    for s, t, e, w in EDGES_CC:
        model, _, delay, _ = EDGE_TYPES_CC[e]
        out.append((ids["cortex"][s], ids["cortex"][t], w, delay, model))
    for s, pop, t, e, d in EDGES_IN:
        model, weight, _, _ = EDGE_TYPES_IN[e]
        out.append((ids["input"][s], ids[pop][t], 1.0 if weight is None else weight, d, model))
    return sorted(out)


def build_directly(nest) -> dict:
    """The same network with nest.Create/Connect calls; returns the populations."""
    nest.resolution = RESOLUTION
    cortex = nest.Create("iaf_psc_alpha", len(POPULATIONS["cortex"]))
    for i, t in enumerate(POPULATIONS["cortex"]):
        cortex[i].set(NODE_TYPES[t][1])
    mixed = None
    for t in POPULATIONS["mixed"]:
        node = nest.Create(NODE_TYPES[t][0], 1, NODE_TYPES[t][1])
        mixed = node if mixed is None else mixed + node
    inputs = nest.Create("spike_train_injector", len(INPUT_SPIKES))
    for i, times in INPUT_SPIKES.items():
        inputs[i].set(spike_times=times, allow_offgrid_times=True)
    pops = {"cortex": cortex, "mixed": mixed, "input": inputs}
    for s, t, e, w in EDGES_CC:
        model, _, delay, _ = EDGE_TYPES_CC[e]
        nest.Connect(cortex[s], cortex[t], "one_to_one", {"synapse_model": model, "weight": w, "delay": delay})
    for s, pop, t, e, d in EDGES_IN:
        model, weight, _, dyn = EDGE_TYPES_IN[e]
        spec = {"synapse_model": model, "delay": d, **(dyn or {})}
        if weight is not None:
            spec["weight"] = weight
        nest.Connect(inputs[s], pops[pop][t], "one_to_one", spec)
    return pops
