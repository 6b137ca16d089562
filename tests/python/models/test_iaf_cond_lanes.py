"""The conductance-based IAF models step their nodes in lock-step lanes
(integrators/rkf45_lanes.hpp). Every lane is an independent scalar RKF45 run, so
a node's trajectory must not depend on its neighbours: a heterogeneous population
(different drives, states, refractoriness and inputs, hence different numbers of
integration steps per node) must reproduce, bit for bit, each node simulated
alone.
"""

import nestkit.nest as nest
import numpy as np
import pytest

MODELS = [
    "iaf_cond_alpha",
    "iaf_cond_exp",
    "iaf_cond_beta",
    "iaf_cond_exp_sfa_rr",
    "iaf_cond_alpha_mc",
    "iaf_chxk_2008",
]
N = 5


def node_setup(model, k):
    rng = np.random.default_rng(100 + k)
    ie = float(rng.uniform(0.0, 2500.0))
    if model == "iaf_cond_alpha_mc":
        params = {
            "soma.I_e": 0.4 * ie,
            "distal.I_e": float(rng.uniform(0.0, 300.0)),
            "soma.V_m": float(rng.uniform(-75.0, -56.0)),
        }
        ports = [1, 2, 3, 4, 5, 6]
    elif model == "iaf_chxk_2008":
        params = {"I_e": ie, "V_m": float(rng.uniform(-70.0, -40.0)), "ahp_bug": k % 3 == 0}
        ports = [0, 0]
    else:
        params = {"I_e": 0.6 * ie, "V_m": float(rng.uniform(-75.0, -56.0))}
        if k % 4 == 1:
            params["t_ref"] = 0.0
        ports = [0, 0]
    inputs = []
    for j, port in enumerate(ports):
        times = sorted(set(np.round(rng.uniform(0.1, 60.0, size=25), 1).tolist()))
        w = float(rng.uniform(1.0, 30.0))
        if port == 0 and j == 1:
            w = -w
        spec = {"weight": w, "delay": float(rng.choice([0.1, 1.0, 1.5]))}
        if port:
            spec["receptor_type"] = port
        inputs.append((times, spec))
    dc = float(rng.uniform(-200.0, 600.0)) if k % 2 == 0 else None
    return params, inputs, dc


def run(model, ks):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1})
    nodes = nest.Create(model, len(ks))
    for idx, k in enumerate(ks):
        params, inputs, dc = node_setup(model, k)
        nodes[idx].set(params)
        for times, spec in inputs:
            nest.Connect(nest.Create("spike_generator", params={"spike_times": times}), nodes[idx], syn_spec=spec)
        # the same min_delay in every run, so that the multimeter's last samples agree
        nest.Connect(nest.Create("spike_generator"), nodes[idx], syn_spec=dict(inputs[0][1], delay=0.1))
        if dc is not None:
            port = {"receptor_type": 7} if model == "iaf_cond_alpha_mc" else {}
            gen = nest.Create("dc_generator", params={"amplitude": dc, "start": 10.0, "stop": 40.0})
            nest.Connect(gen, nodes[idx], syn_spec=port)
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    recs = nest.GetDefaults(model)["recordables"]
    mm = nest.Create("multimeter", params={"record_from": recs, "interval": 0.1})
    nest.Connect(mm, nodes)
    nest.Simulate(70.0)
    ev = {k: np.asarray(v) for k, v in mm.get("events").items()}
    se = {k: np.asarray(v) for k, v in sr.get("events").items()}
    first = nodes[0].global_id if hasattr(nodes[0], "global_id") else nodes.tolist()[0]
    per_node = []
    for idx in range(len(ks)):
        m = ev["senders"] == first + idx
        s = se["senders"] == first + idx
        per_node.append(({k: v[m].tolist() for k, v in ev.items() if k != "senders"}, se["times"][s].tolist()))
    return per_node


@pytest.mark.parametrize("model", MODELS)
def test_cond_population_matches_each_node_alone_bit_for_bit(model):
    together = run(model, list(range(N)))
    assert sum(len(spikes) for _, spikes in together) > 0
    for k in range(N):
        assert run(model, [k])[0] == together[k], f"node {k}"
