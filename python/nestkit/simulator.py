"""The native Python API.

sim = nestkit.Simulator(dt=0.1 * ms, seed=12)
n = sim.create("iaf_psc_alpha", 10, I_e=376.0 * pA)
mm = sim.create("multimeter", record_from=["V_m"], interval=0.1 * ms)
sim.connect(mm, n)
result = sim.simulate(100 * ms)
trace = result.trace(mm, "V_m")
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _core
from ._collections import NodeCollection, SynapseCollection, flatten_params
from ._connect import connect as _connect


class Trace(NamedTuple):
    """Samples of one recordable: ``values[k, j]`` is sender ``senders[k]`` at ``times[j]``."""

    senders: np.ndarray
    times: np.ndarray
    values: np.ndarray


class Spikes(NamedTuple):
    senders: np.ndarray
    times: np.ndarray

    def of(self, sender: int) -> np.ndarray:
        """Spike times of one sender."""
        return self.times[self.senders == sender]


class Result:
    """What a recorder holds after a ``simulate`` call (cumulative, as in NEST)."""

    def __init__(self, sim: Simulator):
        self._sim = sim

    @property
    def time(self) -> float:
        return self._sim.time

    def events(self, recorder: NodeCollection) -> dict:
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
            return Trace(np.array([], dtype=int), np.array([]), np.zeros((0, 0)))
        times = np.asarray(ev["times"])[senders == order[0]]
        values = np.vstack([np.asarray(ev[name])[senders == s] for s in order])
        return Trace(np.asarray(order), times, values)


class Simulator:
    """One independent simulation kernel."""

    def __init__(self, dt=0.1, seed: int | None = None, threads: int = 1):
        self._kernel = _core.Kernel()
        status = {"resolution": dt, "local_num_threads": threads}
        if seed is not None:
            status["rng_seed"] = seed
        self._kernel.set_kernel_status(status)

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
        return NodeCollection(self._kernel, self._kernel.create(model, int(n), flatten_params(params)))

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
        """Advance by `t` (ms, or a time Quantity); returns the recorders' results."""
        from .units import in_unit

        self._kernel.simulate(in_unit(t, "ms", "simulate: t"))
        return Result(self)
