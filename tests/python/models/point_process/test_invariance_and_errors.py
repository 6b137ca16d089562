"""Escape-noise neurons: identical results for any thread count and chunking of
Simulate (the draws come from counter-based streams keyed by node and step),
receptor ports of the multisynapse variants, and bad input that is rejected with
a clear error and leaves the simulator unchanged (NEST 3.10's checks, plus
non-finite values).
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

ALL = ["pp_psc_delta", "gif_psc_exp", "gif_cond_exp", "gif_psc_exp_multisynapse", "gif_cond_exp_multisynapse"]
MULTI = ["gif_psc_exp_multisynapse", "gif_cond_exp_multisynapse"]

# Parameters that make every model fire irregularly at tens of Hz.
FIRING = {
    "pp_psc_delta": {"c_1": 0.0, "c_2": 1.238, "c_3": 0.25, "I_e": 300.0, "tau_sfa": [20.0], "q_sfa": [2.0]},
    "gif_psc_exp": {"I_e": 150.0, "tau_stc": [10.0], "q_stc": [10.0], "tau_sfa": [50.0], "q_sfa": [2.0]},
    "gif_cond_exp": {"I_e": 150.0, "tau_stc": [10.0], "q_stc": [10.0], "tau_sfa": [50.0], "q_sfa": [2.0]},
    "gif_psc_exp_multisynapse": {"I_e": 150.0, "tau_syn": [2.0, 5.0]},
    "gif_cond_exp_multisynapse": {"I_e": 150.0, "tau_syn": [2.0, 5.0], "E_rev": [0.0, -80.0]},
}


def network_spikes(model, threads, chunks, seed=7, extra=None):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": threads, "rng_seed": seed})
    params = dict(FIRING[model], **(extra or {}))
    nodes = nest.Create(model, 30, params=params)
    pg = nest.Create("poisson_generator", params={"rate": 2000.0})
    multi = model in MULTI
    ex = {"weight": 2.0 if "cond" in model else 40.0, "delay": 1.0}
    inh = {"weight": 1.0 if "cond" in model else -30.0, "delay": 1.5}
    if multi:
        ex["receptor_type"], inh["receptor_type"] = 1, 2
    if model == "pp_psc_delta":
        ex["weight"], inh["weight"] = 0.5, -0.5
    nest.Connect(pg, nodes, syn_spec=ex)
    nest.Connect(nodes, nodes, {"rule": "fixed_indegree", "indegree": 5}, syn_spec=inh)
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    for t in chunks:
        nest.Simulate(t)
    ev = sr.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    return np.asarray(ev["senders"])[order], np.asarray(ev["times"])[order], nodes.get("V_m")


@pytest.mark.parametrize("model", ALL)
def test_threads_and_chunks_do_not_change_results(model):
    s1, t1, v1 = network_spikes(model, 1, [300.0])
    s2, t2, v2 = network_spikes(model, 2, [70.0, 0.5, 129.5, 100.0])
    assert len(t1) > 100
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(t1, t2)
    np.testing.assert_array_equal(v1, v2)


@pytest.mark.parametrize("model", ALL)
def test_seed_changes_the_draws(model):
    _, t1, _ = network_spikes(model, 1, [200.0], seed=1)
    _, t2, _ = network_spikes(model, 1, [200.0], seed=2)
    assert len(t1) != len(t2) or not np.array_equal(t1, t2)


def test_pp_psc_delta_random_dead_time_and_poisson_are_invariant():
    extra = {"dead_time_random": True, "dead_time_shape": 2, "dead_time": 3.0}
    a = network_spikes("pp_psc_delta", 1, [200.0], extra=extra)
    b = network_spikes("pp_psc_delta", 2, [33.3, 166.7], extra=extra)
    np.testing.assert_array_equal(a[1], b[1])
    extra = {"dead_time": 0.0, "c_2": 30.0}
    a = network_spikes("pp_psc_delta", 1, [200.0], extra=extra)
    b = network_spikes("pp_psc_delta", 2, [99.9, 100.1], extra=extra)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


# --- ports of the multisynapse variants --------------------------------------------------


@pytest.mark.parametrize("model", MULTI)
def test_receptor_ports_follow_tau_syn(model):
    nest.ResetKernel()
    params = {"tau_syn": [1.0, 2.0, 3.0]}
    if "cond" in model:
        params["E_rev"] = [0.0, -80.0, -20.0]
    n = nest.Create(model, params=params)
    assert n.get("n_receptors") == 3
    sg = nest.Create("spike_generator")
    for port in (0, 4):
        with pytest.raises(Exception, match="receptor|port"):
            nest.Connect(sg, n, syn_spec={"receptor_type": port})
    nest.Connect(sg, n, syn_spec={"receptor_type": 3})
    assert n.get("has_connections") is True
    # Once connected, the number of ports cannot shrink.
    shrink = {"tau_syn": [1.0]}
    if "cond" in model:
        shrink["E_rev"] = [0.0]
    with pytest.raises(Exception, match="cannot be reduced"):
        n.set(shrink)
    assert n.get("tau_syn") == [1.0, 2.0, 3.0]


def test_cond_multisynapse_needs_both_lists_to_change_ports():
    nest.ResetKernel()
    n = nest.Create("gif_cond_exp_multisynapse")
    with pytest.raises(Exception, match="both arrays E_rev and tau_syn"):
        n.set({"tau_syn": [1.0, 2.0]})
    with pytest.raises(Exception, match="same size"):
        n.set({"tau_syn": [1.0, 2.0], "E_rev": [0.0]})
    n.set({"tau_syn": [1.0, 2.0], "E_rev": [0.0, -70.0]})
    assert n.get("n_receptors") == 2
    assert n.get("g") == [0.0, 0.0]
    n.set({"E_rev": [5.0, -75.0]})  # same count: one list suffices
    assert n.get("E_rev") == [5.0, -75.0]


def test_cond_multisynapse_rejects_negative_weights_when_they_arrive():
    nest.ResetKernel()
    n = nest.Create("gif_cond_exp_multisynapse", params={"lambda_0": 0.0})
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": -1.0, "receptor_type": 1})
    with pytest.raises(Exception, match="non-negative"):
        nest.Simulate(5.0)


# --- bad parameters ------------------------------------------------------------------------

BAD = [
    (ALL, {"tau_sfa": [10.0, 20.0], "q_sfa": [1.0]}, "same dimension"),
    (ALL, {"tau_sfa": [0.0], "q_sfa": [1.0]}, "tau_sfa"),
    (ALL, {"tau_sfa": [10.0], "q_sfa": [math.nan]}, "q_sfa"),
    (ALL, {"I_e": math.inf}, "I_e"),
    (ALL, {"V_m": math.nan}, "V_m"),
    (ALL, {"C_m": -1.0}, "C_m"),
    (["pp_psc_delta"], {"dead_time": -0.5}, "dead_time"),
    (["pp_psc_delta"], {"dead_time_shape": 0}, "dead_time_shape"),
    (["pp_psc_delta"], {"c_3": -0.1}, "c_3"),
    (["pp_psc_delta"], {"c_2": math.nan}, "c_2"),
    (["pp_psc_delta"], {"t_ref_remaining": -1.0}, "t_ref_remaining"),
    (["pp_psc_delta"], {"tau_m": 0.0}, "tau_m"),
    (ALL[1:], {"lambda_0": -1.0}, "lambda_0"),
    (ALL[1:], {"Delta_V": 0.0}, "Delta_V"),
    (ALL[1:], {"g_L": 0.0}, "g_L"),
    (ALL[1:], {"t_ref": -1.0}, "t_ref"),
    (ALL[1:], {"tau_stc": [5.0], "q_stc": []}, "same dimension"),
    (ALL[1:], {"tau_stc": [-5.0], "q_stc": [1.0]}, "tau_stc"),
    (ALL[1:], {"V_T_star": -math.inf}, "V_T_star"),
    (["gif_psc_exp", "gif_cond_exp"], {"tau_syn_ex": 0.0}, "tau_syn_ex"),
    (["gif_cond_exp", "gif_cond_exp_multisynapse"], {"gsl_error_tol": 0.0}, "gsl_error_tol"),
    (["gif_cond_exp"], {"E_ex": math.nan}, "E_ex"),
    (["gif_psc_exp_multisynapse"], {"tau_syn": [1.0, -2.0]}, "tau_syn"),
    (["gif_cond_exp_multisynapse"], {"tau_syn": [1.0, -2.0], "E_rev": [0.0, 0.0]}, "tau_syn"),
    (["gif_cond_exp_multisynapse"], {"E_rev": [math.inf]}, "E_rev"),
]
BAD_CASES = [(m, params, match) for models, params, match in BAD for m in models]


@pytest.mark.parametrize("model, params, match", BAD_CASES)
def test_bad_parameters_change_nothing(model, params, match):
    nest.ResetKernel()
    nodes = nest.Create(model, 2)
    before = nodes.get()
    defaults = nest.GetDefaults(model)
    with pytest.raises(Exception, match=match) as err:
        nodes.set(params)
    assert model in str(err.value)
    assert nodes.get() == before
    with pytest.raises(Exception, match=match):
        nest.SetDefaults(model, params)
    assert nest.GetDefaults(model) == defaults
    with pytest.raises(Exception, match=match):
        nest.Create(model, 1, params=params)
    assert nest.GetKernelStatus("network_size") == 2


@pytest.mark.parametrize("model", ALL[1:])
def test_gif_state_readouts_are_read_only(model):
    # NEST reports E_sfa and I_stc but does not let them be set.
    nest.ResetKernel()
    n = nest.Create(model)
    for key in ("E_sfa", "I_stc"):
        with pytest.raises(Exception, match="read-only"):
            n.set({key: 1.0})


def test_pp_psc_delta_dead_time_below_resolution_is_raised_to_one_step():
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1})
    n = nest.Create("pp_psc_delta", params={"dead_time": 0.02})
    nest.Simulate(1.0)
    assert n.get("dead_time") == pytest.approx(0.1)  # as NEST reports after a run


def test_pp_psc_delta_rejects_an_infinite_escape_rate():
    # exp(c_3 V) overflows: there is no spike count to draw, so Simulate raises.
    nest.ResetKernel()
    nest.Create("pp_psc_delta", params={"c_3": 1.0, "V_m": 800.0, "dead_time": 0.0, "with_reset": False})
    with pytest.raises(Exception, match="pp_psc_delta: the escape rate inf Hz"):
        nest.Simulate(1.0)


@pytest.mark.parametrize("model", MULTI)
def test_ports_added_between_runs_start_silent(model):
    # Growing tau_syn keeps the state of the existing ports and adds silent ones, as
    # NEST resizes its per-receptor vectors.
    nest.ResetKernel()
    n = nest.Create(model, params={"lambda_0": 0.0})
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": 5.0, "receptor_type": 1})
    nest.Simulate(3.0)
    v_one_port = n.get("V_m")
    grow = {"tau_syn": [2.0, 4.0]}
    if "cond" in model:
        grow["E_rev"] = [0.0, -80.0]
        assert n.get("g")[0] > 0.0
    n.set(grow)
    assert n.get("n_receptors") == 2
    nest.Connect(sg, n, syn_spec={"weight": 5.0, "receptor_type": 2})
    nest.Simulate(3.0)
    assert n.get("V_m") != v_one_port
    if "cond" in model:
        g = n.get("g")
        assert g[0] > 0.0 and g[1] == 0.0  # the new port's spike time lies in the past


def test_cond_multisynapse_nodes_of_different_sizes_integrate_independently():
    # Nodes with 1, 6 and 20 ports share one population (two lane sizes and the
    # scalar stepper); each must evolve exactly as when simulated alone.
    sizes = [1, 6, 20]

    def params(n):
        return {
            "lambda_0": 0.0,
            "I_e": 30.0,
            "tau_syn": [1.0 + k for k in range(n)],
            "E_rev": [-10.0 * k for k in range(n)],
        }

    def simulate(groups):
        nest.ResetKernel()
        nodes = nest.Create("gif_cond_exp_multisynapse", len(groups), params=[params(n) for n in groups])
        sg = nest.Create("spike_generator", params={"spike_times": [2.0, 7.0]})
        for node, n in zip(nodes, groups):
            nest.Connect(sg, node, syn_spec={"weight": 3.0, "receptor_type": n})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
        nest.Connect(mm, nodes)
        nest.Simulate(20.0)
        ev = mm.get("events")
        return {n: np.asarray(ev["V_m"])[np.asarray(ev["senders"]) == node.global_id] for node, n in zip(nodes, groups)}

    together = simulate(sizes)
    for n in sizes:
        np.testing.assert_array_equal(together[n], simulate([n])[n])
    assert not np.array_equal(together[1], together[20])
