"""NEST-like errors: the right class, a helpful message, and an unchanged simulator.

After every rejected call the kernel must look exactly as before: same network size,
connection count, biological time, kernel status and node/default parameters.
"""

import nestkit
import pytest

ERROR_CLASSES = [
    "UnknownModelName",
    "UnknownParameter",
    "BadProperty",
    "BadParameterValue",
    "BadDelay",
    "KernelException",
    "IllegalConnection",
    "UnitError",
    "UnknownNode",
    "TypeMismatch",
    "UnknownReceptorType",
]


@pytest.mark.parametrize("name", ERROR_CLASSES)
def test_error_hierarchy(nest, name):
    cls = getattr(nestkit, name)
    assert issubclass(cls, nestkit.NESTError)
    assert issubclass(cls, (ValueError, TypeError))
    assert getattr(nest.NESTErrors, name) is cls


def snapshot(nest, nodes=None):
    keys = ["network_size", "num_connections", "biological_time", "resolution", "local_num_threads", "rng_seed"]
    snap = {"kernel": nest.GetKernelStatus(keys), "defaults": nest.GetDefaults("iaf_psc_alpha")}
    if nodes is not None:
        snap["nodes"] = nest.GetStatus(nodes)
    return snap


@pytest.fixture
def net(nest):
    """A small network; tests check that a failing call leaves it as it was."""
    a = nest.Create("iaf_psc_alpha", 3, {"I_e": 20.0})
    b = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a, b)
    nest.Simulate(5.0)
    return a, b


def test_unknown_model_suggests_closest_name(nest, net):
    before = snapshot(nest, net[0])
    with pytest.raises(nestkit.UnknownModelName) as err:
        nest.Create("iaf_psc_alfa", 2)
    assert "iaf_psc_alfa" in str(err.value)
    assert "iaf_psc_alpha" in str(err.value)
    with pytest.raises(nestkit.UnknownModelName, match="parrot_neuron"):
        nest.Create("parot_neuron")
    with pytest.raises(nestkit.UnknownModelName):
        nest.GetDefaults("no_such_model")
    with pytest.raises(nestkit.NESTError, match="static_synapse"):
        nest.Connect(net[0], net[1], syn_spec={"synapse_model": "static_synaps"})
    assert snapshot(nest, net[0]) == before


def test_unknown_parameter_suggests_closest_name(nest, net):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.UnknownParameter) as err:
        nest.Create("iaf_psc_alpha", params={"tau_mm": 5.0})
    assert "tau_mm" in str(err.value) and "tau_m" in str(err.value).replace("tau_mm", "")
    with pytest.raises(nestkit.UnknownParameter, match="V_th"):
        a.set(V_thr=-50.0)
    with pytest.raises(nestkit.UnknownParameter, match="I_e"):
        nest.SetDefaults("iaf_psc_alpha", {"I_ee": 1.0})
    with pytest.raises(nestkit.UnknownParameter, match="resolution"):
        nest.SetKernelStatus({"resolutoin": 0.2})
    assert snapshot(nest, a) == before


@pytest.mark.parametrize(
    "params",
    [
        {"C_m": 0.0},
        {"C_m": -250.0},
        {"tau_m": 0.0},
        {"tau_m": -1.0},
        {"t_ref": -0.1},
        {"V_reset": -55.0},
        {"V_reset": -50.0},
        {"V_th": -75.0},
        {"tau_syn_ex": 0.0},
        {"tau_syn_in": -2.0},
    ],
)
def test_bad_neuron_parameters(nest, net, params):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.BadProperty):
        nest.Create("iaf_psc_alpha", 2, params)
    with pytest.raises(nestkit.BadProperty):
        a.set(params)
    with pytest.raises(nestkit.BadProperty):
        a[1].set(params)
    with pytest.raises(nestkit.BadProperty):
        nest.SetDefaults("iaf_psc_alpha", params)
    assert snapshot(nest, a) == before


def test_v_reset_must_be_below_threshold_message(nest):
    with pytest.raises(nestkit.BadProperty, match="V_reset|[Rr]eset"):
        nest.Create("iaf_psc_alpha", params={"V_reset": -55.0})


def test_rejected_set_is_atomic(nest, net):
    a, _ = net
    before = snapshot(nest, a)
    # tau_m is valid, C_m is not: nothing may change.
    with pytest.raises(nestkit.BadProperty):
        a.set({"tau_m": 20.0, "C_m": -1.0})
    with pytest.raises(nestkit.BadProperty):
        a.set({"V_th": -60.0, "V_reset": -60.0})
    assert snapshot(nest, a) == before
    # Valid in combination: V_reset above the old threshold but below the new one.
    a.set({"V_th": -40.0, "V_reset": -50.0})
    assert a.get("V_th") == (-40.0,) * 3 and a.get("V_reset") == (-50.0,) * 3


def test_wrong_number_of_per_node_values(nest, net):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises((ValueError, TypeError)):
        a.set(V_m=[-60.0, -61.0])
    with pytest.raises((ValueError, TypeError)):
        a.set([{"I_e": 1.0}, {"I_e": 2.0}])
    assert snapshot(nest, a) == before


@pytest.mark.parametrize("delay", [0.0, 0.04, -1.0])
def test_delay_below_resolution(nest, net, delay):
    a, b = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.BadDelay):
        nest.Connect(a, b, syn_spec={"delay": delay})
    with pytest.raises(nestkit.BadDelay):
        nest.Connect(a[:2], b, "one_to_one", {"delay": delay})
    assert snapshot(nest, a) == before


def test_bad_delay_in_set_connections(nest, net):
    a, b = net
    conns = nest.GetConnections(a, b)
    before = conns.get("delay")
    with pytest.raises(nestkit.BadDelay):
        conns.set(delay=0.0)
    assert nest.GetConnections(a, b).get("delay") == before


def test_bad_delay_in_synapse_defaults(nest):
    with pytest.raises(nestkit.BadDelay):
        nest.SetDefaults("static_synapse", {"delay": 0.0})
    assert nest.GetDefaults("static_synapse", "delay") == 1.0


def test_indegree_larger_than_sources_without_multapses(nest, net):
    a, b = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.BadProperty):
        nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 4, "allow_multapses": False})
    with pytest.raises(nestkit.BadProperty):
        nest.Connect(b, a, {"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False})
    assert snapshot(nest, a) == before
    # With multapses the same indegree is fine.
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 4})
    assert nest.GetKernelStatus("num_connections") == before["kernel"][1] + 8


def test_one_to_one_size_mismatch(nest, net):
    a, b = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.NESTError):
        nest.Connect(a, b, "one_to_one")
    assert snapshot(nest, a) == before


def test_bad_rule_and_rule_parameters(nest, net):
    a, b = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.NESTError, match="all_to_all|one_to_one"):
        nest.Connect(a, b, "all_to_al")
    with pytest.raises(nestkit.NESTError):
        nest.Connect(a, b, {"rule": "pairwise_bernoulli", "p": 1.5})
    with pytest.raises(nestkit.NESTError):
        nest.Connect(a, b, {"rule": "fixed_total_number", "N": -1})
    with pytest.raises(nestkit.NESTError):
        nest.Connect(a, b, {"rule": "fixed_indegree"})  # indegree missing
    assert snapshot(nest, a) == before


def test_array_weight_length_mismatch(nest, net):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.NESTError):
        nest.Connect(a, a, "one_to_one", {"weight": [1.0, 2.0]})
    assert snapshot(nest, a) == before


def test_kernel_changes_after_nodes_exist(nest, net):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.KernelException):
        nest.SetKernelStatus({"resolution": 0.2})
    with pytest.raises(nestkit.KernelException):
        nest.resolution = 0.2
    with pytest.raises(nestkit.KernelException):
        nest.SetKernelStatus({"local_num_threads": 2})
    assert snapshot(nest, a) == before
    assert nest.resolution == 0.1


def test_bad_kernel_values(nest):
    with pytest.raises(nestkit.NESTError):
        nest.SetKernelStatus({"resolution": 0.0})
    with pytest.raises(nestkit.NESTError):
        nest.SetKernelStatus({"resolution": -0.1})
    with pytest.raises(nestkit.NESTError):
        nest.SetKernelStatus({"local_num_threads": 0})
    assert nest.GetKernelStatus(["resolution", "local_num_threads"]) == (0.1, 1)


@pytest.mark.parametrize("t", [1.05, -1.0, 0.01])
def test_simulate_off_grid_or_negative(nest, net, t):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.NESTError):
        nest.Simulate(t)
    assert snapshot(nest, a) == before
    nest.Simulate(1.0)  # the kernel still works
    assert nest.biological_time == pytest.approx(before["kernel"][2] + 1.0)


def test_unknown_node(nest, net):
    with pytest.raises(nestkit.NESTError):
        nest.Connect([1], [99], "one_to_one")
    with pytest.raises(nestkit.NESTError):
        nest.Connect([99], [1], "one_to_one")
    assert nest.GetKernelStatus("num_connections") == 6


def test_receptor_not_available(nest, net):
    a, b = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.UnknownReceptorType):  # NEST's class, an IllegalConnection here
        nest.Connect(a, b, syn_spec={"receptor_type": 3})
    assert snapshot(nest, a) == before


def test_copy_model_errors(nest):
    with pytest.raises(nestkit.NESTError):
        nest.CopyModel("iaf_psc_alpha", "iaf_psc_alpha")
    with pytest.raises(nestkit.UnknownModelName):
        nest.CopyModel("iaf_psc_alfa", "x")
    with pytest.raises(nestkit.BadProperty):
        nest.CopyModel("iaf_psc_alpha", "bad_copy", {"C_m": -1.0})
    assert "bad_copy" not in nest.Models()
    assert "x" not in nest.Models()


def test_recorder_errors(nest):
    with pytest.raises(nestkit.NESTError):
        nest.Create("multimeter", params={"interval": 0.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    with pytest.raises(nestkit.NESTError):
        mm.set(interval=0.05)  # not a multiple of the resolution
    assert mm.get("interval") == 1.0
    sr = nest.Create("spike_recorder")
    with pytest.raises(nestkit.NESTError):
        sr.set(n_events=3)  # only 0 may be set


def test_multimeter_with_unknown_recordable_is_refused_at_connect(nest):
    # NEST (UniversalDataLogger): "Cannot connect with unknown recordable", raised by Connect.
    n = nest.Create("iaf_psc_alpha")
    bad = nest.Create("multimeter", params={"record_from": ["V_m", "no_such_recordable"]})
    with pytest.raises(nestkit.IllegalConnection, match="no_such_recordable"):
        nest.Connect(bad, n)
    assert nest.GetKernelStatus("num_connections") == 0
    nest.Simulate(2.0)  # nothing left behind that fails later


def test_spike_generator_times(nest):
    sg = nest.Create("spike_generator")
    with pytest.raises(nestkit.BadProperty):
        sg.set(spike_times=[1.05])  # not on the 0.1 ms grid (allow_offgrid_times is False)
    with pytest.raises(nestkit.BadProperty):
        sg.set(spike_times=[3.0, 2.0])  # must be sorted
    assert list(sg.get("spike_times")) == []
    with pytest.raises(nestkit.BadProperty):
        nest.Create("spike_generator", params={"spike_times": [2.0, 1.0]})
    assert nest.GetKernelStatus("network_size") == 1


def test_connections_the_models_cannot_make(nest):
    n = nest.Create("iaf_psc_alpha")
    p = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    dc = nest.Create("dc_generator")
    with pytest.raises(nestkit.IllegalConnection):
        nest.Connect(sr, n)  # a spike_recorder sends nothing
    with pytest.raises(nestkit.IllegalConnection):
        nest.Connect(n, mm)  # a multimeter receives no spikes
    with pytest.raises(nestkit.IllegalConnection):
        nest.Connect(dc, p)  # a parrot_neuron takes spikes only
    with pytest.raises(nestkit.IllegalConnection):
        nest.Connect(mm, p)  # a parrot_neuron has nothing to record
    assert nest.GetKernelStatus("num_connections") == 0


def test_unknown_kernel_key(nest):
    with pytest.raises(nestkit.NESTError):
        nest.GetKernelStatus("no_such_key")
    with pytest.raises(nestkit.NESTError):
        nest.GetDefaults("iaf_psc_alpha", "no_such_key")


def test_create_is_all_or_nothing(nest, net):
    a, _ = net
    before = snapshot(nest, a)
    with pytest.raises(nestkit.BadProperty):
        nest.Create("iaf_psc_alpha", 3, [{"C_m": 100.0}, {"C_m": -1.0}, {}])
    with pytest.raises(nestkit.BadProperty):
        nest.Create("iaf_psc_alpha", 3, {"tau_m": [5.0, 0.0, 5.0]})
    with pytest.raises(nestkit.NESTError):
        nest.Create("iaf_psc_alpha", 3, {"I_e": [1.0, 2.0]})  # wrong number of values
    with pytest.raises(nestkit.NESTError):
        nest.Create("iaf_psc_alpha", 3, [{"I_e": 1.0}, {"I_e": 2.0}])  # wrong number of dicts
    with pytest.raises(nestkit.BadProperty):
        nest.Create("iaf_psc_alpha", 20, {"C_m": nest.random.uniform(-1.0, 1.0)})
    assert snapshot(nest, a) == before
    assert nest.Create("parrot_neuron").tolist() == [6]  # no ids were used up
