"""PyNEST API of the synapse models: defaults, per-synapse state through SynapseCollection.get/set, error
handling of bad syn_spec entries, CopyModel/SetDefaults, weight_recorder events and static_synapse_hom_w."""

import nestkit.nest as nest
import numpy as np
import pytest
import reference_rules as ref
import synapse_net as net

# Per-synapse parameters and state reported by GetConnections().get() (NEST 3.10), with their defaults.
# Common parameters of the "_hom" models (and jonke_synapse) are reported by GetDefaults only.
PER_SYNAPSE_DEFAULTS = {
    "stdp_synapse": dict(
        weight=1.0, Kplus=0.0, tau_plus=20.0, **{"lambda": 0.01}, alpha=1.0, mu_plus=1.0, mu_minus=1.0, Wmax=100.0
    ),
    "stdp_synapse_hom": dict(weight=1.0, Kplus=0.0),
    "stdp_pl_synapse_hom": dict(weight=1.0, Kplus=0.0),
    "stdp_triplet_synapse": dict(
        weight=1.0,
        Kplus=0.0,
        Kplus_triplet=0.0,
        tau_plus=16.8,
        tau_plus_triplet=101.0,
        Aplus=5e-10,
        Aminus=7e-3,
        Aplus_triplet=6.2e-3,
        Aminus_triplet=2.3e-4,
        Wmax=100.0,
    ),
    "stdp_nn_symm_synapse": dict(
        weight=1.0, tau_plus=20.0, **{"lambda": 0.01}, alpha=1.0, mu_plus=1.0, mu_minus=1.0, Wmax=100.0
    ),
    "stdp_nn_pre_centered_synapse": dict(
        weight=1.0, Kplus=0.0, tau_plus=20.0, **{"lambda": 0.01}, alpha=1.0, mu_plus=1.0, mu_minus=1.0, Wmax=100.0
    ),
    "stdp_nn_restr_synapse": dict(
        weight=1.0, tau_plus=20.0, **{"lambda": 0.01}, alpha=1.0, mu_plus=1.0, mu_minus=1.0, Wmax=100.0
    ),
    "vogels_sprekeler_synapse": dict(weight=0.5, Kplus=0.0, tau=20.0, alpha=0.12, eta=0.001, Wmax=1.0),
    "jonke_synapse": dict(weight=1.0, Kplus=0.0),
    "tsodyks_synapse": dict(weight=1.0, U=0.5, tau_psc=3.0, tau_rec=800.0, tau_fac=0.0, x=1.0, y=0.0, u=0.0),
    "tsodyks_synapse_hom": dict(x=1.0, y=0.0, u=0.0),
    "tsodyks2_synapse": dict(weight=1.0, U=0.5, u=0.5, x=1.0, tau_rec=800.0, tau_fac=0.0),
    "quantal_stp_synapse": dict(weight=1.0, U=0.5, u=0.5, tau_rec=800.0, tau_fac=0.0, n=1, a=1),
    "bernoulli_synapse": dict(weight=1.0, p_transmit=1.0),
    "ht_synapse": dict(weight=1.0, tau_P=500.0, delta_P=0.125, P=1.0),
    "static_synapse_hom_w": dict(),
}
MODELS = list(PER_SYNAPSE_DEFAULTS)

COMMON_DEFAULTS = {
    "stdp_synapse_hom": dict(tau_plus=20.0, **{"lambda": 0.01}, alpha=1.0, mu_plus=1.0, mu_minus=1.0, Wmax=100.0),
    "stdp_pl_synapse_hom": dict(tau_plus=20.0, **{"lambda": 0.1}, alpha=1.0, mu=0.4),
    "jonke_synapse": dict(
        alpha=1.0, beta=0.0, **{"lambda": 0.01}, mu_plus=0.0, mu_minus=0.0, tau_plus=20.0, Wmax=100.0
    ),
    "tsodyks_synapse_hom": dict(weight=1.0, U=0.5, tau_psc=3.0, tau_rec=800.0, tau_fac=0.0),
    "static_synapse_hom_w": dict(weight=1.0),
}

# New, mutually consistent values for every per-synapse key.
NEW_VALUES = {
    "stdp_synapse": dict(
        weight=3.0, Kplus=0.25, tau_plus=12.0, **{"lambda": 0.02}, alpha=0.7, mu_plus=0.3, mu_minus=0.2, Wmax=9.0
    ),
    "stdp_synapse_hom": dict(weight=3.0, Kplus=0.25),
    "stdp_pl_synapse_hom": dict(weight=3.0, Kplus=0.25),
    "stdp_triplet_synapse": dict(
        weight=3.0,
        Kplus=0.25,
        Kplus_triplet=0.5,
        tau_plus=12.0,
        tau_plus_triplet=80.0,
        Aplus=0.01,
        Aminus=0.02,
        Aplus_triplet=0.003,
        Aminus_triplet=0.004,
        Wmax=9.0,
    ),
    "stdp_nn_symm_synapse": dict(
        weight=3.0, tau_plus=12.0, **{"lambda": 0.02}, alpha=0.7, mu_plus=0.3, mu_minus=0.2, Wmax=9.0
    ),
    "stdp_nn_pre_centered_synapse": dict(
        weight=3.0, Kplus=0.25, tau_plus=12.0, **{"lambda": 0.02}, alpha=0.7, mu_plus=0.3, mu_minus=0.2, Wmax=9.0
    ),
    "stdp_nn_restr_synapse": dict(
        weight=3.0, tau_plus=12.0, **{"lambda": 0.02}, alpha=0.7, mu_plus=0.3, mu_minus=0.2, Wmax=9.0
    ),
    "vogels_sprekeler_synapse": dict(weight=-0.3, Kplus=0.25, tau=12.0, alpha=0.2, eta=0.01, Wmax=-2.0),
    "jonke_synapse": dict(weight=3.0, Kplus=0.25),
    "tsodyks_synapse": dict(weight=3.0, U=0.3, tau_psc=2.0, tau_rec=300.0, tau_fac=40.0, x=0.6, y=0.3, u=0.2),
    "tsodyks_synapse_hom": dict(x=0.6, y=0.3, u=0.2),
    "tsodyks2_synapse": dict(weight=3.0, U=0.3, u=0.2, x=0.6, tau_rec=300.0, tau_fac=40.0),
    "quantal_stp_synapse": dict(weight=3.0, U=0.3, u=0.2, tau_rec=300.0, tau_fac=40.0, n=5, a=3),
    "bernoulli_synapse": dict(weight=3.0, p_transmit=0.25),
    "ht_synapse": dict(weight=3.0, tau_P=300.0, delta_P=0.25, P=0.75),
    "static_synapse_hom_w": dict(),
}

BASE_KEYS = {"source", "target", "delay", "synapse_model", "receptor", "port", "target_thread", "synapse_id"}


def parrots(n):
    nest.ResetKernel()
    return nest.Create("parrot_neuron", n)


# ---------------------------------------------------------------------------------------------------------------------
# Defaults and per-synapse state
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_model_defaults(model):
    nest.ResetKernel()
    assert model in nest.synapse_models
    defaults = nest.GetDefaults(model)
    expected = dict(PER_SYNAPSE_DEFAULTS[model], **COMMON_DEFAULTS.get(model, {}))
    for key, value in expected.items():
        assert defaults[key] == pytest.approx(value, rel=1e-15), key
    assert defaults["delay"] == 1.0


@pytest.mark.parametrize("model", MODELS)
def test_get_and_set_per_synapse_state(model):
    p = parrots(2)
    nest.Connect(p[0], p[1], syn_spec={"synapse_model": model, "receptor_type": 1, "delay": 2.0})
    conns = nest.GetConnections(synapse_model=model)
    assert len(conns) == 1
    full = conns.get()
    assert BASE_KEYS <= set(full)
    assert full["synapse_model"] == model
    assert (full["source"], full["target"], full["delay"], full["receptor"]) == (1, 2, 2.0, 1)
    for key, value in PER_SYNAPSE_DEFAULTS[model].items():
        assert full[key] == pytest.approx(value, rel=1e-15), key
    new = NEW_VALUES[model]
    if new:
        conns.set(new)
        got = conns.get(list(new))
        for key, value in new.items():
            assert got[key] == pytest.approx(value, rel=1e-15), key
    assert nest.GetDefaults(model)["delay"] == 1.0  # setting a synapse does not touch the model


def test_get_connections_by_synapse_model():
    p = parrots(4)
    nest.CopyModel("stdp_synapse", "my_stdp")
    nest.Connect(p[0], p[1])
    nest.Connect(p[0:2], p[2], syn_spec={"synapse_model": "stdp_synapse"})
    nest.Connect(p[0], p[3], syn_spec={"synapse_model": "tsodyks2_synapse"})
    nest.Connect(p[1], p[3], syn_spec={"synapse_model": "my_stdp"})
    assert nest.num_connections == 5
    stdp = nest.GetConnections(synapse_model="stdp_synapse")
    assert len(stdp) == 2
    assert sorted(zip(stdp.get("source"), stdp.get("target"))) == [(1, 3), (2, 3)]
    assert set(stdp.get("synapse_model")) == {"stdp_synapse"}
    mine = nest.GetConnections(synapse_model="my_stdp")
    assert len(mine) == 1 and (mine.get("source"), mine.get("target")) == (2, 4)
    assert len(nest.GetConnections(synapse_model="tsodyks2_synapse")) == 1
    assert len(nest.GetConnections(synapse_model="static_synapse")) == 1
    assert len(nest.GetConnections(synapse_model="bernoulli_synapse")) == 0
    assert len(nest.GetConnections(source=p[0], synapse_model="stdp_synapse")) == 1


def test_set_state_drives_the_dynamics():
    """Weight and Kplus set through SynapseCollection.set before the simulation are the initial state."""
    delay = 1.0
    pre_train, post_train = [30.0, 50.0, 90.0], [20.0, 45.0, 60.0]
    net.reset(nest)
    name, wr, _ = net.plastic_copy(nest, "stdp_synapse")
    pre, post = net.parrots_firing_at(nest, [pre_train]), net.parrots_firing_at(nest, [post_train])
    nest.Connect(pre, post, syn_spec={"synapse_model": name, "receptor_type": 1, "delay": delay})
    conns = nest.GetConnections(synapse_model=name)
    state = {"weight": 40.0, "Kplus": 1.5, "lambda": 0.05, "mu_plus": 0.0}
    conns.set(state)
    nest.Simulate(100.0)
    expected = ref.run_stdp("stdp_synapse", pre_train, post_train, delay, state)
    np.testing.assert_allclose(wr.get("events")["weights"], expected.weights, rtol=1e-9)
    assert conns.get("Kplus") == pytest.approx(expected.state["Kplus"], rel=1e-9)


def test_set_tsodyks2_state_drives_the_dynamics():
    train = [20.0, 30.0, 45.0]
    net.reset(nest)
    name, wr, _ = net.plastic_copy(nest, "tsodyks2_synapse")
    src = net.parrots_firing_at(nest, [train])
    tgt = nest.Create("parrot_neuron")
    nest.Connect(src, tgt, syn_spec={"synapse_model": name})
    conns = nest.GetConnections(synapse_model=name)
    conns.set({"x": 0.7, "u": 0.25, "U": 0.3, "tau_fac": 50.0, "tau_rec": 100.0, "weight": 2.0})
    nest.Simulate(60.0)
    expected = ref.tsodyks2(train, weight=2.0, U=0.3, u=0.25, x=0.7, tau_rec=100.0, tau_fac=50.0)
    np.testing.assert_allclose(wr.get("events")["weights"], expected.weights, rtol=1e-12)
    assert conns.get("x") == pytest.approx(expected.state["x"], rel=1e-12)


def test_tsodyks2_U_in_syn_spec_leaves_u_at_its_default():
    """u is state with its own default (0.5): giving only U does not set it, so the first spike is sent with
    weight * 0.5 * x."""
    train = [20.0, 30.0]
    net.reset(nest)
    name, wr, _ = net.plastic_copy(nest, "tsodyks2_synapse")
    src = net.parrots_firing_at(nest, [train])
    nest.Connect(src, nest.Create("parrot_neuron"), syn_spec={"synapse_model": name, "U": 0.2, "weight": 2.0})
    assert nest.GetConnections(synapse_model=name).get("u") == 0.5
    nest.Simulate(40.0)
    expected = ref.tsodyks2(train, weight=2.0, U=0.2, u=0.5)
    np.testing.assert_allclose(wr.get("events")["weights"], expected.weights, rtol=1e-12)
    assert wr.get("events")["weights"][0] == 1.0


# ---------------------------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------------------------


def assert_rejected(error, syn_spec, match=None):
    p = parrots(2)
    nest.Connect(p[0], p[1])
    before = nest.num_connections
    with pytest.raises(error, match=match):
        nest.Connect(p[0], p[1], syn_spec=syn_spec)
    assert nest.num_connections == before
    model = syn_spec["synapse_model"]
    assert len(nest.GetConnections(synapse_model=model)) == 0


@pytest.mark.parametrize("model", MODELS)
def test_unknown_syn_spec_key(model):
    assert_rejected(nest.NESTErrors.UnknownParameter, {"synapse_model": model, "no_such_key": 1.0}, match=model)


WMAX_MODELS = [
    "stdp_synapse",
    "stdp_triplet_synapse",
    "stdp_nn_symm_synapse",
    "stdp_nn_pre_centered_synapse",
    "stdp_nn_restr_synapse",
    "vogels_sprekeler_synapse",
]


@pytest.mark.parametrize("model", WMAX_MODELS)
def test_wmax_with_the_wrong_sign(model):
    assert_rejected(nest.NESTErrors.BadProperty, {"synapse_model": model, "weight": 0.5, "Wmax": -1.0})
    assert_rejected(nest.NESTErrors.BadProperty, {"synapse_model": model, "weight": -0.5, "Wmax": 1.0})


@pytest.mark.parametrize("model", WMAX_MODELS)
def test_negative_weight_with_negative_wmax_is_accepted(model):
    p = parrots(2)
    nest.Connect(p[0], p[1], syn_spec={"synapse_model": model, "weight": -0.5, "Wmax": -1.0})
    assert nest.GetConnections(synapse_model=model).get("weight") == -0.5


def test_wmax_with_the_wrong_sign_on_an_existing_synapse():
    p = parrots(2)
    nest.Connect(p[0], p[1], syn_spec={"synapse_model": "stdp_synapse", "weight": 2.0})
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.GetConnections(synapse_model="stdp_synapse").set({"Wmax": -5.0})


@pytest.mark.parametrize("p_transmit", [-0.1, 1.5])
def test_p_transmit_out_of_range(p_transmit):
    assert_rejected(nest.NESTErrors.BadProperty, {"synapse_model": "bernoulli_synapse", "p_transmit": p_transmit})


@pytest.mark.parametrize(
    "syn_spec",
    [
        {"synapse_model": "stdp_synapse", "Kplus": -1.0},
        {"synapse_model": "stdp_triplet_synapse", "Kplus_triplet": -1.0},
        {"synapse_model": "vogels_sprekeler_synapse", "Kplus": -1.0},
        {"synapse_model": "tsodyks_synapse", "x": 0.7, "y": 0.5},
        {"synapse_model": "tsodyks_synapse", "U": 1.5},
        {"synapse_model": "tsodyks_synapse", "tau_psc": 0.0},
        {"synapse_model": "tsodyks_synapse", "tau_fac": -1.0},
        {"synapse_model": "tsodyks_synapse_hom", "x": 0.7, "y": 0.5},
        {"synapse_model": "tsodyks2_synapse", "U": -0.1},
        {"synapse_model": "tsodyks2_synapse", "u": 1.1},
        {"synapse_model": "tsodyks2_synapse", "tau_rec": 0.0},
        {"synapse_model": "quantal_stp_synapse", "U": 1.5},
        {"synapse_model": "quantal_stp_synapse", "tau_rec": -1.0},
        {"synapse_model": "ht_synapse", "P": 1.5},
        {"synapse_model": "ht_synapse", "delta_P": -0.5},
        {"synapse_model": "ht_synapse", "tau_P": 0.0},
    ],
)
def test_bad_values_are_rejected(syn_spec):
    assert_rejected(nest.NESTErrors.BadProperty, syn_spec)


@pytest.mark.parametrize(
    "model, key",
    [
        ("stdp_synapse_hom", "tau_plus"),
        ("stdp_pl_synapse_hom", "mu"),
        ("jonke_synapse", "Wmax"),
        ("tsodyks_synapse_hom", "U"),
        ("static_synapse_hom_w", "weight"),
    ],
)
def test_common_parameters_cannot_be_set_per_connection(model, key):
    """Parameters shared by all synapses of a model are set through SetDefaults/CopyModel only."""
    assert_rejected(nest.NESTError, {"synapse_model": model, key: 0.5})


# ---------------------------------------------------------------------------------------------------------------------
# CopyModel / SetDefaults
# ---------------------------------------------------------------------------------------------------------------------


def test_copymodel_and_setdefaults_on_stdp_synapse():
    delay = 1.5
    pre_train = [10.0, 25.0, 31.0, 60.0, 62.5, 90.0]
    post_train = [12.0, 20.0, 33.0, 58.0, 70.0]
    net.reset(nest)
    wr = nest.Create("weight_recorder")
    nest.CopyModel("stdp_synapse", "stdp_slow", {"tau_plus": 30.0, "lambda": 0.02, "weight_recorder": wr})
    nest.SetDefaults("stdp_slow", {"alpha": 0.5, "weight": 3.0, "Wmax": 10.0, "delay": delay})
    d = nest.GetDefaults("stdp_slow")
    assert (d["tau_plus"], d["lambda"], d["alpha"], d["weight"], d["Wmax"], d["delay"]) == (
        30.0,
        0.02,
        0.5,
        3.0,
        10.0,
        delay,
    )
    original = nest.GetDefaults("stdp_synapse")
    assert (original["tau_plus"], original["lambda"], original["weight"]) == (20.0, 0.01, 1.0)
    pre, post = net.parrots_firing_at(nest, [pre_train]), net.parrots_firing_at(nest, [post_train])
    nest.Connect(pre, post, syn_spec={"synapse_model": "stdp_slow", "receptor_type": 1})
    conn = nest.GetConnections(synapse_model="stdp_slow")
    assert conn.get("delay") == delay and conn.get("tau_plus") == 30.0
    nest.Simulate(100.0)
    params = {"tau_plus": 30.0, "lambda": 0.02, "alpha": 0.5, "weight": 3.0, "Wmax": 10.0}
    expected = ref.run_stdp("stdp_synapse", pre_train, post_train, delay, params)
    np.testing.assert_allclose(wr.get("events")["weights"], expected.weights, rtol=1e-9)
    assert conn.get("weight") == pytest.approx(expected.final_weight, rel=1e-9)


def test_setdefaults_of_common_parameters_acts_on_existing_synapses():
    """For stdp_synapse_hom the learning parameters live in the model: SetDefaults after Connect changes them
    for the connections that already exist."""
    delay = 1.0
    pre_train = [10.0, 25.0, 31.0, 60.0, 62.5, 90.0]
    post_train = [12.0, 20.0, 33.0, 58.0, 70.0]
    net.reset(nest)
    name, wr, _ = net.plastic_copy(nest, "stdp_synapse_hom")
    pre, post = net.parrots_firing_at(nest, [pre_train]), net.parrots_firing_at(nest, [post_train])
    nest.Connect(pre, post, syn_spec={"synapse_model": name, "receptor_type": 1, "weight": 5.0})
    common = {"lambda": 0.05, "tau_plus": 14.0, "mu_plus": 0.0, "Wmax": 20.0}
    nest.SetDefaults(name, common)
    nest.Simulate(100.0)
    expected = ref.run_stdp("stdp_synapse_hom", pre_train, post_train, delay, dict(common, weight=5.0))
    np.testing.assert_allclose(wr.get("events")["weights"], expected.weights, rtol=1e-9)
    assert nest.GetDefaults("stdp_synapse_hom")["lambda"] == 0.01


def test_reset_kernel_restores_synapse_defaults_and_removes_copies():
    nest.ResetKernel()
    nest.SetDefaults("stdp_synapse", {"tau_plus": 33.0})
    nest.CopyModel("tsodyks2_synapse", "my_tsodyks2")
    assert nest.GetDefaults("stdp_synapse")["tau_plus"] == 33.0
    nest.ResetKernel()
    assert nest.GetDefaults("stdp_synapse")["tau_plus"] == 20.0
    assert "my_tsodyks2" not in nest.synapse_models


# ---------------------------------------------------------------------------------------------------------------------
# weight_recorder and static_synapse_hom_w
# ---------------------------------------------------------------------------------------------------------------------


def test_weight_recorder_events():
    """Two sources x two targets through one stdp_synapse copy with a weight_recorder: one event per transmitted
    spike, stamped with the presynaptic spike time, carrying sender, target, weight, receptor and the port
    (the connection's index, as GetConnections reports it)."""
    delay = 1.0
    trains = [[5.0, 9.0, 30.0], [6.0, 31.5]]
    post_trains = [[7.0, 20.0], [8.0]]
    net.reset(nest)
    wr = nest.Create("weight_recorder")
    nest.CopyModel("stdp_synapse", "stdp_wr", {"weight_recorder": wr, "lambda": 0.1})
    src = net.parrots_firing_at(nest, trains)
    tgt = net.parrots_firing_at(nest, post_trains)
    nest.Connect(src, tgt, syn_spec={"synapse_model": "stdp_wr", "receptor_type": 1, "delay": delay, "weight": 10.0})
    nest.Connect(src, tgt, syn_spec={"synapse_model": "stdp_synapse", "receptor_type": 1})  # not recorded
    nest.Simulate(40.0)
    ev = {k: np.asarray(v) for k, v in wr.get("events").items()}
    assert {"senders", "targets", "weights", "receptors", "ports", "times"} <= set(ev)
    assert len(ev["times"]) == 2 * (len(trains[0]) + len(trains[1]))
    assert np.all(ev["receptors"] == 1)
    conns = nest.GetConnections(synapse_model="stdp_wr")
    ports = {(s, t): port for s, t, port in zip(conns.get("source"), conns.get("target"), conns.get("port"))}
    for i, s in enumerate(src.tolist()):
        for j, t in enumerate(tgt.tolist()):
            sel = (ev["senders"] == s) & (ev["targets"] == t)
            order = np.argsort(ev["times"][sel], kind="stable")
            np.testing.assert_allclose(ev["times"][sel][order], trains[i], atol=1e-9)
            assert set(ev["ports"][sel].tolist()) == {ports[(s, t)]}
            expected = ref.run_stdp("stdp_synapse", trains[i], post_trains[j], delay, {"weight": 10.0, "lambda": 0.1})
            np.testing.assert_allclose(ev["weights"][sel][order], expected.weights, rtol=1e-9)
            assert expected.weights[-1] != 10.0


def test_static_synapse_hom_w():
    """The weight is a model parameter: set by CopyModel/SetDefaults (also for existing connections)."""
    net.reset(nest)
    wr = nest.Create("weight_recorder")
    nest.CopyModel("static_synapse_hom_w", "hom_w", {"weight": 4.5, "weight_recorder": wr})
    src = net.parrots_firing_at(nest, [[10.0, 20.0, 40.0]])
    tgt = nest.Create("iaf_psc_exp", params={"V_th": 1e9, "tau_syn_ex": 2.0})
    mm = nest.Create("multimeter", params={"record_from": ["I_syn_ex"], "interval": 0.1})
    nest.Connect(mm, tgt)
    nest.Connect(src, tgt, syn_spec={"synapse_model": "hom_w", "delay": 1.0})
    with pytest.raises(nest.NESTError):
        nest.GetConnections(synapse_model="hom_w").set({"weight": 1.0})
    nest.Simulate(30.0)
    nest.SetDefaults("hom_w", {"weight": 2.0})
    assert nest.GetDefaults("hom_w")["weight"] == 2.0
    nest.Simulate(20.0)
    np.testing.assert_array_equal(wr.get("events")["weights"], [4.5, 4.5, 2.0])
    ev = mm.get("events")
    times, current = np.asarray(ev["times"]), np.asarray(ev["I_syn_ex"])
    expected = net.exponential_psc(times, [11.0, 21.0, 41.0], [4.5, 4.5, 2.0], 2.0)
    np.testing.assert_allclose(current, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("model", ["stdp_synapse", "tsodyks_synapse", "bernoulli_synapse", "ht_synapse"])
@pytest.mark.parametrize("device", ["spike_generator", "poisson_generator"])
def test_models_with_an_update_refuse_devices_as_sources(nest, model, device):
    g = nest.Create(device)
    n = nest.Create("iaf_psc_alpha")
    with pytest.raises(nest.NESTErrors.IllegalConnection, match="does not support spike input"):
        nest.Connect(g, n, syn_spec={"synapse_model": model})
    assert nest.num_connections == 0
    nest.Connect(g, n, syn_spec={"synapse_model": "static_synapse_hom_w"})  # static models take devices
    assert nest.num_connections == 1
