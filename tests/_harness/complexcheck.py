"""The rule harness on complex inputs: every derivative against finite differences taken in
the real and in the imaginary direction of each entry.

The convention under test (docs/complex.md, autograd's and JAX's): a cotangent ``c`` of a
complex value w = p + iq stands for the linear functional ẇ ↦ Re Σ c·ẇ, so for a real loss
L, c = ∂L/∂p - i ∂L/∂q; for a real value it is ∂L/∂w as usual. With J_re = ∂f/∂x and
J_im = ∂f/∂y (x, y the real and imaginary parts of a complex input, each column by central
differences):

* JVP in the direction v = a + ib:   ḟ = J_re a + J_im b;
* VJP of the cotangent u:            ū = Re(uᵀ J_re) - i Re(uᵀ J_im)   (a complex input),
                                     ū = Re(uᵀ J_re)                   (a real input);
* the pairing:                       Re Σ u·(J v) = Re Σ (Jᵀu)·v.

Second order: the VJP and the JVP, as functions of the primals, differentiated again in a
random complex direction (forward over reverse, forward over forward) and through the
gradient of a real weighting of them (reverse over reverse, reverse over forward), each
against central differences of the first-order derivative.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr

from .rulecheck import RTOL_FIRST, RTOL_SECOND, Case

_CBRT_EPS = np.finfo(np.float64).eps ** (1 / 3)


def _ravel(x):
    return np.asarray(x).ravel()


def assert_close_c(got, want, rtol, what, floor=1e-4):
    """Entrywise |got - want| <= rtol · max(|want|, max|want|, floor), complex allowed."""
    got = np.asarray(got, dtype=np.complex128)
    want = np.asarray(want, dtype=np.complex128)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    assert np.all(np.isfinite(got)), f"{what}: non-finite entries in {got}"
    scale = max(float(np.max(np.abs(want), initial=0.0)), floor)
    err = np.abs(got - want)
    bad = err > rtol * np.maximum(np.abs(want), scale)
    if bad.any():
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} entries differ (worst abs error "
            f"{float(err.max()):.3g}, scale {scale:.3g})\n got: {got.ravel()[:8]}\n"
            f"want: {want.ravel()[:8]}")


def random_like(rng, x):
    """A random array of x's shape: complex normal for a complex x, real normal otherwise."""
    x = np.asarray(x)
    r = rng.standard_normal(x.shape)
    if x.dtype.kind == "c":
        r = r + 1j * rng.standard_normal(x.shape)
    return r.astype(x.dtype)


def _step(xs):
    return _CBRT_EPS * max([1.0] + [float(np.max(np.abs(x), initial=0.0)) for x in xs])


def directional(f, xs, vs):
    """(f(x + h v) - f(x - h v)) / 2h, flat (complex where f is): the derivative of f in the
    direction v, which may point anywhere in the complex plane of each entry."""
    vsize = max([1e-300] + [float(np.max(np.abs(v), initial=0.0)) for v in vs])
    h = _step(xs) / vsize
    up = f(*[x + h * v for x, v in zip(xs, vs, strict=True)])
    down = f(*[x - h * v for x, v in zip(xs, vs, strict=True)])
    return (_ravel(up).astype(np.complex128) - _ravel(down)) / (2 * h)


def partials(f, xs, k):
    """(J_re, J_im) of f with respect to argument k: one central difference per entry and
    per direction (J_im is None for a real argument). Shapes (out.size, x.size)."""
    x = xs[k]
    cols_re, cols_im = [], []
    for j in range(x.size):
        e = np.zeros(x.shape, x.dtype)
        e.flat[j] = 1
        vs = [np.zeros_like(y) for y in xs]
        vs[k] = e
        cols_re.append(directional(f, xs, vs))
        if x.dtype.kind == "c":
            vs[k] = e * 1j
            cols_im.append(directional(f, xs, vs))
    out_size = np.size(f(*xs))
    stack = lambda cols: np.stack(cols, axis=1) if cols else np.zeros((out_size, 0))
    return stack(cols_re), (stack(cols_im) if x.dtype.kind == "c" else None)


def vjp_by_differences(f, xs, k, u):
    """What the convention says the cotangent of argument k is, from finite differences."""
    j_re, j_im = partials(f, xs, k)
    uf = _ravel(u).astype(np.complex128)
    want = np.real(uf @ j_re)
    if j_im is not None:
        want = want - 1j * np.real(uf @ j_im)
    return want.reshape(np.shape(xs[k]))


def check_complex_first_order(case: Case) -> None:
    """JVP, VJP and the pairing identity on a complex case (see the module docstring)."""
    xs = case.primals()
    rng = case.rng("complex")
    out = case.f(*xs)
    vs = tuple(random_like(rng, x) for x in xs)
    got_out, tan = cr.jvp(case.f, xs, vs)
    assert np.array_equal(got_out, out, equal_nan=True), f"{case.id}: jvp's primal output"
    assert np.result_type(tan) == np.result_type(out), (
        f"{case.id}: tangent dtype {np.result_type(tan)}, output {np.result_type(out)}")
    assert_close_c(_ravel(tan), directional(case.f, xs, vs), RTOL_FIRST,
                   f"{case.id}: jvp vs differences along a complex direction")
    u = random_like(rng, out)
    _, vjp_fn = cr.vjp(case.f, *xs)
    cts = vjp_fn(u)
    for k, (x, ct) in enumerate(zip(xs, cts, strict=True)):
        assert np.result_type(ct) == x.dtype, f"{case.id}: cotangent {k} is {ct.dtype}"
        assert_close_c(ct, vjp_by_differences(case.f, xs, k, u), RTOL_FIRST,
                       f"{case.id}: vjp (argument {k}) vs Re(uᵀJ_re) - i Re(uᵀJ_im)")
    lhs = np.real(np.sum(_ravel(u) * _ravel(tan)))
    rhs = sum(np.real(np.sum(_ravel(c) * _ravel(v))) for c, v in zip(cts, vs, strict=True))
    scale = np.linalg.norm(_ravel(u)) * np.linalg.norm(_ravel(tan)) + sum(
        np.linalg.norm(_ravel(c)) * np.linalg.norm(_ravel(v)) for c, v in zip(cts, vs))
    assert abs(lhs - rhs) <= 1e-10 * max(scale, 1e-300), (
        f"{case.id}: Re<u, J v> = {lhs!r} but Re<Jᵀu, v> = {rhs!r}")


def _real_grad_check(phi, xs, d, what, rtol):
    """grad of a real scalar φ against its directional derivative: Re Σ ∇φ·d = Dφ[d]."""
    grads = cr.grad(phi, argnums=tuple(range(len(xs))))(*xs)
    got = sum(np.real(np.sum(_ravel(g) * _ravel(dd))) for g, dd in zip(grads, d, strict=True))
    want = np.real(directional(lambda *ys: np.real(phi(*ys)), xs, d))[0]
    assert_close_c(got, want, rtol, what)


def check_complex_second_order(case: Case) -> None:
    """The first-order derivatives of a complex case differentiated again, four ways."""
    xs = case.primals()
    n = len(xs)
    rng = case.rng("complex-second")
    out = case.f(*xs)
    u = random_like(rng, out)
    v = tuple(random_like(rng, x) for x in xs)
    d = tuple(random_like(rng, x) for x in xs)
    w_in = tuple(random_like(rng, x) for x in xs)
    w_out = random_like(rng, out)

    def vjp_of(*ys):
        return cr.vjp(case.f, *ys)[1](u)

    def jvp_of(*ys):
        return cr.jvp(case.f, ys, v)[1]

    def flat_tuple(t):
        return np.concatenate([_ravel(a).astype(np.complex128) for a in t])

    _, dF = cr.jvp(vjp_of, xs, d)
    assert_close_c(flat_tuple(dF), directional(lambda *ys: flat_tuple(vjp_of(*ys)), xs, d),
                   RTOL_SECOND, f"{case.id}: jvp of the VJP (forward over reverse)")
    _, dG = cr.jvp(jvp_of, xs, d)
    assert_close_c(_ravel(dG), directional(jvp_of, xs, d), RTOL_SECOND,
                   f"{case.id}: jvp of the JVP (forward over forward)")

    def weighted_vjp(*ys):
        cts = cr.vjp(case.f, *ys)[1](u)
        total = 0.0
        for ct, w in zip(cts, w_in, strict=True):
            total = total + cr.ops.sum(cr.ops.real_part(ct * w) if np.iscomplexobj(w)
                                       or np.iscomplexobj(ct) else ct * w)
        return total

    def weighted_jvp(*ys):
        t = cr.jvp(case.f, ys, v)[1]
        prod = t * w_out
        return cr.ops.sum(cr.ops.real_part(prod) if np.iscomplexobj(w_out)
                          or np.iscomplexobj(t) else prod)

    _real_grad_check(weighted_vjp, xs, d,
                     f"{case.id}: gradient of Re<w, VJP> (reverse over reverse)", RTOL_SECOND)
    _real_grad_check(weighted_jvp, xs, d,
                     f"{case.id}: gradient of Re<w, JVP> (reverse over forward)", RTOL_SECOND)
    assert n == len(d)


def plain_complex(rng, x):
    """x + i y with y standard normal times ½: the default complex draw around a real one."""
    return x + 0.5j * rng.standard_normal(np.shape(x))


def complexify(case: Case, to_complex=plain_complex, real_args: tuple[int, ...] = ()) -> Case:
    """The case with each differentiated argument x made complex by ``to_complex(rng, x)``,
    except those in ``real_args`` (a real input meeting a complex one: its cotangent must be
    the real part of the complex one)."""
    rng = case.rng("complexify")
    args = list(case.args)
    for i in case.diff:
        if i not in real_args:
            args[i] = np.asarray(to_complex(rng, np.asarray(args[i], np.float64)), np.complex128)
    label = case.label + ",complex" + (f",real{list(real_args)}" if real_args else "")
    return Case(case.name, label, case.prim, args, case.diff, dict(case.kwargs))
