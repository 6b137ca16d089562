"""aeif_cond_{alpha,beta}_multisynapse on the lock-step RKF45: results do not depend on neighbours.

Nodes of up to 7 receptor ports are integrated by the lane stepper, one pass per
padded system size (V_m, w and (dg, g) per port, padded to 3, 5, 7, 9, 13 or 17
variables), so a lane may hold a node with fewer ports than the padded size
provides (4 in a 13-variable pass, 6 in a 17-variable pass); nodes with more
ports take the per-node loop. A heterogeneous population (receptor counts 0 to 9,
different parameters, inputs on several ports, DC, refractoriness and Delta_T = 0)
is compared bit for bit with each of its neurons simulated alone, with one and
two threads, and at a coarse resolution where most simulation steps take several
integration steps.
"""

import nestkit.nest as nest
import numpy as np
import pytest

T = 120.0
MODELS = ["aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse"]
RECEPTORS = [2, 4, 5, 6, 7, 1, 9, 0, 3]
EXTRA = [
    {"I_e": 300.0},
    {"I_e": 600.0, "t_ref": 2.0},
    {"I_e": 900.0, "Delta_T": 0.0, "V_peak": -45.0, "V_th": -50.0, "t_ref": 0.5},
    {"I_e": 500.0, "gsl_error_tol": 1e-8, "a": 8.0, "b": 10.0},
    {"I_e": 700.0, "t_ref": 5.0},
    {"I_e": 0.0},
    {"I_e": 800.0, "t_ref": 1.0},
    {"I_e": 1000.0},
    {"I_e": 400.0, "Delta_T": 1.0},
]


def params(model, j):
    rng = np.random.default_rng(31 + j)
    n = RECEPTORS[j]
    e_rev = np.round(rng.uniform(-90.0, 10.0, n), 2).tolist()
    rise = np.round(rng.uniform(0.2, 3.0, n), 3).tolist()
    decay = [r + round(float(rng.uniform(0.0, 8.0)), 3) for r in rise]
    p = dict(EXTRA[j])
    if model == MODELS[0]:
        p.update({"E_rev": e_rev, "tau_syn": decay})
    else:
        p.update({"E_rev": e_rev, "tau_rise": rise, "tau_decay": decay})
    return p


def spike_times(j, port, res):
    rng = np.random.default_rng(1000 * j + port)
    return sorted(set(np.round(np.round(rng.uniform(1.0, T - 2.0, 25) / res) * res, 1).tolist()))


def simulate(model, which, res, threads):
    """Neurons `which` in one population; their traces and spike times."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})
    pop = nest.Create(model, len(which))
    sr = nest.Create("spike_recorder")
    nest.Connect(pop, sr)
    meters = []
    for k, j in enumerate(which):
        node = pop[k : k + 1]
        node.set(params(model, j))
        rec = ["V_m", "w"] + [f"g_{p}" for p in range(1, RECEPTORS[j] + 1)]
        mm = nest.Create("multimeter", params={"record_from": rec, "interval": res})
        nest.Connect(mm, node)
        meters.append((mm, rec))
        for port in range(1, RECEPTORS[j] + 1, 2 if RECEPTORS[j] > 5 else 1):
            sg = nest.Create("spike_generator", params={"spike_times": spike_times(j, port, res)})
            nest.Connect(sg, node, syn_spec={"weight": 4.0 + 3.0 * port, "delay": 1.0, "receptor_type": port})
        dc = nest.Create("dc_generator", params={"amplitude": 150.0 * (j % 3), "start": 10.0, "stop": 90.0})
        nest.Connect(dc, node)
    nest.Simulate(T)
    sp = sr.get("events")
    spike_senders = np.asarray(sp["senders"])
    out = {}
    for k, j in enumerate(which):
        mm, rec = meters[k]
        ev = mm.get("events")
        out[j] = {key: np.asarray(ev[key]) for key in rec + ["times"]}
        out[j]["spikes"] = np.sort(np.asarray(sp["times"])[spike_senders == pop[k : k + 1].get("global_id")])
        state = pop[k : k + 1].get(["g", "dg", "w"])
        out[j]["final"] = np.concatenate([np.asarray(state[key], dtype=float).ravel() for key in ["g", "dg", "w"]])
    return out


@pytest.mark.parametrize("res,threads", [(0.1, 1), (0.1, 2), (0.5, 2)])
@pytest.mark.parametrize("model", MODELS)
def test_population_equals_each_neuron_alone(model, res, threads):
    n = len(RECEPTORS)
    together = simulate(model, list(range(n)), res, threads)
    assert sum(len(together[j]["spikes"]) for j in range(n)) > 20, "the case should spike"
    assert all(np.any(together[j]["g_1"] > 0.0) for j in range(n) if RECEPTORS[j] > 0), "inputs should arrive"
    for j in range(n):
        alone = simulate(model, [j], res, 1)[j]
        for key, value in alone.items():
            np.testing.assert_array_equal(together[j][key], value, err_msg=f"{model} neuron {j}: {key}")
