"""Per-connection optimizer state of the e-prop synapses, and NEST 3.10's e-prop parameter checks.

NEST 3.10 shows and sets, per connection, only the optimizer's own state: Adam's moments
{"m": ..., "v": ...}, an empty dictionary for gradient descent. The expected values below
are those a live NEST 3.10 run of the same calls printed (nest.GetConnections(...).get(
"optimizer") after each step); the errors where NEST would silently ignore a key are
nestkit's (noted at each test).
"""

import math
import warnings

import nestkit.nest as nest
import numpy as np
import pytest

EPROP_MODELS = ["eprop_synapse", "eprop_synapse_bsshslm_2020"]
NEURONS = {"eprop_synapse": "eprop_iaf", "eprop_synapse_bsshslm_2020": "eprop_iaf_bsshslm_2020"}


def network(model, optimizer="adam"):
    nest.ResetKernel()
    nest.resolution = 1.0
    nrns = nest.Create(NEURONS[model], 2)
    nest.SetDefaults(model, {"optimizer": {"type": optimizer}})
    nest.Connect(nrns, nrns, {"rule": "all_to_all", "allow_autapses": False}, {"synapse_model": model, "delay": 1.0})
    return nrns, nest.GetConnections(synapse_model=model)


@pytest.mark.parametrize("model", EPROP_MODELS)
def test_adam_moments_are_shown_and_set_per_connection(model):
    _, conns = network(model)
    # NEST 3.10: [{'m': 0.0, 'v': 0.0}, {'m': 0.0, 'v': 0.0}] and in the full status.
    assert conns.get("optimizer") == [{"m": 0.0, "v": 0.0}] * 2
    assert conns.get()["optimizer"] == [{"m": 0.0, "v": 0.0}] * 2
    with warnings.catch_warnings():  # GetStatus is deprecated, as in NEST 3.10
        warnings.simplefilter("ignore", UserWarning)
        assert nest.GetStatus(conns[0])[0]["optimizer"] == {"m": 0.0, "v": 0.0}
    # The form of NEST's examples: one dictionary per connection.
    conns.set([{"optimizer": {"m": 0.5, "v": 0.25}}] * 2)
    assert conns.get("optimizer") == [{"m": 0.5, "v": 0.25}] * 2
    # One dictionary for all, with one key: the other keeps its value (as NEST).
    conns.set({"optimizer": {"m": 1.5}})
    assert conns.get("optimizer") == [{"m": 1.5, "v": 0.25}] * 2
    conns[0].set(optimizer={"v": 3.0})
    assert conns.get("optimizer") == [{"m": 1.5, "v": 3.0}, {"m": 1.5, "v": 0.25}]
    # A list may leave some connections out of the optimizer.
    conns.set([{}, {"optimizer": {"m": -1.0}}])
    assert conns.get("optimizer") == [{"m": 1.5, "v": 3.0}, {"m": -1.0, "v": 0.25}]


@pytest.mark.parametrize("model", EPROP_MODELS)
def test_gradient_descent_has_no_per_connection_state(model):
    _, conns = network(model, "gradient_descent")
    assert conns.get("optimizer") == [{}, {}]  # NEST 3.10: [{}, {}]
    conns.set({"optimizer": {}})
    # NEST ignores the key; nestkit says that gradient descent keeps no such state.
    with pytest.raises(nest.NESTError, match=f"{model}: 'm' is not a per-connection state of the gradient_descent"):
        conns.set({"optimizer": {"m": 0.0}})


@pytest.mark.parametrize("model", EPROP_MODELS)
def test_model_defaults_do_not_show_the_moments(model):
    network(model)
    # NEST 3.10's GetDefaults: Wmax, Wmin, batch_size, beta_1, beta_2, epsilon, eta, optimize_each_step, optimizer.
    assert sorted(nest.GetDefaults(model)["optimizer"]) == [
        "Wmax",
        "Wmin",
        "batch_size",
        "beta_1",
        "beta_2",
        "epsilon",
        "eta",
        "optimize_each_step",
        "optimizer",
    ]
    # NEST ignores moments given to SetDefaults (its model has no optimizer object); nestkit refuses them.
    with pytest.raises(nest.NESTError, match=f"{model}: optimizer m is the state of each connection"):
        nest.SetDefaults(model, {"optimizer": {"m": 0.3}})
    assert "m" not in nest.GetDefaults(model)["optimizer"]


@pytest.mark.parametrize(
    "value, error, words",
    [
        (
            {"foo": 1.0},
            nest.NESTErrors.BadProperty,
            "'foo' is not a per-connection state of the adam optimizer.*keys: m, v",
        ),
        ({"eta": 0.1}, nest.NESTErrors.BadProperty, "'eta' is not a per-connection state.*set them with SetDefaults"),
        ({"type": "gradient_descent"}, nest.NESTErrors.BadProperty, "'type' is not a per-connection state"),
        ({"m": "x"}, nest.NESTErrors.TypeMismatch, "optimizer m must be a number, got 'x'"),
        ({"v": True}, nest.NESTErrors.TypeMismatch, "optimizer v must be a number"),
        (3.0, nest.NESTErrors.TypeMismatch, "optimizer must be a dictionary, got 3.0"),
    ],
)
def test_bad_optimizer_state_is_refused_and_changes_nothing(value, error, words):
    _, conns = network("eprop_synapse")
    conns.set([{"optimizer": {"m": 0.5, "v": 0.25}}, {"optimizer": {"m": 0.1}}])
    before = conns.get()
    with pytest.raises(error, match=words):
        conns.set([{"optimizer": {"m": 9.0}}, {"optimizer": value}])
    with pytest.raises(error, match=words):
        conns.set({"optimizer": value, "weight": 2.0})
    assert conns.get() == before


def test_optimizer_on_other_synapses_is_refused():
    nrns, _ = network("eprop_synapse")
    nest.Connect(nrns[0], nrns[1])
    both = nest.GetConnections()
    eprop = nest.GetConnections(synapse_model="eprop_synapse")
    with pytest.raises(nest.NESTError, match="'optimizer' cannot be set on static_synapse connections"):
        both.set({"optimizer": {"m": 1.0}})
    assert eprop.get("optimizer") == [{"m": 0.0, "v": 0.0}] * 2
    with pytest.raises(nest.NESTError, match="optimizer"):
        nest.GetConnections(synapse_model="static_synapse").get("optimizer")
    shown = both.get("optimizer")
    assert sorted(map(str, shown)) == ["None"] + [str({"m": 0.0, "v": 0.0})] * 2


def test_connect_takes_no_optimizer():
    nrns, _ = network("eprop_synapse")
    # NEST 3.10: NotImplemented 'Synapse parameter "optimizer" can only be set via SetDefaults() or CopyModel().'
    with pytest.raises(nest.NESTError, match='eprop_synapse: Synapse parameter "optimizer" can only be set via'):
        nest.Connect(nrns[0], nrns[1], syn_spec={"synapse_model": "eprop_synapse", "optimizer": {"m": 0.7}})
    assert nest.num_connections == 2


def learned_readout_weights(first_moments):
    """A small e-prop regression; first_moments: Adam's initial m of the recurrent-to-readout connections."""
    nest.ResetKernel()
    nest.resolution = 1.0
    rng = np.random.default_rng(3)
    gens = nest.Create("spike_generator", 4)
    for g in gens:
        g.spike_times = np.flatnonzero(rng.random(150) < 0.1) + 1.0
    parrots = nest.Create("parrot_neuron", 4)
    rec = nest.Create("eprop_iaf", 3, {"C_m": 1.0, "E_L": 0.0, "V_m": 0.0, "V_th": 0.05, "tau_m": 20.0})
    out = nest.Create("eprop_readout", params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0})
    target = nest.Create("step_rate_generator", params={"amplitude_times": [2.0], "amplitude_values": [0.5]})
    nest.SetDefaults("eprop_synapse", {"optimizer": {"type": "adam", "eta": 0.01}})
    syn = {"synapse_model": "eprop_synapse", "delay": 1.0}
    nest.Connect(gens, parrots, "one_to_one")
    nest.Connect(parrots, rec, "all_to_all", {**syn, "weight": rng.normal(0, 0.1, (3, 4))})
    nest.Connect(rec, out, "all_to_all", {**syn, "weight": rng.normal(0, 0.1, (1, 3))})
    nest.Connect(out, rec, "all_to_all", {"synapse_model": "eprop_learning_signal_connection", "weight": 1.0})
    nest.Connect(target, out, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2})
    readout = nest.GetConnections(rec, out)
    if first_moments is not None:
        readout.set([{"optimizer": {"m": m, "v": 0.0}} for m in first_moments])
    nest.Simulate(150.0)
    return readout.get("weight")


def test_the_moments_set_are_the_ones_adam_continues_from():
    # Invariant: setting the initial state NEST starts from (m = v = 0) changes nothing,
    # other moments change the learning.
    assert learned_readout_weights([0.0, 0.0, 0.0]) == learned_readout_weights(None)
    assert learned_readout_weights([0.05, -0.05, 0.0]) != learned_readout_weights(None)


# ---------------------------------------------------------------------------------------------
# NEST 3.10's checks of the e-prop parameters (messages from a live NEST 3.10 run in comments).


@pytest.mark.parametrize("model", ["eprop_iaf_bsshslm_2020", "eprop_iaf_adapt_bsshslm_2020"])
def test_flush_interval_at_least_the_update_interval(model):
    nest.ResetKernel()
    nest.resolution = 1.0
    nest.eprop_update_interval = 100.0
    words = f"{model}: flush_event_send_interval >= eprop_update_interval required, got 50 ms < 100 ms"
    # NEST: BadProperty "flush_event_send_interval ≥ eprop_update_interval required."
    with pytest.raises(nest.NESTErrors.BadProperty, match=words):
        nest.Create(model, 1, {"flush_event_send_interval": 50.0})
    with pytest.raises(nest.NESTErrors.BadProperty, match=words):
        nest.SetDefaults(model, {"flush_event_send_interval": 50.0})
    assert math.isinf(nest.GetDefaults(model)["flush_event_send_interval"])
    node = nest.Create(model, 1, {"flush_event_send_interval": 200.0})
    assert nest.num_connections == 0 and len(nest.GetNodes()) == 1
    # As NEST, the check is against the interval in force at each change of the node.
    nest.eprop_update_interval = 500.0
    assert node.flush_event_send_interval == 200.0
    with pytest.raises(nest.NESTErrors.BadProperty, match="got 200 ms < 500 ms"):
        node.set(V_m=-60.0)
    assert node.V_m == -70.0
    node.set(flush_event_send_interval=500.0, V_m=-60.0)
    assert node.V_m == -60.0


def test_flush_interval_of_the_other_eprop_neurons_is_free():
    nest.ResetKernel()
    nest.eprop_update_interval = 100.0
    # NEST 3.10 checks only the _bsshslm_2020 recurrent neurons.
    for model in ("eprop_iaf", "parrot_neuron"):
        assert nest.Create(model, 1, {"flush_event_send_interval": 50.0}).flush_event_send_interval == 50.0


def test_parrot_neuron_has_nests_flush_interval():
    nest.ResetKernel()
    assert math.isinf(nest.GetDefaults("parrot_neuron")["flush_event_send_interval"])
    # NEST: BadProperty "flush_event_send_interval > 0 required."
    with pytest.raises(nest.NESTErrors.BadProperty, match="parrot_neuron: flush_event_send_interval = 0 must be > 0"):
        nest.Create("parrot_neuron", 1, {"flush_event_send_interval": 0.0})
    assert len(nest.GetNodes()) == 0


@pytest.mark.parametrize(
    "model, allowed, words",
    [
        ("eprop_readout_bsshslm_2020", (2,), "through receptor_type 2"),
        ("eprop_readout", (1, 2), "through receptor_type 1 or 2"),
    ],
)
def test_step_rate_generator_reaches_readouts_through_their_ports(model, allowed, words):
    nest.ResetKernel()
    gen = nest.Create("step_rate_generator")
    out = nest.Create(model)
    syn = {"synapse_model": "rate_connection_delayed", "delay": 1.0}
    for port in (0, 1, 2, 3):
        if port in allowed:
            nest.Connect(gen, out, syn_spec={**syn, "receptor_type": port})
        else:
            # NEST: IllegalConnection "<model> neurons expect a connection with a step_rate_generator node
            # through receptor_type 2." (1 or 2 for eprop_readout)
            with pytest.raises(
                nest.NESTErrors.IllegalConnection, match=f"{model} neurons expect .*step_rate_generator.*{words}"
            ):
                nest.Connect(gen, out, syn_spec={**syn, "receptor_type": port})
    assert nest.num_connections == len(allowed)
