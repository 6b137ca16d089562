"""spatial_distributions.gabor against its formula (NEST 3.10.0 gave the same 625 weights bit for
bit on this grid, checked live when it was written), and its refusal of bad shapes."""

import nestkit.nest as nest
import numpy as np
import pytest


def _gabor(dx, dy, theta, gamma, std, lam, psi):
    c, s = np.cos(np.deg2rad(theta)), np.sin(np.deg2rad(theta))
    xp, yp = dx * c + dy * s, -dx * s + dy * c
    envelope = np.exp(-(gamma**2 * xp**2 + yp**2) / (2 * std**2))
    return envelope * np.maximum(np.cos(2 * np.pi * yp / lam + np.deg2rad(psi)), 0.0)


def test_weights_follow_the_rectified_gabor_function_of_the_displacement():
    nest.ResetKernel()
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[5, 5], extent=[1.0, 1.0]))
    dx = nest.spatial.target_pos.x - nest.spatial.source_pos.x
    dy = nest.spatial.target_pos.y - nest.spatial.source_pos.y
    kernel = nest.spatial_distributions.gabor(dx, dy, theta=30.0, gamma=0.7, std=0.3, lam=0.5, psi=45.0)
    nest.Connect(layer, layer, {"rule": "pairwise_bernoulli", "p": 1.0}, {"weight": 1.0 + kernel})
    c = nest.GetConnections()
    pos = {n: np.array(p) for n, p in zip(layer.tolist(), nest.GetPosition(layer))}
    src, tgt, w = c.get("source"), c.get("target"), np.array(c.get("weight"))
    d = np.array([pos[t] - pos[s] for s, t in zip(src, tgt)])
    expected = 1.0 + _gabor(d[:, 0], d[:, 1], 30.0, 0.7, 0.3, 0.5, 45.0)
    np.testing.assert_allclose(w, expected, rtol=1e-13, atol=1e-15)
    assert 0 < np.count_nonzero(w > 1.0) < len(w)  # the rectification cuts some pairs to zero


def test_gabor_as_connection_probability_thins_as_its_mean():
    nest.ResetKernel()
    nest.rng_seed = 3
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[20, 20], extent=[1.0, 1.0]))
    dx = nest.spatial.target_pos.x - nest.spatial.source_pos.x
    dy = nest.spatial.target_pos.y - nest.spatial.source_pos.y
    p = nest.spatial_distributions.gabor(dx, dy, theta=0.0, gamma=1.0, std=0.2, lam=0.4)
    nest.Connect(layer, layer, {"rule": "pairwise_bernoulli", "p": p})
    pos = np.array(nest.GetPosition(layer))
    d = pos[None, :, :] - pos[:, None, :]
    expected = _gabor(d[..., 0], d[..., 1], 0.0, 1.0, 0.2, 0.4, 0.0).sum()
    n = nest.num_connections
    assert abs(n - expected) < 5 * np.sqrt(expected)


@pytest.mark.parametrize("key, value", [("std", 0.0), ("gamma", -1.0), ("std", float("nan"))])
def test_bad_shapes_are_refused_and_nothing_is_connected(key, value):
    nest.ResetKernel()
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 3]))
    kw = {"theta": 0.0, "gamma": 1.0, "std": 1.0, key: value}
    p = nest.spatial_distributions.gabor(nest.spatial.distance.x, nest.spatial.distance.y, **kw)
    with pytest.raises(nest.NESTError, match=key):
        nest.Connect(layer, layer, {"rule": "pairwise_bernoulli", "p": p})
    assert nest.num_connections == 0
