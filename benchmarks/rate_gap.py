#!/usr/bin/env python3
"""Rate and gap-junction networks in PyNEST vocabulary (runs on NEST 3.10 or nestkit's facade).

  --net rate-delayed | rate-instant: 10^4 lin_rate_ipn neurons, 100 random inputs each through
      rate_connection_delayed (delay 1 ms) or rate_connection_instantaneous (waveform relaxation).
  --net gap: NEST's gap_junctions_inhibitory_network scaled to --n hh_psc_alpha_gap neurons
      (inhibitory static synapses, symmetric gap junctions, Poisson drive, WFR on).
prints one JSON line: build_s, sim_s (per --simtime), and a result figure (mean rate or spikes)
"""

import json
import time

import pynest_backend

ap = pynest_backend.arguments(__doc__, seed=1)
ap.add_argument("--net", choices=["rate-delayed", "rate-instant", "gap"], default="rate-delayed")
ap.add_argument("--n", type=int, default=10_000)
a = ap.parse_args()


nest = pynest_backend.fresh_kernel(a)
t0 = time.time()
if a.net.startswith("rate"):
    neurons = nest.Create("lin_rate_ipn", a.n, params={"tau": 10.0, "mu": 0.1, "sigma": 0.5, "lambda": 1.0})
    model = "rate_connection_delayed" if a.net == "rate-delayed" else "rate_connection_instantaneous"
    syn = {"synapse_model": model, "weight": -0.005}
    if model == "rate_connection_delayed":
        syn["delay"] = 1.0
    nest.Connect(neurons, neurons, {"rule": "fixed_indegree", "indegree": 100}, syn)
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 10.0})
    nest.Connect(mm, neurons[:100])
else:
    nest.resolution = 0.05
    nest.set(use_wfr=True, wfr_comm_interval=1.0, wfr_tol=0.0001, wfr_max_iterations=15, wfr_interpolation_order=3)
    neurons = nest.Create("hh_psc_alpha_gap", a.n)
    neurons.V_m = nest.random.uniform(min=-80.0, max=-40.0)
    nest.Connect(
        neurons,
        neurons,
        {"rule": "fixed_indegree", "indegree": 50, "allow_autapses": False},
        {"synapse_model": "static_synapse", "weight": -50.0, "delay": 1.0},
    )
    # Random symmetric gap junctions, 60 per neuron on average, as the example makes them
    # (pairs drawn once, both directions connected one_to_one).
    import numpy as np

    rng = np.random.default_rng(1)
    n_gap = a.n * 60 // 2
    src, tgt = rng.integers(0, a.n, n_gap), rng.integers(0, a.n, n_gap)
    keep = src != tgt
    ids = np.asarray(neurons.tolist())
    s, t = ids[src[keep]], ids[tgt[keep]]
    nest.Connect(
        np.concatenate([s, t]),
        np.concatenate([t, s]),
        "one_to_one",
        {"synapse_model": "gap_junction", "weight": np.full(2 * len(s), 0.54)},
    )
    noise = nest.Create("poisson_generator", params={"rate": 200.0})
    nest.Connect(noise, neurons, syn_spec={"weight": 100.0, "delay": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
build = time.time() - t0
t0 = time.time()
nest.Simulate(a.simtime)
sim = time.time() - t0
out = {
    "backend": a.backend,
    "net": a.net,
    "n": a.n,
    "threads": a.threads,
    "simtime_ms": a.simtime,
    "build_s": round(build, 3),
    "sim_s": round(sim, 3),
}
if a.net.startswith("rate"):
    import numpy as np

    out["mean_rate"] = round(float(np.mean(mm.get("events")["rate"])), 6)
else:
    out["spikes"] = int(sr.n_events)
print(json.dumps(out))
