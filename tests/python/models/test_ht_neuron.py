"""ht_neuron (Hill & Tononi 2005), checked against its equations.

Expected values come from mathematics only:
- with the intrinsic currents off, V relaxes to the leak equilibrium
  V_eq = (g_NaL E_Na + g_KL E_K) / (g_NaL + g_KL) with rate (g_NaL + g_KL) / tau_m;
- a spike of weight w on a port with rise/decay times (tr, td) gives
  g(s) = w g_peak (exp(-s/td) - exp(-s/tr)) / (exp(-tp/td) - exp(-tp/tr)),
  tp = tr td ln(td/tr) / (td - tr), peaking at w g_peak;
- under voltage clamp with equilibrated gating, each intrinsic current is its
  formula at the clamp voltage with the gating at its equilibrium;
- between spikes theta relaxes exactly exponentially to theta_eq;
- after a spike no further spike can occur for t_ref/h steps plus the spike step.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

INTRINSIC_OFF = {"g_peak_NaP": 0.0, "g_peak_KNa": 0.0, "g_peak_T": 0.0, "g_peak_h": 0.0}


def reset(res=0.1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


def record(n, keys, interval=0.1):
    mm = nest.Create("multimeter", params={"record_from": keys, "interval": interval})
    nest.Connect(mm, n)
    return mm


def trace(mm, key):
    ev = mm.get("events")
    return np.asarray(ev["times"], float), np.asarray(ev[key], float)


def beta(s, tr, td):
    tp = tr * td * math.log(td / tr) / (td - tr)
    s = np.clip(s, 0.0, None)
    return (np.exp(-s / td) - np.exp(-s / tr)) / (math.exp(-tp / td) - math.exp(-tp / tr))


def m_eq_nmda(v):
    return 1.0 / (1.0 + math.exp(-0.081 * (v + 25.57)))


def test_defaults_and_resting_state():
    reset()
    n = nest.Create("ht_neuron")
    d = n.get()
    assert d["V_m"] == pytest.approx((0.2 * 30.0 - 90.0) / 1.2, abs=1e-12)
    assert d["theta"] == -51.0
    assert d["tau_m"] == 16.0 and d["t_ref"] == 2.0 and d["tau_D_KNa"] == 1250.0
    assert d["g_peak_GABA_B"] == 0.0132 and d["instant_unblock_NMDA"] is False
    assert sorted(d["recordables"]) == sorted(
        ["V_m", "theta", "g_AMPA", "g_NMDA", "g_GABA_A", "g_GABA_B", "I_NaP", "I_KNa", "I_T", "I_h"]
    )


@pytest.mark.parametrize("res", [0.1, 0.05])
def test_leak_relaxation(res):
    reset(res)
    p = dict(INTRINSIC_OFF, g_NaL=0.3, g_KL=0.9, tau_m=12.0, V_m=-60.0)
    n = nest.Create("ht_neuron", params=p)
    mm = record(n, ["V_m", "theta"], res)
    nest.Simulate(40.0)
    t, v = trace(mm, "V_m")
    v_eq = (0.3 * 30.0 + 0.9 * -90.0) / 1.2
    expected = v_eq + (-60.0 - v_eq) * np.exp(-1.2 * t / 12.0)
    assert np.max(np.abs(v - expected)) < 1e-6
    _, th = trace(mm, "theta")
    assert np.max(np.abs(th + 51.0)) == 0.0  # theta starts at theta_eq, a fixed point


def test_leak_equilibrium_is_fixed_point():
    reset()
    n = nest.Create("ht_neuron", params=dict(INTRINSIC_OFF))
    mm = record(n, ["V_m"])
    nest.Simulate(20.0)
    _, v = trace(mm, "V_m")
    assert np.max(np.abs(v - (0.2 * 30.0 - 90.0) / 1.2)) < 1e-12


@pytest.mark.parametrize(
    "port,key,tr,td,gp",
    [(1, "g_AMPA", 0.5, 2.4, 0.1), (3, "g_GABA_A", 1.0, 7.0, 0.33), (4, "g_GABA_B", 60.0, 200.0, 0.0132)],
)
def test_beta_conductance_kernels(port, key, tr, td, gp):
    reset()
    n = nest.Create("ht_neuron")
    sg = nest.Create("spike_generator", params={"spike_times": [10.0]})
    nest.Connect(sg, n, syn_spec={"weight": 3.0, "delay": 1.0, "receptor_type": port})
    mm = record(n, ["g_AMPA", "g_GABA_A", "g_GABA_B"])
    nest.Simulate(300.0)
    t, g = trace(mm, key)
    expected = 3.0 * gp * beta(t - 11.0, tr, td)
    assert np.max(np.abs(g - expected)) < 1e-5 * 3.0 * gp
    for other in {"g_AMPA", "g_GABA_A", "g_GABA_B"} - {key}:
        assert np.all(trace(mm, other)[1] == 0.0)


@pytest.mark.parametrize("instant", [True, False])
def test_nmda_under_voltage_clamp(instant):
    reset()
    v = -55.0  # below theta_eq: a clamp above threshold makes the neuron fire every time theta decays
    n = nest.Create("ht_neuron", params={"instant_unblock_NMDA": instant, "voltage_clamp": True})
    n.set({"V_m": v, "equilibrate": True})
    sg = nest.Create("spike_generator", params={"spike_times": [5.0]})
    nest.Connect(sg, n, syn_spec={"weight": 2.0, "delay": 1.0, "receptor_type": 2})
    mm = record(n, ["g_NMDA", "V_m"])
    nest.Simulate(100.0)
    t, g = trace(mm, "g_NMDA")
    expected = 2.0 * 0.075 * beta(t - 6.0, 4.0, 40.0) * m_eq_nmda(v)
    assert np.max(np.abs(g - expected)) < 1e-6 * np.max(expected)
    assert np.all(trace(mm, "V_m")[1] == v)


def intrinsic_currents(v, vg):
    """Intrinsic currents at voltage v with the gating at its equilibrium for vg."""
    m_nap = 1.0 / (1.0 + math.exp(-(v + 55.7) / 7.7))
    d = 1250.0 * 0.025 / (1.0 + math.exp(-(vg + 10.0) / 5.0)) + 0.001
    m_t = 1.0 / (1.0 + math.exp(-(vg + 59.0) / 6.2))
    h_t = 1.0 / (1.0 + math.exp((vg + 83.0) / 4.0))
    m_h = 1.0 / (1.0 + math.exp((vg + 75.0) / 5.5))
    return {
        "I_NaP": -(m_nap**3) * (v - 30.0),
        "I_KNa": -1.0 / (1.0 + (0.25 / d) ** 3.5) * (v + 90.0),
        "I_T": -(m_t**2) * h_t * v,
        "I_h": -m_h * (v + 40.0),
    }


@pytest.mark.parametrize("equilibrate", [True, False])
def test_intrinsic_currents_at_clamped_equilibrium(equilibrate):
    reset()
    v, v0 = -62.0, (0.2 * 30.0 - 90.0) / 1.2
    n = nest.Create("ht_neuron", params={"voltage_clamp": True})
    n.set({"V_m": v, "equilibrate": equilibrate})
    keys = ["I_NaP", "I_KNa", "I_T", "I_h"]
    mm = record(n, keys)
    nest.Simulate(2.0)  # samples reach the multimeter one min_delay late, as in NEST
    expected = intrinsic_currents(v, v if equilibrate else v0)
    for k in keys:
        got = trace(mm, k)[1][0]
        if equilibrate or k == "I_NaP":  # I_NaP has no gating state
            assert got == pytest.approx(expected[k], rel=1e-12, abs=1e-15)
        elif k in ("I_h", "I_KNa"):  # slow gating (tau >= 100 ms) still near its old equilibrium
            assert got == pytest.approx(expected[k], rel=1e-2)
            assert got != pytest.approx(intrinsic_currents(v, v)[k], rel=0.1)


def spike_times(amplitude, t_ref, sim=60.0):
    reset()
    n = nest.Create("ht_neuron", params={"t_ref": t_ref})
    dc = nest.Create("dc_generator", params={"amplitude": amplitude})
    sr = nest.Create("spike_recorder")
    mm = record(n, ["theta"])
    nest.Connect(dc, n)
    nest.Connect(n, sr)
    nest.Simulate(sim)
    return np.asarray(sr.get("events")["times"], float), mm


@pytest.mark.parametrize("t_ref", [2.0, 1.0, 0.5])
def test_refractory_steps_under_strong_drive(t_ref):
    times, _ = spike_times(1000.0, t_ref)
    isi_steps = np.round(np.diff(times) / 0.1).astype(int)
    assert len(times) > 10
    assert np.all(isi_steps == round(t_ref / 0.1) + 1)


def test_threshold_relaxes_exponentially_between_spikes():
    times, mm = spike_times(50.0, 2.0, sim=100.0)
    assert len(times) >= 3
    t, th = trace(mm, "theta")
    # samples strictly after one spike's step and up to the next spike's step
    for a, b in zip(times[:-1], times[1:]):
        sel = (t > a + 1e-9) & (t < b - 1e-9)
        yy = th[sel] + 51.0
        ratio = yy[1:] / yy[:-1]
        assert np.max(np.abs(ratio - math.exp(-0.1 / 2.0))) < 1e-6
        assert th[np.argmin(np.abs(t - a))] <= 30.0


def network_run(chunks, threads=1):
    reset(0.1, threads)
    n = nest.Create("ht_neuron", 4)
    n.set([{"V_m": -70.0 + 2 * k} for k in range(4)])
    dc = nest.Create("dc_generator", 4, params=[{"amplitude": 20.0 + 8 * k} for k in range(4)])
    nest.Connect(dc, n, "one_to_one")
    sg = nest.Create("spike_generator", params={"spike_times": [3.0, 7.5, 20.0, 33.3, 60.1]})
    for port in (1, 2, 3, 4):
        nest.Connect(sg, n, syn_spec={"weight": 2.0, "delay": 1.0, "receptor_type": port})
    nest.Connect(n, n, "all_to_all", syn_spec={"weight": 1.0, "delay": 1.5, "receptor_type": 1})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = record(n, ["V_m", "g_NMDA", "I_KNa", "theta"])
    for c in chunks:
        nest.Simulate(c)
    ev = mm.get("events")
    return {k: np.asarray(ev[k]) for k in ("V_m", "g_NMDA", "I_KNa", "theta", "senders", "times")}, sr.get("events")


def test_chunked_and_threads_bitwise():
    ref, ref_sp = network_run([100.0])
    assert len(ref_sp["times"]) > 0
    for data, sp in (network_run([33.3, 0.1, 66.6]), network_run([100.0], threads=2)):
        order = np.lexsort((data["senders"], data["times"]))
        ref_order = np.lexsort((ref["senders"], ref["times"]))
        for k in ref:
            assert np.array_equal(data[k][order], ref[k][ref_order]), k
        assert sorted(zip(sp["times"], sp["senders"])) == sorted(zip(ref_sp["times"], ref_sp["senders"]))


@pytest.mark.parametrize(
    "bad,match",
    [
        ({"g_peak_AMPA": -0.1}, "g_peak_AMPA >= 0"),
        ({"g_KL": -1.0}, "g_KL >= 0"),
        ({"t_ref": -1.0}, "t_ref >= 0"),
        ({"tau_m": 0.0}, "tau_m > 0"),
        ({"tau_D_KNa": -5.0}, "tau_D_KNa > 0"),
        ({"tau_rise_AMPA": 3.0}, "tau_rise_AMPA < tau_decay_AMPA"),
        ({"tau_rise_NMDA": 40.0}, "tau_rise_NMDA < tau_decay_NMDA"),
        ({"tau_Mg_fast_NMDA": 30.0}, "tau_Mg_fast_NMDA < tau_Mg_slow_NMDA"),
        ({"S_act_NMDA": -0.1, "V_m": -30.0}, "S_act_NMDA >= 0"),
    ],
)
def test_bad_properties_leave_node_unchanged(bad, match):
    reset()
    n = nest.Create("ht_neuron")
    keys = ["V_m", "g_peak_AMPA", "g_KL", "t_ref", "tau_m", "tau_rise_AMPA", "tau_Mg_fast_NMDA", "S_act_NMDA"]
    before = n.get(keys)
    with pytest.raises(nest.NESTErrors.BadProperty, match=match):
        n.set(bad)
    assert n.get(keys) == before


def test_receptor_ports():
    reset()
    n = nest.Create("ht_neuron")
    sg = nest.Create("spike_generator")
    for port in (0, 5):
        with pytest.raises(nest.NESTError):
            nest.Connect(sg, n, syn_spec={"receptor_type": port})
    for port in (1, 2, 3, 4):
        nest.Connect(sg, n, syn_spec={"receptor_type": port})
    assert len(nest.GetConnections(sg, n)) == 4
