"""The native Python API.

sim = nestkit.Simulator(dt=0.1 * ms, seed=12)
n = sim.create("iaf_psc_alpha", 10, I_e=376.0 * pA)
mm = sim.create("multimeter", record_from=["V_m"], interval=0.1 * ms)
sim.connect(mm, n)
result = sim.simulate(100 * ms)
trace = result.trace(mm, "V_m")
trace.to_pandas()                 # long format: sender, time, variable, value
block = result.to_neo()           # a neo.Block for Elephant
ax = result.plot_trace(mm, "V_m")  # matplotlib
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _core, neo_export, plots
from ._collections import NodeCollection, SynapseCollection, flatten_params
from ._connect import connect as _connect
from ._hdf5_writer import Hdf5Writer, simulate_draining
from ._optional import require


class _TraceFields(NamedTuple):
    senders: np.ndarray
    times: np.ndarray
    values: np.ndarray


class Trace(_TraceFields):
    """Samples of one recordable: ``values[k, j]`` is sender ``senders[k]`` at ``times[j]``.

    A 3-tuple (senders, times, values); ``variable`` names the recordable.
    """

    def __new__(cls, senders, times, values, variable: str = ""):
        self = super().__new__(cls, senders, times, values)
        self.variable = variable  # not a tuple field: unpacking a Trace gives three arrays, as before
        return self

    def to_pandas(self):
        """Long format, one row per sample, by time and then in the order of ``senders``: sender, time, variable, value."""
        pd = require("pandas", "Trace.to_pandas")
        n_senders, n_times = self.values.shape
        return pd.DataFrame(
            {
                "sender": np.tile(self.senders, n_times),
                "time": np.repeat(self.times, n_senders),
                "variable": np.full(n_senders * n_times, self.variable, dtype=object),
                "value": self.values.T.ravel(),
            }
        )


class Spikes(NamedTuple):
    senders: np.ndarray
    times: np.ndarray

    def of(self, sender: int) -> np.ndarray:
        """Spike times of one sender."""
        return self.times[self.senders == sender]

    def to_pandas(self):
        """One row per spike in recording order: sender, time."""
        pd = require("pandas", "Spikes.to_pandas")
        return pd.DataFrame({"sender": self.senders, "time": self.times})


class Result:
    """What a recorder holds after a ``simulate`` call (cumulative, as in NEST)."""

    def __init__(self, sim: Simulator):
        self._sim = sim

    @property
    def time(self) -> float:
        return self._sim.time

    def events(self, recorder: NodeCollection) -> dict:
        """What the recorder holds (memory backend) or wrote (hdf5 backend), as ``events``."""
        if len(recorder) == 1 and recorder.get("record_to") == "hdf5":
            return neo_export.recorder_events(recorder._kernel, recorder.tolist()[0])
        return recorder.get("events")

    def spikes(self, recorder: NodeCollection) -> Spikes:
        ev = self.events(recorder)
        return Spikes(np.asarray(ev["senders"]), np.asarray(ev["times"]))

    def trace(self, recorder: NodeCollection, name: str) -> Trace:
        ev = self.events(recorder)
        if name not in ev:
            raise KeyError(
                f"'{name}' is not recorded by this recorder (recorded: "
                f"{[k for k in ev if k not in ('senders', 'times')]})"
            )
        senders = np.asarray(ev["senders"])
        order = list(dict.fromkeys(senders.tolist()))
        if not order:
            return Trace(np.array([], dtype=int), np.array([]), np.zeros((0, 0)), name)
        times = np.asarray(ev["times"])[senders == order[0]]
        values = np.vstack([np.asarray(ev[name])[senders == s] for s in order])
        return Trace(np.asarray(order), times, values, name)

    def to_neo(self, *recorders: NodeCollection):
        """A neo.Block of the given recorders' data (default: every recorder this Simulator created).

        One SpikeTrain per sender of each spike recorder, one AnalogSignal per recorded
        variable of each multimeter (see nestkit.neo_export); needs the ``neo`` package.
        """
        ids = [g for r in recorders for g in r.tolist()] if recorders else list(self._sim._recorders)
        return neo_export.to_block(self._sim._kernel, ids)

    def plot_raster(self, recorder: NodeCollection, hist: bool = True, hist_binwidth: float = 5.0, grayscale=False):
        """The spike recorder's raster (and rate histogram), as nest.raster_plot.from_device draws it.

        Returns the raster's matplotlib Axes (the histogram is ``ax.figure.axes[1]``).
        """
        if len(recorder) != 1 or "record_from" in recorder.get() or recorder.get("element_type") != "recorder":
            raise TypeError("plot_raster: give one spike_recorder")
        sp = self.spikes(recorder)
        title = f"Raster plot from device '{recorder.tolist()[0]}'"
        return plots.raster(sp.times, sp.senders, title, hist=hist, hist_binwidth=hist_binwidth, grayscale=grayscale)

    def plot_trace(self, recorder: NodeCollection, name: str = "V_m", ax=None, grayscale=False):
        """One line per recorded node of variable `name`; V_m as nest.voltage_trace.from_device draws it.

        Draws into `ax` if given (else a new figure); returns the Axes.
        """
        tr = self.trace(recorder, name)
        unit = (
            neo_export.recordable_unit(self._sim._kernel.model_of(int(tr.senders[0])), name) if len(tr.senders) else ""
        )
        return plots.trace(tr.senders, tr.times, tr.values, name, unit, ax=ax, grayscale=grayscale)


class Simulator:
    """One independent simulation kernel."""

    def __init__(
        self,
        dt=0.1,
        seed: int | None = None,
        threads: int = 1,
        *,
        data_path: str | None = None,
        data_prefix: str = "",
        overwrite_files: bool = False,
    ):
        """`data_path`, `data_prefix` and `overwrite_files` (NEST's kernel keys) place the
        files of recorders with record_to "ascii" or "hdf5"."""
        self._kernel = _core.Kernel()
        status = {"resolution": dt, "local_num_threads": threads}
        if seed is not None:
            status["rng_seed"] = seed
        if data_path is not None:
            status["data_path"] = str(data_path)
        if data_prefix:
            status["data_prefix"] = data_prefix
        if overwrite_files:
            status["overwrite_files"] = True
        self._kernel.set_kernel_status(status)
        self._hdf5 = Hdf5Writer(self._kernel)
        self._recorders: list[int] = []  # node IDs of recorders, for Result.to_neo()

    # --- status ---
    @property
    def time(self) -> float:
        """Biological time in ms."""
        return self._kernel.biological_time

    @property
    def resolution(self) -> float:
        return self._kernel.resolution

    def status(self) -> dict:
        return self._kernel.get_kernel_status()

    def models(self) -> list[str]:
        return list(self._kernel.node_models()) + list(self._kernel.synapse_models())

    def defaults(self, model: str) -> dict:
        return self._kernel.get_defaults(model)

    def set_defaults(self, model: str, **params) -> None:
        self._kernel.set_defaults(model, params)

    def copy_model(self, existing: str, new: str, **params) -> None:
        self._kernel.copy_model(existing, new, params)

    # --- building ---
    def create(self, model: str, n: int = 1, **params) -> NodeCollection:
        nodes = NodeCollection(self._kernel, self._kernel.create(model, int(n), flatten_params(params)))
        first = nodes.tolist()[0]
        if self._kernel.get_status(_core.NodeIds([first]), ["element_type"])[0]["element_type"] == "recorder":
            self._recorders.extend(nodes.tolist())
        return nodes

    def connect(
        self,
        pre,
        post,
        rule: str = "all_to_all",
        *,
        synapse: str = "static_synapse",
        weight=None,
        delay=None,
        receptor: int | None = None,
        **rule_params,
    ) -> None:
        syn = {"synapse_model": synapse}
        if weight is not None:
            syn["weight"] = weight
        if delay is not None:
            syn["delay"] = delay
        if receptor is not None:
            syn["receptor_type"] = receptor
        _connect(self._kernel, pre, post, {"rule": rule, **rule_params}, syn)

    def connections(self, source=None, target=None, synapse: str | None = None) -> SynapseCollection:
        return SynapseCollection(
            self._kernel,
            self._kernel.get_connections(
                source._ids if source is not None else None, target._ids if target is not None else None, synapse
            ),
        )

    # --- running ---
    def simulate(self, t) -> Result:
        """Advance by `t` (ms, or a time Quantity); returns the recorders' results.

        Recorders with record_to "hdf5" are written to their files while the run goes.
        """
        from .units import in_unit

        simulate_draining(self._kernel, in_unit(t, "ms", "simulate: t"), self._hdf5)
        return Result(self)
