"""NumPy functions of chainrule.numpy (statistics, creation, polynomial, math, manipulation):
statistics (cov, corrcoef), sequences (linspace, logspace, geomspace, vander), histograms,
i0, unwrap, trim_zeros, polynomials, astype and the as*array family.

Except i0 (a primitive, also in the rule sweep through tests/ops/rules_special.py) these are
composites, so each case here checks:

* the value computed through the traced path equals NumPy's (and has NumPy's dtype);
* forward and reverse mode against central differences, and second order
  (``chainrule.check_grads(order=2)``), spelled as plain NumPy (``np.f(traced)``);
* ``chainrule.numpy.f`` gives the same Jacobian as the plain spelling;
* float32 in: NumPy's dtype out, float32 cotangents close to the float64 ones.

Expectations come from NumPy's values, finite differences and closed forms (I₁ from its
integral representation, the Jacobian of a slice, Vandermonde powers ...).
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import coverage
from chainrule.core import Tracer, full_unwrap
from chainrule.numpy import dispatch
from chainrule.ops import special

# ---- the harness ----------------------------------------------------------------------------


def _rng(label):
    return np.random.default_rng(zlib.crc32(label.encode()))


def _leaves(out):
    return [out] if not isinstance(out, (tuple, list)) else [x for o in out for x in _leaves(o)]


def check(call, *xs, order=2, f32=True, rtol=1e-12):
    """``call(module, *xs)`` runs the function as ``module.f(...)``: np (plain and traced)
    and chainrule.numpy; ``xs`` are the differentiated float64 arrays."""
    xs = tuple(np.asarray(x, dtype=np.float64) for x in xs)
    f_np = lambda *v: call(np, *v)  # noqa: E731
    f_cnp = lambda *v: call(cnp, *v)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = f_np(*xs)
    got, _ = cr.vjp(f_np, *xs)
    for g, w in zip(_leaves(got), _leaves(want), strict=True):
        assert np.shape(g) == np.shape(w), f"shape {np.shape(g)} != NumPy's {np.shape(w)}"
        assert np.result_type(g) == np.result_type(w), f"dtype {np.result_type(g)} != NumPy's"
        np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(w, np.float64),
                                   rtol=rtol, atol=1e-13, err_msg="traced value vs NumPy")
    cr.check_grads(f_np, xs, order=order)
    argnums = tuple(range(len(xs)))
    j_np = cr.jacrev(f_np, argnums)(*xs)
    j_cnp = cr.jacfwd(f_cnp, argnums)(*xs)
    for a, b in zip(cr.tree.leaves(j_np), cr.tree.leaves(j_cnp), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12,
                                   err_msg="chainrule.numpy vs the numpy spelling")
    if f32:
        x32 = tuple(x.astype(np.float32) for x in xs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want32 = f_np(*x32)
        out32, vjp32 = cr.vjp(f_np, *x32)
        for g, w in zip(_leaves(out32), _leaves(want32), strict=True):
            assert np.result_type(g) == np.result_type(w), (
                f"float32 in: dtype {np.result_type(g)}, NumPy's {np.result_type(w)}")
        u = cr.tree.tree_map(lambda o: np.ones(np.shape(o), np.result_type(o)), out32)
        cts32 = vjp32(u)
        cts64 = cr.vjp(f_np, *xs)[1](cr.tree.tree_map(lambda o: o.astype(np.float64), u))
        for a, b in zip(cts32, cts64, strict=True):
            assert a.dtype == np.float32, f"float32 cotangent is {a.dtype}"
            scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
            np.testing.assert_allclose(a, b, rtol=2e-3, atol=2e-3 * scale,
                                       err_msg="float32 vs float64 cotangent")


def _label(shape):
    return "x".join(map(str, shape)) if shape else "scalar"


def normal(label, shape):
    return _rng(label).standard_normal(shape)


def positive(label, shape):
    return _rng(label).uniform(0.5, 2.0, shape)


# ---- statistics ------------------------------------------------------------------------------

COV_CASES = {
    "2": ((2,), {}),
    "4": ((4,), {}),
    "1x2": ((1, 2), {}),
    "3x2": ((3, 2), {}),
    "3x2,rowvar=False": ((3, 2), {"rowvar": False}),
    "3x4,bias": ((3, 4), {"bias": True}),
    "3x4,ddof=0": ((3, 4), {"ddof": 0}),
    "3x4,ddof=2": ((3, 4), {"ddof": 2}),
    "4x3,rowvar=False,ddof=2": ((4, 3), {"rowvar": False, "ddof": 2}),
    "3x5,fweights": ((3, 5), {"fweights": np.array([1, 2, 1, 3, 1])}),
    "3x5,aweights": ((3, 5), {"aweights": np.array([0.5, 1.0, 2.0, 1.5, 0.25])}),
    "3x5,both-weights,ddof=2": ((3, 5), {"fweights": np.array([1, 2, 1, 3, 1]),
                                         "aweights": np.array([0.5, 1.0, 2.0, 1.5, 0.25]),
                                         "ddof": 2}),
    "3x5,aweights,bias": ((3, 5), {"aweights": np.array([0.5, 1.0, 2.0, 1.5, 0.25]),
                                   "bias": True}),
}


@pytest.mark.parametrize("label", sorted(COV_CASES))
def test_cov(label):
    shape, kw = COV_CASES[label]
    check(lambda m, x: m.cov(x, **kw), normal("cov" + label, shape))


def test_cov_and_linspace_with_a_float32_dtype():
    """dtype=float32 from float64 arguments: NumPy's float32 values; the cotangent is the
    float64 one of the float32 computation (checked against the float64 function)."""
    x = normal("cov32", (3, 4))
    for f in (lambda v: np.cov(v, dtype=np.float32), lambda v: np.linspace(v[0], v[1], 5,
                                                                            dtype=np.float32)):
        out, vjp = cr.vjp(f, x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = f(x)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, want, rtol=1e-6)
        u = np.ones(out.shape, np.float32)
        (ct,) = vjp(u)
        assert ct.dtype == np.float64
        np.testing.assert_allclose(ct, cr.vjp(lambda v: f(v).astype(np.float64), x)[1](
            u.astype(np.float64))[0], rtol=1e-12)


@pytest.mark.parametrize("rowvar", [True, False])
@pytest.mark.parametrize("shapes", [((2, 4), (4,)), ((4,), (4,)), ((3, 4), (2, 4)),
                                    ((4, 2), (3, 2))], ids=lambda s: f"{s[0]}&{s[1]}")
def test_cov_of_two_arguments(shapes, rowvar):
    if not rowvar:
        shapes = tuple(s[::-1] for s in shapes)
    x = normal(f"cov2{shapes}{rowvar}", shapes[0])
    y = normal(f"cov2y{shapes}{rowvar}", shapes[1])
    check(lambda m, a, b: m.cov(a, b, rowvar=rowvar), x, y)


def test_cov_differentiates_traced_weights():
    x = normal("covw", (3, 5))
    aw = positive("covaw", (5,))
    # integer frequencies: NumPy's own cov multiplies a float64 fweights array in place
    # by aweights (it would change this constant between calls)
    fw = np.array([1, 2, 1, 3, 1])
    check(lambda m, a, w: m.cov(a, aweights=w), x, aw)
    check(lambda m, a, w: m.cov(a, aweights=w, ddof=2, fweights=fw), x, aw)
    # traced frequency weights are accepted (at integer values, as NumPy requires)
    jf = cr.jacfwd(lambda w: np.cov(x, fweights=w))(fw.astype(float))
    ja = cr.jacfwd(lambda w: np.cov(x, aweights=w, ddof=0) * (w.sum() / (w.sum() - 1)))(
        fw.astype(float))
    np.testing.assert_allclose(jf, ja, rtol=1e-12, atol=1e-14)


def test_cov_closed_form():
    """For two observations, var = (a - b)²/2: ∂/∂a = a - b."""
    x = np.array([1.5, -0.5])
    assert cr.grad(lambda v: np.cov(v))(x) == pytest.approx([2.0, -2.0])


CORRCOEF_CASES = {
    "3x4": ((3, 4), {}),
    "4x3,rowvar=False": ((4, 3), {"rowvar": False}),
    "2x5": ((2, 5), {}),
    "1x2": ((1, 2), {}),
    "3": ((3,), {}),
}


@pytest.mark.parametrize("label", sorted(CORRCOEF_CASES))
def test_corrcoef(label):
    shape, kw = CORRCOEF_CASES[label]
    check(lambda m, x: m.corrcoef(x, **kw), normal("corr" + label, shape))


def test_corrcoef_of_two_arguments_and_its_closed_form():
    x, y = normal("corrx", (5,)), normal("corry", (5,))
    check(lambda m, a, b: m.corrcoef(a, b), x, y)
    # r is invariant under x -> a x + b (a > 0): the gradient is orthogonal to 1 and to x
    g = cr.grad(lambda a: np.corrcoef(a, y)[0, 1])(x)
    assert abs(g.sum()) < 1e-12 and abs(g @ x) < 1e-12
    # the diagonal is identically 1
    np.testing.assert_allclose(cr.jacrev(lambda a: np.diagonal(np.corrcoef(a, y)))(x), 0,
                               atol=1e-12)


# ---- sequences -------------------------------------------------------------------------------

PAIRS = [((), ()), ((2,), ()), ((), (2,)), ((3, 2), (3, 2)), ((1, 2), (3, 2)),
         ((3, 1), (1, 2)), ((2,), (3, 2))]


@pytest.mark.parametrize("shapes", PAIRS, ids=lambda s: f"{_label(s[0])}&{_label(s[1])}")
@pytest.mark.parametrize("kw", [{}, {"endpoint": False}, {"axis": -1}],
                         ids=["default", "endpoint=False", "axis=-1"])
def test_linspace(shapes, kw):
    a = normal(f"lin{shapes}", shapes[0])
    b = normal(f"lin-stop{shapes}", shapes[1]) + 3.0
    check(lambda m, s, e: m.linspace(s, e, 5, **kw), a, b)


@pytest.mark.parametrize("num, endpoint", [(1, True), (1, False), (2, True)])
def test_linspace_few_samples(num, endpoint):
    check(lambda m, s, e: m.linspace(s, e, num, endpoint=endpoint), np.array([0.5, -1.0]),
          np.array([2.0, 3.0]))


def test_linspace_retstep_dtype_and_closed_form():
    a, b = np.array(0.5), np.array([2.0, 3.0])
    check(lambda m, s, e: m.linspace(s, e, 4, retstep=True), a, b)
    check(lambda m, e: m.linspace(1.0, e, 4, axis=1), b)  # a Python float start
    # y_k = a + k (b - a) / 3: ∂y_k/∂a = 1 - k/3, ∂y_k/∂b = k/3
    ja, jb = cr.jacfwd(lambda s, e: np.linspace(s, e, 4), (0, 1))(0.5, 2.0)
    np.testing.assert_allclose(ja, [1, 2 / 3, 1 / 3, 0], atol=1e-15)
    np.testing.assert_allclose(jb, [0, 1 / 3, 2 / 3, 1], atol=1e-15)
    # an integer dtype gives NumPy's plain floors (derivative 0)
    out = cr.jvp(lambda s: np.linspace(s, 7.0, 4, dtype=int), (np.array(0.5),),
                 (np.array(1.0),))[0]
    np.testing.assert_array_equal(out, np.linspace(0.5, 7.0, 4, dtype=int))


@pytest.mark.parametrize("shapes", PAIRS[:5], ids=lambda s: f"{_label(s[0])}&{_label(s[1])}")
def test_logspace(shapes):
    a = normal(f"log{shapes}", shapes[0]) * 0.5
    b = normal(f"log-stop{shapes}", shapes[1]) * 0.5 + 1.0
    check(lambda m, s, e: m.logspace(s, e, 4), a, b)


def test_logspace_differentiates_base():
    a, b = np.array(0.5), np.array([1.5, -0.5])
    check(lambda m, s, e, base: m.logspace(s, e, 4, base=base), a, b, np.array(2.5))
    check(lambda m, base: m.logspace(a, b, 3, base=base, endpoint=False), np.array(3.0))
    check(lambda m, s, base: m.logspace(s, b, 3, base=base, axis=1), a,
          np.array([2.0, 3.0]))
    # ∂/∂base of base**y at y = 2 is 2·base
    assert cr.grad(lambda c: np.logspace(0.0, 2.0, 3, base=c)[-1])(3.0) == pytest.approx(6.0)


@pytest.mark.parametrize("kw", [{}, {"endpoint": False}, {"axis": 1}, {"num": 2}],
                         ids=["default", "endpoint=False", "axis=1", "num=2"])
def test_geomspace(kw):
    kw = {"num": 4, **kw}
    a = np.array([0.5, -2.0, 3.0])
    b = np.array([4.0, -0.25, 1.5])
    check(lambda m, s, e: m.geomspace(s, e, **kw), a, b)


def test_geomspace_scalars_and_closed_form():
    check(lambda m, s, e: m.geomspace(s, e, 5), np.array(2.0), np.array(32.0))
    # y_k = a (b/a)^(k/3): ∂y_1/∂a = (2/3)(b/a)^(1/3), ∂y_1/∂b = (1/3)(a/b)^(2/3)
    ja, jb = cr.jacrev(lambda s, e: np.geomspace(s, e, 4)[1], (0, 1))(2.0, 16.0)
    assert ja == pytest.approx(2 / 3 * 2.0) and jb == pytest.approx(1 / 3 / 4.0)
    with pytest.raises(ValueError, match="zero"):
        cr.grad(lambda s: np.geomspace(s, 0.0, 3).sum())(1.0)


@pytest.mark.parametrize("n, kw", [(4, {}), (3, {"N": 5}), (3, {"N": 1}), (2, {}),
                                   (4, {"increasing": True}), (3, {"N": 2, "increasing": True})],
                         ids=["4", "3,N=5", "3,N=1", "2", "4,increasing", "3,N=2,increasing"])
def test_vander(n, kw):
    x = normal(f"vander{n}{kw}", (n,))
    check(lambda m, v: m.vander(v, **kw), x)


def test_vander_at_zero_is_exact():
    """∂x^k/∂x = k x^(k-1): 1 for k = 1 and 0 for k > 1 at x = 0 (no 0·inf)."""
    x = np.array([0.0, 2.0])
    jac = cr.jacfwd(lambda v: np.vander(v, 4))(x)
    np.testing.assert_array_equal(jac[0, :, 0], [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(jac[1, :, 1], [12.0, 4.0, 1.0, 0.0])
    np.testing.assert_array_equal(cr.jacrev(lambda v: np.vander(v, 4))(x), jac)
    np.testing.assert_array_equal(cr.hessian(lambda v: np.vander(v, 4)[0, 1])(x),
                                  [[2.0, 0.0], [0.0, 0.0]])


# ---- i0 and i1 -------------------------------------------------------------------------------


def _i1_reference(x):
    """I₁(x) = (1/π) ∫₀^π e^(x cos θ) cos θ dθ by the trapezoid rule (spectrally accurate
    for this periodic integrand)."""
    th = np.linspace(0.0, np.pi, 801)
    vals = np.exp(np.multiply.outer(x, np.cos(th))) * np.cos(th)
    return np.trapezoid(vals, th, axis=-1) / np.pi


def test_i1_values_from_the_integral():
    x = np.concatenate([np.linspace(-40, 40, 161), [0.0, 1e-8, 17.99, 18.01, -18.0]])
    np.testing.assert_allclose(special.i1(x), _i1_reference(x), rtol=2e-14, atol=1e-15)
    assert special.i1(np.float32(30.0)).dtype == np.float32
    np.testing.assert_array_equal(special.i1(np.array([np.inf, -np.inf])), [np.inf, -np.inf])


def test_i1_is_the_derivative_of_i0():
    x = np.linspace(-30, 30, 121)
    d = cr.elementwise_grad(np.i0)(x)
    np.testing.assert_allclose(d, _i1_reference(x), rtol=1e-13, atol=1e-15)
    h = 2e-6 * np.maximum(1, np.abs(x))
    fd = (np.i0(x + h) - np.i0(x - h)) / (2 * h)
    np.testing.assert_allclose(d, fd, rtol=1e-8)


@pytest.mark.parametrize("shape", [(), (2,), (3, 2), (1, 2)], ids=_label)
def test_i0_through_numpy(shape):
    check(lambda m, v: m.i0(v), normal(f"i0{shape}", shape) * 3)


@pytest.mark.parametrize("x", [[-19.5, -18.2, 17.6, 18.4], [20.0, -27.0, 35.0]],
                         ids=["around-18", "asymptotic"])
@pytest.mark.parametrize("p", ["i0", "i1"])
def test_bessel_rules_at_large_arguments(p, x):
    """Both sides of i1's switch to its asymptotic expansion, to second order."""
    cr.check_grads(getattr(special, p), (np.array(x),), order=2, rtol=1e-6)


def test_bessel_derivatives_at_zero():
    """I₀ = 1 + x²/4 + ..., I₁ = x/2 + x³/16 + ...: I₀'(0) = 0, I₀''(0) = ½, I₁'(0) = ½,
    I₁''(0) = 0, I₁'''(0) = 3/8, in both modes."""
    zero = np.array(0.0)
    for d in (cr.grad, lambda f: cr.jacfwd(f)):
        assert d(special.i0)(zero) == 0.0
        assert d(d(special.i0))(zero) == pytest.approx(0.5, rel=1e-15)
        assert d(special.i1)(zero) == pytest.approx(0.5, rel=1e-15)
        assert d(d(special.i1))(zero) == 0.0
        assert d(d(d(special.i1)))(zero) == pytest.approx(3 / 8, rel=1e-12)


# ---- unwrap and trim_zeros -------------------------------------------------------------------

PHASES = np.array([0.1, 2.9, -3.0, -0.2, 3.1, 6.0, 0.4])


@pytest.mark.parametrize("kw", [{}, {"discont": 4.0}, {"period": 5.0}],
                         ids=["default", "discont=4", "period=5"])
def test_unwrap(kw):
    check(lambda m, p: m.unwrap(p, **kw), PHASES)


def test_unwrap_along_axes_and_in_degrees():
    p = np.stack([PHASES, PHASES[::-1] * 0.9, -PHASES])
    check(lambda m, v: m.unwrap(v, axis=0), p.T.copy())
    check(lambda m, v: m.unwrap(v), p)
    check(lambda m, v: m.unwrap(v, period=360.0), np.array([10.0, 170.0, 355.0, 5.0, 200.0]))
    np.testing.assert_array_equal(cr.jacrev(np.unwrap)(PHASES), np.eye(PHASES.size))


_X1 = np.array([0.0, 0.0, 1.5, 0.0, -2.0, 0.0])
_X2 = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 2.0, 3.0]])
TRIM_CASES = {  # the argument, the keywords, and the slice NumPy keeps (by hand)
    "1d": (_X1, {}, (slice(2, 5),)),
    "1d,f": (_X1, {"trim": "f"}, (slice(2, None),)),
    "1d,b": (_X1, {"trim": "B"}, (slice(None, 5),)),
    "no-zeros": (np.array([1.0, 2.0]), {}, (slice(None),)),
    "2d": (_X2, {}, (slice(1, 3), slice(1, 3))),
    "2d,axis=1": (_X2, {"axis": 1}, (slice(None), slice(1, 3))),
    "2d,axis=-2,f": (_X2, {"axis": -2, "trim": "f"}, (slice(1, None), slice(None))),
    "2d,axis=()": (np.array([[0.0, 1.0], [0.0, 0.0]]), {"axis": ()},
                   (slice(None), slice(None))),
}


@pytest.mark.parametrize("label", sorted(TRIM_CASES))
def test_trim_zeros_is_a_slice(label):
    """At the values level: the Jacobian is the identity's slice (finite differences would
    move the zeros, so the expectation is written down)."""
    x, kw, sl = TRIM_CASES[label]
    want = np.trim_zeros(x, **kw)
    np.testing.assert_array_equal(want, x[sl])
    sel = np.eye(x.size).reshape(x.shape + x.shape)[sl]
    for m in (np, cnp):
        got = cr.vjp(lambda v, m=m: m.trim_zeros(v, **kw), x)[0]
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(cr.jacfwd(lambda v, m=m: m.trim_zeros(v, **kw))(x), sel)
        np.testing.assert_array_equal(cr.jacrev(lambda v, m=m: m.trim_zeros(v, **kw))(x), sel)


def test_trim_zeros_of_zeros_is_empty():
    out = cr.vjp(np.trim_zeros, np.zeros(3))[0]
    assert out.shape == (0,)
    np.testing.assert_array_equal(cr.grad(lambda v: np.sum(np.trim_zeros(v)) + v[0])(
        np.zeros(3)), [1.0, 0.0, 0.0])


# ---- histograms ------------------------------------------------------------------------------

DATA = np.array([0.1, 2.5, 0.7, 3.0, 1.9, 0.0, 2.2, 1.1, 3.5, -0.5, 1.6, 2.9])


@pytest.mark.parametrize("kw", [{}, {"bins": 4}, {"bins": [0.0, 1.0, 1.5, 3.0]},
                                {"range": (0.5, 3.0), "bins": 3}, {"bins": 3, "density": True},
                                {"bins": [0.0, 1.0, 1.5, 3.0], "density": True}],
                         ids=["default", "bins=4", "edges", "range", "density",
                              "edges,density"])
def test_histogram_is_linear_in_weights(kw):
    w = positive("hist" + str(kw), DATA.shape)
    check(lambda m, v: m.histogram(DATA, weights=v, **kw)[0], w)
    check(lambda m, v: m.histogram(DATA.reshape(3, 4), weights=v, **kw)[0], w.reshape(3, 4))
    hist, _ = np.histogram(DATA, weights=w, **kw)
    got = cr.vjp(lambda v: np.histogram(DATA, weights=v, **kw)[0], w)[0]
    np.testing.assert_allclose(got, hist, rtol=1e-14)


def test_histogram_weight_derivative_is_the_bin_membership():
    w = positive("histjac", DATA.shape)
    jac = cr.jacrev(lambda v: np.histogram(DATA, bins=[0.0, 1.0, 2.0, 3.0], weights=v)[0])(w)
    # bins [0, 1), [1, 2), [2, 3] (the last closed); 3.5 and -0.5 fall outside
    member = np.array([(DATA >= 0) & (DATA < 1), (DATA >= 1) & (DATA < 2),
                       (DATA >= 2) & (DATA <= 3)], dtype=float)
    np.testing.assert_array_equal(jac, member)
    np.testing.assert_array_equal(cr.jacfwd(lambda v: np.histogram(
        DATA, bins=[0.0, 1.0, 2.0, 3.0], weights=v)[0])(w), member)


def test_histogram_counts_are_plain_and_edges_are_plain():
    def f(a):
        counts, edges = np.histogram(a, bins=3)
        assert not isinstance(counts, Tracer) and not isinstance(edges, Tracer)
        np.testing.assert_array_equal(counts, np.histogram(DATA, bins=3)[0])
        np.testing.assert_array_equal(edges, np.histogram(DATA, bins=3)[1])
        return np.sum(a * 0.0) + np.sum(counts)
    np.testing.assert_array_equal(cr.grad(f)(DATA), np.zeros_like(DATA))
    # a traced sample with traced weights: derivative 0 in the sample, bin sums in weights
    ga, gw = cr.grad(lambda a, w: np.histogram(a, bins=3, weights=w)[0][1], (0, 1))(DATA,
                                                                                   DATA + 5)
    np.testing.assert_array_equal(ga, 0.0)
    _, edges = np.histogram(DATA, bins=3)
    np.testing.assert_array_equal(gw, ((DATA >= edges[1]) & (DATA < edges[2])).astype(float))


SAMPLE = np.stack([DATA, np.roll(DATA, 3) * 0.5], axis=1)


@pytest.mark.parametrize("kw", [{}, {"bins": (2, 3)}, {"bins": [[0.0, 1.0, 3.0], [0.0, 1.0]]},
                                {"bins": 2, "range": [(0.0, 3.0), (0.0, 1.5)]},
                                {"bins": (3, 2), "density": True}],
                         ids=["default", "bins=(2,3)", "edges", "range", "density"])
def test_histogramdd_and_2d_are_linear_in_weights(kw):
    w = positive("hdd" + str(kw), DATA.shape)
    check(lambda m, v: m.histogramdd(SAMPLE, weights=v, **kw)[0], w)
    check(lambda m, v: m.histogramdd((SAMPLE[:, 0], SAMPLE[:, 1]), weights=v, **kw)[0], w)
    check(lambda m, v: m.histogram2d(SAMPLE[:, 0], SAMPLE[:, 1], weights=v, **kw)[0], w)


def test_histogram2d_edges_and_counts_are_plain():
    def f(x):
        h, xe, ye = np.histogram2d(x, SAMPLE[:, 1], bins=3)
        for got, want in zip((h, xe, ye), np.histogram2d(DATA, SAMPLE[:, 1], bins=3),
                             strict=True):
            assert not isinstance(got, Tracer)
            np.testing.assert_array_equal(got, want)
        return np.sum(x * 0.0)
    cr.grad(f)(DATA)


# ---- polynomials -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1,), (2,), (4,)], ids=_label)
def test_poly_from_roots(shape):
    check(lambda m, r: m.poly(r), normal(f"poly{shape}", shape))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_poly_of_a_matrix(n):
    """The characteristic polynomial (NumPy goes through eigenvalues, chainrule through the
    Faddeev-LeVerrier recurrence: equal up to rounding)."""
    a = normal(f"polymat{n}", (n, n))
    check(lambda m, v: m.poly(v), a, rtol=1e-10)


def test_poly_closed_forms():
    # (x - r0)(x - r1) = x² - (r0 + r1) x + r0 r1
    r = np.array([1.5, -2.0])
    np.testing.assert_allclose(cr.jacfwd(np.poly)(r), [[0, 0], [-1, -1], [r[1], r[0]]])
    # det(λI - A) for 2x2: λ² - tr(A) λ + det(A); ∂det/∂A = adj(A)ᵀ
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(cr.jacrev(np.poly)(a)[2], [[4.0, -3.0], [-2.0, 1.0]])
    assert cr.vjp(np.poly, np.zeros(0))[0] == 1.0


PAIRS_1D = [((3,), (3,)), ((3,), (2,)), ((2,), (4,)), ((), (3,)), ((1,), (1,))]


@pytest.mark.parametrize("name", ["polyadd", "polysub", "polymul"])
@pytest.mark.parametrize("shapes", PAIRS_1D, ids=lambda s: f"{_label(s[0])}&{_label(s[1])}")
def test_polynomial_arithmetic(name, shapes):
    a = normal(f"{name}{shapes}", shapes[0])
    b = normal(f"{name}b{shapes}", shapes[1])
    check(lambda m, u, v: getattr(m, name)(u, v), a, b)
    check(lambda m, u: getattr(m, name)(u, [1.0, -2.0]), a)


def test_polymul_trims_leading_zeros_like_numpy():
    a, b = np.array([0.0, 1.5, 2.0]), np.array([1.0, -1.0])
    got = cr.vjp(lambda u: np.polymul(u, b), a)[0]
    np.testing.assert_array_equal(got, np.polymul(a, b))
    np.testing.assert_array_equal(cr.jacfwd(lambda v: np.polymul(a, v))(b),
                                  [[1.5, 0.0], [2.0, 1.5], [0.0, 2.0]])


@pytest.mark.parametrize("shapes", [((4,), (2,)), ((5,), (3,)), ((3,), (3,)), ((2,), (3,)),
                                    ((4,), (1,)), ((), ())],
                         ids=lambda s: f"{_label(s[0])}/{_label(s[1])}")
def test_polydiv(shapes):
    u = normal(f"polydiv{shapes}", shapes[0])
    v = normal(f"polydivv{shapes}", shapes[1])
    v.flat[0] = 1.0 + abs(v.flat[0])  # a leading divisor coefficient away from 0
    # dividing by a constant leaves a remainder of rounding errors, which NumPy trims in
    # float64 but not in float32: the two precisions have different remainder shapes
    check(lambda m, a, b: m.polydiv(a, b), u, v, f32=shapes[1] not in ((1,), ()))


def test_polydiv_reconstructs_and_drops_exact_zeros():
    u = np.polymul([1.0, -1.0], [2.0, 0.5, 3.0])
    q, r = cr.vjp(lambda a: np.polydiv(a, np.array([1.0, -1.0])), u)[0]
    q0, r0 = np.polydiv(u, [1.0, -1.0])
    np.testing.assert_allclose(q, q0, rtol=1e-15)
    np.testing.assert_array_equal(np.asarray(r).shape, r0.shape)
    # u = q v + r, so ∂q/∂u = (multiplication by v)⁻¹ on the quotient's part: q' v = u'
    jq = cr.jacfwd(lambda a: np.polydiv(a, np.array([1.0, -1.0]))[0])(u)
    back = np.array([np.convolve(col, [1.0, -1.0]) for col in jq.T]).T
    np.testing.assert_allclose(back[:3], np.eye(4)[:3], atol=1e-15)


@pytest.mark.parametrize("m", [0, 1, 2, 3, 5])
def test_polyder(m):
    check(lambda mod, p: mod.polyder(p, m), normal(f"polyder{m}", (4,)))


@pytest.mark.parametrize("m, k", [(1, None), (2, None), (0, None), (1, "scalar"),
                                  (2, "one"), (2, "two"), (3, "three")])
def test_polyint(m, k):
    p = normal(f"polyint{m}{k}", (3,))
    if k is None:
        check(lambda mod, v: mod.polyint(v, m), p)
        return
    ks = {"scalar": np.array(0.7), "one": np.array([0.7]), "two": np.array([0.7, -1.2]),
          "three": np.array([0.7, -1.2, 2.0])}[k]
    # NumPy dispatches polyint on p alone (see below): the k-derivative needs chainrule.numpy
    check(lambda mod, v, c: cnp.polyint(v, m, c), p, ks)


def test_polyint_in_k_alone_needs_chainrule_numpy():
    """NumPy dispatches polyint on p only: with a plain p and a traced k, np.polyint refuses
    the traced value (no silent zero); chainrule.numpy.polyint differentiates it."""
    p = np.array([1.0, 2.0])
    jac = cr.jacfwd(lambda c: cnp.polyint(p, 2, c))(np.array([0.5, 1.5]))
    np.testing.assert_array_equal(jac, [[0, 0], [0, 0], [1, 0], [0, 1]])
    with pytest.raises(TypeError, match="derivative"):
        cr.grad(lambda c: np.polyint(p, 2, c).sum())(np.array([0.5, 1.5]))


@pytest.mark.parametrize("shape", [(), (2,), (3, 2), (1, 2)], ids=_label)
@pytest.mark.parametrize("n", [1, 3])
def test_polyval(shape, n):
    p = normal(f"polyval{n}{shape}", (n,))
    x = normal(f"polyvalx{n}{shape}", shape)
    check(lambda m, c, v: m.polyval(c, v), p, x)
    check(lambda m, v: m.polyval([1.0, -2.0, 0.5], v), x)


def test_polyval_closed_form():
    p, x = np.array([2.0, -1.0, 3.0]), np.array(1.5)
    gp, gx = cr.grad(np.polyval, (0, 1))(p, x)
    np.testing.assert_allclose(gp, [x ** 2, x, 1.0])
    assert gx == pytest.approx(2 * 2.0 * x - 1.0)


XS = np.linspace(-1.0, 1.0, 7)
YS = np.sin(2 * XS) + 0.1 * XS ** 3


@pytest.mark.parametrize("deg", [0, 1, 2, 3])
def test_polyfit(deg):
    check(lambda m, x, y: m.polyfit(x, y, deg), XS, YS, rtol=1e-10)


def test_polyfit_options():
    w = positive("polyfitw", XS.shape)
    y2 = np.stack([YS, np.cos(XS)], axis=1)
    check(lambda m, x, y, v: m.polyfit(x, y, 2, w=v), XS, YS, w, rtol=1e-10)
    check(lambda m, x, y: m.polyfit(x, y, 2), XS, y2, rtol=1e-10)
    check(lambda m, x, y: m.polyfit(x, y, 2, w=w), XS, y2, rtol=1e-10)
    check(lambda m, x, y: m.polyfit(x, y, 2, full=True)[:2], XS, YS, rtol=1e-10)
    check(lambda m, x, y: m.polyfit(x, y, 2, full=True)[3], XS, YS, rtol=1e-10)
    check(lambda m, x, y: m.polyfit(x, y, 2, cov=True), XS, YS, rtol=1e-9)
    check(lambda m, x, y: m.polyfit(x, y, 1, cov="unscaled"), XS, YS, rtol=1e-10)
    check(lambda m, x, y: m.polyfit(x, y, 1, cov=True), XS, y2, rtol=1e-9)


def test_polyfit_of_exact_data():
    """y = 2 - x + 3x² is fitted exactly: c = (3, -1, 2), so ∂c/∂y is the (left) inverse of
    the Vandermonde matrix, and ∂c/∂x vanishes (the residual is 0)."""
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    y = 2 - x + 3 * x ** 2
    c, _ = cr.vjp(lambda v: np.polyfit(x, v, 2), y)
    np.testing.assert_allclose(c, [3.0, -1.0, 2.0], atol=1e-12)
    vplus = np.linalg.pinv(np.vander(x, 3))
    np.testing.assert_allclose(cr.jacrev(lambda v: np.polyfit(x, v, 2))(y), vplus,
                               atol=1e-12)
    # with a zero residual, dc = -V⁺ (dV) c, and row i of dV c is p'(x_i) dx_i
    slope = 6 * x - 1
    np.testing.assert_allclose(cr.jacfwd(lambda v: np.polyfit(v, y, 2))(x),
                               -vplus * slope, atol=1e-10)


# ---- dtype conversion ------------------------------------------------------------------------

@pytest.mark.parametrize("src, dst", [(np.float64, np.float32), (np.float32, np.float64),
                                      (np.float64, np.float64)])
def test_astype_between_floats(src, dst):
    x = np.array([0.5, -1.25, 3.0], dtype=src)
    for m in (np, cnp):
        out, vjp = cr.vjp(lambda v: m.astype(v, dst), x)
        assert out.dtype == dst
        np.testing.assert_array_equal(out, x.astype(dst))
        (ct,) = vjp(np.array([1.0, 2.0, -3.0], dtype=dst))
        assert ct.dtype == src
        np.testing.assert_array_equal(ct, np.array([1.0, 2.0, -3.0], dtype=src))
        _, tan = cr.jvp(lambda v: m.astype(v, dst), (x,), (np.ones(3, src),))
        assert tan.dtype == dst
    cr.check_grads(lambda v: np.astype(v, np.float64) ** 2, (x.astype(np.float64),), order=2)


@pytest.mark.parametrize("dst", [np.int64, np.int8, bool])
def test_astype_to_integers_is_plain(dst):
    x = np.array([0.5, -1.25, 3.0])

    def f(v):
        out = np.astype(v, dst)
        assert not isinstance(out, Tracer) and out.dtype == dst
        np.testing.assert_array_equal(out, x.astype(dst))
        return np.sum(v * out)
    np.testing.assert_array_equal(cr.grad(f)(x), x.astype(dst).astype(float))


def test_astype_to_complex_differentiates():
    """d/dx Σ Re(complex(x)) = 1 (complex is a differentiable dtype; docs/complex.md)."""
    np.testing.assert_array_equal(
        cr.grad(lambda v: np.astype(v, np.complex128).real.sum())(np.ones(2)), [1.0, 1.0])


@pytest.mark.parametrize("name", ["asanyarray", "ascontiguousarray", "asfortranarray",
                                  "asarray_chkfinite", "require"])
def test_as_array_family_through_chainrule_numpy(name):
    """NumPy does not dispatch these on their first argument; chainrule.numpy's versions
    keep the derivative (also of lists holding traced values) and convert floating dtypes."""
    f = getattr(cnp, name)
    x = np.array([1.5, -2.0])
    np.testing.assert_array_equal(cr.jacfwd(lambda v: f(v) * v)(x), np.diag(2 * x))
    np.testing.assert_array_equal(cr.jacrev(lambda v: f([v[1], v[0], 4.0]))(x),
                                  [[0, 1], [1, 0], [0, 0]])
    out, vjp = cr.vjp(lambda v: f(v, np.float32), x)
    assert out.dtype == np.float32 and vjp(np.ones(2, np.float32))[0].dtype == np.float64

    def integer(v):
        out = f(v, int)
        assert not isinstance(out, Tracer) and out.dtype == int
        return np.sum(v * out)
    np.testing.assert_array_equal(cr.grad(integer)(x), [1.0, -2.0])
    np.testing.assert_array_equal(f([1.0, 2.0]), np.asarray([1.0, 2.0]))


def test_asarray_chkfinite_refuses_nonfinite_values():
    with pytest.raises(ValueError, match="infs or NaNs"), np.errstate(divide="ignore"):
        cr.grad(lambda v: cnp.asarray_chkfinite(v / 0.0).sum())(np.ones(2))


# ---- registration ----------------------------------------------------------------------------

MINE = """astype asanyarray ascontiguousarray asfortranarray asarray_chkfinite require i0 cov
    corrcoef linspace logspace geomspace vander unwrap trim_zeros histogram histogram2d
    histogramdd poly polyadd polysub polymul polydiv polyder polyint polyval polyfit""".split()


@pytest.mark.parametrize("name", MINE)
def test_registered_with_numpys_signature(name):
    import inspect
    np_func = getattr(np, name)
    ours = dispatch.FUNCTIONS[np_func]
    assert getattr(cnp, name) is ours
    row = coverage.classify("numpy." + name, name, np_func)
    assert row.status == coverage.RULE and row.problem is None, row
    try:
        want = inspect.signature(np_func)
    except ValueError:  # a builtin without a signature: nothing to compare
        return
    assert inspect.signature(ours) == want


def test_plain_values_give_numpys_own_results():
    for call in (lambda m: m.cov(DATA.reshape(3, 4)), lambda m: m.linspace(0, 1, 5),
                 lambda m: m.polyfit(XS, YS, 2), lambda m: m.histogram(DATA, bins=3)[0],
                 lambda m: m.polydiv([1.0, 2.0, 3.0], [1.0, 1.0])[1], lambda m: m.i0(XS)):
        np.testing.assert_array_equal(call(cnp), call(np))
    assert full_unwrap(cnp.vander(np.array([1, 2]))).dtype == np.vander([1, 2]).dtype
