"""The facade's single kernel, shared by the modules of ``nestkit.nest``."""

from __future__ import annotations

from .. import _collections, _core
from .._hdf5_writer import Hdf5Writer

kernel = _core.Kernel()

# Writes the hdf5 recorders' rows to their files between Run's chunks (Prepare to Cleanup).
hdf5 = Hdf5Writer(kernel)

# NodeCollection([ids]) without a kernel (PyNEST's form) refers to this one.
_collections.set_default_kernel(kernel)
