#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: style checks, the C++
# GoogleTest suite (with the C++ example and the installed-package check), and
# pytest (both Python APIs, units, errors, and the parity corpus).
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

echo "== Python: pytest (APIs, units, errors, parity corpus)"
# Run from outside the source tree so that the installed package is tested.
cd "$ROOT/tests" && python -m pytest "$ROOT/tests/python" -q -p no:cacheprovider
