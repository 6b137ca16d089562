"""eprop_iaf's surrogate gradients against their formulas (NEST 3.10's four functions),
evaluated on the recorded membrane potential; zero while refractory."""

import nestkit.nest as nest
import numpy as np
import pytest

HEIGHT, WIDTH, V_TH = 0.7, 0.4, -55.0

FORMULAS = {
    "piecewise_linear": lambda x: HEIGHT * np.maximum(0.0, 1.0 - np.abs(x) / WIDTH),
    "exponential": lambda x: HEIGHT * np.exp(-np.abs(x) / WIDTH),
    "fast_sigmoid_derivative": lambda x: HEIGHT * (1.0 + np.abs(x) / WIDTH) ** -2,
    "arctan_derivative": lambda x: HEIGHT / (1.0 + (x / WIDTH) ** 2),
}


def record(function, t_ref):
    nest.ResetKernel()
    nest.resolution = 1.0
    # A current ramps the membrane through the threshold, so psi is sampled on both sides of it.
    n = nest.Create(
        "eprop_iaf",
        params={
            "surrogate_gradient_function": function,
            "surrogate_gradient_height": HEIGHT,
            "surrogate_gradient_width": WIDTH,
            "V_th": V_TH,
            "t_ref": t_ref,
            "C_m": 10.0,
            "tau_m": 20.0,
        },
    )
    ramp = nest.Create(
        "step_current_generator", params={"amplitude_times": [1.0, 40.0], "amplitude_values": [9.0, 12.0]}
    )
    mm = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["V_m", "surrogate_gradient"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(ramp, n)
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(120.0)
    return mm.get("events"), sr.get("events")["times"]


@pytest.mark.parametrize("function", sorted(FORMULAS))
def test_surrogate_gradient_follows_its_formula(function):
    ev, spikes = record(function, t_ref=0.0)
    v, psi = ev["V_m"], ev["surrogate_gradient"]
    # psi is taken before the spike's reset: at a spike step the recorded V_m is V - V_th.
    v_before_reset = v + np.isin(ev["times"], spikes) * (V_TH - -70.0)
    assert len(spikes) > 2 and (np.abs(v_before_reset - V_TH) < WIDTH).sum() > 3
    np.testing.assert_allclose(psi, FORMULAS[function](v_before_reset - V_TH), rtol=1e-12, atol=1e-15)


def test_surrogate_gradient_is_zero_while_refractory():
    ev, spikes = record("exponential", t_ref=5.0)
    assert len(spikes) > 2
    times, psi = ev["times"], ev["surrogate_gradient"]
    for s in spikes[spikes < times[-1] - 5.0]:
        # Refractory steps after a spike (the counter reaches 0 in the fifth step after it).
        inside = (times > s) & (times < s + 5.0)
        assert inside.sum() == 4 and np.all(psi[inside] == 0.0)
        assert psi[times == s + 5.0][0] > 0.0


def test_unknown_surrogate_gradient_is_refused_and_creates_nothing():
    nest.ResetKernel()
    with pytest.raises(nest.NESTError, match="surrogate_gradient_function.*piecewise_linear"):
        nest.Create("eprop_iaf", params={"surrogate_gradient_function": "sigmoid"})
    assert nest.network_size == 0
