"""Every connection rule under mpirun, then a Disconnect, run by test_connect_mpi.py.

Usage: rules.py THREADS OUT.json. Rank 0 writes the spikes of all ranks (as one process
records them), every connection with its port (its position in the source's whole row, the
key of per-target draws) before and after Disconnect, and each rank's num_connections.
"""

import json
import sys

import nestkit.nest as nest
from nestkit.nest._parallel import gather_events, gather_to_root

threads, out = int(sys.argv[1]), sys.argv[2]
nest.ResetKernel()
nest.set(local_num_threads=threads, resolution=0.1, rng_seed=11)
nest.verbosity = nest.VerbosityLevel.ERROR

E = nest.Create("iaf_psc_alpha", 120, params={"V_m": nest.random.uniform(-70.0, -55.0)})
inh = nest.Create("iaf_psc_alpha", 30)
noise = nest.Create("poisson_generator", params={"rate": 12000.0})
nest.Connect(noise, E + inh, syn_spec={"weight": 20.0, "delay": 1.0})
uniform_delay = nest.random.uniform(1.0, 2.5)
nest.Connect(
    E,
    E + inh,
    {"rule": "fixed_indegree", "indegree": 12},
    {"weight": nest.random.uniform(10.0, 30.0), "delay": uniform_delay},
)
nest.Connect(
    inh,
    E + inh,
    {"rule": "fixed_outdegree", "outdegree": 10},
    {"weight": nest.random.normal(-80.0, 10.0), "delay": 1.5},
)
nest.Connect(
    E[:40],
    inh,
    {"rule": "pairwise_bernoulli", "p": 0.1},
    {"weight": nest.random.uniform(5.0, 25.0), "delay": nest.random.uniform(1.0, 3.0)},
)
nest.Connect(E, E, {"rule": "fixed_total_number", "N": 300}, {"weight": nest.random.uniform(0.0, 20.0), "delay": 2.0})
nest.Connect(E[:30], inh, "one_to_one", {"weight": 30.0, "delay": 1.2})
nest.Connect(inh[:5], E[:20], "all_to_all", {"weight": -5.0, "delay": 1.1})
nest.Connect(
    [1, 5, 9, 130, 140, 2, 5],
    [140, 3, 121, 7, 8, 60, 3],
    conn_spec="one_to_one",
    syn_spec={"weight": [40.0, 35.0, 30.0, -20.0, -25.0, 45.0, 15.0], "delay": [1.0, 1.3, 1.6, 2.0, 1.1, 1.4, 1.7]},
)
# A stochastic synapse draws per (row position, spike): positions must agree with one process.
nest.Connect(
    E[40:60],
    E[60:100],
    {"rule": "pairwise_bernoulli", "p": 0.3},
    {"synapse_model": "bernoulli_synapse", "weight": 40.0, "p_transmit": 0.5},
)
sr = nest.Create("spike_recorder")
nest.Connect(E + inh, sr)


def connections():
    c = nest.GetConnections(E + inh + noise)
    rows = list(zip(*(c.get(k) for k in ("source", "target", "weight", "delay", "port")))) if len(c) > 1 else []
    parts = gather_to_root(rows)
    return sorted(tuple(r) for part in parts for r in part) if nest.Rank() == 0 else None


counts = [gather_to_root(nest.GetKernelStatus("num_connections"))]
before = connections()
nest.Simulate(80.0)
spikes_before = gather_events(sr)

# Disconnect a split-independent choice of connections (by source and target), then pairs.
c = nest.GetConnections(E, E)
src, tgt = c.get("source"), c.get("target")
chosen = [i for i, (s, t) in enumerate(zip(src, tgt)) if (s + 2 * t) % 5 == 0]
nest.Disconnect(c[chosen])
nest.Disconnect(E[:10], inh[:10], "one_to_one", {"synapse_model": "static_synapse"})
counts.append(gather_to_root(nest.GetKernelStatus("num_connections")))
after = connections()
nest.Simulate(80.0)
spikes = gather_events(sr)

if nest.Rank() == 0:
    result = {
        "spikes_before": {k: v.tolist() for k, v in spikes_before.items()},
        "spikes": {k: v.tolist() for k, v in spikes.items()},
        "before": before,
        "after": after,
        "counts": counts,
    }
    with open(out, "w") as f:
        json.dump(result, f)
