"""Peak memory of building a fixed_indegree network, run by test_connect_mpi.py.

Usage: build_memory.py N INDEGREE OUT_DIR. Each rank writes OUT_DIR/<rank>.json:
[peak growth in kB during Connect, num_connections]."""

import json
import sys
from pathlib import Path

import nestkit.nest as nest


def peak_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))


n, indegree = int(sys.argv[1]), int(sys.argv[2])
nest.ResetKernel()
nest.verbosity = nest.VerbosityLevel.ERROR
pop = nest.Create("iaf_psc_alpha", n)
nest.GetKernelStatus()
start = peak_kb()
# Random weights and delays: 14 bytes per synapse in the store, more while it is built.
nest.Connect(
    pop,
    pop,
    {"rule": "fixed_indegree", "indegree": indegree},
    {"weight": nest.random.uniform(0.0, 1.0), "delay": nest.random.uniform(1.0, 2.0)},
)
nest.Simulate(0.1)  # the connections are finalised
grown = peak_kb() - start
Path(sys.argv[3], f"{nest.Rank()}.json").write_text(json.dumps([grown, nest.GetKernelStatus("num_connections")]))
