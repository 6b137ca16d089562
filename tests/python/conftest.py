"""Shared fixtures for the API test suites (tests/python/test_*.py).

Nothing here is autouse, so the suites under models/ and parity/ are unaffected.
"""

import nestkit.nest as _nest
import pytest


@pytest.fixture
def nest():
    """The PyNEST facade with a freshly reset kernel (reset again afterwards)."""
    _nest.ResetKernel()
    yield _nest
    _nest.ResetKernel()
