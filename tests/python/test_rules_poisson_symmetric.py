"""pairwise_poisson and symmetric_pairwise_bernoulli (NEST 3.10's PoissonBuilder and
SymmetricBernoulliBuilder): counts against the analytic laws, symmetry, thread
invariance, NEST's error messages (taken from live NEST 3.10), bad input changes
nothing. Spatial pairwise_poisson (masks, kernels) at the end."""

import collections
import math

import numpy as np
import pytest


def _pairs(nest):
    c = nest.GetConnections()
    return list(zip(c.get("source"), c.get("target")))


def _unchanged(nest, action, error, match):
    before = (nest.network_size, nest.num_connections)
    with pytest.raises(error, match=match):
        action()
    assert (nest.network_size, nest.num_connections) == before


def _poisson_pmf(mu, k):
    return math.exp(-mu) * mu**k / math.factorial(k)


# --- pairwise_poisson ---------------------------------------------------------------


@pytest.mark.parametrize("mu", [0.3, 2.5])
def test_pairwise_poisson_multiplicities_follow_poisson(nest, mu):
    nest.rng_seed = 5
    a = nest.Create("iaf_psc_alpha", 120)
    b = nest.Create("iaf_psc_alpha", 150)
    nest.Connect(a, b, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": mu})
    mult = collections.Counter(_pairs(nest))
    n_pairs = len(a) * len(b)
    total = sum(mult.values())
    assert abs(total - mu * n_pairs) < 5 * math.sqrt(mu * n_pairs)
    hist = collections.Counter(mult.values())
    hist[0] = n_pairs - len(mult)
    for k in range(5):
        p = _poisson_pmf(mu, k)
        sd = math.sqrt(n_pairs * p * (1 - p))
        assert abs(hist[k] - n_pairs * p) < 5 * sd + 1, (k, hist[k], n_pairs * p)


def test_pairwise_poisson_autapses_and_zero_mean(nest):
    a = nest.Create("iaf_psc_alpha", 60)
    nest.Connect(a, a, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.5, "allow_autapses": False})
    pairs = _pairs(nest)
    assert pairs and all(s != t for s, t in pairs)
    expected = 1.5 * 60 * 59
    assert abs(len(pairs) - expected) < 5 * math.sqrt(expected)
    nest.Connect(a, a, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 0})
    assert nest.num_connections == len(pairs)


def test_pairwise_poisson_errors_as_nest(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    E = nest.NESTErrors
    conn = lambda spec: nest.Connect(a, a, spec)  # noqa: E731
    _unchanged(
        nest,
        lambda: conn({"rule": "pairwise_poisson", "pairwise_avg_num_conns": -1.0}),
        E.BadProperty,
        "Connection parameter 0 ≤ pairwise_avg_num_conns required.",
    )
    _unchanged(
        nest,
        lambda: conn({"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.0, "allow_multapses": False}),
        E.BadProperty,
        "Multapses must be allowed for this connection rule.",
    )
    _unchanged(nest, lambda: conn({"rule": "pairwise_poisson"}), E.BadProperty, "pairwise_avg_num_conns")
    _unchanged(
        nest,
        lambda: conn({"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.0, "make_symmetric": True}),
        E.BadProperty,
        "symmetric",
    )


# --- symmetric_pairwise_bernoulli ---------------------------------------------------

SYM = {"rule": "symmetric_pairwise_bernoulli", "allow_autapses": False, "make_symmetric": True}


def test_symmetric_bernoulli_is_symmetric_with_binomial_indegrees(nest):
    nest.rng_seed = 9
    n, p = 300, 0.1
    a = nest.Create("iaf_psc_alpha", n)
    nest.Connect(a, a, {**SYM, "p": p}, {"weight": 2.5, "delay": 1.5})
    c = nest.GetConnections()
    rows = list(zip(c.get("source"), c.get("target"), c.get("weight"), c.get("delay")))
    assert all(s != t for s, t, _, _ in rows)
    mult = collections.Counter((s, t) for s, t, _, _ in rows)
    assert all(mult[(t, s)] == m for (s, t), m in mult.items())
    assert {(w, d) for _, _, w, d in rows} == {(2.5, 1.5)}
    # Each target draws Binomial(n, p) (truncated below n) partners; each draw
    # makes two connections.
    total = len(rows)
    assert abs(total - 2 * n * n * p) < 5 * 2 * math.sqrt(n * n * p * (1 - p))


def test_symmetric_bernoulli_with_random_weights_keeps_pairs(nest):
    a = nest.Create("iaf_psc_alpha", 50)
    nest.Connect(a, a, {**SYM, "p": 0.2}, {"weight": nest.random.uniform(1.0, 2.0)})
    mult = collections.Counter(_pairs(nest))
    assert mult and all(mult[(t, s)] == m for (s, t), m in mult.items())


def test_symmetric_bernoulli_distinct_populations_as_nest(nest):
    # NEST accepts sources != targets and connects both directions.
    a = nest.Create("iaf_psc_alpha", 5)
    b = nest.Create("iaf_psc_alpha", 3)
    nest.rng_seed = 3
    nest.Connect(a, b, {**SYM, "p": 0.5})
    mult = collections.Counter(_pairs(nest))
    assert all(mult[(t, s)] == m for (s, t), m in mult.items())
    ia, ib = set(a.tolist()), set(b.tolist())
    assert all((s in ia and t in ib) or (s in ib and t in ia) for s, t in mult)


def test_symmetric_bernoulli_p_zero(nest):
    a = nest.Create("iaf_psc_alpha", 20)
    nest.Connect(a, a, {**SYM, "p": 0.0})
    assert nest.num_connections == 0


def test_symmetric_bernoulli_errors_as_nest(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    E = nest.NESTErrors
    conn = lambda spec: nest.Connect(a, a, spec)  # noqa: E731
    base = {"rule": "symmetric_pairwise_bernoulli", "p": 0.5}
    _unchanged(nest, lambda: conn(base), E.BadProperty, r"Autapses must be disabled\.$")
    _unchanged(
        nest,
        lambda: conn({**base, "allow_autapses": False}),
        E.BadProperty,
        r"Symmetric connections must be enabled\.$",
    )
    for p in (1.0, -0.1):
        _unchanged(
            nest, lambda p=p: conn({**SYM, "p": p}), E.BadProperty, r"Connection probability 0 <= p < 1 required\.$"
        )
    _unchanged(
        nest, lambda: conn({**SYM, "p": 0.5, "allow_multapses": False}), E.BadProperty, "Multapses must be enabled"
    )
    _unchanged(nest, lambda: conn({**SYM, "p": 0.5, "indegree": 3}), E.UnknownParameter, "indegree")
    _unchanged(nest, lambda: conn(SYM), E.BadProperty, "'p'")


# --- thread invariance --------------------------------------------------------------


def _build(nest, threads):
    nest.ResetKernel()
    nest.local_num_threads = threads
    nest.rng_seed = 21
    a = nest.Create("iaf_psc_alpha", 400)
    nest.Connect(
        a, a, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 0.05}, {"weight": nest.random.normal(1, 0.1)}
    )
    nest.Connect(a, a, {**SYM, "p": 0.05}, {"weight": nest.random.uniform(0.0, 1.0)})
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[15, 15], edge_wrap=True))
    kern = nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.2)
    nest.Connect(
        layer,
        layer,
        {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 2.0 * kern, "mask": {"circular": {"radius": 0.3}}},
        {"weight": nest.random.uniform(0.5, 1.5)},
    )
    c = nest.GetConnections()
    return sorted(zip(c.get("source"), c.get("target"), c.get("weight"), c.get("delay")))


def test_one_and_two_threads_identical(nest):
    one = _build(nest, 1)
    two = _build(nest, 2)
    assert len(one) > 10000
    assert one == two


# --- spatial pairwise_poisson -------------------------------------------------------


def _grid(nest, shape=(20, 20)):
    return nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=list(shape), extent=[1.0, 1.0]))


def _dist(nest, layer):
    pos = np.array(nest.GetPosition(layer))
    return np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)  # [source, target]


def test_spatial_poisson_constant_mean_in_mask(nest):
    nest.rng_seed = 4
    layer = _grid(nest)
    nest.Connect(
        layer, layer, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.5, "mask": {"circular": {"radius": 0.2}}}
    )
    d = _dist(nest, layer)
    first = layer.tolist()[0]
    pairs = _pairs(nest)
    assert all(d[s - first, t - first] <= 0.2 + 1e-12 for s, t in pairs)
    inside = int((d <= 0.2 + 1e-12).sum())
    assert abs(len(pairs) - 1.5 * inside) < 5 * math.sqrt(1.5 * inside)


def test_spatial_poisson_kernel_mean(nest):
    nest.rng_seed = 8
    layer = _grid(nest)
    kern = 3.0 * nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.1)
    nest.Connect(layer, layer, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": kern, "allow_autapses": False})
    d = _dist(nest, layer)
    mu = 3.0 * np.exp(-(d**2) / (2 * 0.1**2))
    np.fill_diagonal(mu, 0.0)
    expected = mu.sum()
    total = nest.num_connections
    assert abs(total - expected) < 5 * math.sqrt(expected)
    # Near pairs get more synapses than far ones, in the kernel's proportion.
    first = layer.tolist()[0]
    counts = collections.Counter((s - first, t - first) for s, t in _pairs(nest))
    near = d < 0.06
    np.fill_diagonal(near, False)
    got_near = sum(m for (s, t), m in counts.items() if near[s, t])
    assert abs(got_near - mu[near].sum()) < 5 * math.sqrt(mu[near].sum())


def test_spatial_poisson_p_is_the_kernel_as_in_nest(nest):
    # NEST's connect_layers takes the kernel from 'p' when it is given.
    nest.rng_seed = 2
    layer = _grid(nest)
    nest.Connect(layer, layer, {"rule": "pairwise_poisson", "p": 0.5, "mask": {"circular": {"radius": 0.2}}})
    inside = int((_dist(nest, layer) <= 0.2 + 1e-12).sum())
    assert abs(nest.num_connections - 0.5 * inside) < 5 * math.sqrt(0.5 * inside)


def test_spatial_poisson_errors(nest):
    layer = _grid(nest, (5, 5))
    mask = {"circular": {"radius": 0.3}}
    _unchanged(
        nest,
        lambda: nest.Connect(
            layer,
            layer,
            {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 2.0, "use_on_source": True, "mask": mask},
        ),
        ValueError,
        "'use_on_source' can only be set when using 'pairwise_bernoulli'.",
    )
    _unchanged(
        nest,
        lambda: nest.Connect(
            layer,
            layer,
            {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 2.0, "allow_multapses": False, "mask": mask},
        ),
        nest.NESTErrors.BadProperty,
        "Multapses must be allowed",
    )
    _unchanged(
        nest,
        lambda: nest.Connect(layer, layer, {"rule": "pairwise_poisson", "mask": mask}),
        nest.NESTErrors.BadProperty,
        "pairwise_avg_num_conns",
    )
    _unchanged(
        nest,
        lambda: nest.Connect(
            layer, layer, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": -1.0 * nest.spatial.distance}
        ),
        nest.NESTErrors.BadProperty,
        "pairwise_avg_num_conns",
    )
