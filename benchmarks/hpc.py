#!/usr/bin/env python3
"""The HPC benchmark network (Morrison et al. 2007; Kunkel et al. 2014), as NEST's
hpc_benchmark example builds it, written anew in PyNEST vocabulary so the same
script runs on NEST 3.10 and on nestkit's facade.

scale x 11,250 iaf_psc_alpha neurons (80 % excitatory), fixed in-degree 9,000 E + 2,250 I
(independent of scale), E->E power-law STDP (stdp_pl_synapse_hom_hpc), all other connections static_synapse_hpc, delay 1.5 ms,
one Poisson generator driving everyone; presimulation then simulation.

usage: hpc.py --backend nest|nestkit [--scale 1] [--threads 2] [--presim 50] [--sim 250]
prints one JSON line: connect_s, presim_s, sim_s, rate_hz (the original's formula),
steady_rate_hz, synapses, peak_rss_mb
"""

import argparse
import json
import resource
import time

import numpy as np
from scipy.special import lambertw

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nestkit")
ap.add_argument("--scale", type=float, default=1.0)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--presim", type=float, default=50.0)
ap.add_argument("--sim", type=float, default=250.0)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--nrec", type=int, default=1000)
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest


def pA_per_mV(tau_m, tau_syn, c_m):
    """Current amplitude (pA) of an alpha PSC whose PSP peaks at 1 mV."""
    x = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    t_max = 1.0 / b * (-lambertw(-np.exp(-1.0 / x) / x, k=-1).real - 1.0 / x)
    v_max = (
        np.exp(1.0)
        / (tau_syn * c_m * b)
        * ((np.exp(-t_max / tau_m) - np.exp(-t_max / tau_syn)) / b - t_max * np.exp(-t_max / tau_syn))
    )
    return 1.0 / v_max


NE, NI = int(9000 * a.scale), int(2250 * a.scale)
CE, CI = 9000, 2250
tau_syn, tau_m, c_m, theta = 0.32582722403722841, 10.0, 250.0, 20.0
J_E = 0.14 * pA_per_mV(tau_m, tau_syn, c_m)
g, eta, delay = -5.0, 1.685, 1.5
nu_ext = eta * theta / (CE * tau_m / c_m * J_E * np.exp(1.0) * tau_syn)  # per ms

nest.set_verbosity("M_ERROR")
t0 = time.perf_counter()
nest.ResetKernel()
nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": a.threads, "rng_seed": a.seed})
params = {
    "E_L": 0.0,
    "C_m": c_m,
    "tau_m": tau_m,
    "t_ref": 0.5,
    "V_th": theta,
    "V_reset": 0.0,
    "tau_syn_ex": tau_syn,
    "tau_syn_in": tau_syn,
    "tau_minus": 30.0,
}
exc = nest.Create("iaf_psc_alpha", NE, params=params)
inh = nest.Create("iaf_psc_alpha", NI, params=params)
(exc + inh).V_m = nest.random.normal(5.7, 7.2)
noise = nest.Create("poisson_generator", params={"rate": nu_ext * CE * 1000.0})
rec = nest.Create("spike_recorder")
nest.SetDefaults("static_synapse_hpc", {"delay": delay})
nest.CopyModel("static_synapse_hpc", "syn_ex", {"weight": J_E})
nest.CopyModel("static_synapse_hpc", "syn_in", {"weight": g * J_E})
nest.SetDefaults(
    "stdp_pl_synapse_hom_hpc",
    {"weight": J_E, "delay": delay, "alpha": 0.0513, "lambda": 0.1, "mu": 0.4, "tau_plus": 15.0},
)
nest.Connect(noise, exc, "all_to_all", "syn_ex")
nest.Connect(noise, inh, "all_to_all", "syn_ex")
nest.Connect(
    exc,
    exc,
    {"rule": "fixed_indegree", "indegree": CE, "allow_autapses": False, "allow_multapses": True},
    {"synapse_model": "stdp_pl_synapse_hom_hpc"},
)
nest.Connect(
    inh, exc, {"rule": "fixed_indegree", "indegree": CI, "allow_autapses": False, "allow_multapses": True}, "syn_in"
)
nest.Connect(
    exc, inh, {"rule": "fixed_indegree", "indegree": CE, "allow_autapses": False, "allow_multapses": True}, "syn_ex"
)
nest.Connect(
    inh, inh, {"rule": "fixed_indegree", "indegree": CI, "allow_autapses": False, "allow_multapses": True}, "syn_in"
)
nest.Connect(exc[: a.nrec], rec, "all_to_all", "static_synapse_hpc")
t1 = time.perf_counter()
nest.Simulate(a.presim)
t2 = time.perf_counter()
n_presim = rec.get("n_events")
nest.Simulate(a.sim)
t3 = time.perf_counter()
n_all = rec.get("n_events")
# The original reports all recorded spikes (presimulation included) over the
# simulation time; the steady rate counts the simulation's spikes only.
rate = n_all / (a.nrec * a.sim / 1000.0)
steady = (n_all - n_presim) / (a.nrec * a.sim / 1000.0)
print(
    json.dumps(
        {
            "backend": a.backend,
            "scale": a.scale,
            "threads": a.threads,
            "connect_s": round(t1 - t0, 2),
            "presim_s": round(t2 - t1, 2),
            "sim_s": round(t3 - t2, 2),
            "rate_hz": round(rate, 2),
            "steady_rate_hz": round(steady, 2),
            "synapses": nest.GetKernelStatus("num_connections"),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )
)
