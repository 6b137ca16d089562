"""nest.visualization.plot_network: one graph edge per connection leaving the given nodes."""

import collections
import sys

import pydot
import pytest


def small_network(nest):
    """Connections (by construction): 1->2 twice, 2->3, 3->1, each neuron -> recorder 4, 5->1."""
    n = nest.Create("iaf_psc_alpha", 3)
    sr = nest.Create("spike_recorder")
    pg = nest.Create("poisson_generator")
    a, b, c = n.tolist()
    nest.Connect(n[0], n[1])
    nest.Connect(n[0], n[1])
    nest.Connect(n[1], n[2])
    nest.Connect(n[2], n[0], syn_spec={"weight": -3.0})
    nest.Connect(n, sr)
    nest.Connect(pg, n[0])
    expected = collections.Counter([(a, b), (a, b), (b, c), (c, a), (a, 4), (b, 4), (c, 4)])
    return n, pg, expected


def edges_of(dot_text):
    (graph,) = pydot.graph_from_dot_data(dot_text)
    edges = collections.Counter((int(e.get_source()), int(e.get_destination())) for e in graph.get_edges())
    return graph, edges


@pytest.mark.parametrize("suffix", ["png", "pdf"])
def test_graph_has_one_edge_per_outgoing_connection(nest, tmp_path, monkeypatch, suffix):
    n, pg, expected = small_network(nest)
    requested = []

    def create(self, prog=None, format="ps", encoding=None):  # noqa: A002 - pydot's name
        requested.append(format)
        return self.to_string().encode()

    monkeypatch.setattr(pydot.Dot, "create", create)
    path = tmp_path / f"net.{suffix}"
    nest.visualization.plot_network(n, str(path))
    assert requested == [suffix]
    graph, edges = edges_of(path.read_text())
    assert edges == expected  # the generator's connection does not start in n
    assert graph.get_rankdir() == "LR"

    nest.visualization.plot_network(pg, str(path))
    assert edges_of(path.read_text())[1] == collections.Counter([(pg.tolist()[0], n.tolist()[0])])


def test_rendered_files_are_png_and_pdf(nest, tmp_path):
    n, _, _ = small_network(nest)
    nest.visualization.plot_network(n, str(tmp_path / "net.png"))
    nest.visualization.plot_network(n, str(tmp_path / "net.pdf"))
    assert (tmp_path / "net.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (tmp_path / "net.pdf").read_bytes().startswith(b"%PDF")


def test_arguments_are_checked_as_in_pynest(nest, tmp_path):
    n, _, _ = small_network(nest)
    with pytest.raises(TypeError, match="NodeCollection"):
        nest.visualization.plot_network(n.tolist(), str(tmp_path / "x.png"))
    with pytest.raises(ValueError, match="at least contain one node"):
        nest.visualization.plot_network(n[0:0], str(tmp_path / "x.png"))
    with pytest.raises(NotImplementedError, match="ext_conns"):
        nest.visualization.plot_network(n, str(tmp_path / "x.png"), ext_conns=True)
    with pytest.raises(NotImplementedError, match="plot_modelnames"):
        nest.visualization.plot_network(n, str(tmp_path / "x.png"), plot_modelnames=True)
    with pytest.raises(ValueError, match=r"\.png' or '\.pdf"):
        nest.visualization.plot_network(n, str(tmp_path / "x.svg"))
    assert list(tmp_path.iterdir()) == []


def test_missing_pydot_is_named(nest, tmp_path, monkeypatch):
    n, _, _ = small_network(nest)
    monkeypatch.setitem(sys.modules, "pydot", None)  # import pydot now raises ImportError
    with pytest.raises(ImportError, match="pydot"):
        nest.visualization.plot_network(n, str(tmp_path / "x.png"))
