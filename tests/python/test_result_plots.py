"""Result.plot_raster and Result.plot_trace: the plotted data, and images (rendered with
Agg) equal to the facade's raster_plot/voltage_trace and to plain matplotlib drawings."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nestkit  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def build(create, connect, backend="memory"):
    """Two neurons, a multimeter and a spike recorder: node IDs 1-4 in either API."""
    n = create("iaf_psc_alpha", 2, {"I_e": [450.0, 600.0]})
    mm = create("multimeter", 1, {"record_from": ["V_m", "I_syn_ex"], "interval": 0.5, "record_to": backend})
    sr = create("spike_recorder", 1, {"record_to": backend})
    connect(mm, n)
    connect(n, sr)
    return n, mm, sr


def native(tmp_path=None, backend="memory"):
    sim = nestkit.Simulator(data_path=tmp_path)
    n, mm, sr = build(lambda m, k, p: sim.create(m, k, **p), sim.connect, backend)
    return n, mm, sr, sim.simulate(80.0)


def facade(nest, backend="memory"):
    n, mm, sr = build(lambda m, k, p: nest.Create(m, k, params=p), nest.Connect, backend)
    nest.Simulate(80.0)
    return n, mm, sr


def test_plot_raster_draws_the_spikes_and_rates_as_the_facade(nest, tmp_path):
    _, _, sr, result = native()
    spikes = result.spikes(sr)
    assert len(spikes.times) > 5
    ax = result.plot_raster(sr, hist_binwidth=10.0)
    raster, hist = ax.figure.axes
    assert ax is raster
    (line,) = raster.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), spikes.times)
    np.testing.assert_array_equal(line.get_ydata(), spikes.senders)
    edges = np.arange(spikes.times.min(), spikes.times.max(), 10.0)
    counts, _ = np.histogram(spikes.times, bins=np.append(edges, np.inf))
    np.testing.assert_allclose([b.get_height() for b in hist.patches], 1000.0 * counts / (10.0 * 2))
    native_image = pixels(ax.figure)
    ax.figure.savefig(tmp_path / "native.png")

    _, _, sr_f = facade(nest)
    nest.raster_plot.from_device(sr_f, hist_binwidth=10.0)
    facade_image = pixels(plt.gcf())
    plt.gcf().savefig(tmp_path / "facade.png")
    np.testing.assert_array_equal(native_image, facade_image)
    # The image files hold the same picture.
    np.testing.assert_array_equal(plt.imread(tmp_path / "native.png"), plt.imread(tmp_path / "facade.png"))
    # Not a blank figure: blue markers and gray-blue bars are drawn.
    assert np.mean(np.any(native_image[..., :3] < 200, axis=-1)) > 0.01


def test_plot_trace_is_voltage_trace_and_a_plain_matplotlib_drawing(nest):
    n, mm, _, result = native()
    trace = result.trace(mm, "V_m")
    ax = result.plot_trace(mm, "V_m")
    for k, line in enumerate(ax.get_lines()):
        np.testing.assert_array_equal(line.get_xdata(), trace.times)
        np.testing.assert_array_equal(line.get_ydata(), trace.values[k])
        assert line.get_label() == f"Neuron {trace.senders[k]}"
    ours = pixels(ax.figure)

    # The same figure drawn directly with matplotlib.
    fig, ref = plt.subplots()
    for k, s in enumerate(trace.senders):
        ref.plot(trace.times, trace.values[k], label=f"Neuron {s}")
    ref.set_title("Membrane potential")
    ref.set_ylabel("Membrane potential (mV)")
    ref.set_xlabel("Time (ms)")
    ref.legend(loc="best")
    np.testing.assert_array_equal(ours, pixels(fig))

    # The facade's voltage_trace draws the same lines, labels and title.
    _, mm_f, _ = facade(nest)
    plt.figure()
    nest.voltage_trace.from_device(mm_f)
    np.testing.assert_array_equal(ours, pixels(plt.gcf()))


def test_plot_trace_of_another_variable_names_it_with_its_unit():
    _, mm, _, result = native()
    ax = result.plot_trace(mm, "I_syn_ex")
    assert ax.get_title() == "I_syn_ex" and ax.get_ylabel() == "I_syn_ex (pA)"
    fig, given = plt.subplots()
    assert result.plot_trace(mm, "V_m", ax=given) is given
    with pytest.raises(KeyError, match="g_ex"):
        result.plot_trace(mm, "g_ex")
    with pytest.raises(TypeError, match="spike_recorder"):
        result.plot_raster(mm)


def test_facade_plots_read_hdf5_recorders(nest, tmp_path):
    _, mm_mem, sr_mem = facade(nest)
    nest.ResetKernel()
    nest.data_path = str(tmp_path)
    _, mm_h5, sr_h5 = facade(nest, "hdf5")
    images = []
    for mm, sr in ((mm_mem, sr_mem), (mm_h5, sr_h5)):
        nest.raster_plot.from_device(sr)
        images.append(pixels(plt.gcf()))
        plt.figure()
        nest.voltage_trace.from_device(mm)
        images.append(pixels(plt.gcf()))
    np.testing.assert_array_equal(images[0], images[2])
    np.testing.assert_array_equal(images[1], images[3])


def test_native_plots_read_hdf5_recorders(tmp_path):
    _, mm, sr, result = native()
    expected = pixels(result.plot_raster(sr).figure), pixels(result.plot_trace(mm, "V_m").figure)
    _, mm_h5, sr_h5, result_h5 = native(tmp_path, "hdf5")
    got = pixels(result_h5.plot_raster(sr_h5).figure), pixels(result_h5.plot_trace(mm_h5, "V_m").figure)
    np.testing.assert_array_equal(expected[0], got[0])
    np.testing.assert_array_equal(expected[1], got[1])
