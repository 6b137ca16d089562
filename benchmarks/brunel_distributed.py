#!/usr/bin/env python3
"""NEST's Brunel benchmark (../shared/bench/brunel.py) run unchanged on nestkit.nest, under
mpirun or alone, then this rank's MPI figures: one JSON line per rank with the benchmark's
own line folded in, plus the rank, the split and the seconds spent in the spike exchange.

usage: [mpirun -np R] python brunel_distributed.py BENCH_SCRIPT [brunel.py options]
(--backend nestkit is implied; the recorder of 50 neurons is local per rank, so the rates
of the ranks' lines add up to the network's.)"""

import contextlib
import io
import json
import runpy
import sys

bench, args = sys.argv[1], sys.argv[2:]
sys.argv = [bench, "--backend", "nestkit", *args]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    runpy.run_path(bench, run_name="__main__")
import nestkit.nest as nest  # noqa: E402  (the module the benchmark used)

line = json.loads(out.getvalue().strip().splitlines()[-1])
status = nest.GetKernelStatus()
line.update(
    rank=nest.Rank(),
    ranks=nest.NumProcesses(),
    threads=status["local_num_threads"],
    exchange_s=round(status["time_communicate_spike_data"], 3),
)
print(json.dumps(line), flush=True)
