"""Fixed points, differentiated by the implicit function theorem: ``chainrule.fixed_point``.

``fixed_point(f, x0, *params)`` iterates x ← f(x, *params) from ``x0`` until it stops moving
and returns x* = f(x*, θ). The iterations run on plain arrays (nothing is recorded): the
derivative comes from the fixed-point equation itself. Differentiating x* = f(x*, θ):

    ẋ* = ∂f/∂x ẋ* + ∂f/∂θ θ̇   ⇒   ẋ* = (I - ∂f/∂x)⁻¹ ∂f/∂θ θ̇            (forward mode)
    θ̄ = w ∂f/∂θ,  where  w = x̄ + w ∂f/∂x,  i.e. w = x̄ (I - ∂f/∂x)⁻¹       (reverse mode)

Both linear systems are solved by the same kind of fixed-point iteration, with JVPs (forward)
or VJPs (reverse) of ``f`` at (x*, θ): one trace of ``f``, replayed. It converges where the
forward iteration does (∂f/∂x a contraction at x*). The result does not depend on ``x0``, so
its derivative in ``x0`` is 0. Both modes are supported, to any order (the rules are written
with chainrule's transforms, so they differentiate again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import ByArgnum, Primitive, Tracer, document_primitives, full_unwrap
from .transforms import jvp, vjp

__all__ = ["fixed_point", "FixedPointError"]


class FixedPointError(RuntimeError):
    """The iteration x ← f(x, *params) (or its derivative's) did not converge."""


def _distance(new: Any, old: Any) -> float:
    """max |new - old|, relative to max(1, max |new|): an absolute tolerance near 0 and a
    relative one for large x."""
    n, o = np.asarray(full_unwrap(new)), np.asarray(full_unwrap(old))
    if n.size == 0:
        return 0.0
    return float(np.max(np.abs(n - o)) / max(1.0, float(np.max(np.abs(n)))))


def _iterate(step: Callable[[Any], Any], x: Any, tol: float, max_iter: int, what: str) -> Any:
    d = np.inf
    for _ in range(max_iter):
        new = step(x)
        d = _distance(new, x)
        x = new
        if d <= tol:
            return x
    raise FixedPointError(
        f"fixed_point: {what} did not converge in max_iter={max_iter} iterations (the last "
        f"step moved by {d:.3g}, relative, against tol={tol:g}). The iteration converges "
        "where f is a contraction in x near the fixed point (|∂f/∂x| < 1); start closer "
        "(x0), raise max_iter, loosen tol, or rewrite f as a contraction (a damped step "
        "x + α(f(x) - x)).")


def _impl(x0, *params, f, tol, max_iter):
    x = np.asarray(x0)
    x = x.astype(np.result_type(x.dtype, np.float64), copy=False)
    out = _iterate(lambda x: np.asarray(full_unwrap(f(x, *params))), x, tol, max_iter,
                   "the iteration x <- f(x, *params)")
    return out


def _zeros(x0):
    return np.zeros(np.shape(full_unwrap(x0)), np.result_type(full_unwrap(x0), np.float64))


_adjoint_cache: list = [None]


def _adjoint(g, ans, params, f, tol, max_iter):
    """(w, pull): w = x̄ (I - ∂f/∂x)⁻¹ and the VJP of f at (x*, θ). Cached for one backward
    step, so several differentiated parameters share one solve."""
    c = _adjoint_cache[0]
    if c is not None and c[0] is g and c[1] is ans and len(c[2]) == len(params) and all(
            p is q for p, q in zip(c[2], params)):
        return c[3], c[4]
    _, pull = vjp(lambda x, *p: f(x, *p), ans, *params)
    w = _iterate(lambda w: g + pull(w)[0], g, tol, max_iter,
                 "the adjoint iteration w <- x̄ + w ∂f/∂x")
    _adjoint_cache[0] = (g, ans, tuple(params), w, pull)
    return w, pull


def _vjp_rule(i, g, ans, x0, *params, f, tol, max_iter):
    if i == 0:
        return _zeros(x0)
    w, pull = _adjoint(g, ans, params, f, tol, max_iter)
    return pull(w)[i]


def _jvp_rule(i, t, ans, x0, *params, f, tol, max_iter):
    if i == 0:
        return _zeros(x0)
    j = i - 1

    def f_of_param(p):
        return f(ans, *params[:j], p, *params[j + 1:])

    _, u = jvp(f_of_param, (params[j],), (t,))           # ∂f/∂θ_j θ̇_j

    def step(y):
        return u + jvp(lambda x: f(x, *params), (ans,), (y,))[1]   # u + ∂f/∂x y

    return _iterate(step, u, tol, max_iter, "the tangent iteration y <- u + ∂f/∂x y")


_fixed_point = Primitive(_impl, "fixed_point")
"""x* = f(x*, θ) by iteration: θ̄ = w ∂f/∂θ with w = x̄ + w ∂f/∂x; ẋ* = (I - ∂f/∂x)⁻¹ ∂f/∂θ θ̇
(both by iteration with VJPs/JVPs of f at x*); the derivative in x0 is 0."""
_fixed_point.vjps = ByArgnum(_vjp_rule)
_fixed_point.jvps = ByArgnum(_jvp_rule)


def fixed_point(f: Callable[..., Any], x0: Any, *params: Any, tol: float = 1e-12,
                max_iter: int = 10_000) -> Any:
    """The fixed point x* = f(x*, *params), by iterating x ← f(x, *params) from ``x0``.

    Stops when an iteration moves x by at most ``tol`` (relative to max(1, max |x|));
    raises :class:`FixedPointError` after ``max_iter`` iterations. Differentiable in
    ``params`` (arrays) by the implicit function theorem, in forward and reverse mode:
    the iterations are not recorded, so memory does not grow with their number. The
    derivative in ``x0`` is 0 (x* does not depend on it).

    >>> import chainrule as cr
    >>> sqrt = lambda a: cr.fixed_point(lambda x, a: (x + a / x) / 2, 1.0, a)  # Newton
    >>> float(cr.grad(sqrt)(4.0))      # d√a/da = 1/(2√a)
    0.25
    """
    params = tuple(p if isinstance(p, (Tracer, np.ndarray)) else np.asarray(p, dtype=float)
                   for p in params)
    return _fixed_point(x0, *params, f=f, tol=tol, max_iter=max_iter)


document_primitives(__name__)
