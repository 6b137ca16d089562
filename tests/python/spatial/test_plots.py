"""Spatial plots (matplotlib, Agg): what is drawn matches the network."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _scatter_points(ax):
    return [np.asarray(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")]


def test_plot_layer_draws_every_node(nest):
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[4, 5], extent=[2.0, 2.5]))
    fig = nest.PlotLayer(layer)
    pts = _scatter_points(fig.gca())[0]
    np.testing.assert_array_equal(pts, np.array(nest.GetPosition(layer)))
    plt.close(fig)


def test_plot_targets_draws_the_targets_mask_and_probability(nest):
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[15, 15], extent=[1.0, 1.0], edge_wrap=True))
    kernel = nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.2)
    mask = {"circular": {"radius": 0.3}}
    nest.Connect(layer, layer, {"rule": "pairwise_bernoulli", "p": kernel, "mask": mask})
    src = nest.FindCenterElement(layer)
    fig = nest.PlotTargets(src, layer, mask=mask, probability_parameter=kernel)
    ax = fig.axes[0]
    targets = np.array(nest.GetTargetPositions(src, layer)[0])
    drawn = _scatter_points(ax)[0]
    np.testing.assert_array_equal(drawn, targets)
    assert any(isinstance(p, matplotlib.patches.Circle) and p.get_radius() == 0.3 for p in ax.patches)
    image = ax.get_images()[0].get_array()
    assert image.shape == (100, 100) and 0.0 <= image.min() and image.max() <= 1.0
    plt.close(fig)
    fig = nest.PlotSources(layer, src)
    np.testing.assert_array_equal(_scatter_points(fig.gca())[0], np.array(nest.GetSourcePositions(layer, src)[0]))
    plt.close(fig)


def test_parameter_apply_gives_the_kernel(nest):
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.free([[0.0, 0.0], [0.3, 0.4]], extent=[2.0, 2.0]))
    kernel = nest.spatial_distributions.exponential(nest.spatial.distance, beta=0.5)
    values = kernel.apply(layer[0], [[0.3, 0.4], [0.0, -1.0]])
    np.testing.assert_allclose(values, [np.exp(-0.5 / 0.5), np.exp(-1.0 / 0.5)], rtol=1e-15)
