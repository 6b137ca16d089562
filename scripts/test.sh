#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: style checks, the C++
# GoogleTest suite (with the C++ example and the installed-package check), pytest
# (both Python APIs, units, errors, and the parity corpus), and the live parity
# comparison against real NEST 3.10 (in its own venv, see nest_env.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh" test
cd "$ROOT"
export NESTKIT_PARITY_DIR="${NESTKIT_PARITY_DIR:-$ROOT/../shared/parity}"

echo "== style: ruff, clang-format"
ruff check python tests examples benchmarks
ruff format --check python tests examples benchmarks
find include src python/src tests/cpp examples/cpp benchmarks -name '*.[ch]pp' -print0 |
  xargs -0 clang-format --dry-run --Werror

echo "== C++: build and ctest"
cmake -S . -B build-tests -G Ninja -DCMAKE_BUILD_TYPE=Release -DNESTKIT_BUILD_TESTS=ON >/dev/null
cmake --build build-tests -j2
ctest --test-dir build-tests --output-on-failure

echo "== Live parity: NEST 3.10 and nestkit side by side (corpus, then the PyNEST-style scripts)"
# Real NEST runs from its own venv (created once, see nest_env.sh). The stored references (pytest) stay
# the authority; here every case runs on NEST too, so nestkit is also checked against NEST itself and
# a stored reference that NEST no longer reproduces is reported as a NOTE. The whole corpus, category
# D over all its seeds included, takes about 15 s on a 2-core machine, so all of it runs live; the
# timeouts only bound a hang (each case and side also has its own --case-timeout). It runs before
# pytest so that pytest's summary closes the log.
source "$ROOT/scripts/nest_env.sh"
timeout 300 python -m nestkit.parity live --nest-python "$NEST_PYTHON" --case-timeout 120 \
  --scenarios "$NESTKIT_PARITY_DIR/scenarios" --reference "$NESTKIT_PARITY_DIR/reference"
timeout 300 python -m nestkit.parity live --nest-python "$NEST_PYTHON" --case-timeout 120 \
  --script "$ROOT"/tests/python/parity/live_scripts/*.py

echo "== Python: pytest (APIs, units, errors, parity corpus)"
# Run from outside the source tree so that the installed package is tested.
cd "$ROOT/tests" && python -m pytest "$ROOT/tests/python" -q -p no:cacheprovider
