"""Lock-step RKF45 (evolve_lanes): a neuron's result does not depend on its neighbours.

The lane stepper integrates two neurons side by side and hands a lane the next
neuron as soon as its current one has finished the simulation step, so a neuron
shares lanes with different partners from step to step. Every lane must still
compute exactly what the neuron computes on its own: a heterogeneous population
(different parameters, inputs and spike times, hence different integration steps
and in-step spikes, refractory and clamp periods) is compared bit for bit with
each of its neurons simulated alone, with one and two threads, and at a coarse
resolution where most simulation steps take several integration steps.
"""

import nestkit.nest as nest
import numpy as np
import pytest

T = 120.0

CASES = {
    "aeif_psc_delta": (
        ["V_m", "w"],
        [
            {"I_e": 0.0},
            {"I_e": 800.0, "t_ref": 2.0, "refractory_input": True},
            {"I_e": 700.0, "Delta_T": 0.0, "V_peak": -45.0, "V_th": -50.0, "t_ref": 0.5},
            {"I_e": 1000.0, "t_ref": 5.0, "refractory_input": True, "gsl_error_tol": 1e-8},
            {"I_e": 400.0, "Delta_T": 1.0, "a": 8.0, "b": 10.0},
        ],
        [None] * 5,
        3.0,
        [0.0, 150.0, 300.0, 100.0, 250.0],
    ),
    "aeif_psc_delta_clopath": (
        ["V_m", "w", "z", "V_th", "u_bar_plus", "u_bar_minus", "u_bar_bar"],
        [
            {"I_e": 0.0},
            {"I_e": 1200.0, "t_ref": 2.0},
            {"I_e": 900.0, "Delta_T": 0.0, "t_clamp": 0.5},
            {"I_e": 1000.0, "t_ref": 3.0, "t_clamp": 0.0, "gsl_error_tol": 1e-8},
            {"I_e": 700.0, "Delta_T": 1.0},
        ],
        [None] * 5,
        3.0,
        [0.0, 150.0, 300.0, 100.0, 250.0],
    ),
    "iaf_bw_2001": (
        ["I_AMPA", "I_GABA", "I_NMDA", "V_m", "s_AMPA", "s_GABA", "s_NMDA"],
        [{}, {"t_ref": 0.0}, {"t_ref": 5.0, "gsl_error_tol": 1e-5}, {"gsl_error_tol": 1e-2}, {"t_ref": 1.0}],
        [1, 2, 1, 1, 2],
        4.0,
        [300.0, 450.0, 600.0, 350.0, 500.0],
    ),
    "ht_neuron": (
        ["I_KNa", "I_NaP", "I_T", "I_h", "V_m", "g_AMPA", "g_GABA_A", "g_GABA_B", "g_NMDA", "theta"],
        [
            {},
            {"instant_unblock_NMDA": True, "t_ref": 0.0},
            {"voltage_clamp": True},
            {"t_ref": 5.0, "N_T": 3.0},
            {"g_peak_NaP": 0.5},
        ],
        [1, 2, 3, 4, 1],
        4.0,
        [0.0, 15.0, 30.0, 10.0, 25.0],
    ),
}


def spike_times(j, res):
    rng = np.random.default_rng(17 + j)
    return sorted(set(np.round(np.round(rng.uniform(1.0, T - 2.0, 40) / res) * res, 1).tolist()))


def simulate(model, which, res, threads):
    """Neurons `which` of the case in one population; their traces and spike times."""
    rec, params, receptors, weight, dc_amplitudes = CASES[model]
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})
    pop = nest.Create(model, len(which))
    mm = nest.Create("multimeter", params={"record_from": rec, "interval": res})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, pop)
    nest.Connect(pop, sr)
    for k, j in enumerate(which):
        node = pop[k : k + 1]
        node.set(params[j])
        sg = nest.Create("spike_generator", params={"spike_times": spike_times(j, res)})
        syn = {"weight": weight, "delay": 1.0}
        if receptors[j] is not None:
            syn["receptor_type"] = receptors[j]
        nest.Connect(sg, node, syn_spec=syn)
        dc = nest.Create("dc_generator", params={"amplitude": dc_amplitudes[j], "start": 10.0, "stop": 90.0})
        nest.Connect(dc, node)
    nest.Simulate(T)
    ev, sp = mm.get("events"), sr.get("events")
    senders, spike_senders = np.asarray(ev["senders"]), np.asarray(sp["senders"])
    out = {}
    for k, j in enumerate(which):
        gid = pop[k : k + 1].get("global_id")
        sel = senders == gid
        out[j] = {key: np.asarray(ev[key])[sel] for key in rec + ["times"]}
        out[j]["spikes"] = np.sort(np.asarray(sp["times"])[spike_senders == gid])
    return out


@pytest.mark.parametrize("res,threads", [(0.1, 1), (0.1, 2), (0.5, 2)])
@pytest.mark.parametrize("model", list(CASES))
def test_population_equals_each_neuron_alone(model, res, threads):
    n = len(CASES[model][1])
    together = simulate(model, list(range(n)), res, threads)
    assert sum(len(together[j]["spikes"]) for j in range(n)) > 10, "the case should spike"
    for j in range(n):
        alone = simulate(model, [j], res, 1)[j]
        for key, value in alone.items():
            np.testing.assert_array_equal(together[j][key], value, err_msg=f"{model} neuron {j}: {key}")
