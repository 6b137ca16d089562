"""``nest.spatial``: node positions (grid, free) and spatial parameters.

``grid`` and ``free`` describe where the nodes of ``nest.Create(model, positions=...)``
lie; the positions themselves are computed and kept by nestkit's C++ core. The
parameters (``distance``, ``source_pos``, ``target_pos``) are evaluated by the core
for each connection of a spatial ``Connect``: distances run from the source to the
target, wrapped in layers with ``edge_wrap``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..parameters import Parameter

__all__ = ["grid", "free", "pos", "source_pos", "target_pos", "distance"]


class grid:  # noqa: N801 - PyNEST's name
    """Nodes on a regular grid: ``shape`` (2 or 3 entries), optional ``center`` and
    ``extent`` (default: centre 0, extent 1 per dimension), ``edge_wrap`` for
    periodic boundaries."""

    def __init__(self, shape, center=None, extent=None, edge_wrap=False):
        self.shape = shape
        self.center = center
        self.extent = extent
        self.edge_wrap = edge_wrap


class free:  # noqa: N801 - PyNEST's name
    """Nodes at free positions: an array of 2-D or 3-D positions, a list of one
    Parameter per dimension, or one Parameter drawn for every dimension (then give
    ``num_dimensions`` or ``extent``, and ``n`` to Create)."""

    def __init__(self, pos, extent=None, edge_wrap=False, num_dimensions=None):
        if extent is not None and num_dimensions:
            raise TypeError("extent and number of dimensions cannot be specified at the same time")
        if isinstance(pos, (list, tuple, np.ndarray)):
            if num_dimensions:
                raise TypeError("number of dimensions cannot be specified when using an array of positions")
            if len(pos) and all(isinstance(d, Parameter) for d in pos):
                if len(pos) not in (2, 3):
                    raise ValueError("Number of dimensions must be 2 or 3")
                self.pos = list(pos)
            else:
                self.pos = pos
        elif isinstance(pos, Parameter):
            if extent is not None:
                num_dimensions = len(extent)
            if not num_dimensions:
                raise TypeError(
                    "could not infer number of dimensions. Set num_dimensions or extent when using Parameter as pos"
                )
            if num_dimensions not in (2, 3):
                raise ValueError("Number of dimensions must be 2 or 3")
            self.pos = [pos] * num_dimensions
        else:
            raise TypeError("pos must be either an array of positions, or a Parameter")
        self.extent = extent
        self.edge_wrap = edge_wrap

    @property
    def _random(self) -> bool:
        return isinstance(self.pos, list) and bool(self.pos) and all(isinstance(d, Parameter) for d in self.pos)


def _axis(dimension, low, high, what):
    if not isinstance(dimension, numbers.Integral) or not low <= dimension <= high:
        raise ValueError(f"{what}: dimension must be an integer in [{low}, {high}], got {dimension!r}")
    return float(dimension)


class DistanceParameter(Parameter):
    """The distance between source and target of a connection (``.x``, ``.y``,
    ``.z``: the absolute displacement along one axis)."""

    __slots__ = ()

    def __init__(self):
        super().__init__(("distance", 0.0))

    @property
    def x(self):
        return Parameter(("distance", 1.0))

    @property
    def y(self):
        return Parameter(("distance", 2.0))

    @property
    def z(self):
        return Parameter(("distance", 3.0))

    @staticmethod
    def n(dimension):
        """The absolute displacement along axis ``dimension`` (0 = x)."""
        return Parameter(("distance", _axis(dimension, 0, 2, "distance.n") + 1.0))


distance = DistanceParameter()


class _Endpoint:
    def __init__(self, kind):
        self._kind = kind

    @property
    def x(self):
        return Parameter((self._kind, 0.0))

    @property
    def y(self):
        return Parameter((self._kind, 1.0))

    @property
    def z(self):
        return Parameter((self._kind, 2.0))

    def n(self, dimension):
        return Parameter((self._kind, _axis(dimension, 0, 2, f"{self._kind}.n")))


source_pos = _Endpoint("source_pos")
target_pos = _Endpoint("target_pos")


class _NodePos:
    """``nest.spatial.pos``: a node's own position as a node parameter value (Create with
    positions, or set on nodes of a layer), e.g. ``layer.V_m = -70.0 + 10.0 * nest.spatial.pos.x``."""

    @property
    def x(self):
        return Parameter(("node_pos", 0.0))

    @property
    def y(self):
        return Parameter(("node_pos", 1.0))

    @property
    def z(self):
        return Parameter(("node_pos", 2.0))

    def n(self, dimension):
        return Parameter(("node_pos", _axis(dimension, 0, 2, "pos.n")))


pos = _NodePos()
