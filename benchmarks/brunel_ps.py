#!/usr/bin/env python3
"""Brunel's (2000) balanced network of precise-timing neurons (iaf_psc_alpha_ps),
sized like NEST's brunel_alpha example (order 2500: 10000 E + 2500 I, CE = 1000,
CI = 250), in PyNEST vocabulary so that one script runs on NEST 3.10 and on
nestkit's PyNEST facade. Recurrent spikes carry their offsets inside the step.

usage: brunel_ps.py --backend nest|nestkit [--order 2500] [--simtime 1000] [--threads 2]
                    [--noise grid|ps]
  --noise grid: the external drive comes from poisson_generator (spikes on the grid);
  --noise ps:   from poisson_generator_ps (off-grid spikes; in nestkit each of its
                spikes is routed along the generator's whole row, so this is slow for
                12500 targets).
prints one JSON line: build_s, sim_s, rate_hz, synapses, peak_rss_mb
"""

import argparse
import json
import resource
import time

import numpy as np
from scipy.special import lambertw

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nest")
ap.add_argument("--order", type=int, default=2500)
ap.add_argument("--simtime", type=float, default=1000.0)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--noise", choices=["grid", "ps"], default="grid")
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest

nest.set_verbosity("M_ERROR")


def unit_psp_current(tau_m, tau_syn, c_m):
    """Alpha-PSC amplitude (pA) whose PSP peaks at 1 mV (peak time from Lambert's W)."""
    ratio = tau_m / tau_syn
    rate_diff = 1.0 / tau_syn - 1.0 / tau_m
    t_peak = (-lambertw(-np.exp(-1.0 / ratio) / ratio, k=-1).real - 1.0 / ratio) / rate_diff
    peak = (
        np.exp(1.0)
        / (tau_syn * c_m * rate_diff)
        * ((np.exp(-t_peak / tau_m) - np.exp(-t_peak / tau_syn)) / rate_diff - t_peak * np.exp(-t_peak / tau_syn))
    )
    return 1.0 / peak


n_exc, n_inh = 4 * a.order, a.order
c_exc, c_inh = n_exc // 10, n_inh // 10
tau_m, tau_syn, c_m, theta = 20.0, 0.5, 250.0, 20.0
g, eta, delay, J = 5.0, 2.0, 1.5, 0.1
w_exc = J * unit_psp_current(tau_m, tau_syn, c_m)
w_inh = -g * w_exc
nu_threshold = theta / (J * c_exc * tau_m)
drive_rate = 1000.0 * eta * nu_threshold * c_exc

t0 = time.perf_counter()
nest.ResetKernel()
nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": a.threads, "rng_seed": a.seed})
neuron = {
    "C_m": c_m,
    "tau_m": tau_m,
    "tau_syn_ex": tau_syn,
    "tau_syn_in": tau_syn,
    "t_ref": 2.0,
    "E_L": 0.0,
    "V_reset": 0.0,
    "V_m": 0.0,
    "V_th": theta,
}
exc = nest.Create("iaf_psc_alpha_ps", n_exc, params=neuron)
inh = nest.Create("iaf_psc_alpha_ps", n_inh, params=neuron)
drive = nest.Create("poisson_generator" if a.noise == "grid" else "poisson_generator_ps", params={"rate": drive_rate})
recorder = nest.Create("spike_recorder")
nest.CopyModel("static_synapse", "exc_syn", {"weight": w_exc, "delay": delay})
nest.CopyModel("static_synapse", "inh_syn", {"weight": w_inh, "delay": delay})
nest.Connect(drive, exc + inh, syn_spec="exc_syn")
nest.Connect(exc[:50], recorder)
nest.Connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": c_exc}, "exc_syn")
nest.Connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": c_inh}, "inh_syn")
t1 = time.perf_counter()
nest.Simulate(a.simtime)
t2 = time.perf_counter()
rate = recorder.get("n_events") / (50 * a.simtime / 1000.0)
print(
    json.dumps(
        {
            "backend": a.backend,
            "model": "iaf_psc_alpha_ps",
            "noise": a.noise,
            "order": a.order,
            "threads": a.threads,
            "simtime_ms": a.simtime,
            "build_s": round(t1 - t0, 3),
            "sim_s": round(t2 - t1, 3),
            "rate_hz": round(rate, 3),
            "synapses": nest.GetKernelStatus("num_connections"),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )
)
