"""Plots of a Result (``Result.plot_raster``, ``Result.plot_trace``), drawn as the
facade's ``nest.raster_plot.from_device`` and ``nest.voltage_trace.from_device`` draw them."""

from __future__ import annotations

import numpy as np

from ._optional import require

_FEATURE = "Plotting results"


def raster(times, senders, title: str, hist: bool = True, hist_binwidth: float = 5.0, grayscale: bool = False):
    """Raster (and rate histogram) in a new figure; returns the raster's Axes.

    The histogram, with ``hist``, is ``ax.figure.axes[1]``.
    """
    plt = require("matplotlib.pyplot", _FEATURE, "matplotlib")
    from .nest.raster_plot import _make_plot

    times = np.asarray(times, dtype=float)
    senders = np.asarray(senders)
    if not len(times):
        raise ValueError("No events recorded by 'spike_recorder'.")
    _make_plot(times, times, senders, senders, hist=hist, hist_binwidth=hist_binwidth, grayscale=grayscale, title=title)
    return plt.gca()


def trace(senders, times, values, variable: str, unit: str, ax=None, grayscale: bool = False):
    """One line per sender (``values[k]`` over ``times``) labelled "Neuron <id>"; returns the Axes.

    V_m gets voltage_trace's title and axis labels; other variables their name and unit.
    """
    plt = require("matplotlib.pyplot", _FEATURE, "matplotlib")
    if len(senders) == 0:
        raise ValueError("No events recorded.")
    if ax is None:
        _, ax = plt.subplots()
    for k, s in enumerate(senders):
        ax.plot(times, values[k], "k" if grayscale else "", label=f"Neuron {int(s)}")
    suffix = f" ({unit})" if unit else ""
    if variable == "V_m":
        ax.set_title("Membrane potential")
        ax.set_ylabel(f"Membrane potential{suffix}")
    else:
        ax.set_title(variable)
        ax.set_ylabel(f"{variable}{suffix}")
    ax.set_xlabel("Time (ms)")
    ax.legend(loc="best")
    return ax
