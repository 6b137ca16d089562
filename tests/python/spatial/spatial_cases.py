"""Deterministic spatial cases run identically under NEST 3.10 and nestkit.

``run(nest, tmpdir)`` builds layers, connects them with masks (p = 1, so the
result is deterministic) and spatial weights, runs the queries, and returns plain
data. ``make_nest310_reference.py`` runs it under NEST 3.10 and stores the result
in ``nest310_reference.json``; ``test_nest310_parity.py`` runs it under nestkit and
compares.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np


def _points(seed, n, dim, half):
    """Fixed pseudo-random positions, rounded to 4 decimals (identical on both sides)."""
    rs = np.random.RandomState(seed)
    return np.round(rs.uniform(-half, half, size=(n, dim)), 4).tolist()


def _plain(x):
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_plain(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if hasattr(x, "tolist") and hasattr(x, "__len__") and not isinstance(x, str):
        return x.tolist()
    return x


def _conns(nest, pre, post, model, keys=()):
    c = nest.GetConnections(pre, post, synapse_model=model)
    if len(c) == 0:
        return []
    cols = [c.get(k) for k in ("source", "target", *keys)]
    cols = [v if isinstance(v, list) else [v] for v in cols]
    return sorted(zip(*cols))


def _masks_2d():
    return {
        "circ_anchor": {"circular": {"radius": 0.22, "anchor": [0.05, -0.04]}},
        "rect_rot": {"rectangular": {"lower_left": [-0.2, -0.1], "upper_right": [0.15, 0.25], "azimuth_angle": 25.0}},
        "rect_top_anchor": {
            "rectangular": {"lower_left": [-0.1, -0.1], "upper_right": [0.1, 0.2]},
            "anchor": [0.1, 0.0],
        },
        "ellip_rot": {
            "elliptical": {"major_axis": 0.5, "minor_axis": 0.2, "azimuth_angle": 60.0, "anchor": [0.02, 0.03]}
        },
        "donut": {"doughnut": {"inner_radius": 0.08, "outer_radius": 0.3}},
    }


def _masks_3d():
    return {
        "box_rot": {
            "box": {
                "lower_left": [-0.2, -0.15, -0.1],
                "upper_right": [0.2, 0.15, 0.25],
                "azimuth_angle": 30.0,
                "polar_angle": 45.0,
            }
        },
        "ellipsoid": {
            "ellipsoidal": {
                "major_axis": 0.6,
                "minor_axis": 0.3,
                "polar_axis": 0.4,
                "azimuth_angle": 20.0,
                "polar_angle": 70.0,
                "anchor": [0.05, 0.0, -0.05],
            }
        },
        "sphere_anchor": {"spherical": {"radius": 0.3, "anchor": [0.1, -0.1, 0.0]}},
    }


def run(nest, tmpdir):
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    out = {}

    # --- layers and metadata ---
    g2 = nest.Create(
        "iaf_psc_alpha",
        positions=nest.spatial.grid(shape=[5, 4], extent=[1.3, 0.9], center=[0.2, -0.3], edge_wrap=True),
    )
    g3 = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 2, 4], extent=[1.5, 1.0, 2.0]))
    f_default = nest.Create("iaf_psc_alpha", positions=nest.spatial.free(_points(1, 12, 2, 0.7)))
    f3_default = nest.Create("iaf_psc_alpha", positions=nest.spatial.free(_points(2, 9, 3, 1.1)))
    for name, layer in [("g2", g2), ("g3", g3), ("f_default", f_default), ("f3_default", f3_default)]:
        meta = layer.spatial
        out[f"meta_{name}"] = {k: _plain(meta[k]) for k in ("center", "extent", "edge_wrap", "network_size")}
        out[f"pos_{name}"] = _plain(nest.GetPosition(layer))
    out["meta_g2_slice"] = _plain({k: g2[3:9:2].spatial[k] for k in ("center", "extent", "network_size")})
    out["pos_g2_slice"] = _plain(nest.GetPosition(g2[3:9:2]))
    out["meta_f_slice_positions"] = _plain(f_default[2:6].spatial["positions"])

    # --- queries on the periodic grid ---
    out["disp_nc"] = _plain(nest.Displacement(g2[0], g2))
    out["disp_pairs"] = _plain(nest.Displacement(g2[0:4], g2[4:8]))
    out["disp_points"] = _plain(nest.Displacement([[0.55, 0.1]], g2))
    out["dist_nc"] = _plain(nest.Distance(g2[7], g2))
    out["dist_points"] = _plain(nest.Distance([[-0.4, 0.2]], g2))
    out["nearest"] = _plain([n.tolist() for n in nest.FindNearestElement(g2, [[0.0, 0.0], [0.8, 0.1], [-0.5, -0.7]])])
    out["nearest_all"] = _plain(
        [[n.tolist()[0] for n in group] for group in nest.FindNearestElement(g2, [[0.2, -0.3]], find_all=True)]
    )
    out["center_g2"] = nest.FindCenterElement(g2).tolist()
    out["center_f"] = nest.FindCenterElement(f_default).tolist()
    sel_masks = {
        "circ": nest.CreateMask("circular", {"radius": 0.4}),
        "rect": nest.CreateMask("rectangular", {"lower_left": [-0.3, -0.2], "upper_right": [0.3, 0.1]}),
    }
    for name, m in sel_masks.items():
        out[f"select_{name}"] = nest.SelectNodesByMask(f_default, [0.1, 0.0], m).tolist()

    # --- deterministic mask connections (2-D, periodic free layers of different extents) ---
    a = nest.Create(
        "iaf_psc_alpha", positions=nest.spatial.free(_points(3, 60, 2, 0.5), extent=[1.1, 1.2], edge_wrap=True)
    )
    b = nest.Create(
        "iaf_psc_alpha", positions=nest.spatial.free(_points(4, 50, 2, 0.5), extent=[1.0, 1.05], edge_wrap=True)
    )
    weight = 2.0 * nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.2) + nest.spatial.distance.x
    for name, mask in _masks_2d().items():
        for on_source in (False, True):
            model = f"m_{name}_{int(on_source)}"
            nest.CopyModel("static_synapse", model)
            nest.Connect(
                a,
                b,
                {"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask, "use_on_source": on_source},
                {"synapse_model": model, "weight": weight},
            )
            out[model] = _plain(_conns(nest, a, b, model, ("weight",)))
    circ = nest.CreateMask("circular", {"radius": 0.25})
    rect = nest.CreateMask("rectangular", {"lower_left": [-0.1, -0.3], "upper_right": [0.3, 0.05]})
    # NEST 3.10 refuses Mask objects in Connect; combined masks are compared through SelectNodesByMask.
    for name, mask in {"and": circ & rect, "or": circ | rect, "minus": circ - rect}.items():
        out[f"set_{name}"] = [nest.SelectNodesByMask(a, anchor, mask).tolist() for anchor in ([0.0, 0.0], [0.5, -0.55])]

    # kernels as weights on a non-periodic layer
    c = nest.Create("iaf_psc_alpha", positions=nest.spatial.free(_points(5, 40, 2, 0.5), extent=[1.0, 1.0]))
    kernels = {
        "k_exp": nest.spatial_distributions.exponential(nest.spatial.distance, beta=0.3),
        "k_gamma": nest.spatial_distributions.gamma(nest.spatial.distance, kappa=2.5, theta=0.1),
        "k_g2d": nest.spatial_distributions.gaussian2D(
            nest.spatial.distance.x, nest.spatial.distance.y, mean_x=0.05, std_x=0.2, std_y=0.3, rho=0.4
        ),
        "k_pos": nest.spatial.source_pos.x * 3.0 - nest.spatial.target_pos.y + 10.0,
    }
    for name, kern in kernels.items():
        nest.CopyModel("static_synapse", name)
        nest.Connect(
            c,
            c,
            {"rule": "pairwise_bernoulli", "p": 1.0, "mask": {"circular": {"radius": 0.3}}},
            {"synapse_model": name, "weight": kern, "delay": 1.0 + nest.spatial.distance},
        )
        out[name] = _plain(_conns(nest, c, c, name, ("weight", "delay")))

    # --- 3-D masks on a periodic free layer ---
    d3 = nest.Create(
        "iaf_psc_alpha", positions=nest.spatial.free(_points(6, 70, 3, 0.5), extent=[1.0, 1.0, 1.0], edge_wrap=True)
    )
    for name, mask in _masks_3d().items():
        for on_source in (False, True):
            model = f"m3_{name}_{int(on_source)}"
            nest.CopyModel("static_synapse", model)
            nest.Connect(
                d3,
                d3,
                {"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask, "use_on_source": on_source},
                {"synapse_model": model},
            )
            out[model] = _plain(_conns(nest, d3, d3, model))

    # --- grid layers: many pairs lie exactly on mask edges, where NEST's position
    # tree (its cell pruning) decides; compared by count and digest of the pairs ---
    ga = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[30, 30], extent=[3.0, 3.0]))
    gb = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[30, 30], extent=[3.0, 3.0], edge_wrap=True))
    edge_cases = {
        "edge_circ": (ga, ga, {"circular": {"radius": 0.5}}, False),
        "edge_rect_src": (ga, ga, {"rectangular": {"lower_left": [-0.2, -0.5], "upper_right": [0.2, 0.5]}}, True),
        "edge_circ_wrap": (gb, gb, {"circular": {"radius": 0.7}}, False),
        "edge_donut_wrap": (gb, ga, {"doughnut": {"inner_radius": 0.2, "outer_radius": 0.6}}, True),
    }
    for name, (pre, post, mask, on_source) in edge_cases.items():
        nest.CopyModel("static_synapse", name)
        nest.Connect(
            pre,
            post,
            {"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask, "use_on_source": on_source},
            {"synapse_model": name},
        )
        pairs = _conns(nest, pre, post, name)
        out[name] = [len(pairs), hashlib.sha256(repr([tuple(int(x) for x in p) for p in pairs]).encode()).hexdigest()]
    out["edge_select"] = nest.SelectNodesByMask(
        gb, [0.05, -0.05], nest.CreateMask("circular", {"radius": 0.5})
    ).tolist()

    # --- target/source queries and dumps ---
    out["targets"] = [n.tolist() for n in nest.GetTargetNodes(a[:3], b, "m_circ_anchor_0")]
    out["sources"] = [n.tolist() for n in nest.GetSourceNodes(a, b[:3], "m_circ_anchor_0")]
    out["target_positions"] = _plain(nest.GetTargetPositions(a[:2], b, "m_donut_0"))
    nodes_file = os.path.join(tmpdir, "nodes.txt")
    conns_file = os.path.join(tmpdir, "conns.txt")
    nest.DumpLayerNodes(g2, nodes_file)
    nest.DumpLayerConnections(a, b, "m_rect_rot_0", conns_file)
    with open(nodes_file) as f:
        out["dump_nodes"] = f.read()
    with open(conns_file) as f:
        out["dump_conns"] = sorted(f.read().splitlines())
    return out
