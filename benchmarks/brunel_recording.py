#!/usr/bin/env python3
# Derived from ../shared/bench/brunel.py (the project's own benchmark script).
"""Brunel (2000) balanced network with alpha-shaped PSCs, sized like NEST's own
brunel_alpha example (order 2500: 10000 E + 2500 I, CE=1000, CI=250), written in
PyNEST vocabulary so the same script runs on NEST and on nestkit's PyNEST facade.

Variant for the cost of recording: --record none|memory|ascii records the spikes of all
neurons (not only 50) to that backend; rate_hz is then computed over all neurons.

usage: brunel_recording.py --backend nest|nestkit --record none|memory|ascii [--order 2500] [--threads 2]
prints one JSON line: build_s, sim_s, rate_hz, spikes, synapses, peak_rss_mb
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
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--record", default="memory", choices=["none", "memory", "ascii"])
ap.add_argument("--data-path", default="/tmp")
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest

nest.set_verbosity("M_ERROR")


def psp_norm(tau_m, tau_syn, c_m):
    """PSC amplitude (pA) that gives a 1 mV PSP peak for alpha currents."""
    x = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    t_max = 1.0 / b * (-lambertw(-np.exp(-1.0 / x) / x, k=-1).real - 1.0 / x)
    return 1.0 / (
        np.exp(1.0)
        / (tau_syn * c_m * b)
        * ((np.exp(-t_max / tau_m) - np.exp(-t_max / tau_syn)) / b - t_max * np.exp(-t_max / tau_syn))
    )


NE, NI = 4 * a.order, a.order
CE, CI = NE // 10, NI // 10
tau_m, tau_syn, c_m, theta = 20.0, 0.5, 250.0, 20.0
g, eta, delay, J = 5.0, 2.0, 1.5, 0.1
J_ex = J * psp_norm(tau_m, tau_syn, c_m)
J_in = -g * J_ex
nu_th = theta / (J * CE * tau_m)
p_rate = 1000.0 * eta * nu_th * CE

t0 = time.perf_counter()
nest.ResetKernel()
nest.SetKernelStatus(
    {
        "resolution": 0.1,
        "local_num_threads": a.threads,
        "rng_seed": a.seed,
        "data_path": a.data_path,
        "overwrite_files": True,
    }
)
params = {
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
exc = nest.Create("iaf_psc_alpha", NE, params=params)
inh = nest.Create("iaf_psc_alpha", NI, params=params)
noise = nest.Create("poisson_generator", params={"rate": p_rate})
spikes = nest.Create(
    "spike_recorder", params={"record_to": "memory" if a.record == "none" else a.record, "label": "brunel_recording"}
)
nest.CopyModel("static_synapse", "excitatory", {"weight": J_ex, "delay": delay})
nest.CopyModel("static_synapse", "inhibitory", {"weight": J_in, "delay": delay})
nest.Connect(noise, exc, syn_spec="excitatory")
nest.Connect(noise, inh, syn_spec="excitatory")
if a.record != "none":
    nest.Connect(exc + inh, spikes)
nest.Connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
nest.Connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
t1 = time.perf_counter()
nest.Simulate(a.simtime)
t2 = time.perf_counter()
n_ev = spikes.get("n_events")
rate = n_ev / ((NE + NI) * a.simtime / 1000.0)
syn = nest.GetKernelStatus("num_connections")
print(
    json.dumps(
        {
            "backend": a.backend,
            "order": a.order,
            "threads": a.threads,
            "simtime_ms": a.simtime,
            "build_s": round(t1 - t0, 3),
            "sim_s": round(t2 - t1, 3),
            "rate_hz": round(rate, 3),
            "spikes": n_ev,
            "record": a.record,
            "synapses": syn,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )
)
