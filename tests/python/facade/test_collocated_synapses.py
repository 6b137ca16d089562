"""nest.CollocatedSynapses: one draw of pairs, one connection per specification and pair."""

import nestkit
import numpy as np
import pytest


def _pairs(conns):
    d = conns.get(["source", "target"])
    return sorted(zip(d["source"], d["target"]))


def test_each_pair_gets_one_connection_per_specification(nest):
    nodes = nest.Create("iaf_psc_alpha", 3)
    spec = nest.CollocatedSynapses(
        {"weight": 4.0, "delay": 1.5},
        {"synapse_model": "stdp_synapse"},
        {"synapse_model": "stdp_synapse", "alpha": 3.0},
    )
    assert len(spec) == 3
    nest.Connect(nodes, nodes, "one_to_one", spec)
    assert nest.num_connections == 9
    static = nest.GetConnections(synapse_model="static_synapse")
    assert static.get("weight") == [4.0] * 3 and static.get("delay") == [1.5] * 3
    stdp = nest.GetConnections(synapse_model="stdp_synapse")
    assert sorted(stdp.get("alpha")) == [1.0, 1.0, 1.0, 3.0, 3.0, 3.0]
    expected = [(n, n) for n in nodes.tolist()]
    assert _pairs(static) == expected
    assert _pairs(stdp) == sorted(expected * 2)


@pytest.mark.parametrize(
    "conn_spec",
    [
        {"rule": "pairwise_bernoulli", "p": 0.3},
        {"rule": "fixed_indegree", "indegree": 4},
        {"rule": "fixed_outdegree", "outdegree": 3},
        {"rule": "fixed_total_number", "N": 25},
    ],
)
def test_random_rules_draw_the_pairs_once(nest, conn_spec):
    pre = nest.Create("iaf_psc_alpha", 20)
    post = nest.Create("iaf_psc_alpha", 15)
    nest.CopyModel("static_synapse", "syn_a")
    nest.CopyModel("static_synapse", "syn_b")
    nest.Connect(
        pre,
        post,
        conn_spec,
        nest.CollocatedSynapses(
            {"synapse_model": "syn_a", "weight": nest.random.uniform(0.0, 1.0)}, {"synapse_model": "syn_b"}
        ),
    )
    a = _pairs(nest.GetConnections(synapse_model="syn_a"))
    b = _pairs(nest.GetConnections(synapse_model="syn_b"))
    assert len(a) > 0
    assert a == b
    assert nest.num_connections == 2 * len(a)


def test_an_invalid_specification_creates_nothing(nest):
    nodes = nest.Create("iaf_psc_alpha", 4)
    nest.Connect(nodes, nodes, "one_to_one")
    before = nest.num_connections
    spec = nest.CollocatedSynapses({"weight": 2.0}, {"synapse_model": "stdp_synapse", "tau_plusss": 3.0})
    with pytest.raises(nestkit.NESTError, match="tau_plusss"):
        nest.Connect(nodes, nodes, "all_to_all", spec)
    assert nest.num_connections == before
    with pytest.raises(nestkit.NESTError, match="no_such_synapse"):
        nest.Connect(nodes, nodes, "all_to_all", nest.CollocatedSynapses({}, {"synapse_model": "no_such_synapse"}))
    with pytest.raises(nestkit.NESTError, match="at least one"):
        nest.Connect(nodes, nodes, "all_to_all", nest.CollocatedSynapses())
    assert nest.num_connections == before


def test_two_collocated_static_synapses_act_as_their_summed_weight(nest):
    # Linear summation of the input current: w1 + w2 through two synapses equals one
    # synapse of weight w1 + w2, so the membrane traces agree to rounding.
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 4.0, 4.5, 9.0]})
    pre = nest.Create("parrot_neuron")
    a, b = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(sg, pre)
    nest.Connect(pre, a, syn_spec=nest.CollocatedSynapses({"weight": 120.0}, {"weight": 80.0, "delay": 1.0}))
    nest.Connect(pre, b, syn_spec={"weight": 200.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, a + b)
    nest.Simulate(20.0)
    ev = mm.get("events")
    va = np.asarray(ev["V_m"])[np.asarray(ev["senders"]) == a.global_id]
    vb = np.asarray(ev["V_m"])[np.asarray(ev["senders"]) == b.global_id]
    assert va.max() > -70.0 + 1.0
    np.testing.assert_allclose(va, vb, rtol=0, atol=1e-12)
