"""Grid masks ({"grid": {"shape": [columns, rows]}, "anchor": [column, row]}) against their
definition on grid cells: a pair is in the mask when the cell offset (columns to the right and
rows downwards) lies in [-anchor, shape - anchor); the offset is the target's from the source for
target-centred rules, the source's from the target when the mask is used on the sources
(use_on_source, fixed_indegree), as NEST's MaskedLayer places the mask. NEST 3.10.0 made the
same pairs for every case here (checked live when this was written: 135, 144 and 132 pairs
without wrap, 180 with)."""

import nestkit.nest as nest
import numpy as np
import pytest

SHAPE, EXTENT = (6, 5), (1.2, 1.0)


def _cells(layer):
    """Column and row of every node, from its position (rows count downwards, as NEST's)."""
    pos = np.array(nest.GetPosition(layer))
    dx, dy = EXTENT[0] / SHAPE[0], EXTENT[1] / SHAPE[1]
    col = np.rint((pos[:, 0] - pos[:, 0].min()) / dx).astype(int)
    row = np.rint((pos[:, 1].max() - pos[:, 1]) / dy).astype(int)
    return dict(zip(layer.tolist(), zip(col, row)))


def _expected(pre, post, shape, anchor, wrap, on_source=False):
    cs, ct = _cells(pre), _cells(post)
    pairs = []
    for s, (c0, r0) in cs.items():
        for t, (c1, r1) in ct.items():
            dc, dr = (c0 - c1, r0 - r1) if on_source else (c1 - c0, r1 - r0)
            if wrap:  # the nearest periodic image
                dc = (dc + SHAPE[0] // 2) % SHAPE[0] - SHAPE[0] // 2
                dr = (dr + SHAPE[1] // 2) % SHAPE[1] - SHAPE[1] // 2
            if -anchor[0] <= dc < shape[0] - anchor[0] and -anchor[1] <= dr < shape[1] - anchor[1]:
                pairs.append((s, t))
    return sorted(pairs)


def _layers(wrap):
    nest.ResetKernel()
    grid = nest.spatial.grid(shape=list(SHAPE), extent=list(EXTENT), edge_wrap=wrap)
    return nest.Create("iaf_psc_alpha", positions=grid), nest.Create("iaf_psc_alpha", positions=grid)


@pytest.mark.parametrize("wrap", [False, True])
@pytest.mark.parametrize("use_on_source", [False, True])
@pytest.mark.parametrize("shape, anchor", [((3, 2), None), ((3, 2), (1, 0)), ((2, 3), (0, 2)), ((1, 1), None)])
def test_pairs_are_the_cells_the_mask_covers(wrap, use_on_source, shape, anchor):
    pre, post = _layers(wrap)
    mask = {"grid": {"shape": list(shape)}}
    if anchor is not None:
        mask["anchor"] = list(anchor)
    nest.Connect(pre, post, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask, "use_on_source": use_on_source})
    c = nest.GetConnections()
    got = sorted(zip(c.get("source"), c.get("target")))
    assert got == _expected(pre, post, shape, anchor or (0, 0), wrap, use_on_source)


def test_fixed_indegree_draws_only_inside_the_mask():
    pre, post = _layers(False)
    nest.Connect(pre, post, {"rule": "fixed_indegree", "indegree": 4, "mask": {"grid": {"shape": [3, 2]}}})
    c = nest.GetConnections()
    allowed = set(_expected(pre, post, (3, 2), (0, 0), False, on_source=True))
    pairs = list(zip(c.get("source"), c.get("target")))
    assert len(pairs) == 4 * len(post) and set(pairs) <= allowed


def test_select_nodes_by_mask_counts_grid_cells_from_the_anchor_position():
    layer, _ = _layers(False)
    selected = nest.SelectNodesByMask(
        layer, list(nest.GetPosition(layer[7])), nest.CreateMask("grid", {"shape": [2, 2]})
    )
    cells = _cells(layer)
    c0, r0 = cells[layer[7].tolist()[0]]
    assert sorted(cells[n] for n in selected.tolist()) == sorted((c0 + dc, r0 + dr) for dc in (0, 1) for dr in (0, 1))


def test_bad_uses_are_refused_and_nothing_is_connected():
    pre, post = _layers(True)
    free = nest.Create("iaf_psc_alpha", 4, positions=nest.spatial.free(nest.random.uniform(), num_dimensions=2))
    mask = {"grid": {"shape": [2, 2]}}
    with pytest.raises(nest.NESTError, match="only be used with grid layers"):
        nest.Connect(free, free, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask})
    with pytest.raises(nest.NESTError, match="must not exceed layer size"):
        nest.Connect(pre, post, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"grid": {"shape": [7, 2]}}})
    with pytest.raises(nest.NESTError, match="can not be combined"):
        _ = nest.CreateMask("grid", {"shape": [2, 2]}) & nest.CreateMask("circular", {"radius": 0.1})
    with pytest.raises(nest.NESTError, match="integers"):
        nest.Connect(pre, post, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {**mask, "anchor": [0.5, 0]}})
    assert nest.num_connections == 0
    nest.Connect(
        pre,
        post,
        {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"grid": {"shape": [7, 2]}}, "allow_oversized_mask": True},
    )
    assert nest.num_connections > 0
