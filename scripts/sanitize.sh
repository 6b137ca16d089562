#!/usr/bin/env bash
# Sanitizer run (issue 18): builds a separate tree with -fsanitize=<list> and runs the
# C++ tests, then a reduced pytest set against the sanitized extension module.
#   scripts/sanitize.sh                      # address,undefined (default)
#   scripts/sanitize.sh thread               # TSan (threaded paths)
#   JOBS=1 scripts/sanitize.sh address,undefined
#   SAN_STEPS=build scripts/sanitize.sh thread   # configure and build only (CI builds ahead)
# The tree is build-san-<list>; nothing in build-dev or python/nestkit is touched.
#   address,undefined: every C++ test (but install_find_package, see below) and the
#     Python set tests/python/reliability (but test_memory), the parity corpus, and
#     test_determinism.
#   thread: the C++ tests that run more than one thread (TSAN_CPP_TESTS) and the Python
#     tests that do (TSAN_PY_TESTS).
# scripts/test.sh runs both after the normal suite (CI); docs/reliability.md has the figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SAN="${1:-address,undefined}"
JOBS="${JOBS:-2}"
TREE="$ROOT/build-san-${SAN//,/-}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
# -O0 and -g1 (line tables only): the sanitized build is what CI waits for; at -O0 it needs about
# two thirds of -O1's CPU time while the tests take about half a minute longer
# (docs/reliability.md), and reports still name file and line. SAN_OPT=-O1 for optimized code.
# Build type Debug with an empty CMAKE_CXX_FLAGS_DEBUG keeps exactly these flags
# (RelWithDebInfo would append -O2 -DNDEBUG), and assert() stays on.
OPT="${SAN_OPT:--O0}"
FLAGS="-fsanitize=$SAN -fno-omit-frame-pointer -g1 $OPT"
[[ "$SAN" == *undefined* ]] && FLAGS="$FLAGS -fno-sanitize-recover=undefined"

# The threaded tests: every C++ test that sets local_num_threads > 1 or passes a thread count
# to the connection rules; in Python, determinism and run failures (1 and 2 threads, the
# runaway guard inside a threaded update, the Ctrl-C timer thread), and one 1-vs-2-thread test
# for each other parallel path: gap/rate secondary events with waveform relaxation, driven
# (dopamine) synapses, spatial and pairwise_poisson connection.
TSAN_CPP_TESTS='Kernel.ChunkedSimulateGivesIdenticalEvents:Kernel.ThreadCountDoesNotChangeResults:Rules.ResultDoesNotDependOnTheThreadCount:SpatialConnect.MaskConnectionsMatchBruteForceAndThreads'
TSAN_PY_TESTS=(tests/python/test_determinism.py tests/python/reliability/test_run_failures.py
  tests/python/models/rate/test_rate_and_gap.py::test_chunked_runs_and_threads_give_identical_results
  tests/python/models/rate/test_rate_and_gap.py::test_gap_coupling_threads_identical
  tests/python/synapses/test_dopamine_synapse.py::test_all_to_all_two_threads_identical
  tests/python/spatial/test_threads_and_errors.py::test_one_and_two_threads_make_identical_connections
  tests/python/test_rules_poisson_symmetric.py::test_one_and_two_threads_identical)

case "$SAN" in
  *thread*)
    # nestkit_threaded_tests: the test files that hold TSAN_CPP_TESTS (tests/cpp/CMakeLists.txt).
    TARGETS=(nestkit_threaded_tests _core)
    PY_TESTS=("${TSAN_PY_TESTS[@]}")
    ;;
  *)
    TARGETS=(nestkit_tests nestkit_example _core)
    # install_find_package builds an unsanitized client against the installed (sanitized)
    # library, which cannot link; the normal suite checks the install.
    CTEST_ARGS=(--output-on-failure -j"$JOBS" -E install_find_package)
    # test_memory bounds resident memory, which ASan's quarantine and shadow make meaningless.
    PY_TESTS=(tests/python/reliability tests/python/parity/test_corpus.py tests/python/test_determinism.py
      --deselect tests/python/reliability/test_memory.py::test_resident_memory_flat_over_long_run)
    ;;
esac

# The extension is configured with the venv's nanobind (a build requirement only, so the
# normal install puts it in an isolated build environment, not in the venv).
"$PY" -c "import nanobind" 2>/dev/null || "$PY" -m pip install -q "nanobind>=2.4"

echo "== configure $TREE ($FLAGS) ($(date +%T))"
cmake -S "$ROOT" -B "$TREE" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG= \
  -DNESTKIT_BUILD_TESTS=ON -DNESTKIT_BUILD_PYTHON=ON -DPython_EXECUTABLE="$PY" \
  -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$SAN" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=$SAN" -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=$SAN" >/dev/null
t0=$SECONDS
# Only what the tests run (no benchmarks).
cmake --build "$TREE" -j"$JOBS" --target "${TARGETS[@]}"
echo "== build: $((SECONDS - t0)) s (done $(date +%T))"
[[ "${SAN_STEPS:-all}" == build ]] && exit 0

# The Python interpreter is not instrumented: the sanitizer runtime is preloaded into it (it
# is then the first library, as ASan requires, so no verify_asan_link_order=0 is needed).
# libstdc++ is preloaded with the runtime: python does not link it, and the runtime resolves
# the real functions it intercepts (__cxa_throw for ASan, the __cxa_guard_* for TSan) when it
# starts; without libstdc++ already loaded they are null and, for ASan, the first C++
# exception aborts with "CHECK failed: real___cxa_throw != 0".
case "$SAN" in
  *address*) RT="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so)" ;;
  *thread*) RT="$(gcc -print-file-name=libtsan.so):$(gcc -print-file-name=libstdc++.so)" ;;
  *) RT="$(gcc -print-file-name=libubsan.so)" ;;
esac
if [[ "$SAN" == *thread* ]]; then
  # libgomp is not TSan-instrumented: tests/sanitizers/gomp_tsan_annotations.cpp tells TSan
  # about the ordering of OpenMP's fork, barriers and join (built unsanitized, loaded after
  # libtsan). scripts/tsan.supp holds suppressions, if any.
  SHIM="$TREE/libgomp_tsan_annotations.so"
  # Linked against libgomp so that libgomp is in the global scope right after it (the
  # extension module loads its libgomp privately, where dlsym(RTLD_NEXT) would not see it).
  g++ -std=c++17 -O2 -shared -fPIC -o "$SHIM" "$ROOT/tests/sanitizers/gomp_tsan_annotations.cpp" -ldl \
    -Wl,--no-as-needed -lgomp
  RT="$RT:$SHIM"
fi

# Leaks are checked in the C++ tests only (the interpreter keeps much alive at exit).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
[[ -f "$ROOT/scripts/tsan.supp" ]] && TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$ROOT/scripts/tsan.supp"
t0=$SECONDS
if [[ "$SAN" == *thread* ]]; then
  # One gtest process with the annotations preloaded (not ctest, which would preload them too).
  # Every test the filter names must be in the binary (a filter that matches nothing passes).
  listed=$("$TREE/tests/cpp/nestkit_threaded_tests" --gtest_filter="$TSAN_CPP_TESTS" --gtest_list_tests | grep -c '^  ')
  [[ "$listed" == "$(tr ':' '\n' <<<"$TSAN_CPP_TESTS" | wc -l)" ]] ||
    { echo "nestkit_threaded_tests has $listed of the tests in TSAN_CPP_TESTS" >&2; exit 1; }
  LD_PRELOAD="$RT" "$TREE/tests/cpp/nestkit_threaded_tests" --gtest_filter="$TSAN_CPP_TESTS"
else
  ctest --test-dir "$TREE" "${CTEST_ARGS[@]}"
fi
echo "== C++ tests: $((SECONDS - t0)) s (done $(date +%T))"

PKG="$TREE/pypkg"
rm -rf "$PKG" && mkdir -p "$PKG"
cp -r "$ROOT/python/nestkit" "$PKG/"
rm -f "$PKG"/nestkit/_core*.so
cp "$TREE"/_core*.so "$PKG/nestkit/"
t0=$SECONDS
# --capture=sys: a sanitizer report is written to fd 2 just before the process aborts; with
# pytest's default fd capture it would be lost. --basetemp: the tree's own temporary folder, so
# that this session and another pytest running at the same time (scripts/test.sh runs the TSan
# and ASan sets side by side) never share or clean up each other's. env --default-signal=INT:
# started in the background, bash ignores SIGINT, Python then installs no KeyboardInterrupt
# handler and the Ctrl-C test (test_run_failures.py) would never stop its Simulate(1e7).
(cd "$ROOT" && env --default-signal=INT ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}" LD_PRELOAD="$RT" \
  PYTHONPATH="$PKG" NESTKIT_FUZZ_EXAMPLES="${NESTKIT_FUZZ_EXAMPLES:-100}" \
  NESTKIT_PARITY_DIR="${NESTKIT_PARITY_DIR:-$ROOT/../shared/parity}" \
  "$PY" -m pytest -q -p no:cacheprovider --capture=sys --basetemp="$TREE/pytest-tmp" "${PY_TESTS[@]}")
echo "== Python (reduced set): $((SECONDS - t0)) s (done $(date +%T))"
