"""Drawing a network's connections as a graph (PyNEST's nest.visualization).

Needs the optional package pydot, and Graphviz's ``dot`` program to render the file.
PyNEST imports pydot when the module is loaded; here the import happens in
plot_network, so ``nest.visualization`` can be looked at without pydot and the call
fails with an ImportError that names pydot.
"""

from __future__ import annotations

from .._collections import NodeCollection
from .._optional import require

__all__ = ["plot_network"]

_WRITERS = {"png": "write_png", "pdf": "write_pdf"}


def plot_network(nodes, filename, ext_conns=False, plot_modelnames=False):
    """Draw every connection that starts at one of `nodes` into `filename` (.png or .pdf).

    Nodes are labelled with their ids and laid out left to right by Graphviz's dot.
    As in PyNEST 3.10, connections to targets outside `nodes` are drawn too, and the
    options `ext_conns` and `plot_modelnames` are not available
    (NotImplementedError).
    """
    if not isinstance(nodes, NodeCollection):
        raise TypeError("nodes must be a 'NodeCollection'.")
    if len(nodes) == 0:
        raise ValueError("nodes must at least contain one node.")
    if ext_conns:
        raise NotImplementedError("ext_conns")
    if plot_modelnames:
        raise NotImplementedError("plot_modelnames")

    pydot = require("pydot", "nest.visualization.plot_network")
    from . import GetConnections

    conns = GetConnections(nodes)
    graph = pydot.Dot(rankdir="LR", ranksep="5")
    for pre, post in zip(conns.sources(), conns.targets()):
        graph.add_edge(pydot.Edge(str(pre), str(post)))

    suffix = str(filename).rsplit(".", 1)[-1] if "." in str(filename) else ""
    if suffix not in _WRITERS:
        raise ValueError("Filename must end in '.png' or '.pdf'.")
    getattr(graph, _WRITERS[suffix])(str(filename))
