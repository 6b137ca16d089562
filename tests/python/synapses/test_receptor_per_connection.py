"""receptor_type per connection: an array or a parameter object in syn_spec (as NEST's
brunel_exp_multisynapse_nest draws each connection's port)."""

import nestkit
import numpy as np
import pytest


def _multisynapse(nest, n, ports=3):
    return nest.Create("iaf_psc_exp_multisynapse", n, params={"tau_syn": [1.0 + k for k in range(ports)]})


def _table(conns):
    d = conns.get(["source", "target", "receptor"])
    return sorted(zip(d["source"], d["target"], d["receptor"]))


def test_an_array_gives_each_connection_its_port(nest):
    pre = nest.Create("parrot_neuron", 6)
    post = _multisynapse(nest, 6)
    ports = [1, 3, 2, 2, 1, 3]
    nest.Connect(pre, post, "one_to_one", {"receptor_type": ports})
    expected = sorted(zip(pre.tolist(), post.tolist(), ports))
    assert _table(nest.GetConnections(pre, post)) == expected


def test_a_random_parameter_draws_ports_identically_for_any_thread_count(nest):
    tables = []
    for threads in (1, 2):
        nest.ResetKernel()
        nest.SetKernelStatus({"local_num_threads": threads, "rng_seed": 7})
        pre = nest.Create("parrot_neuron", 30)
        post = _multisynapse(nest, 20, ports=4)
        nest.Connect(
            pre,
            post,
            {"rule": "fixed_indegree", "indegree": 10},
            {"receptor_type": nest.random.uniform_int(max=4) + 1, "weight": 2.0},
        )
        tables.append(_table(nest.GetConnections(pre, post)))
    assert tables[0] == tables[1]
    ports = [r for _, _, r in tables[0]]
    assert len(ports) == 200
    assert set(ports) == {1, 2, 3, 4}
    # uniform over 4 ports: each count is Binomial(200, 1/4), sd ~6.1
    counts = np.bincount(ports, minlength=5)[1:]
    assert np.all(np.abs(counts - 50) < 5 * 6.2)


def test_per_connection_ports_act_as_separate_calls(nest):
    # Delivering through ports drawn per connection must equal connecting each port
    # in its own call: the membrane traces of two identical targets agree exactly.
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 5.0]})
    pre = nest.Create("parrot_neuron", 3)
    a = _multisynapse(nest, 1)
    b = _multisynapse(nest, 1)
    nest.Connect(sg, pre)
    nest.Connect(pre, a, "all_to_all", {"receptor_type": [3, 1, 2], "weight": [300.0, 200.0, 100.0]})
    for k, (port, w) in enumerate(zip([3, 1, 2], [300.0, 200.0, 100.0])):
        nest.Connect(pre[k], b, syn_spec={"receptor_type": port, "weight": w})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, a + b)
    nest.Simulate(15.0)
    ev = mm.get("events")
    s, v = np.asarray(ev["senders"]), np.asarray(ev["V_m"])
    assert v[s == a.global_id].max() > -70.0 + 0.5
    np.testing.assert_array_equal(v[s == a.global_id], v[s == b.global_id])


@pytest.mark.parametrize(
    "ports, match",
    [([1, 0, 2], "receptor_type 0"), ([1, 2.5, 2], "integer"), ([1, 2], "array of 2 values"), ([1, 9, 2], "9")],
)
def test_bad_ports_create_nothing(nest, ports, match):
    pre = nest.Create("parrot_neuron", 3)
    post = _multisynapse(nest, 3)
    nest.Connect(pre, post, "one_to_one", {"receptor_type": 1})
    with pytest.raises(nestkit.NESTError, match=match):
        nest.Connect(pre, post, "one_to_one", {"receptor_type": ports})
    assert nest.num_connections == 3


def test_connections_of_rows_split_by_port_are_listed_by_source_then_target(nest):
    # Random ports and two synapse models split each source's row into many segments; NEST
    # lists connections by source, then target, whichever sources are asked for.
    nest.SetKernelStatus({"local_num_threads": 2, "rng_seed": 3})
    pre = nest.Create("parrot_neuron", 40)
    post = _multisynapse(nest, 30, ports=5)
    spec = {"rule": "fixed_indegree", "indegree": 12}
    nest.Connect(pre, post, spec, {"receptor_type": nest.random.uniform_int(max=5) + 1, "weight": 1.0})
    nest.Connect(pre, post, spec, {"synapse_model": "stdp_synapse", "receptor_type": 2, "weight": 2.0})
    keys = ["source", "target", "receptor", "weight"]
    everything = list(zip(*nest.GetConnections().get(keys).values()))
    assert len(everything) == 2 * 12 * 30
    assert len({row[2] for row in everything}) == 5
    for sources in (pre, pre[3:17], pre[::7]):
        listed = list(zip(*nest.GetConnections(source=sources).get(keys).values()))
        assert [row[:2] for row in listed] == sorted(row[:2] for row in listed)
        assert sorted(listed) == sorted(row for row in everything if row[0] in sources.tolist())
