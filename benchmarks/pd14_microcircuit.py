#!/usr/bin/env python3
"""The full-scale Potjans & Diesmann (2014) cortical microcircuit, as INM-6's own PyNEST
package builds it (`microcircuit` on PyPI, 1.0 = github.com/INM-6/microcircuit-PD14-model),
run unchanged on NEST 3.10 or on nestkit.

The package does `import nest`; for nestkit this script puts `nestkit.nest` in its place
(sys.modules) before importing it, so not a line of the model changes. Settings follow
the package's benchmarking recipe: no recording devices (`rec_dev = []`), unless
--rates asks for the per-population rates (spike recorders to memory counters only).

usage: pd14_microcircuit.py --backend nest|nestkit [--scale 1] [--k-scale K] [--threads 2] [--presim 500]
                       [--sim 1000] [--seed 55] [--rates]
prints one JSON line: create_s, connect_s (Connect and Prepare, as the package times it),
presim_s, sim_s, sim_s_per_bio_s, connections, peak_rss_mb, and with --rates the
per-population rates (spikes/s per neuron) over the --sim interval.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nestkit", choices=["nest", "nestkit"])
ap.add_argument("--scale", type=float, default=1.0, help="N_scaling (and K_scaling unless --k-scale)")
ap.add_argument("--k-scale", type=float, default=None, help="K_scaling (in-degrees), default: --scale")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--presim", type=float, default=500.0)
ap.add_argument("--sim", type=float, default=1000.0)
ap.add_argument("--seed", type=int, default=55)
ap.add_argument("--rates", action="store_true")
a = ap.parse_args()

if a.backend == "nestkit":
    import nestkit.nest

    sys.modules["nest"] = nestkit.nest
import nest  # noqa: E402
from microcircuit import network  # noqa: E402
from microcircuit.network_params import default_net_dict as net_dict  # noqa: E402
from microcircuit.sim_params import default_sim_dict as sim_dict  # noqa: E402
from microcircuit.stimulus_params import default_stim_dict as stim_dict  # noqa: E402

net_dict["N_scaling"] = a.scale
net_dict["K_scaling"] = a.scale if a.k_scale is None else a.k_scale
sim_dict.update(
    local_num_threads=a.threads,
    t_presim=a.presim,
    t_sim=a.sim,
    rng_seed=a.seed,
    rec_dev=["spike_recorder"] if a.rates else [],
    print_time=False,
    store_metadata=False,
    data_path=tempfile.mkdtemp(prefix="microcircuit_") + "/",
)
nest.set_verbosity("M_ERROR")

with open(os.devnull, "w") as quiet:  # the package prints its progress
    stdout, sys.stdout = sys.stdout, quiet
    try:
        t0 = time.perf_counter()
        net = network.Network(sim_dict, net_dict, stim_dict)
        net.create()
        if a.rates:  # counters only: the package's ascii files are not needed
            net.spike_recorders.set(record_to="memory")
        t1 = time.perf_counter()
        net.connect()
        t2 = time.perf_counter()
        net.simulate(a.presim)
        t3 = time.perf_counter()
        before = list(net.spike_recorders.get("n_events")) if a.rates else []
        net.simulate(a.sim)
        t4 = time.perf_counter()
    finally:
        sys.stdout = stdout

out = {
    "backend": a.backend,
    "scale": a.scale,
    "k_scale": net_dict["K_scaling"],
    "threads": a.threads,
    "seed": a.seed,
    "neurons": int(sum(net.num_neurons)),
    "connections": int(nest.num_connections),
    "create_s": round(t1 - t0, 3),
    "connect_s": round(t2 - t1, 3),
    "presim_s": round(t3 - t2, 3),
    "sim_s": round(t4 - t3, 3),
    "sim_s_per_bio_s": round((t4 - t3) / (a.sim / 1000.0), 3),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
}
if a.rates:
    after = list(net.spike_recorders.get("n_events"))
    out["rates_hz"] = {
        str(name): round((n1 - n0) / (int(n) * a.sim / 1000.0), 4)
        for name, n, n0, n1 in zip(net_dict["populations"], net.num_neurons, before, after)
    }
print(json.dumps(out))
