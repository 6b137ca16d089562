#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: style checks, the C++
# GoogleTest suite (with the C++ example and the installed-package check), pytest
# (both Python APIs, units, errors, and the parity corpus), the live parity
# comparison against real NEST 3.10 (in its own venv, see nest_env.sh), and the
# sanitizer jobs (ASan+UBSan, TSan; scripts/sanitize.sh, docs/reliability.md).
# NESTKIT_SANITIZE=0 skips the sanitizer jobs (their trees build in the background while the
# normal suite runs; about 7 minutes more on 2 cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Each phase's header says the clock time and the minutes since the start, so a CI log shows
# where the time goes.
phase() { echo "== $* ($(date +%T), at $((SECONDS / 60))m$((SECONDS % 60))s)"; }
# One compiler name for every build: ccache keys on it, and the package build (pip, through
# scikit-build-core, which otherwise names Python's own CXX, usually g++) compiles the library with
# the very commands the C++ test tree uses, so the test tree takes the library's objects from the
# cache instead of compiling them a second time (about 4 minutes on 2 cores).
export CXX="${CXX:-g++}"
phase "setup: system packages, .venv, nestkit installed (builds the extension)"
source "$ROOT/scripts/setup.sh" test
cd "$ROOT"
export NESTKIT_PARITY_DIR="${NESTKIT_PARITY_DIR:-$ROOT/../shared/parity}"

phase "style: ruff, clang-format"
ruff check python tests examples benchmarks
ruff format --check python tests examples benchmarks
find include src python/src tests/cpp examples/cpp benchmarks -name '*.[ch]pp' -print0 |
  xargs -0 clang-format --dry-run --Werror

phase "C++: build and ctest"
cmake -S . -B build-tests -G Ninja -DCMAKE_BUILD_TYPE=Release -DNESTKIT_BUILD_TESTS=ON >/dev/null
cmake --build build-tests -j2
if [[ "${NESTKIT_SANITIZE:-1}" != 0 ]]; then
  # Both sanitizer trees build in the background, TSan's then ASan's, two jobs at the lowest
  # priority: they take whatever CPU ctest, the live comparison and pytest leave idle (one core
  # most of the time), and after pytest the rest at full speed; their tests run at the end.
  # setsid: its own process group, stopped with the script if this exits early.
  mkdir -p "$ROOT/build-san-thread"
  SAN_BUILD_LOG="$ROOT/build-san-thread/background-build.log"
  SAN_STEPS=build JOBS=2 nice -n 19 setsid -w bash -c \
    'bash "$1" thread && bash "$1" address,undefined' _ "$ROOT/scripts/sanitize.sh" >"$SAN_BUILD_LOG" 2>&1 &
  SAN_BUILD_PID=$!
  trap 'kill -- -"$SAN_BUILD_PID" 2>/dev/null || true' EXIT
fi
phase "C++: ctest"
ctest --test-dir build-tests --output-on-failure

phase "Live parity: NEST 3.10 and nestkit side by side (corpus, then the PyNEST-style scripts)"
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

phase "Python: pytest (APIs, units, errors, parity corpus)"
# Run from outside the source tree so that the installed package is tested. SIGINT at its default
# even where this script was started in the background (bash then ignores it, and Python would
# install no KeyboardInterrupt handler for the Ctrl-C test, reliability/test_run_failures.py).
(cd "$ROOT/tests" && env --default-signal=INT python -m pytest "$ROOT/tests/python" -q -p no:cacheprovider)

if [[ "${NESTKIT_SANITIZE:-1}" != 0 ]]; then
  phase "Sanitizers: ASan+UBSan, then TSan (separate build trees, reduced test sets; docs/reliability.md)"
  t0=$SECONDS
  wait "$SAN_BUILD_PID" || { cat "$SAN_BUILD_LOG"; echo "sanitizer build failed" >&2; exit 1; }
  trap - EXIT
  echo "== sanitizer trees built in the background:" $(grep '^== build' "$SAN_BUILD_LOG" | tr '\n' ' ') \
    "waited $((SECONDS - t0)) s for them"
  # Both trees are built: each run below reconfigures, finds nothing to build and tests. The TSan
  # tests (about 40 s, mostly one core) run beside the ASan+UBSan ones, whose Python set keeps
  # only one core busy for most of its time (the parity corpus); their log follows. (Started in
  # the background, the job has SIGINT ignored; sanitize.sh restores it for pytest, whose Ctrl-C
  # test needs it.)
  TSAN_TEST_LOG="$ROOT/build-san-thread/tests.log"
  setsid -w bash "$ROOT/scripts/sanitize.sh" thread >"$TSAN_TEST_LOG" 2>&1 &
  TSAN_TEST_PID=$!
  trap 'kill -- -"$TSAN_TEST_PID" 2>/dev/null || true' EXIT
  bash "$ROOT/scripts/sanitize.sh" address,undefined
  phase "TSan tests (ran beside the ASan+UBSan job)"
  tsan_status=0
  wait "$TSAN_TEST_PID" || tsan_status=$?
  trap - EXIT
  cat "$TSAN_TEST_LOG"
  ((tsan_status == 0)) || { echo "TSan job failed (exit $tsan_status)" >&2; exit 1; }
fi
