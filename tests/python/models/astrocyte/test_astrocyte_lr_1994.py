"""astrocyte_lr_1994, aeif_cond_alpha_astro and sic_connection against the model's
mathematics (the corpus case astrocyte_lr_1994__sic checks them against NEST 3.10)."""

import math

import nestkit.nest as nest
import numpy as np
import pytest


def _astro(params=None, **kernel):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, **kernel})
    a = nest.Create("astrocyte_lr_1994", params=params or {})
    mm = nest.Create("multimeter", params={"record_from": ["IP3", "Ca_astro", "h_IP3R"], "interval": 0.1})
    nest.Connect(mm, a)
    return a, mm


def test_defaults_and_recordables_are_nests():
    d = nest.GetDefaults("astrocyte_lr_1994")
    assert d["Ca_tot"] == 2.0 and d["IP3_0"] == 0.16 and d["tau_IP3"] == 7142.0
    assert d["SIC_th"] == 0.19669 and d["delta_IP3"] == 0.0002 and d["rate_SERCA"] == 0.0009
    assert d["IP3"] == 0.16 and d["Ca_astro"] == 0.073 and d["h_IP3R"] == 0.793
    assert list(d["recordables"]) == ["IP3", "Ca_astro", "h_IP3R"]
    n = nest.GetDefaults("aeif_cond_alpha_astro")
    assert list(n["recordables"]) == ["V_m", "g_ex", "g_in", "w", "I_SIC"]
    assert nest.GetDefaults("sic_connection")["weight"] == 1.0


def test_ip3_relaxes_exponentially_to_its_baseline_without_input():
    a, mm = _astro({"IP3": 1.0})
    nest.Simulate(500.0)
    ev = mm.get("events")
    t = ev["times"]
    expected = 0.16 + (1.0 - 0.16) * np.exp(-t / 7142.0)
    # dIP3/dt does not depend on Ca or h: RKF45 under a 1e-3 absolute tolerance follows
    # this slow exponential far more closely than the tolerance.
    np.testing.assert_allclose(ev["IP3"], expected, rtol=0, atol=1e-9)


def test_each_spike_raises_ip3_by_delta_ip3_times_weight_at_its_arrival_step():
    a, mm = _astro({"delta_IP3": 0.01})
    g = nest.Create("spike_generator", params={"spike_times": [5.0, 5.0, 20.0]})
    nest.Connect(g, a, syn_spec={"weight": 3.0, "delay": 1.0})
    nest.Simulate(30.0)
    ev = mm.get("events")
    ip3 = dict(zip(np.round(ev["times"], 6), ev["IP3"]))
    # Two spikes at 5 ms arrive at 6 ms: +2 * 0.01 * 3; between spikes IP3 decays by tau_IP3.
    jump = ip3[6.0] - ip3[5.9] * math.exp(-0.1 / 7142.0) - 0.16 * (1 - math.exp(-0.1 / 7142.0))
    assert jump == pytest.approx(0.06, abs=1e-9)
    jump2 = ip3[21.0] - ip3[20.9] * math.exp(-0.1 / 7142.0) - 0.16 * (1 - math.exp(-0.1 / 7142.0))
    assert jump2 == pytest.approx(0.03, abs=1e-9)


def test_calcium_and_gating_stay_in_their_ranges_under_strong_drive():
    a, mm = _astro({"delta_IP3": 0.5})
    g = nest.Create("poisson_generator", params={"rate": 2000.0})
    nest.Connect(g, a, syn_spec={"weight": 1.0})
    nest.Simulate(3000.0)
    ev = mm.get("events")
    assert np.all(ev["Ca_astro"] >= 0.0) and np.all(ev["Ca_astro"] <= 2.0)
    assert np.all(ev["h_IP3R"] >= 0.0) and np.all(ev["h_IP3R"] <= 1.0)
    assert ev["Ca_astro"].max() > 0.3  # driven well past the SIC threshold


def test_sic_reaches_the_neuron_delayed_and_weighted_as_the_log_of_the_calcium_excess():
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1})
    a = nest.Create("astrocyte_lr_1994", params={"delta_IP3": 0.5, "SIC_scale": 2.0})
    n = nest.Create("aeif_cond_alpha_astro")
    g = nest.Create("poisson_generator", params={"rate": 2000.0})
    nest.Connect(g, a)
    nest.Connect(a, n, syn_spec={"synapse_model": "sic_connection", "weight": 3.0, "delay": 2.0})
    ma = nest.Create("multimeter", params={"record_from": ["Ca_astro"], "interval": 0.1})
    mn = nest.Create("multimeter", params={"record_from": ["I_SIC"], "interval": 0.1})
    nest.Connect(ma, a)
    nest.Connect(mn, n)
    nest.Simulate(2000.0)
    ca = ma.get("events")["Ca_astro"]
    sic = mn.get("events")["I_SIC"]
    x = (ca - 0.19669) * 1000.0
    sent = np.where(x > 1.0, 2.0 * np.log(np.maximum(x, 1.0)), 0.0)
    # The astrocyte's value of step s is the neuron's I_SIC at step s + delay (20 steps).
    np.testing.assert_allclose(sic[20:], 3.0 * sent[:-20], rtol=1e-14, atol=0)
    assert np.all(sic[:20] == 0.0)
    assert sic.max() > 0.0


def test_sic_depolarizes_the_neuron_like_a_current():
    def v_trace(sic_weight):
        nest.ResetKernel()
        a = nest.Create("astrocyte_lr_1994", params={"Ca_astro": 1.0})
        n = nest.Create("aeif_cond_alpha_astro")
        nest.Connect(a, n, syn_spec={"synapse_model": "sic_connection", "weight": sic_weight})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
        nest.Connect(mm, n)
        nest.Simulate(50.0)
        return mm.get("events")["V_m"]

    quiet, driven = v_trace(0.0), v_trace(10.0)
    assert abs(quiet[-1] + 70.6) < 1e-3  # at rest but for the exponential term's tiny drift
    assert np.all(driven[1:] > quiet[1:]) and driven[-1] > -70.0


def test_negative_spike_weights_stop_the_run_with_nests_message():
    nest.ResetKernel()
    a = nest.Create("astrocyte_lr_1994")
    g = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(g, a, syn_spec={"weight": -1.0})
    with pytest.raises(nest.NESTError, match="negative weights"):
        nest.Simulate(10.0)


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("Ca_tot", 0.0, "must be positive"),
        ("tau_IP3", -1.0, "must be positive"),
        ("delta_IP3", -0.1, "must be non-negative"),
        ("h_IP3R", 1.5, "between 0 and 1"),
        ("Ca_astro", -0.1, "must be non-negative"),
        ("SIC_scale", 0.0, "must be positive"),
    ],
)
def test_bad_parameters_are_refused_and_change_nothing(key, value, words):
    nest.ResetKernel()
    a = nest.Create("astrocyte_lr_1994")
    before = a.get()
    with pytest.raises(nest.NESTError, match=words) as info:
        a.set({key: value})
    assert key in str(info.value)
    assert a.get() == before


def test_connections_nest_refuses():
    nest.ResetKernel()
    a = nest.Create("astrocyte_lr_1994")
    n = nest.Create("aeif_cond_alpha_astro")
    iaf = nest.Create("iaf_psc_alpha")
    with pytest.raises(nest.NESTError):
        nest.Connect(a, iaf, syn_spec={"synapse_model": "sic_connection"})  # iaf takes no SIC
    with pytest.raises(nest.NESTError):
        nest.Connect(a, n)  # an astrocyte sends no spikes
    with pytest.raises(nest.NESTError):
        nest.Connect(iaf, n, syn_spec={"synapse_model": "sic_connection"})  # iaf sends no SIC
    assert nest.num_connections == 0


def test_multapse_sic_connections_add_up_like_one_of_their_summed_weight():
    def i_sic(n_connections, weight):
        nest.ResetKernel()
        a = nest.Create("astrocyte_lr_1994", params={"Ca_astro": 0.5})
        n = nest.Create("aeif_cond_alpha_astro", 3)
        for _ in range(n_connections):
            nest.Connect(a, n, syn_spec={"synapse_model": "sic_connection", "weight": weight})
        mm = nest.Create("multimeter", params={"record_from": ["I_SIC"], "interval": 1.0})
        nest.Connect(mm, n)
        nest.Simulate(30.0)
        return mm.get("events")["I_SIC"]

    one = i_sic(1, 0.35)
    assert one.max() > 0.0
    np.testing.assert_allclose(i_sic(7, 0.05), one, rtol=1e-13, atol=0)
