"""Deterministic scenarios for the escape-noise neurons, written for PyNEST 3.10.

The same code runs under NEST 3.10 and under nestkit.nest. nest_reference.json holds
NEST 3.10's results; it was produced with

    /work/nest310/bin/python nest_scenarios.py nest_reference.json

The scenarios are deterministic although the models are stochastic: either the
escape rate is zero (lambda_0 = 0, or c_1 = c_2 = 0), so no spike is ever drawn, or
it is so large that the spike probability 1 - exp(-lambda h) rounds to exactly 1,
so the neuron fires in every step outside its refractory period / dead time (the
uniform draw lies in [0, 1)). The latter exercises the reset, the refractory clamp
and the stc/sfa kernels without depending on the random stream.
"""

from __future__ import annotations

import json
import sys

# Escape rate so high that every non-refractory step fires (GIF: lambda_0 in 1/s;
# Delta_V large keeps exp((V - E_sfa) / Delta_V) close to 1).
CERTAIN = {"lambda_0": 1e12, "Delta_V": 1e4}
KERNELS = {"tau_stc": [5.0, 50.0], "q_stc": [20.0, 5.0], "tau_sfa": [10.0, 100.0], "q_sfa": [3.0, 1.0]}

CASES = {
    "gif_psc_exp_sub": {
        "model": "gif_psc_exp",
        "params": {"lambda_0": 0.0, "tau_syn_ex": 1.5, "tau_syn_in": 3.0, "I_e": 20.0},
        "spikes": [([5.0, 10.3, 20.0], 300.0, 0), ([15.0, 25.0], -200.0, 0)],
        "recordables": ["V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"],
    },
    "gif_psc_exp_singular": {
        "model": "gif_psc_exp",
        "params": {"lambda_0": 0.0, "tau_syn_ex": 20.0, "tau_syn_in": 20.0},
        "spikes": [([5.0, 12.0], 300.0, 0), ([30.0], -200.0, 0)],
        "recordables": ["V_m", "I_syn_ex", "I_syn_in"],
    },
    "gif_psc_exp_fire": {
        "model": "gif_psc_exp",
        "params": {**CERTAIN, **KERNELS, "t_ref": 2.0, "I_e": 10.0},
        "spikes": [([5.0, 10.3, 20.0], 300.0, 0), ([15.0, 25.0], -200.0, 0)],
        "recordables": ["V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"],
        "resolution": 0.05,
    },
    "gif_cond_exp_sub": {
        "model": "gif_cond_exp",
        "params": {"lambda_0": 0.0, "tau_syn_ex": 1.5, "tau_syn_in": 3.0, "I_e": 20.0},
        "spikes": [([5.0, 10.3, 20.0], 6.0, 0), ([15.0, 25.0], -4.0, 0)],
        "recordables": ["V_m", "E_sfa", "I_stc", "g_ex", "g_in"],
    },
    "gif_cond_exp_fire": {
        "model": "gif_cond_exp",
        "params": {**CERTAIN, **KERNELS, "t_ref": 2.0, "I_e": 10.0},
        "spikes": [([5.0, 10.3, 20.0], 6.0, 0), ([15.0, 25.0], -4.0, 0)],
        "recordables": ["V_m", "E_sfa", "I_stc", "g_ex", "g_in"],
    },
    "gif_psc_exp_multisynapse_sub": {
        "model": "gif_psc_exp_multisynapse",
        "params": {"lambda_0": 0.0, "tau_syn": [1.0, 3.0, 8.0], "I_e": 20.0},
        "spikes": [([5.0, 20.0], 300.0, 1), ([8.0, 25.0], -200.0, 2), ([12.0], 150.0, 3)],
        "recordables": ["V_m", "E_sfa", "I_stc"],
    },
    "gif_psc_exp_multisynapse_fire": {
        "model": "gif_psc_exp_multisynapse",
        "params": {**CERTAIN, **KERNELS, "tau_syn": [1.0, 3.0, 8.0], "t_ref": 3.0},
        "spikes": [([5.0, 20.0], 300.0, 1), ([8.0, 25.0], -200.0, 2), ([12.0], 150.0, 3)],
        "recordables": ["V_m", "E_sfa", "I_stc"],
    },
    "gif_cond_exp_multisynapse_sub": {
        "model": "gif_cond_exp_multisynapse",
        "params": {"lambda_0": 0.0, "tau_syn": [1.0, 3.0, 8.0], "E_rev": [0.0, -85.0, -20.0], "I_e": 20.0},
        "spikes": [([5.0, 20.0], 6.0, 1), ([8.0, 25.0], 4.0, 2), ([12.0], 3.0, 3)],
        "recordables": ["V_m", "E_sfa", "I_stc"],
    },
    "gif_cond_exp_multisynapse_fire": {
        "model": "gif_cond_exp_multisynapse",
        "params": {**CERTAIN, **KERNELS, "tau_syn": [1.0, 3.0], "E_rev": [0.0, -85.0], "t_ref": 3.0},
        "spikes": [([5.0, 20.0], 6.0, 1), ([8.0, 25.0], 4.0, 2)],
        "recordables": ["V_m", "E_sfa", "I_stc"],
    },
    "gif_cond_exp_multisynapse_fire_many_ports": {
        # 18 ports: more than nestkit's lock-step lanes take (its scalar stepper).
        "model": "gif_cond_exp_multisynapse",
        "params": {
            **CERTAIN,
            **KERNELS,
            "tau_syn": [1.0 + 0.5 * k for k in range(18)],
            "E_rev": [0.0 - 5.0 * k for k in range(18)],
            "t_ref": 3.0,
        },
        "spikes": [([5.0, 20.0], 6.0, 1), ([8.0, 25.0], 4.0, 17), ([12.0], 3.0, 18)],
        "recordables": ["V_m", "E_sfa", "I_stc"],
    },
    "pp_psc_delta_sub": {
        "model": "pp_psc_delta",
        "params": {"c_1": 0.0, "c_2": 0.0, "I_e": 30.0, "tau_m": 15.0},
        "spikes": [([5.0, 10.3, 20.0], 2.5, 0), ([15.0, 25.0], -1.5, 0)],
        "recordables": ["V_m", "E_sfa"],
    },
    "pp_psc_delta_fire": {
        # c_3 = 0: the rate is c_2 whatever V; the dead time is shorter than a step at
        # first (NEST raises it to one step) and t_ref_remaining delays the first spike.
        "model": "pp_psc_delta",
        "params": {
            "c_1": 0.0,
            "c_2": 1e12,
            "c_3": 0.0,
            "dead_time": 1.55,
            "t_ref_remaining": 2.0,
            "tau_sfa": [5.0, 30.0],
            "q_sfa": [2.0, 1.0],
            "I_e": 30.0,
        },
        "spikes": [([5.0, 10.3, 20.0], 2.5, 0)],
        "recordables": ["V_m", "E_sfa"],
    },
    "pp_psc_delta_fire_noreset": {
        "model": "pp_psc_delta",
        "params": {"c_1": 0.0, "c_2": 1e12, "c_3": 0.0, "dead_time": 0.03, "with_reset": False, "I_e": 30.0},
        "spikes": [([5.0, 10.3], 2.5, 0)],
        "recordables": ["V_m", "E_sfa"],
        "resolution": 0.05,
    },
    "gif_pop_psc_exp_sub": {
        # No escape (lambda_0 = 0): the free membrane potential and the PSC filters.
        "model": "gif_pop_psc_exp",
        "params": {"lambda_0": 0.0, "I_e": 100.0, "tau_syn_ex": 2.0, "tau_syn_in": 5.0, "len_kernel": 50},
        "spikes": [([5.0, 10.3, 20.0], 300.0, 0), ([15.0, 25.0], -200.0, 0)],
        "recordables": ["V_m", "E_sfa", "mean", "n_events", "I_syn_ex", "I_syn_in"],
    },
}

CHUNKS = [20.0, 17.5, 22.5]  # 60 ms in three Simulate calls


def run(nest, name: str) -> dict:
    case = CASES[name]
    h = case.get("resolution", 0.1)
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": h})
    neuron = nest.Create(case["model"], params=case["params"])
    dc = nest.Create("dc_generator", params={"amplitude": 40.0, "start": 30.0, "stop": 45.0})
    nest.Connect(dc, neuron)
    for times, weight, port in case["spikes"]:
        sg = nest.Create("spike_generator", params={"spike_times": times})
        syn = {"weight": weight, "delay": 1.0}
        if port:
            syn["receptor_type"] = port
        nest.Connect(sg, neuron, syn_spec=syn)
    mm = nest.Create("multimeter", params={"record_from": case["recordables"], "interval": 0.5})
    nest.Connect(mm, neuron)
    sr = nest.Create("spike_recorder")
    nest.Connect(neuron, sr)
    for t in CHUNKS:
        nest.Simulate(t)
    ev = mm.get("events")
    out = {"times": [float(t) for t in ev["times"]], "spikes": [float(t) for t in sr.get("events")["times"]]}
    for key in case["recordables"]:
        out[key] = [float(v) for v in ev[key]]
    status = neuron.get(["V_m", "E_sfa"])
    out["status"] = {k: float(v) for k, v in status.items()}
    return out


def main(path: str) -> int:
    import nest

    with open(path, "w") as f:
        json.dump({name: run(nest, name) for name in CASES}, f, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
