"""Kernel attributes (``nest.resolution``, ``nest.print_time`` ...), as PyNEST 3.10 lists them.

The C++ kernel knows a subset of the keys (among them data_path, data_prefix,
overwrite_files and recording_backends); this module holds the others with NEST's
defaults and type checks, so that GetKernelStatus/SetKernelStatus, nest.get/nest.set
and the module attributes see one status dictionary. A SetKernelStatus call is checked
completely before anything changes.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
import numbers
import os

import numpy as np

from .. import __version__ as _nestkit_version
from .. import _core, _structural
from . import _info, _state

# name: (type, read-only). The type is used for the checks of the facade's own keys;
# keys the core knows are checked by the core.
ATTRIBUTES = {
    "kernel_status": ("dict", True),
    "resolution": ("float", False),
    "biological_time": ("float", False),
    "build_info": ("dict", True),
    "memory_size": ("int", True),
    "to_do": ("int", True),
    "max_delay": ("float", False),  # settable, with min_delay, before any connection
    "min_delay": ("float", False),
    "ms_per_tic": ("float", True),
    "tics_per_ms": ("float", False),
    "tics_per_step": ("int", True),
    "T_max": ("float", True),
    "T_min": ("float", True),
    "rng_types": ("list", True),
    "rng_type": ("str", False),
    "rng_seed": ("int", False),
    "total_num_virtual_procs": ("int", False),
    "local_num_threads": ("int", False),
    "num_processes": ("int", True),
    "off_grid_spiking": ("bool", True),
    "adaptive_target_buffers": ("bool", False),
    "send_buffer_size_secondary_events": ("int", True),
    "recv_buffer_size_secondary_events": ("int", True),
    "buffer_size_spike_data": ("int", False),
    "buffer_size_target_data": ("int", False),
    "growth_factor_buffer_target_data": ("float", False),
    "max_buffer_size_target_data": ("int", False),
    "spike_buffer_grow_extra": ("float", False),
    "spike_buffer_shrink_limit": ("float", False),
    "spike_buffer_shrink_spare": ("float", False),
    "spike_buffer_resize_log": ("dict", True),
    "cycle_time_log": ("dict", True),
    "use_wfr": ("bool", False),
    "wfr_comm_interval": ("float", False),
    "wfr_tol": ("float", False),
    "wfr_max_iterations": ("int", False),
    "wfr_interpolation_order": ("int", False),
    "max_num_syn_models": ("int", True),
    "structural_plasticity_synapses": ("dict", False),
    "structural_plasticity_update_interval": ("float", False),
    "growth_curves": ("list", True),
    "use_compressed_spikes": ("bool", False),
    "data_path": ("str", False),
    "data_prefix": ("str", False),
    "overwrite_files": ("bool", False),
    "print_time": ("bool", False),
    "network_size": ("int", True),
    "num_connections": ("int", True),
    "connection_rules": ("list", True),
    "node_models": ("list", True),
    "synapse_models": ("list", True),
    "local_spike_counter": ("int", True),
    "recording_backends": ("list", True),
    "stimulation_backends": ("list", True),
    "dict_miss_is_error": ("bool", False),
    "keep_source_table": ("bool", False),
    "min_update_time": ("float", True),
    "max_update_time": ("float", True),
    "update_time_limit": ("float", False),
    "eprop_update_interval": ("float", False),
    "eprop_learning_window": ("float", False),
    "eprop_reset_neurons_on_update": ("bool", False),
    "verbosity": ("level", False),
}

# Writable keys the facade stores itself, with NEST 3.10's defaults (ResetKernel restores them).
_STORED_DEFAULTS = {
    "adaptive_target_buffers": True,
    "buffer_size_spike_data": 2,
    "buffer_size_target_data": 2,
    "growth_factor_buffer_target_data": 1.5,
    "max_buffer_size_target_data": 16777216,
    "spike_buffer_grow_extra": 0.5,
    "spike_buffer_shrink_limit": 0.2,
    "spike_buffer_shrink_spare": 0.1,
    "use_compressed_spikes": True,
    "print_time": False,
    "dict_miss_is_error": True,
    "keep_source_table": True,
    "update_time_limit": math.inf,
}

# Kept by the C++ kernel (NEST's io_manager), type-checked here first.
_IO_KEYS = ("data_path", "data_prefix", "overwrite_files")

# Kept by the C++ kernel (waveform relaxation), type-checked here first.
_WFR_KEYS = ("use_wfr", "wfr_comm_interval", "wfr_tol", "wfr_max_iterations", "wfr_interpolation_order")

# The kernel's own keys outside PyNEST's attribute list that NEST's status also has.
_EXTRA_STATUS_KEYS = ("prepared", "mpi_rank", "modules")

_stored = dict(_STORED_DEFAULTS)
_run = {"prepared": False, "to_do": 0, "min_update_time": math.inf, "max_update_time": -math.inf}


class UnknownKernelKey(_core.UnknownParameter, KeyError):
    """An unknown kernel key: UnknownParameter for nestkit, KeyError as PyNEST's GetKernelStatus raises."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def reset() -> None:
    """Back to NEST's defaults (ResetKernel); verbosity is kept, as in NEST."""
    _stored.clear()
    _stored.update(_STORED_DEFAULTS)
    _run.update(prepared=False, to_do=0, min_update_time=math.inf, max_update_time=-math.inf)


def _memory_size_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def _importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _build_info() -> dict:
    return {
        "version": f"nestkit {_nestkit_version}",
        "have_mpi": False,
        "have_music": False,
        "have_threads": True,
        # NEST builds its GSL models (aeif_*, hh_*, iaf_cond_*, ...) only with GSL; nestkit has
        # them all (its own RKF45, NEST's error control), so scripts that check can use them.
        "have_gsl": True,
        "have_boost": False,
        # What these flags gate in NEST works here with the Python packages: SonataNetwork
        # with h5py, the "conngen" rule with csa.
        "have_hdf5": _importable("h5py"),
        "have_libneurosim": _importable("csa"),
        "have_sionlib": False,
        "mpiexec": "",
        "ndebug": True,
        "threads_model": "openmp",
        "ode_lane_width": _core.ode_lane_width(),
    }


def _computed(core: dict) -> dict:
    tics = float(core.get("tics_per_ms", 1000.0))
    t_lim = 1152921504606846.8 * 1000.0 / tics
    return {
        "build_info": _build_info(),
        "memory_size": _memory_size_kb(),
        "to_do": _run["to_do"],
        "T_max": t_lim,
        "T_min": -t_lim,
        "send_buffer_size_secondary_events": 0,
        "recv_buffer_size_secondary_events": 0,
        "spike_buffer_resize_log": {
            "global_max_spikes_sent": np.array([], dtype=float),
            "new_buffer_size": np.array([], dtype=float),
            "times": np.array([], dtype=float),
        },
        "cycle_time_log": {},
        "max_num_syn_models": 511,
        "node_models": list(_state.kernel.node_models()),
        "synapse_models": list(_state.kernel.synapse_models()),
        "local_spike_counter": 0,
        "stimulation_backends": [],
        "min_update_time": _run["min_update_time"],
        "max_update_time": _run["max_update_time"],
        "verbosity": _info.current_level(),
        "prepared": _run["prepared"],
        "mpi_rank": 0,
        "modules": [],
    }


def connection_rules(core_rules) -> list:
    """NEST's connection_rules: the rule names, sorted as NEST's registry lists them.

    NEST 3.10 lists "conngen" only when built with libneurosim (the NEST used for
    comparison here is not, so it lacks the name). nestkit implements that rule in the
    facade with the csa package (nest/_csa.py), so the name is listed exactly when csa
    can be imported, which is also what build_info["have_libneurosim"] reports: a script
    that checks either one before connecting with "conngen" finds them in agreement.
    """
    rules = set(core_rules)
    if _importable("csa"):
        rules.add("conngen")
    return sorted(rules)


def _core_status() -> dict:
    """The core's status, its flat structural plasticity keys nested as NEST's."""
    status = _structural.decode_status(_state.kernel.get_kernel_status())
    if "connection_rules" in status:
        status["connection_rules"] = connection_rules(status["connection_rules"])
    return status


def full_status() -> dict:
    """The whole status dictionary, sorted by key as NEST's."""
    core = _core_status()
    status = dict(core)
    status.update(_computed(core))
    status.update(_stored)
    return dict(sorted(status.items()))


def known_keys() -> set:
    return set(ATTRIBUTES) | set(_core_status()) | set(_EXTRA_STATUS_KEYS)


def _unknown(key: str) -> UnknownKernelKey:
    valid = sorted(known_keys() - {"kernel_status"})
    near = difflib.get_close_matches(key, valid, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(k) for k in near)}?" if near else " nest.kernel_status lists the valid keys."
    return UnknownKernelKey(f"'{key}' is not a kernel property.{hint}")


def get(key: str):
    if key == "kernel_status":
        return full_status()
    core = _core_status()
    if key in _stored:
        return _stored[key]
    if key in core:
        return core[key]
    computed = _computed(core)
    if key in computed:
        return computed[key]
    raise _unknown(key)


def _type_error(key: str, expected: str, value) -> _core.TypeMismatch:
    return _core.TypeMismatch(f"kernel property '{key}' expects {expected}, got {type(value).__name__} ({value!r})")


def _checked(key: str, value):
    """The value converted to the key's type, or TypeMismatch naming the key."""
    typ = ATTRIBUTES[key][0]
    if typ == "bool":
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise _type_error(key, "a bool", value)
    if typ == "int":
        if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            return int(value)
        raise _type_error(key, "an integer", value)
    if typ == "float":
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return float(value)
        raise _type_error(key, "a number", value)
    if typ == "str":
        if isinstance(value, str):
            return value
        raise _type_error(key, "a string", value)
    if typ == "dict":
        if isinstance(value, dict):
            return dict(value)
        raise _type_error(key, "a dictionary", value)
    if typ == "level":
        try:
            return _info.to_level(value)
        except (TypeError, ValueError) as e:
            raise _core.TypeMismatch(f"kernel property 'verbosity': {e}") from None
    raise _type_error(key, typ, value)


def set_status(params: dict) -> None:
    """SetKernelStatus: every key is checked before anything changes."""
    if not isinstance(params, dict):
        raise TypeError(f"SetKernelStatus expects a dictionary, got {type(params).__name__}")
    core_keys = set(_state.kernel.get_kernel_status())
    core_params, stored, level, logs = {}, {}, None, []
    for key, value in params.items():
        if key in _IO_KEYS:
            # Kept by the core, which checks them again (a data_path must be a writable
            # directory); as NEST, a missing directory or a prefix with a path is only
            # logged and leaves the value unchanged.
            value = _checked(key, value)
            if key == "data_path" and value and not os.path.isdir(value):
                why = "is not a directory" if os.path.exists(value) else "does not exist"
                what = f"'{value}' {why}." if os.path.exists(value) else f"Directory '{value}' {why}."
                logs.append(f"Variable data_path not set: {what}")
            elif key == "data_prefix" and "/" in value:
                logs.append("Data prefix must not contain path elements.")
            else:
                core_params[key] = value
        elif key in _WFR_KEYS:
            core_params[key] = _checked(key, value)
        elif key in _stored:
            stored[key] = _checked(key, value)
        elif key == "verbosity":
            level = _checked(key, value)
        elif key == "structural_plasticity_synapses":  # kept by the core, as flat keys
            core_params.update(_structural.encode_params({key: _checked(key, value)}))
        elif key == "structural_plasticity_update_interval":
            core_params[key] = _checked(key, value)
        elif key in core_keys:
            core_params[key] = value
        elif key in ATTRIBUTES or key in _EXTRA_STATUS_KEYS:
            raise _core.BadProperty(f"`{key}` is a readonly kernel parameter")
        else:
            raise _unknown(key)
    if core_params:
        _state.kernel.set_kernel_status(core_params)
    _stored.update(stored)
    if level is not None:
        _info.set_level(level)
    for text in logs:
        _info.log(_info.VerbosityLevel.ERROR, text)


def record_update_time(seconds_per_step: float) -> None:
    _run["min_update_time"] = min(_run["min_update_time"], seconds_per_step)
    _run["max_update_time"] = max(_run["max_update_time"], seconds_per_step)


def set_prepared(flag: bool) -> None:
    _run["prepared"] = flag


def is_prepared() -> bool:
    return _run["prepared"]


def set_to_do(steps: int) -> None:
    _run["to_do"] = steps
