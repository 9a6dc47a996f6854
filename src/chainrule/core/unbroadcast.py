"""Fitting a derivative to its primal: undo broadcasting and keep the primal's dtype.

Rules may return a tangent or cotangent that is broadcast relative to the value it belongs
to. The machine fits it back here, so every rule does not have to: ``sum_to`` sums a
cotangent down to an argument's shape, ``broadcast_to`` expands a tangent up to an
output's shape, ``cast`` restores the floating dtype (a float32 model keeps float32
derivatives). The three are primitives, each the other's derivative, so fitting is
differentiable to any order.

Complex values (docs/complex.md): a complex derivative fitted to a *real* value keeps its
real part. That is the whole of the complex chain rule at a real input: with the cotangent
convention c = ∂L/∂x - i ∂L/∂y (autograd's and JAX's), a real input x reaching a complex
output through w = a·x has ∂L/∂x = Re(c·a); and a real output's tangent is the real part of
the complex product a rule computes (|z|: ȧ = Re(conj(z) ż)/|z|). A real derivative
fitted to a complex value is embedded (imaginary part 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .primitive import Primitive, document_primitives

__all__ = ["sum_to", "broadcast_to", "cast", "fit_cotangent", "fit_tangent"]


def _sum_to_impl(x: Any, shape: tuple[int, ...]) -> Any:
    xshape = x.shape if hasattr(x, "shape") else np.shape(x)
    if xshape == shape:
        return x
    lead = len(xshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and xshape[lead + i] != 1
    )
    out = np.add.reduce(x, axis=axes, keepdims=True) if axes else np.asarray(x)
    return out.reshape(shape)


def _broadcast_to_impl(x: Any, shape: tuple[int, ...]) -> Any:
    # np.broadcast_to goes through nditer (microseconds); a read-only strided view of a
    # contiguous array is built directly.
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if not x.flags.c_contiguous:  # e.g. an adjoint that is itself a broadcast view
        x = np.ascontiguousarray(x)
    xshape = x.shape
    if xshape == shape:
        return x
    lead = len(shape) - len(xshape)
    if lead < 0:
        return np.broadcast_to(x, shape)  # raises NumPy's error
    strides = [0] * lead
    for n, k, st in zip(shape[lead:], xshape, x.strides):
        if k == n:
            strides.append(st)
        elif k == 1:
            strides.append(0)
        else:
            return np.broadcast_to(x, shape)  # raises NumPy's error
    view = np.ndarray(shape, x.dtype, x, 0, tuple(strides))
    view.flags.writeable = False
    return view


sum_to = Primitive(_sum_to_impl, "sum_to")
"""``sum_to(x, shape)``: sum the broadcast axes of ``x`` away. ā_x = broadcast_to(ā, x.shape)."""

broadcast_to = Primitive(_broadcast_to_impl, "broadcast_to")
"""``broadcast_to(x, shape)``: NumPy's. ā_x = sum_to(ā, x.shape); ȧ = broadcast_to(ȧ_x)."""


def _cast_impl(x: Any, dtype: Any) -> Any:
    x = np.asarray(x)
    if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        x = x.real  # complex -> real keeps the real part (no ComplexWarning: on purpose)
    return x.astype(dtype, copy=False)


cast = Primitive(_cast_impl, "cast")
"""``cast(x, dtype)``: change the floating (or complex) dtype; complex -> real keeps the
real part. ā_x = cast(ā, x.dtype) (real -> complex: Re ā; complex -> real: ā embedded)."""

sum_to.defvjp(lambda g, ans, x, shape: broadcast_to(g, np.shape(x)), None)
sum_to.defjvp(lambda t, ans, x, shape: sum_to(t, shape), None)
broadcast_to.defvjp(lambda g, ans, x, shape: sum_to(g, np.shape(x)), None)
broadcast_to.defjvp(lambda t, ans, x, shape: broadcast_to(t, shape), None)
cast.defvjp(lambda g, ans, x, dtype: cast(g, x.dtype), None)
cast.defjvp(lambda t, ans, x, dtype: cast(t, dtype), None)
document_primitives(__name__)


def _fit_shape(g: Any, shape: tuple[int, ...], what: str) -> Any:
    """``g`` summed over the axes it was broadcast along (cotangents only: a tangent is
    never broadcast beyond its output), then broadcast up to ``shape``."""
    gshape = g.shape
    lead = len(gshape) - len(shape)
    if lead >= 0 and what == "cotangent":
        reduced = tuple(1 if n == 1 else k for n, k in zip(shape, gshape[lead:]))
        if lead or reduced != gshape:
            g = sum_to(g, reduced)
            gshape = reduced
    if gshape != shape:
        try:
            fits = np.broadcast_shapes(gshape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"a derivative rule returned a {what} of shape {gshape} for a value of shape "
                f"{shape}; rules must return the argument's shape, or a shape that "
                "broadcasts with it")
        g = broadcast_to(g, shape)
    return g


def fit(d: Any, like: Any, what: str) -> Any:
    """A derivative ``d`` (``what``: "cotangent" or "tangent") fitted to ``like``'s shape and
    floating dtype: a cotangent has its broadcast axes summed away, either may be broadcast
    up."""
    try:
        dshape = d.shape
    except AttributeError:  # a rule returned a Python number
        d = _cast_impl(d, like.dtype)
        dshape = d.shape
    if dshape != like.shape:
        d = _fit_shape(d, like.shape, what)
    if d.dtype != like.dtype:
        d = cast(d, like.dtype)
    return d


def fit_cotangent(g: Any, like: Any) -> Any:
    """``g`` summed to ``like``'s shape where it was broadcast, in ``like``'s dtype."""
    return fit(g, like, "cotangent")


def fit_tangent(t: Any, like: Any) -> Any:
    """``t`` broadcast to ``like``'s shape, in ``like``'s dtype."""
    return fit(t, like, "tangent")
