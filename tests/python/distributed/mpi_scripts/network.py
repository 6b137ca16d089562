"""A small network of every kind the kernel distributes, run under mpirun by test_mpi.py.

Usage: network.py THREADS OUT.json. Rank 0 writes every recorder's events gathered from all
ranks (as one process records them) and a few status values read where each node is local.
"""

import json
import sys

import nestkit.nest as nest
from nestkit.nest._parallel import gather_events, gather_to_root

threads, out = int(sys.argv[1]), sys.argv[2]
nest.ResetKernel()
nest.set(local_num_threads=threads, resolution=0.1, rng_seed=7)
nest.verbosity = nest.VerbosityLevel.ERROR

# A Brunel-type network driven by a Poisson generator (per-target draws), with STDP inputs.
E = nest.Create("iaf_psc_alpha", 160, params={"V_m": nest.random.uniform(-70.0, -55.0)})
inh = nest.Create("iaf_psc_alpha", 40)
noise = nest.Create("poisson_generator", params={"rate": 15000.0})
nest.Connect(noise, E + inh, syn_spec={"weight": 20.0, "delay": 1.5})
nest.Connect(E, E + inh, {"rule": "fixed_indegree", "indegree": 16}, {"weight": 20.0, "delay": 1.5})
nest.Connect(inh, E + inh, {"rule": "fixed_indegree", "indegree": 4}, {"weight": -100.0, "delay": 1.5})
nest.Connect(
    E[:20], E[20:60], {"rule": "pairwise_bernoulli", "p": 0.2}, {"synapse_model": "stdp_synapse", "weight": 5.0}
)

# Gap-junction coupled HH neurons with waveform relaxation (secondary events across ranks).
hh = nest.Create("hh_psc_alpha_gap", 6, params={"I_e": [400.0, 0.0, 200.0, 0.0, 300.0, 0.0]})
nest.Connect(
    hh[:-1], hh[1:], {"rule": "one_to_one", "make_symmetric": True}, {"synapse_model": "gap_junction", "weight": 5.0}
)

# A delayed rate ring.
rates = nest.Create("lin_rate_ipn", 5, params={"sigma": 0.5, "mu": 1.0})
nest.Connect(
    rates,
    rates[1:] + rates[:1],
    "one_to_one",
    {"synapse_model": "rate_connection_delayed", "weight": 0.3, "delay": 2.0},
)

sr = nest.Create("spike_recorder")
mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
mr = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 1.0})
nest.Connect(E + inh + hh, sr)
nest.Connect(mm, E[:3] + inh[-2:] + hh)
nest.Connect(mr, rates)
nest.Simulate(60.0)
nest.Simulate(40.0)  # a second call: the run continues across calls

conns = nest.GetConnections(E[:20], E[20:60], synapse_model="stdp_synapse")
weights = gather_to_root(
    sorted(zip(conns.get("source"), conns.get("target"), conns.get("weight"))) if len(conns) > 1 else []
)
events = {name: gather_events(dev) for name, dev in (("sr", sr), ("mm", mm), ("mr", mr))}
local = gather_to_root([int(g) for g in nest.GetLocalNodeCollection(E).tolist()])
if nest.Rank() == 0:
    result = {name: {k: v.tolist() for k, v in ev.items()} for name, ev in events.items()}
    result["stdp"] = sorted(w for part in weights for w in part)
    result["local_E"] = local
    result["kernel"] = {
        k: nest.GetKernelStatus(k) for k in ("num_processes", "local_num_threads", "total_num_virtual_procs")
    }
    with open(out, "w") as f:
        json.dump(result, f)
