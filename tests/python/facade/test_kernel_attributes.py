"""Kernel attributes as PyNEST 3.10 exposes them: nest.X, GetKernelStatus/SetKernelStatus, nest.get/set."""

import math

import pytest

# The KernelAttribute names of PyNEST 3.10 (pynest/nest/__init__.py).
NEST_KERNEL_ATTRIBUTES = """
kernel_status resolution biological_time build_info memory_size to_do max_delay min_delay ms_per_tic
tics_per_ms tics_per_step T_max T_min rng_types rng_type rng_seed total_num_virtual_procs local_num_threads
num_processes off_grid_spiking adaptive_target_buffers send_buffer_size_secondary_events
recv_buffer_size_secondary_events buffer_size_spike_data buffer_size_target_data growth_factor_buffer_target_data
max_buffer_size_target_data spike_buffer_grow_extra spike_buffer_shrink_limit spike_buffer_shrink_spare
spike_buffer_resize_log cycle_time_log use_wfr wfr_comm_interval wfr_tol wfr_max_iterations
wfr_interpolation_order max_num_syn_models structural_plasticity_synapses structural_plasticity_update_interval
growth_curves use_compressed_spikes data_path data_prefix overwrite_files print_time network_size
num_connections connection_rules node_models synapse_models local_spike_counter recording_backends
stimulation_backends dict_miss_is_error keep_source_table min_update_time max_update_time update_time_limit
eprop_update_interval eprop_learning_window eprop_reset_neurons_on_update verbosity
""".split()

# Defaults of the keys the facade keeps itself, as NEST 3.10's GetKernelStatus() reports them.
NEST_DEFAULTS = {
    "adaptive_target_buffers": True,
    "buffer_size_spike_data": 2,
    "buffer_size_target_data": 2,
    "growth_factor_buffer_target_data": 1.5,
    "max_buffer_size_target_data": 16777216,
    "spike_buffer_grow_extra": 0.5,
    "spike_buffer_shrink_limit": 0.2,
    "spike_buffer_shrink_spare": 0.1,
    "use_wfr": True,
    "wfr_comm_interval": 1.0,
    "wfr_tol": 0.0001,
    "wfr_max_iterations": 15,
    "wfr_interpolation_order": 3,
    "structural_plasticity_update_interval": 10000.0,
    "structural_plasticity_synapses": {},
    "use_compressed_spikes": True,
    "data_path": "",
    "data_prefix": "",
    "overwrite_files": False,
    "print_time": False,
    "dict_miss_is_error": True,
    "keep_source_table": True,
    "update_time_limit": math.inf,
    "eprop_update_interval": 1000.0,
    "eprop_learning_window": 1000.0,
    "eprop_reset_neurons_on_update": True,
    "max_num_syn_models": 511,
    "T_max": 1152921504606846.8,
    "T_min": -1152921504606846.8,
    "to_do": 0,
    "num_processes": 1,
    "min_update_time": math.inf,
    "max_update_time": -math.inf,
}


def test_every_pynest_kernel_attribute_is_readable(nest):
    status = nest.kernel_status
    for name in NEST_KERNEL_ATTRIBUTES:
        value = getattr(nest, name)
        if name != "kernel_status":
            assert name in status or name == "kernel_status", name
            assert type(value) is type(nest.GetKernelStatus(name)), name
    assert set(NEST_KERNEL_ATTRIBUTES) - {"kernel_status"} <= set(status)
    assert set(NEST_KERNEL_ATTRIBUTES) <= set(dir(nest))


def test_defaults_are_nests(nest):
    for key, value in NEST_DEFAULTS.items():
        assert nest.GetKernelStatus(key) == value, key
    assert nest.verbosity == nest.VerbosityLevel.INFO
    assert isinstance(nest.memory_size, int) and nest.memory_size > 0
    assert nest.build_info["have_mpi"] is False
    assert "memory" in nest.recording_backends
    assert "iaf_psc_alpha" in nest.node_models and "static_synapse" in nest.synapse_models


@pytest.mark.parametrize(
    "key, value",
    [
        ("print_time", True),
        ("overwrite_files", True),
        ("dict_miss_is_error", False),
        ("keep_source_table", False),
        ("wfr_max_iterations", 20),
        ("wfr_tol", 0.01),
        ("update_time_limit", 5.0),
        ("data_prefix", "run1_"),
        ("eprop_reset_neurons_on_update", False),
    ],
)
def test_settable_attributes_round_trip_through_every_interface(nest, key, value):
    setattr(nest, key, value)
    assert getattr(nest, key) == value
    nest.ResetKernel()
    assert getattr(nest, key) == NEST_DEFAULTS[key]
    nest.set(**{key: value})
    assert nest.get(key) == value
    nest.ResetKernel()
    nest.SetKernelStatus({key: value})
    assert nest.GetKernelStatus(key) == value
    assert nest.kernel_status[key] == value


def test_int_is_accepted_for_float_keys_and_converted(nest):
    nest.set(update_time_limit=5)
    assert nest.update_time_limit == 5.0 and isinstance(nest.update_time_limit, float)


def test_data_path_must_exist(nest, tmp_path, capsys):
    nest.data_path = str(tmp_path)
    assert nest.data_path == str(tmp_path)
    nest.data_path = str(tmp_path / "missing")
    assert nest.data_path == str(tmp_path)  # unchanged, as NEST
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    "key, value",
    [("print_time", 1), ("print_time", "yes"), ("data_path", 3), ("wfr_max_iterations", 2.5), ("wfr_tol", "x")],
)
def test_bad_type_raises_type_mismatch_naming_the_key(nest, key, value):
    before = nest.kernel_status
    with pytest.raises(nest.NESTErrors.TypeMismatch, match=key):
        nest.SetKernelStatus({key: value})
    assert nest.GetKernelStatus(key) == before[key]


def test_an_error_changes_nothing(nest):
    with pytest.raises(nest.NESTErrors.TypeMismatch, match="overwrite_files"):
        nest.SetKernelStatus({"resolution": 0.2, "print_time": True, "overwrite_files": 1})
    assert nest.resolution == 0.1 and nest.print_time is False
    with pytest.raises(nest.NESTErrors.TypeMismatch, match="resolution"):
        nest.SetKernelStatus({"print_time": True, "resolution": "fine"})
    assert nest.print_time is False
    with pytest.raises(nest.NESTErrors.UnknownParameter):
        nest.SetKernelStatus({"print_time": True, "rng_seed": 5, "resolutio": 0.2})
    assert nest.print_time is False and nest.rng_seed == 143202461


def test_unknown_key_names_the_nearest_valid_keys(nest):
    with pytest.raises(nest.NESTErrors.UnknownParameter, match="'resolution'"):
        nest.SetKernelStatus({"resolutio": 0.2})
    with pytest.raises(nest.NESTErrors.UnknownParameter, match="'print_time'"):
        nest.set(print_tme=True)
    with pytest.raises(KeyError):
        nest.GetKernelStatus("no_such_key")


def test_read_only_keys(nest):
    with pytest.raises(AttributeError, match="read only"):
        nest.memory_size = 5
    with pytest.raises(AttributeError, match="read only"):
        nest.network_size = 5
    with pytest.raises(nest.NESTErrors.BadProperty, match="memory_size"):
        nest.SetKernelStatus({"memory_size": 5})
    with pytest.raises(nest.NESTErrors.BadProperty, match="T_max"):
        nest.set(T_max=1.0)
    with pytest.raises(AttributeError, match="Cannot set attribute"):
        nest.no_such_attribute = 5


def test_structural_plasticity_synapses_read_back_as_nest(nest):
    nest.structural_plasticity_synapses = {
        "syn1": {"synapse_model": "static_synapse", "pre_synaptic_element": "Ax", "post_synaptic_element": "Den"}
    }
    assert nest.structural_plasticity_synapses == {
        "syn1": {
            "allow_autapses": True,
            "allow_multapses": True,
            "post_synaptic_element": "Den",
            "pre_synaptic_element": "Ax",
            "synapse_model": "static_synapse",
        }
    }
    assert nest.growth_curves == ["gaussian", "linear", "sigmoid"]
    with pytest.raises(nest.NESTErrors.BadProperty, match="pre_synaptic_element and/or post_synaptic_element"):
        nest.structural_plasticity_synapses = {"syn2": {"synapse_model": "static_synapse"}}
    assert list(nest.structural_plasticity_synapses) == ["syn1"]  # unchanged by the failed call
    nest.structural_plasticity_synapses = {}
    assert nest.structural_plasticity_synapses == {}


def test_get_forms(nest):
    assert nest.get("resolution", "print_time") == (0.1, False)
    assert nest.GetKernelStatus(["resolution", "print_time"]) == (0.1, False)
    assert nest.get("resolution") == 0.1
    assert nest.get()["resolution"] == 0.1
    assert list(nest.kernel_status) == sorted(nest.kernel_status)


def test_to_do_and_update_times_follow_the_run(nest):
    nest.Create("iaf_psc_alpha")
    assert nest.min_update_time == math.inf
    nest.Simulate(5.0)
    assert nest.to_do == 0
    assert 0.0 <= nest.min_update_time <= nest.max_update_time < math.inf


def test_parallel_queries(nest):
    assert nest.Rank() == 0 and nest.NumProcesses() == 1
    assert nest.SyncProcesses() is None
    assert list(nest.GetLocalVPs()) == [0]
    nest.total_num_virtual_procs = 2
    assert list(nest.GetLocalVPs()) == [0, 1]
    with pytest.raises(NotImplementedError, match="MUSIC"):
        nest.SetAcceptableLatency("port", 1.0)
    with pytest.raises(NotImplementedError, match="MUSIC"):
        nest.SetMaxBuffered("port", 10)


def test_install_is_refused_clearly(nest):
    with pytest.raises(nest.NESTErrors.KernelException, match="extension modules"):
        nest.Install("mymodule")
    with pytest.raises(NotImplementedError):
        nest.Install("mymodule")


TIMERS = ("time_construction_create", "time_construction_connect", "time_simulate")


def test_construction_and_simulation_timers(nest):
    # NEST's timers (the Brette et al. examples print them): Create and Connect calls since
    # ResetKernel, Simulate/Run since the last Prepare; wall and CPU seconds.
    nest.ResetKernel()
    status = nest.GetKernelStatus()
    assert all(status[k] == 0.0 and status[k + "_cpu"] == 0.0 for k in TIMERS)
    n = nest.Create("iaf_psc_alpha", 2000)
    assert nest.GetKernelStatus("time_construction_create") > 0.0
    assert nest.GetKernelStatus("time_construction_connect") == 0.0
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 50})
    connect_once = nest.GetKernelStatus("time_construction_connect")
    assert connect_once > 0.0
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 50})
    assert nest.GetKernelStatus("time_construction_connect") > connect_once  # accumulates
    with nest.RunManager():
        nest.Run(5.0)
        first = nest.GetKernelStatus("time_simulate")
        nest.Run(5.0)
        assert nest.GetKernelStatus("time_simulate") > first > 0.0  # accumulates between Prepare and Cleanup
    create = nest.GetKernelStatus("time_construction_create")
    nest.Simulate(1.0)
    assert nest.GetKernelStatus("time_construction_create") == create  # only Create counts
    nest.ResetKernel()
    assert all(nest.GetKernelStatus(k) == 0.0 for k in TIMERS)


def test_connection_rules_list_every_core_rule(nest):
    rules = nest.GetKernelStatus("connection_rules")
    for rule in ("pairwise_poisson", "symmetric_pairwise_bernoulli", "fixed_total_number"):
        assert rule in rules
