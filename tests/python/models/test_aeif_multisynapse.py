"""aeif_cond_alpha_multisynapse and aeif_cond_beta_multisynapse: closed-form checks and invariants.

Expected values come from the models' mathematics only:

* A spike of weight q entering receptor k at t_k makes its conductance
  alpha: g_k(t) = q e/tau (t - t_k) exp(-(t - t_k)/tau), peaking at q at t_k + tau;
  beta:  g_k(t) = q (exp(-s/tau_d) - exp(-s/tau_r)) / P with s = t - t_k and P the
  same difference at the peak time t_p = tau_d tau_r ln(tau_d/tau_r) / (tau_d - tau_r),
  so the peak is q; equal rise and decay times give the alpha kernel.
  Other receptors stay at 0.
* Delta_T = 0 and a = b = 0: V_m relaxes as E_L + I_e/g_L + (V0 - E_L - I_e/g_L) exp(-t g_L/C_m).
* While refractory V_m is clamped to V_reset: t_ref/h + 1 samples from the spike on.

RKF45 runs under a tolerance of 1e-6, so closed forms allow a small integration
error; chunking and threads must not change a single bit.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

MODELS = ["aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse"]


def reset(res=0.1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


def record(n, names, res):
    mm = nest.Create("multimeter", params={"record_from": names, "interval": res})
    nest.Connect(mm, n)
    return mm


def ports(model, taus_r, taus_d, e_rev):
    """Receptor lists of the given lengths for either model."""
    if model == "aeif_cond_alpha_multisynapse":
        return {"E_rev": e_rev, "tau_syn": taus_d}
    return {"E_rev": e_rev, "tau_rise": taus_r, "tau_decay": taus_d}


def kernel(model, s, q, tau_r, tau_d):
    if model == "aeif_cond_alpha_multisynapse" or tau_r == tau_d:
        return q * math.e / tau_d * s * np.exp(-s / tau_d)
    t_p = tau_d * tau_r * math.log(tau_d / tau_r) / (tau_d - tau_r)
    peak = math.exp(-t_p / tau_d) - math.exp(-t_p / tau_r)
    return q * (np.exp(-s / tau_d) - np.exp(-s / tau_r)) / peak


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("receptor", [1, 2, 3])
def test_conductance_kernel_per_receptor(model, receptor):
    reset(0.1)
    taus_r, taus_d = [0.5, 1.0, 2.0], [3.0, 6.0, 2.0]  # beta's third receptor: rise == decay
    q = 2.5
    p = ports(model, taus_r, taus_d, [0.0, -80.0, -70.0])
    p.update({"V_peak": 1e3, "V_th": 500.0})  # never spikes
    n = nest.Create(model, params=p)
    sg = nest.Create("spike_generator", params={"spike_times": [2.0]})
    nest.Connect(sg, n, syn_spec={"weight": q, "delay": 1.0, "receptor_type": receptor})
    mm = record(n, ["g_1", "g_2", "g_3"], 0.1)
    nest.Simulate(25.0)
    ev = mm.get("events")
    t = np.asarray(ev["times"])
    t_k = 3.0  # spike at 2.0 + delay 1.0: dg jumps at the end of the step that ends at t_k
    g = np.asarray(ev[f"g_{receptor}"])
    assert np.all(g[t <= t_k + 1e-9] == 0.0)
    s = t - t_k
    after = s > 1e-9
    expected = kernel(model, s[after], q, taus_r[receptor - 1], taus_d[receptor - 1])
    np.testing.assert_allclose(g[after], expected, rtol=1e-5, atol=1e-7)
    assert abs(np.max(g) - q) < 1e-3 * q
    for other in {1, 2, 3} - {receptor}:
        assert np.all(np.asarray(ev[f"g_{other}"]) == 0.0)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("res", [0.1, 0.25])
def test_subthreshold_relaxation_is_leaky_solution(model, res):
    reset(res)
    g_L, C_m, E_L, I_e, V0 = 25.0, 200.0, -70.0, 150.0, -65.0
    p = ports(model, [1.0, 2.0], [5.0, 8.0], [0.0, -85.0])
    p.update(
        {
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
        }
    )
    n = nest.Create(model, params=p)
    mm = record(n, ["V_m", "w"], res)
    nest.Simulate(50.0)
    ev = mm.get("events")
    t = np.asarray(ev["times"])
    v_inf = E_L + I_e / g_L
    np.testing.assert_allclose(ev["V_m"], v_inf + (V0 - v_inf) * np.exp(-t * g_L / C_m), rtol=0, atol=1e-5)
    assert np.all(np.asarray(ev["w"]) == 0.0)


@pytest.mark.parametrize("model", MODELS)
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


@pytest.mark.parametrize("model", MODELS)
def test_receptor_ports_checked_at_connect(model):
    reset()
    n = nest.Create(model, 2, params=ports(model, [1.0, 2.0], [3.0, 4.0], [0.0, -80.0]))
    assert n.get("n_receptors") == (2, 2)
    sg = nest.Create("spike_generator")
    for port in [0, 3, 7]:
        with pytest.raises(nest.NESTError):
            nest.Connect(sg, n, syn_spec={"receptor_type": port})
    assert nest.GetKernelStatus("num_connections") == 0
    assert n.get("has_connections") == (False, False)
    dc = nest.Create("dc_generator")
    with pytest.raises(nest.NESTError):
        nest.Connect(dc, n, syn_spec={"receptor_type": 1})  # currents: port 0 only
    assert nest.GetKernelStatus("num_connections") == 0
    nest.Connect(dc, n)
    assert n.get("has_connections") == (False, False)  # only spike connections count
    nest.Connect(sg, n, syn_spec={"receptor_type": 2})
    assert nest.GetKernelStatus("num_connections") == 4
    assert n.get("has_connections") == (True, True)


@pytest.mark.parametrize("model", MODELS)
def test_recordables_follow_receptor_count(model):
    reset()
    n = nest.Create(model, 2)
    n[1].set(ports(model, [1.0, 2.0], [3.0, 4.0], [0.0, -80.0]))
    assert n[0].get("recordables") == ["V_m", "g_1", "w"]
    assert n[1].get("recordables") == ["V_m", "g_1", "g_2", "w"]
    mm = nest.Create("multimeter", params={"record_from": ["g_2"]})
    with pytest.raises(nest.NESTErrors.IllegalConnection):
        nest.Connect(mm, n)
    nest.Connect(mm, n[1])


ALPHA_BAD = [
    ({"E_rev": [0.0, -80.0]}, "both arrays"),  # a new count needs both lists
    ({"tau_syn": [1.0, 2.0]}, "both arrays"),
    ({"E_rev": [0.0, -80.0], "tau_syn": [1.0]}, "same size"),
    ({"E_rev": [0.0, -80.0], "tau_syn": [1.0, 0.0]}, "strictly positive"),
    ({"tau_syn": [-1.0]}, "strictly positive"),
]
BETA_BAD = [
    ({"E_rev": [0.0, -80.0], "tau_rise": [1.0, 2.0]}, "all three arrays"),
    ({"tau_decay": [5.0, 6.0]}, "all three arrays"),
    ({"E_rev": [0.0, -80.0], "tau_rise": [1.0, 2.0], "tau_decay": [5.0]}, "same size"),
    ({"E_rev": [0.0], "tau_rise": [0.0], "tau_decay": [5.0]}, "strictly positive"),
    ({"tau_decay": [-5.0]}, "strictly positive"),
    ({"tau_rise": [6.0], "tau_decay": [5.0]}, "rise time must be smaller"),
]


@pytest.mark.parametrize(
    "model,bad,why",
    [("aeif_cond_alpha_multisynapse", b, w) for b, w in ALPHA_BAD]
    + [("aeif_cond_beta_multisynapse", b, w) for b, w in BETA_BAD],
)
def test_inconsistent_receptor_lists_rejected_node_unchanged(model, bad, why):
    reset()
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty, match=why):
        n.set(bad)
    assert n.get() == before


@pytest.mark.parametrize("model", MODELS)
def test_single_list_change_of_same_length_is_allowed(model):
    reset()
    n = nest.Create(model)
    n.set(E_rev=[-20.0])
    assert n.get("E_rev") == [-20.0] and n.get("n_receptors") == 1


@pytest.mark.parametrize("model", MODELS)
def test_connected_node_cannot_lose_ports(model):
    reset()
    n = nest.Create(model, params=ports(model, [1.0, 2.0], [3.0, 4.0], [0.0, -80.0]))
    sg = nest.Create("spike_generator")
    nest.Connect(sg, n, syn_spec={"receptor_type": 1})
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty, match="cannot be reduced"):
        n.set(ports(model, [1.0], [3.0], [0.0]))
    assert n.get() == before
    n.set(ports(model, [1.0, 2.0, 1.0], [3.0, 4.0, 9.0], [0.0, -80.0, -70.0]))  # growing is allowed
    assert n.get("n_receptors") == 3


BAD = [
    {"V_reset": 1.0},
    {"Delta_T": -1.0},
    {"V_peak": -55.0},
    {"C_m": 0.0},
    {"t_ref": -0.1},
    {"tau_w": 0.0},
    {"gsl_error_tol": 0.0},
    {"Delta_T": 0.01, "V_peak": 20.0},
]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("bad", BAD)
def test_bad_parameters_rejected_node_unchanged(model, bad):
    reset()
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty):
        n.set(bad)
    assert n.get() == before


def network(model, threads, chunks, res=0.1):
    reset(res, threads)
    n = nest.Create(model, 5, params=dict(ports(model, [0.5, 1.0], [2.0, 7.0], [0.0, -80.0]), I_e=500.0))
    nest.SetStatus(n, [{"I_e": 300.0 + 100.0 * k} for k in range(5)])
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 4.3, 4.4, 9.7, 15.2, 22.0]})
    nest.Connect(sg, n, syn_spec={"weight": 6.0, "delay": 1.0, "receptor_type": 1})
    sg2 = nest.Create("spike_generator", params={"spike_times": [3.0, 12.1, 18.8]})
    nest.Connect(sg2, n, syn_spec={"weight": 5.0, "delay": 1.5, "receptor_type": 2})
    dc = nest.Create("dc_generator", params={"amplitude": 120.0, "start": 5.0, "stop": 20.0})
    nest.Connect(dc, n)
    nest.Connect(n, n, "all_to_all", syn_spec={"weight": 0.5, "delay": 1.0, "receptor_type": 1})
    mm = record(n, ["V_m", "w", "g_1", "g_2"], res)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    for c in chunks:
        nest.Simulate(c)
    ev, sp = mm.get("events"), sr.get("events")
    return (
        [np.asarray(ev[k]) for k in ("times", "senders", "V_m", "w", "g_1", "g_2")],
        [np.asarray(sp[k]) for k in ("times", "senders")],
        nest.GetStatus(n, "V_m"),
    )


def same(a, b):
    for x, y in zip(a[0] + a[1], b[0] + b[1]):
        assert x.shape == y.shape
    assert all(np.array_equal(x, y) for x, y in zip(a[0], b[0]))
    assert all(np.array_equal(np.sort(x), np.sort(y)) for x, y in zip(a[1], b[1]))
    assert list(a[2]) == list(b[2])


@pytest.mark.parametrize("model", MODELS)
def test_chunked_equals_single_run(model):
    one = network(model, 1, [40.0])
    assert len(one[1][0]) > 0
    same(one, network(model, 1, [7.3, 0.1, 12.6, 20.0]))


@pytest.mark.parametrize("model", MODELS)
def test_two_threads_equal_one(model):
    same(network(model, 1, [30.0]), network(model, 2, [30.0]))


@pytest.mark.parametrize("model", MODELS)
def test_negative_weight_rejected_when_the_spike_arrives(model):
    # NEST accepts the connection and raises BadProperty when the spike is delivered.
    reset()
    n = nest.Create(model, params=ports(model, [1.0, 2.0], [2.0, 3.0], [0.0, -85.0]))
    sg = nest.Create("spike_generator", params={"spike_times": [5.0]})
    nest.Connect(sg, n, syn_spec={"weight": -1.0, "receptor_type": 2})
    nest.Simulate(3.0)  # the spike has not arrived yet
    with pytest.raises(nest.NESTError, match="must be positive"):
        nest.Simulate(10.0)
