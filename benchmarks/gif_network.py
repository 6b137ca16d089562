#!/usr/bin/env python3
"""A random network of generalized integrate-and-fire neurons (gif_psc_exp, NEST's defaults) in
PyNEST vocabulary, runs on NEST 3.10 or nestkit's facade:

  --n neurons (80 % excitatory), fixed_indegree 100 (80 excitatory inputs of 30 pA, 20 inhibitory
  of -150 pA, delay 1.5 ms), each neuron driven by its own Poisson input (--rate Hz of 60 pA spikes).
Prints one JSON line: build_s, sim_s, the mean firing rate and the number of spikes.
"""

import json
import time

import pynest_backend

ap = pynest_backend.arguments(__doc__, seed=1)
ap.add_argument("--n", type=int, default=10_000)
ap.add_argument("--rate", type=float, default=1500.0)
a = ap.parse_args()


nest = pynest_backend.fresh_kernel(a)
t0 = time.time()
n_ex = int(0.8 * a.n)
neurons = nest.Create("gif_psc_exp", a.n)
ex, inh = neurons[:n_ex], neurons[n_ex:]
nest.Connect(ex, neurons, {"rule": "fixed_indegree", "indegree": 80}, {"weight": 30.0, "delay": 1.5})
nest.Connect(inh, neurons, {"rule": "fixed_indegree", "indegree": 20}, {"weight": -150.0, "delay": 1.5})
noise = nest.Create("poisson_generator", params={"rate": a.rate})
nest.Connect(noise, neurons, syn_spec={"weight": 60.0, "delay": 1.0})
sr = nest.Create("spike_recorder")
nest.Connect(neurons, sr)
build = time.time() - t0
t0 = time.time()
nest.Simulate(a.simtime)
sim = time.time() - t0
n_spikes = nest.GetStatus(sr, "n_events")[0]
print(
    json.dumps(
        {
            "backend": a.backend,
            "n": a.n,
            "threads": a.threads,
            "simtime_ms": a.simtime,
            "build_s": round(build, 3),
            "sim_s": round(sim, 3),
            "spikes": n_spikes,
            "rate_hz": round(n_spikes / a.n / (a.simtime / 1000.0), 3),
        }
    )
)
