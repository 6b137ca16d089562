"""The writing half of the ``hdf5`` recording backend.

The C++ backend buffers a recorder's rows like the memory backend; after every
simulated chunk this writer takes them (``Kernel.take_hdf5_batches``) and appends
them to the recorder's file with h5py, so the buffer never holds more than one chunk.
nestkit's results do not depend on how a simulation is split into chunks, so the
file holds exactly what the memory backend would have held. docs/hdf5-layout.md
describes the layout; nestkit.hdf5 reads it back.
"""

from __future__ import annotations

import datetime
import json
import math
import time

import numpy as np

from . import _core
from ._optional import require
from .hdf5 import FORMAT, FORMAT_VERSION

#: Rows per HDF5 chunk (512 KiB of float64): large enough for gzip, small for appends.
CHUNK_ROWS = 1 << 16
#: Simulated chunks shrink when they buffer more rows than this (about 3 MiB of spikes).
MAX_ROWS_PER_CHUNK = 1 << 16
#: nestkit's files follow NEST 3.10's semantics; written as the root's nest_version.
NEST_VERSION = "3.10"

# Files the writers in this process hold open, by path; nestkit.hdf5 reads through them.
open_files: dict = {}


class _RecorderFile:
    """One recorder's file while a run session appends to it."""

    def __init__(self, kernel, batch: dict):
        h5py = require("h5py", "The hdf5 recording backend (record_to 'hdf5')")
        self.kernel = kernel
        self.path = batch["path"]
        self.node_id = batch["node_id"]
        # A recorder's first batch creates (truncates) its file; later sessions append.
        self.file = h5py.File(self.path, "w" if batch["new_file"] else "a")
        self.senders_seen = np.empty(0, dtype=np.int64)
        if "events" not in self.file:
            self._describe(batch)
        open_files[self.path] = self.file

    def _describe(self, batch: dict) -> None:
        from . import __version__

        status = self.kernel.get_kernel_status()
        f = self.file
        f.attrs.update(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "nestkit_version": __version__,
                "nest_version": NEST_VERSION,
                "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "resolution": status["resolution"],
                "rng_seed": status["rng_seed"],
                "local_num_threads": status["local_num_threads"],
                "biological_time": status["biological_time"],
            }
        )
        device = f.create_group("device")
        params = self.kernel.get_status(_core.NodeIds([self.node_id]), [])[0]
        device.attrs.update(
            {
                "node_id": self.node_id,
                "model": batch["model"],
                "label": batch["label"],
                "parameters_json": json.dumps(params, default=_jsonable, sort_keys=True),
                "sender_models": np.array([], dtype=h5py_str()),
            }
        )
        group = f.create_group("events")
        columns = list(batch["events"])
        group.attrs["columns"] = np.array(columns, dtype=h5py_str())
        for name in columns:
            group.create_dataset(
                name,
                shape=(0,),
                maxshape=(None,),
                dtype=np.asarray(batch["events"][name]).dtype,
                chunks=(CHUNK_ROWS,),
                compression="gzip",
                compression_opts=4,
                shuffle=True,
            )

    def append(self, events: dict) -> None:
        n = len(events["senders"])
        if n == 0:
            return
        group = self.file["events"]
        for name, values in events.items():
            ds = group[name]
            old = ds.shape[0]
            ds.resize((old + n,))
            ds[old:] = values
        self.senders_seen = np.union1d(self.senders_seen, np.unique(events["senders"]))

    def close(self) -> None:
        """Records what only the end of the session knows (time, the senders' models) and closes."""
        f = self.file
        device = f["device"]
        models = {str(m.decode() if isinstance(m, bytes) else m) for m in device.attrs["sender_models"]}
        models.update(self.kernel.model_of(int(s)) for s in self.senders_seen)
        device.attrs["sender_models"] = np.array(sorted(models), dtype=h5py_str())
        device.attrs["n_events"] = f["events"]["senders"].shape[0]
        f.attrs["biological_time"] = self.kernel.get_kernel_status()["biological_time"]
        open_files.pop(self.path, None)
        f.close()


def h5py_str():
    return require("h5py", "The hdf5 recording backend (record_to 'hdf5')").string_dtype()


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


class Hdf5Writer:
    """Appends a kernel's hdf5 recorders' rows to their files during a run session."""

    def __init__(self, kernel):
        self._kernel = kernel
        self._files: dict[str, _RecorderFile] = {}
        self.active = False

    def drain(self) -> int:
        """Writes what the hdf5 recorders buffered; the number of rows written.

        ``active`` tells afterwards whether any hdf5 recorder is open.
        """
        batches = self._kernel.take_hdf5_batches()
        rows = 0
        for batch in batches:
            rf = self._files.get(batch["path"])
            if rf is None or batch["new_file"]:
                if rf is not None:
                    rf.close()
                rf = self._files[batch["path"]] = _RecorderFile(self._kernel, batch)
            rf.append(batch["events"])
            rows += len(batch["events"]["senders"])
        self.active = bool(batches)
        return rows

    def close(self) -> None:
        """Closes every file (at the end of a run session); the next session appends."""
        files, self._files = self._files, {}
        for rf in files.values():
            rf.close()


def next_chunk(chunk: int, rows: int, wall: float, quantum: int = 1) -> int:
    """The next chunk's length in steps (a multiple of `quantum`): doubled while a chunk takes
    under 50 ms and buffers few rows, halved when it buffered more than MAX_ROWS_PER_CHUNK."""
    if rows > MAX_ROWS_PER_CHUNK:
        return max(quantum, (chunk // 2 // quantum) * quantum)
    if wall < 0.05 and rows <= MAX_ROWS_PER_CHUNK // 2 and chunk < (1 << 40):
        return chunk * 2
    return chunk


def simulate_draining(kernel, ms: float, writer: Hdf5Writer) -> None:
    """``kernel.simulate(ms)`` inside a run session, with the hdf5 recorders' rows written as it goes.

    Without hdf5 recorders this is one simulate call. With them, the run goes in chunks
    sized by next_chunk, so the rows buffered in memory stay few.
    """
    kernel.begin_session()
    try:
        writer.drain()
        resolution = kernel.resolution
        steps = round(ms / resolution) if math.isfinite(ms) and ms >= 0 else -1
        if not writer.active or steps < 0 or abs(steps * resolution - ms) > 1e-9 * max(1.0, ms):
            kernel.simulate(ms)  # one call; with a bad time, the kernel's own error
            return
        chunk = max(1, round(kernel.get_kernel_status()["min_delay"] / resolution))
        done = 0
        while done < steps:
            n = min(chunk, steps - done)
            wall0 = time.perf_counter()
            kernel.simulate(n * resolution)
            done += n
            chunk = next_chunk(chunk, writer.drain(), time.perf_counter() - wall0)
    finally:
        try:
            writer.drain()
        finally:
            writer.close()
            kernel.end_session()
