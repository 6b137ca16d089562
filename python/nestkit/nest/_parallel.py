"""Parallel-computing queries. nestkit runs as one process, so rank 0 of 1."""

from __future__ import annotations

from .. import _core
from . import _state


def Rank() -> int:
    """The MPI rank of this process: always 0 (nestkit does not use MPI)."""
    return 0


def NumProcesses() -> int:
    """The number of MPI processes: always 1."""
    return 1


def SyncProcesses() -> None:
    """Synchronize all MPI processes: nothing to do for one process."""
    return None


def GetLocalVPs():
    """The virtual processes of this rank, as NEST's range(rank, total_num_virtual_procs, num_processes)."""
    return range(Rank(), _state.kernel.get_kernel_status()["total_num_virtual_procs"], NumProcesses())


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
