"""Recording backends (record_to "memory", "ascii", "screen") as NEST 3.10 has them.

The expected files and screen lines below are what NEST 3.10 writes for the same
scripts (NEST's format: recording_backend_ascii.h). The ascii backend writes one file
per recorder and virtual process; nestkit runs one process, so with one thread that is
one file, named data_path/data_prefix(label|model)-<node id>-<vp>.<file_extension>.
"""

import os

import numpy as np
import pytest
from nestkit import _core
from nestkit.nest import _kernel_attrs, _state

HEADER = "# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\n"

# Three iaf_psc_alpha with I_e 376, 400, 450 pA, spikes recorded for 100 ms (NEST 3.10).
SPIKES_MS = "3\t18.000\n2\t27.800\n3\t38.000\n2\t57.600\n3\t58.000\n1\t59.300\n3\t78.000\n2\t87.400\n3\t98.000\n"
SPIKES_STEPS_P5 = (
    "3\t180\t0.00000\n2\t278\t0.00000\n3\t380\t0.00000\n2\t576\t0.00000\n3\t580\t0.00000\n"
    "1\t593\t0.00000\n3\t780\t0.00000\n2\t874\t0.00000\n3\t980\t0.00000\n"
)


def three_neurons(nest):
    return nest.Create("iaf_psc_alpha", 3, params={"I_e": [376.0, 400.0, 450.0]})


def read(path):
    with open(path) as f:
        return f.read()


def test_spike_recorder_ascii_file_is_nests(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n = three_neurons(nest)
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    nest.Connect(n, sr)
    path = str(tmp_path / "spike_recorder-4-0.dat")
    assert sr.filenames == [path]
    nest.Simulate(100.0)
    assert os.listdir(tmp_path) == ["spike_recorder-4-0.dat"]
    assert read(path) == HEADER + "sender\ttime_ms\n" + SPIKES_MS
    assert sr.n_events == 9
    status = sr.get()
    assert status["file_extension"] == "dat" and status["precision"] == 3 and status["time_in_steps"] is False
    assert "events" not in status  # as NEST: only the memory backend keeps events
    with pytest.raises(nest.NESTErrors.UnknownParameter, match="only the 'memory' backend keeps events"):
        sr.get("events")


def test_prefix_label_precision_time_in_steps_and_extension(nest, tmp_path):
    nest.set(data_path=str(tmp_path), data_prefix="run1_")
    n = three_neurons(nest)
    sr = nest.Create(
        "spike_recorder",
        params={
            "record_to": "ascii",
            "label": "spikes",
            "precision": 5,
            "time_in_steps": True,
            "file_extension": "txt",
        },
    )
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    assert os.listdir(tmp_path) == ["run1_spikes-4-0.txt"]
    text = read(tmp_path / "run1_spikes-4-0.txt")
    assert text == HEADER + "sender\ttime_step\ttime_offset\n" + SPIKES_STEPS_P5


def test_node_id_is_padded_to_the_network_size_when_the_recorder_joins_ascii(nest, tmp_path):
    nest.set(data_path=str(tmp_path), overwrite_files=True)
    early = nest.Create("spike_recorder")
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    nest.Create("iaf_psc_alpha", 120)
    early.record_to = "ascii"  # joins ascii when 122 nodes exist (NEST: spike_recorder-001-0.dat)
    sr.set(record_to="ascii", label="x")  # already in ascii: keeps its padding
    late = nest.Create("spike_recorder")
    late.record_to = "ascii"
    assert early.filenames == [str(tmp_path / "spike_recorder-001-0.dat")]
    assert sr.filenames == [str(tmp_path / "x-2-0.dat")]
    assert late.filenames == [str(tmp_path / "spike_recorder-123-0.dat")]
    nest.SetDefaults("spike_recorder", {"record_to": "ascii"})
    tail = nest.Create("spike_recorder")
    assert tail.filenames == [str(tmp_path / "spike_recorder-124-0.dat")]


def test_one_file_per_virtual_process_with_the_senders_of_that_vp(nest, tmp_path):
    nest.set(data_path=str(tmp_path), local_num_threads=2)
    n = three_neurons(nest)
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    names = [str(tmp_path / f"spike_recorder-4-{vp}.dat") for vp in (0, 1)]
    assert sr.filenames == names
    rows = [line.split("\t") for line in SPIKES_MS.splitlines()]
    for vp, name in enumerate(names):
        expected = "".join("\t".join(r) + "\n" for r in rows if int(r[0]) % 2 == vp)
        assert read(name) == HEADER + "sender\ttime_ms\n" + expected


def test_multimeter_ascii_columns_are_nests(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": [0.0, 200.0]})
    sg = nest.Create("spike_generator", params={"spike_times": [3.0, 7.0]})
    nest.Connect(sg, n, syn_spec={"weight": 300.0})
    mm = nest.Create(
        "multimeter",
        params={"record_from": ["V_m", "I_syn_ex"], "interval": 2.0, "record_to": "ascii", "precision": 4},
    )
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    # As NEST: the samples of the last min-delay slice are written by the next run.
    expected = HEADER + (
        "sender\ttime_ms\tV_m\tI_syn_ex\n"
        "1\t2.0000\t-70.0000\t0.0000\n2\t2.0000\t-68.5498\t0.0000\n"
        "1\t4.0000\t-70.0000\t0.0000\n2\t4.0000\t-67.3626\t0.0000\n"
        "1\t6.0000\t-68.4042\t300.0000\n2\t6.0000\t-64.7947\t300.0000\n"
        "1\t8.0000\t-66.7539\t220.7277\n2\t8.0000\t-62.3485\t220.7277\n"
        "1\t10.0000\t-64.5354\t421.8018\n2\t10.0000\t-59.4784\t421.8018\n"
        "1\t12.0000\t-62.9578\t280.4721\n2\t12.0000\t-57.3673\t280.4721\n"
        "1\t14.0000\t-62.7246\t149.2752\n2\t14.0000\t-56.6974\t149.2752\n"
        "1\t16.0000\t-63.2802\t71.8728\n2\t16.0000\t-56.8954\t71.8728\n"
        "1\t18.0000\t-64.1411\t32.6788\n2\t18.0000\t-57.4635\t32.6788\n"
    )
    assert read(tmp_path / "multimeter-4-0.dat") == expected


def test_weight_recorder_ascii_columns_are_nests(nest, tmp_path):
    nest.data_path = str(tmp_path)
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.5, 7.3]})
    pa = nest.Create("parrot_neuron")
    n = nest.Create("iaf_psc_alpha")
    wr = nest.Create("weight_recorder", params={"record_to": "ascii"})
    nest.CopyModel("stdp_synapse", "stdp_rec", {"weight_recorder": wr})
    nest.Connect(sg, pa)
    nest.Connect(pa, n, syn_spec={"synapse_model": "stdp_rec", "weight": 3.0})
    nest.Simulate(20.0)
    expected = HEADER + (
        "sender\ttime_ms\tweights\ttargets\treceptors\tports\n"
        "2\t2.000\t3.000\t3\t0\t0\n2\t3.500\t3.000\t3\t0\t0\n2\t8.300\t3.000\t3\t0\t0\n"
    )
    assert read(tmp_path / "weight_recorder-4-0.dat") == expected


def test_memory_backend_time_in_steps_gives_steps_and_offsets(nest):
    n = three_neurons(nest)
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    vm = nest.Create("voltmeter", params={"time_in_steps": True, "interval": 25.0})
    nest.Connect(n, sr)
    nest.Connect(vm, n)
    nest.Simulate(100.0)
    ev = sr.events
    assert ev["times"].dtype.kind == "i" and ev["times"].tolist() == [180, 278, 380, 576, 580, 593, 780, 874, 980]
    assert ev["senders"].tolist() == [3, 2, 3, 2, 3, 1, 3, 2, 3]
    assert ev["offsets"].tolist() == [0.0] * 9
    ev = vm.events
    assert ev["times"].tolist() == [250] * 3 + [500] * 3 + [750] * 3 and ev["offsets"].tolist() == [0.0] * 9
    np.testing.assert_allclose(ev["V_m"][:3], [-56.194558379303444, -55.31335997798239, -62.9175518748274], rtol=1e-9)
    with pytest.raises(nest.NESTErrors.BadProperty, match="time_in_steps cannot be set after Simulate"):
        sr.time_in_steps = False
    sr.time_in_steps = True  # the same value is no change


def test_screen_prints_what_nest_prints(nest, capfd):
    n = three_neurons(nest)
    s1 = nest.Create("spike_recorder", params={"record_to": "screen"})
    s2 = nest.Create("spike_recorder", params={"record_to": "screen", "time_in_steps": True, "precision": 1})
    nest.Connect(n, s1)
    nest.Connect(n, s2)
    capfd.readouterr()
    nest.Simulate(60.0)
    lines = [line for line in capfd.readouterr().out.splitlines() if not line.startswith("[")]
    assert lines == [
        "3\t18.000", "3\t180\t0.0", "2\t27.800", "2\t278\t0.0", "3\t38.000", "3\t380\t0.0",
        "2\t57.600", "2\t576\t0.0", "3\t58.000", "3\t580\t0.0", "1\t59.300", "1\t593\t0.0",
    ]  # fmt: skip
    assert s1.n_events == 6 and s2.n_events == 6
    assert set(s1.get()) >= {"precision", "time_in_steps"} and "file_extension" not in s1.get()


def test_existing_file_without_overwrite_files_is_an_ioerror_that_changes_nothing(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n = three_neurons(nest)
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    nest.Connect(n, sr)
    nest.Simulate(50.0)
    first = read(sr.filenames[0])
    other = nest.Create("spike_recorder", params={"record_to": "ascii", "label": "other"})
    nest.Connect(n, other)
    with pytest.raises(nest.NESTErrors.IOError, match="already exists and overwriting files is disabled") as err:
        nest.Simulate(50.0)
    assert isinstance(err.value, OSError)
    assert "overwrite_files" in str(err.value) and sr.filenames[0] in str(err.value)
    assert nest.biological_time == 50.0 and not _kernel_attrs.is_prepared() and not _state.kernel.in_session
    assert read(sr.filenames[0]) == first and sorted(os.listdir(tmp_path)) == ["spike_recorder-4-0.dat"]
    with pytest.raises(nest.NESTErrors.IOError):
        nest.Prepare()
    assert not _kernel_attrs.is_prepared()
    nest.overwrite_files = True
    nest.Simulate(50.0)  # now both files are (re)written with this run's spikes
    second_half = HEADER + "sender\ttime_ms\n" + "".join(SPIKES_MS.splitlines(keepends=True)[3:])
    assert read(sr.filenames[0]) == second_half and read(other.filenames[0]) == second_half


def test_runs_of_one_prepare_append_and_are_readable_after_each_run(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n = three_neurons(nest)
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    nest.Connect(n, sr)
    with nest.RunManager():
        nest.Run(30.0)
        assert read(sr.filenames[0]) == HEADER + "sender\ttime_ms\n3\t18.000\n2\t27.800\n"
        with pytest.raises(nest.NESTErrors.BadProperty, match="Prepare/Run/Cleanup"):
            sr.precision = 2
        nest.Run(70.0)
    assert read(sr.filenames[0]) == HEADER + "sender\ttime_ms\n" + SPIKES_MS


def test_a_million_spikes_stream_to_ascii_in_flat_memory(nest, tmp_path):
    """The ascii backend writes as the run goes: resident memory does not grow with
    the number of events (the memory backend needs about 24 MB for the same run),
    and the file holds exactly the memory backend's events."""

    def resident():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def run(record_to):
        nest.ResetKernel()
        nest.set(rng_seed=7, data_path=str(tmp_path))
        pg = nest.Create("poisson_generator", params={"rate": 10000.0})
        pa = nest.Create("parrot_neuron", 100)
        sr = nest.Create("spike_recorder", params={"record_to": record_to})
        nest.Connect(pg, pa)
        nest.Connect(pa, sr)
        with nest.RunManager():
            nest.Run(10.0)  # allocations of the first run happen here
            before = resident()
            nest.Run(1000.0)
            growth = resident() - before
        return sr, growth

    sr, growth = run("ascii")
    assert sr.n_events >= 1_000_000
    assert growth < 8e6, f"resident memory grew by {growth / 1e6:.1f} MB while streaming to ascii"
    data = np.loadtxt(sr.filenames[0], skiprows=3)
    mem, mem_growth = run("memory")
    assert mem_growth > 15e6  # the measurement sees memory that events take
    ev = mem.events
    assert data.shape == (len(ev["senders"]), 2)
    np.testing.assert_array_equal(data[:, 0], ev["senders"])
    np.testing.assert_array_equal(data[:, 1], np.round(ev["times"], 3))


def test_backend_errors_are_clear_and_change_nothing(nest):
    sr = nest.Create("spike_recorder", params={"label": "keep"})
    with pytest.raises(nest.NESTErrors.BadProperty, match="unknown recording backend 'asci'.*Did you mean 'ascii'"):
        sr.set(record_to="asci", label="changed")
    with pytest.raises(nest.NESTErrors.BadProperty, match="precision = -1 must be in"):
        sr.set(record_to="ascii", precision=-1, label="changed")
    with pytest.raises(nest.NESTErrors.TypeMismatch, match="precision"):
        sr.set(record_to="ascii", precision=2.5)
    with pytest.raises(nest.NESTErrors.BadProperty, match="'precision' is not a parameter of the 'memory'"):
        sr.set(precision=4)
    with pytest.raises(nest.NESTErrors.BadProperty, match="'file_extension' is not a parameter of the 'screen'"):
        sr.set(record_to="screen", file_extension="txt")
    with pytest.raises(nest.NESTErrors.BadProperty, match="read-only"):
        sr.set(record_to="ascii", filenames=["x"])
    assert sr.get(["record_to", "label"]) == {"record_to": "memory", "label": "keep"}
    with pytest.raises(nest.NESTErrors.BadProperty, match="unknown recording backend"):
        nest.Create("multimeter", params={"record_to": "file"})
    assert nest.network_size == 1


def test_kernel_keeps_data_path_prefix_overwrite_and_lists_the_backends(nest, tmp_path, capsys):
    assert nest.recording_backends == ["ascii", "hdf5", "memory", "screen"]
    nest.set(data_path=str(tmp_path), data_prefix="p_", overwrite_files=True)
    core = _state.kernel.get_kernel_status()
    assert (core["data_path"], core["data_prefix"], core["overwrite_files"]) == (str(tmp_path), "p_", True)
    assert core["recording_backends"] == ["ascii", "hdf5", "memory", "screen"]
    # As NEST: a missing directory or a prefix with a path is logged and changes nothing.
    nest.set(data_path=str(tmp_path / "missing"), data_prefix="a/b")
    assert (nest.data_path, nest.data_prefix) == (str(tmp_path), "p_")
    assert "does not exist" in capsys.readouterr().err
    # An unwritable directory is an error; the whole call changes nothing.
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    unwritable = str(locked) if not os.access(locked, os.W_OK) else "/proc/self"  # root writes anywhere
    with pytest.raises(nest.NESTErrors.BadProperty, match="not writable"):
        nest.SetKernelStatus({"overwrite_files": False, "data_path": unwritable})
    assert nest.data_path == str(tmp_path) and nest.overwrite_files is True
    nest.ResetKernel()
    assert (nest.data_path, nest.data_prefix, nest.overwrite_files) == ("", "", False)


def test_core_kernel_checks_its_io_keys_transactionally(tmp_path):
    k = _core.Kernel()
    k.set_kernel_status({"data_prefix": "x_"})
    for bad, kind in (
        ({"data_prefix": "y_", "data_path": str(tmp_path / "nope")}, _core.BadProperty),
        ({"data_prefix": "y/z"}, _core.BadProperty),
        ({"data_prefix": "y_", "overwrite_files": 1}, _core.TypeMismatch),
        ({"data_path": 3}, _core.TypeMismatch),
    ):
        with pytest.raises(kind):
            k.set_kernel_status(bad)
    assert k.get_kernel_status()["data_prefix"] == "x_"


def test_defaults_show_the_keys_of_the_default_backend(nest):
    d = nest.GetDefaults("spike_recorder")
    assert d["record_to"] == "memory" and d["time_in_steps"] is False and "precision" not in d
    nest.CopyModel("spike_recorder", "sr_ascii", {"record_to": "ascii", "precision": 6})
    d = nest.GetDefaults("sr_ascii")
    assert (d["precision"], d["file_extension"]) == (6, "dat")
    assert nest.Create("sr_ascii").get("precision") == 6
