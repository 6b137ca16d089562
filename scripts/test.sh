#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: style checks, the C++
# GoogleTest suite (with the C++ example and the installed-package check), pytest
# (both Python APIs, units, errors, and the parity corpus), the live parity
# comparison against real NEST 3.10 (in its own venv, see nest_env.sh), and the
# sanitizer jobs (ASan+UBSan, TSan; scripts/sanitize.sh, docs/reliability.md).
# NESTKIT_SANITIZE=0 skips the sanitizer jobs (about 9 to 12 minutes more on
# 2 cores; the TSan tree builds in the background while the normal suite runs).
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
if [[ "${NESTKIT_SANITIZE:-1}" != 0 ]]; then
  # The TSan tree builds in the background, one job at the lowest priority, on the core that
  # ctest, the live comparison and pytest leave idle; its tests run at the end. setsid: its own
  # process group, stopped with the script if this exits early.
  mkdir -p "$ROOT/build-san-thread"
  TSAN_BUILD_LOG="$ROOT/build-san-thread/background-build.log"
  SAN_STEPS=build JOBS=1 nice -n 19 setsid -w bash "$ROOT/scripts/sanitize.sh" thread >"$TSAN_BUILD_LOG" 2>&1 &
  TSAN_BUILD_PID=$!
  trap 'kill -- -"$TSAN_BUILD_PID" 2>/dev/null || true' EXIT
fi
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
(cd "$ROOT/tests" && python -m pytest "$ROOT/tests/python" -q -p no:cacheprovider)

if [[ "${NESTKIT_SANITIZE:-1}" != 0 ]]; then
  echo "== Sanitizers: ASan+UBSan, then TSan (separate build trees, reduced test sets; docs/reliability.md)"
  bash "$ROOT/scripts/sanitize.sh" address,undefined
  t0=$SECONDS
  wait "$TSAN_BUILD_PID" || { cat "$TSAN_BUILD_LOG"; echo "TSan build failed" >&2; exit 1; }
  trap - EXIT
  echo "== TSan tree built in the background ($(grep '^== build' "$TSAN_BUILD_LOG")), waited $((SECONDS - t0)) s for it"
  bash "$ROOT/scripts/sanitize.sh" thread
fi
