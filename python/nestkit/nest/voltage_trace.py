"""Membrane-potential plots from a voltmeter or multimeter (PyNEST's nest.voltage_trace)."""

from __future__ import annotations

import numpy as np

__all__ = ["from_device", "from_file"]


def _recorded_traces(detec):
    """{sender: (times, V_m)} from the device's events, senders in first-seen order."""
    ev = detec.get("events")
    senders = np.asarray(ev["senders"])
    times = np.asarray(ev["times"], dtype=float)
    values = np.asarray(ev["V_m"], dtype=float)
    traces = {}
    for s in dict.fromkeys(senders.tolist()):
        mask = senders == s
        traces[int(s)] = (times[mask], values[mask])
    return traces


def from_device(detec, neurons=None, title=None, grayscale=False, timeunit="ms", *, nodes=None):
    """Plot V_m of the nodes recorded by a voltmeter or a multimeter recording V_m.

    ``neurons`` (alias ``nodes``) are node ids to plot (default: every recorded node).
    ``timeunit="s"`` plots seconds. Returns the list of line lists from ``plt.plot``, one per node.
    """
    import matplotlib.pyplot as plt

    if nodes is not None:
        neurons = nodes
    if len(detec) > 1:
        raise ValueError("Please provide a single 'voltmeter' or 'multimeter'.")
    status = detec.get()
    if status.get("element_type") != "recorder" or "record_from" not in status:
        raise TypeError("Please provide a 'voltmeter' or a 'multimeter' measuring V_m.")
    if "V_m" not in status["record_from"]:
        raise ValueError("Please provide a 'multimeter' measuring 'V_m'.")
    if status.get("record_to") != "memory":
        raise NotImplementedError("voltage_trace.from_device: nestkit records to memory only")
    factor = 1.0
    if timeunit == "s":
        factor = 1000.0
    else:
        timeunit = "ms"
    traces = _recorded_traces(detec)
    if not traces:
        raise ValueError("No events recorded.")
    if neurons is None:
        neurons = list(traces)
    elif hasattr(neurons, "tolist"):
        neurons = neurons.tolist()
    plotids = []
    for node in neurons:
        if int(node) not in traces:
            print(f"INFO: Wrong ID: {node}")
            continue
        t, v = traces[int(node)]
        style = "k" if grayscale else ""
        plotids.append(plt.plot(t / factor, v, style, label=f"Neuron {int(node)}"))
    plt.title(title or "Membrane potential")
    plt.ylabel("Membrane potential (mV)")
    plt.xlabel(f"Time ({timeunit})")
    plt.legend(loc="best")
    plt.draw()
    return plotids


def from_file(fname, title=None, grayscale=False):
    """Plot from NEST's ASCII recorder files: nestkit records to memory only."""
    raise NotImplementedError("nest.voltage_trace.from_file is not implemented by nestkit yet: no ASCII recording")
