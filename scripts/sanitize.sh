#!/usr/bin/env bash
# Sanitizer run (issue 18): builds a separate tree with -fsanitize=<list> and runs the
# C++ tests, then a reduced pytest set against the sanitized extension module.
#   scripts/sanitize.sh                      # address,undefined (default)
#   scripts/sanitize.sh thread               # TSan (threaded paths)
#   JOBS=4 scripts/sanitize.sh address,undefined
# The tree is build-san-<list>; nothing in build-dev or python/nestkit is touched.
# Reduced Python set: tests/python/reliability, the parity corpus, test_determinism.
# TSan note: libgomp is not TSan-instrumented, so OpenMP barriers can give false reports;
# suppressions go in scripts/tsan.supp if needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SAN="${1:-address,undefined}"
JOBS="${JOBS:-2}"
TREE="$ROOT/build-san-${SAN//,/-}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
FLAGS="-fsanitize=$SAN -fno-omit-frame-pointer -g -O1"
[[ "$SAN" == *undefined* ]] && FLAGS="$FLAGS -fno-sanitize-recover=undefined"

echo "== configure $TREE ($FLAGS)"
cmake -S "$ROOT" -B "$TREE" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNESTKIT_BUILD_TESTS=ON -DNESTKIT_BUILD_PYTHON=ON -DPython_EXECUTABLE="$PY" \
  -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$SAN" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=$SAN" -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=$SAN" >/dev/null
t0=$SECONDS
cmake --build "$TREE" -j"$JOBS"
echo "== build: $((SECONDS - t0)) s"

export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1${TSAN_SUPP:+:suppressions=$TSAN_SUPP}"
t0=$SECONDS
ctest --test-dir "$TREE" --output-on-failure
echo "== C++ tests: $((SECONDS - t0)) s"

# The Python interpreter is not instrumented: preload the sanitizer runtime.
case "$SAN" in
  *address*) RT="$(gcc -print-file-name=libasan.so)" ;;
  *thread*) RT="$(gcc -print-file-name=libtsan.so)" ;;
  *) RT="$(gcc -print-file-name=libubsan.so)" ;;
esac
PKG="$TREE/pypkg"
rm -rf "$PKG" && mkdir -p "$PKG"
cp -r "$ROOT/python/nestkit" "$PKG/"
rm -f "$PKG"/nestkit/_core*.so
cp "$TREE"/_core*.so "$PKG/nestkit/"
t0=$SECONDS
(cd /tmp && LD_PRELOAD="$RT" PYTHONPATH="$PKG" NESTKIT_FUZZ_EXAMPLES="${NESTKIT_FUZZ_EXAMPLES:-100}" \
  NESTKIT_PARITY_DIR="${NESTKIT_PARITY_DIR:-$ROOT/../shared/parity}" \
  "$PY" -m pytest -q -p no:cacheprovider \
  "$ROOT/tests/python/reliability" "$ROOT/tests/python/parity/test_corpus.py" "$ROOT/tests/python/test_determinism.py")
echo "== Python (reduced set): $((SECONDS - t0)) s"
