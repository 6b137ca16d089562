"""Binary neurons (ginzburg, erfc, mcculloch_pitts) against their analytic
behaviour, NEST 3.10's decoding of transitions, and numbers from a live NEST 3.10.

Statistical checks use seeded runs and tolerances of a few standard errors (z <= 4).
"""

import math

import numpy as np
import pytest

H = 0.1


def ginzburg(h, theta=0.0, c_1=0.0, c_2=1.0, c_3=1.0):
    return min(1.0, max(0.0, c_1 * h + c_2 * 0.5 * (1.0 + math.tanh(c_3 * (h - theta)))))


def erfc_gain(h, theta=0.0, sigma=1.0):
    return 0.5 * math.erfc(-(h - theta) / (math.sqrt(2.0) * sigma))


def up_fraction(nest, model, params, current=0.0, n=100, t_sim=2000.0, interval=5.0, seed=11):
    """Mean of S over neurons and samples taken interval apart (after a transient)."""
    nest.SetKernelStatus({"resolution": H, "rng_seed": seed})
    pop = nest.Create(model, n, params)
    if current:
        # noise_generator is the current source NEST lets drive binary neurons
        # (dc_generator's signal type is refused); std = 0 makes it constant.
        ng = nest.Create("noise_generator", {"mean": current, "std": 0.0})
        nest.Connect(ng, pop)
    mm = nest.Create("multimeter", {"record_from": ["S"], "interval": interval, "start": 50.0})
    nest.Connect(mm, pop)
    nest.Simulate(t_sim)
    s = np.asarray(mm.get("events")["S"])
    return s.mean(), s.size


CASES = [
    ("ginzburg_neuron", {"tau_m": 1.0, "theta": 0.4}, 0.0, ginzburg(0.0, theta=0.4)),
    (
        "ginzburg_neuron",
        {"tau_m": 1.0, "c_1": 0.1, "c_2": 0.5, "c_3": 2.0},
        0.0,
        ginzburg(0.0, c_1=0.1, c_2=0.5, c_3=2.0),
    ),
    ("ginzburg_neuron", {"tau_m": 1.0, "theta": 0.5, "c_3": 0.8}, 1.5, ginzburg(1.5, theta=0.5, c_3=0.8)),
    ("erfc_neuron", {"tau_m": 1.0, "theta": 0.3, "sigma": 0.5}, 0.0, erfc_gain(0.0, theta=0.3, sigma=0.5)),
    ("erfc_neuron", {"tau_m": 1.0, "theta": 1.0, "sigma": 2.0}, 2.0, erfc_gain(2.0, theta=1.0, sigma=2.0)),
    ("mcculloch_pitts_neuron", {"tau_m": 1.0, "theta": 0.5}, 1.0, 1.0),
    ("mcculloch_pitts_neuron", {"tau_m": 1.0, "theta": 0.5}, 0.2, 0.0),
]


@pytest.mark.parametrize("model,params,current,expected", CASES)
def test_stationary_up_probability_is_the_gain(nest, model, params, current, expected):
    # Each update draws the state afresh from g(h + I), so the time-averaged state is g.
    mean, k = up_fraction(nest, model, params, current)
    se = math.sqrt(max(expected * (1 - expected), 1e-4) / k)
    assert abs(mean - expected) <= 4 * se + 1e-12


def test_update_times_are_exponential_with_mean_tau_m(nest):
    # With input above threshold a McCulloch-Pitts neuron goes up at its first update;
    # the first update falls at the first step start after an Exp(tau_m) time.
    nest.SetKernelStatus({"resolution": H, "rng_seed": 3})
    n, tau = 4000, 4.0
    pop = nest.Create("mcculloch_pitts_neuron", n, {"tau_m": tau, "theta": -1.0})
    sd = nest.Create("spin_detector")
    nest.Connect(pop, sd)
    nest.Simulate(80.0)  # P(no update by then) = exp(-20) per neuron
    ev = sd.get("events")
    t = np.asarray(ev["times"])
    assert t.size == n and set(ev["state"]) == {1}  # one up transition each, never down
    # The transition is stamped at the end of the step whose start is past t_next:
    # stamp = h * (floor(t_next / h) + 2) (t_next off the grid), so mean = tau + 1.5 h.
    assert abs(t.mean() - (tau + 1.5 * H)) <= 4 * tau / math.sqrt(n)
    assert t.min() >= 2 * H - 1e-9


def run_network(nest, threads, chunks, model="ginzburg_neuron"):
    nest.SetKernelStatus({"resolution": H, "rng_seed": 5, "local_num_threads": threads})
    pop = nest.Create(model, 60, {"tau_m": 2.0, "theta": -0.3})
    nest.Connect(pop, pop, {"rule": "fixed_indegree", "indegree": 6}, {"weight": -0.3, "delay": 0.3})
    sr = nest.Create("spike_recorder")
    nest.Connect(pop, sr)
    csd = nest.Create("correlospinmatrix_detector", {"N_channels": 2, "tau_max": 2.0, "delta_tau": 0.1})
    nest.Connect(pop[0], csd, syn_spec={"receptor_type": 0})
    nest.Connect(pop[1], csd, syn_spec={"receptor_type": 1})
    for t in chunks:
        nest.Simulate(t)
    ev = sr.get("events")
    return (
        np.asarray(ev["senders"]),
        np.asarray(ev["times"]),
        np.asarray(pop.get("h")),
        np.asarray(csd.get("count_covariance")),
    )


@pytest.mark.parametrize("model", ["ginzburg_neuron", "erfc_neuron", "mcculloch_pitts_neuron"])
def test_threads_and_chunks_give_identical_results(nest, model):
    ref = run_network(nest, 1, [100.0], model)
    assert ref[0].size > 50
    for threads, chunks in [(2, [100.0]), (1, [13.3, 40.0, 46.7]), (2, [0.1, 50.0, 49.9])]:
        nest.ResetKernel()
        got = run_network(nest, threads, chunks, model)
        order_ref = np.lexsort((ref[0], ref[1]))
        order_got = np.lexsort((got[0], got[1]))
        np.testing.assert_array_equal(got[0][order_got], ref[0][order_ref])
        np.testing.assert_array_equal(got[1][order_got], ref[1][order_ref])
        np.testing.assert_array_equal(got[2], ref[2])
        np.testing.assert_array_equal(got[3], ref[3])


def h_changes(mm, sender):
    ev = mm.get("events")
    sel = np.asarray(ev["senders"]) == sender
    h, t = np.asarray(ev["h"])[sel], np.asarray(ev["times"])[sel]
    k = np.flatnonzero(np.diff(h)) + 1
    return [(round(float(t[i]), 6), float(h[i])) for i in k]


def test_decoding_of_device_and_neuron_spikes_matches_nest(nest):
    # A spike_generator (a device: its spikes arrive whole, with their multiplicity)
    # and a parrot (a neuron: NEST sends its spike as `multiplicity` single events)
    # feed two McCulloch-Pitts neurons that never update. Multiplicity 1 is -w (+2w
    # when it repeats the last sender and time), 2 is +w, larger ones add nothing.
    # Expected (time, h) pairs: live NEST 3.10.0 run of this network.
    n = nest.Create("mcculloch_pitts_neuron", 2, {"tau_m": 1e9, "theta": 1e6})
    sg = nest.Create(
        "spike_generator",
        {"spike_times": [1.0, 2.0, 3.0, 4.0, 4.0, 5.0], "spike_multiplicities": [1, 2, 3, 1, 1, 2]},
    )
    pa = nest.Create("parrot_neuron")
    nest.Connect(sg, n[0], syn_spec={"weight": 0.5})
    nest.Connect(sg, pa)
    nest.Connect(pa, n[1], syn_spec={"weight": 0.5})
    mm = nest.Create("multimeter", {"record_from": ["h"], "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(10.0)
    assert h_changes(mm, n[0].global_id) == [(2.0, -0.5), (3.0, 0.0), (5.0, 0.5), (6.0, 1.0)]
    assert h_changes(mm, n[1].global_id) == [(3.0, -0.5), (4.0, 0.0), (5.0, 1.5), (6.0, 2.0), (7.0, 2.5)]


@pytest.mark.parametrize("w,delay", [(1.0, 1.0), (-0.7, 0.4)])
def test_input_jumps_by_plus_minus_w_at_up_and_down_transitions(nest, w, delay):
    # Neuron 0 is switched up by a current pulse and falls back after it; neuron 1
    # (never updating) sees h = w * S_0, delayed: a transition stamped s changes h in
    # the step that ends at s + delay.
    nest.SetKernelStatus({"resolution": H, "rng_seed": 9})
    n0 = nest.Create("mcculloch_pitts_neuron", {"tau_m": 1.0, "theta": 0.5})
    n1 = nest.Create("mcculloch_pitts_neuron", {"tau_m": 1e9, "theta": 1e6})
    ng = nest.Create("noise_generator", {"mean": 1.0, "std": 0.0, "start": 5.0, "stop": 20.0})
    nest.Connect(ng, n0)
    nest.Connect(n0, n1, syn_spec={"weight": w, "delay": delay})
    sd = nest.Create("spin_detector")
    nest.Connect(n0, sd)
    mm = nest.Create("multimeter", {"record_from": ["h"], "interval": H})
    nest.Connect(mm, n1)
    nest.Simulate(40.0)
    ev = sd.get("events")
    assert list(ev["state"]) == [1, 0]
    t_up, t_down = ev["times"]
    assert 5.0 < t_up < 20.0 < t_down
    expected = [(round(t_up + delay, 6), w), (round(t_down + delay, 6), 0.0)]
    assert h_changes(mm, n1.global_id) == expected


def test_current_counts_only_in_its_step(nest):
    # h holds spike input only; a current enters the gain but not h.
    nest.SetKernelStatus({"resolution": H, "rng_seed": 1})
    n = nest.Create("ginzburg_neuron", {"tau_m": 1.0})
    ng = nest.Create("noise_generator", {"mean": 3.0, "std": 0.0})
    nest.Connect(ng, n)
    nest.Simulate(20.0)
    assert n.get("h") == 0.0


def test_defaults_match_nest(nest):
    # GetDefaults of NEST 3.10.0 (live).
    g = nest.GetDefaults("ginzburg_neuron")
    assert (g["tau_m"], g["theta"], g["c_1"], g["c_2"], g["c_3"]) == (10.0, 0.0, 0.0, 1.0, 1.0)
    e = nest.GetDefaults("erfc_neuron")
    assert (e["tau_m"], e["theta"], e["sigma"]) == (10.0, 0.0, 1.0)
    m = nest.GetDefaults("mcculloch_pitts_neuron")
    assert (m["tau_m"], m["theta"]) == (10.0, 0.0)
    for d in (g, e, m):
        assert d["recordables"] == ["S", "h"]
        assert d["S"] is False and d["h"] == 0.0
        assert (d["tau_minus"], d["tau_minus_triplet"]) == (20.0, 110.0)


@pytest.mark.parametrize(
    "params",
    [{"tau_m": 0.0}, {"tau_m": -1.0}, {"tau_m": float("nan")}, {"theta": float("inf")}, {"S": True}, {"h": 1.0}],
)
def test_bad_values_are_errors_that_change_nothing(nest, params):
    n = nest.Create("erfc_neuron", 2, {"tau_m": 3.0})
    before = n.get(["tau_m", "theta", "sigma", "S", "h"])
    with pytest.raises(Exception) as err:
        n.set(params)
    assert "erfc_neuron" in str(err.value)
    assert n.get(["tau_m", "theta", "sigma", "S", "h"]) == before


@pytest.mark.parametrize(
    "source",
    ["iaf_psc_alpha", "poisson_generator", "dc_generator"],
)
def test_sources_with_another_signal_type_are_refused(nest, source):
    # NEST's signal types: binary neurons receive only from binary senders and from
    # spike_generator, parrot_neuron, noise_generator (which send both kinds).
    n = nest.Create("ginzburg_neuron")
    s = nest.Create(source)
    with pytest.raises(Exception, match="not compatible"):
        nest.Connect(s, n)
    assert nest.num_connections == 0
