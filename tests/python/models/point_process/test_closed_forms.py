"""Deterministic parts of the escape-noise neurons against closed forms.

Conventions (NEST's grid): a multimeter sample at t = (s+1) h shows the state after
the update of step s; a spike in step k is stamped t_sp = (k+1) h.
* Membrane with constant I_e from rest: V(t) = E_L + I_e / g_L (1 - exp(-t / tau_m))
  for the GIF models (tau_m = C_m / g_L), V(t) = I_e tau_m / C_m (1 - exp(-t / tau_m))
  for pp_psc_delta (whose V is relative to rest).
* GIF kernels are read at the start of a step and then decay, and jump after the
  spike, so the sample at t holds sum_k q_k exp(-(t - t_sp - h) / tau_k) over the
  spikes with t_sp < t. pp_psc_delta's kernels decay before they are read:
  exp(-(t - t_sp) / tau_k).
* In the "certain firing" regime (spike probability rounded to 1) a GIF neuron
  fires every ceil(t_ref / h) + 1 steps and shows V_reset in the samples of the
  refractory steps.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

GIF_PSC = ["gif_psc_exp", "gif_psc_exp_multisynapse"]
GIF_COND = ["gif_cond_exp", "gif_cond_exp_multisynapse"]


def record(model, params, keys, t_sim, res=0.1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res})
    n = nest.Create(model, params=params)
    mm = nest.Create("multimeter", params={"record_from": keys, "interval": res})
    nest.Connect(mm, n)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(t_sim)
    ev = mm.get("events")
    return {k: np.asarray(v) for k, v in ev.items()}, np.asarray(sr.get("events")["times"])


@pytest.mark.parametrize("model", GIF_PSC + GIF_COND)
def test_gif_membrane_relaxation(model):
    g_L, C_m, E_L, I_e = 5.0, 100.0, -65.0, 40.0
    params = {"lambda_0": 0.0, "g_L": g_L, "C_m": C_m, "E_L": E_L, "V_m": E_L, "I_e": I_e}
    ev, spikes = record(model, params, ["V_m"], 100.0)
    assert len(spikes) == 0
    expected = E_L + I_e / g_L * (1 - np.exp(-ev["times"] * g_L / C_m))
    # Exact propagators for the _psc_ models (category A); RKF45 with GSL's
    # y(1e-3, 0) control for the _cond_ models: local errors far below 1e-3 mV.
    atol = 1e-9 if model in GIF_PSC else 1e-4
    np.testing.assert_allclose(ev["V_m"], expected, rtol=0, atol=atol)


def test_pp_psc_delta_membrane_relaxation():
    tau_m, C_m, I_e = 12.0, 200.0, 50.0
    ev, spikes = record("pp_psc_delta", {"c_1": 0.0, "c_2": 0.0, "tau_m": tau_m, "C_m": C_m, "I_e": I_e}, ["V_m"], 80.0)
    assert len(spikes) == 0
    expected = I_e * tau_m / C_m * (1 - np.exp(-ev["times"] / tau_m))
    np.testing.assert_allclose(ev["V_m"], expected, rtol=0, atol=1e-9)


CERTAIN = {"lambda_0": 1e12, "Delta_V": 1e4}


@pytest.mark.parametrize("model", GIF_PSC + GIF_COND)
@pytest.mark.parametrize("res", [0.1, 0.05])
def test_gif_kernels_and_refractory_clamp(model, res):
    t_ref, V_reset, V_T = 2.0, -58.0, -40.0
    q_stc, tau_stc, q_sfa, tau_sfa = [15.0, 4.0], [6.0, 40.0], [2.0, 0.5], [12.0, 90.0]
    params = dict(CERTAIN, t_ref=t_ref, V_reset=V_reset, V_T_star=V_T, I_e=30.0)
    params.update(tau_stc=tau_stc, q_stc=q_stc, tau_sfa=tau_sfa, q_sfa=q_sfa)
    ev, spikes = record(model, params, ["V_m", "E_sfa", "I_stc"], 50.0, res)
    period = (math.ceil(t_ref / res - 1e-9) + 1) * res
    np.testing.assert_allclose(spikes, np.arange(1, len(spikes) + 1) * period - period + res, atol=1e-9)
    assert len(spikes) == math.floor((50.0 - res) / period + 1e-9) + 1
    t = ev["times"]
    past = spikes[None, :] < t[:, None] - 1e-9
    lag = t[:, None] - spikes[None, :] - res
    stc = sum(q * np.where(past, np.exp(-lag / tau), 0.0).sum(axis=1) for q, tau in zip(q_stc, tau_stc))
    sfa = V_T + sum(q * np.where(past, np.exp(-lag / tau), 0.0).sum(axis=1) for q, tau in zip(q_sfa, tau_sfa))
    np.testing.assert_allclose(ev["I_stc"], stc, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ev["E_sfa"], sfa, rtol=1e-12, atol=1e-12)
    # Samples strictly after a spike and up to t_ref later show V_reset.
    since = t[:, None] - spikes[None, :]
    clamped = ((since > 1e-9) & (since < t_ref + 1e-9)).any(axis=1)
    assert clamped.sum() > 0
    np.testing.assert_array_equal(ev["V_m"][clamped], V_reset)


def test_pp_psc_delta_kernels_and_reset():
    # c_3 = 0 and a huge c_2: certain firing after each dead time of 1.5 ms.
    h, dead, q_sfa, tau_sfa = 0.1, 1.5, [2.0, 1.0], [5.0, 30.0]
    params = {"c_1": 0.0, "c_2": 1e12, "c_3": 0.0, "dead_time": dead, "tau_sfa": tau_sfa, "q_sfa": q_sfa}
    params["I_e"] = 100.0
    ev, spikes = record("pp_psc_delta", params, ["V_m", "E_sfa"], 40.0)
    period = (round(dead / h) + 1) * h
    np.testing.assert_allclose(np.diff(spikes), period, atol=1e-9)
    t = ev["times"]
    past = spikes[None, :] < t[:, None] - 1e-9
    lag = t[:, None] - spikes[None, :]
    sfa = sum(q * np.where(past, np.exp(-lag / tau), 0.0).sum(axis=1) for q, tau in zip(q_sfa, tau_sfa))
    np.testing.assert_allclose(ev["E_sfa"], sfa, rtol=1e-12, atol=1e-12)
    # with_reset: V is 0 at each spike sample, then relaxes towards I_e tau_m / C_m.
    at_spike = np.isin(np.round(t / h), np.round(spikes / h))
    np.testing.assert_array_equal(ev["V_m"][at_spike], 0.0)
    after = np.round(t / h) - 1 == np.round(spikes[0] / h)
    v_inf = 100.0 * 10.0 / 250.0
    assert ev["V_m"][after][0] == pytest.approx(v_inf * (1 - math.exp(-h / 10.0)), rel=1e-12)
