"""PyNEST scripts of the structural plasticity tests, run on NEST 3.10 and on nestkit.

Each prints one JSON line; ``python sp_scripts.py MODULE NAME [ARGS]`` runs one.
"""

from __future__ import annotations

import importlib
import json
import sys

# Three growth curves on one neuron, with parameters that keep every z above 0.
ELEMENTS = {
    "Lin": {"growth_curve": "linear", "growth_rate": 0.01, "eps": 0.05},
    "Gau": {"growth_curve": "gaussian", "growth_rate": 0.1, "eta": 0.0005, "eps": 0.01},
    "Sig": {"growth_curve": "sigmoid", "growth_rate": 0.1, "psi": 0.001, "eps": 0.01, "continuous": False},
}
INPUT_TIMES = [1.0, 5.5, 12.3, 40.0, 40.1, 77.7, 90.2]


def single_neuron(nest, chunks=(3.0, 30.0, 67.0)) -> dict:
    """A parrot neuron repeating a known spike train (one ms later): Ca and z after each chunk."""
    nest.ResetKernel()
    sg = nest.Create("spike_generator", params={"spike_times": INPUT_TIMES})
    n = nest.Create("parrot_neuron", 1, {"synaptic_elements": ELEMENTS, "tau_Ca": 50.0, "beta_Ca": 0.002})
    nest.Connect(sg, n)
    out = []
    for t in chunks:
        nest.Simulate(t)
        out.append({"Ca": n.Ca, "z": {k: v["z"] for k, v in n.synaptic_elements.items()}})
    return {"chunks": out}


def network(nest, seed: int, threads: int = 1, run=None, t_sim: float = 3000.0) -> dict:
    """20 iaf_psc_delta neurons, each firing once per spike of its own regular input train
    (0 to 38 Hz), with linear axons and dendrites whose synapses (weight 0, so the activity
    stays as given) are made and deleted every 100 ms. Records the connection count, the
    calcium and the connected elements every 100 ms; `run` replaces nest.Simulate for each."""
    nest.ResetKernel()
    nest.set(rng_seed=seed, local_num_threads=threads)
    nest.structural_plasticity_update_interval = 100.0
    nest.CopyModel("static_synapse", "sp_syn", {"weight": 0.0, "delay": 1.0})
    nest.structural_plasticity_synapses = {
        "sp": {"synapse_model": "sp_syn", "pre_synaptic_element": "Axon", "post_synaptic_element": "Den"}
    }
    elements = {
        "Axon": {"growth_curve": "linear", "growth_rate": 0.004, "eps": 0.015, "continuous": False},
        "Den": {"growth_curve": "linear", "growth_rate": 0.003, "eps": 0.02, "continuous": False},
    }
    n = 20
    neurons = nest.Create("iaf_psc_delta", n, {"synaptic_elements": elements, "tau_Ca": 1000.0})
    for i in range(1, n):
        rate = 2.0 * i  # Hz
        times = [round(5.0 + k * 1000.0 / rate, 1) for k in range(int(t_sim * rate / 1000.0))]
        gen = nest.Create("spike_generator", params={"spike_times": times})
        nest.Connect(gen, neurons[i], syn_spec={"weight": 100.0})
    nest.EnableStructuralPlasticity()
    counts, ca, connected = [], [], []
    done = 0.0
    while done < t_sim:
        step = 100.0
        (run or nest.Simulate)(step)
        done += step
        counts.append(nest.num_connections - (n - 1))
        ca.append(list(neurons.Ca))
        connected.append([d["Axon"]["z_connected"] for d in neurons.synaptic_elements])
    conns = nest.GetConnections(synapse_model="sp_syn")
    pairs = sorted(zip(conns.source, conns.target))
    return {"counts": counts, "ca": ca, "connected": connected, "pairs": pairs}


def growth_only(nest) -> list:
    """Four silent neurons (calcium 0, so z grows linearly) whose elements are paired every
    10 ms: what the random pairing cannot change (the count, the sum of axon z, each
    neuron's dendrites, all of which find partners) after each of six Simulate(7) calls."""
    nest.ResetKernel()
    nest.structural_plasticity_update_interval = 10.0
    nest.structural_plasticity_synapses = {
        "s": {"synapse_model": "static_synapse", "pre_synaptic_element": "Ax", "post_synaptic_element": "Den"}
    }
    elements = {"Ax": {"z": 2.5, "growth_rate": 0.05}, "Den": {"z": 1.2, "growth_rate": 0.08, "tau_vacant": 0.3}}
    n = nest.Create("iaf_psc_alpha", 4, {"synaptic_elements": elements})
    nest.EnableStructuralPlasticity()
    out = []
    for _ in range(6):
        nest.Simulate(7.0)
        se = n.synaptic_elements
        out.append(
            {
                "connections": nest.num_connections,
                "axons": sum(d["Ax"]["z_connected"] for d in se),
                "axon_z_sum": round(sum(d["Ax"]["z"] for d in se), 9),
                "dendrite_z": [d["Den"]["z"] for d in se],
            }
        )
    return out


def model_defaults(nest) -> dict:
    """Structural keys as model defaults (SetDefaults, CopyModel), the nodes made from them."""
    nest.ResetKernel()
    den = {"growth_curve": "gaussian", "growth_rate": 0.5, "eps": 0.05, "eta": 0.01, "z": 2.0}
    nest.SetDefaults("iaf_psc_alpha", {"tau_Ca": 5000.0, "beta_Ca": 0.002, "synaptic_elements": {"Den": den}})
    d = nest.GetDefaults("iaf_psc_alpha")
    nest.CopyModel("iaf_psc_alpha", "sp_neuron", {"synaptic_elements": {"Ax": {"z": 1.0}}, "tau_Ca": 7000.0})
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("sp_neuron", 1)
    driven = nest.Create("iaf_psc_alpha", 1, {"I_e": 500.0})
    nest.Simulate(200.0)
    return {
        "defaults": [d["tau_Ca"], d["beta_Ca"], d["synaptic_elements"]["Den"]["growth_rate"]],
        "a": [a[0].get("tau_Ca"), sorted(a[0].get("synaptic_elements")), a[1].get("synaptic_elements")["Den"]["eta"]],
        "b": [b.get("tau_Ca"), b.get("beta_Ca"), sorted(b.get("synaptic_elements"))],
        "driven": [driven.get("Ca"), driven.get("synaptic_elements")["Den"]["z"]],
    }


def main() -> None:
    module, name, *args = sys.argv[1:]
    nest = importlib.import_module(module)
    nest.verbosity = nest.VerbosityLevel.ERROR
    if name == "single_neuron":
        print(json.dumps({"one_call": single_neuron(nest, (100.0,)), "three_calls": single_neuron(nest)}))
    elif name == "growth_only":
        print(json.dumps(growth_only(nest)))
    elif name == "model_defaults":
        print(json.dumps(model_defaults(nest)))
    elif name == "network":
        print(json.dumps([network(nest, seed=int(s)) for s in args]))


if __name__ == "__main__":
    main()
