#!/usr/bin/env bash
# Scaling series of the Brunel network (C++ variant): time and memory against
# synapse count for orders 500, 1000, 2500, 5000, on 1 and 2 threads.
#   benchmarks/run_scaling.sh [simtime_ms=1000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIMTIME="${1:-1000}"
cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNESTKIT_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$ROOT/build-bench" -j2 --target nestkit_brunel >/dev/null
for order in 500 1000 2500 5000; do
  for threads in 1 2; do
    "$ROOT/build-bench/benchmarks/cpp/nestkit_brunel" "$order" "$SIMTIME" "$threads"
  done
done
