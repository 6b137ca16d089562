"""Raster plots with a rate histogram from a spike recorder (PyNEST's nest.raster_plot)."""

from __future__ import annotations

import numpy as np

from ..hdf5 import recorded_events

__all__ = ["extract_events", "from_data", "from_device", "from_file", "from_file_numpy", "from_file_pandas"]


def extract_events(data, time=None, sel=None):
    """Rows (node_id, t) of data with t_min <= t < t_max and node_id in sel.

    ``time=[t_max]`` or ``[t_min, t_max]``; ``sel`` a list of node ids (all when empty).
    """
    t_min, t_max = 0.0, float("inf")
    if time:
        t_max = time[-1]
        if len(time) > 1:
            t_min = time[0]
    keep = [row for row in data if t_min <= row[1] < t_max and (not sel or row[0] in sel)]
    return np.array(keep)


def _counts(ts, edges):
    """Events in [edges[i], edges[i+1]), the last bin open to the right."""
    ts = np.sort(np.asarray(ts, dtype=float).ravel())
    below = np.searchsorted(ts, edges, side="left")
    return np.diff(np.append(below, len(ts)))


def _make_plot(ts, ts1, node_ids, neurons, hist=True, hist_binwidth=5.0, grayscale=False, title=None, xlabel=None):
    import matplotlib.pyplot as plt

    plt.figure()
    marker, bar_color = (".k", "gray") if grayscale else (".", "blue")
    xlabel = xlabel or "Time (ms)"
    if hist:
        raster_ax = plt.axes([0.1, 0.3, 0.85, 0.6])
        lines = plt.plot(ts1, node_ids, marker)
        plt.ylabel("Neuron ID")
        plt.xticks([])
        xlim = plt.xlim()
        plt.axes([0.1, 0.1, 0.85, 0.17])
        edges = np.arange(np.amin(ts), np.amax(ts), float(hist_binwidth))
        heights = 1000.0 * _counts(ts, edges) / (hist_binwidth * len(np.unique(neurons)))
        plt.bar(edges, heights, width=hist_binwidth, color=bar_color, edgecolor="black")
        top = int(max(heights, default=0.0) * 1.1) + 5
        plt.yticks([int(x) for x in np.linspace(0.0, top, 4)])
        plt.ylabel("Rate (spks/s)")
        plt.xlabel(xlabel)
        plt.xlim(xlim)
        plt.axes(raster_ax)
    else:
        lines = plt.plot(ts1, node_ids, marker)
        plt.xlabel(xlabel)
        plt.ylabel("Neuron ID")
    plt.title("Raster plot" if title is None else title)
    plt.draw()
    return lines


def from_data(data, sel=None, **kwargs):
    """Raster plot of data[:, 0] (node ids) against data[:, 1] (times); ``sel`` picks node ids.

    Keyword arguments: hist=True, hist_binwidth=5.0, grayscale=False, title=None, xlabel=None.
    """
    data = np.asarray(data)
    if len(data) == 0:
        raise ValueError("No data to plot.")
    picked = extract_events(data, sel=sel)
    if len(picked) == 0:
        picked = np.empty((0, 2))
    return _make_plot(data[:, 1], picked[:, 1], picked[:, 0], data[:, 0], **kwargs)


def _read_ascii(fname):
    """(senders, times) of ASCII recorder files (NEST's layout: '#' header lines, a column-name line)."""
    names = [fname] if isinstance(fname, str) else list(fname)
    rows = []
    for name in names:
        with open(name) as f:
            lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
        if lines and not lines[0].split()[0].lstrip("-").isdigit():
            lines = lines[1:]  # the column names
        for ln in lines:
            parts = ln.split()
            rows.append((float(parts[0]), float(parts[1])))
    data = np.asarray(rows, dtype=float).reshape(-1, 2)
    return data


def from_device(detec, **kwargs):
    """Raster plot (with rate histogram unless hist=False) of a spike recorder's events or files."""
    status = detec.get()
    if status.get("element_type") != "recorder" or "record_from" in status or "n_events" not in status:
        raise TypeError("Please provide a 'spike_recorder'.")
    if status.get("record_to") == "ascii":
        return from_file(status["filenames"], **kwargs)
    if status.get("record_to") not in ("memory", "hdf5"):
        raise NotImplementedError(f"raster_plot.from_device: cannot read back the '{status.get('record_to')}' backend")
    ev = recorded_events(detec)
    ts, senders = np.asarray(ev["times"], dtype=float), np.asarray(ev["senders"])
    if not len(ts):
        raise ValueError("No events recorded by 'spike_recorder'.")
    kwargs.setdefault("title", f"Raster plot from device '{status['global_id']}'")
    return _make_plot(ts, ts, senders, senders, xlabel="Time (ms)", **kwargs)


def from_file(fname, **kwargs):
    """Raster plot from ASCII recorder files (one name or a list), as NEST writes them."""
    data = _read_ascii(fname)
    if not len(data):
        raise ValueError("No data to plot.")
    return from_data(data, **kwargs)


def from_file_numpy(fname, **kwargs):
    """As from_file (NumPy reader)."""
    return from_file(fname, **kwargs)


def from_file_pandas(fname, **kwargs):
    """As from_file (NEST reads with pandas; the result is the same plot)."""
    return from_file(fname, **kwargs)
