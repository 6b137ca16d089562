"""The precise-timing (_ps) neurons, parrot_neuron_ps and spike_generator's
precise_times against closed-form solutions, NEST 3.10 and invariants.

Numbers marked "NEST 3.10.0" were obtained by running the same script with NEST
3.10.0 (/work/nest310/bin/python, one thread) and are quoted at full precision.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

PS_MODELS = ["iaf_psc_alpha_ps", "iaf_psc_exp_ps", "iaf_psc_exp_ps_lossless", "iaf_psc_delta_ps"]


def reset(h, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": h, "local_num_threads": threads})


def spike_times(sr):
    return np.asarray(sr.get("events")["times"], float)


# --- constant input: the analytic crossing -----------------------------------------


@pytest.mark.parametrize("model", PS_MODELS)
@pytest.mark.parametrize("h", [0.1, 0.05, 0.25, 1.0])
def test_spike_times_match_the_analytic_crossing_for_constant_current(model, h):
    # From V = E_L under I_e alone, V(t) = E_L + R I_e (1 - exp(-t / tau_m)) crosses
    # V_th at t* = -tau_m ln(1 - (V_th - E_L) C / (tau_m I_e)). After a spike V is
    # held at V_reset = E_L for exactly t_ref, so spike k falls at t* + k (t* + t_ref),
    # whatever the resolution (t_ref is a multiple of every h used here).
    tau_m, C, I_e, theta, t_ref = 10.0, 250.0, 400.0, 15.0, 2.0
    t_star = -tau_m * math.log(1.0 - theta * C / (tau_m * I_e))
    reset(h)
    n = nest.Create(model, params={"I_e": I_e, "t_ref": t_ref})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(200.0)
    expected = t_star + np.arange(6) * (t_star + t_ref)
    got = spike_times(sr)
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < 1e-9


def test_delta_ps_crossing_between_input_spikes_is_analytic():
    # One input jump of w mV at t0 = 5 + d: afterwards V relaxes towards R I_e from
    # V(t0) = R I_e (1 - exp(-t0/tau)) + w, crossing theta at
    # t0 - tau ln((R I_e - theta) / (R I_e - V(t0))).
    tau_m, C, I_e, theta, w = 10.0, 250.0, 380.0, 15.0, 0.3
    RI = tau_m / C * I_e
    for h in [0.1, 0.3, 0.02]:
        reset(h)
        n = nest.Create("iaf_psc_delta_ps", params={"I_e": I_e})
        g = nest.Create("spike_generator", params={"spike_times": [28.8]})
        sr = nest.Create("spike_recorder")
        nest.Connect(g, n, syn_spec={"weight": w, "delay": 1.2})
        nest.Connect(n, sr)
        nest.Simulate(60.0)
        t0 = 30.0
        v0 = RI * (1.0 - math.exp(-t0 / tau_m)) + w
        t_cross = t0 + tau_m * math.log((RI - v0) / (RI - theta))
        got = spike_times(sr)
        assert got.size >= 1 and t0 < got[0] < 43.0  # earlier than without the input
        assert abs(got[0] - t_cross) < 1e-9


# --- resolution: precise times converge, grid times do not ---------------------------


def network_spikes(model, h):
    reset(h)
    n = nest.Create(model, params={"I_e": 420.0})
    # Inputs on every grid used below, so a precise model sees the same input at every h.
    g = nest.Create("spike_generator", params={"spike_times": [3.0, 11.5, 12.0, 30.0, 47.5, 63.0]})
    gi = nest.Create("spike_generator", params={"spike_times": [20.0, 52.5]})
    sr = nest.Create("spike_recorder")
    weight = 2.5 if model.endswith("delta") or model.endswith("delta_ps") else 250.0
    nest.Connect(g, n, syn_spec={"weight": weight, "delay": 1.0})
    nest.Connect(gi, n, syn_spec={"weight": -weight, "delay": 1.0})
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    return spike_times(sr)


@pytest.mark.parametrize(
    "precise, grid",
    [("iaf_psc_exp_ps", "iaf_psc_exp"), ("iaf_psc_alpha_ps", "iaf_psc_alpha"), ("iaf_psc_delta_ps", "iaf_psc_delta")],
)
def test_precise_spike_times_do_not_depend_on_the_resolution_but_grid_ones_do(precise, grid):
    resolutions = [0.1, 0.05, 0.01]
    ref = network_spikes(precise, 0.001)
    assert ref.size >= 4
    grid_err = []
    for h in resolutions:
        p = network_spikes(precise, h)
        assert p.shape == ref.shape
        assert np.max(np.abs(p - ref)) < 1e-8
        g = network_spikes(grid, h)
        # Grid spikes lie on the grid; the first sits up to one step after the true
        # crossing, and later ones inherit the delay of the grid-aligned reset.
        assert np.allclose(g / h, np.round(g / h), rtol=0.0, atol=1e-6)
        assert 0.0 <= g[0] - ref[0] <= h + 1e-9
        if g.shape == ref.shape:
            grid_err.append(np.max(np.abs(g - ref)))
    assert len(grid_err) >= 2
    assert grid_err[0] > 1e-3  # at h = 0.1 the grid model is visibly off ...
    assert grid_err[-1] < grid_err[0]  # ... and only a finer grid brings it closer


# --- threads and chunks ---------------------------------------------------------------


def random_network(model, threads, chunks):
    reset(0.1, threads)
    nest.SetKernelStatus({"rng_seed": 4321})
    n = nest.Create(model, 60, params={"I_e": 150.0})
    pg = nest.Create("poisson_generator_ps", params={"rate": 8000.0, "dead_time": 0.05})
    sr = nest.Create("spike_recorder")
    w = 0.6 if model == "iaf_psc_delta_ps" else 60.0
    nest.Connect(pg, n, syn_spec={"weight": w, "delay": 0.5})
    nest.Connect(
        n,
        n,
        {"rule": "fixed_indegree", "indegree": 10},
        syn_spec={"weight": -w, "delay": nest.random.uniform(0.5, 2.0)},
    )
    nest.Connect(n, sr)
    for t in chunks:
        nest.Simulate(t)
    ev = sr.get("events")
    order = np.lexsort((ev["times"], ev["senders"]))
    return np.asarray(ev["senders"])[order], np.asarray(ev["times"], float)[order]


@pytest.mark.parametrize("model", PS_MODELS)
def test_one_or_two_threads_and_any_chunking_give_identical_spikes(model):
    s1, t1 = random_network(model, 1, [150.0])
    assert t1.size > 100
    for threads, chunks in [(2, [150.0]), (1, [33.3, 0.1, 66.6, 50.0]), (2, [12.5, 137.5])]:
        s, t = random_network(model, threads, chunks)
        assert np.array_equal(s, s1)
        assert np.array_equal(t, t1)  # bit for bit


# --- NEST 3.10 on the same scripts ----------------------------------------------------


def test_precise_spike_generator_through_parrot_neuron_ps_matches_nest():
    reset(0.1)
    g = nest.Create("spike_generator", params={"spike_times": [0.05, 1.23, 1.25, 4.0, 7.777777], "precise_times": True})
    p = nest.Create("parrot_neuron_ps")
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    sr2 = nest.Create("spike_recorder")
    nest.Connect(g, p, syn_spec={"delay": 0.3})
    nest.Connect(p, sr)
    nest.Connect(p, sr2)
    nest.Simulate(10.0)
    ev = sr.get("events")
    # NEST 3.10.0
    assert list(ev["times"]) == [4, 16, 16, 43, 81]
    np.testing.assert_allclose(
        ev["offsets"], [0.05, 0.07000000000000006, 0.050000000000000044, 0.0, 0.022222999999999438], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        spike_times(sr2), [0.35000000000000003, 1.53, 1.55, 4.3, 8.077777000000001], rtol=0, atol=1e-12
    )


def test_alpha_ps_pair_with_precise_inputs_matches_nest():
    reset(0.25)
    a = nest.Create("iaf_psc_alpha_ps", 2, params={"I_e": 300.0})
    a[1].set({"I_e": 0.0, "V_m": -60.0})
    g = nest.Create("spike_generator", params={"spike_times": [2.111, 2.112, 7.9, 15.03125], "precise_times": True})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": 0.25})
    nest.Connect(g, a[0], syn_spec={"weight": 400.0, "delay": 0.5})
    nest.Connect(g, a[1], syn_spec={"weight": -100.0, "delay": 0.75})
    nest.Connect(a[0], a[1], syn_spec={"weight": 900.0, "delay": 1.0})
    nest.Connect(a, sr)
    nest.Connect(mm, a)
    nest.Simulate(40.0)
    ev = sr.get("events")
    # NEST 3.10.0
    assert list(ev["senders"]) == [1, 1, 2]
    np.testing.assert_allclose(
        ev["times"], [6.8806409222795235, 17.256592699648163, 22.450934420560568], rtol=0, atol=1e-9
    )
    np.testing.assert_allclose(
        mm.get("events")["V_m"][100:104],
        [-59.77235001016835, -59.40707493699189, -59.700921724979025, -59.545133343797254],
        rtol=0,
        atol=1e-9,
    )


def test_delta_ps_refractoriness_ends_off_grid_and_drops_input_like_nest():
    reset(0.1)
    n = nest.Create("iaf_psc_delta_ps", params={"I_e": 500.0, "t_ref": 3.0})
    g = nest.Create(
        "spike_generator", params={"spike_times": [1.0, 5.55, 6.123, 6.5, 9.0001, 12.37], "precise_times": True}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(g, n, syn_spec={"weight": 4.0, "delay": 1.0})
    nest.Connect(n, sr)
    nest.Simulate(30.0)
    # NEST 3.10.0
    np.testing.assert_allclose(spike_times(sr), [6.55, 16.43636862200046], rtol=0, atol=1e-9)
    assert n.get("refractory_input") is False or n.get("refractory_input") == 0


@pytest.mark.parametrize("model", PS_MODELS)
def test_dc_generator_current_acts_from_the_step_after_arrival_like_nest(model):
    reset(0.5)
    n = nest.Create(model, params={"I_e": 100.0})
    dc = nest.Create("dc_generator", params={"amplitude": 350.0, "start": 5.0, "stop": 30.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(dc, n, syn_spec={"delay": 1.5})
    nest.Connect(n, sr)
    nest.Simulate(50.0)
    # NEST 3.10.0: 23.29472745328973 (all four models, to 1e-14)
    np.testing.assert_allclose(spike_times(sr), [23.29472745328973], rtol=0, atol=1e-9)


@pytest.mark.parametrize("model", ["iaf_psc_exp_ps", "iaf_psc_exp_ps_lossless"])
def test_exp_ps_models_fire_after_one_precise_input_like_nest(model):
    expected = {  # NEST 3.10.0, weights 80, 81, 82, 84, 90 pA; identical for both models
        80.0: 5.088528396999368,
        81.0: 5.07596528714873,
        82.0: 5.06380668385835,
        84.0: 5.0406253736316415,
        90.0: 4.978979495205417,
    }
    for w, t in expected.items():
        reset(1.0)
        n = nest.Create(model, params={"I_e": 370.0, "V_m": -70.0 + 14.8})
        g = nest.Create("spike_generator", params={"spike_times": [3.3], "precise_times": True})
        sr = nest.Create("spike_recorder")
        nest.Connect(g, n, syn_spec={"weight": w, "delay": 1.0})
        nest.Connect(n, sr)
        nest.Simulate(20.0)
        np.testing.assert_allclose(spike_times(sr), [t], rtol=0, atol=1e-9)


def test_off_grid_spiking_switches_on_with_a_precise_model_like_nest():
    # NEST 3.10.0: False before; True after creating iaf_psc_delta_ps or
    # poisson_generator_ps; still False after iaf_psc_exp.
    for model, on in [("iaf_psc_delta_ps", True), ("poisson_generator_ps", True), ("iaf_psc_exp", False)]:
        nest.ResetKernel()
        assert nest.GetKernelStatus("off_grid_spiking") is False
        nest.Create(model)
        assert nest.GetKernelStatus("off_grid_spiking") is on


# --- bad input ------------------------------------------------------------------------


def test_off_grid_times_without_precise_times_are_an_error_that_changes_nothing():
    reset(0.1)
    g = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0]})
    with pytest.raises(Exception, match="1.23"):
        g.set({"spike_times": [1.23]})
    assert list(g.get("spike_times")) == [1.0, 2.0]
    with pytest.raises(Exception, match="precise_times"):
        g.set({"spike_times": [1.23], "precise_times": True, "allow_offgrid_times": True})
    assert list(g.get("spike_times")) == [1.0, 2.0]
    assert g.get("precise_times") in (False, 0)
    g.set({"spike_times": [1.23], "precise_times": True})
    np.testing.assert_allclose(g.get("spike_times"), [1.23])


@pytest.mark.parametrize(
    "model, params, word",
    [
        ("iaf_psc_alpha_ps", {"t_ref": 0.0}, "t_ref"),
        ("iaf_psc_exp_ps", {"V_reset": -50.0}, "V_reset"),
        ("iaf_psc_delta_ps", {"V_min": -60.0}, "V_min"),
        ("iaf_psc_exp_ps_lossless", {"tau_syn_in": 3.0}, "tau_syn"),
        ("iaf_psc_exp_ps_lossless", {"tau_m": 2.0}, "time constant"),
        ("poisson_generator_ps", {"rate": 500.0, "dead_time": 3.0}, "dead time"),
        ("iaf_psc_exp_ps", {"C_m": -1.0}, "C_m"),
        ("iaf_psc_alpha_ps", {"tau_m": float("nan")}, "tau_m"),
    ],
)
def test_bad_parameters_are_errors_that_change_nothing(model, params, word):
    reset(0.1)
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(Exception, match=word):
        n.set(params)
    after = n.get()
    for k, v in before.items():
        assert np.array_equal(np.asarray(after[k]), np.asarray(v)) or (
            isinstance(v, float) and math.isnan(v) and math.isnan(after[k])
        ), k


def test_an_offset_outside_its_step_is_a_clear_error():
    # iaf_tum_2000 ships its released fraction u x (here 0.5 > h) in the offset field;
    # a precise neuron would take it for a time inside the step, so it refuses it.
    reset(0.1)
    tum = nest.Create("iaf_tum_2000", params={"I_e": 1000.0, "U": 0.5, "tau_fac": 0.0, "x": 1.0})
    n = nest.Create("iaf_psc_exp_ps")
    nest.Connect(tum, n, syn_spec={"weight": 10.0, "delay": 1.0})
    with pytest.raises(Exception, match=r"iaf_psc_exp_ps.*offset"):
        nest.Simulate(50.0)
