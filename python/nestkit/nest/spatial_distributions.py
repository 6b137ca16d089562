"""``nest.spatial_distributions``: NEST's distance-dependent kernels.

Each returns a Parameter evaluated by the C++ core with NEST 3.10's formulas
(nestkernel/parameter.cpp): ``gaussian`` exp(-(x-mean)^2 / (2 std^2)),
``exponential`` exp(-x/beta), ``gamma`` x^(kappa-1) exp(-x/theta) / (theta^kappa
Gamma(kappa)), ``gaussian2D`` the bivariate Gaussian with correlation rho, ``gabor``
the rectified Gabor function (all unnormalised except gamma).
"""

from __future__ import annotations

from ..parameters import Parameter

__all__ = ["exponential", "gaussian", "gaussian2D", "gamma", "gabor"]


def _node(x):
    return Parameter._arg(x)


def exponential(x, beta=1.0):
    """exp(-x / beta)."""
    return Parameter(("spatial_exponential", float(beta), _node(x)))


def gaussian(x, mean=0.0, std=1.0):
    """exp(-(x - mean)^2 / (2 std^2))."""
    return Parameter(("spatial_gaussian", float(mean), float(std), _node(x)))


def gaussian2D(x, y, mean_x=0.0, mean_y=0.0, std_x=1.0, std_y=1.0, rho=0.0):  # noqa: N802 - PyNEST's name
    """The bivariate Gaussian of x and y with means, standard deviations and correlation rho."""
    consts = tuple(("constant", float(v)) for v in (mean_x, mean_y, std_x, std_y, rho))
    return Parameter(("spatial_gaussian2d", _node(x), _node(y), *consts))


def gamma(x, kappa=1.0, theta=1.0):
    """The gamma density x^(kappa-1) exp(-x/theta) / (theta^kappa Gamma(kappa))."""
    return Parameter(("spatial_gamma", float(kappa), float(theta), _node(x)))


def gabor(x, y, theta=0.0, gamma=1.0, std=1.0, lam=1.0, psi=0.0):
    """The rectified Gabor function of displacements x and y: with x' = x cos(theta) + y sin(theta)
    and y' = -x sin(theta) + y cos(theta) (theta and psi in degrees),
    max(cos(2 pi y'/lam + psi), 0) exp(-(gamma^2 x'^2 + y'^2) / (2 std^2))."""
    consts = tuple(("constant", float(v)) for v in (theta, gamma, std, lam, psi))
    return Parameter(("spatial_gabor", _node(x), _node(y), *consts))
