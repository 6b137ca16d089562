"""glif_cond, iaf_bw_2001 and iaf_bw_2001_exact (RKF45-integrated models).

Expected values come from the models' equations:
- glif_cond without input relaxes as V - E_L = (V0 - E_L) exp(-g_m t / C_m);
- a spike of weight w on an alpha-conductance port gives
  g(t) = w e/tau (t - t0) exp(-(t - t0)/tau), peak w at t0 + tau;
- a refractory glif_cond holds V_m at V_reset for the spike step and t_ref/h more;
- an iaf_bw_2001 sender's first spike carries the NMDA jump
  k0 = (alpha tau_r)^(tau_r/tau_d) * lower_gamma(1 - tau_r/tau_d, alpha tau_r),
  which the receiver adds to s_NMDA scaled by the weight (a spike_recorder, as
  in NEST, reports the spike at stamp - offset).
The adaptive integrator's tolerance (1e-3 absolute) bounds the ODE comparisons.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
from scipy.special import gamma, gammainc


def reset(res=0.1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})


def trace(mm, key):
    ev = mm.get("events")
    return np.asarray(ev["times"], float), np.asarray(ev[key], float)


@pytest.mark.parametrize("res", [0.1, 0.05])
def test_glif_cond_relaxation(res):
    reset(res)
    n = nest.Create("glif_cond", params={"V_m": -60.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": res})
    nest.Connect(mm, n)
    nest.Simulate(50.0)
    t, v = trace(mm, "V_m")
    el, g, c = -78.85, 9.43, 58.72
    expected = el + (-60.0 - el) * np.exp(-g * t / c)
    assert np.max(np.abs(v - expected)) < 1e-4


def test_glif_cond_alpha_conductance():
    reset(0.1)
    n = nest.Create("glif_cond", params={"tau_syn": [0.5, 2.0], "E_rev": [0.0, -85.0]})
    sg = nest.Create("spike_generator", params={"spike_times": [10.0]})
    nest.Connect(sg, n, syn_spec={"weight": 3.0, "delay": 1.0, "receptor_type": 2})
    mm = nest.Create("multimeter", params={"record_from": ["g_1", "g_2"], "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(40.0)
    t, g2 = trace(mm, "g_2")
    _, g1 = trace(mm, "g_1")
    s = np.clip(t - 11.0, 0.0, None)
    expected = 3.0 * math.e / 2.0 * s * np.exp(-s / 2.0)
    assert np.max(np.abs(g2 - expected)) < 2e-3
    assert abs(g2[np.argmin(np.abs(t - 13.0))] - 3.0) < 2e-3
    assert np.all(g1 == 0.0)


def test_glif_cond_refractory_hold():
    reset(0.1)
    n = nest.Create("glif_cond", params={"t_ref": 2.0, "V_reset": -70.0})
    dc = nest.Create("dc_generator", params={"amplitude": 400.0})
    nest.Connect(dc, n)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(60.0)
    spikes = np.asarray(sr.get("events")["times"], float)
    assert len(spikes) >= 2
    assert np.min(np.diff(spikes)) > 2.0
    t, v = trace(mm, "V_m")
    k = int(np.argmin(np.abs(t - spikes[0])))
    held = v[k : k + 21]
    assert np.all(held == -70.0)
    assert v[k + 21] != -70.0


def glif5_run(chunks, threads=1):
    reset(0.1, threads)
    params = {
        "spike_dependent_threshold": True,
        "after_spike_currents": True,
        "adapting_threshold": True,
        "tau_syn": [0.2, 2.0, 5.0],
        "E_rev": [0.0, -85.0, 0.0],
    }
    n = nest.Create("glif_cond", 4, params=params)
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 7.3, 20.1, 33.3, 41.0]})
    nest.Connect(sg, n, syn_spec={"weight": 5.0, "delay": 1.0, "receptor_type": 1})
    nest.Connect(sg, n, syn_spec={"weight": 2.0, "delay": 2.0, "receptor_type": 3})
    dc = nest.Create("dc_generator", params={"amplitude": 250.0})
    nest.Connect(dc, n)
    mm = nest.Create(
        "multimeter", params={"record_from": ["V_m", "threshold", "ASCurrents_sum", "g_1", "g_3"], "interval": 0.1}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    for c in chunks:
        nest.Simulate(c)
    ev = mm.get("events")
    return {k: np.asarray(v) for k, v in ev.items()}, np.asarray(sr.get("events")["times"])


def test_glif_cond_chunked_and_threads_bitwise():
    ref, spikes = glif5_run([100.0])
    assert len(spikes) > 4
    for other in (glif5_run([33.3, 0.1, 66.6]), glif5_run([100.0], threads=2)):
        ev, sp = other
        assert np.array_equal(np.sort(sp), np.sort(spikes))
        for k in ("V_m", "threshold", "ASCurrents_sum", "g_1", "g_3"):
            order_a = np.lexsort((ref["senders"], ref["times"]))
            order_b = np.lexsort((ev["senders"], ev["times"]))
            assert np.array_equal(ref[k][order_a], ev[k][order_b]), k


def test_glif_cond_bad_properties_leave_node_unchanged():
    reset()
    n = nest.Create("glif_cond")
    before = n.get(["V_th", "tau_syn", "E_rev", "adapting_threshold"])
    with pytest.raises(nest.NESTError, match="mechanism"):
        n.set({"adapting_threshold": True})
    with pytest.raises(nest.NESTError, match="same size"):
        n.set({"E_rev": [0.0, -85.0, 0.0]})
    with pytest.raises(nest.NESTError, match="strictly positive"):
        n.set({"tau_syn": [1.0, -2.0], "V_th": -40.0})
    with pytest.raises(nest.NESTError, match="threshold"):
        n.set({"V_reset": -40.0, "V_th": -50.0})
    with pytest.raises(nest.NESTError):
        n.set({"threshold_spike": 1.0})
    assert n.get(["V_th", "tau_syn", "E_rev", "adapting_threshold"]) == before


def test_glif_cond_E_L_shift_moves_relative_quantities():
    reset()
    n = nest.Create("glif_cond")
    n.set({"E_L": -70.0})
    shift = -70.0 - (-78.85)
    assert n.get("V_reset") == pytest.approx(-78.85 + shift, abs=1e-12)
    assert n.get("V_th") == pytest.approx(-51.68 + shift, abs=1e-12)
    assert n.get("V_m") == pytest.approx(-70.0, abs=1e-12)


def test_glif_cond_port_range():
    reset()
    n = nest.Create("glif_cond", params={"tau_syn": [1.0], "E_rev": [0.0]})
    sg = nest.Create("spike_generator")
    with pytest.raises(nest.NESTError):
        nest.Connect(sg, n, syn_spec={"receptor_type": 2})
    with pytest.raises(nest.NESTError):
        nest.Connect(sg, n, syn_spec={"receptor_type": 0})
    nest.Connect(sg, n, syn_spec={"receptor_type": 1})
    with pytest.raises(nest.NESTError, match="connections"):
        n.set({"tau_syn": [1.0, 2.0], "E_rev": [0.0, 0.0]})


def bw_k0(alpha=0.5, tau_r=2.0, tau_d=100.0):
    a, x = 1.0 - tau_r / tau_d, alpha * tau_r
    return x ** (tau_r / tau_d) * gammainc(a, x) * gamma(a)


def test_iaf_bw_2001_nmda_jump_from_sender():
    reset()
    pre = nest.Create("iaf_bw_2001", params={"V_m": -54.0})  # above V_th: spikes in its first step
    post = nest.Create("iaf_bw_2001")
    nest.Connect(pre, post, syn_spec={"weight": 2.5, "delay": 1.0, "receptor_type": 3})
    mm = nest.Create("multimeter", params={"record_from": ["s_NMDA"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, post)
    nest.Connect(pre, sr)
    nest.Simulate(20.0)
    # NEST's recorders report stamp - offset, and the offset carries the NMDA jump.
    assert list(sr.get("events")["times"]) == [pytest.approx(0.1 - bw_k0(), abs=1e-12)]
    t, s = trace(mm, "s_NMDA")
    arrive = int(np.argmin(np.abs(t - 1.1)))
    assert np.all(s[:arrive] == 0.0)
    assert s[arrive] == pytest.approx(2.5 * bw_k0(), rel=1e-12)
    later = s[arrive:]
    expected = 2.5 * bw_k0() * np.exp(-(t[arrive:] - t[arrive]) / 100.0)
    assert np.max(np.abs(later - expected)) < 1e-4


def bw_network(model, chunks, threads=1):
    reset(0.1, threads)
    n = nest.Create(model, 6, params={"V_m": [-54.0, -60.0, -58.0, -70.0, -56.0, -65.0]})
    dc = nest.Create("dc_generator", params={"amplitude": 450.0})
    nest.Connect(dc, n)
    nest.Connect(n, n, syn_spec={"weight": 0.3, "delay": 1.5, "receptor_type": 3})
    nest.Connect(n[:2], n[2:], syn_spec={"weight": 1.0, "delay": 1.0, "receptor_type": 1})
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "s_NMDA", "I_NMDA"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    for c in chunks:
        nest.Simulate(c)
    ev = mm.get("events")
    order = np.lexsort((np.asarray(ev["senders"]), np.asarray(ev["times"])))
    return {k: np.asarray(ev[k])[order] for k in ("V_m", "s_NMDA", "I_NMDA")}, sorted(sr.get("events")["times"])


@pytest.mark.parametrize("model", ["iaf_bw_2001", "iaf_bw_2001_exact"])
def test_bw_chunked_and_threads_bitwise(model):
    ref, spikes = bw_network(model, [80.0])
    assert len(spikes) > 6
    assert np.max(ref["s_NMDA"]) > 0.0
    for ev, sp in (bw_network(model, [17.3, 0.1, 62.6]), bw_network(model, [80.0], threads=2)):
        assert sp == spikes
        for k in ref:
            assert np.array_equal(ref[k], ev[k]), k


def test_iaf_bw_2001_nmda_needs_bw_sender():
    reset()
    n = nest.Create("iaf_bw_2001")
    sg = nest.Create("spike_generator")
    with pytest.raises(nest.NESTError, match="iaf_bw_2001"):
        nest.Connect(sg, n, syn_spec={"receptor_type": 3})
    nest.Connect(sg, n, syn_spec={"receptor_type": 1})


@pytest.mark.parametrize("model", ["iaf_bw_2001", "iaf_bw_2001_exact"])
def test_bw_bad_properties(model):
    reset()
    n = nest.Create(model)
    before = n.get(["V_reset", "tau_AMPA", "alpha"])
    for bad in ({"V_reset": -50.0}, {"tau_AMPA": 0.0}, {"alpha": -1.0}, {"C_m": 0.0}, {"gsl_error_tol": 0.0}):
        with pytest.raises(nest.NESTError):
            n.set(bad)
    assert n.get(["V_reset", "tau_AMPA", "alpha"]) == before


def test_bw_exact_refractory_clamp_and_late_nmda():
    reset()
    n = nest.Create("iaf_bw_2001_exact", params={"V_m": -54.0, "t_ref": 1.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(3.0)  # samples reach the recorder one min_delay late, as in NEST
    _, v = trace(mm, "V_m")
    assert np.all(v[:11] == -60.0)  # spike step plus t_ref / h clamped steps
    assert v[11] != -60.0
    other = nest.Create("iaf_bw_2001_exact")
    with pytest.raises(nest.NESTError):
        nest.Connect(other, n, syn_spec={"receptor_type": 3})
