"""Every public PyNEST 3.10 name exists on nestkit.nest; the ones nestkit lacks raise NotImplementedError."""

import pytest
from nestkit.nest import _unimplemented

# dir(nest) of PyNEST 3.10 (public names).
PYNEST_310_NAMES = """
Cleanup CollocatedSynapses Compartments Connect ConnectionRules CopyModel Create CreateMask CreateParameter
DisableStructuralPlasticity Disconnect Displacement Distance DumpLayerConnections DumpLayerNodes
EnableStructuralPlasticity FindCenterElement FindNearestElement GetConnections GetDefaults GetKernelStatus
GetLocalNodeCollection GetLocalVPs GetNodes GetPosition GetSourceNodes GetSourcePositions GetStatus GetTargetNodes
GetTargetPositions Install Mask Models NESTError NESTErrors NodeCollection NumProcesses Parameter PlotLayer
PlotProbabilityParameter PlotSources PlotTargets Prepare PrintNodes Rank Receptors ResetKernel Run RunManager
SelectNodesByMask SetAcceptableLatency SetDefaults SetKernelStatus SetMaxBuffered SetStatus Simulate SonataNetwork
SynapseCollection SyncProcesses T_max T_min TripartiteConnect VerbosityLevel adaptive_target_buffers
biological_time buffer_size_spike_data buffer_size_target_data build_info connection_rules cycle_time_log data_path
data_prefix dict_miss_is_error eprop_learning_window eprop_reset_neurons_on_update eprop_update_interval get
get_verbosity growth_curves growth_factor_buffer_target_data help keep_source_table kernel_status ll_api
local_num_threads local_spike_counter logic math max_buffer_size_target_data max_delay max_num_syn_models
max_update_time memory_size message min_delay min_update_time ms_per_tic network_size node_models num_connections
num_processes off_grid_spiking overwrite_files print_time random raster_plot recording_backends
recv_buffer_size_secondary_events resolution rng_seed rng_type rng_types send_buffer_size_secondary_events
serialize_data server set set_communicator set_verbosity spatial spatial_distributions spike_buffer_grow_extra
spike_buffer_resize_log spike_buffer_shrink_limit spike_buffer_shrink_spare stimulation_backends
structural_plasticity_synapses structural_plasticity_update_interval synapse_models tics_per_ms tics_per_step
to_do to_json total_num_virtual_procs update_time_limit use_compressed_spikes use_wfr userdict verbosity
visualization voltage_trace wfr_comm_interval wfr_interpolation_order wfr_max_iterations wfr_tol
""".split()


def test_every_pynest_name_exists(nest):
    missing = [name for name in PYNEST_310_NAMES if not hasattr(nest, name)]
    assert missing == []


@pytest.mark.parametrize("name", sorted(_unimplemented.UNIMPLEMENTED))
def test_unimplemented_names_raise_not_implemented_naming_them(nest, name):
    kind, _ = _unimplemented.UNIMPLEMENTED[name]
    obj = getattr(nest, name)
    with pytest.raises(NotImplementedError, match=f"nest\\.{name}"):
        if kind == "module":
            _ = obj.some_function
        else:
            obj("arg")


def test_examples_of_stubs(nest):
    with pytest.raises(NotImplementedError, match="nest.server.run_mpi"):
        nest.server.run_mpi()
    assert not isinstance(5, nest.Parameter)  # stub classes still work with isinstance
    with pytest.raises(AttributeError):
        _ = nest.no_such_name_in_pynest


def test_implemented_names_are_not_in_the_table(nest):
    for name in (
        "Simulate",
        "GetNodes",
        "Disconnect",
        "PrintNodes",
        "Prepare",
        "voltage_trace",
        "raster_plot",
        "visualization",
        "to_json",
        "Parameter",
        "CreateParameter",
        "math",
        "logic",
    ):
        assert name not in _unimplemented.UNIMPLEMENTED
        assert not getattr(getattr(nest, name), "_nestkit_unimplemented", False)
