"""Shared fixtures for the API test suites (tests/python/test_*.py).

Nothing here is autouse, so the suites under models/ and parity/ are unaffected.
"""

import os
import subprocess
from pathlib import Path

import nestkit.nest as _nest
import pytest


@pytest.fixture
def nest():
    """The PyNEST facade with a freshly reset kernel (reset again afterwards)."""
    _nest.ResetKernel()
    yield _nest
    _nest.ResetKernel()


@pytest.fixture(scope="session")
def nest_package() -> Path:
    """The installed `nest` package of the NEST 3.10 environment (scripts/nest_env.sh exports
    NEST_PYTHON): its examples and test suite are read from there, never copied into the repo."""
    root = Path(__file__).resolve().parents[2]
    nest_python = Path(os.environ.get("NEST_PYTHON", root / ".nest310" / "bin" / "python"))
    if not nest_python.is_file():
        pytest.fail(f"NEST 3.10 not found at {nest_python}: run `source scripts/nest_env.sh` (exports NEST_PYTHON)")
    purelib = subprocess.run(
        [str(nest_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return Path(purelib) / "nest"
