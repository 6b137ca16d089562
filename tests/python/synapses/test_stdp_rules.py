"""STDP synapse models against the pure-Python reference rules in reference_rules.py.

Setup: spike_generator -> parrot_neuron (pre) -(plastic synapse, receptor 1)-> parrot_neuron (post), where the
postsynaptic parrot is driven by its own generator (spikes into receptor 1 of a parrot are not repeated, so
the plastic synapse never causes postsynaptic spikes).  The weight_recorder gives the weight sent with each
presynaptic spike (stamped with the presynaptic spike time), GetConnections the final synapse state.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
import reference_rules as ref
import synapse_net as net

RTOL = 1e-9
DELAYS = [1.0, 2.5]
TAU_MINUS = 25.0
TAU_MINUS_TRIPLET = 90.0

# Parameters chosen so that weights move both ways without sitting at a bound (the last random pair of
# each test uses stronger learning rates, so that the bounds are reached too).
PARAMS = {
    "stdp_synapse": {"weight": 2.0, "Wmax": 4.0, "lambda": 0.05, "mu_plus": 0.4, "mu_minus": 0.4, "alpha": 0.9},
    "stdp_synapse_hom": {"weight": 2.0, "Wmax": 4.0, "lambda": 0.05, "mu_plus": 0.4, "mu_minus": 0.4, "alpha": 0.9},
    "stdp_pl_synapse_hom": {"weight": 5.0, "lambda": 0.03, "alpha": 0.4, "mu": 0.4, "tau_plus": 18.0},
    "stdp_triplet_synapse": {
        "weight": 2.0,
        "Wmax": 4.0,
        "Aplus": 0.02,
        "Aminus": 0.025,
        "Aplus_triplet": 0.01,
        "Aminus_triplet": 0.002,
        "tau_plus": 16.8,
        "tau_plus_triplet": 101.0,
    },
    "stdp_nn_symm_synapse": {"weight": 2.0, "Wmax": 4.0, "lambda": 0.05, "mu_plus": 0.4, "mu_minus": 0.4, "alpha": 0.9},
    "stdp_nn_pre_centered_synapse": {
        "weight": 2.0,
        "Wmax": 4.0,
        "lambda": 0.05,
        "mu_plus": 0.4,
        "mu_minus": 0.4,
        "alpha": 0.9,
        "tau_plus": 15.0,
    },
    "stdp_nn_restr_synapse": {
        "weight": 2.0,
        "Wmax": 4.0,
        "lambda": 0.05,
        "mu_plus": 0.4,
        "mu_minus": 0.4,
        "alpha": 0.9,
    },
    "vogels_sprekeler_synapse": {"weight": -0.5, "Wmax": -1.0, "eta": 0.005, "alpha": 3.0, "tau": 25.0},
    "jonke_synapse": {
        "weight": 1.0,
        "Wmax": 3.0,
        "lambda": 0.03,
        "alpha": 0.6,
        "beta": 0.001,
        "mu_plus": 0.3,
        "mu_minus": 0.2,
        "tau_plus": 15.0,
    },
}
MODELS = list(PARAMS)
assert set(MODELS) == set(ref.STDP_MODELS)

STRONG = {  # overrides that make the learning fast enough to reach the bounds
    "stdp_synapse": {"lambda": 0.6, "mu_plus": 0.0, "mu_minus": 0.0},
    "stdp_synapse_hom": {"lambda": 0.6, "mu_plus": 0.0, "mu_minus": 0.0},
    "stdp_pl_synapse_hom": {"lambda": 0.5, "alpha": 2.0},
    "stdp_triplet_synapse": {"Aplus": 0.5, "Aminus": 0.6},
    "stdp_nn_symm_synapse": {"lambda": 0.6, "mu_plus": 0.0, "mu_minus": 0.0},
    "stdp_nn_pre_centered_synapse": {"lambda": 0.6, "mu_plus": 0.0, "mu_minus": 0.0},
    "stdp_nn_restr_synapse": {"lambda": 0.6, "mu_plus": 0.0, "mu_minus": 0.0},
    "vogels_sprekeler_synapse": {"eta": 0.1},
    "jonke_synapse": {"lambda": 0.6},
}


def state_keys(model):
    keys = ["weight"]
    if model not in ("stdp_nn_symm_synapse", "stdp_nn_restr_synapse"):
        keys.append("Kplus")
    if model == "stdp_triplet_synapse":
        keys.append("Kplus_triplet")
    return tuple(keys)


def weight_scale(params):
    return max(abs(params.get("weight", 1.0)), abs(params.get("Wmax", 0.0)))


def assert_weights(actual, expected, scale):
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=RTOL, atol=1e-12 * scale)


def check_against_reference(model, results, pre, post, delay, params):
    for i, r in enumerate(results):
        exp = ref.run_stdp(model, pre[i], post[i], delay, params, TAU_MINUS, TAU_MINUS_TRIPLET)
        np.testing.assert_allclose(r["times"], pre[i], rtol=0, atol=1e-9)
        assert_weights(r["weights"], exp.weights, weight_scale(params))
        for key, value in exp.state.items():
            assert_weights(r["state"][key], value, max(1.0, weight_scale(params)))


def run_pairs(model, pre, post, delay, params, **kw):
    return net.run_stdp_pairs(
        nest,
        model,
        pre,
        post,
        delay,
        params,
        tau_minus=TAU_MINUS,
        tau_minus_triplet=TAU_MINUS_TRIPLET,
        state_keys=state_keys(model),
        **kw,
    )


def random_trains(seed, resolution, delay, t_stop=440.0):
    """Four pre/post pairs: independent trains, causal (post ~ pre + a few ms), anti-causal, and a dense pair
    with exact coincidences at the synapse (t_post + delay == t_pre) and simultaneous pre/post spikes."""
    rng = np.random.default_rng(seed)
    pre, post = [], []
    pre.append(net.random_train(rng, resolution, 2.0, t_stop, 25))
    post.append(net.random_train(rng, resolution, 2.0, t_stop, 30))
    base = net.random_train(rng, resolution, 10.0, t_stop - 20.0, 30)
    jitter = rng.integers(5, 40, size=len(base)) * resolution
    pre.append(base)
    post.append(net.on_grid(sorted(set(np.asarray(base) + jitter)), resolution))
    pre.append(net.on_grid(sorted(set(np.asarray(base) + jitter + delay)), resolution))
    post.append(base)
    dense_post = net.random_train(rng, resolution, 2.0, t_stop - 5.0, 60)
    coincident = [t + delay for t in dense_post[::3]] + dense_post[1::5]
    dense_pre = sorted(
        set(net.random_train(rng, resolution, 2.0, t_stop, 40)) | set(net.on_grid(coincident, resolution))
    )
    pre.append(dense_pre)
    post.append(dense_post)
    return pre, post


def strong_params(model):
    p = dict(PARAMS[model])
    for key, value in STRONG[model].items():
        p[key] = value
    return p


# ---------------------------------------------------------------------------------------------------------------------
# The reference itself: closed-form STDP window of the additive rule
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delay", DELAYS)
def test_reference_pair_window_is_the_textbook_exponential(delay):
    """For mu_plus = mu_minus = 0, one pre spike at t0, one post spike with t_post + d = t0 + dt, and a
    read-out pre spike at t0 + 400 ms: dw = Wmax lambda exp(-dt/tau_plus) for dt > 0 and
    dw = -alpha Wmax lambda exp(dt/tau_minus) for dt < 0, plus the read-out's own small depression
    -alpha Wmax lambda exp(-(400 - dt)/tau_minus)."""
    p = {"weight": 50.0, "Wmax": 100.0, "lambda": 0.01, "alpha": 1.1, "mu_plus": 0.0, "mu_minus": 0.0, "tau_plus": 17.0}
    t0 = 400.0
    for dt in [-40.0, -7.5, -0.1, 0.1, 3.0, 40.0]:
        res = ref.run_stdp("stdp_synapse", [t0, t0 + 400.0], [t0 + dt - delay], delay, p, tau_minus=TAU_MINUS)
        potentiation = math.exp(-dt / 17.0) if dt > 0 else 0.0
        depression = (math.exp(dt / TAU_MINUS) if dt < 0 else 0.0) + math.exp(-(400.0 - dt) / TAU_MINUS)
        expected = 100.0 * 0.01 * (potentiation - 1.1 * depression)
        assert res.final_weight - 50.0 == pytest.approx(expected, rel=1e-9)


def test_reference_eps_conventions():
    """Pre spike at 100 ms, d = 1 ms, read-out pre spike at 600 ms.  A post spike at 98.9 ms (seen at 99.9)
    depresses at the first pre spike, one at 99.1 ms (seen at 100.1) potentiates at the read-out, and one at
    exactly t_pre - d = 99 ms does neither: it falls into the first pre spike's facilitation window, where it
    pairs only with the (empty) trace of earlier pre spikes, and it is not strictly before t_pre - d."""
    p = {"weight": 50.0, "mu_plus": 0.0, "mu_minus": 0.0}
    readout_depression = 100.0 * 0.01 * math.exp(-(599.0 - 99.0) / 20.0)
    coincident = ref.run_stdp("stdp_synapse", [100.0, 600.0], [99.0], 1.0, p)
    assert coincident.weights[0] == 50.0
    assert coincident.weights[1] == pytest.approx(50.0 - readout_depression, rel=1e-14)
    before = ref.run_stdp("stdp_synapse", [100.0, 600.0], [98.9], 1.0, p)
    assert before.weights[0] < 50.0
    after = ref.run_stdp("stdp_synapse", [100.0, 600.0], [99.1], 1.0, p)
    assert after.weights[0] == 50.0 and after.weights[1] > 50.0


# ---------------------------------------------------------------------------------------------------------------------
# Simulator against the reference
# ---------------------------------------------------------------------------------------------------------------------

WINDOW_DT = [-50.0, -40.0, -30.0, -20.0, -12.5, -7.5, -5.0, -3.0, -1.0, -0.5, -0.2, -0.1]
WINDOW_DT = WINDOW_DT + [-x for x in reversed(WINDOW_DT)]


@pytest.mark.parametrize("delay", DELAYS)
@pytest.mark.parametrize("model", MODELS)
def test_pair_window(model, delay):
    """One pre/post pair per dt = (t_post + d) - t_pre in [-50, 50] ms (|dt| >= one step), plus a read-out pre
    spike 400 ms later that collects the potentiation."""
    t0 = 400.0
    pre = [[t0, t0 + 400.0] for _ in WINDOW_DT]
    post = [[round(t0 + dt - delay, 9)] for dt in WINDOW_DT]
    params = PARAMS[model]
    if model == "vogels_sprekeler_synapse":  # symmetric window: same time constant on both sides
        params = dict(params, tau=TAU_MINUS)
    results = run_pairs(model, pre, post, delay, params)
    check_against_reference(model, results, pre, post, delay, params)
    dw = np.array([r["state"]["weight"] for r in results]) - params["weight"]
    dts = np.array(WINDOW_DT)
    if model == "vogels_sprekeler_synapse":
        # |w| grows by the symmetric eta exp(-|dt|/tau) and shrinks by alpha eta per pre spike
        np.testing.assert_allclose(dw, dw[::-1], rtol=0, atol=1e-7)
        final = np.abs(np.array([r["state"]["weight"] for r in results]))
        assert np.all(np.diff(final[dts > 0]) < 0)
    else:
        assert np.all(dw[dts > 0] > 0) and np.all(dw[dts < 0] < 0)
        # the window decays with |dt| on both sides
        assert np.all(np.diff(dw[dts > 0]) < 0) and np.all(np.diff(dw[dts < 0]) < 0)


@pytest.mark.parametrize("delay", DELAYS)
@pytest.mark.parametrize("model", MODELS)
def test_random_trains(model, delay):
    pre, post = random_trains(11 + int(10 * delay), 0.1, delay)
    results = run_pairs(model, pre, post, delay, PARAMS[model])
    check_against_reference(model, results, pre, post, delay, PARAMS[model])
    final = [r["state"]["weight"] for r in results]
    assert len(set(final)) == len(final)  # the four pairs really differ
    strong = strong_params(model)
    results = run_pairs(model, pre[-1:], post[-1:], delay, strong)
    check_against_reference(model, results, pre[-1:], post[-1:], delay, strong)


@pytest.mark.parametrize("model", MODELS)
def test_random_trains_coarse_resolution(model):
    delay = 2.5
    pre, post = random_trains(5, 0.25, delay)
    results = run_pairs(model, pre, post, delay, PARAMS[model], resolution=0.25)
    check_against_reference(model, results, pre, post, delay, PARAMS[model])


@pytest.mark.parametrize("model", MODELS)
def test_chunked_simulate_is_identical(model):
    delay = 2.5
    pre, post = random_trains(3, 0.1, delay)
    one = run_pairs(model, pre, post, delay, PARAMS[model], t_stop=500.0)
    ten = run_pairs(model, pre, post, delay, PARAMS[model], t_stop=500.0, chunks=10)
    for a, b in zip(one, ten):
        np.testing.assert_array_equal(a["weights"], b["weights"])
        np.testing.assert_array_equal(a["times"], b["times"])
        assert a["state"] == b["state"]
    check_against_reference(model, ten, pre, post, delay, PARAMS[model])


@pytest.mark.parametrize("model", MODELS)
def test_two_threads_give_identical_weights(model):
    delay = 1.0
    pre, post = random_trains(4, 0.1, delay)
    one = run_pairs(model, pre, post, delay, PARAMS[model])
    two = run_pairs(model, pre, post, delay, PARAMS[model], threads=2)
    assert nest.local_num_threads == 2
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a["weights"], b["weights"])
        assert a["state"] == b["state"]
    check_against_reference(model, two, pre, post, delay, PARAMS[model])


@pytest.mark.parametrize("model", ["stdp_synapse", "stdp_triplet_synapse", "vogels_sprekeler_synapse"])
def test_initial_traces_from_syn_spec(model):
    """Kplus (and Kplus_triplet) given in the syn_spec are the traces' initial values."""
    delay = 1.0
    params = dict(PARAMS[model], Kplus=0.7)
    if model == "stdp_triplet_synapse":
        params["Kplus_triplet"] = 1.3
    pre = [[30.0, 50.0, 90.0]]
    post = [[20.0, 45.0, 60.0]]
    results = run_pairs(model, pre, post, delay, params)
    check_against_reference(model, results, pre, post, delay, params)
    baseline = ref.run_stdp(model, pre[0], post[0], delay, PARAMS[model], TAU_MINUS, TAU_MINUS_TRIPLET)
    assert abs(results[0]["state"]["weight"] - baseline.final_weight) > 1e-6


@pytest.mark.parametrize("model", ["stdp_nn_symm_synapse", "stdp_nn_restr_synapse"])
def test_first_pre_spike_pairs_with_a_phantom_spike_at_zero(model):
    """NEST starts the last presynaptic spike time at 0: the first pre spike's facilitation loop pairs the post
    spikes before it with t = 0 (nearest-neighbour rules have no Kplus to suppress this)."""
    delay = 1.0
    params = ref.stdp_params(model, dict(PARAMS[model], mu_plus=0.0, mu_minus=0.0))
    pre, post = [[50.0]], [[5.0]]
    results = run_pairs(model, pre, post, delay, params)
    check_against_reference(model, results, pre, post, delay, params)
    potentiation = params["Wmax"] * params["lambda"] * math.exp(-(5.0 + delay) / params["tau_plus"])
    depression = params["Wmax"] * params["alpha"] * params["lambda"] * math.exp(-(50.0 - delay - 5.0) / TAU_MINUS)
    assert results[0]["state"]["weight"] == pytest.approx(params["weight"] + potentiation - depression, rel=1e-12)
