#!/usr/bin/env bash
# Sets up a fresh machine for nestkit: system packages (when run as root and
# missing), a virtual environment in .venv, and nestkit installed into it.
# Usage: source scripts/setup.sh [extras]   (extras: demo, test)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-demo}"

need_apt=()
command -v g++ >/dev/null || need_apt+=(g++)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v ninja >/dev/null || need_apt+=(ninja-build)
command -v ccache >/dev/null || need_apt+=(ccache)
if [[ "$EXTRAS" == *test* ]]; then
  [[ -f /usr/include/gtest/gtest.h ]] || need_apt+=(libgtest-dev)
  [[ -f /usr/include/gsl/gsl_odeiv.h ]] || need_apt+=(libgsl-dev)
  # MPI: the build finds it and runs distributed (tests/python/distributed under mpirun).
  command -v mpicxx >/dev/null || need_apt+=(libopenmpi-dev)
  command -v mpirun >/dev/null || need_apt+=(openmpi-bin)
  # The documentation site's C++ reference (docs/_ext/nestkit_site.py runs doxygen).
  command -v doxygen >/dev/null || need_apt+=(doxygen)
  # Graphviz renders nest.visualization.plot_network's graphs (tests/python/facade/test_visualization.py).
  command -v dot >/dev/null || need_apt+=(graphviz)
  # Sanitizer runtimes (scripts/sanitize.sh): gcc prints the bare name when it has none.
  if command -v gcc >/dev/null; then
    for rt in libasan.so libubsan.so libtsan.so; do
      [[ "$(gcc -print-file-name=$rt)" == /* ]] || { need_apt+=("libgcc-$(gcc -dumpversion | cut -d. -f1)-dev"); break; }
    done
  fi
fi
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "please install: ${need_apt[*]}" >&2
    exit 1
  fi
fi

if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
  python3 -m venv "$ROOT/.venv"
fi
# shellcheck disable=SC1091
source "$ROOT/.venv/bin/activate"
python -m pip install -q --upgrade pip >/dev/null
python -m pip install -q "$ROOT[$EXTRAS]"
