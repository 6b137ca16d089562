"""NodeCollection as in PyNEST: slicing, indexing, concatenation, membership, iteration."""

import nestkit
import pytest


@pytest.fixture
def nodes(nest):
    return nest.Create("iaf_psc_alpha", 10)  # ids 1 .. 10


def test_len_and_tolist(nodes):
    assert len(nodes) == 10
    assert nodes.tolist() == list(range(1, 11))


def test_slicing_with_steps(nodes):
    assert nodes[2:8:2].tolist() == [3, 5, 7]
    assert nodes[::3].tolist() == [1, 4, 7, 10]
    assert nodes[1::4].tolist() == [2, 6, 10]
    assert nodes[:4].tolist() == [1, 2, 3, 4]
    assert nodes[7:].tolist() == [8, 9, 10]
    assert nodes[::2][1:3].tolist() == [3, 5]  # slicing a stepped slice
    assert nodes[::2][::2].tolist() == [1, 5, 9]
    assert len(nodes[2:8:2]) == 3


def test_negative_indices(nodes):
    assert nodes[-1].tolist() == [10]
    assert nodes[-10].tolist() == [1]
    assert nodes[-3:].tolist() == [8, 9, 10]
    assert nodes[-4:-1].tolist() == [7, 8, 9]
    assert nodes[:-8].tolist() == [1, 2]
    with pytest.raises(IndexError):
        nodes[-11]
    with pytest.raises(IndexError):
        nodes[10]


def test_single_index_is_a_single_node_collection(nodes):
    n = nodes[4]
    assert isinstance(n, nestkit.NodeCollection)
    assert len(n) == 1
    assert n.tolist() == [5]
    assert n.global_id == 5
    assert n.get("global_id") == 5


def test_iteration_yields_single_node_collections(nodes):
    items = list(nodes[::3])
    assert all(isinstance(n, nestkit.NodeCollection) and len(n) == 1 for n in items)
    assert [n.tolist() for n in items] == [[1], [4], [7], [10]]
    assert [n.global_id for n in nodes] == list(range(1, 11))


def test_concatenation(nest, nodes):
    parrots = nest.Create("parrot_neuron", 3)  # 11 .. 13
    both = nodes[:2] + parrots
    assert both.tolist() == [1, 2, 11, 12, 13]
    assert len(both) == 5
    assert both[2].get("model") == "parrot_neuron"
    assert both[1].get("model") == "iaf_psc_alpha"
    assert both[1:4].tolist() == [2, 11, 12]  # a slice across the parts
    assert (nodes[::2] + nodes[1::2]).tolist() == list(range(1, 11))
    assert len(nodes[0:3] + nodes[5:7]) == 5


def test_concatenation_of_overlapping_collections_is_an_error(nodes):
    with pytest.raises(nestkit.NESTError):
        nodes[:5] + nodes[4:]
    with pytest.raises(nestkit.NESTError):
        nodes + nodes[3]


def test_membership(nest, nodes):
    assert 3 in nodes
    assert 11 not in nodes
    assert 0 not in nodes
    assert 4 not in nodes[::2]
    assert 5 in nodes[::2]
    assert nodes[2] in nodes
    assert nodes[2:5] in nodes
    other = nest.Create("parrot_neuron")
    assert other.global_id not in nodes


def test_index(nodes):
    assert nodes.index(5) == 4
    assert nodes[::2].index(7) == 3
    with pytest.raises(ValueError):
        nodes[::2].index(8)


def test_equality(nest, nodes):
    assert nodes[0:3] == nodes[0:3]
    assert nodes[0:3] == nodes[:3]
    assert nodes[0:3] != nodes[0:2]
    assert nodes[0:3] != nodes[1:4]
    assert nodes[::2] == nodes[0:10:2]
    assert nodes[::2] != nodes[1::2]
    other = nest.Create("iaf_psc_alpha", 10)
    assert other != nodes


def test_get_set_on_slices_and_compositions(nest, nodes):
    nodes[::2].set(I_e=5.0)
    assert nodes.get("I_e") == (5.0, 0.0) * 5
    nodes[1::2].set(I_e=[1.0, 2.0, 3.0, 4.0, 5.0])
    assert nodes.get("I_e") == (5.0, 1.0, 5.0, 2.0, 5.0, 3.0, 5.0, 4.0, 5.0, 5.0)
    comp = nodes[:2] + nodes[8:]
    comp.set(V_m=[-61.0, -62.0, -63.0, -64.0])
    v = nodes.get("V_m")
    assert v[:2] == (-61.0, -62.0) and v[8:] == (-63.0, -64.0)
    assert v[2:8] == (-70.0,) * 6


def test_get_on_a_mixed_composition(nest, nodes):
    parrots = nest.Create("parrot_neuron", 2)
    mixed = nodes[:2] + parrots
    assert mixed.get("global_id") == (1, 2, 11, 12)
    assert mixed.get("model") == ("iaf_psc_alpha", "iaf_psc_alpha", "parrot_neuron", "parrot_neuron")


def test_connect_with_sliced_collections(nest, nodes):
    nest.Connect(nodes[::5], nodes[1:3], "all_to_all")
    c = nest.GetConnections().get(["source", "target"])
    assert sorted(zip(c["source"], c["target"])) == [(1, 2), (1, 3), (6, 2), (6, 3)]


def test_synapse_collection_len(nest, nodes):
    nest.Connect(nodes[:3], nodes[3:5])
    assert len(nest.GetConnections()) == 6
    assert len(nest.GetConnections(nodes[0])) == 2
    assert len(nest.GetConnections(nodes[5:])) == 0
