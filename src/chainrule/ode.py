"""Ordinary differential equations, differentiated by the adjoint method (Chen et al. 2018).

:func:`odeint` solves dy/dt = f(y, t, *args) from y(t₀) = y0 and returns y at every time
in ``t``. The integrator is our own explicit Runge–Kutta pair of Dormand and Prince (RK45:
order 5, with an embedded order-4 error estimate; adaptive steps with the error per step
held below ``atol + rtol·|y|`` in the RMS norm), run on plain arrays: nothing of the
forward integration is recorded.

**Reverse mode** integrates the augmented state [y, a, a_θ] backwards in time from each
output time to the previous one, with a = ∂L/∂y(t) the adjoint:

    dy/dt = f(y, t, θ),   da/dt = -a ∂f/∂y,   da_θ/dt = -a ∂f/∂θ        (a_θ(t_N) = 0)

adding ȳ(t_i) to a at each output time and restarting y there from the stored output
(which keeps the backward integration of y on the forward solution). Then ȳ0 = a(t₀),
θ̄ = a_θ(t₀), t̄_i = ȳ(t_i)·f(y_i, t_i) for i ≥ 1, and t̄₀ = -(a(t₀) - ȳ(t₀))·f(y0, t₀).
The products a ∂f/∂y, a ∂f/∂θ are VJPs of one evaluation of f at a time, each on its own
small tape that is dropped after use: the memory is that of the outputs and one evaluation
of f, independent of the number of steps.

**Forward mode** integrates the sensitivity s = ∂y/∂(input)·(tangent) alongside y:
ds/dt = ∂f/∂y s + ∂f/∂θ θ̇ (JVPs of f), with s(t₀) = ẏ0 for y0, and s(t₀) = -f(y0, t₀) ṫ₀
plus f(y_i, t_i) ṫ_i at the outputs for t.

The derivative results are primitives without rules of their own, so first derivatives
work in both modes and a second derivative raises a ``NoRuleError`` (never a silent wrong
value).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import ByArgnum, Primitive, Tracer, document_primitives, full_unwrap
from .core import tree as _tree
from .transforms import jvp, vjp

__all__ = ["odeint", "ODEError", "IntegrationStats"]


class ODEError(RuntimeError):
    """The integration failed (step size underflow, too many steps, non-finite values)."""


# ---- Dormand–Prince 5(4) --------------------------------------------------------------------

_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
_A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_B5 = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0])
_B4 = np.array([5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100,
                1 / 40])
_E = _B5 - _B4


class IntegrationStats:
    """Counts of the integrator's work: accepted steps and evaluations of the right side,
    forward (``steps``, ``evaluations``) and in the backward (adjoint) integration."""

    __slots__ = ("steps", "evaluations", "backward_steps", "backward_evaluations")

    def __init__(self) -> None:
        self.steps = self.evaluations = 0
        self.backward_steps = self.backward_evaluations = 0


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.abs(x) ** 2))) if x.size else 0.0


def _first_step(fun, y, t0, t1, f0, rtol, atol, stats) -> float:
    """Hairer–Wanner's starting step: h with ‖h f‖ about 1% of ‖y‖ (in the error scale),
    refined by one Euler step's second-derivative estimate."""
    span = abs(t1 - t0)
    scale = atol + rtol * np.abs(y)
    d0, d1 = _rms(y / scale), _rms(f0 / scale)
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    h0 = min(h0, span)
    direction = 1.0 if t1 >= t0 else -1.0
    f1 = fun(y + direction * h0 * f0, t0 + direction * h0)
    stats.evaluations += 1
    d2 = _rms((f1 - f0) / scale) / h0
    h1 = max(1e-6, h0 * 1e-3) if max(d1, d2) <= 1e-15 else (0.01 / max(d1, d2)) ** 0.2
    return min(100 * h0, h1, span)


def _integrate(fun: Callable, y: np.ndarray, t0: float, t1: float, rtol: float, atol: float,
               h: float | None, max_steps: int,
               stats: IntegrationStats) -> tuple[np.ndarray, float]:
    """y(t1) from y(t0) = y (flat float arrays; t1 < t0 integrates backwards), and the
    step size to try next."""
    if t1 == t0:
        return y, h or 0.0
    direction = 1.0 if t1 > t0 else -1.0
    t = t0
    f = fun(y, t)
    stats.evaluations += 1
    if not h:
        h = _first_step(fun, y, t0, t1, f, rtol, atol, stats)
    h = abs(h)
    steps = 0
    while direction * (t1 - t) > 0:
        if steps >= max_steps:
            raise ODEError(f"odeint: more than mxstep={max_steps} steps between t={t0:g} and "
                           f"t={t1:g} (stopped at t={t:g}); the problem may be stiff (an "
                           "explicit method needs tiny steps), or raise mxstep / loosen "
                           "rtol and atol.")
        h = min(h, abs(t1 - t))
        if h <= 16 * np.spacing(abs(t)) or not np.isfinite(h):
            raise ODEError(f"odeint: the step size underflowed at t={t:g} (h={h:g}): the "
                           "solution may blow up there, or the tolerances are too tight.")
        hs = direction * h
        k = [f]
        for i in range(1, 7):
            yi = y + hs * sum(a * kj for a, kj in zip(_A[i], k) if a)
            k.append(fun(yi, t + _C[i] * hs))
        stats.evaluations += 6
        y_new = yi  # the 7th stage point is the order-5 solution (FSAL)
        err_vec = hs * sum(e * kj for e, kj in zip(_E, k) if e)
        scale = atol + rtol * np.maximum(np.abs(y), np.abs(y_new))
        err = _rms(err_vec / scale)
        if not np.isfinite(err):
            h *= 0.2
            steps += 1
            continue
        if err <= 1.0:
            t = t1 if h == abs(t1 - t) else t + hs
            y, f = y_new, k[6]
            stats.steps += 1
            factor = 5.0 if err == 0 else min(5.0, 0.9 * err ** -0.2)
        else:
            factor = max(0.2, 0.9 * err ** -0.2)
        h *= factor
        steps += 1
    return y, h


# ---- the primitive -----------------------------------------------------------------------------

def _float_arr(x: Any) -> np.ndarray:
    x = np.asarray(full_unwrap(x))
    return x.astype(np.result_type(x.dtype, np.float64), copy=False)


def _rhs(func: Callable, tfirst: bool) -> Callable:
    return (lambda y, t, *a: func(t, y, *a)) if tfirst else func


def _odeint_impl(y0, t, *args, func, rtol, atol, tfirst, mxstep, stats=None):
    y0, t = _float_arr(y0), _float_arr(t)
    f = _rhs(func, tfirst)
    shape = y0.shape
    stats = stats if stats is not None else IntegrationStats()

    def fun(y, s):
        return _float_arr(f(y.reshape(shape), s, *args)).reshape(-1)

    out = np.empty((t.shape[0], y0.size), dtype=y0.dtype)
    y, h = y0.reshape(-1), None
    if t.shape[0]:
        out[0] = y
    for i in range(1, t.shape[0]):
        y, h = _integrate(fun, y, float(t[i - 1]), float(t[i]), rtol, atol, h, mxstep, stats)
        out[i] = y
    return out.reshape((t.shape[0], *shape))


def _diff_args(args: tuple) -> list[int]:
    """The positions of the floating-point arguments (the only differentiable ones)."""
    return [k for k, a in enumerate(args) if np.issubdtype(np.asarray(a).dtype, np.inexact)]


def _adjoint_impl(g, ans, y0, t, *args, func, rtol, atol, tfirst, mxstep, stats=None):
    """[ȳ0, t̄, ā_args...] flattened and concatenated (see the module docstring)."""
    f = _rhs(func, tfirst)
    y0, t, g, ans = _float_arr(y0), _float_arr(t), _float_arr(g), _float_arr(ans)
    shape, n = y0.shape, y0.size
    which = _diff_args(args)
    sizes = [np.size(args[k]) for k in which]
    p = int(sum(sizes))
    backward = IntegrationStats()

    def with_params(y, s, params):
        full = list(args)
        for k, v in zip(which, params):
            full[k] = v
        return f(y, s, *full)

    def fun(state, s):
        y, a = state[:n].reshape(shape), state[n:2 * n]
        params = [np.asarray(args[k], dtype=float) for k in which]
        out, pull = vjp(lambda y, *ps: with_params(y, s, ps), y, *params)
        cots = pull(a.reshape(np.shape(out)))
        parts = [_float_arr(out).reshape(-1), -_float_arr(cots[0]).reshape(-1)]
        parts += [-_float_arr(c).reshape(-1) for c in cots[1:]]
        return np.concatenate(parts)

    nt = t.shape[0]
    gf, yf = g.reshape(nt, n), ans.reshape(nt, n)
    tbar = np.zeros(nt)
    a = gf[nt - 1].copy() if nt else np.zeros(n)
    a_theta = np.zeros(p)
    h = None
    for i in range(nt - 1, 0, -1):
        tbar[i] = gf[i] @ _float_arr(f(yf[i].reshape(shape), t[i], *args)).reshape(-1)
        state = np.concatenate([yf[i], a, a_theta])
        state, h = _integrate(fun, state, float(t[i]), float(t[i - 1]), rtol, atol, h,
                              mxstep, backward)
        a = state[n:2 * n] + gf[i - 1]
        a_theta = state[2 * n:]
    if stats is not None:
        stats.backward_steps += backward.steps
        stats.backward_evaluations += backward.evaluations
    if nt:
        f0 = _float_arr(f(y0, t[0], *args)).reshape(-1)
        tbar[0] = -(a - gf[0]) @ f0
    return np.concatenate([a, tbar, a_theta])


_odeint_adjoint = Primitive(_adjoint_impl, "odeint_adjoint")
"""The reverse-mode cotangents of odeint, [ȳ0, t̄, ā_args], by the adjoint method; no rules
(a second derivative of odeint raises NoRuleError)."""

_adjoint_cache: list = [None]


def _cotangents(g, ans, y0, t, args, kw):
    c = _adjoint_cache[0]
    if c is not None and c[0] is g and c[1] is ans:
        return c[2]
    flat = _odeint_adjoint(g, ans, y0, t, *args, **kw)
    _adjoint_cache[0] = (g, ans, flat)
    return flat


def _vjp_rule(i, g, ans, y0, t, *args, **kw):
    flat = _cotangents(g, ans, y0, t, args, kw)
    n, nt = np.size(full_unwrap(y0)), np.shape(full_unwrap(t))[0]
    if i == 0:
        return flat[:n].reshape(np.shape(full_unwrap(y0)))
    if i == 1:
        return flat[n:n + nt]
    k = i - 2
    which = _diff_args(args)
    if k not in which:
        raise TypeError(f"odeint: argument {k} of args is not a floating-point array, so it "
                        "cannot be differentiated")
    start = n + nt + sum(np.size(full_unwrap(args[j])) for j in which if j < k)
    size = np.size(full_unwrap(args[k]))
    return flat[start:start + size].reshape(np.shape(full_unwrap(args[k])))


def _tangent_impl(ans, y0, t, s0, t_dot, *args_and_dots, func, rtol, atol, tfirst, mxstep,
                  stats=None):
    """The forward-mode output tangent: the sensitivity s integrated with y, from s(t₀) = s0
    with the argument tangents (zeros where not differentiated), plus f(y_i, t_i) ṫ_i."""
    f = _rhs(func, tfirst)
    m = len(args_and_dots) // 2
    args, dots = args_and_dots[:m], args_and_dots[m:]
    ans, t, y0 = _float_arr(ans), _float_arr(t), _float_arr(y0)
    shape, n, nt = y0.shape, y0.size, t.shape[0]
    which = _diff_args(args)
    work = IntegrationStats()

    def fun(state, s):
        y, sens = state[:n].reshape(shape), state[n:].reshape(shape)

        def g(y, *ps):
            full = list(args)
            for k, v in zip(which, ps):
                full[k] = v
            return f(y, s, *full)

        primals = (y, *[np.asarray(args[k], dtype=float) for k in which])
        tangents = (sens, *[np.asarray(dots[k], dtype=float) for k in which])
        out, tan = jvp(g, primals, tangents)
        return np.concatenate([_float_arr(out).reshape(-1), _float_arr(tan).reshape(-1)])

    yf = ans.reshape(nt, n)
    out = np.zeros((nt, n))
    sens = _float_arr(s0).reshape(-1).copy()
    t_dot = _float_arr(t_dot)
    h = None
    if nt:
        out[0] = 0.0 if np.any(t_dot) else sens
    for i in range(1, nt):
        state = np.concatenate([yf[i - 1], sens])
        state, h = _integrate(fun, state, float(t[i - 1]), float(t[i]), rtol, atol, h,
                              mxstep, work)
        sens = state[n:]
        out[i] = sens
        if t_dot[i]:
            out[i] = out[i] + t_dot[i] * _float_arr(f(yf[i].reshape(shape), t[i],
                                                      *args)).reshape(-1)
    return out.reshape(ans.shape)


_odeint_tangent = Primitive(_tangent_impl, "odeint_tangent")
"""The forward-mode tangent of odeint by forward sensitivities; no rules."""


def _jvp_rule(i, tangent, ans, y0, t, *args, **kw):
    y0v, tv = full_unwrap(y0), full_unwrap(t)
    zeros_y = np.zeros(np.shape(y0v))
    zeros_t = np.zeros(np.shape(tv))
    dots = [np.zeros(np.shape(full_unwrap(a))) for a in args]
    if i == 0:
        s0, t_dot = tangent, zeros_t
    elif i == 1:
        f = _rhs(kw["func"], kw["tfirst"])
        f0 = np.asarray(full_unwrap(f(_float_arr(y0v), _float_arr(tv)[0], *args)))
        s0, t_dot = -f0 * tangent[0], tangent  # tangent[0]: also right for a batched tangent
    else:
        s0, t_dot = zeros_y, zeros_t
        dots[i - 2] = tangent
    return _odeint_tangent(ans, y0, t, s0, t_dot, *args, *dots, **kw)


_odeint = Primitive(_odeint_impl, "odeint")
"""y(t_i) for dy/dt = f(y, t, *args), y(t₀) = y0 (Dormand–Prince RK45): reverse mode by the
adjoint method (the augmented state [y, a, a_θ] integrated backwards), forward mode by
sensitivities (ds/dt = ∂f/∂y s + ∂f/∂θ θ̇)."""
_odeint.vjps = ByArgnum(_vjp_rule)
_odeint.jvps = ByArgnum(_jvp_rule)


def odeint(func: Callable[..., Any], y0: Any, t: Any, args: tuple = (), *,
           rtol: float = 1.49012e-8, atol: float = 1.49012e-8, tfirst: bool = False,
           mxstep: int = 100_000, stats: IntegrationStats | None = None) -> Any:
    """y at every time of ``t`` for dy/dt = func(y, t, *args), y(t[0]) = y0.

    ``t`` is a monotone sequence of times; ``y0`` an array of any shape (the result has
    shape (len(t), *y0.shape)). ``args`` may hold pytrees (lists, tuples, dicts of arrays).
    Differentiable in ``y0``, ``t`` and the floating-point leaves of ``args``, in forward
    and reverse mode (first derivatives). ``stats``, if given (an
    :class:`IntegrationStats`), counts the accepted steps and evaluations of ``func``,
    forward and backward.
    """
    # a tuple subclass (autograd.builtins.tuple) is a plain tuple here
    args = tuple(args) if isinstance(args, tuple) else (args,)
    # args may be a pytree (a list of (W, b) pairs, as autograd's ode_net passes): its
    # leaves are the primitive's arguments, rebuilt for func
    leaves, treedef = _tree.flatten(args)
    leaves = [a if isinstance(a, (Tracer, np.ndarray)) or not isinstance(a, (int, float))
              else np.asarray(a, dtype=float) for a in leaves]
    user = func

    def flat_func(y: Any, s: Any, *flat: Any) -> Any:
        rebuilt = _tree.unflatten(treedef, flat)
        return user(s, y, *rebuilt) if tfirst else user(y, s, *rebuilt)

    tv = np.asarray(full_unwrap(t))
    if tv.ndim != 1:
        raise ValueError(f"odeint: t must be a 1-D sequence of times, got shape {tv.shape}")
    d = np.diff(tv)
    if d.size and not (np.all(d >= 0) or np.all(d <= 0)):
        raise ValueError("odeint: the times in t must be monotone (all increasing or all "
                         "decreasing)")
    y0 = y0 if isinstance(y0, Tracer) else np.asarray(y0, dtype=float)
    t = t if isinstance(t, Tracer) else np.asarray(t, dtype=float)
    kw = dict(func=flat_func, rtol=float(rtol), atol=float(atol), tfirst=False,
              mxstep=int(mxstep))
    return _odeint(y0, t, *leaves, stats=stats, **kw)


document_primitives(__name__)
