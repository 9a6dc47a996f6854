"""A harness that checks a primitive's derivative rules against finite differences.

A :class:`Case` is one call of one primitive: its positional arguments (the differentiated
ones are float arrays at the positions listed in ``diff``; the others are held fixed) and
its keyword arguments. The ``check_*`` functions raise ``AssertionError`` with a message
naming the case when a rule disagrees with central differences:

* :func:`check_jvp` — ``jvp`` against a central-difference directional derivative;
* :func:`check_vjp` — ``vjp`` against the transpose of the numerical Jacobian;
* :func:`check_jacobians` — ``jacfwd`` and ``jacrev`` against ``numerical_jacobian``;
* :func:`check_dot_product` — <u, J v> (forward mode) = <Jᵀu, v> (reverse mode);
* :func:`check_second_order` — the first-order derivatives, as functions of the primals,
  differentiated again in all four combinations (fwd/rev over fwd/rev) against central
  differences of the first-order derivatives.

Everything here is plain NumPy plus chainrule's public transforms; no expected value is
computed by the rule under test alone.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import chainrule as cr

RTOL_FIRST = 1e-6
"""First order: AD against central differences (whose own error is about 1e-10)."""
RTOL_SECOND = 1e-5
"""Second order: AD of AD against central differences of AD."""
RTOL_DOT = 1e-10
"""<u, J v> against <Jᵀu, v>: both exact up to rounding."""

_CBRT_EPS = np.finfo(np.float64).eps ** (1 / 3)


# ---- cases --------------------------------------------------------------------------------

@dataclass
class Case:
    """One call ``prim(*args, **kwargs)``, differentiated at the positions ``diff``."""

    name: str
    label: str
    prim: Any
    args: list
    diff: tuple[int, ...]
    kwargs: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]"

    def primals(self) -> tuple[np.ndarray, ...]:
        return tuple(self.args[i] for i in self.diff)

    def f(self, *xs: Any) -> Any:
        a = list(self.args)
        for i, x in zip(self.diff, xs, strict=True):
            a[i] = x
        return self.prim(*a, **self.kwargs)

    def rng(self, salt: str = "") -> np.random.Generator:
        """A generator seeded by the case's id, so every case is reproducible on its own."""
        return np.random.default_rng(zlib.crc32((self.id + salt).encode()))

    def astype(self, dtype: Any) -> Case:
        """The same case with every floating array argument converted to ``dtype``."""
        def conv(a):
            if isinstance(a, np.ndarray) and np.issubdtype(a.dtype, np.floating):
                return a.astype(dtype)
            return a
        return Case(self.name, self.label, self.prim, [conv(a) for a in self.args],
                    self.diff, dict(self.kwargs))


# ---- small vector helpers -------------------------------------------------------------------

def flat(tree: Any) -> np.ndarray:
    """All leaves of a pytree of arrays, raveled and joined into one float64 vector."""
    leaves = cr.tree.leaves(tree) if not isinstance(tree, np.ndarray) else [tree]
    if not leaves:
        return np.zeros(0)
    return np.concatenate([np.asarray(x, dtype=np.float64).ravel() for x in leaves])


def vdot(a: Any, b: Any) -> float:
    return float(np.dot(flat(a), flat(b)))


def random_like(rng: np.random.Generator, x: Any) -> np.ndarray:
    """A standard normal array with x's shape and floating dtype."""
    x = np.asarray(x)
    return rng.standard_normal(x.shape).astype(x.dtype)


def assert_close(got: Any, want: Any, rtol: float, what: str, floor: float = 1e-4) -> None:
    """Entrywise |got - want| <= rtol · max(|want|, max|want|, floor): relative to the scale
    of the whole result, with a floor for results that are (near) zero, where central
    differences leave an absolute error of about 1e-10."""
    got_a = np.asarray(got, dtype=np.float64)
    want_a = np.asarray(want, dtype=np.float64)
    assert got_a.shape == want_a.shape, f"{what}: shape {got_a.shape}, expected {want_a.shape}"
    assert np.all(np.isfinite(got_a)), f"{what}: non-finite entries in {got_a}"
    scale = max(float(np.max(np.abs(want_a), initial=0.0)), floor)
    err = np.abs(got_a - want_a)
    bad = err > rtol * np.maximum(np.abs(want_a), scale)
    if bad.any():
        worst = float(np.max(err))
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} entries differ (worst abs error "
            f"{worst:.3g}, scale {scale:.3g}, rtol {rtol:g})\n got: {got_a.ravel()[:12]}\n"
            f"want: {want_a.ravel()[:12]}")


def central_difference(f: Callable, xs: tuple, vs: tuple) -> np.ndarray:
    """(f(x + h v) - f(x - h v)) / 2h as one flat vector; h scaled to the inputs' size."""
    size = max([1.0] + [float(np.max(np.abs(x), initial=0.0)) for x in xs])
    vsize = max([1e-300] + [float(np.max(np.abs(v), initial=0.0)) for v in vs])
    h = _CBRT_EPS * size / vsize
    up = flat(f(*[x + h * v for x, v in zip(xs, vs, strict=True)]))
    down = flat(f(*[x - h * v for x, v in zip(xs, vs, strict=True)]))
    return (up - down) / (2 * h)


def _out_cotangent(case: Case, rng: np.random.Generator) -> np.ndarray:
    out = np.asarray(case.f(*case.primals()))
    return random_like(rng, out)


# ---- first order --------------------------------------------------------------------------

def check_jvp(case: Case) -> None:
    """``jvp`` (value and tangent) against a central-difference directional derivative."""
    xs = case.primals()
    rng = case.rng("jvp")
    vs = tuple(random_like(rng, x) for x in xs)
    out, tan = cr.jvp(case.f, xs, vs)
    want_out = case.f(*xs)
    assert np.shape(out) == np.shape(want_out), f"{case.id}: jvp output shape"
    assert np.array_equal(out, want_out), f"{case.id}: jvp's primal output differs from f(x)"
    assert np.shape(tan) == np.shape(want_out), (
        f"{case.id}: jvp tangent shape {np.shape(tan)}, output shape {np.shape(want_out)}")
    assert np.result_type(tan) == np.result_type(want_out), f"{case.id}: jvp tangent dtype"
    assert_close(flat(tan), central_difference(case.f, xs, vs), RTOL_FIRST,
                 f"{case.id}: jvp vs central differences")


def check_vjp(case: Case) -> None:
    """``vjp`` against uᵀ·(numerical Jacobian), one differentiated argument at a time."""
    xs = case.primals()
    rng = case.rng("vjp")
    u = _out_cotangent(case, rng)
    out, vjp_fn = cr.vjp(case.f, *xs)
    assert np.array_equal(out, case.f(*xs)), f"{case.id}: vjp's primal output differs"
    cts = vjp_fn(u)
    assert len(cts) == len(xs), f"{case.id}: vjp_fn returned {len(cts)} cotangents"
    for k, (x, ct) in enumerate(zip(xs, cts, strict=True)):
        assert np.shape(ct) == np.shape(x), (
            f"{case.id}: cotangent {k} has shape {np.shape(ct)}, primal {np.shape(x)}")
        assert np.result_type(ct) == x.dtype, f"{case.id}: cotangent {k} dtype"
        jac = cr.numerical_jacobian(lambda v, k=k: _replace_call(case, xs, k, v), x)
        want = np.tensordot(np.asarray(u, np.float64), jac, axes=np.ndim(u))
        assert_close(ct, want, RTOL_FIRST, f"{case.id}: vjp (argument {k}) vs uᵀJ numerical")
    # vjp_fn may be called again (with another cotangent) and is linear in it.
    again = vjp_fn(2.0 * u)
    for k, (a, b) in enumerate(zip(again, cts, strict=True)):
        assert_close(a, 2.0 * np.asarray(b), 1e-12, f"{case.id}: vjp_fn(2u) != 2 vjp_fn(u) ({k})")


def _replace_call(case: Case, xs: tuple, k: int, v: Any) -> Any:
    ys = list(xs)
    ys[k] = v
    return case.f(*ys)


def check_jacobians(case: Case) -> None:
    """``jacfwd`` and ``jacrev`` against ``numerical_jacobian`` for every argument."""
    xs = case.primals()
    argnums = tuple(range(len(xs)))
    fwd = cr.jacfwd(case.f, argnums)(*xs)
    rev = cr.jacrev(case.f, argnums)(*xs)
    for k, x in enumerate(xs):
        num = cr.numerical_jacobian(lambda v, k=k: _replace_call(case, xs, k, v), x)
        assert_close(fwd[k], num, RTOL_FIRST, f"{case.id}: jacfwd (argument {k}) vs numerical")
        assert_close(rev[k], num, RTOL_FIRST, f"{case.id}: jacrev (argument {k}) vs numerical")


def check_dot_product(case: Case) -> None:
    """<u, J v> from ``jvp`` equals <Jᵀu, v> from ``vjp`` to RTOL_DOT (relative to the norms)."""
    xs = case.primals()
    rng = case.rng("dot")
    vs = tuple(random_like(rng, x) for x in xs)
    u = _out_cotangent(case, rng)
    _, jv = cr.jvp(case.f, xs, vs)
    _, vjp_fn = cr.vjp(case.f, *xs)
    jtu = vjp_fn(u)
    lhs = vdot(u, jv)
    rhs = vdot(jtu, vs)
    scale = (np.linalg.norm(flat(u)) * np.linalg.norm(flat(jv))
             + np.linalg.norm(flat(jtu)) * np.linalg.norm(flat(vs)))
    assert abs(lhs - rhs) <= RTOL_DOT * max(scale, 1e-300), (
        f"{case.id}: <u, J v> = {lhs!r} but <Jᵀu, v> = {rhs!r} (scale {scale:.3g})")


# ---- second order -------------------------------------------------------------------------

def check_second_order(case: Case) -> None:
    """The derivative rules differentiated again, against central differences.

    With F(x) = vjp_fn(u) (the VJP as a function of the primals) and G(x) = jvp(f, x, v):
    forward-over-reverse (jvp of F), reverse-over-reverse (the gradient of <w, F(x, u)> in
    x and in u), forward-over-forward (jvp of G) and reverse-over-forward (the gradient of
    <w, G(x)> in x, and in the tangent v, which must be Jᵀw).
    """
    xs = case.primals()
    n = len(xs)
    rng = case.rng("second")
    u = _out_cotangent(case, rng)
    v = tuple(random_like(rng, x) for x in xs)        # first-order tangent
    d = tuple(random_like(rng, x) for x in xs)        # second-order direction
    w_in = tuple(random_like(rng, x) for x in xs)     # weights on F's outputs
    w_out = random_like(rng, u)                       # weights on G's output
    du = random_like(rng, u)

    def vjp_of(*ys):
        return cr.vjp(case.f, *ys)[1](u)

    def jvp_of(*ys):
        return cr.jvp(case.f, ys, v)[1]

    # forward over reverse: d/dε F(x + ε d)
    _, dF = cr.jvp(vjp_of, xs, d)
    assert_close(flat(dF), central_difference(vjp_of, xs, d), RTOL_SECOND,
                 f"{case.id}: jvp of the VJP (forward over reverse)")

    # reverse over reverse: ∇ <w, F(x, u)> in x and in u
    def weighted_vjp(*ys_and_u):
        ys, uu = ys_and_u[:n], ys_and_u[n]
        cts = cr.vjp(case.f, *ys)[1](uu)
        total = 0.0
        for ct, w in zip(cts, w_in, strict=True):
            total = total + cr.ops.sum(ct * w)
        return total

    def weighted_vjp_plain(*ys_and_u):
        ys, uu = ys_and_u[:n], ys_and_u[n]
        return vdot(cr.vjp(case.f, *ys)[1](uu), w_in)

    grads = cr.grad(weighted_vjp, argnums=tuple(range(n + 1)))(*xs, u)
    got_x = sum(vdot(g, dd) for g, dd in zip(grads[:n], d, strict=True))
    want_x = central_difference(lambda *ys: weighted_vjp_plain(*ys, u), xs, d)
    assert_close(got_x, want_x[0], RTOL_SECOND,
                 f"{case.id}: gradient of <w, VJP> in the primals (reverse over reverse)")
    # F is linear in u, so ∇_u <w, F> = J w exactly; check it against J w from jvp too.
    jw = flat(cr.jvp(case.f, xs, w_in)[1])
    assert_close(flat(grads[n]), jw, 1e-9,
                 f"{case.id}: gradient of <w, VJP> in the cotangent (should be J w)")
    got_u = vdot(grads[n], du)
    want_u = central_difference(lambda uu: weighted_vjp_plain(*xs, uu), (u,), (du,))
    assert_close(got_u, want_u[0], RTOL_SECOND,
                 f"{case.id}: gradient of <w, VJP> in the cotangent vs differences")

    # forward over forward: d/dε G(x + ε d)
    _, dG = cr.jvp(jvp_of, xs, d)
    assert_close(flat(dG), central_difference(jvp_of, xs, d), RTOL_SECOND,
                 f"{case.id}: jvp of the JVP (forward over forward)")

    # reverse over forward: ∇ <w, G(x)> in x, and in the tangent (= Jᵀ w)
    def weighted_jvp(*ys_and_v):
        ys, vv = ys_and_v[:n], ys_and_v[n:]
        return cr.ops.sum(cr.jvp(case.f, ys, vv)[1] * w_out)

    grads = cr.grad(weighted_jvp, argnums=tuple(range(2 * n)))(*xs, *v)
    got = sum(vdot(g, dd) for g, dd in zip(grads[:n], d, strict=True))
    want = central_difference(lambda *ys: vdot(jvp_of(*ys), w_out), xs, d)
    assert_close(got, want[0], RTOL_SECOND,
                 f"{case.id}: gradient of <w, JVP> in the primals (reverse over forward)")
    jtw = cr.vjp(case.f, *xs)[1](w_out)
    assert_close(flat(grads[n:]), flat(jtw), 1e-9,
                 f"{case.id}: gradient of <w, JVP> in the tangent (should be Jᵀ w)")


ALL_CHECKS = {
    "jvp": check_jvp,
    "vjp": check_vjp,
    "jacobians": check_jacobians,
    "dot": check_dot_product,
    "second": check_second_order,
}
