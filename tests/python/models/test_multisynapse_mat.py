"""iaf_psc_alpha_multisynapse, iaf_psc_exp_multisynapse, mat2_psc_exp, amat2_psc_exp and
iaf_chs_2007 against closed-form solutions of their dynamics.

Timing conventions used below (NEST's grid semantics):
* a multimeter sample at time t = (k+1) h shows the state after the update of step k;
* a spike emitted at t_s through a connection with delay d arrives at t0 = t_s + d: the
  synaptic current (or alpha state) jumps in the update whose sample is at t0, after the
  membrane has been propagated, so V is still unaffected in that sample;
* the iaf models spike at the end of the first step whose update takes V to or above
  V_th; V is then held at V_reset for ceil(t_ref / h) further steps;
* the MAT models never reset V; after a spike, ceil(t_ref / h) steps pass without a
  threshold test, so under sustained suprathreshold drive they fire every ceil(t_ref/h) + 1 steps.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

RESOLUTIONS = [0.1, 0.05, 0.25]
MULTI = ["iaf_psc_alpha_multisynapse", "iaf_psc_exp_multisynapse"]
MAT = ["mat2_psc_exp", "amat2_psc_exp"]
ALL = MULTI + MAT + ["iaf_chs_2007"]
RTOL = 1e-9


def reset(res, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


def multimeter(nodes, keys, res):
    mm = nest.Create("multimeter", params={"record_from": list(keys), "interval": res})
    nest.Connect(mm, nodes)
    return mm


def events(dev):
    return {k: np.asarray(v) for k, v in dev.get("events").items()}


def assert_close(actual, expected, scale=None):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape
    tol = 1e-9 + RTOL * (scale if scale is not None else np.max(np.abs(expected), initial=1.0))
    assert np.max(np.abs(actual - expected), initial=0.0) <= tol, np.max(np.abs(actual - expected))


def steps(t, h):
    """Time in whole steps, rounded up like NEST's Time::get_steps()."""
    return math.ceil(t / h - 1e-9)


def spike_times(sr):
    return np.sort(np.asarray(sr.get("events")["times"]))


# --- closed forms -------------------------------------------------------------------


def exp_psp(s, w, tau_s, tau_m, C):
    """Membrane response to the current w exp(-s / tau_s) switched on at s = 0."""
    s = np.maximum(s, 0.0)
    if tau_s == tau_m:
        return w / C * s * np.exp(-s / tau_m)
    return w / C * tau_s * tau_m / (tau_m - tau_s) * (np.exp(-s / tau_m) - np.exp(-s / tau_s))


def kernel_integral(lam, a_v, t):
    """integral_0^t (t - u) exp(-a_v (t - u)) exp(-lam u) du."""
    d = a_v - lam
    if d == 0.0:
        return np.exp(-lam * t) * t * t / 2.0
    return np.exp(-lam * t) * (1.0 - np.exp(-d * t) * (1.0 + d * t)) / (d * d)


def alpha_psp(s, w, tau_s, tau_m, C):
    """Membrane response to the alpha current w (e / tau_s) s exp(-s / tau_s) from s = 0."""
    s = np.maximum(s, 0.0)
    # (1 / C) integral_0^s I(u) exp(-(s - u) / tau_m) du, with the kernel roles of
    # kernel_integral: u exp(-u / tau_s) against exp(-(s - u) / tau_m).
    return w * math.e / (tau_s * C) * kernel_integral(1.0 / tau_m, 1.0 / tau_s, s)


# --- defaults and recordables --------------------------------------------------------

NEST_DEFAULTS = {
    "iaf_psc_alpha_multisynapse": dict(
        C_m=250.0,
        tau_m=10.0,
        t_ref=2.0,
        E_L=-70.0,
        V_reset=-70.0,
        V_th=-55.0,
        V_min=-math.inf,
        I_e=0.0,
        tau_syn=[2.0],
        n_synapses=1,
        has_connections=False,
        V_m=-70.0,
    ),
    "iaf_psc_exp_multisynapse": dict(
        C_m=250.0,
        tau_m=10.0,
        t_ref=2.0,
        E_L=-70.0,
        V_reset=-70.0,
        V_th=-55.0,
        I_e=0.0,
        tau_syn=[2.0],
        n_synapses=1,
        has_connections=False,
        V_m=-70.0,
    ),
    "mat2_psc_exp": dict(
        C_m=100.0,
        tau_m=5.0,
        t_ref=2.0,
        E_L=-70.0,
        I_e=0.0,
        tau_syn_ex=1.0,
        tau_syn_in=3.0,
        tau_1=10.0,
        tau_2=200.0,
        alpha_1=37.0,
        alpha_2=2.0,
        omega=-51.0,
        V_m=-70.0,
        V_th=-51.0,
        V_th_alpha_1=0.0,
        V_th_alpha_2=0.0,
    ),
    "amat2_psc_exp": dict(
        C_m=200.0,
        tau_m=10.0,
        t_ref=2.0,
        E_L=-70.0,
        I_e=0.0,
        tau_syn_ex=1.0,
        tau_syn_in=3.0,
        tau_1=10.0,
        tau_2=200.0,
        alpha_1=10.0,
        alpha_2=0.0,
        beta=0.0,
        tau_v=5.0,
        omega=-65.0,
        V_m=-70.0,
        V_th=-65.0,
        V_th_alpha_1=0.0,
        V_th_alpha_2=0.0,
        V_th_v=0.0,
    ),
    "iaf_chs_2007": dict(tau_epsp=8.5, tau_reset=15.4, V_epsp=0.77, V_reset=2.31, V_noise=0.0, noise=[], V_m=0.0),
}
NEST_RECORDABLES = {
    "iaf_psc_alpha_multisynapse": ["I_syn", "I_syn_1", "V_m"],
    "iaf_psc_exp_multisynapse": ["I_syn", "I_syn_1", "V_m"],
    "mat2_psc_exp": ["V_m", "V_th"],
    "amat2_psc_exp": ["I_syn_ex", "I_syn_in", "V_m", "V_th", "V_th_v"],
    "iaf_chs_2007": ["V_m"],
}


@pytest.mark.parametrize("model", ALL)
def test_defaults_and_recordables_match_nest(model):
    nest.ResetKernel()
    d = nest.GetDefaults(model)
    for key, value in NEST_DEFAULTS[model].items():
        assert d[key] == value, key
    assert d["element_type"] == "neuron"
    n = nest.Create(model)
    assert n.get("recordables") == NEST_RECORDABLES[model]


@pytest.mark.parametrize("model", MULTI)
def test_recordables_follow_tau_syn(model):
    nest.ResetKernel()
    n = nest.Create(model, params={"tau_syn": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5, 11.0]})
    # NEST lists them sorted by name.
    names = ["I_syn"] + [f"I_syn_{k}" for k in range(1, 12)] + ["V_m"]
    assert n.get("recordables") == sorted(names)
    assert n.get("n_synapses") == 11
    n.set(tau_syn=[3.0])
    assert n.get("recordables") == ["I_syn", "I_syn_1", "V_m"]
    nest.SetDefaults(model, {"tau_syn": [1.0, 2.0]})
    assert nest.GetDefaults(model)["n_synapses"] == 2


# --- iaf multisynapse: subthreshold dynamics ----------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MULTI)
def test_free_membrane_under_constant_current(model, res):
    reset(res)
    p = dict(I_e=180.0, C_m=200.0, tau_m=12.5, E_L=-65.0, V_m=-65.0, V_reset=-65.0, V_th=1e9, tau_syn=[1.0, 3.0])
    n = nest.Create(model, params=p)
    mm = multimeter(n, ["V_m", "I_syn"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    t = ev["times"]
    assert len(t) > 100 and np.allclose(np.diff(t), res)
    expected = p["E_L"] + p["I_e"] * p["tau_m"] / p["C_m"] * (1.0 - np.exp(-t / p["tau_m"]))
    assert_close(ev["V_m"], expected)
    assert np.all(ev["I_syn"] == 0.0)


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MULTI)
@pytest.mark.parametrize("receptor", [1, 2, 3])
def test_single_input_psc_and_psp_per_receptor(model, res, receptor):
    reset(res)
    tau_syn = [0.5, 2.0, 6.0]
    p = dict(tau_m=10.0, C_m=250.0, E_L=-70.0, V_th=1e9, tau_syn=tau_syn)
    n = nest.Create(model, params=p)
    t_spike, delay, w = 3.0, 1.5, -700.0 if receptor == 2 else 900.0
    sg = nest.Create("spike_generator", params={"spike_times": [t_spike]})
    nest.Connect(sg, n, syn_spec={"weight": w, "delay": delay, "receptor_type": receptor})
    mm = multimeter(n, ["V_m", "I_syn", "I_syn_1", "I_syn_2", "I_syn_3"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    t = ev["times"]
    s = t - (t_spike + delay)
    on = s > -1e-9
    tau = tau_syn[receptor - 1]
    if model == "iaf_psc_exp_multisynapse":
        current = np.where(on, w * np.exp(-np.maximum(s, 0) / tau), 0.0)
        psp = exp_psp(s, w, tau, p["tau_m"], p["C_m"])
    else:
        current = np.where(on, w * math.e / tau * np.maximum(s, 0) * np.exp(-np.maximum(s, 0) / tau), 0.0)
        psp = alpha_psp(s, w, tau, p["tau_m"], p["C_m"])
    assert_close(ev[f"I_syn_{receptor}"], current, scale=abs(w))
    assert_close(ev["I_syn"], current, scale=abs(w))
    for other in {1, 2, 3} - {receptor}:
        assert np.all(ev[f"I_syn_{other}"] == 0.0)
    assert_close(ev["V_m"] - p["E_L"], psp)


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MULTI)
def test_psp_peak(model, res):
    """Peak of the PSC (alpha: w at t0 + tau_syn) and of the PSP (analytic time and height)."""
    reset(res)
    tau_s, tau_m, C, w = 2.0, 10.0, 250.0, 500.0
    n = nest.Create(model, params=dict(tau_m=tau_m, C_m=C, V_th=1e9, tau_syn=[5.0, tau_s]))
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": w, "delay": 1.0, "receptor_type": 2})
    mm = multimeter(n, ["V_m", "I_syn_2"], res)
    nest.Simulate(30.0)
    ev = events(mm)
    t0 = 2.0
    if model == "iaf_psc_alpha_multisynapse":
        k = int(np.argmax(ev["I_syn_2"]))
        assert ev["times"][k] == pytest.approx(t0 + tau_s)
        assert ev["I_syn_2"][k] == pytest.approx(w, rel=1e-12)

        # dV/dt = 0 where the alpha current equals (V - E_L) C / tau_m: find it by bisection on the closed form.
        def f(s):
            return w * math.e / tau_s * s * math.exp(-s / tau_s) - alpha_psp(s, w, tau_s, tau_m, C) * C / tau_m

        lo, hi = tau_s, 5 * tau_m
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        s_peak = lo
        v_peak = alpha_psp(s_peak, w, tau_s, tau_m, C)
    else:
        assert np.max(ev["I_syn_2"]) == pytest.approx(w, rel=1e-12)  # the jump at t0
        s_peak = tau_s * tau_m / (tau_m - tau_s) * math.log(tau_m / tau_s)
        v_peak = exp_psp(s_peak, w, tau_s, tau_m, C)
    v = ev["V_m"] + 70.0
    k = int(np.argmax(v))
    # The grid maximum brackets the analytic peak: within one step of it and not above it.
    assert abs(ev["times"][k] - (t0 + s_peak)) < res
    assert v[k] <= v_peak * (1 + 1e-12)
    assert v[k] >= v_peak * (1 - 1e-3)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_alpha_singular_tau_syn_equals_tau_m(res):
    """tau_syn == tau_m is allowed for the alpha model: V = w e / (2 tau C) s^2 exp(-s / tau)."""
    reset(res)
    tau, C, w = 10.0, 250.0, 300.0
    n = nest.Create("iaf_psc_alpha_multisynapse", params=dict(tau_m=tau, C_m=C, V_th=1e9, tau_syn=[tau]))
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": w, "delay": 1.0, "receptor_type": 1})
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(30.0)
    ev = events(mm)
    s = np.maximum(ev["times"] - 2.0, 0.0)
    assert_close(ev["V_m"] + 70.0, w * math.e / (2 * tau * C) * s * s * np.exp(-s / tau))


def test_exp_tau_m_set_equal_to_tau_syn_afterwards():
    """NEST checks tau_syn != tau_m only when tau_syn is set; the propagator's limit then applies."""
    reset(0.1)
    tau, C, w = 4.0, 250.0, 300.0
    n = nest.Create("iaf_psc_exp_multisynapse", params=dict(C_m=C, V_th=1e9, tau_syn=[tau]))
    n.set(tau_m=tau)
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": w, "delay": 1.0, "receptor_type": 1})
    mm = multimeter(n, ["V_m"], 0.1)
    nest.Simulate(20.0)
    ev = events(mm)
    assert_close(ev["V_m"] + 70.0, exp_psp(ev["times"] - 2.0, w, tau, tau, C))


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MULTI)
def test_current_input_and_v_min(model, res):
    """A dc_generator current enters with one step's delay beyond its connection delay."""
    reset(res)
    p = dict(C_m=250.0, tau_m=10.0, V_th=1e9)
    n = nest.Create(model, params=p)
    dc = nest.Create("dc_generator", params={"amplitude": -500.0})
    nest.Connect(dc, n, syn_spec={"delay": 1.0})
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(20.0)
    ev = events(mm)
    # The generator's current is sent from step 0 and arrives after the 1 ms delay; it
    # drives V from the step after its arrival.
    s = np.maximum(ev["times"] - 1.0 - res, 0.0)
    free = -70.0 - 500.0 * 10.0 / 250.0 * (1.0 - np.exp(-s / 10.0))
    assert_close(ev["V_m"], free)
    if model == "iaf_psc_alpha_multisynapse":
        reset(res)
        n = nest.Create(model, params=dict(p, V_min=-75.0))
        dc = nest.Create("dc_generator", params={"amplitude": -500.0})
        nest.Connect(dc, n, syn_spec={"delay": 1.0})
        mm = multimeter(n, ["V_m"], res)
        nest.Simulate(20.0)
        assert_close(events(mm)["V_m"], np.maximum(free, -75.0))


# --- iaf multisynapse: spiking and refractoriness ------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MULTI)
@pytest.mark.parametrize("t_ref", [2.0, 0.33])
def test_refractory_period_in_steps(model, res, t_ref):
    reset(res)
    p = dict(I_e=1000.0, C_m=250.0, tau_m=10.0, E_L=-70.0, V_reset=-70.0, V_th=-55.0, t_ref=t_ref, tau_syn=[2.0, 3.0])
    n = nest.Create(model, params=p)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(30.0)
    RI, theta = 1000.0 * 10.0 / 250.0, 15.0
    t_star = -10.0 * math.log(1.0 - theta / RI)
    assert abs(t_star / res - round(t_star / res)) > 1e-6
    m = math.ceil(t_star / res)  # steps from rest to the spike
    R = steps(t_ref, res)
    spikes = spike_times(sr)
    period = (R + m) * res
    expected = m * res + period * np.arange(len(spikes))
    assert len(spikes) >= 3
    assert np.allclose(spikes, expected, atol=1e-9)
    ev = events(mm)
    v = ev["V_m"]
    k0 = int(round(spikes[0] / res)) - 1  # sample index at the first spike
    assert np.all(v[k0 : k0 + R + 1] == -70.0)  # reset in the spike step, then R clamped steps
    assert v[k0 + R + 1] == pytest.approx(-70.0 + RI * (1 - math.exp(-res / 10.0)), rel=1e-12)


# --- ports and tau_syn resizing --------------------------------------------------------------


@pytest.mark.parametrize("model", MULTI)
def test_invalid_receptor_ports_rejected_at_connect(model):
    nest.ResetKernel()
    n = nest.Create(model, 2, params={"tau_syn": [1.0, 2.0]})
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
    nest.Connect(sg, n, syn_spec={"receptor_type": 2})
    assert nest.GetKernelStatus("num_connections") == 4


@pytest.mark.parametrize("model", MAT + ["iaf_chs_2007"])
def test_single_port_models_reject_other_ports(model):
    nest.ResetKernel()
    n = nest.Create(model)
    sg = nest.Create("spike_generator")
    with pytest.raises(nest.NESTError):
        nest.Connect(sg, n, syn_spec={"receptor_type": 1})
    dc = nest.Create("dc_generator")
    with pytest.raises(nest.NESTError):
        nest.Connect(dc, n, syn_spec={"receptor_type": 1})
    if model == "iaf_chs_2007":  # receives no currents at all
        with pytest.raises(nest.NESTError):
            nest.Connect(dc, n)
    assert nest.GetKernelStatus("num_connections") == 0


@pytest.mark.parametrize("model", MULTI)
def test_tau_syn_length_fixed_once_connected(model):
    nest.ResetKernel()
    n = nest.Create(model, params={"tau_syn": [1.0, 2.0]})
    n.set(tau_syn=[1.0, 2.0, 3.0])  # free to change before connections exist
    assert n.get("n_synapses") == 3
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    dc = nest.Create("dc_generator")
    nest.Connect(mm, n)
    nest.Connect(dc, n)
    assert n.get("has_connections") is False  # only spike connections count
    sg = nest.Create("spike_generator")
    nest.Connect(sg, n, syn_spec={"receptor_type": 3})
    assert n.get("has_connections") is True
    for bad in ([1.0, 2.0], [1.0, 2.0, 3.0, 4.0], []):
        with pytest.raises(nest.NESTError, match="number of ports"):
            n.set(tau_syn=bad)
        assert n.get("tau_syn") == [1.0, 2.0, 3.0]
    n.set(tau_syn=[4.0, 5.0, 6.0])  # same length: allowed
    assert n.get("tau_syn") == [4.0, 5.0, 6.0]


@pytest.mark.parametrize("model", MULTI)
def test_grown_receptor_ports_work_after_a_run(model):
    """Ports added between runs start from rest; pending current input survives the resize."""
    reset(0.1)
    n = nest.Create(model, params={"tau_syn": [1.0], "V_th": 1e9})
    dc = nest.Create("dc_generator", params={"amplitude": 100.0})
    nest.Connect(dc, n)
    nest.Simulate(5.0)
    v5 = n.get("V_m")
    n.set(tau_syn=[1.0, 4.0])
    sg = nest.Create("spike_generator", params={"spike_times": [6.0]})
    nest.Connect(sg, n, syn_spec={"receptor_type": 2, "weight": 200.0, "delay": 1.0})
    mm = multimeter(n, ["V_m", "I_syn_2"], 0.1)
    nest.Simulate(15.0)
    ev = events(mm)
    t = ev["times"] - 5.0  # recording starts with the second run
    assert ev["times"][0] == pytest.approx(5.1)
    RI = 100.0 * 10.0 / 250.0
    free = -70.0 + RI + (v5 + 70.0 - RI) * np.exp(-t / 10.0)  # dc input continues without a gap
    s = ev["times"] - 7.0
    psp = exp_psp(s, 200.0, 4.0, 10.0, 250.0) if "exp" in model else alpha_psp(s, 200.0, 4.0, 10.0, 250.0)
    assert_close(ev["V_m"], free + psp)


# --- invalid parameters -------------------------------------------------------------

INVALID = {
    "iaf_psc_alpha_multisynapse": [
        dict(C_m=0.0),
        dict(tau_m=-1.0),
        dict(t_ref=-0.1),
        dict(V_reset=-50.0),
        dict(tau_syn=[1.0, 0.0]),
        dict(tau_syn=[-2.0]),
        dict(n_synapses=3),
        dict(has_connections=True),
    ],
    "iaf_psc_exp_multisynapse": [
        dict(C_m=-1.0),
        dict(tau_m=0.0),
        dict(t_ref=-1.0),
        dict(V_th=-80.0),
        dict(tau_syn=[2.0, 10.0]),
        dict(tau_syn=[0.0]),
        dict(n_synapses=2),
    ],
    "mat2_psc_exp": [
        dict(C_m=0.0),
        dict(t_ref=0.0),
        dict(tau_1=0.0),
        dict(tau_2=-1.0),
        dict(tau_syn_ex=5.0),
        dict(tau_m=3.0),
        dict(V_th=-40.0),
    ],
    "amat2_psc_exp": [
        dict(tau_v=10.0),
        dict(tau_v=1.0),
        dict(tau_v=3.0),
        dict(tau_syn_in=10.0),
        dict(tau_v=0.0),
        dict(t_ref=0.0),
        dict(V_th=-40.0),
    ],
    "iaf_chs_2007": [dict(V_epsp=-0.1), dict(V_reset=-1.0), dict(tau_epsp=0.0), dict(tau_reset=-1.0)],
}


@pytest.mark.parametrize("model,bad", [(m, b) for m, bs in INVALID.items() for b in bs])
def test_invalid_parameters_rejected_node_unchanged(model, bad):
    nest.ResetKernel()
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(nest.NESTError):
        n.set(dict(bad, I_e=123.0) if "I_e" in before else dict(bad, V_noise=0.5))
    assert n.get() == before
    with pytest.raises(nest.NESTError):
        nest.Create(model, params=bad)


@pytest.mark.parametrize("model", MAT)
def test_mat_refractory_shorter_than_a_step_rejected_at_simulate(model):
    reset(0.1)
    nest.Create(model, params={"t_ref": 0.0004})  # rounds to zero tics
    with pytest.raises(nest.NESTError, match="at least one time step"):
        nest.Simulate(1.0)


# --- MAT models -------------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MAT)
def test_mat_threshold_kinetics_after_a_spike(model, res):
    """Start above threshold, no input: one spike in the first step, then
    V_th(t) = omega + alpha_1 exp(-(t - t_s) / tau_1) + alpha_2 exp(-(t - t_s) / tau_2),
    while V relaxes to E_L without reset."""
    reset(res)
    p = dict(V_m=-40.0, alpha_1=100.0 if model == "amat2_psc_exp" else 37.0)
    n = nest.Create(model, params=p)
    d = n.get()
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = multimeter(n, ["V_m", "V_th"], res)
    nest.Simulate(60.0)
    spikes = spike_times(sr)
    assert np.allclose(spikes, [res])
    ev = events(mm)
    t = ev["times"]
    assert_close(ev["V_m"], d["E_L"] + 30.0 * np.exp(-t / d["tau_m"]))
    s = t - res
    expected = d["omega"] + d["alpha_1"] * np.exp(-s / d["tau_1"]) + d["alpha_2"] * np.exp(-s / d["tau_2"])
    assert_close(ev["V_th"], expected)
    end = n.get(["V_th_alpha_1", "V_th_alpha_2", "V_th"])
    assert end["V_th_alpha_1"] == pytest.approx(d["alpha_1"] * math.exp(-(60.0 - res) / d["tau_1"]), rel=1e-9)
    assert end["V_th_alpha_2"] == pytest.approx(d["alpha_2"] * math.exp(-(60.0 - res) / d["tau_2"]), rel=1e-9)
    assert end["V_th"] == pytest.approx(d["omega"] + end["V_th_alpha_1"] + end["V_th_alpha_2"], abs=1e-12)


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MAT)
@pytest.mark.parametrize("t_ref", [2.0, 0.33])
def test_mat_refractory_period_in_steps(model, res, t_ref):
    """Without adaptation and with V held above omega, spikes come every ceil(t_ref / h) + 1 steps."""
    reset(res)
    n = nest.Create(model, params=dict(V_m=-40.0, I_e=1000.0, alpha_1=0.0, alpha_2=0.0, t_ref=t_ref))
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(20.0)
    period = (steps(t_ref, res) + 1) * res
    spikes = spike_times(sr)
    expected = res + period * np.arange(len(spikes))
    assert len(spikes) == math.floor((20.0 - res) / period + 1e-9) + 1
    assert np.allclose(spikes, expected, atol=1e-9)


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", MAT)
def test_mat_synaptic_currents(model, res):
    reset(res)
    n = nest.Create(model, params=dict(omega=1000.0))
    d = n.get()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 5.0]})
    nest.Connect(sg[0], n, syn_spec={"weight": 400.0, "delay": 1.0})
    sg2 = nest.Create("spike_generator", params={"spike_times": [3.0]})
    nest.Connect(sg2, n, syn_spec={"weight": -300.0, "delay": 2.0})
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(30.0)
    ev = events(mm)
    t = ev["times"]
    v = (
        exp_psp(t - 2.0, 400.0, d["tau_syn_ex"], d["tau_m"], d["C_m"])
        + exp_psp(t - 6.0, 400.0, d["tau_syn_ex"], d["tau_m"], d["C_m"])
        + exp_psp(t - 5.0, -300.0, d["tau_syn_in"], d["tau_m"], d["C_m"])
    )
    assert_close(ev["V_m"] - d["E_L"], v)


def theta_v_response(t, beta, a_v, rates_and_gains):
    """beta * integral_0^t (t-u) exp(-a_v (t-u)) dV/dt(u) du for dV/dt = sum g exp(-lam u)."""
    return beta * sum(g * kernel_integral(lam, a_v, t) for lam, g in rates_and_gains)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_amat_voltage_dependent_threshold_closed_form(res):
    """V_th_v under a constant current from an offset V0 and under one excitatory and one
    inhibitory synaptic current, with spiking suppressed by a high omega."""
    reset(res)
    p = dict(
        beta=1.7,
        tau_v=4.0,
        tau_m=10.0,
        C_m=200.0,
        E_L=-70.0,
        V_m=-62.0,
        I_e=90.0,
        omega=1000.0,
        tau_syn_ex=1.5,
        tau_syn_in=6.0,
    )
    n = nest.Create("amat2_psc_exp", params=p)
    t_ex, t_in, w_ex, w_in = 4.0, 9.0, 700.0, -500.0
    sg_ex = nest.Create("spike_generator", params={"spike_times": [t_ex - 1.0]})
    sg_in = nest.Create("spike_generator", params={"spike_times": [t_in - 1.0]})
    nest.Connect(sg_ex, n, syn_spec={"weight": w_ex, "delay": 1.0})
    nest.Connect(sg_in, n, syn_spec={"weight": w_in, "delay": 1.0})
    mm = multimeter(n, ["V_m", "V_th", "V_th_v", "I_syn_ex", "I_syn_in"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    t = ev["times"]
    a_m, a_v, C = 1 / p["tau_m"], 1 / p["tau_v"], p["C_m"]
    dV0 = p["V_m"] - p["E_L"]
    # From rest offset dV0 and constant drive: dV/dt = (I_e / C - dV0 a_m) exp(-a_m t).
    th = theta_v_response(t, p["beta"], a_v, [(a_m, p["I_e"] / C - dV0 * a_m)])
    v = dV0 * np.exp(-a_m * t) + p["I_e"] / C / a_m * (1 - np.exp(-a_m * t))
    for t0, w, tau_s, key in [(t_ex, w_ex, p["tau_syn_ex"], "I_syn_ex"), (t_in, w_in, p["tau_syn_in"], "I_syn_in")]:
        s = np.maximum(t - t0, 0.0)
        a_s = 1 / tau_s
        # dV/dt of exp_psp: w / C (a_m e^{-a_m s} - a_s e^{-a_s s}) / (a_m - a_s).
        g = w / C / (a_m - a_s)
        th += np.where(t >= t0 - 1e-9, theta_v_response(s, p["beta"], a_v, [(a_m, g * a_m), (a_s, -g * a_s)]), 0.0)
        v += exp_psp(t - t0, w, tau_s, p["tau_m"], C)
        assert_close(ev[key], np.where(t >= t0 - 1e-9, w * np.exp(-s / tau_s), 0.0), scale=abs(w))
    assert_close(ev["V_m"] - p["E_L"], v)
    assert_close(ev["V_th_v"], th, scale=np.max(np.abs(ev["V_m"] - p["E_L"])))
    assert_close(ev["V_th"], p["omega"] + ev["V_th_v"])
    assert np.max(np.abs(th)) > 0.1  # the test exercises a visible threshold component


def test_amat_with_beta_zero_behaves_like_mat2():
    reset(0.1)
    common = dict(
        C_m=150.0,
        tau_m=8.0,
        t_ref=1.5,
        E_L=-68.0,
        I_e=600.0,
        tau_syn_ex=1.2,
        tau_syn_in=2.5,
        tau_1=12.0,
        tau_2=150.0,
        alpha_1=20.0,
        alpha_2=3.0,
        omega=-55.0,
    )
    a = nest.Create("mat2_psc_exp", params=common)
    b = nest.Create("amat2_psc_exp", params=dict(common, beta=0.0, tau_v=4.0))
    sr = nest.Create("spike_recorder")
    nest.Connect(a + b, sr)
    nest.Simulate(300.0)
    ev = sr.get("events")
    sa = np.array(ev["times"])[np.array(ev["senders"]) == a.tolist()[0]]
    sb = np.array(ev["times"])[np.array(ev["senders"]) == b.tolist()[0]]
    assert len(sa) > 5 and np.array_equal(sa, sb)


# --- iaf_chs_2007 -------------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_chs_epsp_shape_and_peak(res):
    reset(res)
    n = nest.Create("iaf_chs_2007")
    d = n.get()
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 3.0]})
    nest.Connect(sg, n, syn_spec={"weight": 0.5, "delay": 1.0})
    sg_neg = nest.Create("spike_generator", params={"spike_times": [2.5]})
    nest.Connect(sg_neg, n, syn_spec={"weight": -5.0, "delay": 1.0})  # ignored by the model
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(50.0)
    ev = events(mm)
    t = ev["times"]
    tau = d["tau_epsp"]

    def epsp(s, w):
        s = np.maximum(s, 0.0)
        return w * d["V_epsp"] * math.e * s / tau * np.exp(-s / tau)

    assert_close(ev["V_m"], epsp(t - 3.0, 0.5) + epsp(t - 4.0, 0.5))
    assert epsp(tau, 0.5) == pytest.approx(0.5 * d["V_epsp"])  # the peak is V_epsp per unit weight


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_chs_spike_and_after_hyperpolarization(res):
    reset(res)
    n = nest.Create("iaf_chs_2007", params={"V_reset": 1.2, "tau_reset": 7.0})
    d = n.get()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": 3.0, "delay": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(80.0)
    ev = events(mm)
    t = ev["times"]
    s = np.maximum(t - 2.0, 0.0)
    v_syn = 3.0 * d["V_epsp"] * math.e * s / d["tau_epsp"] * np.exp(-s / d["tau_epsp"])
    # Walk the grid with the model's rule: V = V_syn + V_spike; crossing 1 subtracts V_reset
    # from V_spike, which recovers with tau_reset.
    expected, fired, v_spike, last = [], [], 0.0, 0.0
    for k, tk in enumerate(t):
        v_spike *= math.exp(-(tk - last) / d["tau_reset"])
        last = tk
        v = v_syn[k] + v_spike
        if v >= 1.0:
            v_spike -= d["V_reset"]
            v -= d["V_reset"]
            fired.append(tk)
        expected.append(v)
    assert len(fired) >= 2
    assert np.allclose(spike_times(sr), fired, atol=1e-9)
    assert_close(ev["V_m"], expected)


def test_chs_noise_signal():
    reset(0.1)
    noise = list(np.sin(np.arange(300) * 0.37))
    n = nest.Create("iaf_chs_2007", params={"V_noise": 0.05, "noise": noise})
    mm = multimeter(n, ["V_m"], 0.1)
    nest.Simulate(15.0)
    n.set(noise=noise)  # a new signal is read from its start
    nest.Simulate(5.0)
    n.set(V_noise=0.0)  # switched off: the signal is neither used nor consumed
    nest.Simulate(3.0)
    v = events(mm)["V_m"]
    assert len(v) >= 220
    assert_close(v[:150], 0.05 * np.array(noise[:150]))
    assert_close(v[150:200], 0.05 * np.array(noise[:50]))
    assert_close(v[200:220], np.zeros(20))


# --- chunking, threads, heterogeneous receptor counts ---------------------------------------


def _network(res, threads, chunks):
    reset(res, threads)
    taus = [[2.0], [2.0, 5.0, 9.0], [1.0, 4.0], [3.0, 3.0, 3.0, 7.0], [0.7]]
    out = {}
    for model in MULTI:
        n = nest.Create(model, len(taus), params={"I_e": 300.0, "t_ref": 1.0})
        for k, tau in enumerate(taus):
            n[k].set(tau_syn=tau)
        sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.5, 7.0, 7.5, 13.5, 21.0]})
        for k, tau in enumerate(taus):
            for port in range(1, len(tau) + 1):
                w = 150.0 * (1 if port % 2 else -1) * (k + 1)
                nest.Connect(sg, n[k], syn_spec={"receptor_type": port, "weight": w, "delay": 0.5 + 0.5 * port})
        mm = multimeter(n, ["V_m", "I_syn"], res)
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        out[model] = (mm, sr, n)
    for c in chunks:
        nest.Simulate(c)
    return {m: (events(mm), events(sr), n.get("V_m")) for m, (mm, sr, n) in out.items()}


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_chunked_and_threaded_runs_are_identical(res):
    base = _network(res, 1, [40.0])
    for threads, chunks in [(1, [0.5, 12.0, 7.5, 20.0]), (3, [40.0]), (2, [res, 25.0, 15.0 - res])]:
        other = _network(res, threads, chunks)
        for m in MULTI:
            a, b = base[m], other[m]
            for k in a[0]:
                assert np.array_equal(a[0][k], b[0][k]), (m, k)
            for k in a[1]:
                assert np.array_equal(np.sort(a[1][k]), np.sort(b[1][k])), (m, k)
            assert a[2] == b[2]


def test_recording_a_receptor_the_node_lacks_is_refused_at_connect():
    # As NEST: a node with one receptor has no I_syn_2; the multimeter is refused.
    reset(0.1, 1)
    for model in MULTI:
        n = nest.Create(model, 2)
        n[1].set(tau_syn=[2.0, 5.0])
        mm = nest.Create("multimeter", params={"record_from": ["I_syn_2"]})
        before = nest.num_connections
        with pytest.raises(nest.NESTErrors.IllegalConnection):
            nest.Connect(mm, n)
        assert nest.num_connections == before
        nest.Connect(mm, n[1])
        assert nest.num_connections == before + 1


@pytest.mark.parametrize("model", ["iaf_psc_exp_multisynapse", "iaf_psc_alpha_multisynapse"])
def test_mixed_receptor_counts_equal_uniform_populations(model):
    # A population whose nodes have different numbers of receptors takes the per-node update;
    # uniform populations sweep receptor rows. Both must give every node the same bits.
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    mixed = nest.Create(model, 3)
    mixed[:2].set(tau_syn=[2.0, 3.0])
    mixed[2].set(tau_syn=[2.0])
    two = nest.Create(model, 2, params={"tau_syn": [2.0, 3.0]})
    one = nest.Create(model, 1, params={"tau_syn": [2.0]})
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 3.0, 7.5, 9.0, 20.0, 31.0, 33.0]})
    for targets in (mixed[:2], two):
        nest.Connect(sg, targets, syn_spec={"receptor_type": 1, "weight": 900.0})
        nest.Connect(sg, targets, syn_spec={"receptor_type": 2, "weight": -300.0, "delay": 2.0})
    for targets in (mixed[2], one):
        nest.Connect(sg, targets, syn_spec={"receptor_type": 1, "weight": 900.0})
    dc = nest.Create("dc_generator", params={"amplitude": 420.0})
    nest.Connect(dc, mixed + two + one)
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn"], "interval": 0.1})
    nest.Connect(mm, mixed + two + one)
    sr = nest.Create("spike_recorder")
    nest.Connect(mixed + two + one, sr)
    nest.Simulate(60.0)
    ev, spikes = mm.events, sr.events
    ids = (mixed + two + one).tolist()
    for a, b in zip(ids[:3], ids[3:]):
        for key in ("V_m", "I_syn"):
            assert np.array_equal(ev[key][ev["senders"] == a], ev[key][ev["senders"] == b]), (a, b, key)
        assert np.array_equal(spikes["times"][spikes["senders"] == a], spikes["times"][spikes["senders"] == b])
    assert len(spikes["times"]) >= 6  # every node crosses threshold: reset and refractoriness are exercised
