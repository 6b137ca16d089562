#!/usr/bin/env python3
"""A Brunel-type network with astrocytes in PyNEST vocabulary (runs on NEST 3.10 or nestkit's
facade), sized and parametrised as NEST's astrocyte_brunel_fixed_indegree example:

  N_ex = 8000, N_in = 2000 aeif_cond_alpha_astro neurons (tau_syn_ex 2 ms, tau_syn_in 4 ms),
  N_astro = 10000 astrocyte_lr_1994 (IP3 = 0.4 uM), tsodyks_synapse primary connections by
  fixed_indegree (CE = 800 with weight 1 nS, delay 2 ms; CI = 200 with -4 nS, 1 ms), each paired
  with probability 0.5 with an astrocyte from a random pool of 10 per target
  (TripartiteConnect, sic_connection weight 0.05), Poisson drive 2000 Hz into every neuron.
--scale multiplies all population sizes and in-degrees. Prints one JSON line: build_s, sim_s,
and the mean firing rate and the mean astrocytic calcium as result figures.
"""

import json
import time

import pynest_backend

ap = pynest_backend.arguments(__doc__, seed=100)
ap.add_argument("--scale", type=float, default=1.0)
a = ap.parse_args()


n_ex, n_in, n_astro = (int(round(n * a.scale)) for n in (8000, 2000, 10000))
ce, ci = int(round(800 * a.scale)), int(round(200 * a.scale))

nest = pynest_backend.fresh_kernel(a)
nest.resolution = 0.1
t0 = time.time()
cell = {"tau_syn_ex": 2.0, "tau_syn_in": 4.0}
ex = nest.Create("aeif_cond_alpha_astro", n_ex, params=cell)
inh = nest.Create("aeif_cond_alpha_astro", n_in, params=cell)
astro = nest.Create("astrocyte_lr_1994", n_astro, params={"IP3": 0.4})
noise = nest.Create("poisson_generator", params={"rate": 2000.0})
nest.Connect(noise, ex + inh, syn_spec={"weight": 1.0})
third = {"rule": "third_factor_bernoulli_with_pool", "p": 0.5, "pool_size": 10, "pool_type": "random"}
for pre, indegree, weight, delay in ((ex, ce, 1.0, 2.0), (inh, ci, -4.0, 1.0)):
    nest.TripartiteConnect(
        pre,
        ex + inh,
        astro,
        {"rule": "fixed_indegree", "indegree": indegree},
        third,
        {
            "primary": {"synapse_model": "tsodyks_synapse", "weight": weight, "delay": delay},
            "third_in": {"synapse_model": "tsodyks_synapse", "weight": abs(weight), "delay": delay},
            "third_out": {"synapse_model": "sic_connection", "weight": 0.05},
        },
    )
sr = nest.Create("spike_recorder")
nest.Connect(ex + inh, sr)
mm = nest.Create("multimeter", params={"record_from": ["Ca_astro"], "interval": 100.0})
nest.Connect(mm, astro[:100])
build = time.time() - t0
t0 = time.time()
nest.Simulate(a.simtime)
sim = time.time() - t0
n_spikes = nest.GetStatus(sr, "n_events")[0]
ca = mm.get("events")["Ca_astro"]
out = {
    "backend": a.backend,
    "scale": a.scale,
    "threads": a.threads,
    "simtime_ms": a.simtime,
    "build_s": round(build, 3),
    "sim_s": round(sim, 3),
    "connections": nest.num_connections,
    "rate_hz": round(n_spikes / (n_ex + n_in) / (a.simtime / 1000.0), 3),
    "mean_ca_uM": round(float(sum(ca) / max(len(ca), 1)), 5),
}
print(json.dumps(out))
