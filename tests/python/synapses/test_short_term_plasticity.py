"""Short-term plasticity (tsodyks_synapse, tsodyks_synapse_hom, tsodyks2_synapse, ht_synapse) against the
recursions in reference_rules.py.

Setup: spike_generator -> parrot_neuron -(synapse)-> iaf_psc_exp with V_th = 1e9, a multimeter on I_syn_ex
and a weight_recorder on the synapse model.  The weight_recorder stores, stamped with the presynaptic spike
time, the weight the spike was sent with (the efficacy, not the synapse's "weight" parameter); I_syn_ex jumps
by that efficacy at t_pre + delay and decays with tau_syn_ex.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
import reference_rules as ref
import synapse_net as net

RTOL = 1e-9

CASES = {
    "tsodyks_depressing": (
        "tsodyks_synapse",
        dict(weight=3.0, U=0.4, tau_psc=3.0, tau_rec=300.0, tau_fac=0.0),
        ref.tsodyks,
    ),
    "tsodyks_facilitating": (
        "tsodyks_synapse",
        dict(weight=3.0, U=0.1, tau_psc=2.0, tau_rec=100.0, tau_fac=500.0, x=0.8, y=0.1, u=0.05),
        ref.tsodyks,
    ),
    "tsodyks_hom": (
        "tsodyks_synapse_hom",
        dict(weight=3.0, U=0.1, tau_psc=2.0, tau_rec=100.0, tau_fac=500.0, x=0.8, y=0.1, u=0.05),
        ref.tsodyks,
    ),
    "tsodyks2_depressing": (
        "tsodyks2_synapse",
        dict(weight=3.0, U=0.4, u=0.4, tau_rec=300.0, tau_fac=0.0),
        ref.tsodyks2,
    ),
    "tsodyks2_facilitating": (
        "tsodyks2_synapse",
        dict(weight=3.0, U=0.1, u=0.3, x=0.9, tau_rec=100.0, tau_fac=500.0),
        ref.tsodyks2,
    ),
    "ht": ("ht_synapse", dict(weight=3.0, tau_P=200.0, delta_P=0.3, P=0.8), ref.ht_depression),
}

STATE_KEYS = {
    "tsodyks_synapse": ("x", "y", "u", "weight"),
    "tsodyks_synapse_hom": ("x", "y", "u"),
    "tsodyks2_synapse": ("x", "u", "weight"),
    "ht_synapse": ("P", "weight"),
}


def regular_train(resolution, isi=25.0):
    return net.on_grid(np.arange(10.0, 400.0, isi), resolution)


def irregular_train(resolution):
    return net.random_train(np.random.default_rng(7), resolution, 5.0, 400.0, 25)


def check_case(case, train, delay, resolution, chunks=1):
    model, params, rule = CASES[case]
    times, weights, status, mm_times, i_syn = net.run_train_into_iaf(
        nest, model, train, params, delay, resolution, tau_syn=2.0, chunks=chunks
    )
    expected = rule(train, **params)
    np.testing.assert_allclose(times, train, rtol=0, atol=1e-9)
    np.testing.assert_allclose(weights, expected.weights, rtol=RTOL, atol=0)
    for key in STATE_KEYS[model]:
        assert status[key] == pytest.approx(expected.state[key], rel=RTOL, abs=1e-15)
    psc = net.exponential_psc(mm_times, np.asarray(train) + delay, expected.weights, 2.0)
    np.testing.assert_allclose(i_syn, psc, rtol=RTOL, atol=1e-12 * max(psc))
    return weights, expected


@pytest.mark.parametrize("resolution", [0.1, 0.25])
@pytest.mark.parametrize("delay", [1.0, 2.5])
@pytest.mark.parametrize("case", list(CASES))
def test_regular_train(case, delay, resolution):
    weights, _ = check_case(case, regular_train(resolution), delay, resolution)
    assert np.ptp(weights) > 0.05 * np.max(weights)  # the efficacy really changes along the train


@pytest.mark.parametrize("case", list(CASES))
def test_irregular_train(case):
    check_case(case, irregular_train(0.1), 1.0, 0.1)


@pytest.mark.parametrize("case", ["tsodyks_facilitating", "tsodyks2_facilitating", "ht"])
def test_chunked_simulate(case):
    check_case(case, regular_train(0.1), 1.5, 0.1, chunks=8)


def test_tsodyks2_depression_reaches_its_steady_state():
    """Regular train with interval T, no facilitation: x_k -> x* = (1 - E) / (1 - (1 - U) E), E = exp(-T/tau_rec),
    so the efficacy tends to weight * U * x*."""
    U, tau_rec, isi, weight = 0.5, 80.0, 20.0, 2.0
    train = net.on_grid(np.arange(10.0, 10.0 + 40 * isi, isi), 0.1)
    times, weights, *_ = net.run_train_into_iaf(
        nest, "tsodyks2_synapse", train, dict(weight=weight, U=U, u=U, tau_rec=tau_rec), 1.0, 0.1
    )
    E = math.exp(-isi / tau_rec)
    x_star = (1.0 - E) / (1.0 - (1.0 - U) * E)
    assert weights[0] == pytest.approx(weight * U, rel=1e-12)
    assert weights[-1] == pytest.approx(weight * U * x_star, rel=1e-9)


def test_ht_synapse_first_spikes_by_hand():
    """P starts at 1: efficacies w, then w (1 - (1 - (1 - dP)) exp(-T/tau_P)) = w (1 - dP exp(-T/tau_P))."""
    w, tau_P, dP, isi = 2.0, 100.0, 0.25, 10.0
    times, weights, status, *_ = net.run_train_into_iaf(
        nest, "ht_synapse", [20.0, 30.0], dict(weight=w, tau_P=tau_P, delta_P=dP), 1.0, 0.1
    )
    assert weights[0] == pytest.approx(w, rel=1e-12)
    assert weights[1] == pytest.approx(w * (1.0 - dP * math.exp(-isi / tau_P)), rel=1e-12)
    assert status["P"] == pytest.approx((1.0 - dP * math.exp(-isi / tau_P)) * (1.0 - dP), rel=1e-12)
