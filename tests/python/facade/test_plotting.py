"""nest.voltage_trace and nest.raster_plot draw the recorded data (checked on the Agg backend)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba


@pytest.fixture
def recorded(nest):
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": [450.0, 600.0]})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    vm = nest.Create("voltmeter")
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(vm, n)
    nest.Connect(n, sr)
    nest.Simulate(60.0)
    yield n, mm, vm, sr
    plt.close("all")


def test_voltage_trace_draws_each_nodes_v_m(nest, recorded):
    n, mm, _, _ = recorded
    lines = nest.voltage_trace.from_device(mm)
    assert len(lines) == 2
    ev = mm.events
    senders, times, v = np.asarray(ev["senders"]), np.asarray(ev["times"]), np.asarray(ev["V_m"])
    ax = plt.gca()
    for node, line in zip(n.tolist(), ax.get_lines()):
        x, y = line.get_data()
        np.testing.assert_allclose(x, times[senders == node])
        np.testing.assert_allclose(y, v[senders == node])
        assert line.get_label() == f"Neuron {node}"
    assert ax.get_title() == "Membrane potential"
    assert ax.get_xlabel() == "Time (ms)" and ax.get_ylabel() == "Membrane potential (mV)"


def test_voltage_trace_options(nest, recorded):
    n, _, vm, _ = recorded
    nest.voltage_trace.from_device(vm, neurons=[n.tolist()[1]], title="V", grayscale=True, timeunit="s")
    ax = plt.gca()
    (line,) = ax.get_lines()
    ev = vm.events
    senders = np.asarray(ev["senders"])
    np.testing.assert_allclose(line.get_xdata(), np.asarray(ev["times"])[senders == 2] / 1000.0)
    assert to_rgba(line.get_color()) == (0.0, 0.0, 0.0, 1.0) and ax.get_title() == "V" and ax.get_xlabel() == "Time (s)"


def test_voltage_trace_refuses_other_devices(nest, recorded):
    _, _, _, sr = recorded
    with pytest.raises(TypeError, match="voltmeter"):
        nest.voltage_trace.from_device(sr)
    mm_i = nest.Create("multimeter", params={"record_from": ["I_syn_ex"]})
    with pytest.raises(ValueError, match="V_m"):
        nest.voltage_trace.from_device(mm_i)


def test_raster_from_device_draws_spikes_and_rate_histogram(nest, recorded):
    n, _, _, sr = recorded
    ev = sr.events
    times, senders = np.asarray(ev["times"]), np.asarray(ev["senders"])
    assert len(times) > 3
    nest.raster_plot.from_device(sr, hist_binwidth=10.0)
    fig = plt.gcf()
    raster, hist = fig.axes
    (line,) = raster.get_lines()
    np.testing.assert_allclose(line.get_xdata(), times)
    np.testing.assert_allclose(line.get_ydata(), senders)
    assert raster.get_title() == f"Raster plot from device '{sr.global_id}'"
    edges = np.arange(times.min(), times.max(), 10.0)
    bars = hist.patches
    assert len(bars) == len(edges)
    for k, bar in enumerate(bars):
        hi = edges[k + 1] if k + 1 < len(edges) else np.inf
        count = np.sum((times >= edges[k]) & (times < hi))
        assert bar.get_x() + bar.get_width() / 2 == pytest.approx(edges[k])
        assert bar.get_height() == pytest.approx(1000.0 * count / (10.0 * 2))
    assert hist.get_ylabel() == "Rate (spks/s)"


def test_raster_from_data_with_selection_and_without_histogram(nest):
    data = np.array([[1, 1.0], [2, 2.0], [1, 3.5], [3, 4.0], [2, 7.0]])
    nest.raster_plot.from_data(data, sel=[1, 2], hist=False, title="sel")
    ax = plt.gca()
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [1.0, 2.0, 3.5, 7.0])
    np.testing.assert_allclose(line.get_ydata(), [1, 2, 1, 2])
    assert ax.get_title() == "sel" and ax.get_ylabel() == "Neuron ID"
    plt.close("all")
    with pytest.raises(ValueError, match="No data"):
        nest.raster_plot.from_data(np.empty((0, 2)))


def test_extract_events(nest):
    data = np.array([[1, 1.0], [2, 2.0], [1, 3.5], [3, 4.0]])
    np.testing.assert_array_equal(nest.raster_plot.extract_events(data, time=[3.5]), [[1, 1.0], [2, 2.0]])
    np.testing.assert_array_equal(nest.raster_plot.extract_events(data, time=[2.0, 4.0]), [[2, 2.0], [1, 3.5]])
    np.testing.assert_array_equal(nest.raster_plot.extract_events(data, sel=[3]), [[3, 4.0]])


def test_plots_from_ascii_files_draw_what_was_recorded(nest, tmp_path):
    nest.overwrite_files = True
    nest.data_path = str(tmp_path)
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": [400.0, 500.0]})
    sr = nest.Create("spike_recorder", params={"record_to": "ascii", "label": "spk"})
    vm = nest.Create("voltmeter", params={"record_to": "ascii", "label": "vm", "interval": 1.0})
    mem = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Connect(n, mem)
    nest.Connect(vm, n)
    nest.Simulate(200.0)
    plt.close("all")
    nest.raster_plot.from_device(sr, hist=False)
    dots = plt.gcf().axes[0].lines[0]
    ev = mem.get("events")
    order = np.argsort(np.asarray(dots.get_xdata()), kind="stable")
    assert np.allclose(np.sort(dots.get_xdata()), np.sort(ev["times"]), atol=1e-3)  # files keep 3 decimals
    assert sorted(np.asarray(dots.get_ydata())[order].tolist()) == sorted(ev["senders"].tolist())
    plt.close("all")
    lines = nest.voltage_trace.from_device(vm)
    assert len(lines) == 2
    t, v = lines[0][0].get_xdata(), lines[0][0].get_ydata()
    assert np.allclose(t, np.arange(1.0, 200.0, 1.0)[: len(t)])
    assert v.max() <= -55.0 + 1e-3 and v.min() >= -70.0 - 1e-3
    plt.close("all")
