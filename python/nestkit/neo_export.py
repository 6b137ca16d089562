"""Recorded data as Neo objects (``Result.to_neo`` and ``nestkit.nest.to_neo``).

A ``neo.Block`` with one Segment: one SpikeTrain per sender of each spike recorder
(every node connected to it, silent ones too, so that rates average over the whole
population), ``t_start``/``t_stop`` the recording window ``(origin + start, origin +
stop]`` cut at the current time, and one AnalogSignal per recorded variable of each
multimeter or voltmeter (a column per sender, in NEST's units). Each recorder's
objects are also gathered in a ``neo.Group`` named after it.
"""

from __future__ import annotations

import numpy as np

from . import _core
from ._optional import require
from .hdf5 import read_events

_FEATURE = "Exporting recordings to Neo (to_neo)"

# Units of recordables by name prefix, as NEST's model documentation gives them, for
# recordables that are not declared parameters or states of the model.
_PREFIX_UNITS = (("V_", "mV"), ("E_", "mV"), ("I_", "pA"), ("g_", "nS"), ("C_", "pF"), ("tau_", "ms"))


def recordable_unit(model: str, name: str) -> str:
    """The unit of recordable `name` of `model` ("" for dimensionless)."""
    for spec in _core.model_schema(model):
        if spec["name"] == name and spec["unit"]:
            return spec["unit"]
    for prefix, unit in _PREFIX_UNITS:
        if name.startswith(prefix):
            return unit
    return ""


def _status(kernel, gid: int) -> dict:
    return kernel.get_status(_core.NodeIds([gid]), [])[0]


def recorder_events(kernel, gid: int, status: dict | None = None) -> dict:
    """A recorder's events in ms, from memory or its HDF5 file."""
    status = status or _status(kernel, gid)
    backend = status.get("record_to")
    if backend == "memory":
        events = kernel.events(gid)
    elif backend == "hdf5":
        events = read_events(status["filenames"][0])
    else:
        raise ValueError(
            f"{status.get('model')} (node {gid}) records to '{backend}'; only the 'memory' and 'hdf5' "
            "backends can be read back"
        )
    if "offsets" in events:  # time_in_steps: steps and offsets, as the memory backend keeps them
        events = dict(events)
        events["times"] = np.asarray(events["times"]) * kernel.resolution - np.asarray(events.pop("offsets"))
    return events


def _window(status: dict, now: float) -> tuple[float, float]:
    t_start = status["origin"] + status["start"]
    t_stop = min(status["origin"] + status["stop"], now)
    return t_start, max(t_start, t_stop)


def _connected_senders(kernel, gid: int) -> list[int]:
    conns = kernel.get_connections(None, _core.NodeIds([gid]), None, None)
    if not len(conns):
        return []
    return sorted(set(kernel.connection_values(conns, ["source"])["source"]))


def _spike_trains(neo, pq, kernel, gid, status, events, now):
    senders = np.asarray(events["senders"])
    times = np.asarray(events["times"], dtype=float)
    t_start, t_stop = _window(status, now)
    trains = []
    for s in sorted(set(_connected_senders(kernel, gid)) | set(senders.tolist())):
        trains.append(
            neo.SpikeTrain(
                np.sort(times[senders == s]),
                units=pq.ms,
                t_start=t_start * pq.ms,
                t_stop=t_stop * pq.ms,
                name=f"node {s}",
                sender=int(s),
                sender_model=kernel.model_of(int(s)),
                recorder=gid,
            )
        )
    return trains


def _units(pq, unit: str):
    try:
        return pq.Quantity(1.0, unit).units if unit else pq.dimensionless
    except (LookupError, ValueError):
        return pq.dimensionless


def _analog_signals(neo, pq, kernel, gid, status, events):
    senders = np.asarray(events["senders"])
    times = np.asarray(events["times"], dtype=float)
    order = list(dict.fromkeys(senders.tolist()))
    if not order:
        return []
    per_sender_times = [times[senders == s] for s in order]
    regular = all(
        len(t) == len(per_sender_times[0]) and np.array_equal(t, per_sender_times[0]) for t in per_sender_times
    )
    signals = []
    for name in status["record_from"]:
        values = np.asarray(events[name], dtype=float)
        units = _units(pq, recordable_unit(kernel.model_of(int(order[0])), name))
        common = {"name": name, "recorder": gid, "variable": name}
        if regular:
            t = per_sender_times[0]
            columns = np.column_stack([values[senders == s] for s in order])
            signals.append(
                neo.AnalogSignal(
                    columns,
                    units=units,
                    t_start=(t[0] if len(t) else 0.0) * pq.ms,
                    sampling_period=status["interval"] * pq.ms,
                    array_annotations={"sender": np.asarray(order)},
                    **common,
                )
            )
        else:  # senders sampled at different times (connected during the run): one signal each
            for s, t in zip(order, per_sender_times):
                signals.append(
                    neo.IrregularlySampledSignal(
                        t * pq.ms, values[senders == s][:, None], units=units, sender=int(s), **common
                    )
                )
    return signals


def to_block(kernel, recorder_ids, *, name: str = "nestkit recording"):
    """A neo.Block of the recorders' data (spike recorders, multimeters, voltmeters)."""
    neo = require("neo", _FEATURE)
    pq = require("quantities", _FEATURE)
    from . import __version__

    kstatus = kernel.get_kernel_status()
    now = kstatus["biological_time"]
    block = neo.Block(
        name=name,
        nestkit_version=__version__,
        resolution_ms=kstatus["resolution"],
        rng_seed=kstatus["rng_seed"],
    )
    segment = neo.Segment(name="run", biological_time_ms=now)
    block.segments.append(segment)
    for gid in recorder_ids:
        gid = int(gid)
        status = _status(kernel, gid)
        if status.get("element_type") != "recorder":
            raise TypeError(f"to_neo: node {gid} ({status.get('model')}) is not a recorder")
        events = recorder_events(kernel, gid, status)
        group = neo.Group(name=f"{status['model']} {gid}", recorder=gid, model=status["model"])
        if "record_from" in status:
            signals = _analog_signals(neo, pq, kernel, gid, status, events)
            for sig in signals:
                (
                    segment.analogsignals if isinstance(sig, neo.AnalogSignal) else segment.irregularlysampledsignals
                ).append(sig)
            group.add(*signals)
        elif "weights" in events or "targets" in events:
            raise TypeError(f"to_neo: {status['model']} (node {gid}) records weights, which Neo has no object for")
        else:
            trains = _spike_trains(neo, pq, kernel, gid, status, events, now)
            segment.spiketrains.extend(trains)
            group.add(*trains)
        block.groups.append(group)
    return block
