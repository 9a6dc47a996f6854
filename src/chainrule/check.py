"""Numerical differentiation and gradient checking.

Central differences with a step scaled to each entry, h_i = eps^(1/3) · max(1, |x_i|),
balance truncation error (∝ h²) against rounding error (∝ eps/h): about 1e-10 relative
accuracy on smooth float64 functions. ``check_grads`` compares forward and reverse mode
with these differences and raises :class:`GradientCheckError` with a report on failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import tree as _tree
from .transforms import jacfwd, jacrev, jvp, vjp

__all__ = ["numerical_grad", "numerical_jacobian", "check_grads", "GradientCheckError"]


class GradientCheckError(AssertionError):
    """A derivative disagrees with finite differences (or fwd with rev); carries ``.report``."""

    def __init__(self, report: str):
        super().__init__(report)
        self.report = report


def _step(x: np.ndarray, eps: float | None) -> np.ndarray:
    base = np.finfo(np.float64).eps ** (1 / 3) if eps is None else eps
    return base * np.maximum(1.0, np.abs(x))


def numerical_jacobian(f: Callable, x: Any, eps: float | None = None) -> np.ndarray:
    """∂f/∂x by central differences, shape ``out.shape + x.shape`` (x an array)."""
    x = np.asarray(x, dtype=np.float64)
    h = _step(x, eps)
    cols = []
    flat = x.ravel()
    for i in range(flat.size):
        up = flat.copy()
        down = flat.copy()
        up[i] += h.flat[i]
        down[i] -= h.flat[i]
        fu = np.asarray(f(up.reshape(x.shape)), dtype=np.float64)
        fd = np.asarray(f(down.reshape(x.shape)), dtype=np.float64)
        cols.append((fu - fd) / (up[i] - down[i]))
    out_shape = np.shape(f(x)) if not cols else cols[0].shape
    if not cols:
        return np.zeros(out_shape + x.shape)
    jac = np.stack(cols, axis=-1)
    return jac.reshape(out_shape + x.shape)


def numerical_grad(f: Callable, x: Any, eps: float | None = None) -> Any:
    """The gradient of a scalar ``f`` by central differences, with x's pytree structure."""
    leaves, td = _tree.flatten(x)
    grads = []
    for k, leaf in enumerate(leaves):
        def f_k(v, k=k):
            ls = list(leaves)
            ls[k] = v
            return np.reshape(f(_tree.unflatten(td, ls)), ())
        grads.append(numerical_jacobian(f_k, leaf, eps))
    return _tree.unflatten(td, grads)


def _compare(name: str, got: Any, want: Any, atol: float, rtol: float) -> str | None:
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return f"{name}: shape {got.shape}, expected {want.shape}"
    err = np.abs(got - want)
    bad = err > atol + rtol * np.abs(want)
    if not bad.any():
        return None
    i = np.unravel_index(np.argmax(np.where(bad, err, -1)), got.shape) if got.ndim else ()
    return (f"{name}: {int(bad.sum())} of {bad.size} entries differ; worst at index {i}: "
            f"got {got[i]!r}, expected {want[i]!r} (abs error {err[i]:.3g})")


def check_grads(f: Callable, args: Sequence[Any], order: int = 1,
                modes: Sequence[str] = ("fwd", "rev"), atol: float = 1e-5,
                rtol: float = 1e-3, eps: float | None = None) -> str:
    """Check ``f``'s derivatives w.r.t. every argument against central differences.

    ``args`` is a tuple of float arrays; ``f`` may return any real shape. ``modes`` picks
    forward (jacfwd) and/or reverse (jacrev) mode. ``order=2`` also checks the derivatives
    of the derivative rules (the JVP and VJP as functions of the primals). Returns a short
    report; raises :class:`GradientCheckError` listing each disagreement.
    """
    args = tuple(np.asarray(a, dtype=np.float64) for a in args)
    problems = []
    for k in range(len(args)):
        def f_k(v, k=k):
            a = list(args)
            a[k] = v
            return f(*a)
        numeric = numerical_jacobian(f_k, args[k], eps)
        if "fwd" in modes:
            problems.append(_compare(f"argument {k}, forward mode", jacfwd(f, k)(*args),
                                     numeric, atol, rtol))
        if "rev" in modes:
            problems.append(_compare(f"argument {k}, reverse mode", jacrev(f, k)(*args),
                                     numeric, atol, rtol))
    if order >= 2:
        rng = np.random.default_rng(0)
        out = f(*args)
        if "rev" in modes:
            u = rng.standard_normal(np.shape(out))
            def vjp_of(*xs):
                return vjp(f, *xs)[1](u)
            for k in range(len(args)):
                try:
                    check_grads(lambda *xs, k=k: vjp_of(*xs)[k], args, order - 1, modes,
                                atol, rtol, eps)
                except GradientCheckError as e:
                    problems.append(f"the VJP (argument {k}) differentiated again:\n  {e.report}")
        if "fwd" in modes:
            vs = [rng.standard_normal(np.shape(a)) for a in args]
            try:
                check_grads(lambda *xs: jvp(f, xs, tuple(vs))[1], args, order - 1, modes,
                            atol, rtol, eps)
            except GradientCheckError as e:
                problems.append(f"the JVP differentiated again:\n  {e.report}")
    problems = [p for p in problems if p]
    if problems:
        raise GradientCheckError(
            f"check_grads({getattr(f, '__name__', 'f')}) failed:\n  " + "\n  ".join(problems))
    return f"check_grads: {len(args)} argument(s), order {order}, modes {tuple(modes)}: ok"
