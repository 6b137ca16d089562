#!/usr/bin/env python3
"""ODE-model network benchmark (issue 19's setting): n neurons of one model, each driven by
one poisson_generator (12 kHz, default weight), spikes recorded, for `simtime` ms. The same
PyNEST script runs on NEST or nestkit.

usage: ode_network.py --backend nest|nestkit --model hh_psc_alpha [--n 10000] [--simtime 1000]
                      [--threads 2] [--seed 1]
prints one JSON line: backend, model, n, threads, simtime_ms, build_s, sim_s, spikes
"""

import argparse
import json
import time
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nest")
ap.add_argument("--model", default="hh_psc_alpha")
ap.add_argument("--n", type=int, default=10_000)
ap.add_argument("--simtime", type=float, default=1000.0)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest

with warnings.catch_warnings():  # NEST 3.10 flags set_verbosity as kept for compatibility
    warnings.simplefilter("ignore")
    nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.SetKernelStatus({"local_num_threads": a.threads, "rng_seed": a.seed})
t0 = time.perf_counter()
pop = nest.Create(a.model, a.n)
drive = nest.Create("poisson_generator", params={"rate": 12000.0})
nest.Connect(drive, pop)
rec = nest.Create("spike_recorder")
nest.Connect(pop, rec)
t1 = time.perf_counter()
nest.Simulate(a.simtime)
t2 = time.perf_counter()
print(
    json.dumps(
        {
            "backend": a.backend,
            "model": a.model,
            "n": a.n,
            "threads": a.threads,
            "simtime_ms": a.simtime,
            "build_s": round(t1 - t0, 3),
            "sim_s": round(t2 - t1, 3),
            "spikes": int(rec.get("n_events")),
        }
    )
)
