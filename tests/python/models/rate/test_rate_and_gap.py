"""Rate neurons, rate connections, siegert_neuron and gap junctions (secondary events).

Expected values come from closed forms of the noise-free dynamics, from invariants
(chunked runs, thread counts, symmetric pairs), or from NEST 3.10's behaviour as
stated per test (its source, /work/nestsrc, or runs of NEST 3.10 itself).
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest


def _reset(resolution=0.1, **kernel):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": resolution, **kernel})


@pytest.mark.parametrize("h", [0.1, 0.25])
@pytest.mark.parametrize("lam", [1.0, 0.5, 0.0])
def test_ipn_noise_free_matches_closed_form(h, lam):
    # tau dX/dt = -lambda X + mu: X(t) = mu/lambda (1 - exp(-lambda t / tau)) (lambda = 0: mu t / tau).
    # The exponential Euler step is exact for constant input.
    _reset(h)
    mu, tau = 1.5, 4.0
    n = nest.Create("lin_rate_ipn", 1, {"mu": mu, "sigma": 0.0, "tau": tau, "lambda": lam})
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": h})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    t, x = mm.events["times"], mm.events["rate"]
    exact = mu * t / tau if lam == 0.0 else mu / lam * (1.0 - np.exp(-lam * t / tau))
    np.testing.assert_allclose(x, exact, rtol=1e-12, atol=1e-12)


def test_opn_noise_free_and_noisy_rate():
    # opn relaxes with lambda = 1 and sends rate + sqrt(tau/h) sigma xi; with sigma = 0 noisy_rate is the
    # rate at the step's start.
    _reset(0.1)
    n = nest.Create("tanh_rate_opn", 1, {"mu": 0.8, "sigma": 0.0, "tau": 2.0})
    mm = nest.Create("multimeter", params={"record_from": ["rate", "noisy_rate"], "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(5.0)
    t, x, y = mm.events["times"], mm.events["rate"], mm.events["noisy_rate"]
    np.testing.assert_allclose(x, 0.8 * (1 - np.exp(-t / 2.0)), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y, 0.8 * (1 - np.exp(-(t - 0.1) / 2.0)), rtol=1e-12, atol=1e-14)


def test_delayed_connection_linear_chain_closed_form():
    # A -> B with rate_connection_delayed (weight w, delay d): B's input in step s is A's rate at the start of
    # step s - d. A(t) = mu (1 - exp(-t/tau)); B obeys tau dB/dt = -B + w A(t - d), integrated by the same
    # exponential Euler step (the input is held over a step): B_{k+1} = P1 B_k + P2 w A_{k-d}.
    _reset(0.1)
    tau, mu, w, d = 3.0, 2.0, 0.7, 15
    a = nest.Create("lin_rate_ipn", 1, {"mu": mu, "sigma": 0.0, "tau": tau})
    b = nest.Create("lin_rate_ipn", 1, {"mu": 0.0, "sigma": 0.0, "tau": tau})
    nest.Connect(a, b, syn_spec={"synapse_model": "rate_connection_delayed", "weight": w, "delay": d * 0.1})
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 0.1})
    nest.Connect(mm, b)
    nest.Simulate(10.0)
    p1, p2 = math.exp(-0.1 / tau), -math.expm1(-0.1 / tau)
    steps = 100
    A = mu * (1 - np.exp(-0.1 * np.arange(steps + 1) / tau))
    B = [0.0]
    for k in range(steps):
        B.append(p1 * B[-1] + p2 * w * (A[k - d] if k >= d else 0.0))
    np.testing.assert_allclose(mm.events["rate"], B[1 : len(mm.events["rate"]) + 1], rtol=1e-11, atol=1e-14)


def _ring(sigma, chunks, threads=1, wfr=True):
    _reset(0.1, local_num_threads=threads, use_wfr=wfr)
    r = nest.Create("tanh_rate_ipn", 6, {"mu": [0.2, 0.5, 0.9, 1.1, 0.3, 0.7], "sigma": sigma, "tau": 4.0})
    g = nest.Create("step_rate_generator", params={"amplitude_times": [5.0, 20.0], "amplitude_values": [1.0, -0.4]})
    nest.Connect(g, r[0], syn_spec={"synapse_model": "rate_connection_delayed", "weight": 1.0, "delay": 1.5})
    for k in range(6):
        nest.Connect(r[k], r[(k + 1) % 6], syn_spec={"synapse_model": "rate_connection_instantaneous", "weight": 0.4})
        nest.Connect(
            r[k], r[(k + 2) % 6], syn_spec={"synapse_model": "rate_connection_delayed", "weight": -0.3, "delay": 2.0}
        )
    mm = nest.Create("multimeter", params={"record_from": ["rate", "noise"], "interval": 0.1})
    nest.Connect(mm, r)
    for c in chunks:
        nest.Simulate(c)
    ev = mm.events
    order = np.lexsort((ev["senders"], ev["times"]))
    return ev["times"][order], ev["rate"][order], ev["noise"][order]


@pytest.mark.parametrize("sigma", [0.0, 0.6])
def test_chunked_runs_and_threads_give_identical_results(sigma):
    t, x, z = _ring(sigma, [60.0])
    for chunks, threads in (([13.3, 0.2, 46.5], 1), ([60.0], 2), ([7.7, 52.3], 2)):
        t2, x2, z2 = _ring(sigma, chunks, threads)
        np.testing.assert_array_equal(t, t2)
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(z, z2)
    assert (np.std(z) > 0) == (sigma > 0)


def test_input_noise_statistics():
    # Uncoupled ipn with lambda = 1 is an Ornstein-Uhlenbeck process: stationary mean mu, std sigma/sqrt(2);
    # the recorded noise is sigma * N(0, 1).
    _reset(0.1)
    n = nest.Create("lin_rate_ipn", 100, {"tau": 10.0, "mu": 2.0, "sigma": 5.0})
    mm = nest.Create("multimeter", params={"record_from": ["rate", "noise"], "interval": 1.0})
    nest.Connect(mm, n)
    nest.Simulate(1000.0)
    ev = mm.events
    r = ev["rate"][ev["times"] > 100]
    assert abs(r.mean() - 2.0) < 0.15
    assert abs(r.std() - 5.0 / math.sqrt(2)) < 0.1
    assert abs(ev["noise"].std() - 5.0) < 0.1


def test_wfr_converges_to_the_implicit_coupling():
    # Two units coupled instantaneously both ways: with relaxation and a tight tolerance the final interval
    # satisfies X_{k+1} = P1 X_k + P2 (mu + w Y_k) (the partner's rate at the step start) exactly.
    _reset(0.1, wfr_tol=1e-12, wfr_max_iterations=50)
    a = nest.Create("lin_rate_ipn", 2, {"mu": [1.0, -0.5], "sigma": 0.0, "tau": 2.0})
    nest.Connect(a[0], a[1], syn_spec={"synapse_model": "rate_connection_instantaneous", "weight": 0.5})
    nest.Connect(a[1], a[0], syn_spec={"synapse_model": "rate_connection_instantaneous", "weight": -0.8})
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 0.1})
    nest.Connect(mm, a)
    nest.Simulate(10.0)
    ev = mm.events
    x = ev["rate"][ev["senders"] == a[0].global_id]
    y = ev["rate"][ev["senders"] == a[1].global_id]
    p1, p2 = math.exp(-0.05), -math.expm1(-0.05)
    X, Y = [0.0], [0.0]
    for _ in range(len(x)):
        X.append(p1 * X[-1] + p2 * (1.0 - 0.8 * Y[-1]))
        Y.append(p1 * Y[-1] + p2 * (-0.5 + 0.5 * X[-2]))
    np.testing.assert_allclose(x, X[1:], atol=1e-10)
    np.testing.assert_allclose(y, Y[1:], atol=1e-10)


def test_siegert_without_input_relaxes_to_mean():
    # No input: Phi(0, 0) = 0 (threshold above mu by more than 6 sigma), so tau dr/dt = -r + mean.
    _reset(0.1)
    s = nest.Create("siegert_neuron", 1, {"mean": 20.0, "tau": 2.0})
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 0.1})
    nest.Connect(mm, s)
    nest.Simulate(5.0)
    t = mm.events["times"]
    np.testing.assert_allclose(mm.events["rate"], 20.0 * (1 - np.exp(-t / 2.0)), rtol=1e-12)


def test_symmetric_gap_pair_of_identical_neurons_stays_identical():
    # Identical neurons with identical input coupled by a gap junction: the gap current vanishes by symmetry,
    # so both equal an uncoupled neuron with the same input (up to the interpolation error of the partner's V).
    for wfr in (True, False):
        _reset(0.05, use_wfr=wfr)
        n = nest.Create("hh_psc_alpha_gap", 3, {"I_e": 300.0})
        nest.Connect(
            n[0],
            n[1],
            {"rule": "one_to_one", "make_symmetric": True},
            {"synapse_model": "gap_junction", "weight": 15.0},
        )
        vm = nest.Create("voltmeter", params={"interval": 0.05})
        nest.Connect(vm, n)
        nest.Simulate(40.0)
        ev = vm.events
        v = [ev["V_m"][ev["senders"] == k.global_id] for k in n]
        np.testing.assert_allclose(v[0], v[1], rtol=0, atol=1e-9)
        if wfr:
            # Without relaxation the partner's potential lags one step behind, so only with it.
            np.testing.assert_allclose(v[0], v[2], rtol=0, atol=0.05)


def test_gap_coupling_threads_identical():
    def run(threads):
        _reset(0.05, local_num_threads=threads)
        n = nest.Create("hh_cond_beta_gap_traub", 4, {"I_e": [200.0, 0.0, 50.0, 0.0]})
        nest.Connect(
            n[:3],
            n[1:],
            {"rule": "one_to_one", "make_symmetric": True},
            {"synapse_model": "gap_junction", "weight": 10.0},
        )
        vm = nest.Create("voltmeter", params={"interval": 0.05})
        nest.Connect(vm, n)
        nest.Simulate(30.0)
        ev = vm.events
        o = np.lexsort((ev["senders"], ev["times"]))
        return ev["V_m"][o]

    a, b = run(1), run(2)
    np.testing.assert_array_equal(a, b)
    assert np.ptp(a) > 1.0


def _unchanged(action, error):
    before = nest.num_connections
    with pytest.raises(error):
        action()
    assert nest.num_connections == before


def test_bad_connections_are_errors_that_change_nothing():
    _reset(0.1)
    r = nest.Create("lin_rate_ipn", 2)
    iaf = nest.Create("iaf_psc_alpha", 2)
    hh = nest.Create("hh_psc_alpha_gap", 2)
    # An instantaneous rate connection has no delay (NEST: BadProperty).
    _unchanged(
        lambda: nest.Connect(r[0], r[1], syn_spec={"synapse_model": "rate_connection_instantaneous", "delay": 2.0}),
        nest.NESTError,
    )
    # Rate connections onto spiking neurons, spikes onto rate neurons.
    _unchanged(
        lambda: nest.Connect(r[0], iaf[0], syn_spec={"synapse_model": "rate_connection_delayed"}), nest.NESTError
    )
    _unchanged(lambda: nest.Connect(iaf[0], r[0]), nest.NESTError)
    # gap_junction needs make_symmetric (or all_to_all within one population), and gap support.
    _unchanged(lambda: nest.Connect(hh[0], hh[1], "one_to_one", {"synapse_model": "gap_junction"}), nest.NESTError)
    _unchanged(
        lambda: nest.Connect(
            iaf[0], iaf[1], {"rule": "one_to_one", "make_symmetric": True}, {"synapse_model": "gap_junction"}
        ),
        nest.NESTError,
    )
    # make_symmetric is for one_to_one only.
    _unchanged(
        lambda: nest.Connect(
            hh, hh, {"rule": "fixed_indegree", "indegree": 1, "make_symmetric": True}, {"synapse_model": "gap_junction"}
        ),
        nest.NESTError,
    )
    nest.Connect(hh[0], hh[1], {"rule": "one_to_one", "make_symmetric": True}, {"synapse_model": "gap_junction"})
    assert nest.num_connections == 2
    c = nest.GetConnections(synapse_model="gap_junction")
    assert sorted(zip(c.source, c.target)) == [(hh[0].global_id, hh[1].global_id), (hh[1].global_id, hh[0].global_id)]


def test_bad_rate_parameters_change_nothing():
    _reset(0.1)
    r = nest.Create("lin_rate_ipn", 1, {"tau": 5.0})
    for bad in ({"tau": -1.0}, {"lambda": -0.5}, {"sigma": -1.0}, {"std": -2.0}, {"tau": float("nan")}):
        with pytest.raises(nest.NESTError):
            r.set(bad)
        assert r.tau == 5.0 and r.sigma == 1.0
    with pytest.raises(nest.NESTError):
        nest.Create("siegert_neuron", 1, {"V_reset": 20.0, "theta": 15.0})


def test_wfr_kernel_settings():
    # Defaults and rules of NEST 3.10's simulation_manager.cpp.
    nest.ResetKernel()
    assert nest.use_wfr is True and nest.wfr_comm_interval == 1.0 and nest.wfr_tol == 1e-4
    assert nest.wfr_max_iterations == 15 and nest.wfr_interpolation_order == 3
    for bad in (
        {"wfr_interpolation_order": 2},
        {"wfr_max_iterations": 0},
        {"wfr_tol": -1.0},
        {"wfr_comm_interval": 0.01},
    ):
        with pytest.raises(nest.NESTError):
            nest.SetKernelStatus(bad)
    assert nest.wfr_interpolation_order == 3 and nest.wfr_max_iterations == 15
    nest.SetKernelStatus({"use_wfr": False})
    assert nest.wfr_comm_interval == nest.resolution
    nest.Create("lin_rate_ipn")
    with pytest.raises(nest.NESTError):
        nest.SetKernelStatus({"use_wfr": True})


def test_instantaneous_connection_sets_min_delay_to_wfr_comm_interval():
    _reset(0.1)
    r = nest.Create("lin_rate_ipn", 2)
    nest.Connect(r[0], r[1], syn_spec={"synapse_model": "rate_connection_instantaneous"})
    nest.Connect(r[1], r[0], syn_spec={"synapse_model": "rate_connection_delayed", "delay": 3.0})
    assert nest.min_delay == 1.0 and nest.max_delay == 3.0


def test_secondary_synapse_defaults_report_nests_delay_and_symmetry_flags():
    # NEST 3.10.0: has_delay False for the instantaneous kinds, requires_symmetric True for gap_junction.
    expected = {
        "gap_junction": (False, True),
        "diffusion_connection": (False, False),
        "rate_connection_instantaneous": (False, False),
        "rate_connection_delayed": (True, False),
        "sic_connection": (True, False),
    }
    for model, (has_delay, symmetric) in expected.items():
        d = nest.GetDefaults(model)
        assert (d["has_delay"], d["requires_symmetric"]) == (has_delay, symmetric), model


def test_diffusion_connection_refuses_a_weight_everywhere_with_nests_message():
    nest.ResetKernel()
    s = nest.Create("siegert_neuron", 2)
    words = "drift_factor and diffusion_factor"
    with pytest.raises(nest.NESTErrors.BadProperty, match=words):
        nest.Connect(s[0], s[1], syn_spec={"synapse_model": "diffusion_connection", "weight": 1.0})
    assert nest.num_connections == 0
    with pytest.raises(nest.NESTErrors.BadProperty, match=words):
        nest.SetDefaults("diffusion_connection", {"weight": 3.0})
    nest.Connect(s[0], s[1], syn_spec={"synapse_model": "diffusion_connection", "drift_factor": 0.5})
    c = nest.GetConnections(s[0], s[1])
    with pytest.raises(nest.NESTErrors.BadProperty, match=words):
        c.set({"weight": 4.0})
    assert c.get("drift_factor") == 0.5 and c.get("weight") == 1.0
