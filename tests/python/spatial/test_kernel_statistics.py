"""Connection counts against the analytic expectation of each kernel over each mask.

On a dense periodic grid, pairwise_bernoulli makes each pair inside the mask with
probability p(d); the count is a sum of independent Bernoulli draws, so it must
lie within 4 standard deviations of sum p (variance sum p (1 - p)). The kernels
are evaluated here with their textbook formulas (numpy), not with nestkit.
"""

import math

import geometry
import numpy as np
import pytest

SIGMA = 0.12


def gauss(d):
    return np.exp(-(d**2) / (2 * SIGMA**2))


KERNELS = {
    "gaussian": (
        lambda nest: 0.9 * nest.spatial_distributions.gaussian(nest.spatial.distance, std=SIGMA),
        lambda d, dv: 0.9 * gauss(d),
    ),
    "exponential": (
        lambda nest: nest.spatial_distributions.exponential(nest.spatial.distance, beta=0.15),
        lambda d, dv: np.exp(-d / 0.15),
    ),
    "gamma": (
        lambda nest: 0.1 * nest.spatial_distributions.gamma(nest.spatial.distance, kappa=2.0, theta=0.08),
        lambda d, dv: 0.1 * d ** (2.0 - 1) * np.exp(-d / 0.08) / (0.08**2.0 * math.gamma(2.0)),
    ),
    "gaussian2D": (
        lambda nest: nest.spatial_distributions.gaussian2D(
            nest.spatial.distance.x, nest.spatial.distance.y, std_x=0.1, std_y=0.2, rho=0.3
        ),
        lambda d, dv: np.exp(
            -(
                (np.abs(dv[:, 0]) / 0.1) ** 2
                + (np.abs(dv[:, 1]) / 0.2) ** 2
                - 2 * 0.3 * np.abs(dv[:, 0]) * np.abs(dv[:, 1]) / (0.1 * 0.2)
            )
            / (2 * (1 - 0.3**2))
        ),
    ),
    "linear": (
        lambda nest: nest.math.max(1.0 - 3.0 * nest.spatial.distance, 0.0),
        lambda d, dv: np.maximum(1 - 3 * d, 0.0),
    ),
}
MASKS = {
    "circular": {"circular": {"radius": 0.3}},
    "rectangular": {"rectangular": {"lower_left": [-0.25, -0.15], "upper_right": [0.2, 0.3], "azimuth_angle": 20.0}},
    "doughnut": {"doughnut": {"inner_radius": 0.05, "outer_radius": 0.3}},
    "elliptical": {"elliptical": {"major_axis": 0.6, "minor_axis": 0.3, "azimuth_angle": 45.0}},
}


def _expected(pos, mask, kernel, on_source):
    mean = var = 0.0
    for t in pos:
        d = geometry.wrapped((pos - t) if on_source else (t - pos), [1.0, 1.0])
        hit = geometry.inside_periodic(mask, (pos - t) if on_source else (t - pos), [1.0, 1.0])
        p = np.clip(kernel(np.linalg.norm(d[hit], axis=1), d[hit]), 0, 1)
        mean += p.sum()
        var += (p * (1 - p)).sum()
    return mean, var


@pytest.mark.parametrize("on_source", [False, True])
@pytest.mark.parametrize("mask_name", sorted(MASKS))
@pytest.mark.parametrize("kernel_name", sorted(KERNELS))
def test_count_matches_kernel_sum_over_mask(nest, kernel_name, mask_name, on_source):
    make, formula = KERNELS[kernel_name]
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[30, 30], extent=[1.0, 1.0], edge_wrap=True))
    pos = np.array(nest.GetPosition(layer))
    nest.Connect(
        layer,
        layer,
        {"rule": "pairwise_bernoulli", "p": make(nest), "mask": MASKS[mask_name], "use_on_source": on_source},
    )
    mean, var = _expected(pos, MASKS[mask_name], formula, on_source)
    n = nest.num_connections
    assert mean > 100
    assert abs(n - mean) <= 4 * math.sqrt(var) + 1, (n, mean, math.sqrt(var))


def test_3d_sphere_gaussian_count(nest):
    layer = nest.Create(
        "iaf_psc_alpha", positions=nest.spatial.grid(shape=[10, 10, 10], extent=[1.0] * 3, edge_wrap=True)
    )
    pos = np.array(nest.GetPosition(layer))
    mask = {"spherical": {"radius": 0.3}}
    nest.Connect(
        layer,
        layer,
        {
            "rule": "pairwise_bernoulli",
            "p": nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.15),
            "mask": mask,
        },
    )
    mean = var = 0.0
    for t in pos:
        d = geometry.wrapped(t - pos, [1.0] * 3)
        r = np.linalg.norm(d, axis=1)
        p = np.exp(-(r[r <= 0.3] ** 2) / (2 * 0.15**2))
        mean += p.sum()
        var += (p * (1 - p)).sum()
    assert abs(nest.num_connections - mean) <= 4 * math.sqrt(var) + 1


@pytest.mark.parametrize("rule", ["fixed_indegree", "fixed_outdegree"])
def test_fixed_degree_distances_follow_kernel(nest, rule):
    """Each owner gets exactly K partners; their mean distance is the kernel-weighted
    mean over the candidates inside the mask (within 4 standard errors)."""
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[25, 25], extent=[1.0, 1.0], edge_wrap=True))
    pos = np.array(nest.GetPosition(layer))
    k = 12
    key = "indegree" if rule == "fixed_indegree" else "outdegree"
    nest.Connect(
        layer,
        layer,
        {
            "rule": rule,
            key: k,
            "p": nest.spatial_distributions.exponential(nest.spatial.distance, beta=0.1),
            "mask": {"circular": {"radius": 0.35}},
            "allow_autapses": False,
        },
    )
    c = nest.GetConnections(layer, layer)
    src, tgt = np.array(c.get("source")), np.array(c.get("target"))
    owners = tgt if rule == "fixed_indegree" else src
    assert np.all(np.bincount(owners - layer[0].global_id, minlength=len(layer)) == k)
    first = layer[0].global_id
    d = np.linalg.norm(geometry.wrapped(pos[tgt - first] - pos[src - first], [1, 1]), axis=1)
    # Kernel-weighted distance moments over the candidates of one node (all nodes alike on a periodic grid).
    r = np.linalg.norm(geometry.wrapped(pos - pos[0], [1, 1]), axis=1)
    cand = (r <= 0.35) & (r > 0)
    w = np.exp(-r[cand] / 0.1)
    mu = np.sum(w * r[cand]) / w.sum()
    sd = math.sqrt(np.sum(w * (r[cand] - mu) ** 2) / w.sum())
    assert abs(d.mean() - mu) <= 4 * sd / math.sqrt(len(d))
    assert d.max() <= 0.35 + 1e-12
