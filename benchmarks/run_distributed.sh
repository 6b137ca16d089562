#!/usr/bin/env bash
# Brunel (../shared/bench/brunel.py) split as 1x2 and 2x1 ranks x threads on nestkit, beside
# NEST 3.10 with 2 threads (its PyPI wheel has no MPI), alternating, one JSON line per run
# and rank. Figures: benchmarks/README.md ("Distributed").
#   benchmarks/run_distributed.sh [orders="2500 5000"] [simtime_ms=1000] [repeats=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORDERS="${1:-2500 5000}"
SIMTIME="${2:-1000}"
REPEATS="${3:-2}"
BENCH="${NESTKIT_BENCH_SCRIPT:-$ROOT/../shared/bench/brunel.py}"
NEST_PYTHON="${NEST_PYTHON:-$ROOT/../nest310/bin/python}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for order in $ORDERS; do
  for _ in $(seq "$REPEATS"); do
    [[ -x "$NEST_PYTHON" ]] && "$NEST_PYTHON" "$BENCH" --backend nest --order "$order" --simtime "$SIMTIME" --threads 2
    python "$ROOT/benchmarks/brunel_distributed.py" "$BENCH" --order "$order" --simtime "$SIMTIME" --threads 2
    mpirun -np 2 --bind-to none python "$ROOT/benchmarks/brunel_distributed.py" "$BENCH" --order "$order" \
      --simtime "$SIMTIME" --threads 1
  done
done
