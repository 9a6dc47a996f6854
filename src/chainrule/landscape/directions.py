"""Directions to slice the landscape along: random, filter-normalised (Li et al., 2018).

A raw Gaussian direction is blind to the scale of the weights: the same step means
little in a layer of large weights and a lot in one of small weights (and ReLU networks are
invariant to rescaling a layer, so their sharpness can be changed at will). Li et al. rescale
the direction so that each *filter* has the norm of the same filter of the parameters:

    d_{i,j} ← d_{i,j} · ‖θ_{i,j}‖ / ‖d_{i,j}‖

where a filter is the slice of a weight along its output axis. In chainrule's layouts the
output axis is the last one (``Linear``'s ``W`` is ``in × out``; the lecture's ``V`` is
``D × M`` and ``W`` is ``M × C``), so a filter is a column ``W[..., j]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import chainrule as cr

from .vectors import is_float_leaf, normal_like

__all__ = ["direction", "normalize_direction", "NORMALIZATIONS"]

NORMALIZATIONS = ("filter", "layer", "model", None)
_BN_NAMES = ("gamma", "beta")


def _kind(path: str, leaf: Any) -> str:
    """'weight' for leaves of 2 or more axes; 'batchnorm' or 'bias' for 1-D (and 0-D) ones."""
    if np.ndim(leaf) >= 2:
        return "weight"
    return "batchnorm" if any(f"'{n}'" in path for n in _BN_NAMES) else "bias"


def _rescale(d: np.ndarray, p: np.ndarray, eps: float = 0.0) -> np.ndarray:
    nd = np.linalg.norm(d)
    return d * (np.linalg.norm(p) / nd) if nd > eps else np.zeros_like(d)


def normalize_direction(d: Any, params: Any, normalization: str | None = "filter",
                        ignore: Sequence[str] = ("bias", "batchnorm")) -> Any:
    """``d`` rescaled against ``params``.

    ``"filter"``: each filter ``d[..., j]`` of a weight (a leaf with 2 or more axes) gets the
    norm of ``params[..., j]``; ``"layer"``: each leaf gets the norm of its parameter leaf;
    ``"model"``: the whole direction gets ``‖θ‖``; ``None``: ``d`` unchanged.
    1-D leaves named in ``ignore`` (``"bias"``; ``"batchnorm"`` = leaves named gamma/beta)
    are set to zero (Li et al.'s default: the slice moves the weights only); the other 1-D
    leaves count as one filter.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalize_direction: normalization must be one of "
                         f"{NORMALIZATIONS}, got {normalization!r}.")
    bad = set(ignore) - {"bias", "batchnorm"}
    if bad:
        raise ValueError(f"normalize_direction: ignore may name 'bias' and 'batchnorm', got "
                         f"{sorted(bad)}.")
    d_leaves, td = cr.tree.flatten(d)
    p_leaves, p_td = cr.tree.flatten(params)
    if td != p_td:
        raise ValueError("normalize_direction: the direction and the parameters have "
                         "different pytree structures; build d from params (direction()).")
    names = cr.tree.paths(params)
    out = []
    for name, dl, pl in zip(names, d_leaves, p_leaves):
        if not is_float_leaf(pl):
            out.append(pl)
            continue
        dl, pl = np.asarray(dl, dtype=np.result_type(pl, 1.0)), np.asarray(pl)
        kind = _kind(name, pl)
        if kind != "weight" and kind in ignore:
            out.append(np.zeros_like(dl))
        elif normalization == "filter":
            if kind == "weight":
                nd = np.linalg.norm(dl.reshape(-1, dl.shape[-1]), axis=0)
                npar = np.linalg.norm(pl.reshape(-1, pl.shape[-1]), axis=0)
                factor = np.divide(npar, nd, out=np.zeros_like(nd), where=nd > 0)
                out.append(dl * factor)
            else:
                out.append(_rescale(dl, pl))
        elif normalization == "layer":
            out.append(_rescale(dl, pl))
        else:
            out.append(dl.copy())
    result = cr.tree.unflatten(td, out)
    if normalization == "model":
        from .vectors import norm, scale
        nd = norm(result)
        result = scale(result, norm(params) / nd if nd > 0 else 0.0)
    return result


def direction(params: Any, rng: int | np.random.Generator | None = None,
              normalization: str | None = "filter",
              ignore: Sequence[str] = ("bias", "batchnorm")) -> Any:
    """A random direction shaped like ``params``: standard-normal entries, then
    :func:`normalize_direction` (by default Li et al.'s filter normalisation with biases and
    batch-norm parameters left still). ``rng``: a Generator or an int seed."""
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return normalize_direction(normal_like(params, gen), params, normalization, ignore)
