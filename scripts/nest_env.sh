#!/usr/bin/env bash
# A separate virtual environment with real NEST 3.10 for the live parity comparison
# (python -m nestkit.parity live --nest-python "$NEST_PYTHON"). NEST never shares
# nestkit's .venv: the live mode runs it by interpreter path.
# Usage: source scripts/nest_env.sh   (or: bash scripts/nest_env.sh)
# The environment lives at $NESTKIT_NEST_VENV (default: $ROOT/.nest310); it is created
# if missing and left alone when it already has the packages (a check that takes well
# under a second). Exports NESTKIT_NEST_VENV and NEST_PYTHON (its interpreter).
_nest_env_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NESTKIT_NEST_VENV="${NESTKIT_NEST_VENV:-$_nest_env_root/.nest310}"
NEST_PYTHON="$NESTKIT_NEST_VENV/bin/python"
unset _nest_env_root

# Reads the installed packages' metadata only: importing nest would take seconds.
_nest_env_ready() {
  [[ -x "$NEST_PYTHON" ]] && "$NEST_PYTHON" - 2>/dev/null <<'PY'
from importlib.metadata import version

assert version("nest-simulator") == "3.10.0"
for name in ("numpy", "scipy", "matplotlib", "pandas", "ipython", "requests"):
    version(name)
PY
}

_nest_env_create() {
  echo "== creating the NEST 3.10 environment in $NESTKIT_NEST_VENV"
  if [[ ! -x "$NEST_PYTHON" ]]; then
    python3 -m venv "$NESTKIT_NEST_VENV" || return 1
  fi
  "$NEST_PYTHON" -m pip install -q --upgrade pip >/dev/null || return 1
  "$NEST_PYTHON" -m pip install -q nest-simulator==3.10.0 numpy scipy matplotlib pandas ipython requests || return 1
  _nest_env_ready && "$NEST_PYTHON" -c "import nest" >/dev/null 2>&1
}

if ! _nest_env_ready && ! _nest_env_create; then
  echo "nest_env.sh: no usable NEST 3.10 environment in $NESTKIT_NEST_VENV" >&2
  unset -f _nest_env_ready _nest_env_create
  return 1 2>/dev/null || exit 1
fi
unset -f _nest_env_ready _nest_env_create
export NESTKIT_NEST_VENV NEST_PYTHON
