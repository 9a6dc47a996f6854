"""chainrule.scipy.special's gamma/beta, incomplete gamma/beta and Bessel functions.

Values against SciPy (a test dependency only) to 1e-12 relative over the ranges below —
with an absolute floor of 1e-15 for J and Y, whose zeros no method can match relatively —
and the edge values SciPy returns; derivatives in x against finite differences in both
modes (the registry sweep in tests/ops/test_rules.py checks every rule too; here: the
closed forms, broadcasting, second order) and the errors for the arguments without rules.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import NoRuleError
from chainrule.scipy import special as S

sp = pytest.importorskip("scipy.special")


def rng(seed=0):
    return np.random.default_rng(seed)


def loguniform(r, lo, hi, n):
    return np.exp(r.uniform(np.log(lo), np.log(hi), n))


def assert_matches(got, want, rtol=1e-12, atol=0.0):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


# ---- values against SciPy ----------------------------------------------------------------

def test_beta_and_betaln_match_scipy_for_shapes_up_to_100():
    r = rng(1)
    a, b = loguniform(r, 0.05, 100, 4000), loguniform(r, 0.05, 100, 4000)
    assert_matches(S.beta(a, b), sp.beta(a, b), rtol=1e-12)
    # log B near 0 (B ≈ 1) is matched absolutely: the relative error of a number near 0
    assert_matches(S.betaln(a, b), sp.betaln(a, b), rtol=1e-12, atol=1e-13)


def test_beta_is_symmetric_and_obeys_b_of_a_plus_one():
    """B(a, b) = B(b, a) and B(a + 1, b) = B(a, b) a/(a + b), also in the Stirling range."""
    r = rng(2)
    a, b = loguniform(r, 0.1, 300, 500), loguniform(r, 0.1, 300, 500)
    np.testing.assert_array_equal(S.betaln(a, b), S.betaln(b, a))
    np.testing.assert_allclose(S.betaln(a + 1, b), S.betaln(a, b) + np.log(a / (a + b)),
                               rtol=1e-13, atol=1e-12)


def test_beta_of_negative_non_integers_and_poles():
    a, b = np.array([-1.5, -0.3, 2.5, 0.0]), np.array([0.7, 1.2, -0.5, 1.0])
    assert_matches(S.beta(a, b), sp.beta(a, b), rtol=1e-13)
    assert_matches(S.betaln(a, b), sp.betaln(a, b), rtol=1e-13)


def test_rgamma_matches_scipy_and_is_zero_at_the_poles():
    r = rng(3)
    x = np.r_[r.uniform(-10, 10, 2000), r.uniform(0, 170, 200), [0.0, -1.0, -7.0, np.inf]]
    assert_matches(S.rgamma(x), sp.rgamma(x), rtol=1e-13)
    np.testing.assert_array_equal(S.rgamma(np.array([0.0, -1.0, -7.0])), 0.0)


def test_gammasgn_matches_scipy_and_has_no_derivative():
    x = np.array([0.0, -0.0, 2.0, -0.5, -1.5, -2.5, -3.0, np.inf, -np.inf, np.nan])
    assert_matches(S.gammasgn(x), sp.gammasgn(x), rtol=0)
    # piecewise constant: a passthrough, so its derivative is 0
    assert cr.grad(lambda v: S.gammasgn(v) * v)(-0.5) == -1.0


@pytest.mark.parametrize("lo, hi, rtol", [(0.1, 10, 1e-13), (0.1, 100, 1e-12),
                                          (10, 1000, 5e-12)])
def test_gammainc_and_gammaincc_match_scipy(lo, hi, rtol):
    """P and Q over x = a e^{±3} (values from 1e-300 to 1). For a up to 1000 the values far
    in the tails are conditioned like a log(x/a) ε (about 1e-12): hence the looser rtol."""
    r = rng(4)
    a = loguniform(r, lo, hi, 5000)
    x = a * np.exp(r.uniform(-3, 3, 5000))
    assert_matches(S.gammainc(a, x), sp.gammainc(a, x), rtol=rtol, atol=1e-300)
    assert_matches(S.gammaincc(a, x), sp.gammaincc(a, x), rtol=rtol, atol=1e-300)


def test_gammainc_edges_are_scipys():
    a = np.array([0.0, 0.0, 1.0, 1.0, -1.0, 2.0, 3.0, np.nan])
    x = np.array([0.0, 1.0, 0.0, np.inf, 1.0, -1.0, np.nan, 1.0])
    assert_matches(S.gammainc(a, x), sp.gammainc(a, x), rtol=0)
    assert_matches(S.gammaincc(a, x), sp.gammaincc(a, x), rtol=0)


def test_gammainc_of_one_is_the_exponential_cdf():
    """P(1, x) = 1 - e^{-x}; Q(1, x) = e^{-x}, accurate where tiny (x = 700)."""
    x = np.array([1e-8, 0.5, 3.0, 40.0, 700.0])
    np.testing.assert_allclose(S.gammainc(1.0, x), -np.expm1(-x), rtol=1e-14)
    np.testing.assert_allclose(S.gammaincc(1.0, x), np.exp(-x), rtol=1e-13)


@pytest.mark.parametrize("hi", [10, 60])
def test_betainc_matches_scipy(hi):
    r = rng(5)
    a, b = loguniform(r, 0.2, hi, 5000), loguniform(r, 0.2, hi, 5000)
    x = r.uniform(0, 1, 5000)
    assert_matches(S.betainc(a, b, x), sp.betainc(a, b, x), rtol=1e-12, atol=1e-300)


def test_betainc_edges_are_scipys():
    a = np.array([0.0, 2.0, 0.0, 2.0, 2.0, 2.0, 1.0])
    b = np.array([2.0, 0.0, 0.0, 3.0, 3.0, 3.0, 1.0])
    x = np.array([0.5, 0.5, 0.5, 0.0, 1.0, 1.5, 0.3])
    assert_matches(S.betainc(a, b, x), sp.betainc(a, b, x), rtol=0, atol=1e-16)


def test_betainc_reflects():
    """I_x(a, b) + I_{1-x}(b, a) = 1 (the two branches of the evaluation meet)."""
    r = rng(6)
    a, b, x = r.uniform(0.5, 20, 300), r.uniform(0.5, 20, 300), r.uniform(0.01, 0.99, 300)
    np.testing.assert_allclose(S.betainc(a, b, x) + S.betainc(b, a, 1 - x), 1.0, rtol=1e-14)


def test_multigammaln_matches_scipy_and_rejects_a_too_small():
    for d in (1, 2, 3, 5):
        a = np.linspace(0.5 * d + 0.01, 40, 50)
        assert_matches(S.multigammaln(a, d), sp.multigammaln(a, d), rtol=1e-13)
    with pytest.raises(ValueError, match=r"greater than \(d - 1\)/2"):
        S.multigammaln(0.9, 3)


def _x_grid():
    r = rng(7)
    return np.r_[r.uniform(0, 60, 3000), r.uniform(0, 2, 300), r.uniform(20, 30, 300),
                 np.logspace(-8, 3, 100), -r.uniform(0, 40, 200), [0.0]]


@pytest.mark.parametrize("ours, theirs", [(S.j0, sp.j0), (S.j1, sp.j1), (S.y0, sp.y0),
                                          (S.y1, sp.y1)], ids=["j0", "j1", "y0", "y1"])
def test_j0_j1_y0_y1_match_scipy(ours, theirs):
    x = _x_grid()
    with np.errstate(invalid="ignore"):
        assert_matches(ours(x), theirs(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 10, 20, 45, -1, -4])
def test_jn_and_yn_match_scipy(n):
    """J_n and Y_n for x up to 1000; Y_n is O(1e25) for n = 45 at small x, hence the rtol
    applies where |Y| is large and the floor where J and Y cross zero."""
    x = _x_grid()
    with np.errstate(invalid="ignore", over="ignore"):
        assert_matches(S.jn(n, x), sp.jn(n, x), rtol=1e-12, atol=1e-15)
        assert_matches(S.yn(n, x), sp.yn(n, x), rtol=1e-12, atol=1e-15)


def test_jn_takes_an_array_of_orders_and_rejects_fractional_ones():
    n, x = np.array([[0], [3], [-2]]), np.array([0.5, 7.0, 31.0])
    assert_matches(S.jn(n, x), sp.jn(n, x), rtol=1e-13, atol=1e-15)
    with pytest.raises(ValueError, match="must be an integer"):
        S.jn(2.5, 1.0)


@pytest.mark.parametrize("v", [0.0, 1.0, 0.5, 2.5, -0.5, -1.5, -2.0, 5.0, 10.3, 30.0])
def test_iv_and_ive_match_scipy(v):
    r = rng(8)
    x = np.r_[r.uniform(0, 60, 2000), np.logspace(-8, 3.3, 200), -r.uniform(0, 40, 100),
              [0.0]]
    with np.errstate(invalid="ignore", over="ignore"):
        assert_matches(S.iv(v, x), sp.iv(v, x), rtol=1e-12, atol=1e-300)
        # ive(v, 0) = iv(v, 0) = inf for negative non-integer v (SciPy: ive NaN, iv inf)
        keep = x != 0
        assert_matches(S.ive(v, x)[keep], sp.ive(v, x)[keep], rtol=1e-12, atol=1e-300)
        np.testing.assert_array_equal(S.ive(v, 0.0), S.iv(v, 0.0))


def test_at_infinity_the_limits_where_scipy_gives_nan():
    """J, Y → 0 and I → ∞, ive → 0 as x → ∞ (SciPy 1.17 returns NaN there)."""
    inf = np.array([np.inf])
    for y in (S.j0(inf), S.j1(inf), S.y0(inf), S.y1(inf), S.jn(3, inf), S.yn(2, inf),
              S.ive(1.5, inf)):
        np.testing.assert_array_equal(y, 0.0)
    np.testing.assert_array_equal(S.iv(1.5, inf), np.inf)


def test_iv_of_integer_order_agrees_with_i0_and_i1():
    x = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(S.iv(0, x), S.i0(x), rtol=1e-14)
    np.testing.assert_allclose(S.iv(1, x), S.i1(x), rtol=1e-14)


def test_float32_in_float32_out():
    x = np.linspace(0.5, 3, 4, dtype=np.float32)
    for y in (S.j0(x), S.jn(2, x), S.yn(1, x), S.iv(1.5, x), S.ive(0, x),
              S.gammainc(2.0, x), S.betainc(2.0, 3.0, x / 4), S.beta(x, x), S.rgamma(x)):
        assert y.dtype == np.float32


# ---- derivatives -----------------------------------------------------------------------

def test_the_closed_form_derivatives_in_x():
    """∂P/∂x = x^{a-1}e^{-x}/Γ(a); ∂I_x/∂x = x^{a-1}(1-x)^{b-1}/B(a, b); J₀' = -J₁;
    J_n' = (J_{n-1} - J_{n+1})/2; I_v' = (I_{v-1} + I_{v+1})/2; ive' = ive_v'(x)."""
    x = np.array([0.3, 1.7, 4.0, 30.0])
    a, b, v = 2.5, 1.5, 1.5
    cases = [
        (lambda t: S.gammainc(a, t), x ** (a - 1) * np.exp(-x) / sp.gamma(a)),
        (lambda t: S.gammaincc(a, t), -x ** (a - 1) * np.exp(-x) / sp.gamma(a)),
        (lambda t: S.betainc(a, b, t / 31), (x / 31) ** (a - 1) * (1 - x / 31) ** (b - 1)
         / sp.beta(a, b) / 31),
        (S.j0, -sp.j1(x)), (S.y0, -sp.y1(x)),
        (lambda t: S.jn(3, t), sp.jvp(3, x)), (lambda t: S.yn(3, t), sp.yvp(3, x)),
        (lambda t: S.iv(v, t), sp.ivp(v, x)),
        (lambda t: S.ive(v, t), (sp.ivp(v, x) - sp.iv(v, x)) * np.exp(-x)),
    ]
    for f, want in cases:
        for jac in (cr.jacfwd(f)(x), cr.jacrev(f)(x)):
            np.testing.assert_allclose(np.diag(jac), want, rtol=1e-11, atol=1e-15)


def test_beta_differentiates_in_both_shapes_through_digamma():
    """∂_a log B(a, b) = ψ(a) - ψ(a + b); ∂_b B = B (ψ(b) - ψ(a + b))."""
    a, b = np.array([0.5, 2.0, 30.0]), np.array([3.0, 0.7, 50.0])
    ga, gb = cr.grad(lambda p, q: cr.numpy.sum(S.betaln(p, q)), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, sp.digamma(a) - sp.digamma(a + b), rtol=1e-13)
    np.testing.assert_allclose(gb, sp.digamma(b) - sp.digamma(a + b), rtol=1e-13)
    jb = cr.jacfwd(lambda q: S.beta(a, q))(b)
    np.testing.assert_allclose(np.diag(jb), sp.beta(a, b) * (sp.digamma(b)
                                                             - sp.digamma(a + b)), rtol=1e-12)


def test_rgamma_derivative_at_its_poles_is_the_limit():
    """(1/Γ)'(-n) = (-1)ⁿ n!: 1 at 0, -1 at -1, 2 at -2, -6 at -3."""
    x = np.array([0.0, -1.0, -2.0, -3.0])
    for jac in (cr.jacfwd(S.rgamma)(x), cr.jacrev(S.rgamma)(x)):
        np.testing.assert_array_equal(np.diag(jac), [1.0, -1.0, 2.0, -6.0])


@pytest.mark.parametrize("f, args", [
    (lambda a, b, x: S.betainc(a, b, x) * S.gammainc(b, 3 * x), None),
    (lambda a, b, x: S.jn(2, 10 * x) + S.yn(1, 10 * x + 1) + S.iv(a, x) + S.ive(b, 40 * x),
     None),
    (lambda a, b, x: S.beta(a, b) * S.rgamma(a) + S.multigammaln(b + 2, 3), "ab"),
], ids=["incomplete", "bessel", "gamma-beta"])
def test_check_grads_on_broadcast_shapes_second_order(f, args):
    r = rng(9)
    a = r.uniform(0.8, 3.0, (3, 1))
    b = r.uniform(0.8, 3.0, (1, 4))
    x = r.uniform(0.1, 0.9, (3, 4))
    if args == "ab":
        cr.check_grads(lambda p, q: f(p, q, x), (a, b), order=2)
    else:
        cr.check_grads(lambda t: f(a, b, t), (x,), order=2)


@pytest.mark.parametrize("f, what", [
    (lambda a: S.gammainc(a, 1.0), "the shape a"),
    (lambda a: S.gammaincc(a, 1.0), "the shape a"),
    (lambda a: S.betainc(a, 2.0, 0.3), "the shape a"),
    (lambda b: S.betainc(2.0, b, 0.3), "the shape b"),
    (lambda v: S.iv(v, 1.0), "the order v"),
    (lambda v: S.ive(v, 1.0), "the order v"),
    (lambda n: S.jn(n, 1.0), "the order n"),
    (lambda n: S.yn(n, 1.0), "the order n"),
], ids=["gammainc", "gammaincc", "betainc-a", "betainc-b", "iv", "ive", "jn", "yn"])
def test_parameters_without_a_rule_raise_saying_which_and_what_to_do(f, what):
    for transform in (cr.grad, cr.jacfwd):
        with pytest.raises(NoRuleError, match=what) as info:
            transform(f)(2.0)
        assert "stop_gradient" in str(info.value)


def test_a_constant_parameter_is_fine_next_to_a_traced_x():
    """The error is only for a traced parameter: x alone differentiates."""
    g = cr.grad(lambda x: S.gammainc(2.0, x) + S.iv(0.5, x) + S.jn(1, x))(1.3)
    want = 1.3 * np.exp(-1.3) + sp.ivp(0.5, 1.3) + sp.jvp(1, 1.3)
    np.testing.assert_allclose(g, want, rtol=1e-12)
