"""The hdf5 recording backend: files written while the run goes, read back as the
memory backend's events, the run's metadata, NEST's file rules, and flat memory."""

import ctypes
import json
import os
import sys

import h5py
import nestkit
import numpy as np
import pytest
from nestkit import _core, hdf5


def neurons(nest):
    """Three neurons firing regularly."""
    return nest.Create("iaf_psc_alpha", 3, params={"I_e": [376.0, 400.0, 450.0]})


def small_network(nest, backend_params, n=None):
    """A spike recorder and a multimeter with the given backend settings on `n` (or new neurons)."""
    n = neurons(nest) if n is None else n
    sr = nest.Create("spike_recorder", params=backend_params)
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.5, **backend_params})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    return n, sr, mm


def assert_same_events(a: dict, b: dict):
    assert list(a) == list(b)
    for key in a:
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)
        assert np.asarray(a[key]).dtype == np.asarray(b[key]).dtype, key


def test_facade_file_reads_back_as_the_memory_backend(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n, sr_mem, mm_mem = small_network(nest, {})
    _, sr_h5, mm_h5 = small_network(nest, {"record_to": "hdf5"}, n)
    assert sr_h5.filenames == [str(tmp_path / f"spike_recorder-{sr_h5.global_id}.h5")]
    assert mm_h5.filenames == [str(tmp_path / f"multimeter-{mm_h5.global_id}.h5")]
    assert "events" not in sr_h5.get()  # as NEST: only the memory backend keeps events
    with pytest.raises(nest.NESTErrors.UnknownParameter, match="Read its file with nestkit.hdf5.read_events"):
        sr_h5.get("events")
    nest.Simulate(60.0)
    nest.Simulate(45.0)  # a second run appends to the same file
    with nest.RunManager():
        nest.Run(10.0)
        nest.Run(5.0)
        # Readable while the session is still writing.
        assert_same_events(hdf5.read_events(sr_h5.filenames[0]), sr_mem.events)
    assert sr_h5.n_events == sr_mem.n_events > 10
    assert_same_events(hdf5.read_events(sr_h5.filenames[0]), sr_mem.events)
    assert_same_events(hdf5.read_events(mm_h5.filenames[0]), mm_mem.events)


def test_metadata_names_versions_seed_resolution_models_and_device_parameters(nest, tmp_path):
    nest.set(data_path=str(tmp_path), data_prefix="run_", resolution=0.05, rng_seed=77)
    _, sr, mm = small_network(nest, {"record_to": "hdf5", "label": "exc", "start": 2.0})
    nest.Simulate(30.0)
    path = str(tmp_path / f"run_exc-{sr.global_id}.h5")
    assert sr.filenames == [path]
    meta = hdf5.read_metadata(path)
    run = meta["run"]
    assert run["format"] == "nestkit-recording" and run["format_version"] == 1
    assert run["nestkit_version"] == nestkit.__version__ and run["nest_version"] == "3.10"
    assert run["resolution"] == 0.05 and run["rng_seed"] == 77 and run["biological_time"] == 30.0
    assert meta["device"]["model"] == "spike_recorder" and meta["device"]["label"] == "exc"
    assert meta["device"]["node_id"] == sr.global_id and meta["device"]["n_events"] == sr.n_events
    assert meta["device"]["parameters"]["start"] == 2.0 and meta["device"]["parameters"]["record_to"] == "hdf5"
    assert meta["sender_models"] == ["iaf_psc_alpha"]
    assert hdf5.read_metadata(mm.filenames[0])["device"]["parameters"]["record_from"] == ["V_m", "I_syn_ex"]


def test_datasets_are_chunked_and_compressed(nest, tmp_path):
    nest.data_path = str(tmp_path)
    _, sr, _ = small_network(nest, {"record_to": "hdf5"})
    nest.Simulate(50.0)
    with h5py.File(sr.filenames[0], "r") as f:
        assert list(f["events"].attrs["columns"]) == ["senders", "times"]
        for name in ("senders", "times"):
            ds = f["events"][name]
            assert ds.chunks == (1 << 16,) and ds.compression == "gzip" and ds.maxshape == (None,)
        assert json.loads(f["device"].attrs["parameters_json"])["model"] == "spike_recorder"


def test_time_in_steps_keeps_steps_and_offsets(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n, sr_mem, _ = small_network(nest, {"time_in_steps": True})
    _, sr_h5, _ = small_network(nest, {"record_to": "hdf5", "time_in_steps": True}, n)
    nest.Simulate(40.0)
    events = hdf5.read_events(sr_h5.filenames[0])
    assert list(events) == ["senders", "times", "offsets"] and events["times"].dtype == np.int64
    assert_same_events(events, sr_mem.events)


def test_existing_file_is_an_error_that_changes_nothing_unless_overwrite_files(nest, tmp_path):
    nest.data_path = str(tmp_path)
    small_network(nest, {"record_to": "hdf5"})
    nest.Simulate(20.0)
    nest.ResetKernel()
    nest.data_path = str(tmp_path)
    _, sr, _ = small_network(nest, {"record_to": "hdf5"})
    before = os.path.getmtime(sr.filenames[0]), os.path.getsize(sr.filenames[0])
    with pytest.raises(_core.IOError, match="already exists and overwriting files is disabled"):
        nest.Simulate(20.0)
    assert nest.biological_time == 0.0
    assert (os.path.getmtime(sr.filenames[0]), os.path.getsize(sr.filenames[0])) == before
    nest.overwrite_files = True
    nest.Simulate(5.0)  # a new file: only this run's events
    assert hdf5.read_metadata(sr.filenames[0])["run"]["biological_time"] == 5.0
    assert len(hdf5.read_events(sr.filenames[0])["times"]) == sr.n_events


def test_unknown_backend_names_hdf5_among_the_valid_ones(nest):
    with pytest.raises(nest.NESTErrors.BadProperty, match="ascii, hdf5, memory, screen"):
        nest.Create("spike_recorder", params={"record_to": "hdf6"})
    assert nest.GetKernelStatus("network_size") == 0
    with pytest.raises(nest.NESTErrors.BadProperty, match="'precision' is not a parameter of the 'hdf5'"):
        nest.Create("spike_recorder", params={"record_to": "hdf5", "precision": 4})
    assert "hdf5" in nest.recording_backends


def test_reader_refuses_other_files(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "something else"
    with pytest.raises(ValueError, match="not a nestkit recording"):
        hdf5.read_events(path)


@pytest.mark.parametrize("threads", [1, 2])
def test_native_api_writes_and_reads_hdf5(tmp_path, threads):
    sim = nestkit.Simulator(seed=5, threads=threads, data_path=tmp_path)
    pop = sim.create("iaf_psc_alpha", 20, I_e=380.0)
    noise = sim.create("poisson_generator", rate=20000.0)
    sr_mem = sim.create("spike_recorder")
    sr_h5 = sim.create("spike_recorder", record_to="hdf5")
    mm_h5 = sim.create("multimeter", record_from=["V_m"], interval=1.0, record_to="hdf5")
    mm_mem = sim.create("multimeter", record_from=["V_m"], interval=1.0)
    sim.connect(noise, pop, weight=5.0)
    sim.connect(pop, sr_mem)
    sim.connect(pop, sr_h5)
    sim.connect(mm_h5, pop)
    sim.connect(mm_mem, pop)
    sim.simulate(40.0)
    result = sim.simulate(60.0)
    a, b = result.spikes(sr_h5), result.spikes(sr_mem)
    assert len(a.times) > 40
    np.testing.assert_array_equal(a.senders, b.senders)
    np.testing.assert_array_equal(a.times, b.times)
    ta, tb = result.trace(mm_h5, "V_m"), result.trace(mm_mem, "V_m")
    np.testing.assert_array_equal(ta.values, tb.values)
    np.testing.assert_array_equal(ta.times, tb.times)


def test_weight_recorder_writes_weights_targets_receptors_and_ports(nest, tmp_path):
    nest.data_path = str(tmp_path)
    pre = nest.Create("poisson_generator", params={"rate": 500.0})
    parrots = nest.Create("parrot_neuron", 2)
    post = nest.Create("iaf_psc_alpha", 2)
    wr_mem = nest.Create("weight_recorder")
    wr_h5 = nest.Create("weight_recorder", params={"record_to": "hdf5"})
    nest.CopyModel("stdp_synapse", "stdp_mem", {"weight_recorder": wr_mem})
    nest.CopyModel("stdp_synapse", "stdp_h5", {"weight_recorder": wr_h5})
    nest.Connect(pre, parrots)
    nest.Connect(parrots, post, syn_spec={"synapse_model": "stdp_mem", "weight": 50.0})
    nest.Connect(parrots, post, syn_spec={"synapse_model": "stdp_h5", "weight": 50.0})
    nest.Simulate(100.0)
    events = hdf5.read_events(wr_h5.filenames[0])
    assert list(events) == ["senders", "times", "weights", "targets", "receptors", "ports"]
    assert len(events["weights"]) > 20
    mem = dict(wr_mem.events)
    # Each parrot's two stdp_h5 connections were made after its two stdp_mem ones: ports 2, 3.
    np.testing.assert_array_equal(events.pop("ports"), np.asarray(mem.pop("ports")) + 2)
    assert_same_events(events, mem)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def release_free_heap() -> None:
    """Returns the C allocator's free memory to the system (glibc's malloc_trim), so that a
    measured growth of resident memory is the run's own: memory that earlier tests in this
    process freed would otherwise absorb new allocations without raising the resident size."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def million_spikes(tmp_path, record_to):
    """1050 parrot neurons repeating 1000 Hz Poisson trains for 1 s: over 10^6 spikes."""
    sim = nestkit.Simulator(seed=11, data_path=tmp_path, overwrite_files=True)
    noise = sim.create("poisson_generator", rate=1000.0)
    parrots = sim.create("parrot_neuron", 1050)
    sr = sim.create("spike_recorder", record_to=record_to)
    sim.connect(noise, parrots)
    sim.connect(parrots, sr)
    return sim, sr


def test_million_spikes_read_back_identical_with_flat_memory(tmp_path):
    sim, sr = million_spikes(tmp_path, "hdf5")
    samples = []
    drain = sim._hdf5.drain

    def sampling_drain():
        rows = drain()
        samples.append(rss_bytes())  # between simulated chunks, right after the rows left memory
        return rows

    sim._hdf5.drain = sampling_drain
    release_free_heap()
    sim.simulate(1000.0)
    assert len(samples) > 20
    growth_h5 = max(samples) - samples[1]

    sim_mem, sr_mem = million_spikes(tmp_path, "memory")
    release_free_heap()
    before = rss_bytes()
    result_mem = sim_mem.simulate(1000.0)
    growth_mem = rss_bytes() - before

    n = sr_mem.get("n_events")
    assert n >= 1_000_000
    written = hdf5.read_events(sr.get("filenames")[0])
    mem = result_mem.events(sr_mem)
    np.testing.assert_array_equal(written["senders"], mem["senders"])
    np.testing.assert_array_equal(written["times"], mem["times"])
    # The memory backend keeps 24 bytes a spike (> 20 MB here); the hdf5 run's resident
    # memory stays within a few chunks' worth of rows and h5py's chunk cache.
    bound = 8 * 1024 * 1024
    print(f"resident growth: hdf5 {growth_h5 / 2**20:.1f} MiB, memory {growth_mem / 2**20:.1f} MiB, {n} spikes")
    assert growth_h5 < bound < growth_mem
    # Flat, not slowly growing: the second half of the run adds nothing that stays.
    second_half = samples[len(samples) // 2 :]
    assert max(second_half) - min(second_half) < 2 * 1024 * 1024


def test_missing_h5py_is_a_clear_import_error_before_any_time_is_simulated(nest, tmp_path, monkeypatch):
    nest.data_path = str(tmp_path)
    _, sr, _ = small_network(nest, {"record_to": "hdf5"})
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        nest.Simulate(10.0)
    assert nest.biological_time == 0.0 and not os.path.exists(sr.filenames[0])
    monkeypatch.undo()
    nest.Simulate(10.0)  # the kernel is usable, and the file is written
    assert len(hdf5.read_events(sr.filenames[0])["times"]) == sr.n_events


def test_reset_kernel_inside_a_session_closes_the_files(nest, tmp_path):
    nest.data_path = str(tmp_path)
    _, sr, _ = small_network(nest, {"record_to": "hdf5"})
    path = sr.filenames[0]
    nest.Prepare()
    nest.Run(30.0)
    nest.ResetKernel()
    with h5py.File(path, "r") as f:  # closed, so readable by anyone
        assert f["events"]["senders"].shape[0] > 0
