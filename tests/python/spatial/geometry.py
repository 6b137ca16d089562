"""Independent numpy geometry for the spatial tests: mask membership written from
the masks' definitions (rotations as matrices), periodic images, kernels."""

from __future__ import annotations

import numpy as np


def rot2(deg):
    t = np.deg2rad(deg)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def rot3(az, pol):
    """Rotation by azimuth about z, then by polar angle about the rotated y axis (NEST's convention)."""
    a, p = np.deg2rad(az), np.deg2rad(pol)
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])
    return rz @ ry


def inside(mask: dict, d: np.ndarray) -> np.ndarray:
    """Membership of displacements d (n x dim) in a NEST mask dictionary."""
    d = np.atleast_2d(np.asarray(d, dtype=float))
    mask = dict(mask)
    shift = np.asarray(mask.pop("anchor", np.zeros(d.shape[1])), dtype=float)
    d = d - shift
    ((kind, spec),) = mask.items()
    dim = d.shape[1]
    centre = np.asarray(spec.get("anchor", np.zeros(dim)), dtype=float)
    if kind in ("circular", "spherical"):
        return np.linalg.norm(d - centre, axis=1) <= spec["radius"]
    if kind == "doughnut":
        r = np.linalg.norm(d - centre, axis=1)
        return (r <= spec["outer_radius"]) & (r > spec["inner_radius"])
    if kind in ("rectangular", "box"):
        ll, ur = np.asarray(spec["lower_left"], float), np.asarray(spec["upper_right"], float)
        c = (ll + ur) / 2
        r = (
            rot2(spec.get("azimuth_angle", 0.0))
            if dim == 2
            else rot3(spec.get("azimuth_angle", 0.0), spec.get("polar_angle", 0.0))
        )
        q = (d - c) @ r + c  # rotate back into the box frame
        return np.all((q >= ll - 1e-12) & (q <= ur + 1e-12), axis=1)
    if kind in ("elliptical", "ellipsoidal"):
        r = (
            rot2(spec.get("azimuth_angle", 0.0))
            if dim == 2
            else rot3(spec.get("azimuth_angle", 0.0), spec.get("polar_angle", 0.0))
        )
        q = (d - centre) @ r
        axes = [spec["major_axis"], spec["minor_axis"]] + ([spec["polar_axis"]] if dim == 3 else [])
        return np.sum((q / (np.asarray(axes) / 2)) ** 2, axis=1) <= 1
    raise ValueError(kind)


def images(dim):
    """Offsets of the periodic images in units of the extent."""
    grids = np.meshgrid(*[[-1, 0, 1]] * dim, indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1)


def inside_periodic(mask, d, extent):
    """Inside for some periodic image of the displacement (masks no larger than the layer)."""
    d = np.atleast_2d(d)
    hit = np.zeros(len(d), dtype=bool)
    for k in images(d.shape[1]):
        hit |= inside(mask, d + k * np.asarray(extent))
    return hit


def wrapped(d, extent):
    """Minimum-image displacement."""
    e = np.asarray(extent, float)
    return d - e * np.round(d / e)
