#!/usr/bin/env python3
"""Synapse storage and delivery throughput, per synapse model, in PyNEST vocabulary
(runs on NEST 3.10 and on nestkit's facade).

Memory: bytes per synapse of the connection store (nestkit reports it exactly; for
NEST the growth of resident memory over the Connect call divided by the synapses).
Throughput: N parrot neurons, each fired by its own Poisson train, project to M
iaf_psc_alpha neurons with `--synapses` synapses in all (fixed in-degree); the
synaptic events delivered per second of wall time are (spikes x out-degree) / sim_s.

usage: synapses.py --backend nest|nestkit --model static_synapse|stdp_synapse|...
        [--synapses 10000000] [--threads 1] [--simtime 1000] [--per-synapse-weight]
prints one JSON line.
"""

import argparse
import json
import os
import time

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nestkit")
ap.add_argument("--model", default="static_synapse")
ap.add_argument("--synapses", type=int, default=10_000_000)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--simtime", type=float, default=1000.0)
ap.add_argument("--sources", type=int, default=2000)
ap.add_argument("--rate", type=float, default=10.0)
ap.add_argument("--per-synapse-weight", action="store_true")
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest


def rss_mb():
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": a.threads, "rng_seed": 1})
targets = 10_000
indegree = a.synapses // targets
gen = nest.Create("poisson_generator", params={"rate": a.rate})
src = nest.Create("parrot_neuron", a.sources)
tgt = nest.Create("iaf_psc_alpha", targets, params={"V_th": 1e9})
nest.Connect(gen, src)
syn = {"synapse_model": a.model, "delay": 1.0}
if a.per_synapse_weight:
    syn["weight"] = nest.random.uniform(0.5, 1.5)
before = rss_mb()
t0 = time.perf_counter()
nest.Connect(src, tgt, {"rule": "fixed_indegree", "indegree": indegree}, syn)
nest.Simulate(0.1)  # NEST builds its tables at the first Simulate; nestkit merges its store there
t1 = time.perf_counter()
after = rss_mb()
sr = nest.Create("spike_recorder")
nest.Connect(src, sr)
t2 = time.perf_counter()
nest.Simulate(a.simtime)
t3 = time.perf_counter()
n_syn = nest.GetKernelStatus("num_connections") - a.sources * 2
spikes = sr.get("n_events")
events = spikes * indegree * targets / a.sources
out = {
    "backend": a.backend,
    "model": a.model,
    "threads": a.threads,
    "synapses": n_syn,
    "per_synapse_weight": a.per_synapse_weight,
    "connect_s": round(t1 - t0, 3),
    "rss_bytes_per_synapse": round((after - before) * 2**20 / n_syn, 2),
    "sim_s": round(t3 - t2, 3),
    "synaptic_events": int(events),
    "events_per_s": round(events / (t3 - t2)),
}
if a.backend != "nest":
    from nestkit.nest import _state

    out["store_bytes_per_synapse"] = round(_state.kernel.bytes_per_synapse(), 2)
print(json.dumps(out))
