"""The Hodgkin-Huxley family: hh_psc_alpha, hh_psc_alpha_clopath, hh_psc_alpha_gap,
hh_cond_exp_traub, hh_cond_beta_gap_traub.

Expected values come from the models' equations, solved independently here:
  * the resting state is a fixed point: gates at alpha/(alpha+beta) and dV/dt = 0,
    the rest potential found by root-finding;
  * a spike of weight w arriving at t0 gives the synaptic current
    w e/tau (t-t0) exp(-(t-t0)/tau) (alpha), the conductance w exp(-(t-t0)/tau)
    (exp) or a beta function peaking at w;
  * under DC drive the spike train agrees with a tightly integrated reference
    (scipy) when spikes are detected as in NEST (V >= threshold and falling, on the
    grid, outside the refractory period).
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

MODELS = ["hh_psc_alpha", "hh_psc_alpha_clopath", "hh_psc_alpha_gap", "hh_cond_exp_traub", "hh_cond_beta_gap_traub"]


# --- the models' kinetics, written from the equations --------------------------------


def squid_rates(v):
    """(alpha, beta) for m, h, n of the squid-axon kinetics (hh_psc_alpha, _clopath)."""
    am = 0.1 * (v + 40.0) / (1.0 - math.exp(-(v + 40.0) / 10.0))
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    an = 0.01 * (v + 55.0) / (1.0 - math.exp(-(v + 55.0) / 10.0))
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    return {"m": (am, bm), "h": (ah, bh), "n": (an, bn)}


def traub_rates(u):
    """(alpha, beta) for m, h, n of the Traub-Miles kinetics, u = V - V_T."""
    am = 0.32 * (13.0 - u) / (math.exp((13.0 - u) / 4.0) - 1.0)
    bm = 0.28 * (u - 40.0) / (math.exp((u - 40.0) / 5.0) - 1.0)
    ah = 0.128 * math.exp((17.0 - u) / 18.0)
    bh = 4.0 / (1.0 + math.exp((40.0 - u) / 5.0))
    an = 0.032 * (15.0 - u) / (math.exp((15.0 - u) / 5.0) - 1.0)
    bn = 0.5 * math.exp((10.0 - u) / 40.0)
    return {"m": (am, bm), "h": (ah, bh), "n": (an, bn)}


def gap_rates(v):
    """(alpha, beta) for m, h, n, p of hh_psc_alpha_gap (Mancilla et al. 2007)."""
    am = 40.0 * (v - 75.5) / (1.0 - math.exp(-(v - 75.5) / 13.5))
    bm = 1.2262 / math.exp(v / 42.248)
    ah = 0.0035 / math.exp(v / 24.186)
    bh = 0.017 * (51.25 + v) / (1.0 - math.exp(-(51.25 + v) / 5.2))
    ap = (v - 95.0) / (1.0 - math.exp(-(v - 95.0) / 11.8))
    bp = 0.025 / math.exp(v / 22.222)
    an = 0.014 * (v + 44.0) / (1.0 - math.exp(-(v + 44.0) / 2.3))
    bn = 0.0043 / math.exp((v + 44.0) / 34.0)
    return {"m": (am, bm), "h": (ah, bh), "n": (an, bn), "p": (ap, bp)}


def rates(model, p, v):
    if model in ("hh_psc_alpha", "hh_psc_alpha_clopath"):
        return squid_rates(v)
    if model == "hh_psc_alpha_gap":
        return gap_rates(v)
    return traub_rates(v - p["V_T"])


def ionic_current(model, p, v, g):
    """Sum of the intrinsic currents (pA), g = gate values."""
    i_na = p["g_Na"] * g["m"] ** 3 * g["h"] * (v - p["E_Na"])
    if model == "hh_psc_alpha_gap":
        i_k = (p["g_Kv1"] * g["n"] ** 4 + p["g_Kv3"] * g["p"] ** 2) * (v - p["E_K"])
    else:
        i_k = p["g_K"] * g["n"] ** 4 * (v - p["E_K"])
    return i_na + i_k + p["g_L"] * (v - p["E_L"])


def steady_gates(model, p, v):
    return {k: a / (a + b) for k, (a, b) in rates(model, p, v).items()}


GATE_NAMES = {"m": "Act_m", "h": "Inact_h", "n": "Act_n", "p": "Inact_p"}


def rest_potential(model, p):
    """The lowest potential where the steady-state current balances I_e."""
    f = lambda v: -ionic_current(model, p, v, steady_gates(model, p, v)) + p["I_e"]  # noqa: E731
    grid = np.arange(-90.0, -30.0, 0.5) + 0.123  # off the removable singularities of the rates
    for a, b in zip(grid[:-1], grid[1:]):
        if f(a) * f(b) < 0:
            return brentq(f, a, b, xtol=1e-14)
    raise AssertionError("no rest potential")


def reference_trace(model, p, t_end, h):
    """V at t = h, 2h, ... from a tight integration of the models' ODEs under DC (I_e)."""
    gates = list(rates(model, p, -65.0).keys())
    y0 = [p["V_m"]] + [p[GATE_NAMES[k]] for k in gates]

    def rhs(_, y):
        v = y[0]
        g = dict(zip(gates, y[1:]))
        r = rates(model, p, v)
        dv = (-ionic_current(model, p, v, g) + p["I_e"]) / p["C_m"]
        return [dv] + [r[k][0] * (1.0 - g[k]) - r[k][1] * g[k] for k in gates]

    n = int(round(t_end / h))
    ts = h * np.arange(1, n + 1)
    sol = solve_ivp(rhs, (0.0, t_end), y0, method="DOP853", rtol=1e-11, atol=1e-11, t_eval=ts)
    return ts, sol.y[0]


def grid_spikes(ts, v, v0, threshold, t_ref, h):
    """NEST's detection: after a step, V >= threshold and V fell during the step."""
    spikes, refr, prev = [], 0, v0
    ref_steps = int(round(t_ref / h))
    for t, x in zip(ts, v):
        if refr > 0:
            refr -= 1
        elif x >= threshold and prev > x:
            spikes.append(t)
            refr = ref_steps
        prev = x
    return np.array(spikes)


def threshold(model, p):
    return p["V_T"] + 30.0 if "traub" in model else 0.0


def reset(res=0.1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


# --- defaults and the resting state -------------------------------------------------------

INITIAL_V = {
    "hh_psc_alpha": -65.0,
    "hh_psc_alpha_clopath": -65.0,
    "hh_psc_alpha_gap": -69.60401191631222,
    "hh_cond_exp_traub": -60.0,
    "hh_cond_beta_gap_traub": -60.0,
}


@pytest.mark.parametrize("model", MODELS)
def test_initial_gates_are_steady_state_at_initial_potential(model):
    reset()
    d = nest.GetDefaults(model)
    v = INITIAL_V[model]
    assert d["V_m"] == v
    # NEST evaluates the Traub rates at V_m itself (without the V_T shift) here.
    r = traub_rates(v) if "traub" in model else rates(model, d, v)
    for k, (a, b) in r.items():
        assert d[GATE_NAMES[k]] == pytest.approx(a / (a + b), rel=1e-14)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("i_e", [0.0, 20.0])
def test_resting_state_is_a_fixed_point(model, i_e):
    reset()
    # With its default V_T = -63 mV, hh_cond_exp_traub has no stable rest state.
    extra = {"V_T": -50.0} if model == "hh_cond_exp_traub" else {}
    p = {**nest.GetDefaults(model), **extra, "I_e": i_e}
    v_rest = rest_potential(model, p)
    gates = steady_gates(model, p, v_rest)
    init = {**extra, "I_e": i_e, "V_m": v_rest, **{GATE_NAMES[k]: g for k, g in gates.items()}}
    n = nest.Create(model, params=init)
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "Act_m", "Inact_h", "Act_n"], "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(100.0)
    ev = mm.get("events")
    assert len(ev["V_m"]) > 900
    assert np.max(np.abs(np.asarray(ev["V_m"]) - v_rest)) < 1e-9
    for k in ("m", "h", "n"):
        assert np.max(np.abs(np.asarray(ev[GATE_NAMES[k]]) - gates[k])) < 1e-11


# --- synaptic input ---------------------------------------------------------------------------


def one_spike_response(model, weight, params, record, t_spike=5.0, delay=1.0, t_sim=40.0):
    reset()
    n = nest.Create(model, params=params)
    sg = nest.Create("spike_generator", params={"spike_times": [t_spike]})
    nest.Connect(sg, n, syn_spec={"weight": weight, "delay": delay})
    mm = nest.Create("multimeter", params={"record_from": record, "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(t_sim)
    ev = mm.get("events")
    return np.asarray(ev["times"]), {k: np.asarray(ev[k]) for k in record}, t_spike + delay


@pytest.mark.parametrize("model", ["hh_psc_alpha", "hh_psc_alpha_clopath", "hh_psc_alpha_gap"])
@pytest.mark.parametrize("weight", [30.0, -30.0])
def test_alpha_current_closed_form(model, weight):
    tau = 2.0
    key = "I_syn_ex" if weight > 0 else "I_syn_in"
    t, rec, t0 = one_spike_response(model, weight, {"tau_syn_ex": tau, "tau_syn_in": tau}, [key])
    s = np.clip(t - t0, 0.0, None)
    expected = weight * math.e / tau * s * np.exp(-s / tau)
    # RKF45 under an absolute tolerance of 1e-3 on all components (1e-6 for _gap).
    assert np.max(np.abs(rec[key] - expected)) < 2e-3 * abs(weight)
    assert np.all(rec[key][t <= t0 + 1e-9] == 0.0)
    assert np.max(np.abs(rec[key])) == pytest.approx(abs(weight), rel=1e-3)


@pytest.mark.parametrize("weight", [4.0, -4.0])
def test_exp_conductance_closed_form(weight):
    tau = {"tau_syn_ex": 5.0, "tau_syn_in": 10.0}
    key, tk = ("g_ex", "tau_syn_ex") if weight > 0 else ("g_in", "tau_syn_in")
    t, rec, t0 = one_spike_response("hh_cond_exp_traub", weight, tau, [key])
    s = t - t0
    expected = np.where(s >= -1e-9, abs(weight) * np.exp(-np.clip(s, 0, None) / tau[tk]), 0.0)
    assert np.max(np.abs(rec[key] - expected)) < 2e-3
    assert rec[key][np.argmin(np.abs(s))] == abs(weight)


@pytest.mark.parametrize("weight", [4.0, -4.0])
def test_beta_conductance_closed_form(weight):
    rise, decay = 0.5, 5.0
    params = {"tau_rise_ex": rise, "tau_decay_ex": decay, "tau_rise_in": rise, "tau_decay_in": decay}
    key = "g_ex" if weight > 0 else "g_in"
    t, rec, t0 = one_spike_response("hh_cond_beta_gap_traub", weight, params, [key])
    s = np.clip(t - t0, 0.0, None)
    t_peak = decay * rise * math.log(decay / rise) / (decay - rise)
    peak = math.exp(-t_peak / decay) - math.exp(-t_peak / rise)
    expected = abs(weight) * (np.exp(-s / decay) - np.exp(-s / rise)) / peak
    assert np.max(np.abs(rec[key] - expected)) < 2e-3 * abs(weight)
    assert np.max(rec[key]) == pytest.approx(abs(weight), rel=2e-3)


# --- spike generation and refractoriness ------------------------------------------------------

DRIVE = {
    "hh_psc_alpha": 800.0,
    "hh_psc_alpha_clopath": 800.0,
    "hh_psc_alpha_gap": 200.0,
    "hh_cond_exp_traub": 300.0,
    "hh_cond_beta_gap_traub": 300.0,
}


def dc_run(model, res=0.1, t_sim=100.0, params=None, chunks=None, threads=1, n=1):
    reset(res, threads)
    p = {"I_e": DRIVE[model], **(params or {})}
    nodes = nest.Create(model, n, params=p)
    if n > 1:  # distinct drives, so that nodes differ
        nodes.set({"I_e": [DRIVE[model] * (1.0 + 0.1 * k) for k in range(n)]})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "Act_m", "Inact_h", "Act_n"], "interval": res})
    nest.Connect(mm, nodes)
    for c in chunks or [t_sim]:
        nest.Simulate(c)
    return nodes, sr.get("events"), mm.get("events")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("res", [0.1, 0.05])
def test_dc_spike_train_matches_tight_reference(model, res):
    t_sim = 100.0
    _, spikes, _ = dc_run(model, res, t_sim)
    p = {**nest.GetDefaults(model), "I_e": DRIVE[model]}
    ts, v = reference_trace(model, p, t_sim, res)
    expected = grid_spikes(ts, v, p["V_m"], threshold(model, p), p["t_ref"], res)
    got = np.asarray(spikes["times"])
    assert len(expected) >= 3
    assert len(got) == len(expected)
    assert np.max(np.abs(got - expected)) <= res + 1e-9


@pytest.mark.parametrize("model", MODELS)
def test_spikes_are_detected_at_falling_suprathreshold_potential(model):
    nodes, spikes, ev = dc_run(model, 0.1, 100.0)
    p = dict(nodes.get())
    t, v = np.asarray(ev["times"]), np.asarray(ev["V_m"])
    assert len(spikes["times"]) >= 3
    for ts in spikes["times"]:
        k = int(np.argmin(np.abs(t - ts)))
        assert abs(t[k] - ts) < 1e-9
        assert v[k] >= threshold(model, p) and v[k - 1] > v[k]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("t_ref", [0.2, 0.5, 5.0])
def test_refractoriness_suppresses_detection(model, t_ref):
    # Without refractoriness every step that ends above threshold with V falling
    # counts, so each action potential is detected several times.
    _, free, _ = dc_run(model, 0.1, 100.0, params={"t_ref": 0.0})
    t_free = np.asarray(free["times"])
    assert np.min(np.diff(t_free)) < 0.15
    _, refr, _ = dc_run(model, 0.1, 100.0, params={"t_ref": t_ref})
    t_refr = np.asarray(refr["times"])
    # Refractoriness only masks detection (the membrane is not reset): t_ref / h
    # steps after a detected spike are skipped, the first later candidate counts.
    expected, last = [], -math.inf
    for s in t_free:
        if s - last > t_ref + 1e-9:
            expected.append(s)
            last = s
    assert len(expected) < len(t_free)
    np.testing.assert_array_equal(np.round(t_refr, 6), np.round(expected, 6))


# --- invariants -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_chunked_simulation_equals_one_call(model):
    _, s1, e1 = dc_run(model, 0.1, 60.0, n=3)
    nodes, s2, e2 = dc_run(model, 0.1, chunks=[7.3, 0.1, 22.6, 30.0], n=3)
    assert len(s1["times"]) > 0
    for k in ("times", "senders"):
        np.testing.assert_array_equal(s1[k], s2[k])
    for k in ("times", "V_m", "Act_m", "Inact_h", "Act_n"):
        np.testing.assert_array_equal(e1[k], e2[k])


@pytest.mark.parametrize("model", MODELS)
def test_two_threads_equal_one(model):
    _, s1, e1 = dc_run(model, 0.1, 50.0, n=4)
    _, s2, e2 = dc_run(model, 0.1, 50.0, n=4, threads=2)
    o1 = np.lexsort((s1["senders"], s1["times"]))
    o2 = np.lexsort((s2["senders"], s2["times"]))
    np.testing.assert_array_equal(np.asarray(s1["times"])[o1], np.asarray(s2["times"])[o2])
    np.testing.assert_array_equal(np.asarray(s1["senders"])[o1], np.asarray(s2["senders"])[o2])
    m1 = np.lexsort((e1["senders"], e1["times"]))
    m2 = np.lexsort((e2["senders"], e2["times"]))
    np.testing.assert_array_equal(np.asarray(e1["V_m"])[m1], np.asarray(e2["V_m"])[m2])


def test_current_input_acts_like_i_e():
    """A dc_generator's current enters the same sum as I_e: switching I_e on when the
    generator's first value arrives (its value for t = h, after one delay) gives the
    same trajectory bit for bit."""
    reset()
    a = nest.Create("hh_psc_alpha")
    b = nest.Create("hh_psc_alpha")
    dc = nest.Create("dc_generator", params={"amplitude": 800.0})
    nest.Connect(dc, b, syn_spec={"delay": 1.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, a + b)
    sr = nest.Create("spike_recorder")
    nest.Connect(a + b, sr)
    nest.Simulate(1.1)
    a.set({"I_e": 800.0})
    nest.Simulate(48.9)
    ev = mm.get("events")
    snd = np.asarray(ev["senders"])
    va = np.asarray(ev["V_m"])[snd == a.global_id]
    vb = np.asarray(ev["V_m"])[snd == b.global_id]
    assert len(va) == len(vb) > 400 and np.max(va) > 0.0
    np.testing.assert_array_equal(va, vb)
    s = sr.get("events")
    st, ss = np.asarray(s["times"]), np.asarray(s["senders"])
    assert len(st[ss == a.global_id]) >= 2
    np.testing.assert_array_equal(st[ss == a.global_id], st[ss == b.global_id])


# --- NEST's validity checks ---------------------------------------------------------------

BAD = {
    "hh_psc_alpha": [
        {"C_m": 0.0},
        {"t_ref": -1.0},
        {"tau_syn_ex": 0.0},
        {"tau_syn_in": -1.0},
        {"g_Na": -1.0},
        {"g_K": -1.0},
        {"g_L": -1.0},
        {"Act_m": -0.1},
        {"Inact_h": -0.1},
        {"Act_n": -0.1},
        {"tau_minus": 0.0},
    ],
    "hh_psc_alpha_clopath": [
        {"C_m": -1.0},
        {"tau_u_bar_plus": 0.0},
        {"tau_u_bar_minus": 0.0},
        {"tau_u_bar_bar": -1.0},
        {"u_ref_squared": 0.0},
        {"g_L": -1.0},
        {"Act_n": -1.0},
    ],
    "hh_psc_alpha_gap": [{"C_m": 0.0}, {"g_Kv1": -1.0}, {"g_Kv3": -1.0}, {"Inact_p": -0.5}, {"t_ref": -0.1}],
    "hh_cond_exp_traub": [{"C_m": 0.0}, {"tau_syn_ex": 0.0}, {"t_ref": -1.0}, {"Inact_h": -1.0}],
    "hh_cond_beta_gap_traub": [
        {"C_m": 0.0},
        {"tau_rise_ex": 0.0},
        {"tau_decay_in": -1.0},
        {"g_K": -1.0},
        {"t_ref": -1.0},
        {"Act_m": -1.0},
    ],
}


@pytest.mark.parametrize("model", MODELS)
def test_invalid_values_raise_and_leave_node_unchanged(model):
    reset()
    n = nest.Create(model)
    before = dict(n.get())
    for bad in BAD[model]:
        with pytest.raises(nest.NESTErrors.BadProperty):
            n.set(bad)
        assert dict(n.get()) == before
        with pytest.raises(nest.NESTErrors.BadProperty):
            nest.Create(model, params=bad)


def test_traub_exp_accepts_negative_conductances():
    # NEST 3.10's hh_cond_exp_traub, unlike its siblings, does not check them.
    reset()
    n = nest.Create("hh_cond_exp_traub")
    n.set({"g_Na": -1.0})
    assert n.get("g_Na") == -1.0


@pytest.mark.parametrize("model", MODELS)
def test_only_receptor_zero(model):
    reset()
    n = nest.Create(model)
    sg = nest.Create("spike_generator")
    with pytest.raises(nest.NESTError):
        nest.Connect(sg, n, syn_spec={"receptor_type": 1})
