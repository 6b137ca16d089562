"""SONATA edge files: per-edge-type syn_specs from the edge types CSV and the bulk
connection of the HDF5 edge populations, with NEST 3.10's rules (sonata_connector.cpp):

* an edge population group holds ``source_node_id``, ``target_node_id`` and
  ``edge_type_id`` (whose ``node_population`` attributes name the node populations;
  ids are indices into those populations) and exactly one edge group (a member named
  by digits) with optional ``syn_weight`` and ``delay`` datasets;
* a connection's weight and delay come from those datasets when present, else from
  its edge type's syn_spec, else the synapse model's default;
* other synapse parameters are per edge type (CSV columns the synapse model knows,
  and the type's ``dynamics_params`` JSON).

The datasets are read in blocks of ``hdf5_hyperslab_size`` rows; each block becomes one
``connect_arrays`` call per edge type in it.
"""

from __future__ import annotations

from pathlib import PurePath

import numpy as np

from .. import _core
from ._sonata_config import h5py, python_value, read_json, read_types_table, section

# syn_spec entries that NEST never takes per edge type as synapse parameters.
_NOT_SYNAPSE_PARAMS = {"min_delay", "max_delay", "num_connections"}


def _edge_type_specs(edges_conf: dict, conf: dict, get_defaults) -> dict:
    """edge_type_id (int) -> syn_spec for one edge types CSV, as NEST reads it."""
    csv_fn = section(edges_conf, "edge_types_file")
    table = read_types_table(csv_fn, "edge types", ("edge_type_id", "model_template"))
    table = table.rename(columns={"model_template": "synapse_model", "syn_weight": "weight"})
    columns = set(table.columns)
    specs = {}
    for row in table.to_dict(orient="records"):
        model = str(row["synapse_model"])
        try:
            settable = set(get_defaults(model))
        except _core.NESTError as e:
            raise _core.UnknownModelName(
                f"SonataNetwork: edge type {row['edge_type_id']} in '{csv_fn}' names the synapse model '{model}': {e}"
            ) from None
        keys = (settable & columns) - _NOT_SYNAPSE_PARAMS
        # An empty cell (NaN) leaves the value to the model's default, as NEST's NaN weight does.
        spec = {k: python_value(row[k]) for k in keys if not _is_nan(row[k])}
        spec["synapse_model"] = model
        if "dynamics_params" in columns:
            path = PurePath(section(conf, "components", "synaptic_models_dir"), str(row["dynamics_params"]))
            spec.update(read_json(path, f"dynamics_params of edge type {row['edge_type_id']}"))
        specs[int(row["edge_type_id"])] = spec
    return specs


def _is_nan(value) -> bool:
    return isinstance(value, float) and value != value


def _population_name(dataset, fname: str) -> str:
    value = dataset.attrs.get("node_population")
    if value is None:
        raise _core.KernelException(
            f"SonataNetwork: dataset '{dataset.name}' in '{fname}' lacks the attribute 'node_population'"
        )
    return value.decode() if isinstance(value, bytes) else str(value)


class _EdgePopulation:
    """One edge population group of an edge file, checked as NEST checks it."""

    def __init__(self, group, fname: str):
        self.fname = fname
        self.name = group.name
        for required in ("source_node_id", "target_node_id", "edge_type_id"):
            if required not in group:
                raise _core.KernelException(f"SonataNetwork: could not open {required} dataset in {fname}")
        edge_groups = [k for k in group if k.isdigit()]
        if len(edge_groups) != 1:
            raise NotImplementedError(
                f"SonataNetwork: edge population '{group.name}' in '{fname}' has {len(edge_groups)} edge groups; "
                "connecting with SONATA files with other than one edge group is not implemented (as in NEST)"
            )
        edge_group = group[edge_groups[0]]
        self.source = group["source_node_id"]
        self.target = group["target_node_id"]
        self.edge_type = group["edge_type_id"]
        self.weight = edge_group["syn_weight"] if "syn_weight" in edge_group else None
        self.delay = edge_group["delay"] if "delay" in edge_group else None
        self.size = self.target.shape[0]
        for label, dset in (
            ("source_node_id", self.source),
            ("edge_type_id", self.edge_type),
            ("syn_weight", self.weight),
            ("delay", self.delay),
        ):
            if dset is not None and dset.shape[0] != self.size:
                raise _core.KernelException(
                    f"SonataNetwork: target_node_id and {label} datasets in {fname} must be of the same size "
                    f"({self.size} and {dset.shape[0]})"
                )
        self.source_population = _population_name(self.source, fname)
        self.target_population = _population_name(self.target, fname)

    def blocks(self, hyperslab: int, values: bool):
        """(source indices, target indices, edge types, weights or None, delays or None) per
        block of rows; weights and delays are read only with ``values``."""
        for start in range(0, self.size, hyperslab):
            stop = min(start + hyperslab, self.size)
            yield (
                self.source[start:stop].astype(np.int64),
                self.target[start:stop].astype(np.int64),
                self.edge_type[start:stop].astype(np.int64),
                None if self.weight is None or not values else self.weight[start:stop].astype(float),
                None if self.delay is None or not values else self.delay[start:stop].astype(float),
            )


def _node_ids(nodes: dict, name: str, fname: str) -> np.ndarray:
    if name not in nodes:
        raise _core.KernelException(
            f"SonataNetwork: '{fname}' connects the node population '{name}', which was not created; "
            f"known populations: {sorted(nodes)}"
        )
    return np.asarray(nodes[name].tolist(), dtype=np.int64)


def _check_block(pop: _EdgePopulation, block, n_src: int, n_tgt: int, specs: dict):
    src, tgt, types = block[:3]
    for label, idx, n, popname in (
        ("source_node_id", src, n_src, pop.source_population),
        ("target_node_id", tgt, n_tgt, pop.target_population),
    ):
        bad = (idx < 0) | (idx >= n)
        if bad.any():
            raise _core.KernelException(
                f"SonataNetwork: {label} {int(idx[bad][0])} in '{pop.fname}' ({pop.name}) is not a node of "
                f"population '{popname}', which has {n} nodes"
            )
    unknown = np.setdiff1d(np.unique(types), np.fromiter(specs, dtype=np.int64, count=len(specs)))
    if unknown.size:
        raise _core.KernelException(
            f"SonataNetwork: edge_type_id {int(unknown[0])} in '{pop.fname}' ({pop.name}) is not in the edge "
            f"types file; known types: {sorted(specs)}"
        )


def _connect_block(kernel, block, src_ids, tgt_ids, specs: dict):
    src, tgt, types, weights, delays = block
    for type_id in np.unique(types):
        rows = np.flatnonzero(types == type_id)
        spec = dict(specs[int(type_id)])
        if weights is not None:
            spec["weight"] = weights[rows]
        if delays is not None:
            spec["delay"] = delays[rows]
        kernel.connect_arrays(src_ids[src[rows]].tolist(), tgt_ids[tgt[rows]].tolist(), spec)


def connect_edges(kernel, conf: dict, nodes: dict, hyperslab: int, get_defaults) -> None:
    """Connect all edge files of the configuration. Everything that can be checked
    without connecting (files, datasets, populations, node indices, edge types) is
    checked for all files first, so that such errors leave the network unchanged."""
    h5 = h5py()
    edge_confs = section(conf, "networks", "edges")
    plans = [(ec, _edge_type_specs(ec, conf, get_defaults)) for ec in edge_confs]
    for connect in (False, True):
        for edges_conf, specs in plans:
            fname = section(edges_conf, "edges_file")
            try:
                f = h5.File(fname, "r")
            except OSError as e:
                raise _core.KernelException(f"SonataNetwork: could not open HDF5 file {fname}: {e}") from None
            with f:
                if "edges" not in f:
                    raise _core.KernelException(f"SonataNetwork: could not open HDF5 group edges in {fname}")
                for pop_name in f["edges"]:
                    pop = _EdgePopulation(f["edges"][pop_name], fname)
                    src_ids = _node_ids(nodes, pop.source_population, fname)
                    tgt_ids = _node_ids(nodes, pop.target_population, fname)
                    for block in pop.blocks(hyperslab, values=connect):
                        if connect:
                            _connect_block(kernel, block, src_ids, tgt_ids, specs)
                        else:
                            _check_block(pop, block, len(src_ids), len(tgt_ids), specs)
