"""nest.TripartiteConnect with third_factor_bernoulli_with_pool: structure and statistics
from the rule's definition, thread independence, and refusal of bad specifications."""

import nestkit.nest as nest
import numpy as np
import pytest


def _network(n_pre=40, n_post=30, n_third=15, threads=1, seed=11):
    nest.ResetKernel()
    nest.SetKernelStatus({"local_num_threads": threads, "rng_seed": seed})
    pre = nest.Create("iaf_psc_alpha", n_pre)
    post = nest.Create("aeif_cond_alpha_astro", n_post)
    third = nest.Create("astrocyte_lr_1994", n_third)
    return pre, post, third


SYN = {
    "primary": {"synapse_model": "tsodyks_synapse", "weight": 1.5},
    "third_in": {"synapse_model": "static_synapse", "weight": 2.0},
    "third_out": {"synapse_model": "sic_connection", "weight": 0.5},
}


def _pairs(a, b):
    c = nest.GetConnections(a, b)
    return sorted(zip(c.get("source"), c.get("target")))


def test_each_third_factor_link_pairs_a_primary_connection_with_a_pool_member():
    pre, post, third = _network()
    nest.TripartiteConnect(
        pre,
        post,
        third,
        {"rule": "pairwise_bernoulli", "p": 0.3},
        {"rule": "third_factor_bernoulli_with_pool", "p": 0.6, "pool_size": 3, "pool_type": "random"},
        SYN,
    )
    primary = _pairs(pre, post)
    outs = _pairs(third, post)
    ins = _pairs(pre, third)
    assert len(outs) == len(ins) > 0
    # Every third -> target link belongs to a primary connection whose source feeds that third node.
    primary_set = set(primary)
    in_count = {}
    for _s, a in ins:
        in_count[a] = in_count.get(a, 0) + 1
    out_count = {}
    for a, _t in outs:
        out_count[a] = out_count.get(a, 0) + 1
    assert in_count == out_count
    # Pools: at most pool_size distinct third nodes per target.
    for t in set(t for _, t in outs):
        assert len({a for a, tt in outs if tt == t}) <= 3
    # Sources of third_in are sources of primary connections.
    assert {s for s, _ in ins} <= {s for s, _ in primary_set}
    # Models and weights as specified.
    assert set(nest.GetConnections(third, post).get("synapse_model")) == {"sic_connection"}
    assert set(nest.GetConnections(pre, third).get("weight")) == {2.0}
    assert set(nest.GetConnections(pre, post).get("synapse_model")) == {"tsodyks_synapse"}


def test_third_factor_probability_matches_p_statistically():
    pre, post, third = _network(n_pre=100, n_post=100, n_third=20)
    nest.TripartiteConnect(
        pre,
        post,
        third,
        {"rule": "pairwise_bernoulli", "p": 0.2},
        {"rule": "third_factor_bernoulli_with_pool", "p": 0.25},
        SYN,
    )
    n_primary = len(nest.GetConnections(pre, post))
    n_third = len(nest.GetConnections(third, post))
    # Binomial(n_primary, 0.25): within 5 standard deviations.
    sd = np.sqrt(n_primary * 0.25 * 0.75)
    assert abs(n_third - 0.25 * n_primary) < 5 * sd
    assert abs(n_primary - 0.2 * 100 * 100) < 5 * np.sqrt(10000 * 0.2 * 0.8)


def test_block_pools_assign_consecutive_third_nodes_to_consecutive_targets():
    pre, post, third = _network(n_pre=20, n_post=10, n_third=20)
    nest.TripartiteConnect(
        pre,
        post,
        third,
        {"rule": "all_to_all"},
        {"rule": "third_factor_bernoulli_with_pool", "p": 1.0, "pool_size": 2, "pool_type": "block"},
        SYN,
    )
    first_third, first_post = third.tolist()[0], post.tolist()[0]
    for a, t in _pairs(third, post):
        k = t - first_post
        assert a - first_third in (2 * k, 2 * k + 1)
    # p = 1: one third-factor link per primary connection.
    assert len(nest.GetConnections(third, post)) == 20 * 10


def test_block_pool_of_one_shares_a_third_node_among_consecutive_targets():
    pre, post, third = _network(n_pre=5, n_post=12, n_third=4)
    nest.TripartiteConnect(
        pre,
        post,
        third,
        {"rule": "all_to_all"},
        {"rule": "third_factor_bernoulli_with_pool", "pool_size": 1, "pool_type": "block"},
        SYN,
    )
    first_third, first_post = third.tolist()[0], post.tolist()[0]
    assert {(a - first_third, (t - first_post) // 3) for a, t in _pairs(third, post)} == {(k, k) for k in range(4)}


def test_result_is_the_same_for_any_thread_count():
    def build(threads):
        pre, post, third = _network(threads=threads)
        nest.TripartiteConnect(
            pre,
            post,
            third,
            {"rule": "pairwise_bernoulli", "p": 0.4},
            {"rule": "third_factor_bernoulli_with_pool", "p": 0.5, "pool_size": 4},
            SYN,
        )
        return _pairs(pre, post), _pairs(third, post), _pairs(pre, third)

    assert build(1) == build(2) == build(3)


def test_default_syn_specs_are_static_synapses():
    pre, post, third = _network(n_pre=3, n_post=3, n_third=3)
    post = nest.Create("iaf_psc_alpha", 3)
    third = nest.Create("parrot_neuron", 3)
    nest.TripartiteConnect(pre, post, third, {"rule": "one_to_one"}, {"rule": "third_factor_bernoulli_with_pool"})
    assert len(nest.GetConnections(pre, post)) == 3
    assert set(nest.GetConnections(third, post).get("synapse_model")) == {"static_synapse"}
    assert len(nest.GetConnections(pre, third)) == 3


@pytest.mark.parametrize(
    "third_spec, words",
    [
        ({"rule": "third_factor_bernoulli_with_pool", "pool_size": 16}, "pool_size"),
        ({"rule": "third_factor_bernoulli_with_pool", "pool_size": 0}, "pool_size"),
        ({"rule": "third_factor_bernoulli_with_pool", "p": 1.5}, "0 <= p <= 1"),
        ({"rule": "third_factor_bernoulli_with_pool", "p": float("nan")}, "p"),
        ({"rule": "third_factor_bernoulli_with_pool", "pool_type": "ring"}, "random' or 'block"),
        ({"rule": "third_factor_bernoulli_with_pool", "pool_size": 2, "pool_type": "block"}, "do not fit"),
        ({"rule": "third_factor_bernoulli_with_pool", "q": 0.5}, "'q'"),
        ({"rule": "pairwise_bernoulli", "p": 0.5}, "third-factor rule"),
    ],
)
def test_bad_third_factor_specs_are_refused_and_nothing_is_connected(third_spec, words):
    pre, post, third = _network()
    with pytest.raises(nest.NESTError, match=words):
        nest.TripartiteConnect(pre, post, third, {"rule": "pairwise_bernoulli", "p": 0.5}, third_spec, SYN)
    assert nest.num_connections == 0


def test_bad_syn_specs_are_refused_and_nothing_is_connected():
    pre, post, third = _network()
    bad_out = dict(SYN, third_out={"synapse_model": "sic_connection", "weight": [1.0, 2.0]})
    with pytest.raises(nest.NESTError, match="parameter lists"):
        nest.TripartiteConnect(
            pre, post, third, {"rule": "all_to_all"}, {"rule": "third_factor_bernoulli_with_pool"}, bad_out
        )
    wrong_model = dict(SYN, third_out={"synapse_model": "sic_connection", "delay": -1.0})
    with pytest.raises(nest.NESTError, match="elay"):
        nest.TripartiteConnect(
            pre, post, third, {"rule": "all_to_all"}, {"rule": "third_factor_bernoulli_with_pool"}, wrong_model
        )
    with pytest.raises(nest.NESTError, match="third_in"):
        nest.TripartiteConnect(
            pre, post, third, {"rule": "all_to_all"}, {"rule": "third_factor_bernoulli_with_pool"}, {"thirdin": {}}
        )
    assert nest.num_connections == 0
