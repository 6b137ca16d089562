#!/usr/bin/env python3
"""Spatial connection benchmark: a periodic 2-D grid layer of about N neurons at a
fixed density (10^4 per unit area), connected to itself by pairwise_bernoulli with
a circular mask (radius 0.1) and a Gaussian kernel (std 0.05). Each neuron gets
about 136 connections whatever N, so the connection time should grow with N (the
number of connections made), not with N^2. Same PyNEST script for NEST and nestkit.

usage: spatial_connect.py --backend nest|nestkit [--n 100000] [--threads 1] [--seed 1]
prints one JSON line: n, create_s, connect_s, synapses, ns_per_synapse, peak_rss_mb
"""

import argparse
import json
import math
import resource
import time
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nest")
ap.add_argument("--n", type=int, default=100_000)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest

with warnings.catch_warnings():  # NEST 3.10 flags set_verbosity as kept for compatibility
    warnings.simplefilter("ignore")
    nest.set_verbosity("M_ERROR")

side = int(round(math.sqrt(a.n)))  # grid of side x side neurons
extent = side / 100.0  # 100 neurons per unit length: density 10^4 per unit area

nest.ResetKernel()
nest.SetKernelStatus({"local_num_threads": a.threads, "rng_seed": a.seed})
t0 = time.perf_counter()
layer = nest.Create(
    "iaf_psc_alpha", positions=nest.spatial.grid(shape=[side, side], extent=[extent, extent], edge_wrap=True)
)
t1 = time.perf_counter()
nest.Connect(
    layer,
    layer,
    {
        "rule": "pairwise_bernoulli",
        "p": nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.05),
        "mask": {"circular": {"radius": 0.1}},
    },
    {"weight": 1.0, "delay": 1.5},
)
t2 = time.perf_counter()
synapses = nest.GetKernelStatus("num_connections")
print(
    json.dumps(
        {
            "backend": a.backend,
            "n": side * side,
            "threads": a.threads,
            "create_s": round(t1 - t0, 3),
            "connect_s": round(t2 - t1, 3),
            "synapses": synapses,
            "ns_per_synapse": round(1e9 * (t2 - t1) / max(synapses, 1), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )
)
