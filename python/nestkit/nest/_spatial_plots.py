"""PyNEST's spatial plots (matplotlib): layers, the targets or sources of one
node, and connection probabilities with the mask outline. Same arguments and
figure contents as NEST 3.10; matplotlib is imported only when plotting."""

from __future__ import annotations

import numpy as np

from .._collections import NodeCollection
from ._spatial_api import GetPosition, GetSourcePositions, GetTargetPositions

__all__ = ["PlotLayer", "PlotTargets", "PlotSources", "PlotProbabilityParameter"]


def _axes(fig, three_d=False):
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure()
        ax = fig.add_subplot(111, projection="3d") if three_d else fig.add_subplot(111)
    else:
        ax = fig.gca()
    return fig, ax


def _frame(ax, center, extent):
    """The layer's outline, with a 5 % margin and no ticks (as NEST draws it)."""
    import matplotlib.pyplot as plt

    (cx, cy), (ex, ey) = center[:2], extent[:2]
    llx, lly = cx - ex / 2.0, cy - ey / 2.0
    ax.add_patch(plt.Rectangle((llx, lly), ex, ey, fc="none", ec="0.5", lw=1, zorder=1))
    ax.set(
        aspect="equal",
        xlim=(llx - 0.05 * ex, llx + ex + 0.05 * ex),
        ylim=(lly - 0.05 * ey, lly + ey + 0.05 * ey),
        xticks=(),
        yticks=(),
    )


def _as_rows(pos, n):
    return [pos] if n == 1 else list(pos)


def PlotLayer(layer, fig=None, nodecolor="b", nodesize=20):  # noqa: N802 - PyNEST's name
    """Scatter plot of a layer's nodes (2-D with the layer outline, or 3-D)."""
    import matplotlib.pyplot as plt

    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection.")
    meta = layer.spatial
    if meta is None:
        raise TypeError("layer must be a NodeCollection with spatial positions")
    pos = np.array(_as_rows(GetPosition(layer), len(layer)))
    three_d = len(meta["extent"]) == 3
    fig, ax = _axes(fig, three_d)
    if three_d:
        ax.scatter(pos[:, 0], pos[:, 1], pos[:, 2], s=nodesize, c=nodecolor)
        plt.draw_if_interactive()
    else:
        ax.scatter(pos[:, 0], pos[:, 1], s=nodesize, facecolor=nodecolor)
        _frame(ax, meta["center"], meta["extent"])
    return fig


def _plot_partners(
    center_node, layer, partner_pos, fig, mask, parameter, c_color, c_size, p_color, p_size, m_color, cmap
):
    import matplotlib.pyplot as plt

    own = np.asarray(GetPosition(center_node), dtype=float)
    meta = layer.spatial
    if meta is None:
        raise TypeError("the layer must be a NodeCollection with spatial positions")
    three_d = len(meta["extent"]) == 3
    fig, ax = _axes(fig, three_d)
    pts = np.array(partner_pos[0]) if partner_pos and len(partner_pos[0]) else np.zeros((0, len(own)))
    if three_d:
        if len(pts):
            ax.scatter3D(pts[:, 0], pts[:, 1], pts[:, 2], s=p_size, facecolor=p_color)
        ax.scatter3D(own[:1], own[1:2], own[2:], s=c_size, facecolor=c_color, alpha=0.4, zorder=-10)
    else:
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], s=p_size, facecolor=p_color)
        ax.scatter(own[:1], own[1:], s=c_size, facecolor=c_color, alpha=0.4, zorder=-10)
        if mask is not None or parameter is not None:
            (cx, cy), (ex, ey) = meta["center"], meta["extent"]
            PlotProbabilityParameter(
                center_node,
                parameter,
                mask=mask,
                edges=[cx - ex, cx + ex, cy - ey, cy + ey],
                ax=ax,
                prob_cmap=cmap,
                mask_color=m_color,
            )
        _frame(ax, meta["center"], meta["extent"])
    plt.draw_if_interactive()
    return fig


def PlotTargets(  # noqa: N802 - PyNEST's name
    src_nrn,
    tgt_layer,
    syn_type=None,
    fig=None,
    mask=None,
    probability_parameter=None,
    src_color="red",
    src_size=50,
    tgt_color="blue",
    tgt_size=20,
    mask_color="yellow",
    probability_cmap="Greens",
):
    """The targets of one source node in tgt_layer, optionally with mask and probability."""
    if not isinstance(src_nrn, NodeCollection) or len(src_nrn) != 1:
        raise TypeError("src_nrn must be a single element NodeCollection.")
    if not isinstance(tgt_layer, NodeCollection):
        raise TypeError("tgt_layer must be a NodeCollection.")
    targets = GetTargetPositions(src_nrn, tgt_layer, syn_type)
    return _plot_partners(
        src_nrn,
        tgt_layer,
        targets,
        fig,
        mask,
        probability_parameter,
        src_color,
        src_size,
        tgt_color,
        tgt_size,
        mask_color,
        probability_cmap,
    )


def PlotSources(  # noqa: N802 - PyNEST's name
    src_layer,
    tgt_nrn,
    syn_type=None,
    fig=None,
    mask=None,
    probability_parameter=None,
    tgt_color="red",
    tgt_size=50,
    src_color="blue",
    src_size=20,
    mask_color="yellow",
    probability_cmap="Greens",
):
    """The sources in src_layer of one target node, optionally with mask and probability."""
    if not isinstance(tgt_nrn, NodeCollection) or len(tgt_nrn) != 1:
        raise TypeError("tgt_nrn must be a single element NodeCollection.")
    if not isinstance(src_layer, NodeCollection):
        raise TypeError("src_layer must be a NodeCollection.")
    sources = GetSourcePositions(src_layer, tgt_nrn, syn_type)
    return _plot_partners(
        tgt_nrn,
        src_layer,
        sources,
        fig,
        mask,
        probability_parameter,
        tgt_color,
        tgt_size,
        src_color,
        src_size,
        mask_color,
        probability_cmap,
    )


def _images(center, extent, periodic):
    """The mask's centre and, in periodic layers, its eight neighbouring images."""
    if not periodic:
        return [center]
    return [center + np.array([dx * extent[0], dy * extent[1]]) for dx in (0, -1, 1) for dy in (0, -1, 1)]


def _mask_patches(mask, periodic, extent, source_pos, face_color):
    import matplotlib as mpl
    import matplotlib.path as mpath
    import matplotlib.pyplot as plt

    style = dict(fc=face_color, ec="black", alpha=0.2, lw=2)
    offset = np.array(mask.get("anchor", [0.0, 0.0]), dtype=float)
    base = np.asarray(source_pos, dtype=float) + offset
    patches = []
    if "circular" in mask:
        r = mask["circular"]["radius"]
        patches = [plt.Circle(c, radius=r, **style) for c in _images(base, extent, periodic)]
    elif "doughnut" in mask:
        r_in, r_out = mask["doughnut"]["inner_radius"], mask["doughnut"]["outer_radius"]
        t = np.arange(0, 2 * np.pi, 0.01)
        ring = np.column_stack((np.cos(t), np.sin(t)))
        codes = np.full(len(t), mpath.Path.LINETO, dtype=mpath.Path.code_type)
        codes[0] = mpath.Path.MOVETO
        for c in _images(base, extent, periodic):
            verts = np.concatenate([r_out * ring[::-1], r_in * ring]) + c
            patches.append(mpl.patches.PathPatch(mpath.Path(verts, np.concatenate([codes, codes])), **style))
    elif "rectangular" in mask:
        spec = mask["rectangular"]
        ll, ur = np.array(spec["lower_left"], float), np.array(spec["upper_right"], float)
        w, h = ur - ll
        angle = spec.get("azimuth_angle", 0.0)
        for c in _images(base + ll, extent, periodic):
            patch = plt.Rectangle(c, w, h, **style)
            rot = mpl.transforms.Affine2D().rotate_deg_around(c[0] + w / 2, c[1] + h / 2, angle)
            patch.set_transform(rot + plt.gca().transData)
            patches.append(patch)
    elif "elliptical" in mask:
        spec = mask["elliptical"]
        centre = base + np.array(spec.get("anchor", [0.0, 0.0]), float)
        for c in _images(centre, extent, periodic):
            patches.append(
                mpl.patches.Ellipse(
                    c, spec["major_axis"], spec["minor_axis"], angle=spec.get("azimuth_angle", 0.0), **style
                )
            )
    else:
        raise ValueError("Mask type cannot be plotted with this version of PyNEST.")
    return patches


def PlotProbabilityParameter(  # noqa: N802 - PyNEST's name
    source,
    parameter=None,
    mask=None,
    edges=(-0.5, 0.5, -0.5, 0.5),
    shape=(100, 100),
    ax=None,
    prob_cmap="Greens",
    mask_color="yellow",
):
    """The connection probability from `source` over a grid of target positions
    (clipped to [0, 1]) and the outline of a mask dictionary."""
    import matplotlib.pyplot as plt

    if parameter is None and mask is None:
        raise ValueError("At least one of parameter or mask must be specified")
    if ax is None:
        _, ax = plt.subplots()
    edges = list(edges)
    ax.set_xlim(*edges[:2])
    ax.set_ylim(*edges[2:])
    if parameter is not None:
        xs = np.linspace(edges[0], edges[1], shape[0])
        ys = np.linspace(edges[2], edges[3], shape[1])
        z = np.zeros((shape[1], shape[0]))
        for i, x in enumerate(xs):
            z[:, i] = parameter.apply(source, [[x, y] for y in ys])
        img = ax.imshow(np.clip(z, 0.0, 1.0), extent=edges, origin="lower", cmap=prob_cmap, vmin=0.0, vmax=1.0)
        plt.colorbar(img, ax=ax, fraction=0.046, pad=0.04)
    if mask is not None:
        meta = source.spatial
        for patch in _mask_patches(mask, meta["edge_wrap"], meta["extent"], GetPosition(source), mask_color):
            patch.set_zorder(0.5)
            ax.add_patch(patch)
