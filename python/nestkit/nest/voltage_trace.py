"""Membrane-potential plots from a voltmeter or multimeter (PyNEST's nest.voltage_trace)."""

from __future__ import annotations

import numpy as np

from ..hdf5 import recorded_events

__all__ = ["from_device", "from_file"]


def _recorded_traces(detec):
    """{sender: (times, V_m)} from the device's events, senders in first-seen order."""
    ev = recorded_events(detec)
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
    if status.get("record_to") == "ascii":
        return from_file(status["filenames"], title=title, grayscale=grayscale)
    if status.get("record_to") not in ("memory", "hdf5"):
        raise NotImplementedError(
            f"voltage_trace.from_device: cannot read back the '{status.get('record_to')}' backend"
        )
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
    """Plot V_m (the third column) per sender from ASCII multimeter/voltmeter files."""
    import matplotlib.pyplot as plt

    names = [fname] if isinstance(fname, str) else list(fname)
    rows = []
    for name in names:
        with open(name) as f:
            lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
        if lines and not lines[0].split()[0].lstrip("-").isdigit():
            lines = lines[1:]
        rows += [[float(x) for x in ln.split()[:3]] for ln in lines]
    data = np.asarray(rows, dtype=float).reshape(-1, 3)
    if not len(data):
        raise ValueError("No data to plot.")
    plotids = []
    for s in dict.fromkeys(data[:, 0].tolist()):
        m = data[:, 0] == s
        plotids.append(plt.plot(data[m, 1], data[m, 2], "k" if grayscale else "", label=f"Neuron {int(s)}"))
    plt.title(title or "Membrane potential")
    plt.ylabel("Membrane potential (mV)")
    plt.xlabel("Time (ms)")
    plt.legend(loc="best")
    plt.draw()
    return plotids
