"""Fixtures for the facade tests: a fresh kernel, default verbosity, deprecation notices re-armed."""

import matplotlib
import nestkit.nest as _nest
import pytest
from nestkit.nest import _info

matplotlib.use("Agg")


@pytest.fixture
def nest():
    _nest.ResetKernel()
    _info.set_level(_info.VerbosityLevel.INFO)
    _info._deprecation_issued.clear()
    yield _nest
    _nest.ResetKernel()
    _info.set_level(_info.VerbosityLevel.INFO)
    _info._deprecation_issued.clear()
