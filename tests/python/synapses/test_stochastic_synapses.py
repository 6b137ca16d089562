"""bernoulli_synapse and quantal_stp_synapse against their exact release statistics.

Setup: one parrot firing a regular train -> (synapse) -> N parrots that repeat every spike they receive,
with a spike_recorder on them and a weight_recorder on the synapse model.  A synapse that releases nothing
sends no event (so neither recorder sees it); quantal_stp_synapse sends n_release * weight.

The simulations are seeded, hence deterministic; tolerances are 5 binomial (or exact) standard errors.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
import reference_rules as ref
import synapse_net as net

Z_MAX = 5.0


def regular_train(n_spikes, isi, start=5.0, resolution=0.1):
    return net.on_grid(start + isi * np.arange(n_spikes), resolution)


def assert_within(observed, mean, var, n_draws=1, z_max=Z_MAX):
    """|observed - mean| <= z_max standard errors of a mean (n_draws = 1: of a single sum)."""
    se = math.sqrt(var / n_draws)
    assert abs(observed - mean) <= z_max * se + 1e-12, (observed, mean, se)


# ---------------------------------------------------------------------------------------------------------------------
# bernoulli_synapse
# ---------------------------------------------------------------------------------------------------------------------

N_TARGETS = 50
N_SPIKES = 300


@pytest.mark.parametrize("p_transmit", [0.2, 0.5, 0.85])
def test_bernoulli_transmission_count(p_transmit):
    train = regular_train(N_SPIKES, 3.0)
    wr, sr, targets = net.run_one_to_many(
        nest, "bernoulli_synapse", train, N_TARGETS, {"p_transmit": p_transmit, "weight": 2.5}
    )
    mean, var = ref.bernoulli_moments(N_SPIKES * N_TARGETS, p_transmit)
    assert_within(len(sr["times"]), mean, var)
    # the weight_recorder sees exactly the transmitted spikes, with the synapse's weight
    assert len(wr["times"]) == len(sr["times"])
    assert np.all(wr["weights"] == 2.5)
    assert set(np.round(wr["times"], 6)) <= set(np.round(train, 6))
    assert set(wr["targets"].tolist()) == set(targets.tolist())


def test_bernoulli_draws_are_independent_across_spikes_and_targets():
    """Per presynaptic spike, the number of targets reached is Binomial(N, p); per target, the number of spikes
    received is Binomial(K, p).  Their empirical variances must match (a shared draw per spike or per target
    would inflate one of them N- or K-fold)."""
    p = 0.4
    train = regular_train(N_SPIKES, 3.0)
    wr, sr, targets = net.run_one_to_many(nest, "bernoulli_synapse", train, N_TARGETS, {"p_transmit": p})
    times = np.round(wr["times"], 6)
    per_spike = np.array([np.sum(times == round(t, 6)) for t in train])
    per_target = np.array([np.sum(wr["targets"] == t) for t in targets.tolist()])
    for counts, n in ((per_spike, N_TARGETS), (per_target, N_SPIKES)):
        assert_within(counts.mean(), n * p, n * p * (1 - p), n_draws=len(counts))
        ratio = counts.var(ddof=1) / (n * p * (1 - p))
        assert 0.3 < ratio < 2.5, ratio


@pytest.mark.parametrize("p_transmit, expected_fraction", [(0.0, 0.0), (1.0, 1.0)])
def test_bernoulli_extremes(p_transmit, expected_fraction):
    train = regular_train(40, 5.0)
    wr, sr, _ = net.run_one_to_many(nest, "bernoulli_synapse", train, 10, {"p_transmit": p_transmit})
    assert len(sr["times"]) == expected_fraction * 40 * 10
    assert len(wr["times"]) == expected_fraction * 40 * 10


def test_bernoulli_seeded_runs_are_reproducible():
    train = regular_train(100, 3.0)

    def events(seed):
        wr, _, _ = net.run_one_to_many(nest, "bernoulli_synapse", train, 20, {"p_transmit": 0.5}, seed=seed)
        return sorted(zip(wr["times"].tolist(), wr["targets"].tolist()))

    first = events(42)
    assert events(42) == first
    assert events(43) != first


# ---------------------------------------------------------------------------------------------------------------------
# quantal_stp_synapse
# ---------------------------------------------------------------------------------------------------------------------

QUANTAL_CASES = {
    "depressing": dict(n=3, a=3, U=0.4, u=0.4, tau_rec=200.0, tau_fac=0.0, weight=2.0),
    "facilitating": dict(n=5, a=4, U=0.2, u=0.3, tau_rec=100.0, tau_fac=150.0, weight=2.0),
}
N_SYNAPSES = 400


def quantal_moments(train, params):
    keys = ("n", "a", "U", "u", "tau_rec", "tau_fac")
    return ref.quantal_release_moments(train, **{k: params[k] for k in keys})


@pytest.mark.parametrize("case", list(QUANTAL_CASES))
def test_quantal_release_statistics(case):
    params = QUANTAL_CASES[case]
    train = regular_train(25, 20.0, start=10.0)
    wr, sr, targets = net.run_one_to_many(nest, "quantal_stp_synapse", train, N_SYNAPSES, params)
    released = wr["weights"] / params["weight"]
    # every event carries a whole number 1..n of released sites; events and target spikes agree
    np.testing.assert_array_equal(released, np.round(released))
    assert released.min() >= 1 and released.max() <= params["n"]
    assert len(sr["times"]) == len(released)

    means, variances, total_mean, total_var = quantal_moments(train, params)
    assert_within(released.sum() / N_SYNAPSES, total_mean, total_var, n_draws=N_SYNAPSES)
    times = np.round(wr["times"], 6)
    for k, t in enumerate(train):
        per_spike = released[times == round(t, 6)].sum() / N_SYNAPSES
        assert_within(per_spike, means[k], variances[k], n_draws=N_SYNAPSES)

    # first spike: the number of released sites is Binomial(a, u) in each synapse
    first = released[times == round(train[0], 6)]
    pmf = ref.binomial_pmf(params["a"], params["u"])
    for r in range(1, params["a"] + 1):
        count = np.sum(first == r)
        assert_within(count, N_SYNAPSES * pmf[r], N_SYNAPSES * pmf[r] * (1 - pmf[r]))

    # the utilisation u is deterministic; a stays in [0, n]
    status = nest.GetConnections(synapse_model="quantal_stp_synapse_under_test").get(["u", "a", "n"])
    u_last = ref.quantal_utilisation(train, params["U"], params["u"], params["tau_fac"])[-1]
    np.testing.assert_allclose(status["u"], u_last, rtol=1e-12)
    assert np.all(np.asarray(status["n"]) == params["n"])
    assert np.all((np.asarray(status["a"]) >= 0) & (np.asarray(status["a"]) <= params["n"]))


def test_quantal_deterministic_limits():
    """u = 1 releases every available site.  With instantaneous recovery (tau_rec -> 0) each spike releases all n
    sites; with no recovery (tau_rec -> inf) only the first spike releases anything."""
    train = regular_train(10, 10.0)
    fast = dict(n=4, a=4, U=1.0, u=1.0, tau_rec=1e-3, weight=0.5)
    wr, _, _ = net.run_one_to_many(nest, "quantal_stp_synapse", train, 3, fast)
    assert len(wr["weights"]) == 30 and np.all(wr["weights"] == 2.0)
    slow = dict(n=4, a=3, U=1.0, u=1.0, tau_rec=1e12, weight=0.5)
    wr, _, _ = net.run_one_to_many(nest, "quantal_stp_synapse", train, 3, slow)
    assert len(wr["weights"]) == 3 and np.all(wr["weights"] == 1.5)
    np.testing.assert_allclose(wr["times"], train[0], atol=1e-9)
    status = nest.GetConnections(synapse_model="quantal_stp_synapse_under_test").get("a")
    assert list(status) == [0, 0, 0]


def test_quantal_reference_moments_by_hand():
    """One site, u = U fixed: release at spike 1 w.p. u; at spike 2 the site is available w.p.
    1 - u + u q (q = recovery probability), so the second release has mean u (1 - u + u q)."""
    u, tau_rec, isi = 0.3, 50.0, 20.0
    q = 1.0 - math.exp(-isi / tau_rec)
    means, variances, total_mean, total_var = ref.quantal_release_moments([10.0, 30.0], 1, 1, u, u, tau_rec, 0.0)
    m2 = u * (1 - u + u * q)
    assert means == pytest.approx([u, m2], rel=1e-14)
    assert variances == pytest.approx([u * (1 - u), m2 * (1 - m2)], rel=1e-14)
    p_both = u * u * q  # released at spike 1, recovered, released again
    e_total_sq = u + m2 + 2 * p_both
    assert total_mean == pytest.approx(u + m2, rel=1e-14)
    assert total_var == pytest.approx(e_total_sq - (u + m2) ** 2, rel=1e-12)
