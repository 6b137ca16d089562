"""Optional dependencies (Neo, h5py, pandas, matplotlib): imported when a feature needs them."""

from __future__ import annotations

import importlib


def require(module: str, feature: str, package: str | None = None):
    """The imported module, or an ImportError that names the feature and the package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        name = package or module
        raise ImportError(
            f"{feature} needs the optional package '{name}', which is not installed: pip install {name}"
        ) from e
