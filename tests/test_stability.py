"""Stability at extreme inputs, with every RuntimeWarning turned into an error.

logsumexp, softmax, log_softmax, expit and log_expit (and logaddexp) at ±1e3 and ±inf give
finite values wherever the function has one and finite derivatives wherever they exist (as
limits), in both modes and to second order. The chosen convention for a slice of all -inf
(documented in :mod:`chainrule.ops.special`): such entries carry no weight — logsumexp is
-inf with derivative 0, softmax 0, log_softmax -inf, all derivatives finite.

Expected values are closed forms (e.g. log(1 + e^{-1}) + 1000) or NumPy computations on
shifted inputs, never the functions under test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.scipy import special as S

INF = np.inf


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def jacobians(f, x):
    """jacfwd, jacrev and the Hessian of Σ f (forward over reverse) at x."""
    x = np.asarray(x, dtype=np.float64)
    return (cr.jacfwd(f)(x), cr.jacrev(f)(x),
            cr.hessian(lambda z: cr.ops.sum(f(z)))(x))


def assert_finite_derivatives(f, x, want_jac=None, rtol=1e-14):
    fwd, rev, hess = jacobians(f, x)
    for j in (fwd, rev, hess):
        assert np.all(np.isfinite(j)), f"non-finite derivative: {j}"
    if want_jac is not None:
        np.testing.assert_allclose(fwd, want_jac, rtol=rtol, atol=1e-300)
        np.testing.assert_allclose(rev, want_jac, rtol=rtol, atol=1e-300)


def softmax_jacobian(p):
    """J = diag(p) - p pᵀ for probabilities p (given, not computed by chainrule)."""
    p = np.asarray(p, dtype=np.float64)
    return np.diag(p) - np.outer(p, p)


# ---- logsumexp --------------------------------------------------------------------------------

@pytest.mark.parametrize("lse", [S.logsumexp, cr.ops.logsumexp], ids=["scipy", "ops"])
def test_logsumexp_of_all_neginf_is_neginf_with_zero_derivative(lse):
    x = np.full(3, -INF)
    assert lse(x) == -INF
    assert_finite_derivatives(lse, x, want_jac=np.zeros(3))
    # one slice of all -inf next to an ordinary one
    x = np.array([[-INF, -INF, -INF], [0.0, 1.0, -INF]])
    out = lse(x, axis=1)
    p = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()
    np.testing.assert_allclose(out, [-INF, 1.0 + math.log1p(math.exp(-1.0))], rtol=1e-15)
    want = np.zeros((2, 2, 3))
    want[1, 1, :2] = p
    assert_finite_derivatives(lambda z: lse(z, axis=1), x, want_jac=want)
    kept = lse(x, axis=1, keepdims=True)
    assert kept.shape == (2, 1) and kept[0, 0] == -INF


@pytest.mark.parametrize("shift", [1e3, -1e3])
def test_logsumexp_at_large_inputs(shift):
    base = np.array([0.0, -1.0, -2.5, 1.5])
    x = base + shift
    want = shift + math.log(np.exp(base).sum())
    assert S.logsumexp(x) == pytest.approx(want, rel=1e-15)
    p = np.exp(base) / np.exp(base).sum()
    assert_finite_derivatives(S.logsumexp, x, want_jac=p, rtol=1e-12)
    # far apart: e^{-2000} underflows, the derivative is a one-hot vector
    y = np.array([1e3, -1e3])
    assert S.logsumexp(y) == 1e3
    assert_finite_derivatives(S.logsumexp, y, want_jac=[1.0, 0.0])


@pytest.mark.parametrize("x, value, jac", [
    ([INF, 1.0], INF, [1.0, 0.0]),
    ([INF, INF, 0.0], INF, [0.5, 0.5, 0.0]),
    ([-INF, 2.0], 2.0, [0.0, 1.0]),
    ([-INF, 1e3], 1e3, [0.0, 1.0]),
], ids=["inf", "two-infs", "neginf-entry", "neginf-and-1e3"])
def test_logsumexp_with_infinite_entries(x, value, jac):
    assert S.logsumexp(np.array(x)) == value
    assert_finite_derivatives(S.logsumexp, x, want_jac=jac)


def test_weighted_logsumexp_of_all_neginf():
    a = np.array([-INF, -INF])
    b = np.array([0.5, 2.0])
    assert S.logsumexp(a, b=b) == -INF
    ga, gb = cr.grad(lambda u, w: S.logsumexp(u, b=w), argnums=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [0.0, 0.0])
    np.testing.assert_array_equal(gb, [0.0, 0.0])


# ---- softmax and log_softmax ------------------------------------------------------------------

@pytest.mark.parametrize("shift", [1e3, -1e3])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_softmax_and_log_softmax_at_large_inputs(shift, axis):
    base = np.array([[0.0, -1.0, 2.0], [0.5, 0.25, -3.0]])
    x = base + shift
    e = np.exp(base - base.max(axis=axis, keepdims=True))
    p = e / e.sum(axis=axis, keepdims=True)
    np.testing.assert_allclose(S.softmax(x, axis=axis), p, rtol=1e-13)
    logp = base - base.max(axis=axis, keepdims=True) - np.log(e.sum(axis=axis, keepdims=True))
    np.testing.assert_allclose(S.log_softmax(x, axis=axis), logp, rtol=1e-13)
    assert_finite_derivatives(lambda z: S.softmax(z, axis=axis), x)
    assert_finite_derivatives(lambda z: S.log_softmax(z, axis=axis), x)
    # the Jacobians do not see the shift
    for f in (S.softmax, S.log_softmax):
        fwd, rev, _ = jacobians(lambda z: f(z, axis=axis), x)
        ref, _, _ = jacobians(lambda z: f(z, axis=axis), base)
        np.testing.assert_allclose(fwd, ref, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(rev, ref, rtol=1e-12, atol=1e-15)


def test_softmax_far_apart_entries():
    x = np.array([1e3, -1e3, 0.0])
    np.testing.assert_array_equal(S.softmax(x), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(S.log_softmax(x), [0.0, -2e3, -1e3], rtol=1e-15)
    assert_finite_derivatives(S.softmax, x, want_jac=np.zeros((3, 3)))
    assert_finite_derivatives(S.log_softmax, x, want_jac=np.eye(3) - [1.0, 0.0, 0.0])


@pytest.mark.parametrize("x, p", [
    ([INF, 1.0, -2.0], [1.0, 0.0, 0.0]),
    ([INF, INF, 0.0], [0.5, 0.5, 0.0]),
    ([-INF, 0.0, math.log(3.0)], [0.0, 0.25, 0.75]),
    ([-INF, -INF, -INF], [0.0, 0.0, 0.0]),
], ids=["inf", "two-infs", "neginf-entry", "all-neginf"])
def test_softmax_with_infinite_entries(x, p):
    np.testing.assert_allclose(S.softmax(np.array(x)), p, rtol=1e-15)
    assert_finite_derivatives(S.softmax, x, want_jac=softmax_jacobian(p))
    # log_softmax: log p (−inf where p = 0), derivative I - 1 pᵀ
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    np.testing.assert_allclose(S.log_softmax(np.array(x)), logp, rtol=1e-15)
    assert_finite_derivatives(S.log_softmax, x, want_jac=np.eye(3) - np.asarray(p)[None, :])


def test_softmax_rows_of_all_neginf_next_to_ordinary_rows():
    x = np.array([[-INF, -INF], [0.0, math.log(3.0)]])
    np.testing.assert_allclose(cr.ops.softmax(x), [[0.0, 0.0], [0.25, 0.75]], rtol=1e-15)
    np.testing.assert_array_equal(cr.ops.log_softmax(x)[0], [-INF, -INF])
    assert_finite_derivatives(cr.ops.softmax, x)
    assert_finite_derivatives(cr.ops.log_softmax, x)


# ---- expit and log_expit ----------------------------------------------------------------------

X_EXTREME = np.array([1e3, -1e3, INF, -INF, 40.0, -40.0])


def test_expit_at_extremes():
    s40 = 1 / (1 + math.exp(-40.0))
    want = [1.0, 0.0, 1.0, 0.0, s40, math.exp(-40.0) / (1 + math.exp(-40.0))]
    np.testing.assert_allclose(S.expit(X_EXTREME), want, rtol=1e-15)
    d = np.array(want) * (1 - np.array(want))
    d[5] = math.exp(-40.0) / (1 + math.exp(-40.0)) ** 2  # keeps relative precision
    assert_finite_derivatives(S.expit, X_EXTREME, want_jac=np.diag(d), rtol=1e-13)


def test_log_expit_at_extremes():
    want = [-0.0, -1e3, 0.0, -INF, -math.log1p(math.exp(-40.0)), -40.0 - math.log1p(math.exp(-40))]
    np.testing.assert_allclose(S.log_expit(X_EXTREME), want, rtol=1e-15)
    # d/dx log σ(x) = σ(-x)
    d = [0.0, 1.0, 0.0, 1.0, math.exp(-40.0) / (1 + math.exp(-40.0)), 1 / (1 + math.exp(-40.0))]
    assert_finite_derivatives(S.log_expit, X_EXTREME, want_jac=np.diag(d), rtol=1e-14)


def test_logit_edges_are_infinite_without_warnings():
    np.testing.assert_array_equal(S.logit(np.array([0.0, 1.0])), [-INF, INF])
    np.testing.assert_allclose(S.logit(np.array([0.5, 0.75])), [0.0, math.log(3.0)],
                               rtol=1e-15)


def test_logaddexp_at_extremes():
    x = np.array([1e3, -1e3, INF, -INF, -INF, INF])
    y = np.array([1e3 - 1, -1e3, 0.0, 5.0, -INF, INF])
    out = np.logaddexp(x, y)
    np.testing.assert_allclose(out[:2], [1e3 + math.log1p(math.exp(-1)), -1e3 + math.log(2)],
                               rtol=1e-15)
    np.testing.assert_array_equal(out[2:], [INF, 5.0, -INF, INF])
    gx, gy = cr.vjp(lambda a, b: np.logaddexp(a, b), x, y)[1](np.ones(6))
    s = 1 / (1 + math.exp(-1))
    np.testing.assert_allclose(gx, [s, 0.5, 1.0, 0.0, 0.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(gy, [1 - s, 0.5, 0.0, 1.0, 0.0, 0.5], rtol=1e-15)
    _, t = cr.jvp(lambda a: np.logaddexp(a, y), (x,), (np.ones(6),))
    np.testing.assert_allclose(t, gx, rtol=1e-15)


# ---- float32 stays float32 at the extremes ----------------------------------------------------

@pytest.mark.parametrize("f", [S.logsumexp, S.softmax, S.log_softmax, S.expit, S.log_expit],
                         ids=["logsumexp", "softmax", "log_softmax", "expit", "log_expit"])
def test_float32_extremes(f):
    x = np.array([88.0, -88.0, 1e3, -INF], dtype=np.float32)  # e^{±88} is at float32's edge
    out = f(x)
    assert np.result_type(out) == np.float32
    g = cr.grad(lambda z: cr.ops.sum(f(z) * np.array([1, 2, 3, 4], np.float32)))(x)
    assert g.dtype == np.float32 and np.all(np.isfinite(g))
