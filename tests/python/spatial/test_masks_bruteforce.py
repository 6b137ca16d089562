"""Masks against brute-force geometric membership (tests/python/spatial/geometry.py)
on random points: 2-D and 3-D, rotated, anchored, combined, with edge_wrap; and
mask connections (p = 1) against the same membership of each pair's displacement."""

import geometry
import numpy as np
import pytest

MASKS_2D = [
    {"circular": {"radius": 0.2}},
    {"circular": {"radius": 0.15, "anchor": [0.1, -0.05]}},
    {"rectangular": {"lower_left": [-0.2, -0.1], "upper_right": [0.1, 0.25]}},
    {"rectangular": {"lower_left": [-0.2, -0.1], "upper_right": [0.1, 0.25], "azimuth_angle": 37.0}},
    {"rectangular": {"lower_left": [-0.1, -0.1], "upper_right": [0.1, 0.1]}, "anchor": [0.15, 0.2]},
    {"elliptical": {"major_axis": 0.5, "minor_axis": 0.2}},
    {"elliptical": {"major_axis": 0.45, "minor_axis": 0.15, "azimuth_angle": 110.0, "anchor": [-0.05, 0.1]}},
    {"doughnut": {"inner_radius": 0.1, "outer_radius": 0.25, "anchor": [0.02, 0.0]}},
]
MASKS_3D = [
    {"spherical": {"radius": 0.25, "anchor": [0.0, 0.1, -0.1]}},
    {"box": {"lower_left": [-0.2, -0.1, -0.15], "upper_right": [0.1, 0.2, 0.15]}},
    {
        "box": {
            "lower_left": [-0.2, -0.1, -0.15],
            "upper_right": [0.1, 0.2, 0.15],
            "azimuth_angle": 50.0,
            "polar_angle": 30.0,
        }
    },
    {
        "ellipsoidal": {
            "major_axis": 0.5,
            "minor_axis": 0.3,
            "polar_axis": 0.2,
            "azimuth_angle": 15.0,
            "polar_angle": 65.0,
        }
    },
]


def _layer(nest, seed, n, dim, edge_wrap):
    pts = np.random.RandomState(seed).uniform(-0.5, 0.5, size=(n, dim))
    layer = nest.Create(
        "iaf_psc_alpha", positions=nest.spatial.free(pts.tolist(), extent=[1.0] * dim, edge_wrap=edge_wrap)
    )
    return layer, np.array(nest.GetPosition(layer))


@pytest.mark.parametrize("edge_wrap", [False, True])
@pytest.mark.parametrize("mask", MASKS_2D + MASKS_3D, ids=lambda m: next(k for k in m if k != "anchor"))
def test_select_nodes_by_mask_matches_geometry(nest, mask, edge_wrap):
    dim = 3 if next(k for k in mask if k != "anchor") in ("spherical", "box", "ellipsoidal") else 2
    layer, pos = _layer(nest, 11, 400, dim, edge_wrap)
    m = dict(mask)
    anchor_top = m.pop("anchor", None)
    ((kind, spec),) = m.items()
    mask_obj = nest.CreateMask(kind, spec, anchor=anchor_top)
    for centre in ([0.0] * dim, [0.42] * dim, [-0.45, 0.3, 0.1][:dim]):
        got = np.array(nest.SelectNodesByMask(layer, centre, mask_obj).tolist()) - layer[0].global_id
        d = pos - np.asarray(centre)
        want = geometry.inside_periodic(mask, d, [1.0] * dim) if edge_wrap else geometry.inside(mask, d)
        assert got.tolist() == np.flatnonzero(want).tolist()
        assert mask_obj.Inside(d[0].tolist()) == bool(geometry.inside(mask, d[:1])[0])


def test_set_operations_match_geometry(nest):
    layer, pos = _layer(nest, 5, 500, 2, False)
    circ = {"circular": {"radius": 0.3}}
    rect = {"rectangular": {"lower_left": [-0.1, -0.4], "upper_right": [0.35, 0.05], "azimuth_angle": 10.0}}
    a, b = nest.CreateMask("circular", circ["circular"]), nest.CreateMask("rectangular", rect["rectangular"])
    ia, ib = geometry.inside(circ, pos), geometry.inside(rect, pos)
    for mask, want in [(a & b, ia & ib), (a | b, ia | ib), (a - b, ia & ~ib), (b - a, ib & ~ia)]:
        got = np.array(nest.SelectNodesByMask(layer, [0.0, 0.0], mask).tolist()) - layer[0].global_id
        assert got.tolist() == np.flatnonzero(want).tolist()


@pytest.mark.parametrize("use_on_source", [False, True])
@pytest.mark.parametrize("edge_wrap", [False, True])
@pytest.mark.parametrize(
    "mask",
    [MASKS_2D[1], MASKS_2D[3], MASKS_2D[6], MASKS_2D[7], MASKS_3D[2], MASKS_3D[3]],
    ids=["circ", "rect_rot", "ellip_rot", "donut", "box_rot", "ellipsoid"],
)
def test_mask_connections_match_geometry(nest, mask, edge_wrap, use_on_source):
    """Target-centred (default): s -> t when the mask holds t - s; use_on_source: when it holds s - t."""
    dim = 3 if ("box" in mask or "ellipsoidal" in mask) else 2
    src, spos = _layer(nest, 21, 150, dim, edge_wrap)
    tgt, tpos = _layer(nest, 22, 120, dim, edge_wrap)
    nest.Connect(src, tgt, {"rule": "pairwise_bernoulli", "mask": mask, "use_on_source": use_on_source})
    c = nest.GetConnections(src, tgt)
    got = sorted(zip(c.get("source"), c.get("target")))
    want = []
    for j, t in enumerate(tpos):
        d = (spos - t) if use_on_source else (t - spos)
        hit = geometry.inside_periodic(mask, d, [1.0] * dim) if edge_wrap else geometry.inside(mask, d)
        want += [(src[0].global_id + i, tgt[0].global_id + j) for i in np.flatnonzero(hit)]
    assert got == sorted(want)
    assert len(got) > 0
