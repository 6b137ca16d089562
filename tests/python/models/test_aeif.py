"""AdEx (aeif) family: checks against closed-form solutions and invariants.

The models are integrated with RKF45 under a tolerance of gsl_error_tol (1e-6),
so comparisons with exact solutions allow a small integration error; the
invariants (chunking, threads) must hold bit for bit.

* Delta_T = 0 and a = b = 0 remove the exponential and the adaptation current:
  V_m relaxes as E_L + I_e/g_L + (V0 - E_L - I_e/g_L) exp(-t g_L / C_m).
* A spike of weight q entering at t_k makes the alpha conductance
  g(t) = q e/tau (t - t_k) exp(-(t - t_k)/tau) and the exponential one
  g(t) = q exp(-(t - t_k)/tau).
* While refractory V_m is clamped to V_reset: t_ref/h + 1 samples from the spike on.
* Each spike raises w by b.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

AEIF = [
    "aeif_cond_alpha",
    "aeif_cond_exp",
    "aeif_psc_alpha",
    "aeif_psc_exp",
    "aeif_psc_delta",
    "aeif_psc_delta_clopath",
]
TWO_PORT = ["aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_exp"]


def reset(res=0.1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


def record(n, names, res):
    mm = nest.Create("multimeter", params={"record_from": names, "interval": res})
    nest.Connect(mm, n)
    return mm


@pytest.mark.parametrize(
    "model", ["aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_exp", "aeif_psc_delta"]
)
@pytest.mark.parametrize("res", [0.1, 0.25])
def test_subthreshold_relaxation_is_leaky_solution(model, res):
    reset(res)
    g_L, C_m, E_L, I_e, V0 = 25.0, 200.0, -70.0, 150.0, -65.0
    n = nest.Create(
        model,
        params={
            "Delta_T": 0.0,
            "a": 0.0,
            "b": 0.0,
            "V_th": 0.0,
            "V_peak": 10.0,
            "g_L": g_L,
            "C_m": C_m,
            "E_L": E_L,
            "I_e": I_e,
            "V_m": V0,
        },
    )
    mm = record(n, ["V_m", "w"], res)
    nest.Simulate(50.0)
    ev = mm.get("events")
    t = np.asarray(ev["times"])
    v_inf = E_L + I_e / g_L
    expected = v_inf + (V0 - v_inf) * np.exp(-t * g_L / C_m)
    np.testing.assert_allclose(ev["V_m"], expected, rtol=0, atol=1e-5)
    assert np.all(np.asarray(ev["w"]) == 0.0)


@pytest.mark.parametrize(
    "model,alpha",
    [("aeif_cond_alpha", True), ("aeif_cond_exp", False), ("aeif_psc_alpha", True), ("aeif_psc_exp", False)],
)
def test_synaptic_kernel_closed_form(model, alpha):
    reset(0.1)
    tau, q = 1.0, 3.0
    cond = model.startswith("aeif_cond")
    ex = "g_ex" if cond else "I_syn_ex"
    n = nest.Create(model, params={"tau_syn_ex": tau, "V_peak": 1e3, "V_th": 500.0})
    sg = nest.Create("spike_generator", params={"spike_times": [2.0]})
    nest.Connect(sg, n, syn_spec={"weight": q, "delay": 1.0})
    mm = record(n, [ex], 0.1)
    nest.Simulate(15.0)
    ev = mm.get("events")
    t, g = np.asarray(ev["times"]), np.asarray(ev[ex])
    first = np.argmax(g > 0)
    # alpha: g is still 0 at t_k (only dg jumps); exponential: g jumps at t_k.
    t_k = t[first - 1] if alpha else t[first]
    assert abs(t_k - 3.0) < 1e-9  # spike at 2.0 + delay 1.0
    s = t[t >= t_k] - t_k
    expected = q * math.e / tau * s * np.exp(-s / tau) if alpha else q * np.exp(-s / tau)
    np.testing.assert_allclose(g[t >= t_k], expected, rtol=1e-5, atol=1e-7)
    assert np.all(g[t < t_k] == 0.0)
    if alpha:  # peak of q at t_k + tau
        assert abs(np.max(g) - q) < 1e-5 and abs(t[np.argmax(g)] - (t_k + tau)) < 1e-9


@pytest.mark.parametrize("model", TWO_PORT + ["aeif_psc_delta"])
@pytest.mark.parametrize("t_ref", [0.5, 2.0])
def test_refractory_clamp_duration(model, t_ref):
    res = 0.1
    reset(res)
    V_reset = -58.0
    n = nest.Create(model, params={"I_e": 2000.0, "t_ref": t_ref, "V_reset": V_reset})
    mm = record(n, ["V_m"], res)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(60.0)
    spikes = np.asarray(sr.get("events")["times"])
    assert len(spikes) >= 3
    t, v = np.asarray(mm.get("events")["times"]), np.asarray(mm.get("events")["V_m"])
    k = int(np.argmin(np.abs(t - spikes[0])))
    clamped = 0
    while v[k + clamped] == V_reset:
        clamped += 1
    assert clamped == round(t_ref / res) + 1
    assert np.all(np.diff(spikes) > t_ref)


@pytest.mark.parametrize("model", TWO_PORT + ["aeif_psc_delta"])
def test_spike_triggered_adaptation_jump(model):
    reset(0.1)
    b = 37.5
    n = nest.Create(model, params={"I_e": 1500.0, "a": 0.0, "b": b, "tau_w": 1e9, "t_ref": 1.0})
    mm = record(n, ["w"], 0.1)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(40.0)
    spikes = np.asarray(sr.get("events")["times"])
    assert len(spikes) >= 2
    t, w = np.asarray(mm.get("events")["times"]), np.asarray(mm.get("events")["w"])
    before = t < spikes[0] - 1e-9
    assert np.all(w[before] == 0.0)
    # After k spikes w = k b (decay over < 40 ms with tau_w = 1e9 ms is below 1e-7 relative).
    count = np.searchsorted(spikes, t + 1e-9, side="right")
    np.testing.assert_allclose(w, count * b, rtol=1e-7, atol=0)


def network(model, threads, chunks, res=0.1):
    reset(res, threads)
    n = nest.Create(model, 5, params={"I_e": 500.0})
    nest.SetStatus(n, [{"I_e": 300.0 + 100.0 * k} for k in range(5)])
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 4.3, 4.4, 9.7, 15.2, 22.0]})
    nest.Connect(sg, n, syn_spec={"weight": 6.0, "delay": 1.0})
    sg2 = nest.Create("spike_generator", params={"spike_times": [3.0, 12.1, 18.8]})
    nest.Connect(sg2, n, syn_spec={"weight": -5.0, "delay": 1.5})
    dc = nest.Create("dc_generator", params={"amplitude": 120.0, "start": 5.0, "stop": 20.0})
    nest.Connect(dc, n)
    nest.Connect(n, n, "all_to_all", syn_spec={"weight": 0.5, "delay": 1.0})
    mm = record(n, ["V_m", "w"], res)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    for c in chunks:
        nest.Simulate(c)
    ev, sp = mm.get("events"), sr.get("events")
    return (
        [np.asarray(ev[k]) for k in ("times", "senders", "V_m", "w")],
        [np.asarray(sp[k]) for k in ("times", "senders")],
        nest.GetStatus(n, "V_m"),
    )


def same(a, b):
    """Bitwise equal recordings, equal spike sets and equal final V_m."""
    for x, y in zip(a[0] + a[1], b[0] + b[1]):
        assert x.shape == y.shape
    assert all(np.array_equal(x, y) for x, y in zip(a[0], b[0]))
    assert all(np.array_equal(np.sort(x), np.sort(y)) for x, y in zip(a[1], b[1]))
    assert list(a[2]) == list(b[2])


@pytest.mark.parametrize("model", AEIF)
def test_chunked_equals_single_run(model):
    one = network(model, 1, [40.0])
    chunked = network(model, 1, [7.3, 0.1, 12.6, 20.0])
    assert len(one[1][0]) > 0
    same(one, chunked)


@pytest.mark.parametrize("model", AEIF)
def test_two_threads_equal_one(model):
    same(network(model, 1, [30.0]), network(model, 2, [30.0]))


BAD = [
    {"V_reset": 1.0},  # V_reset >= V_peak
    {"Delta_T": -1.0},
    {"V_peak": -55.0},  # V_peak < V_th
    {"C_m": 0.0},
    {"t_ref": -0.1},
    {"tau_w": 0.0},
    {"gsl_error_tol": 0.0},
    {"Delta_T": 0.01, "V_peak": 20.0},  # exponential overflows at the spike
]


@pytest.mark.parametrize("model", TWO_PORT + ["aeif_psc_delta"])
@pytest.mark.parametrize("bad", BAD)
def test_bad_parameters_rejected_node_unchanged(model, bad):
    reset()
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty):
        n.set(bad)
    assert n.get() == before


@pytest.mark.parametrize(
    "model,key",
    [
        ("aeif_cond_alpha", "g_ex"),
        ("aeif_cond_exp", "g_in"),
        ("aeif_psc_alpha", "I_syn_ex"),
        ("aeif_psc_exp", "I_syn_in"),
        ("aeif_cond_alpha", "tau_syn_ex"),
    ],
)
def test_negative_synaptic_state_or_tau_rejected(model, key):
    reset()
    n = nest.Create(model)
    with pytest.raises(nest.NESTErrors.BadProperty):
        n.set({key: -1.0})
    assert n.get(key) >= 0.0


def test_clopath_bad_parameters():
    reset()
    n = nest.Create("aeif_psc_delta_clopath")
    for bad in [{"V_th_max": -60.0}, {"t_clamp": -1.0}, {"tau_u_bar_bar": 0.0}, {"V_peak": -55.0}]:
        with pytest.raises(nest.NESTErrors.BadProperty):
            n.set(bad)
    assert n.get("V_th_max") == 30.4 and n.get("t_clamp") == 2.0


def test_defaults_match_nest():
    reset()
    d = nest.GetDefaults("aeif_cond_alpha")
    expected = {
        "V_peak": 0.0,
        "V_reset": -60.0,
        "t_ref": 0.0,
        "g_L": 30.0,
        "C_m": 281.0,
        "E_ex": 0.0,
        "E_in": -85.0,
        "E_L": -70.6,
        "Delta_T": 2.0,
        "tau_w": 144.0,
        "a": 4.0,
        "b": 80.5,
        "V_th": -50.4,
        "tau_syn_ex": 0.2,
        "tau_syn_in": 2.0,
        "I_e": 0.0,
        "gsl_error_tol": 1e-6,
        "V_m": -70.6,
        "w": 0.0,
    }
    for k, v in expected.items():
        assert d[k] == v, k
    c = nest.GetDefaults("aeif_psc_delta_clopath")
    assert c["V_peak"] == 33.0 and c["V_clamp"] == 33.0 and c["u_bar_bar"] == -70.6


def test_runaway_membrane_raises_numerical_instability_in_the_same_simulate():
    # NEST's guard: V_m < -1e3 mV (or |w| > 1e6 pA) is a NumericalInstability, raised
    # by the Simulate call in which it happens.
    nest.ResetKernel()
    nest.Create("aeif_cond_alpha", params={"I_e": -1.0e9})
    with pytest.raises(nest.NESTErrors.KernelException, match="NumericalInstability"):
        nest.Simulate(5.0)
