"""Bad e-prop input is a clear error that leaves the simulator unchanged."""

import math

import nestkit.nest as nest
import pytest


def small_network():
    nest.ResetKernel()
    nest.resolution = 1.0
    parrot = nest.Create("parrot_neuron")
    rec = nest.Create("eprop_iaf")
    out = nest.Create("eprop_readout")
    plain = nest.Create("iaf_psc_alpha")
    return parrot, rec, out, plain


def test_eprop_synapse_onto_a_neuron_without_eprop_history_is_refused():
    parrot, rec, _, plain = small_network()
    nest.Connect(parrot, rec, syn_spec={"synapse_model": "eprop_synapse"})
    with pytest.raises(nest.NESTError, match="eprop_synapse.*iaf_psc_alpha.*not supported"):
        nest.Connect(parrot, rec + plain, syn_spec={"synapse_model": "eprop_synapse"})
    assert nest.num_connections == 1
    nest.Simulate(5.0)  # the kernel still runs


def test_eprop_synapse_from_a_device_is_refused():
    _, rec, _, _ = small_network()
    gen = nest.Create("spike_generator")
    with pytest.raises(nest.NESTError, match="eprop_synapse"):
        nest.Connect(gen, rec, syn_spec={"synapse_model": "eprop_synapse"})
    assert nest.num_connections == 0


def test_weight_outside_wmin_wmax_is_refused():
    parrot, rec, _, _ = small_network()
    # NEST checks the weight against Wmax in the synapse's set_status, which Connect calls only
    # when the syn_spec names a parameter besides weight and delay: NEST 3.10 accepts weight 150
    # alone at Connect (checked live) and refuses it when set on the connection.
    nest.Connect(parrot, rec, syn_spec={"synapse_model": "eprop_synapse", "weight": 50.0})
    conn = nest.GetConnections(synapse_model="eprop_synapse")
    with pytest.raises(nest.NESTError, match="weight <= maximal weight Wmax"):
        conn.set(weight=150.0)
    assert conn.get("weight") == 50.0


def test_unknown_optimizer_key_names_the_key_and_changes_nothing():
    nest.ResetKernel()
    before = nest.GetDefaults("eprop_synapse")["optimizer"]
    with pytest.raises(nest.NESTError, match="optimizer.etta.*Did you mean 'optimizer.eta'"):
        nest.SetDefaults("eprop_synapse", {"optimizer": {"eta": 0.5, "etta": 0.1}})
    assert nest.GetDefaults("eprop_synapse")["optimizer"] == before


def test_unknown_optimizer_type_lists_the_known_ones_and_changes_nothing():
    nest.ResetKernel()
    before = nest.GetDefaults("eprop_synapse")["optimizer"]
    with pytest.raises(nest.NESTError, match='"sgd" is unknown; allowed: gradient_descent, adam'):
        nest.SetDefaults("eprop_synapse", {"optimizer": {"type": "sgd", "eta": 0.5}})
    assert nest.GetDefaults("eprop_synapse")["optimizer"] == before


def test_optimizer_reads_back_as_nest_shows_it():
    nest.ResetKernel()
    assert nest.GetDefaults("eprop_synapse")["optimizer"] == {
        "Wmax": 100.0,
        "Wmin": -100.0,
        "batch_size": 1,
        "eta": 1e-4,
        "optimize_each_step": True,
        "optimizer": "gradient_descent",
    }
    nest.SetDefaults("eprop_synapse", {"optimizer": {"type": "adam", "beta_1": 0.5}})
    opt = nest.GetDefaults("eprop_synapse")["optimizer"]
    assert opt["optimizer"] == "adam" and opt["beta_1"] == 0.5 and opt["beta_2"] == 0.999 and opt["epsilon"] == 1e-7


@pytest.mark.parametrize(
    "params, words",
    [
        ({"kappa": 1.5}, "kappa"),
        ({"surrogate_gradient_width": 0.0}, "surrogate_gradient_width"),
        ({"f_target": math.nan}, "f_target"),
        ({"V_th": -80.0, "V_min": -75.0}, "V_th >= V_min"),
    ],
)
def test_bad_neuron_parameters_change_nothing(params, words):
    _, rec, _, _ = small_network()
    before = rec.get()
    with pytest.raises(nest.NESTError, match=words):
        rec.set(params)
    assert rec.get() == before


def test_readout_ports_for_target_and_window_only():
    nest.ResetKernel()
    out = nest.Create("eprop_readout")
    gen = nest.Create("step_rate_generator")
    # NEST 3.10: IllegalConnection "eprop_readout neurons expect a connection with a
    # step_rate_generator node through receptor_type 1 or 2."
    for port in (0, 3):
        with pytest.raises(nest.NESTError, match="step_rate_generator node through receptor_type 1 or 2"):
            nest.Connect(gen, out, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": port})
    assert nest.num_connections == 0


def test_learning_signal_connection_needs_a_readout_source():
    _, rec, _, plain = small_network()
    with pytest.raises(nest.NESTError, match="does not send"):
        nest.Connect(plain, rec, syn_spec={"synapse_model": "eprop_learning_signal_connection"})
    assert nest.num_connections == 0


def test_eprop_synapse_needs_a_delay_of_one_step():
    parrot, rec, _, _ = small_network()
    with pytest.raises(nest.NESTError, match="delay of one simulation step"):
        nest.Connect(parrot, rec, syn_spec={"synapse_model": "eprop_synapse", "delay": 2.0})
    assert nest.num_connections == 0


def test_stdp_synapse_onto_an_eprop_neuron_is_refused_as_in_nest():
    parrot, rec, out, _ = small_network()
    for target in (rec, out):
        with pytest.raises(nest.NESTError, match="stdp_synapse"):
            nest.Connect(parrot, target, syn_spec={"synapse_model": "stdp_synapse"})
    assert nest.num_connections == 0


def test_optimizer_algorithm_is_fixed_once_synapses_exist():
    parrot, rec, _, _ = small_network()
    nest.Connect(parrot, rec, syn_spec={"synapse_model": "eprop_synapse"})
    with pytest.raises(nest.NESTError, match="optimizer cannot be changed"):
        nest.SetDefaults("eprop_synapse", {"optimizer": {"type": "adam"}})
    assert nest.GetDefaults("eprop_synapse")["optimizer"]["optimizer"] == "gradient_descent"
    # Other optimizer parameters may still change (they are common to all synapses).
    nest.SetDefaults("eprop_synapse", {"optimizer": {"type": "gradient_descent", "eta": 0.5}})
    assert nest.GetDefaults("eprop_synapse")["optimizer"]["eta"] == 0.5


def test_connections_show_the_optimizer_as_nest_does():
    parrot, rec, _, _ = small_network()
    nest.Connect(parrot, rec, syn_spec={"synapse_model": "eprop_synapse", "weight": 0.5})
    nest.Connect(parrot, rec)
    status = nest.GetConnections(synapse_model="eprop_synapse").get()
    assert status["optimizer"] == {} and status["weight"] == 0.5
    assert not any(k.startswith("optimizer.") for k in status)
    mixed = nest.GetConnections().get()
    assert sorted(map(str, mixed["optimizer"])) == ["None", "{}"]
