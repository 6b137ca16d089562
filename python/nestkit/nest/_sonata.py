"""``nest.SonataNetwork``: build and simulate a network described in the SONATA format,
as NEST 3.10 does (pynest's hl_api_sonata and the kernel's SONATA connector).

Nodes: each node types CSV holds one ``model_type``: ``point_neuron``/``point_process``
(NEST models named by ``model_template``, ``nest:`` prefix allowed, parameters from the
type's ``dynamics_params`` JSON) or ``virtual`` (``spike_train_injector`` nodes whose
spike times come from the simulation config's ``inputs``). A node's SONATA id is its
index in its population. Edges: see ``_sonata_edges``. Needs h5py and pandas.
"""

from __future__ import annotations

import itertools
from pathlib import PurePath

import numpy as np

from .. import _core
from . import _sonata_edges
from ._sonata_config import h5py, pandas, parse_config, python_value, read_json, read_types_table, section

_DEFAULT_HYPERSLAB = 2**20


def _nest():
    from .. import nest  # the facade package; imported late because it imports this module

    return nest


def _check_hyperslab_size(size) -> None:
    if not isinstance(size, int):
        raise TypeError("hdf5_hyperslab_size must be passed as int")
    if size <= 0:
        raise ValueError("hdf5_hyperslab_size must be strictly positive")


class _PopulationPlan:
    """What one node population will be: (model, count, params) groups in node order."""

    def __init__(self, name: str, groups: list):
        self.name = name
        self.groups = groups


def _read_node_type_ids(nodes_file: str) -> dict:
    """population name -> node_type_id array, in the file's (alphabetical) order."""
    h5 = h5py()
    try:
        f = h5.File(nodes_file, "r")
    except OSError as e:
        raise FileNotFoundError(f"SonataNetwork: could not open the nodes file '{nodes_file}': {e}") from None
    with f:
        if "nodes" not in f:
            raise ValueError(f"SonataNetwork: the nodes file '{nodes_file}' has no group 'nodes'")
        out = {}
        for pop in f["nodes"]:
            if "node_type_id" not in f["nodes"][pop]:
                raise ValueError(f"SonataNetwork: population '{pop}' in '{nodes_file}' has no dataset 'node_type_id'")
            out[pop] = np.asarray(f["nodes"][pop]["node_type_id"][:], dtype=np.int64)
        return out


def _neuron_plans(nodes_conf: dict, conf: dict, table, csv_fn: str) -> list:
    table = table.copy()
    table["model_template"] = table["model_template"].astype(str).str.replace("nest:", "")
    types = {}
    for row in table.to_dict(orient="records"):
        path = PurePath(section(conf, "components", "point_neuron_models_dir"), str(row["dynamics_params"]))
        params = read_json(path, f"dynamics_params of node type {row['node_type_id']}")
        types[int(row["node_type_id"])] = (row["model_template"], params)
    known_models = set(_nest().Models("nodes"))
    for type_id, (model, _) in types.items():
        if model not in known_models:
            raise _core.UnknownModelName(
                f"SonataNetwork: node type {type_id} in '{csv_fn}' names the model '{model}', which is not a node model"
            )
    plans = []
    for pop, type_ids in _read_node_type_ids(section(nodes_conf, "nodes_file")).items():
        unknown = sorted(set(type_ids.tolist()) - set(types))
        if unknown:
            raise ValueError(
                f"SonataNetwork: population '{pop}' uses node_type_id {unknown[0]}, which '{csv_fn}' does not "
                f"define; defined: {sorted(types)}"
            )
        if len({m for m, _ in types.values()}) == 1:
            # One model: one Create for the population, each node with its type's parameters.
            model = next(iter(types.values()))[0]
            groups = [(model, len(type_ids), [types[int(t)][1] for t in type_ids])]
        else:
            # Several models: one Create per run of equal node types, in node order (as NEST).
            groups = []
            for type_id, run in itertools.groupby(type_ids.tolist()):
                model, params = types[type_id]
                groups.append((model, len(list(run)), params))
        plans.append(_PopulationPlan(pop, groups))
    return plans


def _input_spikes(conf: dict, pop: str, n_nodes: int) -> list:
    """Per node of a virtual population, its spike times from the input file."""
    input_file = None
    for name, inp in dict(conf.get("inputs", {})).items():
        if isinstance(inp, dict) and inp.get("node_set") == pop:
            if "input_file" not in inp:
                raise ValueError(f"SonataNetwork: input '{name}' for population '{pop}' has no 'input_file'")
            input_file = inp["input_file"]
            break
    if input_file is None:
        raise ValueError(f"Could not find an input file for population {pop} in config file.")
    h5 = h5py()
    try:
        f = h5.File(input_file, "r")
    except OSError as e:
        raise FileNotFoundError(f"SonataNetwork: could not open the input file '{input_file}': {e}") from None
    with f:
        if "spikes" not in f:
            raise ValueError(f"SonataNetwork: the input file '{input_file}' has no group 'spikes'")
        members = list(f["spikes"].values())
        groups = [isinstance(m, h5.Group) for m in members]
        if any(groups) and not all(groups):
            raise ValueError(
                "Unsupported HDF5 structure; groups and datasets cannot be on the same hierarchical "
                f"level in input spikes file {input_file}."
            )
        spikes = f["spikes"]
        if members and all(groups):
            if pop not in spikes:
                raise ValueError(f"Did not find a matching HDF5 group name for population {pop} in {input_file}.")
            spikes = spikes[pop]
        key = "gids" if "gids" in spikes else "node_ids" if "node_ids" in spikes else None
        if key is None:
            raise ValueError(f"No dataset called 'gids' or 'node_ids' in {input_file}.")
        if "timestamps" not in spikes:
            raise ValueError(f"No dataset called 'timestamps' in {input_file}.")
        node_ids = np.asarray(spikes[key][:], dtype=np.int64)
        times = np.asarray(spikes["timestamps"][:], dtype=float)
    if node_ids.shape != times.shape:
        raise ValueError(f"SonataNetwork: '{key}' and 'timestamps' in {input_file} differ in length")
    # Each node's times in file order (a stable sort by node keeps that order).
    order = np.argsort(node_ids, kind="stable")
    bounds = np.searchsorted(node_ids[order], np.arange(n_nodes + 1))
    return [times[order[bounds[i] : bounds[i + 1]]] for i in range(n_nodes)]


def _injector_plans(nodes_conf: dict, conf: dict) -> list:
    plans = []
    for pop, type_ids in _read_node_type_ids(section(nodes_conf, "nodes_file")).items():
        n = len(type_ids)
        params = [{"spike_times": t, "allow_offgrid_times": True} for t in _input_spikes(conf, pop, n)]
        plans.append(_PopulationPlan(pop, [("spike_train_injector", n, params)]))
    return plans


def _population_plans(conf: dict) -> list:
    plans = []
    for nodes_conf in section(conf, "networks", "nodes"):
        csv_fn = section(nodes_conf, "node_types_file")
        table = read_types_table(csv_fn, "node types", ("node_type_id", "model_type"))
        model_types = {str(m) for m in table["model_type"]}
        if len(model_types) != 1:
            raise ValueError(
                f"Only one model type per node types CSV file is supported. {csv_fn} contains more than one."
            )
        model_type = model_types.pop()
        if model_type in ("point_neuron", "point_process"):
            for column, what in (("model_template", "NEST neuron models"), ("dynamics_params", "model parameters")):
                if column not in table.columns:
                    raise ValueError(f"Missing the required '{column}' header specifying {what} in {csv_fn}.")
            plans += _neuron_plans(nodes_conf, conf, table, csv_fn)
        elif model_type == "virtual":
            plans += _injector_plans(nodes_conf, conf)
        else:
            raise ValueError(
                f"Model type '{model_type}' in {csv_fn} is not supported by NEST; "
                "allowed: 'point_neuron', 'point_process', 'virtual'"
            )
    return plans


class SonataNetwork:
    """A network in the SONATA format, built and simulated with NEST's rules.

    ``config`` is the circuit (or combined) config file, ``sim_config`` an optional
    simulation config whose entries are added to it. The run settings (``run``:
    ``dt``, ``tstop`` or ``duration``) come from the configs; the resolution is set
    when the network is made. ``BuildNetwork()`` (``Create()`` then ``Connect()``)
    returns the NodeCollection of each population by name; ``Simulate()`` runs
    ``tstop`` (or ``duration``) ms.
    """

    def __init__(self, config, sim_config=None):
        h5py(), pandas()  # as NEST, fail at once (ImportError naming the package) when one is missing
        conf = parse_config(config)
        if sim_config is not None:
            conf.update(parse_config(sim_config))
        if conf.get("target_simulator") != "NEST":
            raise ValueError(
                f"'target_simulator' in configuration file must be 'NEST', not {conf.get('target_simulator')!r}."
            )
        if "dt" not in dict(conf.get("run") or {}):
            raise ValueError("Time resolution 'dt' must be specified in configuration file.")
        _nest().SetKernelStatus({"resolution": python_value(conf["run"]["dt"])})
        self._conf = conf
        self._node_collections = {}
        self._are_nodes_created = False
        self._is_network_built = False

    def Create(self):
        """Create the nodes of all populations; returns {population name: NodeCollection}.
        All files are read and checked before the first node is created."""
        nest = _nest()
        plans = _population_plans(self._conf)
        for plan in plans:
            parts = [nest.Create(model, n, params=params) for model, n, params in plan.groups]
            self._node_collections[plan.name] = parts[0] if len(parts) == 1 else sum(parts[1:], parts[0])
        self._are_nodes_created = True
        return self._node_collections

    def Connect(self, hdf5_hyperslab_size=None):
        """Connect the nodes by the edge files, reading ``hdf5_hyperslab_size`` rows at a time
        (default 2**20)."""
        if not self._are_nodes_created:
            raise RuntimeError("The SONATA network nodes must be created before any connections can be made.")
        if hdf5_hyperslab_size is None:
            hdf5_hyperslab_size = _DEFAULT_HYPERSLAB
        _check_hyperslab_size(hdf5_hyperslab_size)
        nest = _nest()
        _sonata_edges.connect_edges(
            nest._kernel, self._conf, self._node_collections, hdf5_hyperslab_size, nest.GetDefaults
        )
        self._is_network_built = True

    def BuildNetwork(self, hdf5_hyperslab_size=None):
        """``Create()`` then ``Connect(hdf5_hyperslab_size)``; returns the node collections."""
        if hdf5_hyperslab_size is not None:
            _check_hyperslab_size(hdf5_hyperslab_size)
        node_collections = self.Create()
        self.Connect(hdf5_hyperslab_size=hdf5_hyperslab_size)
        return node_collections

    def Simulate(self):
        """Simulate for the configuration's ``run``/``tstop`` (or ``duration``) ms."""
        if not self._is_network_built:
            raise RuntimeError("The SONATA network must be built before a simulation can be done.")
        run = self._conf["run"]
        if "tstop" in run:
            t_sim = run["tstop"]
        elif "duration" in run:
            t_sim = run["duration"]
        else:
            raise ValueError("Simulation time 'tstop' or 'duration' must be specified in configuration file.")
        _nest().Simulate(python_value(t_sim))

    @property
    def node_collections(self):
        return self._node_collections

    @property
    def config(self):
        return self._conf
