#!/usr/bin/env bash
# NEST's Brunel benchmark (../shared/bench/brunel.py, PyNEST vocabulary) on
# nestkit.nest, 1 and 2 threads, plus the C++-only variant. One JSON line per run.
#   benchmarks/run_brunel.sh [order=2500] [simtime_ms=1000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORDER="${1:-2500}"
SIMTIME="${2:-1000}"
BENCH="${NESTKIT_BENCH_SCRIPT:-$ROOT/../shared/bench/brunel.py}"
cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNESTKIT_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$ROOT/build-bench" -j2 --target nestkit_brunel >/dev/null
for threads in 1 2; do
  python "$BENCH" --backend nestkit --order "$ORDER" --simtime "$SIMTIME" --threads "$threads"
  "$ROOT/build-bench/benchmarks/cpp/nestkit_brunel" "$ORDER" "$SIMTIME" "$threads"
done
