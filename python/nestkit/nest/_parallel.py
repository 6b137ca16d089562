"""Parallel-computing queries: MPI ranks (mpirun) and virtual processes (ranks x threads)."""

from __future__ import annotations

import atexit
import pickle

from .. import _core
from . import _state

if _core.mpi_size() > 1:
    # nestkit started MPI when the launcher started this process; end it cleanly at exit.
    atexit.register(_core.mpi_finalize)


def Rank() -> int:
    """The MPI rank of this process (0 in a single process)."""
    return _core.mpi_rank()


def NumProcesses() -> int:
    """The number of MPI processes (1 in a single process)."""
    return _core.mpi_size()


def SyncProcesses() -> None:
    """Wait until every MPI process arrives here (MPI_Barrier)."""
    _core.mpi_barrier()


def GetLocalVPs():
    """The virtual processes of this rank, as NEST's range(rank, total_num_virtual_procs, num_processes)."""
    return range(Rank(), _state.kernel.get_kernel_status()["total_num_virtual_procs"], NumProcesses())


def gather_to_root(obj):
    """Collective: rank 0 gets the list of every rank's ``obj`` (in rank order), other ranks None.

    For analysis of recorded data, e.g. ``gather_to_root(recorder.events)``; the objects are
    pickled, so any picklable value works."""
    parts = _core.mpi_gather_bytes(pickle.dumps(obj))
    return [pickle.loads(p) for p in parts] if Rank() == 0 else None


_SPIKE_KEYS = {"senders", "times", "offsets", "time_offsets"}


def merge_events(parts, resolution, min_delay):
    """Events of one recorder from several ranks (a list of dicts of columns) in the order one
    process records them: spikes by time, then sender; sampled data (multimeter) by min-delay
    interval, then sender, then time, as a multimeter buffers its samples per interval."""
    import numpy as np

    keys = list(parts[0].keys())
    merged = {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in keys}
    if "times" not in merged or "senders" not in merged or not len(merged["times"]):
        return merged
    times = np.asarray(merged["times"], dtype=float)
    senders = np.asarray(merged["senders"])
    if set(keys) <= _SPIKE_KEYS:
        order = np.lexsort((senders, times))
    else:
        steps = np.rint(times / resolution).astype(np.int64)
        interval = (steps - 1) // max(1, round(min_delay / resolution))
        order = np.lexsort((times, senders, interval))
    return {k: v[order] for k, v in merged.items()}


def gather_events(recorder):
    """Collective: rank 0 gets the recorder's events of all ranks merged in the order one process
    records them (see merge_events; NumPy arrays); the other ranks get None."""
    parts = gather_to_root(dict(recorder.get("events")))
    if parts is None:
        return None
    status = _state.kernel.get_kernel_status()
    return merge_events(parts, status["resolution"], status["min_delay"])


def SetAcceptableLatency(port_name, latency):
    """MUSIC port latency; nestkit has no MUSIC interface."""
    raise NotImplementedError("SetAcceptableLatency: nestkit is built without MUSIC (no MUSIC ports)")


def SetMaxBuffered(port_name, size):
    """MUSIC port buffering; nestkit has no MUSIC interface."""
    raise NotImplementedError("SetMaxBuffered: nestkit is built without MUSIC (no MUSIC ports)")


class ExtensionModulesUnsupported(_core.KernelException, NotImplementedError):
    """Install(): a KernelException (as NEST's) that is also a NotImplementedError."""


def Install(module_name):
    """Load a NEST extension module: not supported, nestkit's models are compiled in."""
    raise ExtensionModulesUnsupported(
        f"Install('{module_name}'): nestkit does not load NEST extension modules; "
        "its models are built into the C++ core (see nest.node_models)"
    )
