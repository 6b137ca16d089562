"""Deterministic scenarios for pp_cond_exp_mc_urbanczik and urbanczik_synapse (PyNEST 3.10).

The same code runs under NEST 3.10 and under nestkit.nest. urbanczik_reference.json
holds NEST 3.10's results; it was produced with

    /work/nest310/bin/python urbanczik_scenarios.py urbanczik_reference.json

Deterministic although the neuron is stochastic: either phi_max = 0 (no spike is
ever drawn), or theta lies so far below the membrane potential that the spike
probability 1 - exp(-phi h) rounds to exactly 1, so the neuron fires in every step
outside its dead time (the uniform draw lies in [0, 1)).
"""

from __future__ import annotations

import json
import sys

RECORDABLES = ["V_m.s", "g_ex.s", "g_in.s", "V_m.p", "I_ex.p", "I_in.p"]
CERTAIN = {"phi_max": 1000.0, "theta": -200.0}


def run_traces(nest, params, t_sim=60.0, threads=1, chunks=1):
    """Inputs to all four spike ports and both current ports; every recordable at every step."""
    nest.ResetKernel()
    nest.resolution = 0.1
    if threads > 1:
        nest.local_num_threads = threads
    n = nest.Create("pp_cond_exp_mc_urbanczik", params=params)
    rt = n.get("receptor_types")
    for port, times, w in [
        ("soma_exc", [5.0, 20.3], 8.0),
        ("soma_inh", [12.0, 30.0], 5.0),
        ("dendritic_exc", [3.0, 15.5, 40.0], 900.0),
        ("dendritic_inh", [25.0], 700.0),
    ]:
        sg = nest.Create("spike_generator", params={"spike_times": times})
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": 1.0, "receptor_type": rt[port]})
    for port, amp, start in [("soma_curr", 150.0, 8.0), ("dendritic_curr", -200.0, 18.0)]:
        dc = nest.Create("dc_generator", params={"amplitude": amp, "start": start, "stop": 45.0})
        nest.Connect(dc, n, syn_spec={"receptor_type": rt[port]})
    mm = nest.Create("multimeter", params={"record_from": RECORDABLES, "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    for _ in range(chunks):
        nest.Simulate(t_sim / chunks)
    ev = mm.get("events")
    out = {k: [float(x) for x in ev[k]] for k in RECORDABLES}
    out["times"] = [float(x) for x in ev["times"]]
    out["spikes"] = [float(x) for x in sr.get("events")["times"]]
    return out


def run_weights(nest, neuron_params, syn, pre_times, t_sim=200.0, chunks=1, threads=1):
    """parrot_neuron (driven by a spike_generator) -> urbanczik_synapse -> neuron; the weight after every spike."""
    nest.ResetKernel()
    nest.resolution = 0.1
    if threads > 1:
        nest.local_num_threads = threads
    n = nest.Create("pp_cond_exp_mc_urbanczik", params=neuron_params)
    rt = n.get("receptor_types")
    sg = nest.Create("spike_generator", params={"spike_times": pre_times})
    pa = nest.Create("parrot_neuron")
    nest.Connect(sg, pa)
    wr = nest.Create("weight_recorder")
    nest.CopyModel("urbanczik_synapse", "urb_rec", {"weight_recorder": wr})
    spec = dict(syn)
    spec["synapse_model"] = "urb_rec"
    spec["receptor_type"] = rt["dendritic_exc"]
    nest.Connect(pa, n, syn_spec=spec)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = nest.Create("multimeter", params={"record_from": ["V_m.p"], "interval": 0.1})
    nest.Connect(mm, n)
    for _ in range(chunks):
        nest.Simulate(t_sim / chunks)
    ev = wr.get("events")
    conn = nest.GetConnections(pa, n)
    return {
        "times": [float(x) for x in ev["times"]],
        "weights": [float(x) for x in ev["weights"]],
        "final": float(conn.get("weight")),
        "post_spikes": [float(x) for x in sr.get("events")["times"]],
        "V_m.p": [float(x) for x in mm.get("events")["V_m.p"]],
    }


PRE = [2.0, 7.5, 13.0, 21.1, 30.0, 44.4, 58.0, 71.3, 90.0, 120.0, 150.5, 151.0, 180.0]
NEURON_FIRE = dict(CERTAIN, t_ref=4.0, g_sp=600.0)
NEURON_SILENT = {"phi_max": 0.0}
# Fires with certainty in the first step, then stays dead for the whole run: the
# prediction error phi(V*) h h'(V*) is large and deterministic.
NEURON_DEAD = {"phi_max": 1e5, "t_ref": 1000.0}

CASES = {
    "traces_default": lambda nest: run_traces(nest, {"phi_max": 0.0}),
    "traces_params": lambda nest: run_traces(
        nest,
        {
            "phi_max": 0.0,
            "g_sp": 300.0,
            "g_ps": 50.0,
            "soma": {"C_m": 250.0, "g_L": 20.0, "E_L": -65.0, "tau_syn_ex": 2.0, "tau_syn_in": 6.0, "I_e": 100.0},
            "dendritic": {"C_m": 200.0, "g_L": 15.0, "E_L": -60.0, "tau_syn_ex": 4.0, "tau_syn_in": 1.5, "V_m": -50.0},
        },
    ),
    "traces_fire": lambda nest: run_traces(nest, dict(CERTAIN, t_ref=2.0)),
    "weights_fire": lambda nest: run_weights(
        nest, NEURON_FIRE, {"weight": 20.0, "delay": 1.0, "eta": 0.5, "tau_Delta": 30.0}, PRE
    ),
    "weights_fire_delay": lambda nest: run_weights(
        nest, NEURON_FIRE, {"weight": 5.0, "delay": 2.5, "eta": 2.0, "Wmax": 6.0, "Wmin": 1.0}, PRE
    ),
    "weights_dead": lambda nest: run_weights(
        nest, NEURON_DEAD, {"weight": 300.0, "delay": 1.0, "eta": 5e-6, "Wmax": 1000.0}, PRE
    ),
    "weights_dead_clip": lambda nest: run_weights(
        nest,
        NEURON_DEAD,
        {"weight": 300.0, "delay": 3.0, "eta": 4e-4, "tau_Delta": 20.0, "Wmin": 250.0, "Wmax": 1000.0},
        PRE,
    ),
    "weights_silent": lambda nest: run_weights(
        nest, NEURON_SILENT, {"weight": 300.0, "delay": 1.0, "eta": 1.0, "Wmax": 1000.0}, PRE
    ),
}


def main(out_path: str) -> None:
    import nest

    nest.set_verbosity("M_ERROR")
    results = {name: fn(nest) for name, fn in CASES.items()}
    with open(out_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1])
