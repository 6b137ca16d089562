"""Spatial connections do not depend on the thread count; bad input is a clear
error that leaves the simulator unchanged."""

import numpy as np
import pytest


def _build(nest, threads):
    nest.ResetKernel()
    nest.local_num_threads = threads
    nest.rng_seed = 17
    a = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[20, 20], extent=[1.0, 1.0], edge_wrap=True))
    b = nest.Create("iaf_psc_alpha", 300, positions=nest.spatial.free(nest.random.uniform(-0.5, 0.5), num_dimensions=2))
    kern = nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.2)
    nest.Connect(
        a,
        a,
        {"rule": "pairwise_bernoulli", "p": kern, "mask": {"circular": {"radius": 0.3}}},
        {"weight": nest.random.normal(1.0, 0.2) * kern, "delay": 1.0 + nest.random.uniform(0.0, 2.0)},
    )
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 5, "p": kern})
    nest.Connect(
        b,
        a,
        {
            "rule": "fixed_outdegree",
            "outdegree": 4,
            "mask": {"rectangular": {"lower_left": [-0.3, -0.3], "upper_right": [0.3, 0.3]}},
        },
    )
    nest.Connect(
        b,
        b,
        {
            "rule": "pairwise_bernoulli",
            "p": 0.5,
            "use_on_source": True,
            "mask": {"doughnut": {"inner_radius": 0.1, "outer_radius": 0.2}},
        },
    )
    c = nest.GetConnections()
    return sorted(zip(c.get("source"), c.get("target"), c.get("weight"), c.get("delay"))), nest.GetPosition(b)


def test_one_and_two_threads_make_identical_connections(nest):
    one, pos1 = _build(nest, 1)
    assert len(one) > 1000
    for threads in (2, 3):  # 3: owners in pieces that the threads take as they come free
        more, pos = _build(nest, threads)
        assert one == more
        assert pos1 == pos


def _unchanged(nest, action, error, match):
    before = (nest.network_size, nest.num_connections)
    with pytest.raises(error, match=match):
        action()
    assert (nest.network_size, nest.num_connections) == before


def test_bad_layers_change_nothing(nest):
    nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[2, 2]))
    _unchanged(
        nest,
        lambda: nest.Create("iaf_psc_alpha", positions=nest.spatial.free([[0.0, 0.0], [2.0, 0.0]], extent=[1.0, 1.0])),
        nest.NESTErrors.BadProperty,
        "outside the extent",
    )
    _unchanged(
        nest,
        lambda: nest.Create("iaf_psc_alpha", positions=nest.spatial.free([[0.0, float("nan")], [1.0, 0.0]])),
        nest.NESTErrors.BadProperty,
        "not finite",
    )
    _unchanged(
        nest,
        lambda: nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 0])),
        nest.NESTErrors.BadProperty,
        "positive",
    )
    _unchanged(
        nest,
        lambda: nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 3], extent=[1.0, -1.0])),
        nest.NESTErrors.BadProperty,
        "> 0",
    )
    _unchanged(
        nest,
        lambda: nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 3, 3, 3])),
        nest.NESTErrors.BadProperty,
        "2 or 3",
    )
    _unchanged(
        nest,
        lambda: nest.Create("iaf_psc_alpha", positions=nest.spatial.free([[0.0, 0.0]])),
        nest.NESTErrors.KernelException,
        "extent",
    )
    _unchanged(
        nest,
        lambda: nest.Create("no_such_model", positions=nest.spatial.grid(shape=[2, 2])),
        nest.NESTErrors.UnknownModelName,
        "no_such_model",
    )


def test_bad_masks_and_connections_change_nothing(nest):
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[5, 5], extent=[1.0, 1.0], edge_wrap=True))
    plain = nest.Create("iaf_psc_alpha", 3)
    conn = lambda spec, pre=layer, post=layer: lambda: nest.Connect(pre, post, spec)  # noqa: E731
    cases = [
        (
            {"rule": "pairwise_bernoulli", "mask": {"spherical": {"radius": 0.2}}},
            "3-D mask 'spherical' is incompatible with a 2-D layer",
        ),
        ({"rule": "pairwise_bernoulli", "mask": {"circle": {"radius": 0.2}}}, "unknown mask type 'circle'.*circular"),
        ({"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": -0.2}}}, "radius must be > 0"),
        ({"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": float("inf")}}}, "finite"),
        ({"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": 0.2, "radiuss": 1.0}}}, "'radiuss'.*radius"),
        ({"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": 0.8}}}, "Mask size must not exceed layer size"),
        (
            {
                "rule": "pairwise_bernoulli",
                "mask": {"rectangular": {"lower_left": [0.1, 0.0], "upper_right": [0.0, 0.1]}},
            },
            "strictly above",
        ),
        (
            {"rule": "pairwise_bernoulli", "mask": {"doughnut": {"inner_radius": 0.3, "outer_radius": 0.2}}},
            "inner_radius < outer_radius",
        ),
        (
            {"rule": "pairwise_bernoulli", "mask": {"elliptical": {"major_axis": 0.1, "minor_axis": 0.2}}},
            "major_axis must be >= minor_axis",
        ),
        (
            {"rule": "pairwise_bernoulli", "p": nest.spatial_distributions.gaussian(nest.spatial.distance, std=-1.0)},
            "std > 0",
        ),
        ({"rule": "pairwise_bernoulli", "p": nest.spatial.distance.z}, "dimension"),
        (
            {"rule": "fixed_indegree", "indegree": 30, "allow_multapses": False, "mask": {"circular": {"radius": 0.2}}},
            "Not enough sources",
        ),
    ]
    for spec, match in cases:
        _unchanged(nest, conn(spec), (nest.NESTErrors.BadProperty, nest.NESTErrors.KernelException), match)
    _unchanged(
        nest,
        conn({"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": 0.2}}}, plain, layer),
        nest.NESTErrors.BadProperty,
        "no spatial positions",
    )
    _unchanged(
        nest,
        conn({"rule": "all_to_all", "mask": {"circular": {"radius": 0.2}}}),
        ValueError,
        "only possible connection rules",
    )
    _unchanged(
        nest,
        lambda: (
            nest.CreateMask("box", {"lower_left": [0, 0, 0], "upper_right": [1, 1, 1]})
            & nest.CreateMask("circular", {"radius": 1.0})
        ),
        nest.NESTErrors.BadProperty,
        "same number of dimensions",
    )
    # an oversized mask is allowed on request
    nest.Connect(
        layer,
        layer,
        {"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": 0.8}}, "allow_oversized_mask": True},
    )
    assert nest.num_connections > 0


def test_spatial_parameter_outside_spatial_connect_is_an_error(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    with pytest.raises(nest.NESTErrors.BadProperty, match="no spatial positions"):
        nest.Connect(a, a, {"rule": "pairwise_bernoulli", "p": nest.spatial.distance})
    with pytest.raises(nest.NESTErrors.BadProperty, match="no spatial positions"):
        nest.Connect(a, a, "all_to_all", {"weight": nest.spatial.distance})
    with pytest.raises(nest.NESTErrors.BadProperty, match="only be used when connecting nodes with spatial positions"):
        nest.Create("iaf_psc_alpha", 2, {"V_m": nest.spatial.distance})
    assert (nest.network_size, nest.num_connections) == (2, 0)


def test_metadata_and_slices(nest):
    """Slices keep positions; layers from different Create calls are separate."""
    g = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 4]))
    f = nest.Create("iaf_psc_alpha", positions=nest.spatial.free([[0.1, 0.2], [0.3, -0.4], [0.0, 0.0]]))
    plain = nest.Create("iaf_psc_alpha", 2)
    assert plain.spatial is None
    assert list(g.spatial["shape"]) == [3, 4] and g.spatial["network_size"] == 12
    assert g[2:5].spatial["network_size"] == 3
    assert nest.GetPosition(g[5]) == nest.GetPosition(g)[5]
    np.testing.assert_array_equal(f[1:].spatial["positions"], [[0.3, -0.4], [0.0, 0.0]])
    assert (g + plain).spatial is None
