"""Connect with the "conngen" rule and CSA connection sets (NEST 3.10 needs libneurosim for
this, which its PyPI wheel lacks, so expectations are the sets' own definitions)."""

import random
import sys

import csa
import numpy as np
import pytest

KEYS = ["source", "target", "weight", "delay"]


def _conns(nest, pre=None, post=None, keys=KEYS):
    c = nest.GetConnections(pre, post)
    return sorted(zip(*(c.get(k) for k in keys))) if len(c) else []


def test_one_to_one_with_weight_and_delay(nest):
    pre = nest.Create("iaf_psc_alpha", 4)
    post = nest.Create("iaf_psc_alpha", 4)
    cg = csa.cset(csa.oneToOne, 10000.0, 2.0)
    nest.Connect(pre, post, {"rule": "conngen", "cg": cg, "params_map": {"weight": 0, "delay": 1}})
    assert _conns(nest) == [(s, s + 4, 10000.0, 2.0) for s in range(1, 5)]
    assert len(nest.GetConnections(post)) == 0


def test_params_map_chooses_the_value_columns(nest):
    pre = nest.Create("iaf_psc_alpha", 3)
    post = nest.Create("iaf_psc_alpha", 3)
    cg = csa.cset(csa.oneToOne, 1.5, 7.0)  # first value is the delay here
    nest.Connect(pre, post, {"rule": "conngen", "cg": cg, "params_map": {"weight": 1, "delay": 0}})
    assert _conns(nest) == [(s, s + 3, 7.0, 1.5) for s in range(1, 4)]


def test_value_sets_that_depend_on_the_pair(nest):
    pre = nest.Create("iaf_psc_alpha", 3)
    post = nest.Create("iaf_psc_alpha", 2)
    cg = csa.cset(csa.full, lambda i, j: 10.0 * i + j, lambda i, j: 1.0 + j)
    nest.Connect(pre, post, {"rule": "conngen", "cg": cg, "params_map": {"weight": 0, "delay": 1}})
    expected = [(1 + i, 4 + j, 10.0 * i + j, 1.0 + j) for i in range(3) for j in range(2)]
    assert _conns(nest) == sorted(expected)


def test_mask_with_synapse_model_and_parameters(nest):
    pre = nest.Create("iaf_psc_alpha", 4)
    post = nest.Create("iaf_psc_alpha", 4)
    nest.Connect(
        pre,
        post,
        {"rule": "conngen", "cg": csa.cset(csa.oneToOne)},
        {"synapse_model": "stdp_synapse", "tau_plus": 10.0},
    )
    c = nest.GetConnections(pre)
    assert c.get("target") == [5, 6, 7, 8]
    assert set(c.get("synapse_model")) == {"stdp_synapse"}
    assert c.get("tau_plus") == [10.0] * 4
    assert c.get("weight") == [nest.GetDefaults("stdp_synapse", "weight")] * 4


def test_indices_are_positions_in_the_node_collections(nest):
    nodes = nest.Create("iaf_psc_alpha", 10)
    pre = nodes[::3]  # ids 1, 4, 7, 10
    post = nodes[1:3] + nodes[8:9]  # ids 2, 3, 9
    cg = csa.cross([0, 3], [1, 2]) * csa.full  # sources 0 and 3, targets 1 and 2
    sc = nest.Connect(pre, post, {"rule": "conngen", "cg": cg}, return_synapsecollection=True)
    assert sorted(zip(sc.get("source"), sc.get("target"))) == [(1, 3), (1, 9), (10, 3), (10, 9)]


def test_random_mask_is_the_sets_own_enumeration(nest):
    random.seed(12345)
    cg = csa.random(0.3)  # keeps the random state it was made with
    n_pre, n_post = 7, 5
    pre = nest.Create("iaf_psc_alpha", n_pre)
    post = nest.Create("iaf_psc_alpha", n_post)
    nest.Connect(pre, post, {"rule": "conngen", "cg": cg})
    got = _conns(nest, keys=["source", "target"])
    # The set restricted to the index ranges and iterated once by csa, as NEST's
    # libneurosim binding does (a mask of intervals per side).
    enumerated = [(1 + i, 8 + j) for i, j in csa.cross([(0, n_pre - 1)], [(0, n_post - 1)]) * cg]
    assert got == sorted(enumerated)
    # By hand: csa.random(p) restarts from its random state and draws one number per
    # (source, target), targets in the outer loop.
    random.seed(12345)
    by_hand = [(1 + i, 8 + j) for j in range(n_post) for i in range(n_pre) if random.random() < 0.3]
    assert got == sorted(by_hand)
    assert 0 < len(got) < n_pre * n_post


def test_random_mask_statistics(nest):
    random.seed(7)
    n, p = 100, 0.2
    pre = nest.Create("parrot_neuron", n)
    post = nest.Create("parrot_neuron", n)
    nest.Connect(
        pre,
        post,
        {"rule": "conngen", "cg": csa.cset(csa.random(p), 2.0, 1.0), "params_map": {"weight": 0, "delay": 1}},
    )
    assert set(nest.GetConnections().get("delay")) == {1.0}
    count = nest.num_connections
    assert abs(count - n * n * p) < 5 * np.sqrt(n * n * p * (1 - p))
    indegrees = np.bincount(np.asarray(nest.GetConnections().get("target")) - n - 1, minlength=n)
    # Independent draws per pair: binomial in-degrees (standard deviation sqrt(n p (1-p)) = 4).
    assert 0.7 * 4 < indegrees.std() < 1.3 * 4


def test_errors_connect_nothing(nest):
    pre = nest.Create("iaf_psc_alpha", 3)
    post = nest.Create("iaf_psc_alpha", 3)
    valued = csa.cset(csa.oneToOne, 10000.0, 2.0)
    pmap = {"weight": 0, "delay": 1}
    cases = [
        ({"rule": "conngen", "cg": valued}, None, nest.NESTErrors.BadProperty, "params_map has to be given"),
        (
            {"rule": "conngen", "cg": valued, "params_map": pmap},
            {"weight": 10.0},
            nest.NESTErrors.BadProperty,
            "weight and delay cannot be specified",
        ),  # fmt: skip
        (
            {"rule": "conngen", "cg": valued, "params_map": pmap},
            {"delay": 10.0},
            nest.NESTErrors.BadProperty,
            "weight and delay cannot be specified",
        ),  # fmt: skip
        (
            {"rule": "conngen", "cg": valued, "params_map": {"weight": 0, "delay": 0}},
            None,
            nest.NESTErrors.BadProperty,
            "either 0 or 1 and cannot be the same",
        ),  # fmt: skip
        (
            {"rule": "conngen", "cg": valued, "params_map": {"weight": 0}},
            None,
            nest.NESTErrors.BadProperty,
            "indices of weight and delay",
        ),  # fmt: skip
        (
            {"rule": "conngen", "cg": csa.cset(csa.oneToOne, 1.0), "params_map": pmap},
            None,
            nest.NESTErrors.BadProperty,
            "two or no parameters.*has 1",
        ),  # fmt: skip
        (
            {"rule": "conngen", "cg": csa.oneToOne},
            {"synapse_model": "fantasy_synapse"},
            nest.NESTErrors.UnknownModelName,
            "fantasy_synapse",
        ),  # fmt: skip
        (
            {"rule": "conngen", "cg": csa.oneToOne},
            nest.CollocatedSynapses({"weight": -2.0}, {"weight": 2.0}),
            nest.NESTErrors.BadProperty,
            "collocated",
        ),  # fmt: skip
        ({"rule": "conngen"}, None, nest.NESTErrors.BadProperty, "needs 'cg'"),
        ({"rule": "conngen", "cg": [(0, 1)]}, None, nest.NESTErrors.TypeMismatch, "'cg' must be a CSA"),
        ({"rule": "conngen", "cg": csa.oneToOne, "p": 0.5}, None, nest.NESTErrors.BadProperty, "unknown.*'p'"),
    ]
    for conn_spec, syn_spec, error, message in cases:
        with pytest.raises(error, match=message):
            nest.Connect(pre, post, conn_spec, syn_spec)
    with pytest.raises(TypeError, match="NodeCollections"):
        nest.Connect([1, 2], [4, 5], {"rule": "conngen", "cg": csa.oneToOne})
    assert nest.num_connections == 0


def test_flags_and_missing_package(nest, monkeypatch):
    assert nest.build_info["have_libneurosim"] is True  # csa is installed in the test environment
    assert nest.build_info["have_hdf5"] is True  # h5py likewise (SonataNetwork)
    pre = nest.Create("iaf_psc_alpha", 2)
    monkeypatch.setitem(sys.modules, "csa", None)  # importing it now fails
    with pytest.raises(ImportError, match="'conngen' connection rule.*needs the optional package 'csa'"):
        nest.Connect(pre, pre, {"rule": "conngen", "cg": object()})
    assert nest.num_connections == 0
