"""The escape noise of pp_psc_delta and the GIF models against its analytic law.

In discrete time (step h) a neuron outside its dead time / refractory period fires
in a step with probability p = 1 - exp(-lambda h) (pp_psc_delta without dead time:
a Poisson number of spikes with mean lambda h). After a spike it is silent for D
steps, so the inter-spike interval is D + G steps with G geometric on {1, 2, ...}
of parameter p, mean rate 1 / ((D + 1/p) h); for h -> 0 this is the familiar
lambda / (1 + lambda t_ref). Counts are compared with their expectation within
5 standard deviations (the variance of a renewal count is about
n_spikes * CV^2 of the interval).
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

GIF = ["gif_psc_exp", "gif_cond_exp", "gif_psc_exp_multisynapse", "gif_cond_exp_multisynapse"]


def run(model, n, params, t_sim, res=0.1, seed=12):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "rng_seed": seed})
    nodes = nest.Create(model, n, params=params)
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    nest.Simulate(t_sim)
    ev = sr.get("events")
    return nodes, np.asarray(ev["senders"]), np.asarray(ev["times"])


def expected_renewal(p, dead_steps, n, steps):
    """Mean and standard deviation of the spike count of n renewal processes."""
    mean_isi = dead_steps + 1.0 / p
    var_isi = (1.0 - p) / p**2
    count = n * steps / mean_isi
    return count, math.sqrt(count * var_isi / mean_isi**2 + 1.0)


@pytest.mark.parametrize("rate", [50.0, 400.0])
def test_pp_psc_delta_bernoulli_with_dead_time(rate):
    # c_1 = c_3 = 0: the rate is c_2 whatever V.
    h, dead, n, t_sim = 0.1, 2.0, 50, 5000.0
    _, senders, times = run("pp_psc_delta", n, {"c_1": 0.0, "c_2": rate, "c_3": 0.0, "dead_time": dead}, t_sim)
    p = -math.expm1(-rate * h * 1e-3)
    mean, sd = expected_renewal(p, round(dead / h), n, round(t_sim / h))
    assert abs(len(times) - mean) <= 5 * sd
    # The continuous-time rate lambda / (1 + lambda t_ref) is the limit of the above.
    assert mean / (n * t_sim * 1e-3) == pytest.approx(rate / (1 + rate * dead * 1e-3), rel=0.02)
    # No interval is shorter than the dead time plus one step.
    for s in np.unique(senders):
        isi = np.diff(np.sort(times[senders == s]))
        assert isi.min() >= dead + h - 1e-9


def test_pp_psc_delta_poisson_counts_without_dead_time():
    # dead_time = 0: a Poisson number of spikes per step, sent with that multiplicity
    # (the recorder lists each spike).
    h, n, t_sim, rate = 0.1, 20, 2000.0, 2000.0
    _, senders, times = run("pp_psc_delta", n, {"c_1": 0.0, "c_2": rate, "c_3": 0.0, "dead_time": 0.0}, t_sim)
    mu, steps = rate * h * 1e-3, round(t_sim / h)
    assert abs(len(times) - n * steps * mu) <= 5 * math.sqrt(n * steps * mu)
    _, per_step = np.unique(np.stack([senders, np.round(times / h)]), axis=1, return_counts=True)
    multi = np.count_nonzero(per_step >= 2)
    p_multi = 1 - math.exp(-mu) * (1 + mu)
    assert abs(multi - n * steps * p_multi) <= 5 * math.sqrt(n * steps * p_multi)


def test_pp_psc_delta_random_dead_time():
    # Gamma dead time of shape k and mean dead_time, rounded up to steps like NEST's
    # Time(ms).get_steps(); its mean over a large numpy sample is the expectation.
    h, dead, shape, n, t_sim, rate = 0.1, 5.0, 3, 50, 4000.0, 100.0
    params = {
        "c_1": 0.0,
        "c_2": rate,
        "c_3": 0.0,
        "dead_time": dead,
        "dead_time_random": True,
        "dead_time_shape": shape,
    }
    _, senders, times = run("pp_psc_delta", n, params, t_sim)
    draws = np.random.default_rng(0).gamma(shape, dead / shape, 2_000_000)
    dead_steps = np.ceil(np.round(draws * 1000) / (h * 1000) - 1e-12)
    p = -math.expm1(-rate * h * 1e-3)
    mean_isi = dead_steps.mean() + 1 / p
    var_isi = dead_steps.var() + (1 - p) / p**2
    steps = round(t_sim / h)
    count = n * steps / mean_isi
    sd = math.sqrt(count * var_isi / mean_isi**2)
    assert abs(len(times) - count) <= 5 * sd
    isi = np.concatenate([np.diff(np.sort(times[senders == s])) for s in np.unique(senders)])
    assert isi.min() < dead  # random dead times can be shorter than the mean


def test_pp_psc_delta_transfer_function_of_voltage():
    # V starts at the fixed point I_e tau_m / C_m of the membrane and, without reset,
    # stays there, so the rate c_1 V + c_2 exp(c_3 V) is constant.
    h, n, t_sim = 0.1, 40, 4000.0
    c1, c2, c3, tau_m, C_m, I_e = 2.0, 3.0, 0.3, 10.0, 250.0, 100.0
    v = I_e * tau_m / C_m
    params = {"c_1": c1, "c_2": c2, "c_3": c3, "tau_m": tau_m, "C_m": C_m, "I_e": I_e, "V_m": v}
    params.update({"with_reset": False, "dead_time": 1.0})
    _, _, times = run("pp_psc_delta", n, params, t_sim)
    rate = c1 * v + c2 * math.exp(c3 * v)
    mean, sd = expected_renewal(-math.expm1(-rate * h * 1e-3), 10, n, round(t_sim / h))
    assert abs(len(times) - mean) <= 5 * sd


@pytest.mark.parametrize("model", GIF)
@pytest.mark.parametrize("v_t_star, delta_v", [(-70.0, 1.0), (-72.0, 2.0)])
def test_gif_spike_probability_at_constant_voltage(model, v_t_star, delta_v):
    # V stays at E_L (no input, V_m = E_L, V_reset = E_L), so lambda is constant:
    # lambda_0 exp((E_L - V_T_star) / Delta_V); t_ref = 0 makes every step a
    # Bernoulli trial with p = 1 - exp(-lambda h).
    h, n, t_sim, lam0 = 0.1, 40, 2000.0, 100.0
    params = {"lambda_0": lam0, "V_T_star": v_t_star, "Delta_V": delta_v, "t_ref": 0.0, "V_reset": -70.0}
    nodes, _, times = run(model, n, params, t_sim)
    assert nodes.get("V_m") == pytest.approx([-70.0] * n, abs=1e-9)
    lam = lam0 * 1e-3 * math.exp((-70.0 - v_t_star) / delta_v)
    p = -math.expm1(-lam * h)
    trials = n * round(t_sim / h)
    assert abs(len(times) - trials * p) <= 5 * math.sqrt(trials * p * (1 - p))


@pytest.mark.parametrize("model", GIF)
def test_gif_rate_with_refractory_period(model):
    # V_reset = E_L keeps V constant through the refractory clamp.
    h, n, t_sim, lam0, t_ref = 0.1, 40, 3000.0, 150.0, 3.0
    params = {"lambda_0": lam0, "V_T_star": -70.0, "Delta_V": 1.0, "t_ref": t_ref, "V_reset": -70.0}
    _, senders, times = run(model, n, params, t_sim)
    mean, sd = expected_renewal(-math.expm1(-lam0 * 1e-3 * h), round(t_ref / h), n, round(t_sim / h))
    assert abs(len(times) - mean) <= 5 * sd
    for s in np.unique(senders):
        assert np.diff(np.sort(times[senders == s])).min() >= t_ref + h - 1e-9
