"""``chainrule.landscape``: the landscape of a cost function, from chainrule's derivatives.

A model-agnostic lab: everything takes a loss of one parameter pytree, ``loss(params)``
(bind data with a closure), so it serves ``chainrule.nn`` models and the lecture's
``cost(X, Y, W, V)`` (as ``lambda p: cost(X, Y, p["W"], p["V"])``) alike::

    from chainrule import landscape as ls
    d1, d2 = ls.direction(params, 0), ls.direction(params, 1)   # filter-normalised
    Z = ls.plane(loss, params, d1, d2, alphas, betas)            # (len(betas), len(alphas))
    ls.hessian_eigs(loss, params, k=5, which="both")             # Lanczos on cr.hvp
    ls.classify_critical_point(loss, params)                     # minimum / saddle / maximum

Modules, one job each: :mod:`.vectors` (pytree arithmetic), :mod:`.directions`,
:mod:`.slices` (interpolate, line, plane; batched grids), :mod:`.trajectory` (PCA plane of
a training path), :mod:`.curvature` (Lanczos, spectrum, trace, second-order test),
:mod:`.symmetry` (permute, negate, rescale hidden units), :mod:`.critical` (saddle search),
:mod:`.smoothing` (Gaussian continuation), :mod:`.lecture_model` (the lecture's cost,
batch-friendly), :mod:`.plots` (matplotlib figures; needs the ``demo`` extra).
"""

from __future__ import annotations

from . import lecture_model
from .critical import CriticalSearch, find_critical_point
from .curvature import (
    CriticalPoint,
    Spectrum,
    TraceEstimate,
    classify_critical_point,
    dense_hessian,
    hessian_eigs,
    hessian_spectrum,
    hessian_trace,
    hvp_operator,
    lanczos,
)
from .directions import direction, normalize_direction
from .slices import DEFAULT_ALPHAS, interpolate, line, plane
from .smoothing import ContinuationPath, continuation, smoothed
from .symmetry import hidden_sizes, negate_hidden, permute_hidden, rescale_hidden, split_units
from .trajectory import TrajectoryPlane, trajectory_plane
from .vectors import ravel

__all__ = [
    "direction", "normalize_direction", "interpolate", "line", "plane", "DEFAULT_ALPHAS",
    "trajectory_plane", "TrajectoryPlane", "hvp_operator", "lanczos", "hessian_eigs",
    "hessian_spectrum", "Spectrum", "hessian_trace", "TraceEstimate", "dense_hessian",
    "classify_critical_point", "CriticalPoint", "permute_hidden", "negate_hidden",
    "rescale_hidden", "split_units", "hidden_sizes", "find_critical_point", "CriticalSearch",
    "smoothed",
    "continuation", "ContinuationPath", "ravel", "lecture_model",
]
