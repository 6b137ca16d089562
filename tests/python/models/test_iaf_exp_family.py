"""iaf_psc_exp, iaf_psc_delta, iaf_psc_exp_htum, iaf_tum_2000 and ignore_and_fire
against closed-form solutions of their dynamics.

Timing conventions used below (NEST's grid semantics):
* a multimeter sample at time t = (k+1) h shows the state after the update of step k;
* a spike emitted at time t_s through a connection with delay d acts at t0 = t_s + d,
  so a PSC or voltage jump is visible in the sample at t0;
* a neuron spikes at the end of the first step whose update takes V to or above
  V_th and is then clamped to V_reset for ceil(t_ref / h) further steps.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

RESOLUTIONS = [0.1, 0.05, 0.25]
EXP_MODELS = ["iaf_psc_exp", "iaf_psc_exp_htum", "iaf_tum_2000"]
IAF_MODELS = EXP_MODELS + ["iaf_psc_delta"]
RTOL = 1e-9


def reset(res):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res})


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


def v_relative(model, ev, E_L):
    # iaf_psc_exp_htum records V_m relative to E_L in NEST 3.10 (its status is absolute).
    return ev["V_m"] if model == "iaf_psc_exp_htum" else ev["V_m"] - E_L


def steps(t, h):
    """Time in whole steps, rounded up like NEST's Time::get_steps()."""
    return math.ceil(t / h - 1e-9)


def crossing_steps(theta, R_I, tau, h):
    """Steps from V = E_L to the first grid point at or above threshold under constant input."""
    t_star = -tau * math.log(1.0 - theta / R_I)
    m = t_star / h
    assert abs(m - round(m)) > 1e-6, "parameter choice puts the crossing on the grid"
    return math.ceil(m)


# --- defaults --------------------------------------------------------------------

NEST_DEFAULTS = {
    "iaf_psc_exp": dict(
        C_m=250.0,
        tau_m=10.0,
        t_ref=2.0,
        E_L=-70.0,
        V_reset=-70.0,
        V_th=-55.0,
        I_e=0.0,
        tau_syn_ex=2.0,
        tau_syn_in=2.0,
        rho=0.01,
        delta=0.0,
        V_m=-70.0,
    ),
    "iaf_psc_delta": dict(
        C_m=250.0,
        tau_m=10.0,
        t_ref=2.0,
        E_L=-70.0,
        V_reset=-70.0,
        V_th=-55.0,
        I_e=0.0,
        V_min=-np.finfo(float).max,
        refractory_input=False,
        V_m=-70.0,
        ignore_and_spike=False,
        ignore_and_spike_offset=1.0,
        ignore_and_spike_interval=100.0,
    ),
    "iaf_psc_exp_htum": dict(
        C_m=250.0,
        tau_m=10.0,
        t_ref_abs=2.0,
        t_ref_tot=2.0,
        E_L=-70.0,
        V_reset=-70.0,
        V_th=-55.0,
        I_e=0.0,
        tau_syn_ex=2.0,
        tau_syn_in=2.0,
        V_m=-70.0,
    ),
    "iaf_tum_2000": dict(
        C_m=250.0,
        tau_m=10.0,
        t_ref=2.0,
        E_L=-70.0,
        V_reset=-70.0,
        V_th=-55.0,
        I_e=0.0,
        tau_syn_ex=2.0,
        tau_syn_in=2.0,
        rho=0.01,
        delta=0.0,
        tau_fac=1000.0,
        tau_psc=2.0,
        tau_rec=400.0,
        U=0.5,
        x=0.0,
        y=0.0,
        u=0.0,
        V_m=-70.0,
    ),
    "ignore_and_fire": dict(phase=1.0, rate=10.0),
}
NEST_RECORDABLES = {
    "iaf_psc_exp": ["V_m", "I_syn_ex", "I_syn_in"],
    "iaf_psc_delta": ["V_m"],
    "iaf_psc_exp_htum": ["V_m", "I_syn_ex", "I_syn_in"],
    "iaf_tum_2000": ["V_m", "I_syn_ex", "I_syn_in"],
}


@pytest.mark.parametrize("model", sorted(NEST_DEFAULTS))
def test_defaults_match_nest(model):
    nest.ResetKernel()
    d = nest.GetDefaults(model)
    for key, value in NEST_DEFAULTS[model].items():
        assert d[key] == value, key
    assert d["element_type"] == "neuron"
    assert sorted(d.get("recordables", [])) == sorted(NEST_RECORDABLES.get(model, []))


# --- subthreshold dynamics ----------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", IAF_MODELS)
def test_free_membrane_under_constant_current(model, res):
    reset(res)
    p = dict(I_e=180.0, C_m=200.0, tau_m=12.5, E_L=-65.0, V_m=-65.0, V_reset=-65.0, V_th=1e9)
    n = nest.Create(model, params=p)
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    t = ev["times"]
    assert len(t) > 100 and np.allclose(np.diff(t), res)
    expected = p["I_e"] * p["tau_m"] / p["C_m"] * (1.0 - np.exp(-t / p["tau_m"]))
    assert_close(v_relative(model, ev, p["E_L"]), expected)
    # Status V_m is absolute for every model, at the end of the run.
    assert n.get("V_m") == pytest.approx(
        p["E_L"] + p["I_e"] * p["tau_m"] / p["C_m"] * (1 - math.exp(-40.0 / 12.5)), rel=1e-12
    )


def exp_psp(t, w, tau_s, tau_m, C):
    """Voltage response (relative to rest) to a current w exp(-t/tau_s) starting at t = 0."""
    t = np.maximum(t, 0.0)
    if tau_s == tau_m:
        return w / C * t * np.exp(-t / tau_m)
    return w / C * tau_s * tau_m / (tau_m - tau_s) * (np.exp(-t / tau_m) - np.exp(-t / tau_s))


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", EXP_MODELS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_exponential_psc_and_psp(model, res, sign):
    reset(res)
    p = dict(tau_syn_ex=2.5, tau_syn_in=1.5, tau_m=10.0, C_m=250.0, V_th=1e9)
    n = nest.Create(model, params=p)
    t_spike, delay, w = 2.0, 1.5, sign * 800.0
    sg = nest.Create("spike_generator", params={"spike_times": [t_spike]})
    nest.Connect(sg, n, syn_spec={"weight": w, "delay": delay})
    mm = multimeter(n, ["V_m", "I_syn_ex", "I_syn_in"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    t = ev["times"]
    t0 = t_spike + delay
    tau_s = p["tau_syn_ex"] if sign > 0 else p["tau_syn_in"]
    on = t >= t0 - 1e-9
    current = np.where(on, w * np.exp(-(t - t0) / tau_s), 0.0)
    active, silent = ("I_syn_ex", "I_syn_in") if sign > 0 else ("I_syn_in", "I_syn_ex")
    assert_close(ev[active], current)
    assert np.all(ev[silent] == 0.0)
    assert ev[active][np.argmin(np.abs(t - t0))] == pytest.approx(w, rel=1e-12)
    expected_v = np.where(on, exp_psp(t - t0, w, tau_s, p["tau_m"], p["C_m"]), 0.0)
    assert_close(v_relative(model, ev, -70.0), expected_v)
    # The PSP peaks at t0 + ln(tau_m/tau_s) tau_m tau_s / (tau_m - tau_s).
    t_peak = t0 + math.log(p["tau_m"] / tau_s) * p["tau_m"] * tau_s / (p["tau_m"] - tau_s)
    k = np.argmax(np.abs(v_relative(model, ev, -70.0)))
    assert abs(t[k] - t_peak) <= res + 1e-9


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_exponential_psp_singular_case(res):
    # tau_m == tau_syn: the propagator switches to its limit form t/C exp(-t/tau).
    reset(res)
    n = nest.Create("iaf_psc_exp", params={"tau_m": 4.0, "tau_syn_ex": 4.0, "V_th": 1e9})
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": 1000.0, "delay": 1.0})
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(30.0)
    ev = events(mm)
    t = ev["times"]
    expected = np.where(t >= 2.0 - 1e-9, exp_psp(t - 2.0, 1000.0, 4.0, 4.0, 250.0), 0.0)
    assert_close(ev["V_m"] + 70.0, expected)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_delta_psp_and_lower_bound(res):
    reset(res)
    n = nest.Create("iaf_psc_delta", 2, params={"V_min": -80.0})
    sg = nest.Create("spike_generator", params={"spike_times": [2.0]})
    nest.Connect(sg, n[0], syn_spec={"weight": 3.0, "delay": 1.0})
    nest.Connect(sg, n[1], syn_spec={"weight": -30.0, "delay": 1.0})
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(40.0)
    ev = events(mm)
    for gid, jump in ((n[0].global_id, 3.0), (n[1].global_id, -10.0)):  # -30 mV is clipped at V_min
        sel = ev["senders"] == gid
        t, v = ev["times"][sel], ev["V_m"][sel]
        expected = np.where(t >= 3.0 - 1e-9, -70.0 + jump * np.exp(-(t - 3.0) / 10.0), -70.0)
        assert_close(v, expected, scale=70.0)


# --- spiking and refractoriness -------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("t_ref", [2.0, 1.23])
@pytest.mark.parametrize("model", IAF_MODELS)
def test_spike_times_and_refractory_clamp(model, res, t_ref):
    reset(res)
    ref = {"t_ref_abs": t_ref, "t_ref_tot": t_ref} if model == "iaf_psc_exp_htum" else {"t_ref": t_ref}
    p = dict(I_e=500.0, C_m=250.0, tau_m=10.0, E_L=-70.0, V_reset=-70.0, V_th=-55.0, **ref)
    n = nest.Create(model, params=p)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(100.0)
    m = crossing_steps(15.0, p["I_e"] * p["tau_m"] / p["C_m"], p["tau_m"], res)
    n_ref = steps(t_ref, res)
    expected = [(m + j * (n_ref + m)) * res for j in range(1000) if (m + j * (n_ref + m)) * res <= 100.0 + 1e-9]
    spikes = np.asarray(sr.get("events")["times"])
    assert len(spikes) == len(expected)
    if model != "iaf_tum_2000":  # its recorded times carry the release offset (see below)
        assert_close(spikes, expected)
    ev = events(mm)
    t, v = ev["times"], v_relative(model, ev, -70.0)
    for ts in expected[:-1]:
        k = int(np.argmin(np.abs(t - ts)))
        assert abs(t[k] - ts) < 1e-9
        assert v[k - 1] < 15.0
        assert np.all(v[k : k + n_ref + 1] == 0.0)  # at V_reset from the spike for ceil(t_ref/h) steps
        assert v[k + n_ref + 1] > 0.0


def test_tum_2000_spike_recorder_shows_time_minus_release():
    # iaf_tum_2000 sends the released fraction u x as the spike's offset, and NEST's
    # spike_recorder reports stamp - offset.
    reset(0.1)
    n = nest.Create("iaf_tum_2000", params={"I_e": 500.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    m, n_ref = crossing_steps(15.0, 20.0, 10.0, 0.1), steps(2.0, 0.1)
    stamps = [(m + j * (n_ref + m)) * 0.1 for j in range(1000) if (m + j * (n_ref + m)) * 0.1 <= 100.0 + 1e-9]
    released, _ = tsodyks_release(stamps, 0.5, 1000.0, 2.0, 400.0, 0.0, 0.0, 0.0)
    assert_close(sr.get("events")["times"], np.array(stamps) - released)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_htum_total_refractory_period(res):
    # V is clamped for t_ref_abs, integrates afterwards, but cannot fire before t_ref_tot has passed.
    reset(res)
    p = dict(I_e=5000.0, t_ref_abs=0.5, t_ref_tot=3.0)
    n = nest.Create("iaf_psc_exp_htum", params=p)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(50.0)
    m = crossing_steps(15.0, 5000.0 * 10.0 / 250.0, 10.0, res)
    n_abs, n_tot = steps(0.5, res), steps(3.0, res)
    isi = max(n_abs + m, n_tot + 1)
    spikes = np.asarray(sr.get("events")["times"])
    expected = [(m + j * isi) * res for j in range(len(spikes) + 1) if (m + j * isi) * res <= 50.0 + 1e-9]
    assert_close(spikes, expected)
    ev = events(mm)
    between = (ev["times"] > spikes[0] + 1e-9) & (ev["times"] < spikes[1] - 1e-9)
    assert np.max(ev["V_m"][between]) > 15.0  # above threshold (relative) yet silent


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("refractory_input", [False, True])
def test_delta_refractory_input(res, refractory_input):
    reset(res)
    # Starting above threshold, the neuron fires in its first step (at t = h).
    n = nest.Create("iaf_psc_delta", params={"V_m": -50.0, "refractory_input": refractory_input})
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": 4.0, "delay": 0.5})  # arrives at 1.5 ms, while refractory
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = multimeter(n, ["V_m"], res)
    nest.Simulate(20.0)
    assert_close(sr.get("events")["times"], [res])
    ev = events(mm)
    t, v = ev["times"], ev["V_m"]
    end_refr = (steps(2.0, res) + 1) * res  # last sample clamped at V_reset
    assert np.all(v[t <= end_refr + 1e-9] == -70.0)
    after = t > end_refr + 1e-9
    expected = -70.0 + (4.0 if refractory_input else 0.0) * np.exp(-(t[after] - 1.5) / 10.0)
    assert_close(v[after], expected, scale=70.0)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_delta_ignore_and_spike(res):
    reset(res)
    n = nest.Create(
        "iaf_psc_delta",
        params={
            "ignore_and_spike": True,
            "ignore_and_spike_offset": 3.0,
            "ignore_and_spike_interval": 7.0,
            "I_e": 1000.0,
        },
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(40.0)
    assert_close(sr.get("events")["times"], [3.0, 10.0, 17.0, 24.0, 31.0, 38.0])


# --- ports and input routing --------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("model", ["iaf_psc_exp", "iaf_tum_2000"])
def test_current_on_receptor_1_is_filtered_by_the_excitatory_synapse(model, res):
    reset(res)
    n = nest.Create(model, params={"tau_syn_ex": 3.0, "V_th": 1e9})
    g = nest.Create("step_current_generator", params={"amplitude_times": [2.0], "amplitude_values": [120.0]})
    nest.Connect(g, n, syn_spec={"receptor_type": 1, "delay": 1.0})
    mm = multimeter(n, ["I_syn_ex", "I_syn_in"], res)
    nest.Simulate(30.0)
    ev = events(mm)
    t = ev["times"]
    expected = np.where(t >= 3.0, 120.0 * (1.0 - np.exp(-(t - 3.0) / 3.0)), 0.0)
    assert_close(ev["I_syn_ex"], expected)
    assert np.all(ev["I_syn_in"] == 0.0)


def test_receptor_ports():
    nest.ResetKernel()
    sg = nest.Create("spike_generator")
    dc = nest.Create("dc_generator")
    for model, spike_ports, current_ports in (
        ("iaf_psc_exp", [0], [0, 1]),
        ("iaf_psc_delta", [0], [0]),
        ("iaf_psc_exp_htum", [0], [0]),
        ("iaf_tum_2000", [0, 1], [0, 1]),
        ("ignore_and_fire", [0], [0]),
    ):
        n = nest.Create(model)
        for r in range(3):
            for src, ok in ((sg, r in spike_ports), (dc, r in current_ports)):
                if ok:
                    nest.Connect(src, n, syn_spec={"receptor_type": r})
                else:
                    with pytest.raises(nest.NESTError):
                        nest.Connect(src, n, syn_spec={"receptor_type": r})


# --- iaf_tum_2000: presynaptic short-term plasticity ---------------------------------------


def tsodyks_release(spike_times, U, tau_fac, tau_psc, tau_rec, x, y, u):
    """Released fraction u x at each spike; resources advanced exactly between spikes."""
    out, t_prev = [], 0.0
    for t in spike_times:
        dt = t - t_prev
        z = 1.0 - x - y
        # dy/dt = -y/tau_psc, dz/dt = y/tau_psc - z/tau_rec, x = 1 - y - z
        y_new = y * math.exp(-dt / tau_psc)
        z_new = z * math.exp(-dt / tau_rec) + y / tau_psc * (math.exp(-dt / tau_psc) - math.exp(-dt / tau_rec)) / (
            1.0 / tau_rec - 1.0 / tau_psc
        )
        x, y = 1.0 - y_new - z_new, y_new
        u = u * math.exp(-dt / tau_fac) if tau_fac > 0 else 0.0
        u += U * (1.0 - u)
        r = u * x
        x -= r
        y += r
        out.append(r)
        t_prev = t
    return np.array(out), (x, y, u)


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("tau_fac", [1000.0, 0.0])
def test_tum_2000_released_fraction_scales_receptor_1(res, tau_fac):
    reset(res)
    stp = dict(U=0.3, tau_fac=tau_fac, tau_psc=3.0, tau_rec=150.0)
    pre = nest.Create("iaf_tum_2000", params=dict(I_e=500.0, x=0.8, y=0.1, u=0.2, **stp))
    post = nest.Create("iaf_tum_2000", params={"V_th": 1e9, "tau_syn_ex": 2.0})
    plain = nest.Create("iaf_psc_exp", params={"V_th": 1e9, "tau_syn_ex": 2.0})
    W, d = 100.0, 1.0
    nest.Connect(pre, post, syn_spec={"weight": W, "delay": d, "receptor_type": 1})
    nest.Connect(pre, plain, syn_spec={"weight": W, "delay": d})
    mm = multimeter(post + plain, ["I_syn_ex"], res)
    nest.Simulate(120.0)
    m = crossing_steps(15.0, 20.0, 10.0, res)
    n_ref = steps(2.0, res)
    t_spk = [(m + j * (n_ref + m)) * res for j in range(20) if (m + j * (n_ref + m)) * res <= 120.0 + 1e-9]
    released, (x, y, u) = tsodyks_release(t_spk, stp["U"], tau_fac, stp["tau_psc"], stp["tau_rec"], 0.8, 0.1, 0.2)
    ev = events(mm)
    for target, amp in ((post, W * released), (plain, W * np.ones(len(t_spk)))):
        sel = ev["senders"] == target.global_id
        t = ev["times"][sel]
        arrival = np.array(t_spk) + d
        expected = np.zeros_like(t)
        for a, w in zip(arrival, amp):
            expected += np.where(t >= a - 1e-9, w * np.exp(-(t - a) / 2.0), 0.0)
        assert_close(ev["I_syn_ex"][sel], expected)
    # Status shows the resources right after the last spike.
    assert pre.get("x") == pytest.approx(x, rel=1e-10)
    assert pre.get("y") == pytest.approx(y, rel=1e-10)
    assert pre.get("u") == pytest.approx(u, rel=1e-10, abs=1e-15)


# --- escape noise ---------------------------------------------------------------------


@pytest.mark.parametrize("model", ["iaf_psc_exp", "iaf_tum_2000"])
def test_escape_noise_rate(model):
    # At rest (= V_reset) the per-step spike probability is rho exp((V - V_th)/delta) h, also
    # while refractory, so the count per neuron is binomial.
    nest.ResetKernel()
    N, T, h = 200, 10000.0, 0.1
    rho, delta = 100.0, 5.0
    n = nest.Create(model, N, params={"rho": rho, "delta": delta})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(T)
    p = rho * math.exp(-15.0 / delta) * h * 1e-3
    trials = N * round(T / h)
    count = len(sr.get("events")["times"])
    assert abs(count - trials * p) < 5.0 * math.sqrt(trials * p * (1 - p))


# --- ignore_and_fire ------------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_ignore_and_fire_fixed_rate_regardless_of_input(res):
    reset(res)
    rates, phases = [50.0, 13.0, 7.0], [0.3, 1.0, 0.55]
    n = nest.Create("ignore_and_fire", 3)
    n.set({"rate": rates, "phase": phases})
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 6.0, 7.0]})
    nest.Connect(sg, n, syn_spec={"weight": 5000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(400.0)
    ev = events(sr)
    for i, (rate, phase) in enumerate(zip(rates, phases)):
        # First spike one step after phase/rate (rounded up to the grid), then every 1/rate.
        first, period = steps(phase / rate * 1000.0, res), steps(1000.0 / rate, res)
        expected = [(first + 1 + j * period) * res for j in range(100) if (first + 1 + j * period) * res <= 400.0]
        assert_close(ev["times"][ev["senders"] == n[i].global_id], expected)


def test_ignore_and_fire_restarts_its_phase_on_set():
    nest.ResetKernel()
    n = nest.Create("ignore_and_fire", params={"rate": 100.0, "phase": 0.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(23.0)
    n.set({"rate": 50.0})
    nest.Simulate(40.0)
    # 5.1, 15.1 before; after t = 23: first after 0.5 * 20 ms (+ one step), then every 20 ms.
    assert_close(sr.get("events")["times"], [5.1, 15.1, 33.1, 53.1])


# --- parameter checks ---------------------------------------------------------------------

INVALID = [
    ("iaf_psc_exp", {"V_reset": -50.0}),
    ("iaf_psc_exp", {"V_th": -75.0}),
    ("iaf_psc_exp", {"C_m": 0.0}),
    ("iaf_psc_exp", {"tau_m": -1.0}),
    ("iaf_psc_exp", {"tau_syn_ex": 0.0}),
    ("iaf_psc_exp", {"tau_syn_in": -2.0}),
    ("iaf_psc_exp", {"t_ref": -0.1}),
    ("iaf_psc_exp", {"rho": -1.0}),
    ("iaf_psc_exp", {"delta": -0.5}),
    ("iaf_psc_exp", {"tau_minus": 0.0}),
    ("iaf_psc_delta", {"V_reset": -55.0}),
    ("iaf_psc_delta", {"C_m": -250.0}),
    ("iaf_psc_delta", {"tau_m": 0.0}),
    ("iaf_psc_delta", {"t_ref": -1.0}),
    ("iaf_psc_delta", {"ignore_and_spike_offset": 0.0}),
    ("iaf_psc_delta", {"ignore_and_spike_interval": -3.0}),
    ("iaf_psc_exp_htum", {"t_ref_abs": 3.0}),
    ("iaf_psc_exp_htum", {"t_ref_abs": 0.0}),
    ("iaf_psc_exp_htum", {"t_ref_tot": 0.0}),
    ("iaf_psc_exp_htum", {"V_reset": -40.0}),
    ("iaf_psc_exp_htum", {"tau_syn_in": 0.0}),
    ("iaf_tum_2000", {"U": 1.5}),
    ("iaf_tum_2000", {"U": -0.1}),
    ("iaf_tum_2000", {"tau_fac": -1.0}),
    ("iaf_tum_2000", {"tau_psc": 0.0}),
    ("iaf_tum_2000", {"tau_rec": 0.0}),
    ("iaf_tum_2000", {"x": 0.7, "y": 0.4}),
    ("iaf_tum_2000", {"u": 1.2}),
    ("iaf_tum_2000", {"u": -0.1}),
    ("iaf_tum_2000", {"V_reset": -55.0}),
    ("ignore_and_fire", {"phase": 0.0}),
    ("ignore_and_fire", {"phase": 1.5}),
    ("ignore_and_fire", {"rate": 0.0}),
    ("ignore_and_fire", {"rate": -5.0}),
]


@pytest.mark.parametrize("model,params", INVALID)
def test_invalid_parameters_are_rejected_and_leave_the_node_unchanged(model, params):
    nest.ResetKernel()
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Create(model, params=params)
    n = nest.Create(model, params={"tau_minus": 30.0})
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty):
        n.set(params)
    assert n.get() == before
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.SetDefaults(model, params)
    assert nest.GetDefaults(model)["tau_minus"] == 20.0


def test_htum_refractory_times_below_one_step_fail_at_simulate():
    # Times round up to whole steps (0.01 ms is one step); only below half a tic is it none.
    reset(0.1)
    nest.Create("iaf_psc_exp_htum", params={"t_ref_abs": 0.01, "t_ref_tot": 0.04})
    nest.Simulate(1.0)
    reset(0.1)
    nest.Create("iaf_psc_exp_htum", params={"t_ref_abs": 0.0001, "t_ref_tot": 0.0001})
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Simulate(1.0)


@pytest.mark.parametrize("model", IAF_MODELS)
def test_changing_E_L_keeps_absolute_potentials(model):
    nest.ResetKernel()
    n = nest.Create(model, params={"V_m": -68.0})
    n.set({"E_L": -60.0})
    s = n.get()
    assert (s["V_m"], s["V_th"], s["V_reset"]) == (-68.0, -55.0, -70.0)


# --- chunking ---------------------------------------------------------------------------


def chunk_run(model, chunks):
    reset(0.1)
    n = nest.Create(model, 2, params={"I_e": 300.0} if model != "ignore_and_fire" else {"rate": 90.0})
    sg = nest.Create("spike_generator", params={"spike_times": [3.0, 7.5, 20.0, 33.5, 61.0]})
    nest.Connect(sg, n, syn_spec={"weight": 300.0, "delay": 1.5})
    sg2 = nest.Create("spike_generator", params={"spike_times": [4.0, 15.5, 44.5]})
    nest.Connect(sg2, n, syn_spec={"weight": -200.0, "delay": 0.7})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    rec = NEST_RECORDABLES.get(model)
    mm = multimeter(n, rec, 0.1) if rec else None
    for c in chunks:
        nest.Simulate(c)
    out = events(sr)
    if mm:
        out.update({"mm_" + k: v for k, v in events(mm).items()})
    return out


@pytest.mark.parametrize("model", IAF_MODELS + ["ignore_and_fire"])
def test_chunked_simulation_is_identical(model):
    a = chunk_run(model, [80.0])
    b = chunk_run(model, [0.3, 12.4, 0.1, 17.2, 50.0])
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]), k


def _traces_of_each_neuron(shared_population):
    """V_m and I_syn_ex of three iaf_psc_exp neurons with their own tau_m, driven by a
    spike train and by a dc_generator that starts in the second Simulate call; either as
    one population (shared=True) or as three separately created ones."""
    nest.ResetKernel()
    params = [{"tau_m": t, "I_e": 150.0 + 100 * k} for k, t in enumerate((8.0, 10.0, 12.5))]
    if shared_population:
        pop = nest.Create("iaf_psc_exp", 3)
        pop.set(params)
        cells = [pop[k] for k in range(3)]
    else:
        cells = [nest.Create("iaf_psc_exp", params=p) for p in params]
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 12.3, 40.0, 61.1]})
    dc = nest.Create("dc_generator", params={"amplitude": 420.0, "start": 35.0, "stop": 70.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.1})
    for k, c in enumerate(cells):
        nest.Connect(sg, c, syn_spec={"weight": 300.0 + 50 * k, "delay": 1.0 + k})
        nest.Connect(dc, c)
        nest.Connect(mm, c)
    nest.Simulate(30.0)  # no current has arrived yet
    nest.Simulate(70.0)
    ev = mm.get("events")
    senders = np.asarray(ev["senders"])
    return [
        (np.asarray(ev["V_m"])[senders == c.global_id], np.asarray(ev["I_syn_ex"])[senders == c.global_id])
        for c in cells
    ]


def test_iaf_psc_exp_shared_and_per_neuron_parameters_give_the_same_traces():
    # One population with differing parameters (the per-neuron columns) against three
    # populations of one neuron each (every column shared): the update must not depend on
    # how the parameters are stored, nor on when the first current arrives.
    shared = _traces_of_each_neuron(True)
    separate = _traces_of_each_neuron(False)
    for (v1, i1), (v2, i2) in zip(shared, separate):
        assert len(v1) > 900
        np.testing.assert_array_equal(v1, v2)
        np.testing.assert_array_equal(i1, i2)
    # The current made a difference (it is not ignored after the first run).
    v_before = shared[0][0][300:340]
    assert np.ptp(shared[0][0][350:700]) > 0 and not np.allclose(v_before, shared[0][0][360:400])
