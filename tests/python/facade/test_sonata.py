"""nest.SonataNetwork on a SONATA network the test writes itself, compared with the same
network built directly by nest calls (NEST's PyPI wheel has no HDF5, so there is no live run)."""

import json
import sys

import h5py
import numpy as np
import pytest
import sonata_files as sf

CONN_KEYS = ["source", "target", "weight", "delay", "synapse_model"]


def _connections(nest):
    """Every connection as (source, target, weight, delay in steps, model), sorted."""
    c = nest.GetConnections()
    rows = zip(*(c.get(k) for k in CONN_KEYS))
    return sorted((s, t, w, round(d / nest.resolution), m) for s, t, w, d, m in rows)


def _expected(pops, resolution):
    ids = {name: nc.tolist() for name, nc in pops.items()}
    return sorted((s, t, w, round(d / resolution), m) for s, t, w, d, m in sf.expected_edges(ids))


@pytest.fixture
def configs(tmp_path):
    return sf.write_network(tmp_path, h5py)


def _spikes(nest, pops, tstop=None, net=None):
    rec = nest.Create("spike_recorder")
    nest.Connect(pops["cortex"] + pops["mixed"], rec)
    if net is None:
        nest.Simulate(tstop)
    else:
        net.Simulate()
    ev = rec.get("events")
    return sorted(zip(ev["times"].tolist(), ev["senders"].tolist()))


def test_nodes_and_parameters(nest, configs):
    net = nest.SonataNetwork(*configs)
    assert nest.resolution == sf.RESOLUTION
    pops = net.BuildNetwork()
    assert sorted(pops) == ["cortex", "input", "mixed"]
    assert net.node_collections is pops
    # Created in the config's order, each population's nodes in SONATA id order.
    assert pops["cortex"].tolist() == list(range(1, 7))
    assert pops["mixed"].tolist() == list(range(7, 11))
    assert pops["input"].tolist() == list(range(11, 14))
    for pop in ("cortex", "mixed"):
        for node, type_id in zip(pops[pop], sf.POPULATIONS[pop]):
            model, params = sf.NODE_TYPES[type_id]
            assert node.get("model") == model
            for key, value in params.items():
                assert node.get(key) == value, (pop, type_id, key)
    for i, times in sf.INPUT_SPIKES.items():
        node = pops["input"][i]
        assert node.get("model") == "spike_train_injector"
        assert list(node.get("spike_times")) == times
        assert node.get("allow_offgrid_times") is True


def test_every_edge_as_described(nest, configs):
    pops = nest.SonataNetwork(*configs).BuildNetwork()
    assert nest.num_connections == len(sf.EDGES_CC) + len(sf.EDGES_IN)
    assert _connections(nest) == _expected(pops, sf.RESOLUTION)
    # Per-type parameters from dynamics_params reach the synapses.
    tso = nest.GetConnections(synapse_model="tsodyks2_synapse")
    assert len(tso) == 2
    assert tso.get("U") == [0.4, 0.4] and tso.get("tau_rec") == [300.0, 300.0]


@pytest.mark.parametrize("hyperslab", [1, 4, 2**20])
def test_hyperslab_size_does_not_change_the_network(nest, configs, hyperslab):
    pops = nest.SonataNetwork(*configs).BuildNetwork(hdf5_hyperslab_size=hyperslab)
    assert _connections(nest) == _expected(pops, sf.RESOLUTION)


def test_simulation_equals_the_directly_built_network(nest, configs):
    net = nest.SonataNetwork(*configs)
    sonata_spikes = _spikes(nest, net.BuildNetwork(), net=net)
    assert nest.biological_time == sf.TSTOP  # the config's run/tstop
    nest.ResetKernel()
    direct_spikes = _spikes(nest, sf.build_directly(nest), tstop=sf.TSTOP)
    assert len(direct_spikes) > 10  # the network is active
    assert {s for _, s in direct_spikes} >= {1, 7}  # spikes from both populations
    assert sonata_spikes == direct_spikes


def test_create_and_connect_separately(nest, configs):
    net = nest.SonataNetwork(*configs)
    with pytest.raises(RuntimeError, match="must be created before"):
        net.Connect()
    with pytest.raises(RuntimeError, match="must be built before"):
        net.Simulate()
    pops = net.Create()
    assert nest.network_size == 13 and nest.num_connections == 0
    net.Connect(hdf5_hyperslab_size=2)
    assert nest.num_connections == len(sf.EDGES_CC) + len(sf.EDGES_IN)
    assert pops is net.node_collections


def test_config_paths_and_run_settings(nest, configs, tmp_path):
    circuit, simulation = configs
    net = nest.SonataNetwork(str(circuit), sim_config=simulation)
    conf = net.config
    assert conf["components"]["point_neuron_models_dir"] == (tmp_path / "comp" / "cells").as_posix()
    assert conf["networks"]["nodes"][0]["nodes_file"] == (tmp_path / "net" / "cortex_nodes.h5").as_posix()
    assert conf["inputs"]["ext"]["input_file"] == (tmp_path / "in" / "spikes.h5").as_posix()
    # One combined config with "duration" instead of "tstop".
    combined = json.loads(circuit.read_text())
    sim = json.loads(simulation.read_text())
    combined["manifest"]["$INPUT_DIR"] = "$BASE_DIR/in"
    combined.update(run={"duration": 12.5, "dt": 0.025}, inputs=sim["inputs"])
    path = tmp_path / "combined.json"
    path.write_text(json.dumps(combined))
    nest.ResetKernel()
    net = nest.SonataNetwork(path)
    assert nest.resolution == 0.025
    net.BuildNetwork()
    net.Simulate()
    assert nest.biological_time == 12.5


def _rewrite(path, change):
    conf = json.loads(path.read_text())
    change(conf)
    path.write_text(json.dumps(conf))


def test_config_errors(nest, configs, tmp_path):
    circuit, simulation = configs
    with pytest.raises(TypeError, match="'str' or 'pathlib.Path'"):
        nest.SonataNetwork(42)
    with pytest.raises(FileNotFoundError, match="no_such.json"):
        nest.SonataNetwork(tmp_path / "no_such.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="bad.json.*not valid JSON"):
        nest.SonataNetwork(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="'dt'"):
        nest.SonataNetwork(circuit)  # the circuit config alone has no run settings
    _rewrite(simulation, lambda c: c.update(target_simulator="NEURON"))
    with pytest.raises(ValueError, match="'target_simulator'.*'NEURON'"):
        nest.SonataNetwork(circuit, simulation)
    _rewrite(simulation, lambda c: c.update(target_simulator="NEST", run={"dt": 0.1}))
    net = nest.SonataNetwork(circuit, simulation)
    net.BuildNetwork()
    with pytest.raises(ValueError, match="'tstop' or 'duration'"):
        net.Simulate()
    for bad, error in (("2", TypeError), (0, ValueError), (-3, ValueError)):
        nest.ResetKernel()
        with pytest.raises(error, match="hdf5_hyperslab_size"):
            nest.SonataNetwork(circuit, simulation).BuildNetwork(hdf5_hyperslab_size=bad)


def test_node_errors_leave_the_network_unchanged(nest, configs, tmp_path):
    circuit, simulation = configs
    cells = tmp_path / "comp" / "cells"
    net_dir = tmp_path / "net"
    # A model name that does not exist, in the last node types file read.
    text = (net_dir / "mixed_types.csv").read_text()
    (net_dir / "mixed_types.csv").write_text(text.replace("nest:iaf_psc_exp", "nest:iaf_no_such"))
    with pytest.raises(nest.NESTErrors.UnknownModelName, match="mixed_types.csv.*iaf_no_such"):
        nest.SonataNetwork(circuit, simulation).Create()
    assert nest.network_size == 0
    (net_dir / "mixed_types.csv").write_text(text)
    # Two model types in one node types file.
    cortex_types = (net_dir / "cortex_types.csv").read_text()
    (net_dir / "cortex_types.csv").write_text(cortex_types.replace("101 point_process", "101 virtual"))
    with pytest.raises(ValueError, match="one model type per node types CSV.*cortex_types.csv"):
        nest.SonataNetwork(circuit, simulation).Create()
    (net_dir / "cortex_types.csv").write_text(cortex_types.replace("model_template", "template"))
    with pytest.raises(ValueError, match="'model_template'.*cortex_types.csv"):
        nest.SonataNetwork(circuit, simulation).Create()
    (net_dir / "cortex_types.csv").write_text(cortex_types)
    # A missing dynamics_params file and a missing input.
    (cells / "cell_201.json").rename(cells / "moved.json")
    with pytest.raises(FileNotFoundError, match="cell_201.json"):
        nest.SonataNetwork(circuit, simulation).Create()
    (cells / "moved.json").rename(cells / "cell_201.json")
    _rewrite(simulation, lambda c: c["inputs"]["ext"].update(node_set="other"))
    with pytest.raises(ValueError, match="input file for population input"):
        nest.SonataNetwork(circuit, simulation).Create()
    assert nest.network_size == 0


def _edit_edges(path, name, edit):
    with h5py.File(path, "r+") as f:
        edit(f["edges"][name])


def test_edge_errors_leave_the_network_unconnected(nest, configs, tmp_path):
    circuit, simulation = configs
    in_edges = tmp_path / "net" / "in_edges.h5"

    def build_expecting(error, match):
        nest.ResetKernel()
        net = nest.SonataNetwork(circuit, simulation)
        net.Create()
        with pytest.raises(error, match=match):
            net.Connect()
        assert nest.num_connections == 0  # checks run for all edge files before any connection

    def set_dataset(name, key, values):
        def edit(grp):
            del grp[key]
            grp.create_dataset(key, data=np.asarray(values))
            grp[key].attrs["node_population"] = "input" if key == "source_node_id" else "mixed"

        _edit_edges(in_edges, name, edit)

    set_dataset("input_to_mixed", "edge_type_id", [21, 99, 20])
    build_expecting(nest.NESTErrors.KernelException, "edge_type_id 99.*in_edges.h5.*known types: \\[20, 21, 22\\]")
    set_dataset("input_to_mixed", "edge_type_id", [21, 22, 20])
    set_dataset("input_to_mixed", "target_node_id", [1, 2, 4])
    build_expecting(nest.NESTErrors.KernelException, "target_node_id 4.*population 'mixed', which has 4 nodes")
    set_dataset("input_to_mixed", "target_node_id", [1, 2])
    build_expecting(nest.NESTErrors.KernelException, "target_node_id and source_node_id datasets.*same size")
    set_dataset("input_to_mixed", "target_node_id", [1, 2, 3])
    _edit_edges(in_edges, "input_to_mixed", lambda g: g["target_node_id"].attrs.modify("node_population", "nope"))
    build_expecting(nest.NESTErrors.KernelException, "node population 'nope'.*known populations")
    _edit_edges(in_edges, "input_to_mixed", lambda g: g["target_node_id"].attrs.modify("node_population", "mixed"))
    _edit_edges(in_edges, "input_to_mixed", lambda g: g.create_group("1"))
    build_expecting(NotImplementedError, "2 edge groups")


def test_needs_h5py(nest, configs, monkeypatch):
    net = nest.SonataNetwork(*configs)
    monkeypatch.setitem(sys.modules, "h5py", None)  # importing it now fails
    with pytest.raises(ImportError, match="nest.SonataNetwork needs the optional package 'h5py'"):
        net.Create()
    assert nest.network_size == 0
    nest.ResetKernel()
    with pytest.raises(ImportError, match="nest.SonataNetwork needs the optional package 'h5py'"):
        nest.SonataNetwork(*configs)
    assert nest.resolution == 0.1  # NEST's default: the config's dt (0.05) was not set
