"""Slices of the landscape: the loss along a line or over a plane through parameter space.

The loss is any function of one parameter pytree, ``loss(params) -> number`` (bind the data
with a closure), or ``-> dict of numbers`` to slice several quantities at once (training
and test loss, accuracy). Every point is ``params + α d1 (+ β d2)`` on the floating leaves.

Batched evaluation (``batched=True``). There is no ``vmap`` yet, so instead of calling the
loss once per grid point the slice calls it *once* with every floating leaf stacked along a
new leading grid axis (shape ``(G, *leaf.shape)``) and expects one value per point (shape
``(G,)``). That only works for a loss written to broadcast over leading parameter axes:
``X @ V`` with ``V`` of shape ``(G, D, M)`` is ``(G, N, M)``, and reductions over the last
axes (``axis=-1``) instead of ``axis=1``. :func:`chainrule.landscape.lecture_model.cost` is
the lecture's cost written that way. ``chunk`` bounds the points per call (memory); the
default per-point loop works for any loss.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as cr

from .progress import bar
from .vectors import axpy, combine, is_float_leaf, zeros_like

__all__ = ["interpolate", "line", "plane", "DEFAULT_ALPHAS"]

DEFAULT_ALPHAS = np.linspace(-0.5, 1.5, 41)


def _number(v: Any, who: str) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: the loss must return a number (or a dict of numbers), got "
                        f"{type(v).__name__}.") from None


def _collect(values: list[Any], who: str) -> Any:
    if values and isinstance(values[0], dict):
        return {k: np.array([_number(v[k], who) for v in values]) for k in values[0]}
    return np.array([_number(v, who) for v in values])


def _batched_call(loss: Callable, points: Callable[[np.ndarray], Any], coeffs: np.ndarray,
                  chunk: int | None, who: str, progress: bool) -> Any:
    g = len(coeffs)
    size = g if chunk is None else max(1, int(chunk))
    parts: list[Any] = []
    with bar(g, who, progress) as b:
        for lo in range(0, g, size):
            c = coeffs[lo:lo + size]
            out = loss(points(c))
            parts.append(out)
            for v in (out.values() if isinstance(out, dict) else (out,)):
                if np.shape(v) != (len(c),):
                    raise ValueError(
                        f"{who}(batched=True): the loss returned shape {np.shape(v)} for "
                        f"{len(c)} stacked points; a batched loss must return one value per "
                        "point (reduce over the last axes, e.g. mean(..., axis=-1)), or pass "
                        "batched=False to call it once per point.")
            b.update(len(c))
    if isinstance(parts[0], dict):
        return {k: np.concatenate([np.asarray(p[k], dtype=np.float64) for p in parts])
                for k in parts[0]}
    return np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])


def _loop(loss: Callable, point: Callable[[np.ndarray], Any], coeffs: np.ndarray, who: str,
          progress: bool) -> Any:
    values = []
    with bar(len(coeffs), who, progress) as b:
        for c in coeffs:
            values.append(loss(point(c)))
            b.update(1)
    return _collect(values, who)


def line(loss: Callable, params: Any, d: Any, alphas: Any = DEFAULT_ALPHAS, *,
         batched: bool = False, chunk: int | None = None, progress: bool = True) -> Any:
    """``L(θ + α d)`` for each α: an array (or a dict of arrays) of ``len(alphas)`` values."""
    a = np.asarray(alphas, dtype=np.float64).reshape(-1)
    if batched:
        return _batched_call(loss, lambda c: combine(params, c, [d]), a[:, None], chunk,
                             "line", progress)
    return _loop(loss, lambda al: axpy(params, float(al), d), a, "line", progress)


def interpolate(loss: Callable, a: Any, b: Any, alphas: Any = DEFAULT_ALPHAS, *,
                batched: bool = False, chunk: int | None = None, progress: bool = True) -> Any:
    """Goodfellow et al. (2015): ``L((1 - α) a + α b)`` for each α (default 41 values in
    [-0.5, 1.5], so the segment and a stretch beyond each end). α = 0 gives ``L(a)`` and
    α = 1 gives ``L(b)`` exactly: the point is computed as ``(1 - α) a + α b``, whose
    products at the endpoints (``1·x``, ``0·x``) are exact.

    ``a`` and ``b`` are whole pytrees, so state such as batch-norm statistics that is part
    of them (pass ``(params, state)``) is interpolated with the parameters; integer leaves
    come from ``a``.
    """
    al = np.asarray(alphas, dtype=np.float64).reshape(-1)
    # (1 - α)·a + α·b, not a + α(b - a): at α = 0 and 1 the products are exact (1·x, 0·x)
    coeffs = np.stack([1.0 - al, al], axis=1)
    base = zeros_like(a)
    points = lambda c: combine(base, c, [a, b])  # noqa: E731
    if batched:
        return _batched_call(loss, points, coeffs, chunk, "interpolate", progress)
    return _loop(loss, lambda c: _first(points(c[None, :])), coeffs, "interpolate", progress)


def _first(stacked: Any) -> Any:
    """The single point of a stack of one (the leading grid axis dropped)."""
    return cr.tree.tree_map(lambda x: x[0] if is_float_leaf(x) else x, stacked)


def plane(loss: Callable, params: Any, d1: Any, d2: Any, alphas: Any, betas: Any, *,
          batched: bool = False, chunk: int | None = None, progress: bool = True) -> Any:
    """``L(θ + α d1 + β d2)`` on the grid ``alphas × betas``: an array of shape
    ``(len(betas), len(alphas))`` (rows are β, as ``matplotlib.contour(alphas, betas, Z)``
    expects), or a dict of such arrays.

    ``batched=True`` calls the loss once (or once per ``chunk`` points) with parameters that
    have a leading grid axis of ``len(alphas) · len(betas)`` (see the module documentation);
    the default calls it once per point and works for any loss.
    """
    a = np.asarray(alphas, dtype=np.float64).reshape(-1)
    b = np.asarray(betas, dtype=np.float64).reshape(-1)
    A, B = np.meshgrid(a, b)
    coeffs = np.stack([A.ravel(), B.ravel()], axis=1)
    if batched:
        out = _batched_call(loss, lambda c: combine(params, c, [d1, d2]), coeffs, chunk,
                            "plane", progress)
    else:
        out = _loop(loss, lambda c: axpy(axpy(params, float(c[0]), d1), float(c[1]), d2),
                    coeffs, "plane", progress)
    shape = (len(b), len(a))
    if isinstance(out, dict):
        return {k: v.reshape(shape) for k, v in out.items()}
    return out.reshape(shape)
