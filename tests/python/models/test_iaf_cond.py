"""Conductance-based IAF models (RKF45 as in NEST 3.10) and izhikevich.

Analytic references: without input the membrane relaxes exactly exponentially,
V(t) = E_L + (V0 - E_L) exp(-t g_L / C_m); the synaptic conductances obey linear
ODEs independent of V, so a single input of weight w landing at t0 gives
  exp:   g(t) = w exp(-s / tau)
  alpha: g(t) = w (s / tau) exp(1 - s / tau)
  beta:  g(t) = w (exp(-s / tau_d) - exp(-s / tau_r)) / (exp(-t_p / tau_d) - exp(-t_p / tau_r)),
         t_p = tau_d tau_r ln(tau_d / tau_r) / (tau_d - tau_r)
with s = t - t0. The integrator's error control (absolute 1e-3 per step) bounds
the deviation. A spike sent at t_s with delay d lands at the end of the step
ending at t_s + d, so t0 = t_s + d.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

COND_MODELS = [
    "iaf_cond_alpha",
    "iaf_cond_exp",
    "iaf_cond_beta",
    "iaf_cond_exp_sfa_rr",
    "iaf_cond_alpha_mc",
    "iaf_chxk_2008",
]
ALL_MODELS = COND_MODELS + ["izhikevich"]


def reset(res=0.1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


def record(nodes, names, res):
    mm = nest.Create("multimeter", params={"record_from": names, "interval": res})
    nest.Connect(mm, nodes)
    return mm


def events(mm):
    ev = mm.get("events")
    return {k: np.asarray(v) for k, v in ev.items()}


# --- analytic checks ---------------------------------------------------------------------


@pytest.mark.parametrize("model", ["iaf_cond_alpha", "iaf_cond_exp", "iaf_cond_beta", "iaf_cond_exp_sfa_rr"])
@pytest.mark.parametrize("res", [0.1, 0.05, 0.25])
def test_subthreshold_relaxation_is_exponential(model, res):
    reset(res)
    n = nest.Create(model, params={"V_m": -60.0, "E_L": -70.0, "g_L": 20.0, "C_m": 250.0, "V_th": -50.0})
    mm = record(n, ["V_m"], res)
    nest.Simulate(50.0)
    ev = events(mm)
    expected = -70.0 + 10.0 * np.exp(-ev["times"] * 20.0 / 250.0)
    assert len(ev["times"]) > 40.0 / res
    assert np.max(np.abs(ev["V_m"] - expected)) < 1e-4


def beta_peak_normalised(s, tau_r, tau_d):
    t_p = tau_d * tau_r * math.log(tau_d / tau_r) / (tau_d - tau_r)
    peak = math.exp(-t_p / tau_d) - math.exp(-t_p / tau_r)
    return (np.exp(-s / tau_d) - np.exp(-s / tau_r)) / peak


KERNELS = [
    ("iaf_cond_exp", {"tau_syn_ex": 2.0, "tau_syn_in": 5.0}, lambda s, ex: np.exp(-s / (2.0 if ex else 5.0))),
    (
        "iaf_cond_alpha",
        {"tau_syn_ex": 2.0, "tau_syn_in": 5.0},
        lambda s, ex: (s / (2.0 if ex else 5.0)) * np.exp(1.0 - s / (2.0 if ex else 5.0)),
    ),
    (
        "iaf_cond_beta",
        {"tau_rise_ex": 0.5, "tau_decay_ex": 3.0, "tau_rise_in": 1.0, "tau_decay_in": 6.0},
        lambda s, ex: beta_peak_normalised(s, 0.5, 3.0) if ex else beta_peak_normalised(s, 1.0, 6.0),
    ),
    (
        "iaf_cond_beta",
        {"tau_rise_ex": 2.0, "tau_decay_ex": 2.0, "tau_rise_in": 2.0, "tau_decay_in": 2.0},
        lambda s, ex: (s / 2.0) * np.exp(1.0 - s / 2.0),
    ),
]


@pytest.mark.parametrize("model,params,kernel", KERNELS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_single_input_conductance_follows_kernel(model, params, kernel, sign):
    res, t_s, delay, w = 0.1, 3.0, 1.5, 7.0
    reset(res)
    n = nest.Create(model, params=dict(params, V_th=1e6))
    sg = nest.Create("spike_generator", params={"spike_times": [t_s]})
    nest.Connect(sg, n, syn_spec={"weight": sign * w, "delay": delay})
    mm = record(n, ["g_ex", "g_in"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    t = ev["times"]
    t0 = t_s + delay
    s = np.maximum(t - t0, 0.0)
    g, other = (ev["g_ex"], ev["g_in"]) if sign > 0 else (ev["g_in"], ev["g_ex"])
    expected = np.where(t > t0 - 1e-9, w * kernel(s, sign > 0), 0.0)
    assert np.max(np.abs(g - expected)) < 2e-3 * w
    assert np.all(g[t < t0 - 1e-9] == 0.0) and np.max(g) > 0.5 * w
    assert np.all(other == 0.0)


@pytest.mark.parametrize("model", ["iaf_cond_alpha", "iaf_cond_beta", "iaf_cond_exp", "iaf_cond_exp_sfa_rr"])
@pytest.mark.parametrize("t_ref,res", [(2.0, 0.1), (0.5, 0.1), (1.3, 0.05)])
def test_refractory_period_clamps_v_for_t_ref_steps(model, t_ref, res):
    reset(res)
    params = {"I_e": 1000.0, "t_ref": t_ref, "V_reset": -65.0}
    if model == "iaf_cond_exp_sfa_rr":
        params.update(q_sfa=0.0, q_rr=0.0)  # no adaptation, so V rises right after the clamp
    n = nest.Create(model, params=params)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = record(n, ["V_m"], res)
    nest.Simulate(60.0)
    spikes = sr.get("events")["times"]
    assert len(spikes) >= 2
    ev = events(mm)
    steps = round(t_ref / res)
    k = int(np.argmin(np.abs(ev["times"] - spikes[0])))
    assert np.all(ev["V_m"][k : k + steps + 1] == -65.0)
    assert ev["V_m"][k + steps + 1] > -65.0
    assert np.min(np.diff(spikes)) >= t_ref + res - 1e-9


@pytest.mark.parametrize("model", ["iaf_cond_alpha", "iaf_cond_beta", "iaf_cond_alpha_mc"])
def test_t_ref_remaining_counts_down(model):
    res = 0.1
    reset(res)
    params = {"I_e": 1000.0} if model != "iaf_cond_alpha_mc" else {"soma.I_e": 1000.0}
    n = nest.Create(model, params=params)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = record(n, ["t_ref_remaining"], res)
    nest.Simulate(30.0)
    t_s = sr.get("events")["times"][0]
    ev = events(mm)
    k = int(np.argmin(np.abs(ev["times"] - t_s)))
    assert np.allclose(ev["t_ref_remaining"][k : k + 21], 2.0 - res * np.arange(21), atol=1e-12)
    assert ev["t_ref_remaining"][k - 1] == 0.0


def test_sfa_rr_conductances_jump_by_q_at_each_spike():
    reset(0.1)
    n = nest.Create("iaf_cond_exp_sfa_rr", params={"I_e": 1500.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = record(n, ["g_sfa", "g_rr"], 0.1)
    nest.Simulate(20.0)
    t_s = sr.get("events")["times"][0]
    ev = events(mm)
    k = int(np.argmin(np.abs(ev["times"] - t_s)))
    assert np.all(ev["g_sfa"][:k] == 0.0)
    assert ev["g_sfa"][k] == pytest.approx(14.48, abs=1e-12)
    assert ev["g_rr"][k] == pytest.approx(3214.0, abs=1e-12)
    # then both decay exponentially until the next spike
    assert ev["g_sfa"][k + 5] == pytest.approx(14.48 * math.exp(-0.5 / 110.0), abs=1e-3)


def test_chxk_spike_time_is_linear_interpolation_of_the_crossing():
    res = 0.1
    reset(res)
    n = nest.Create("iaf_chxk_2008", params={"I_e": 2000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = record(n, ["V_m"], res)
    nest.Simulate(100.0)
    spikes = sr.get("events")["times"]
    ev = events(mm)
    t, v = ev["times"], ev["V_m"]
    crossings = np.nonzero((v[:-1] < -45.0) & (v[1:] >= -45.0))[0] + 1
    assert len(spikes) == len(crossings) >= 3
    for ts, k in zip(spikes, crossings):
        dt = res * (v[k] - (-45.0)) / (v[k] - v[k - 1])
        assert ts == pytest.approx(t[k] - dt, abs=1e-12)
        assert t[k] - res < ts <= t[k]
    assert np.any(np.abs(spikes / res - np.round(spikes / res)) > 1e-3)  # off the grid


def izhikevich_reference(n_steps, h, I_e, consistent, a=0.02, b=0.2, c=-65.0, d=8.0):
    v, u, out, spikes = -65.0, 0.2 * -65.0, [], []
    for k in range(n_steps):
        if consistent:
            v, u = v + h * (0.04 * v * v + 5.0 * v + 140.0 - u + I_e), u + h * a * (b * v - u)
        else:
            v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + I_e)
            v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + I_e)
            u += h * a * (b * v - u)
        if v >= 30.0:
            v, u = c, u + d
            spikes.append((k + 1) * h)
        out.append((v, u))
    return np.array(out), np.array(spikes)


@pytest.mark.parametrize("consistent,res", [(True, 0.1), (False, 1.0), (False, 0.1), (True, 0.25)])
def test_izhikevich_follows_its_fixed_step_scheme(consistent, res):
    reset(res)
    n = nest.Create("izhikevich", params={"I_e": 10.0, "consistent_integration": consistent})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = record(n, ["V_m", "U_m"], res)
    nest.Simulate(200.0)
    ev = events(mm)
    ref, ref_spikes = izhikevich_reference(round(200.0 / res), res, 10.0, consistent)
    m = len(ev["times"])
    assert np.allclose(ev["V_m"], ref[:m, 0], rtol=0, atol=1e-9)
    assert np.allclose(ev["U_m"], ref[:m, 1], rtol=0, atol=1e-9)
    got = np.asarray(sr.get("events")["times"])
    assert len(got) >= 3 and np.allclose(got, ref_spikes, atol=1e-9)


def test_izhikevich_rests_at_its_stable_fixed_point():
    # With I = 0: u = b v and 0.04 v^2 + (5 - b) v + 140 = 0 give v = -70 (stable), -50.
    reset(0.1)
    n = nest.Create("izhikevich", params={"V_m": -70.0, "U_m": -14.0})
    nest.Simulate(500.0)
    assert n.get("V_m") == pytest.approx(-70.0, abs=1e-9)
    assert n.get("U_m") == pytest.approx(-14.0, abs=1e-9)


def test_izhikevich_spike_input_jumps_v_and_V_min_bounds_it():
    reset(0.1)
    n = nest.Create("izhikevich", params={"V_m": -70.0, "U_m": -14.0, "V_min": -75.0})
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 5.0]})
    nest.Connect(sg, n, syn_spec={"weight": 3.0, "delay": 1.0})
    sg2 = nest.Create("spike_generator", params={"spike_times": [10.0]})
    nest.Connect(sg2, n, syn_spec={"weight": -20.0, "delay": 1.0})
    mm = record(n, ["V_m"], 0.1)
    nest.Simulate(15.0)
    ev = events(mm)
    v = dict(zip(np.round(ev["times"], 6), ev["V_m"]))
    assert v[2.0] == pytest.approx(v[1.9] + 3.0, abs=0.01)
    assert v[11.0] == -75.0


def test_mc_ports_route_to_their_compartments():
    reset(0.1)
    n = nest.Create("iaf_cond_alpha_mc")
    mm = record(n, ["g_ex.s", "g_in.s", "g_ex.p", "g_in.p", "g_ex.d", "g_in.d"], 0.1)
    names = ["g_ex.s", "g_in.s", "g_ex.p", "g_in.p", "g_ex.d", "g_in.d"]
    for port in range(1, 7):
        sg = nest.Create("spike_generator", params={"spike_times": [float(5 * port)]})
        nest.Connect(sg, n, syn_spec={"weight": 2.0, "receptor_type": port})
    with pytest.raises(nest.NESTError):
        nest.Connect(nest.Create("spike_generator"), n, syn_spec={"receptor_type": 0})
    nest.Simulate(40.0)
    ev = events(mm)
    for port, name in enumerate(names, start=1):
        first = ev["times"][np.nonzero(ev[name])[0][0]]
        assert first == pytest.approx(5 * port + 1.0 + 0.1)  # alpha kernel: zero at t0, positive after


def test_mc_dendritic_current_depolarises_soma_through_coupling():
    reset(0.1)
    n = nest.Create("iaf_cond_alpha_mc")
    dc = nest.Create("dc_generator", params={"amplitude": 200.0})
    nest.Connect(dc, n, syn_spec={"receptor_type": 9})
    mm = record(n, ["V_m.s", "V_m.p", "V_m.d"], 0.1)
    nest.Simulate(50.0)
    ev = events(mm)
    assert ev["V_m.d"][-1] > ev["V_m.p"][-1] > ev["V_m.s"][-1] > -70.0


# --- invariants ----------------------------------------------------------------------------


def driven_run(model, chunks, threads=1, res=0.1):
    reset(res, threads)
    params = {"soma.I_e": 300.0} if model == "iaf_cond_alpha_mc" else {"I_e": 600.0 if "chxk" not in model else 1500.0}
    if model == "izhikevich":
        params = {"I_e": 8.0}
    n = nest.Create(model, 4, params=params)
    port = {"receptor_type": 1} if model == "iaf_cond_alpha_mc" else {}
    port_in = {"receptor_type": 2} if model == "iaf_cond_alpha_mc" else {}
    pg = nest.Create("spike_generator", params={"spike_times": [3.0, 7.1, 7.2, 20.4, 33.3, 51.7]})
    pi = nest.Create("spike_generator", params={"spike_times": [4.4, 15.0, 40.2]})
    nest.Connect(pg, n, syn_spec=dict(port, weight=6.0, delay=1.0))
    nest.Connect(pi, n, syn_spec=dict(port_in, weight=-5.0 if not port_in else 5.0, delay=2.0))
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    rec = {"iaf_cond_alpha_mc": ["V_m.s", "g_ex.s"], "izhikevich": ["V_m", "U_m"]}.get(model, ["V_m", "g_ex"])
    mm = record(n, rec, res)
    for c in chunks:
        nest.Simulate(c)
    ev = mm.get("events")
    se = sr.get("events")
    order = np.lexsort((np.asarray(se["senders"]), np.asarray(se["times"])))
    return (
        {k: np.asarray(v).tolist() for k, v in ev.items()},
        (np.asarray(se["times"])[order].tolist(), np.asarray(se["senders"])[order].tolist()),
    )


@pytest.mark.parametrize("model", ALL_MODELS)
def test_chunked_simulation_is_bitwise_identical(model):
    one = driven_run(model, [80.0])
    assert len(one[1][0]) > 0
    assert driven_run(model, [13.3, 0.1, 26.6, 40.0]) == one
    assert driven_run(model, [80.0], threads=2) == one


# --- NEST's validity checks ------------------------------------------------------------------

INVALID = [
    ("iaf_cond_alpha", {"V_reset": -50.0}),
    ("iaf_cond_alpha", {"C_m": 0.0}),
    ("iaf_cond_alpha", {"t_ref": -1.0}),
    ("iaf_cond_alpha", {"tau_syn_in": 0.0}),
    ("iaf_cond_exp", {"V_reset": -55.0}),
    ("iaf_cond_exp", {"C_m": -1.0}),
    ("iaf_cond_exp", {"tau_syn_ex": -1.0}),
    ("iaf_cond_beta", {"tau_decay_in": 0.0}),
    ("iaf_cond_beta", {"tau_rise_ex": -2.0}),
    ("iaf_cond_beta", {"t_ref": -0.1}),
    ("iaf_cond_exp_sfa_rr", {"tau_sfa": 0.0}),
    ("iaf_cond_exp_sfa_rr", {"tau_rr": -1.0}),
    ("iaf_cond_exp_sfa_rr", {"V_th": -75.0}),
    ("iaf_chxk_2008", {"C_m": 0.0}),
    ("iaf_chxk_2008", {"tau_ahp": 0.0}),
    ("iaf_cond_alpha_mc", {"V_reset": -50.0}),
    ("iaf_cond_alpha_mc", {"distal.C_m": 0.0}),
    ("iaf_cond_alpha_mc", {"proximal.tau_syn_ex": 0.0}),
]


@pytest.mark.parametrize("model,params", INVALID)
def test_invalid_parameters_are_rejected_and_leave_the_node_unchanged(model, params):
    nest.ResetKernel()
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Create(model, params=params)
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty):
        n.set(params)
    assert n.get() == before


def test_defaults_match_nest():
    nest.ResetKernel()
    d = nest.GetDefaults("iaf_cond_alpha")
    assert (
        d["V_th"],
        d["V_reset"],
        d["g_L"],
        d["C_m"],
        d["E_ex"],
        d["E_in"],
        d["tau_syn_ex"],
        d["tau_syn_in"],
        d["V_m"],
    ) == (-55.0, -60.0, 16.6667, 250.0, 0.0, -85.0, 0.2, 2.0, -70.0)
    d = nest.GetDefaults("iaf_cond_exp_sfa_rr")
    assert (d["q_sfa"], d["q_rr"], d["tau_sfa"], d["tau_rr"], d["V_th"], d["V_reset"]) == (
        14.48,
        3214.0,
        110.0,
        1.97,
        -57.0,
        -70.0,
    )
    d = nest.GetDefaults("izhikevich")
    assert (d["V_m"], d["U_m"], d["a"], d["b"], d["c"], d["d"], d["consistent_integration"]) == (
        -65.0,
        -13.0,
        0.02,
        0.2,
        -65.0,
        8.0,
        True,
    )
    d = nest.GetDefaults("iaf_chxk_2008")
    assert (d["g_ahp"], d["tau_ahp"], d["E_ahp"], d["ahp_bug"], d["V_m"]) == (443.8, 0.5, -95.0, False, -60.0)
