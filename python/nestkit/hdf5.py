"""Reading what the ``hdf5`` recording backend wrote (``record_to: "hdf5"``).

Each recorder writes one file, ``data_path/data_prefix(label|model)-<node id>.h5``
(its ``filenames``), while the simulation runs; docs/hdf5-layout.md describes the
layout. ``read_events`` gives the dictionary the memory backend's ``events`` would
have held, ``read_metadata`` the run's and the device's description.
"""

from __future__ import annotations

import contextlib
import json

import numpy as np

from ._optional import require

#: Written as the root's ``format`` attribute; readers check it.
FORMAT = "nestkit-recording"
#: Bumped when the layout changes incompatibly.
FORMAT_VERSION = 1


@contextlib.contextmanager
def _open(path):
    """The file for reading; one a run session is writing (RunManager) is read through its writer."""
    from . import _hdf5_writer

    writing = _hdf5_writer.open_files.get(str(path))
    if writing is not None:
        writing.flush()
        yield writing
        return
    h5py = require("h5py", "Reading nestkit's HDF5 recordings")
    with h5py.File(path, "r") as f:
        if _plain(f.attrs.get("format")) != FORMAT:
            raise ValueError(f"{path} is not a nestkit recording (its root has no format attribute '{FORMAT}')")
        yield f


def read_events(path) -> dict:
    """The recorder's events as the memory backend gives them: ``senders``, ``times``
    (``offsets`` too with time_in_steps) and one array per recorded value, in recording order."""
    with _open(path) as f:
        group = f["events"]
        return {name: group[name][()] for name in group.attrs["columns"]}


def read_metadata(path) -> dict:
    """``run`` (nestkit and NEST versions, seed, resolution, threads, ...), ``device``
    (the recorder's parameters when the run began) and ``sender_models``."""
    with _open(path) as f:
        run = {k: _plain(v) for k, v in f.attrs.items()}
        device = {k: _plain(v) for k, v in f["device"].attrs.items()}
        device["parameters"] = json.loads(device.pop("parameters_json"))
        return {"run": run, "device": device, "sender_models": list(device.pop("sender_models", []))}


def _plain(value):
    """h5py attributes as plain Python values (numpy scalars, byte strings, string arrays)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def recorded_events(recorder) -> dict:
    """The events of one recorder node (a one-node NodeCollection) from memory or its HDF5 file."""
    if recorder.get("record_to") == "hdf5":
        return read_events(recorder.get("filenames")[0])
    return recorder.get("events")


__all__ = ["read_events", "read_metadata", "recorded_events", "FORMAT", "FORMAT_VERSION"]
