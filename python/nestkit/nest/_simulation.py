"""Simulate, Prepare, Run, Cleanup and RunManager with NEST's rules.

``Simulate(t)`` is ``Prepare(); Run(t); Cleanup()``. ``Run`` is only allowed between
``Prepare`` and ``Cleanup`` and may be called several times; the kernel continues
exactly where it stopped, so split runs give the same results as one long run.
"""

from __future__ import annotations

import math
import sys
import time

from .. import _core, units
from .._hdf5_writer import next_chunk
from . import _info, _kernel_attrs, _state

_Level = _info.VerbosityLevel


def _ms(t) -> float:
    if _core.is_quantity(t):
        return units.in_unit(t, "ms", "Simulate: the duration")
    if isinstance(t, bool) or not isinstance(t, (int, float)) and not hasattr(t, "__float__"):
        raise TypeError(f"the simulation time must be a number of ms, got {type(t).__name__}")
    return float(t)


def _fail(text: str):
    _info.log(_Level.ERROR, text)
    raise _core.KernelException(text)


def _status():
    return _state.kernel.get_kernel_status()


def Prepare():
    """Prepare the network for Run; call Cleanup when done.

    Recorders writing files (record_to "ascii") open them here, one per recorder and
    virtual process as NEST (nestkit runs one process: one file per thread's VP); an
    existing file without ``overwrite_files`` raises ``IOError`` and nothing changes.
    Each Run flushes the files; Cleanup closes them. Recorders with record_to "hdf5"
    create their HDF5 files here; Run appends to them as it goes.
    """
    if _kernel_attrs.is_prepared():
        _fail("Prepare called twice.")
    n = _status()["network_size"]
    _info.log(_Level.INFO, f"Preparing {n} node{'' if n == 1 else 's'} for simulation.")
    try:
        _state.kernel.begin_session()
    except _core.IOError as e:
        _info.log(_Level.ERROR, str(e).removeprefix("IOError: "))
        raise
    try:
        _state.hdf5.drain()
    except BaseException:
        _state.hdf5.close()
        _state.kernel.end_session()
        raise
    _kernel_attrs.set_prepared(True)


def Cleanup():
    """End a Prepare/Run sequence (recorders' files are closed)."""
    if not _kernel_attrs.is_prepared():
        _fail("Cleanup called without calling Prepare.")
    try:
        _state.hdf5.drain()
    finally:
        _state.hdf5.close()
        _state.kernel.end_session()
    _kernel_attrs.set_prepared(False)


def _check_time(t: float, resolution: float) -> int:
    if not math.isfinite(t) or t < 0.0:
        raise _core.BadParameterValue(
            "The simulation time cannot be negative." if t < 0 else "The simulation time must be finite."
        )
    steps = round(t / resolution)
    if abs(steps * resolution - t) > 1e-9 * max(1.0, t):
        raise _core.BadParameterValue("The simulation time must be a multiple of the simulation resolution.")
    return steps


def Run(t):
    """Simulate t ms; only between Prepare and Cleanup, and as often as needed."""
    t = _ms(t)
    if not _kernel_attrs.is_prepared():
        _fail("Run called without calling Prepare.")
    status = _status()
    resolution = status["resolution"]
    steps = _check_time(t, resolution)
    _info.log(
        _Level.INFO,
        f"Number of local nodes: {status['network_size']}\n"
        f"Simulation time (ms): {t:g}\n"
        f"Number of OpenMP threads: {status['local_num_threads']}\n"
        + (f"Number of MPI processes: {status['num_processes']}" if status["num_processes"] > 1 else "Not using MPI"),
    )
    min_delay_steps = max(1, round(status["min_delay"] / resolution))
    _kernel_attrs.set_to_do(steps)
    wall0 = time.perf_counter()
    try:
        if _kernel_attrs.get("print_time") and steps > 0:
            _run_printing_time(steps, min_delay_steps, resolution, status["biological_time"])
        else:
            _run_interruptible(steps, min_delay_steps, resolution, status["biological_time"])
        _state.kernel.sync_structural_plasticity()  # NEST's end-of-run update of calcium and elements
    finally:
        _kernel_attrs.set_to_do(0)
    if steps > 0:
        slices = math.ceil(steps / min_delay_steps)
        _kernel_attrs.record_update_time((time.perf_counter() - wall0) / slices)
    _info.log(_Level.INFO, "Simulation finished.")


def _run_interruptible(steps: int, min_delay_steps: int, resolution: float, t0: float) -> None:
    """Runs in chunks that end on min-delay slice boundaries, so that Ctrl-C (KeyboardInterrupt,
    raised by Python between chunks since the kernel releases the GIL) stops the run at a slice
    boundary; a later Simulate continues from there. Chunks grow while each takes < 50 ms."""
    done = 0
    # First chunk: up to the next slice boundary (the run may start inside a slice).
    offset = round(t0 / resolution) % min_delay_steps
    chunk = min_delay_steps - offset if offset else min_delay_steps
    while done < steps:
        n = min(chunk, steps - done)
        wall0 = time.perf_counter()
        _state.kernel.simulate(n * resolution)
        rows = _state.hdf5.drain()
        done += n
        _kernel_attrs.set_to_do(steps - done)
        if rows:  # hdf5 recorders: chunks also sized by the rows they buffer
            whole_slices = max(min_delay_steps, (chunk // min_delay_steps) * min_delay_steps)
            chunk = next_chunk(whole_slices, rows, time.perf_counter() - wall0, min_delay_steps)
        elif time.perf_counter() - wall0 < 0.05 and chunk < (1 << 40):
            chunk = (chunk // min_delay_steps + 1) * min_delay_steps * 2
        else:
            chunk = max(min_delay_steps, (chunk // min_delay_steps) * min_delay_steps)


def _run_printing_time(steps: int, min_delay_steps: int, resolution: float, t0: float) -> None:
    """Runs in chunks of whole min-delay slices (at most about 100) and prints NEST-style progress."""
    chunk = min_delay_steps * max(1, math.ceil(steps / 100 / min_delay_steps))
    done = 0
    wall0 = time.perf_counter()
    out = sys.stdout
    out.write(f"\n\r[ {0:03d}% ] Model time: {t0:.1f} ms, Real-time factor: {0.0:.4f}")
    while done < steps:
        n = min(chunk, steps - done)
        _state.kernel.simulate(n * resolution)
        _state.hdf5.drain()
        done += n
        _kernel_attrs.set_to_do(steps - done)
        wall = time.perf_counter() - wall0
        model_s = done * resolution / 1000.0
        rtf = wall / model_s if model_s > 0 else 0.0
        now = _status()["biological_time"]
        out.write(f"\r[ {100 * done // steps:03d}% ] Model time: {now:.1f} ms, Real-time factor: {rtf:.4f}")
    out.write("\n")
    out.flush()


def Simulate(t):
    """Simulate t ms: Prepare, Run, Cleanup."""
    t = _ms(t)
    if _kernel_attrs.is_prepared():
        _fail("Prepare called twice.")
    _check_time(t, _status()["resolution"])
    Prepare()
    try:
        Run(t)
    finally:
        Cleanup()


class RunManager:
    """Context manager: Prepare on entry, Cleanup on exit; call Run inside."""

    def __enter__(self):
        Prepare()
        return self

    def __exit__(self, *exc):
        Cleanup()
        return False
