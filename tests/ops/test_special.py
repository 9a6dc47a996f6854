"""Elementwise ufuncs and special functions beyond the rule sweep (tests/ops/test_rules.py).

* every real floating ufunc of NumPy reaches a rule or is marked non-differentiable, and
  differentiates when spelled ``np.f(traced)`` and ``chainrule.numpy.f``;
* the composites (float_power, frexp, modf, divmod, real/imag, logsumexp with weights):
  NumPy's values, and derivatives of order 1 and 2 against finite differences, float32 kept;
* the conventions at kinks, ties, NaN and singular points, from closed forms, both modes;
* the special functions' values against closed forms, identities (recurrence, reflection,
  inverses), mpmath and SciPy where those happen to be installed (skipped otherwise).
"""

from __future__ import annotations

import math
import warnings
from decimal import Decimal

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from _harness.modes import assert_both, both_modes
from chainrule.core import Tracer
from chainrule.numpy import dispatch
from chainrule.ops import elementwise as E
from chainrule.ops import special as F
from chainrule.scipy import special as S

EULER_GAMMA = 0.57721566490153286061
ZETA3 = 1.2020569031595942854
SHAPES = [(), (2,), (3, 2), (1, 2)]
PAIRS = [((3, 2), (3, 2)), ((3, 1), (1, 2)), ((2,), (3, 2)), ((), (3, 2)), ((1, 2), ())]


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---- every floating ufunc: a rule or a passthrough; both spellings differentiate -------------

def _float_ufuncs():
    found = {getattr(np, n) for n in dir(np) if isinstance(getattr(np, n), np.ufunc)}
    return sorted((u for u in found if any("d" in t.split("->")[0] for t in u.types)),
                  key=lambda u: u.__name__)


def test_every_float_ufunc_has_a_rule_or_is_passthrough():
    missing = [u.__name__ for u in _float_ufuncs()
               if u not in dispatch.UFUNCS and u not in dispatch.PASSTHROUGH]
    assert not missing, f"float ufuncs neither differentiable nor passthrough: {missing}"
    both = [u.__name__ for u in dispatch.UFUNCS if u in dispatch.PASSTHROUGH]
    assert not both, f"ufuncs both with a rule and passthrough: {both}"


def _in(lo, hi):
    return lambda r, s: r.uniform(lo, hi, s)


def _normal(r, s):
    return r.standard_normal(s)


def _nonzero(r, s):
    return r.choice([-1.0, 1.0], s) * r.uniform(0.3, 2.0, s)


UNARY = [
    (np.negative, _normal), (np.positive, _normal), (np.reciprocal, _nonzero),
    (np.square, _normal), (np.sqrt, _in(0.5, 2)), (np.cbrt, _nonzero), (np.exp, _normal),
    (np.exp2, _normal), (np.expm1, _normal), (np.log, _in(0.5, 2)), (np.log2, _in(0.5, 2)),
    (np.log10, _in(0.5, 2)), (np.log1p, _in(-0.5, 2)), (np.sin, _normal), (np.cos, _normal),
    (np.tan, _in(-1.2, 1.2)), (np.arcsin, _in(-0.9, 0.9)), (np.arccos, _in(-0.9, 0.9)),
    (np.arctan, _normal), (np.sinh, _normal), (np.cosh, _normal), (np.tanh, _normal),
    (np.arcsinh, _normal), (np.arccosh, _in(1.2, 3)), (np.arctanh, _in(-0.9, 0.9)),
    (np.deg2rad, _normal), (np.radians, _normal), (np.rad2deg, _normal), (np.degrees, _normal),
    (np.absolute, _nonzero), (np.fabs, _nonzero), (np.conjugate, _normal),
    (np.sinc, _in(-2, 2)), (np.real, _normal), (np.nan_to_num, _normal),
]
BINARY = [
    (np.add, _normal, _normal), (np.subtract, _normal, _normal),
    (np.multiply, _normal, _normal), (np.divide, _normal, _nonzero),
    (np.power, _in(0.5, 2), _normal), (np.float_power, _in(0.5, 2), _normal),
    (np.arctan2, _nonzero, _nonzero), (np.hypot, _nonzero, _nonzero),
    (np.logaddexp, _normal, _normal), (np.logaddexp2, _normal, _normal),
    (np.maximum, _in(-1, 0), _in(0.1, 1)), (np.minimum, _in(-1, 0), _in(0.1, 1)),
    (np.fmax, _in(-1, 0), _in(0.1, 1)), (np.fmin, _in(-1, 0), _in(0.1, 1)),
    (np.copysign, _nonzero, _nonzero), (np.remainder, _in(2.1, 2.9), _in(0.9, 1.0)),
    (np.fmod, _in(-2.9, -2.1), _in(0.9, 1.0)),
]


@pytest.mark.parametrize("ufunc, dom", UNARY, ids=[u.__name__ for u, _ in UNARY])
def test_unary_numpy_spellings_differentiate(ufunc, dom):
    """``np.f(traced)`` (NumPy's dispatch) and ``chainrule.numpy.f`` both give derivatives
    that agree with finite differences, and NumPy's values."""
    x = dom(rng(1), (3,))
    ours = getattr(cnp, ufunc.__name__)
    np.testing.assert_allclose(ours(x), ufunc(x), rtol=1e-15)
    for f in (lambda v: ufunc(v), lambda v: ours(v)):
        cr.check_grads(f, (x,), order=1)
        g = cr.grad(lambda v: cr.ops.sum(f(v) * np.arange(1.0, 4.0)))(x)
        assert isinstance(g, np.ndarray) and g.shape == x.shape


@pytest.mark.parametrize("ufunc, dx, dy", BINARY, ids=[u.__name__ for u, _, _ in BINARY])
def test_binary_numpy_spellings_differentiate(ufunc, dx, dy):
    x, y = dx(rng(2), (3,)), dy(rng(3), (3,))
    ours = getattr(cnp, ufunc.__name__)
    np.testing.assert_allclose(ours(x, y), ufunc(x, y), rtol=1e-15)
    for f in (lambda a, b: ufunc(a, b), lambda a, b: ours(a, b)):
        cr.check_grads(f, (x, y), order=1)


NONDIFF = [(np.sign, 1), (np.floor, 1), (np.ceil, 1), (np.trunc, 1), (np.rint, 1),
           (np.fix, 1), (np.signbit, 1), (np.isfinite, 1), (np.isnan, 1), (np.isinf, 1),
           (np.spacing, 1), (np.heaviside, 2), (np.floor_divide, 2),
           (np.greater, 2), (np.less_equal, 2), (np.isposinf, 1), (np.isneginf, 1),
           (np.isreal, 1), (np.angle, 1)]


@pytest.mark.parametrize("func, nargs", NONDIFF, ids=[f.__name__ for f, _ in NONDIFF])
def test_non_differentiable_functions_pass_through(func, nargs):
    """Applied to a traced value they return NumPy's plain result (no derivative), and the
    derivative of x · func(x) is func(x) (a constant factor)."""
    x = np.array([-1.7, -0.2, 0.4, 2.5])
    seen = []

    def f(v):
        out = func(v) if nargs == 1 else func(v, 0.5)
        seen.append(out)
        return cr.ops.sum(v * np.asarray(out, dtype=np.float64))

    want = func(x) if nargs == 1 else func(x, 0.5)
    g = cr.grad(f)(x)
    assert not isinstance(seen[0], Tracer)
    np.testing.assert_array_equal(seen[0], want)
    np.testing.assert_array_equal(g, np.asarray(want, dtype=np.float64))


# ---- composites -------------------------------------------------------------------------------

@pytest.mark.parametrize("sx, sy", PAIRS)
def test_float_power(sx, sy):
    r = rng(4)
    x, y = r.uniform(0.5, 2.0, sx), r.standard_normal(sy)
    np.testing.assert_array_equal(cnp.float_power(x, y), np.float_power(x, y))
    cr.check_grads(lambda a, b: np.float_power(a, b), (x, y), order=2)
    cr.check_grads(lambda a, b: cnp.float_power(a, b), (x, y), order=2)


def test_float_power_computes_in_float64_and_keeps_float32_gradients():
    x = np.array([0.5, 1.5, 2.0], dtype=np.float32)
    y = np.float32(1.7)
    out = cr.jvp(lambda a: np.float_power(a, y), (x,), (np.ones(3, np.float32),))[0]
    assert out.dtype == np.float64  # as NumPy
    np.testing.assert_array_equal(out, np.float_power(x, y))
    g = cr.grad(lambda a: cr.ops.sum(np.float_power(a, y)))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, y * x.astype(np.float64) ** (y - 1), rtol=1e-6)


COMPOSITES = {
    "frexp": (lambda m: lambda v: m.frexp(v)[0], lambda r, s: r.uniform(0.3, 5, s)
              * r.choice([-1.0, 1.0], s)),
    "modf": (lambda m: lambda v: m.modf(v)[0], lambda r, s: r.integers(-3, 3, s)
             + r.uniform(0.1, 0.9, s)),
    "divmod": (lambda m: lambda v: m.divmod(v, 0.7)[1], lambda r, s: 0.7 * (
        r.integers(-3, 3, s) + r.uniform(0.1, 0.9, s))),
    "real": (lambda m: lambda v: m.real(v) * m.real_if_close(v), _normal),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composites_over_shapes_both_spellings_and_float32(name, shape):
    """The composite ufunc wrappers as ``np.f(traced)`` and ``chainrule.numpy.f``: order 2
    against finite differences, and float32 derivatives of float32 inputs."""
    make, dom = COMPOSITES[name]
    x = np.asarray(dom(rng(10), shape), dtype=np.float64)
    for f in (make(np), make(cnp)):
        cr.check_grads(f, (x,), order=2)
        x32 = x.astype(np.float32)
        g = cr.grad(lambda v: cr.ops.sum(f(v)))(x32)
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, cr.grad(lambda v: cr.ops.sum(f(v)))(x), rtol=1e-6)


def test_frexp():
    x = np.array([0.3, -5.0, 1e-310, 8.0, 0.0, -0.75])
    m, e = cnp.frexp(x)
    np.testing.assert_array_equal(m, np.frexp(x)[0])
    np.testing.assert_array_equal(e, np.frexp(x)[1])
    mantissa = lambda v: np.frexp(v)[0]
    assert_both(mantissa, x, np.diag(2.0 ** -np.frexp(x)[1].astype(float)))
    seen = []
    cr.grad(lambda v: cr.ops.sum(np.frexp(v)[0] * (seen.append(np.frexp(v)[1]) or 1.0)))(x)
    assert not isinstance(seen[0], Tracer) and seen[0].dtype.kind == "i"
    cr.check_grads(mantissa, (np.array([0.3, -5.0, 6.1]),), order=2)


def test_modf():
    x = np.array([2.25, -3.75, 0.5, -0.125])
    frac, whole = cnp.modf(x)
    np.testing.assert_array_equal(frac, np.modf(x)[0])
    np.testing.assert_array_equal(whole, np.modf(x)[1])
    assert_both(lambda v: np.modf(v)[0], x, np.eye(4))
    np.testing.assert_array_equal(cnp.modf(np.array([np.inf, -np.inf]))[0], [0.0, -0.0])
    cr.check_grads(lambda v: np.modf(v)[0], (x,), order=2)


def test_divmod():
    x, y = np.array([5.5, -5.5, 7.25]), np.array([2.0, 2.0, -3.0])
    q, r = cnp.divmod(x, y)
    np.testing.assert_array_equal(q, np.floor_divide(x, y))
    np.testing.assert_array_equal(r, np.remainder(x, y))
    gx, gy = cr.grad(lambda a, b: cr.ops.sum(np.divmod(a, b)[1]), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(gy, -np.floor(x / y))  # [-2, 3, 3]


def test_remainder_and_fmod_derivatives_in_y():
    """∂(x mod y)/∂y = -⌊x/y⌋ and ∂fmod(x, y)/∂y = -trunc(x/y), away from the jumps."""
    x, y = np.array([5.5, -5.5, 7.25, -7.25]), np.array([2.0, 2.0, -3.0, -3.0])
    for f, want in ((np.remainder, -np.floor(x / y)), (np.fmod, -np.trunc(x / y))):
        for jac in both_modes(lambda b: f(x, b), y):
            np.testing.assert_array_equal(np.diag(jac), want)
        cr.check_grads(lambda a, b: f(a, b), (x, y), order=2)


def test_ldexp():
    x, n = np.array([0.3, -1.5, 2.0]), np.array([2, -1, 0])
    np.testing.assert_array_equal(cnp.ldexp(x, n), np.ldexp(x, n))
    assert_both(lambda v: np.ldexp(v, n), x, np.diag([4.0, 0.5, 1.0]))


def test_real_imag_and_real_if_close_on_real_input():
    x = np.array([0.5, -2.0])
    assert_both(lambda v: np.real(v), x, np.eye(2))
    assert_both(lambda v: np.real_if_close(v), x, np.eye(2))
    assert_both(lambda v: np.imag(v) + v, x, np.eye(2))
    np.testing.assert_array_equal(cnp.imag(x), np.imag(x))
    np.testing.assert_array_equal(cnp.real(x), np.real(x))


def test_nan_to_num_passes_the_derivative_only_where_finite():
    x = np.array([1.5, np.nan, np.inf, -np.inf, -0.5])
    for jac in both_modes(lambda v: np.nan_to_num(v, nan=2.0, posinf=3.0), x):
        np.testing.assert_array_equal(np.diag(jac), [1.0, 0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(cnp.nan_to_num(x, nan=2.0, posinf=3.0),
                                  np.nan_to_num(x, nan=2.0, posinf=3.0))


@pytest.mark.parametrize("shape", SHAPES)
def test_sinc_at_and_near_zero(shape):
    """sinc's derivatives from its Maclaurin series: sinc'(0) = 0, sinc''(0) = -π²/3,
    sinc'''(0) = 0, sinc''''(0) = π⁴/5, in both modes; and NumPy's values."""
    x = np.zeros(shape)
    d1 = cr.elementwise_grad(np.sinc)
    d2 = cr.elementwise_grad(d1)
    d3 = cr.elementwise_grad(d2)
    d4 = cr.elementwise_grad(d3)
    for d, want in ((d1, 0.0), (d2, -math.pi ** 2 / 3), (d3, 0.0), (d4, math.pi ** 4 / 5)):
        np.testing.assert_allclose(d(x), np.full(shape, want), rtol=1e-14, atol=1e-14)
    t = np.ones(shape)
    dd = cr.jvp(lambda v: cr.jvp(np.sinc, (v,), (t,))[1], (x,), (t,))[1]
    np.testing.assert_allclose(dd, np.full(shape, -math.pi ** 2 / 3), rtol=1e-14)
    y = rng(5).uniform(-3, 3, shape)
    np.testing.assert_array_equal(cnp.sinc(y), np.sinc(y))


# ---- conventions at kinks, ties, NaN and singular points -------------------------------------

@pytest.mark.parametrize("f, x, want", [
    (lambda z: np.copysign(z[0], z[1]), [0.0, -2.0], [[0.0, 0.0]]),
    (lambda z: np.copysign(z[0], z[1]), [1.5, -2.0], [[-1.0, 0.0]]),
    (lambda z: np.copysign(z[0], z[1]), [-1.5, -2.0], [[1.0, 0.0]]),
    (lambda z: np.fmax(z[0], z[1]), [np.nan, 2.0], [[0.0, 1.0]]),
    (lambda z: np.fmax(z[0], z[1]), [1.0, np.nan], [[1.0, 0.0]]),
    (lambda z: np.fmax(z[0], z[1]), [1.0, 1.0], [[0.5, 0.5]]),
    (lambda z: np.fmin(z[0], z[1]), [np.nan, -2.0], [[0.0, 1.0]]),
    (lambda z: np.fmin(z[0], z[1]), [-3.0, np.nan], [[1.0, 0.0]]),
    (lambda z: np.fmin(z[0], z[1]), [-3.0, -3.0], [[0.5, 0.5]]),
    (lambda z: np.fmin(z[0], z[1]), [-3.0, 2.0], [[1.0, 0.0]]),
    (lambda z: np.hypot(z[0], z[1]), [0.0, 0.0], [[0.0, 0.0]]),
    (lambda z: np.arctan2(z[0], z[1]), [0.0, 0.0], [[0.0, 0.0]]),
    (lambda z: np.logaddexp(z[0], z[1]), [-np.inf, -np.inf], [[0.0, 0.0]]),
    (lambda z: np.logaddexp(z[0], z[1]), [np.inf, np.inf], [[0.5, 0.5]]),
    (lambda z: np.logaddexp(z[0], z[1]), [np.inf, 1.0], [[1.0, 0.0]]),
    (lambda z: np.logaddexp(z[0], z[1]), [-np.inf, 1.0], [[0.0, 1.0]]),
    (lambda z: np.logaddexp2(z[0], z[1]), [-np.inf, -np.inf], [[0.0, 0.0]]),
    (lambda z: np.absolute(z), [0.0], [[0.0]]),
    (lambda z: np.fabs(z), [0.0], [[0.0]]),
], ids=["copysign-x0", "copysign-", "copysign+", "fmax-nan-x", "fmax-nan-y", "fmax-tie",
        "fmin-nan-x", "fmin-nan-y", "fmin-tie", "fmin-plain", "hypot-origin",
        "arctan2-origin", "logaddexp-both-neginf", "logaddexp-both-inf", "logaddexp-inf",
        "logaddexp-neginf", "logaddexp2-both-neginf", "abs-0", "fabs-0"])
def test_conventions(f, x, want, no_warnings):
    assert_both(lambda z: cr.ops.reshape(f(z), (1,)), x, want)


def test_fmax_fmin_values_follow_numpy_with_nan():
    x, y = np.array([np.nan, 1.0, np.nan, 2.0]), np.array([3.0, np.nan, np.nan, -1.0])
    np.testing.assert_array_equal(E.fmax(x, y), np.fmax(x, y))
    np.testing.assert_array_equal(E.fmin(x, y), np.fmin(x, y))
    gx, gy = cr.grad(lambda a, b: cr.ops.sum(np.fmax(a, b) * np.array([1.0, 2.0, 0.0, 4.0])),
                     argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [0.0, 2.0, 0.0, 4.0])
    np.testing.assert_array_equal(gy, [1.0, 0.0, 0.0, 0.0])


def test_xlogy_and_xlog1py_at_x_zero(no_warnings):
    """x = 0: the value is 0, the y-derivative 0 (also at y = 0), the x-derivative log y."""
    x, y = np.array([0.0, 0.0, 2.0]), np.array([0.0, 3.0, 3.0])
    np.testing.assert_array_equal(S.xlogy(x, y), [0.0, 0.0, 2 * math.log(3)])
    jx = both_modes(lambda a: S.xlogy(a, y[1:]), x[1:])
    jy = both_modes(lambda b: S.xlogy(x, b), y)
    for j in jx:
        np.testing.assert_allclose(np.diag(j), [math.log(3), math.log(3)], rtol=1e-15)
    for j in jy:
        np.testing.assert_allclose(np.diag(j), [0.0, 0.0, 2 / 3], rtol=1e-15)
    jy = both_modes(lambda b: S.xlog1py(x, b), y - 1)
    for j in jy:
        np.testing.assert_allclose(np.diag(j), [0.0, 0.0, 2 / 3], rtol=1e-15)
    assert S.xlogy(0.0, np.nan) != S.xlogy(0.0, np.nan)  # NaN in y stays NaN (SciPy)
    # second order at x = 0, y ≠ 0: ∂²(x log y)/∂x∂y = 1/y
    h = cr.hessian(lambda z: S.xlogy(z[0], z[1]))(np.array([0.0, 4.0]))
    np.testing.assert_allclose(h, [[0.0, 0.25], [0.25, 0.0]], rtol=1e-15)


def test_entr_conventions():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(S.entr(x)[:2], [-np.inf, 0.0])
    np.testing.assert_allclose(S.entr(x)[2:], -x[2:] * np.log(x[2:]), rtol=1e-15)
    with np.errstate(divide="ignore"):
        for jac in both_modes(S.entr, x):
            np.testing.assert_allclose(np.diag(jac), [0.0, np.inf, -(1 + np.log(0.5)),
                                                      -(1 + np.log(2.0))], rtol=1e-15)


def test_singular_values_without_warnings(no_warnings):
    """SciPy's values at poles and domain edges, silently."""
    inf, nan = np.inf, np.nan
    cases = [
        (S.digamma, [0.0, -0.0, -1.0, -np.inf, np.inf], [-inf, inf, nan, nan, inf]),
        (lambda v: S.polygamma(1, v), [0.0, -2.0, np.inf], [inf, inf, 0.0]),
        (lambda v: S.polygamma(2, v), [0.0, -2.0], [-inf, -inf]),
        (S.gammaln, [0.0, -1.0, -2.0, np.inf], [inf, inf, inf, inf]),
        (S.gamma, [0.0, -0.0, -1.0, 200.0], [inf, -inf, nan, inf]),
        (S.erfinv, [1.0, -1.0, 1.5, -2.0], [inf, -inf, nan, nan]),
        (S.erfcinv, [0.0, 2.0, -0.5, 2.5], [inf, -inf, nan, nan]),
        (S.ndtri, [0.0, 1.0], [-inf, inf]),
        (S.log_ndtr, [-np.inf, np.inf, -1e200], [-inf, 0.0, -inf]),
        (S.logit, [0.0, 1.0, 2.0, -1.0], [-inf, inf, nan, nan]),
        (S.entr, [-2.0, np.inf], [-inf, -inf]),
        (S.erf, [np.inf, -np.inf], [1.0, -1.0]),
    ]
    for f, x, want in cases:
        np.testing.assert_array_equal(f(np.array(x)), want)


# ---- special functions: values ---------------------------------------------------------------

def test_error_function_values_and_inverses():
    x = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(S.erf(x), [math.erf(v) for v in x], rtol=1e-15)
    np.testing.assert_allclose(S.erf(-x), -S.erf(x), rtol=0)
    np.testing.assert_allclose(S.erfc(x), [math.erfc(v) for v in x], rtol=1e-15)
    y = np.linspace(-0.999, 0.999, 51)
    np.testing.assert_allclose(S.erf(S.erfinv(y)), y, rtol=2e-16, atol=1e-16)
    xs = np.linspace(-2.5, 2.5, 21)  # beyond, erf is too flat for the round trip
    np.testing.assert_allclose(S.erfinv(S.erf(xs)), xs, rtol=1e-12, atol=1e-16)
    tail = np.array([1.0, 3.0, 6.0, 10.0, 20.0, 26.0])
    np.testing.assert_allclose(S.erfcinv(S.erfc(tail)), tail, rtol=1e-14)
    p = np.array([0.0, 0.25, 0.5, 0.75])  # erfcinv(1 + p) = -erfinv(p), p and 1 + p exact
    np.testing.assert_allclose(S.erfcinv(1 + p), -S.erfinv(p), rtol=1e-15)
    np.testing.assert_allclose(S.ndtri(S.ndtr(np.array([-30.0, -3.0, 0.5, 2.0]))),
                               [-30.0, -3.0, 0.5, 2.0], rtol=1e-12)
    assert S.ndtr(0.0) == 0.5 and S.ndtri(0.5) == 0.0


def test_log_ndtr_matches_log_of_ndtr_and_the_tail_asymptotics():
    x = np.linspace(-19.5, 0.0, 40)
    np.testing.assert_allclose(S.log_ndtr(x), np.log(S.ndtr(x)), rtol=1e-14)
    x = np.linspace(0.1, 8.0, 40)  # log Φ(x) = log1p(-Φ(-x)), which log(Φ(x)) would lose
    np.testing.assert_allclose(S.log_ndtr(x), np.log1p(-S.ndtr(-x)), rtol=1e-14)
    # far left: log Φ(x) = -x²/2 - log(-x) - ½ log 2π + log(1 - 1/x² + 3/x⁴ - 15/x⁶ ...)
    t = np.array([-40.0, -100.0, -1e4])
    series = sum((-1) ** k * math.prod(range(1, 2 * k, 2)) / t ** (2 * k) for k in range(1, 9))
    want = -t * t / 2 - np.log(-t) - 0.5 * np.log(2 * np.pi) + np.log1p(series)
    np.testing.assert_allclose(S.log_ndtr(t), want, rtol=1e-15)
    # right: log Φ(x) = log1p(-Φ(-x)) ≈ -Φ(-x), not 0
    np.testing.assert_allclose(S.log_ndtr(10.0), -0.5 * math.erfc(10 / math.sqrt(2)),
                               rtol=1e-13)
    # the derivative φ/Φ stays finite and ≈ -x in the far tail
    g = cr.elementwise_grad(S.log_ndtr)(np.array([-1e3, -1e6]))
    np.testing.assert_allclose(g, [1e3, 1e6], rtol=1e-6)


def test_gamma_family_closed_forms():
    n = np.arange(1.0, 20.0)
    fact = np.array([math.factorial(int(k) - 1) for k in n], dtype=float)
    np.testing.assert_allclose(S.gammaln(n), np.log(fact), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(S.gamma(n), fact, rtol=1e-15)
    assert S.gamma(0.5) == pytest.approx(math.sqrt(math.pi), rel=1e-15)
    harmonic = np.concatenate([[0.0], np.cumsum(1 / n[:-1])])
    np.testing.assert_allclose(S.digamma(n), harmonic - EULER_GAMMA, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(S.digamma(0.5), -EULER_GAMMA - 2 * math.log(2), rtol=1e-15)
    assert S.polygamma(1, 1.0) == pytest.approx(math.pi ** 2 / 6, rel=1e-15)
    assert S.polygamma(1, 0.5) == pytest.approx(math.pi ** 2 / 2, rel=1e-15)
    assert S.polygamma(2, 1.0) == pytest.approx(-2 * ZETA3, rel=1e-15)
    assert S.polygamma(3, 1.0) == pytest.approx(math.pi ** 4 / 15, rel=1e-15)
    assert S.polygamma(0, 3.0) == S.digamma(3.0)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7])
def test_polygamma_recurrence_over_the_real_line(n):
    """ψ⁽ⁿ⁾(x + 1) - ψ⁽ⁿ⁾(x) = (-1)ⁿ n! / x^{n+1}: links the reflection branch (x < 0) to the
    series branch (x > 0) and tests both, also near the root of ψ."""
    x = np.concatenate([np.linspace(-4.9, -0.1, 25) + 0.013, np.linspace(0.05, 30, 30),
                        [0.4616321449683623, 0.46]])
    lhs = S.polygamma(n, x + 1) - S.polygamma(n, x)
    rhs = (-1.0) ** n * math.factorial(n) / x ** (n + 1)
    scale = np.abs(S.polygamma(n, x + 1)) + np.abs(S.polygamma(n, x))
    np.testing.assert_array_less(np.abs(lhs - rhs), 1e-14 * scale + 1e-300)


def test_polygamma_with_array_orders_broadcasts():
    n, x = np.array([[0], [1], [3]]), np.array([0.5, 2.0, -1.5])
    got = S.polygamma(n, x)
    want = np.array([[S.polygamma(k, v) for v in x] for k in (0, 1, 3)])
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="non-negative integer"):
        S.polygamma(-1, 1.0)


def test_digamma_relative_accuracy_at_its_root():
    """ψ(x) ≈ ψ'(x₀) δ + ψ''(x₀) δ²/2 + ψ'''(x₀) δ³/6 with δ = x - x₀ (x₀ the exact root, to
    37 digits): full relative accuracy where ψ crosses 0, even for δ ~ 1e-16."""
    root = Decimal("1.461632144968362341262659542325721325")
    x = float(root) + np.array([0.0, 1e-12, -3e-9, 1e-6, -2e-4])
    delta = np.array([float(Decimal(v) - root) for v in x])
    x0 = float(root)
    want = (S.polygamma(1, x0) * delta + S.polygamma(2, x0) * delta ** 2 / 2
            + S.polygamma(3, x0) * delta ** 3 / 6)
    np.testing.assert_allclose(S.digamma(x), want, rtol=1e-11)


def test_values_against_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30
    r = rng(6)
    xs = np.concatenate([r.uniform(-6, 8, 20), [1.3, 1.46, 1.6, 1e-3, 25.0]])
    xs = xs[np.abs(xs - np.rint(xs)) > 1e-3]

    def ref(fn, v):
        return np.array([float(fn(mpmath.mpf(float(t)))) for t in v])

    np.testing.assert_allclose(S.digamma(xs), ref(mpmath.digamma, xs), rtol=1e-13)
    for n in (1, 2, 3):
        np.testing.assert_allclose(S.polygamma(n, xs), ref(lambda t: mpmath.polygamma(n, t), xs),
                                   rtol=1e-13)
    np.testing.assert_allclose(S.gammaln(xs), ref(lambda t: mpmath.log(abs(mpmath.gamma(t))), xs),
                               rtol=1e-12)
    p = np.concatenate([r.uniform(-0.99, 0.99, 10), [1 - 1e-12, -1 + 1e-15]])
    np.testing.assert_allclose(S.erfinv(p), ref(mpmath.erfinv, p), rtol=1e-14)
    t = np.concatenate([r.uniform(-30, 8, 20), [-100.0, -1e3]])
    np.testing.assert_allclose(S.log_ndtr(t), ref(lambda v: mpmath.log(mpmath.ncdf(v)), t),
                               rtol=1e-13)
    np.testing.assert_allclose(F.ndtr_ratio(t), ref(lambda v: mpmath.npdf(v) / mpmath.ncdf(v), t),
                               rtol=1e-12)


def test_values_against_scipy():
    sp = pytest.importorskip("scipy.special")
    r = rng(7)
    x = r.uniform(-5, 5, 30)
    p = r.uniform(0.01, 0.99, 30)
    pairs = [(S.erf, sp.erf, x), (S.erfc, sp.erfc, x), (S.erfinv, sp.erfinv, 2 * p - 1),
             (S.erfcinv, sp.erfcinv, 2 * p), (S.ndtr, sp.ndtr, x), (S.ndtri, sp.ndtri, p),
             (S.log_ndtr, sp.log_ndtr, 3 * x), (S.gammaln, sp.gammaln, x + 0.01),
             (S.digamma, sp.digamma, x + 0.01), (S.expit, sp.expit, x),
             (S.log_expit, sp.log_expit, 100 * x), (S.logit, sp.logit, p), (S.entr, sp.entr, x)]
    for ours, theirs, v in pairs:
        np.testing.assert_allclose(ours(v), theirs(v), rtol=1e-12, err_msg=ours.name)
    np.testing.assert_allclose(S.polygamma(2, x + 0.01), sp.polygamma(2, x + 0.01), rtol=1e-12)
    np.testing.assert_allclose(S.xlogy(x, p), sp.xlogy(x, p), rtol=1e-14)
    np.testing.assert_allclose(S.xlog1py(x, p), sp.xlog1py(x, p), rtol=1e-14)
    a, b = r.standard_normal((3, 4)), r.standard_normal((3, 4))
    for kw in ({}, {"axis": 1}, {"axis": 0, "keepdims": True}):
        np.testing.assert_allclose(S.logsumexp(a, **kw), sp.logsumexp(a, **kw), rtol=1e-14)
        np.testing.assert_allclose(S.logsumexp(a, b=b, return_sign=True, **kw),
                                   sp.logsumexp(a, b=b, return_sign=True, **kw), rtol=1e-13)
    np.testing.assert_allclose(S.softmax(a), sp.softmax(a), rtol=1e-14)
    np.testing.assert_allclose(S.log_softmax(a, axis=0), sp.log_softmax(a, axis=0), rtol=1e-14)


# ---- special functions: derivatives through compositions, order 2 ---------------------------

@pytest.mark.parametrize("name, f, x", [
    ("erf-erfc", lambda v: S.erf(v) * S.erfc(v / 2), [-1.2, 0.3, 2.0]),
    ("erfinv", lambda v: S.erfinv(S.erf(v) / 2), [-1.2, 0.3, 2.0]),
    ("gammaln-digamma", lambda v: S.gammaln(v * v + 0.5) + S.digamma(v + 3), [-1.2, 0.3, 2.0]),
    ("polygamma-negative", lambda v: S.polygamma(2, v), [-1.6, -2.4, -0.55]),
    ("gamma", lambda v: S.gamma(v), [-1.6, 0.7, 3.2]),
    ("log_ndtr-tail", lambda v: S.log_ndtr(v), [-60.0, -25.0, -3.0]),
    ("ndtri", lambda v: S.ndtri(S.expit(v)), [-3.0, 0.2, 4.0]),
    ("xlogy", lambda v: S.xlogy(v, v * v + 1) + S.xlog1py(v, v * v), [-1.2, 0.3, 2.0]),
    ("entr-logit", lambda v: S.entr(S.expit(v)) + S.logit(S.expit(v) / 2), [-1.2, 0.3, 2.0]),
    ("sinc", lambda v: np.sinc(v) * np.sinc(v / 3), [-1.2, 0.0, 0.4, 2.0]),
])
def test_second_order_compositions(name, f, x):
    cr.check_grads(f, (np.array(x),), order=2)


# ---- logsumexp with weights and signs (a composite) ----------------------------------------

@pytest.mark.parametrize("kw", [{}, {"axis": 1}, {"axis": 0, "keepdims": True},
                                {"axis": (0, 1)}, {"axis": -1, "keepdims": True}])
def test_weighted_logsumexp(kw):
    r = rng(8)
    a, b = r.standard_normal((3, 4)), r.uniform(0.2, 2.0, (3, 4))
    axis = kw.get("axis")
    want = np.log(np.sum(b * np.exp(a), axis=axis, keepdims=kw.get("keepdims", False)))
    np.testing.assert_allclose(S.logsumexp(a, b=b, **kw), want, rtol=1e-14)
    cr.check_grads(lambda u, w: S.logsumexp(u, b=w, **kw), (a, b), order=2)
    # negative weights: log|Σ b e^a| and its sign
    bn = b * np.where(r.uniform(size=(3, 4)) < 0.3, -1.0, 1.0)
    total = np.sum(bn * np.exp(a), axis=axis, keepdims=kw.get("keepdims", False))
    out, sign = S.logsumexp(a, b=bn, return_sign=True, **kw)
    np.testing.assert_allclose(out, np.log(np.abs(total)), rtol=1e-13)
    np.testing.assert_array_equal(sign, np.sign(total))
    cr.check_grads(lambda u, w: S.logsumexp(u, b=w, return_sign=True, **kw)[0], (a, bn),
                   order=2)


def test_weighted_logsumexp_broadcasts_and_keeps_float32():
    a = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    b = np.array([[1.0], [2.0]], dtype=np.float32)
    out = S.logsumexp(a, b=b, axis=1)
    np.testing.assert_allclose(out, np.log(np.sum(b * np.exp(a), axis=1)), rtol=1e-6)
    assert out.dtype == np.float32
    ga, gb = cr.grad(lambda u, w: cr.ops.sum(S.logsumexp(u, b=w, axis=1)), argnums=(0, 1))(a, b)
    assert ga.dtype == np.float32 and gb.dtype == np.float32
    sm = b * np.exp(a) / np.sum(b * np.exp(a), axis=1, keepdims=True)
    np.testing.assert_allclose(ga, sm.sum(0), rtol=1e-6)


def test_logsumexp_sign_and_negative_sum_without_sign():
    a = np.array([1.0, 2.0])
    assert np.isnan(S.logsumexp(a, b=np.array([1.0, -1.0])))
    out, sign = S.logsumexp(a, return_sign=True)
    assert sign == 1.0 and out == pytest.approx(np.log(np.exp(1.0) + np.exp(2.0)), rel=1e-15)
    out, sign = S.logsumexp(np.array([-np.inf, -np.inf]), return_sign=True)
    assert out == -np.inf and sign == 0.0


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 2)])
def test_scipy_softmax_defaults_to_all_entries(shape):
    x = rng(9).standard_normal(shape)
    e = np.exp(x - x.max())
    np.testing.assert_allclose(S.softmax(x), e / e.sum(), rtol=1e-14)
    np.testing.assert_allclose(S.log_softmax(x), np.log(e / e.sum()), rtol=1e-14)
    cr.check_grads(S.softmax, (x,), order=2)
    cr.check_grads(S.log_softmax, (x,), order=2)
