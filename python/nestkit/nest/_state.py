"""The facade's single kernel, shared by the modules of ``nestkit.nest``."""

from __future__ import annotations

from .. import _collections, _core

kernel = _core.Kernel()

# NodeCollection([ids]) without a kernel (PyNEST's form) refers to this one.
_collections.set_default_kernel(kernel)
