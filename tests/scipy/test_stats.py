"""chainrule.scipy.stats: SciPy's values (1e-12) on broadcast shapes, and derivatives in every
argument against finite differences in both modes (cr.check_grads).

x, loc and scale (and the shapes) are drawn with shapes (3, 4), (3, 1) and (1, 4), so every
method broadcasts three ways; values outside the support and invalid parameters are
SciPy's too, with derivative 0 (not NaN) outside the support.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import NoRuleError
from chainrule.scipy import stats as S

ss = pytest.importorskip("scipy.stats")

METHODS = ["pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"]


def rng(seed=0):
    return np.random.default_rng(seed)


def assert_matches(got, want, rtol=1e-12, atol=1e-300):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


def _draw(name, r):
    """(x, shapes, loc, scale) for a univariate distribution: x (3, 4), loc (3, 1), scale
    (1, 4), shapes of (4,) or (3, 1); x reaching both sides of the support."""
    loc = r.normal(0, 1, (3, 1))
    scale = r.uniform(0.5, 2.0, (1, 4))
    if name == "norm":
        return loc + scale * r.normal(0, 2, (3, 4)), (), loc, scale
    if name == "t":
        return loc + scale * r.normal(0, 3, (3, 4)), (r.uniform(0.7, 12, (1, 4)),), loc, scale
    if name == "gamma":
        return loc + scale * r.uniform(-0.5, 8, (3, 4)), (r.uniform(0.6, 5, (3, 1)),), loc, scale
    if name == "chi2":
        return loc + scale * r.uniform(-0.5, 12, (3, 4)), (r.uniform(1, 9, (1, 4)),), loc, scale
    if name == "beta":
        shapes = (r.uniform(0.6, 5, (3, 1)), r.uniform(0.6, 5, (1, 4)))
        return loc + scale * r.uniform(-0.2, 1.2, (3, 4)), shapes, loc, scale
    raise AssertionError(name)


UNIVARIATE = ["norm", "t", "gamma", "chi2", "beta"]


@pytest.mark.parametrize("name", UNIVARIATE)
@pytest.mark.parametrize("method", METHODS)
def test_univariate_values_match_scipy_on_broadcast_shapes(name, method):
    for seed in range(4):
        x, shapes, loc, scale = _draw(name, rng(seed))
        got = getattr(getattr(S, name), method)(x, *shapes, loc=loc, scale=scale)
        want = getattr(getattr(ss, name), method)(x, *shapes, loc=loc, scale=scale)
        # log F near 0 (F ≈ 1) is compared absolutely: the relative error of a number near 0
        atol = 1e-14 if method.startswith("log") else 1e-300
        with np.errstate(invalid="ignore"):
            assert_matches(got, want, rtol=1e-12, atol=atol)


@pytest.mark.parametrize("name", UNIVARIATE)
def test_univariate_entropy_matches_scipy(name):
    _, shapes, _, scale = _draw(name, rng(5))
    assert_matches(getattr(S, name).entropy(*shapes, scale=scale),
                   getattr(ss, name).entropy(*shapes, scale=scale), rtol=1e-12, atol=1e-13)


def test_tails_match_scipy_far_out():
    """Values to 1e-12 where the tail probabilities are tiny (1e-30 and below)."""
    z = np.array([-40.0, -12.0, 9.0, 30.0])
    assert_matches(S.norm.logcdf(z), ss.norm.logcdf(z))
    assert_matches(S.norm.sf(z), ss.norm.sf(z))
    assert_matches(S.t.sf(z * 10, 3.0), ss.t.sf(z * 10, 3.0))
    assert_matches(S.t.cdf(z * 10, 3.0), ss.t.cdf(z * 10, 3.0))
    assert_matches(S.t.cdf(np.array([1e-6, -1e-9]), 2.5), ss.t.cdf(np.array([1e-6, -1e-9]), 2.5))
    g = np.array([1e-3, 50.0, 120.0])
    assert_matches(S.gamma.sf(g, 2.5), ss.gamma.sf(g, 2.5))
    assert_matches(S.chi2.logsf(g, 3.0), ss.chi2.logsf(g, 3.0))
    b = np.array([1e-8, 0.999999])
    assert_matches(S.beta.sf(b, 2.0, 3.0), ss.beta.sf(b, 2.0, 3.0))


def test_arguments_are_parsed_as_scipys():
    """Shapes by position or keyword; loc and scale after them, by position or keyword."""
    x = np.array([0.5, 1.5])
    want = ss.gamma.logpdf(x, 2.0, 0.1, 3.0)
    for got in (S.gamma.logpdf(x, 2.0, 0.1, 3.0), S.gamma.logpdf(x, a=2.0, loc=0.1, scale=3.0),
                S.gamma.logpdf(x, 2.0, scale=3.0, loc=0.1)):
        assert_matches(got, want, rtol=1e-14)
    assert_matches(S.t.entropy(df=4.0, scale=2.0), ss.t.entropy(df=4.0, scale=2.0), rtol=1e-14)
    with pytest.raises(TypeError, match="missing the shape parameter"):
        S.beta.pdf(x, 2.0)
    with pytest.raises(TypeError, match="unexpected arguments"):
        S.norm.pdf(x, 0.0, 1.0, 3.0)


def test_invalid_parameters_give_nan_as_scipy():
    x = np.array([0.5, 1.0])
    assert_matches(S.norm.pdf(x, scale=-1.0), ss.norm.pdf(x, scale=-1.0))
    assert_matches(S.gamma.cdf(x, -1.0), ss.gamma.cdf(x, -1.0))
    assert_matches(S.t.entropy(np.array([-1.0, 2.0])), ss.t.entropy(np.array([-1.0, 2.0])))


# ---- derivatives -------------------------------------------------------------------------

def _inside(name, r):
    """Arguments inside the support (central differences must not cross its edge)."""
    loc = r.normal(0, 1, (3, 1))
    scale = r.uniform(0.5, 2.0, (1, 4))
    if name in ("norm", "t"):
        z = r.normal(0, 2, (3, 4))
        z = np.where(np.abs(z) < 0.05, 0.3, z)  # t's CDF: the centre branch, not z = 0
    elif name in ("gamma", "chi2"):
        z = r.uniform(0.3, 6, (3, 4))
    else:
        z = r.uniform(0.1, 0.9, (3, 4))
    x = loc + scale * z
    shapes = {"norm": (), "t": (r.uniform(1.5, 8, (1, 4)),),
              "gamma": (r.uniform(1.2, 4, (3, 1)),), "chi2": (r.uniform(2.5, 8, (1, 4)),),
              "beta": (r.uniform(1.2, 4, (3, 1)), r.uniform(1.2, 4, (1, 4)))}[name]
    return x, shapes, loc, scale


@pytest.mark.parametrize("name", UNIVARIATE)
@pytest.mark.parametrize("method", METHODS)
def test_derivatives_in_x_loc_scale_both_modes(name, method):
    x, shapes, loc, scale = _inside(name, rng(11))
    f = getattr(getattr(S, name), method)
    cr.check_grads(lambda x, loc, scale: f(x, *shapes, loc=loc, scale=scale),
                   (x, loc, scale), order=1)


@pytest.mark.parametrize("name", ["t", "gamma", "chi2", "beta"])
def test_densities_and_entropies_differentiate_in_the_shapes(name):
    x, shapes, loc, scale = _inside(name, rng(12))
    dist = getattr(S, name)
    cr.check_grads(lambda *s: dist.logpdf(x, *s, loc=loc, scale=scale), shapes, order=2)
    cr.check_grads(lambda *s: dist.entropy(*s, scale=scale), shapes, order=1)


@pytest.mark.parametrize("name", ["t", "gamma", "chi2", "beta"])
def test_cdfs_in_a_shape_parameter_raise_the_incomplete_functions_error(name):
    x, shapes, _, _ = _inside(name, rng(13))
    dist = getattr(S, name)
    with pytest.raises(NoRuleError, match="no derivative in the shape"):
        cr.grad(lambda s: cnp.sum(dist.cdf(x, s, *shapes[1:])))(shapes[0])


def test_outside_the_support_the_derivative_is_zero_not_nan():
    """gamma.pdf is 0 below 0 and beta.cdf 0 below 0, 1 above 1: derivative 0 there."""
    x = np.array([-1.0, 2.0])
    g = cr.grad(lambda v: cnp.sum(S.gamma.pdf(v, 2.0)))(x)
    # pdf = x e^{-x} for x ≥ 0: derivative (1 - x) e^{-x}, -e^{-2} at 2; 0 below the support
    np.testing.assert_allclose(g, [0.0, -np.exp(-2.0)], rtol=1e-14)
    np.testing.assert_array_equal(cr.jacfwd(lambda v: S.beta.cdf(v, 2.0, 3.0))(
        np.array([-0.5, 1.5])), np.zeros((2, 2)))


def test_norm_logcdf_gradient_in_the_far_left_tail_is_finite():
    """d/dx log Φ(x) = φ(x)/Φ(x) ≈ -x for x ≪ 0 (here ≈ 40), not inf/inf."""
    g = cr.grad(lambda v: S.norm.logcdf(v))(-40.0)
    np.testing.assert_allclose(g, 40.0248, rtol=1e-4)


# ---- poisson -------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"])
def test_poisson_matches_scipy(method):
    r = rng(20)
    k = np.array([[0.0, 1.0, 2.0, 5.0, -1.0, 2.5, 30.0, 70.0]])
    mu = r.uniform(0.3, 40.0, (3, 1))
    loc = np.array([[0.0], [1.0], [-2.0]])
    with np.errstate(divide="ignore"):
        assert_matches(getattr(S.poisson, method)(k, mu, loc),
                       getattr(ss.poisson, method)(k, mu, loc), rtol=1e-12, atol=1e-14)


def test_poisson_entropy_matches_scipy_and_differentiates():
    mu = np.array([0.0, 0.4, 3.0, 50.0, 400.0])
    assert_matches(S.poisson.entropy(mu), ss.poisson.entropy(mu), rtol=1e-12, atol=1e-15)
    cr.check_grads(S.poisson.entropy, (mu[1:],))


def test_poisson_differentiates_in_mu_both_modes():
    """∂/∂μ cdf(k) = -pmf(k) (the incomplete gamma function's x-derivative)."""
    k = np.array([0.0, 1.0, 3.0, 7.0])
    mu = np.array([[0.5], [2.0], [6.0]])
    for m in ("pmf", "logpmf", "cdf", "sf", "logcdf", "logsf"):
        cr.check_grads(lambda u: getattr(S.poisson, m)(k, u), (mu,), order=2)
    g = cr.jacfwd(lambda u: S.poisson.cdf(k, u))(np.array(2.0))
    np.testing.assert_allclose(g, -ss.poisson.pmf(k, 2.0), rtol=1e-13)


# ---- dirichlet ----------------------------------------------------------------------------

def test_dirichlet_matches_scipy_in_its_layouts():
    r = rng(30)
    alpha = np.array([0.7, 2.0, 3.5, 1.2])
    x = r.dirichlet(alpha, 6).T  # (K, n): components first, as SciPy
    assert_matches(S.dirichlet.logpdf(x, alpha), ss.dirichlet.logpdf(x, alpha))
    assert_matches(S.dirichlet.pdf(x[:, 0], alpha), ss.dirichlet.pdf(x[:, 0], alpha))
    assert_matches(S.dirichlet.logpdf(x[:-1], alpha), ss.dirichlet.logpdf(x[:-1], alpha))
    assert_matches(S.dirichlet.entropy(alpha), ss.dirichlet.entropy(alpha), atol=1e-14)
    assert_matches(S.dirichlet.mean(alpha), ss.dirichlet.mean(alpha))
    assert_matches(S.dirichlet.var(alpha), ss.dirichlet.var(alpha))
    with pytest.raises(ValueError, match="sum to 1"):
        S.dirichlet.pdf(x * 0.9, alpha)


def test_dirichlet_differentiates_in_alpha_and_x():
    r = rng(31)
    alpha = np.array([1.5, 2.0, 3.5])
    x = r.dirichlet(alpha, 4).T
    cr.check_grads(lambda a: S.dirichlet.logpdf(x, a), (alpha,), order=2)
    cr.check_grads(S.dirichlet.entropy, (alpha,), order=2)
    # in x through the free K - 1 components (the last is 1 - Σ)
    cr.check_grads(lambda v: S.dirichlet.logpdf(v, alpha), (x[:-1],))


# ---- multivariate normal -------------------------------------------------------------------

def _mvn(r, d=3):
    a = r.normal(size=(d, d))
    return r.normal(size=d), a @ a.T + np.eye(d)


def test_multivariate_normal_matches_scipy_in_its_layouts():
    r = rng(40)
    mean, cov = _mvn(r)
    x = r.normal(size=(2, 5, 3))
    mvn, ref = S.multivariate_normal, ss.multivariate_normal
    assert_matches(mvn.logpdf(x, mean, cov), ref.logpdf(x, mean, cov))
    assert_matches(mvn.pdf(x[0], mean, cov), ref.pdf(x[0], mean, cov))
    assert_matches(mvn.logpdf(x[0, 0], mean, cov), ref.logpdf(x[0, 0], mean, cov))
    assert_matches(mvn.logpdf(x[0], mean, np.array([1.0, 2.0, 0.5])),
                   ref.logpdf(x[0], mean, np.array([1.0, 2.0, 0.5])))
    assert_matches(mvn.logpdf(np.array([0.1, 0.5, 2.0]), 1.0, 2.0),
                   ref.logpdf(np.array([0.1, 0.5, 2.0]), 1.0, 2.0))
    assert_matches(mvn.logpdf(x[0], cov=cov), ref.logpdf(x[0], cov=cov))
    assert_matches(mvn.entropy(mean, cov), ref.entropy(mean, cov))
    with pytest.raises(NotImplementedError, match="Genz"):
        mvn.cdf(x[0], mean, cov)


def test_multivariate_normal_differentiates_in_x_mean_and_cov():
    r = rng(41)
    mean, cov = _mvn(r)
    x = r.normal(size=(4, 3))
    cr.check_grads(lambda x, m, c: S.multivariate_normal.logpdf(x, m, c), (x, mean, cov),
                   order=2)
    cr.check_grads(lambda c: S.multivariate_normal.entropy(mean, c), (cov,))


def test_t_cdf_at_zero_has_the_density_as_derivative():
    """d/dx F(0) = f(0) = Γ((ν+1)/2)/(√(νπ) Γ(ν/2)), in both modes (not ∞ · 0 = NaN), and
    F(0) = ½ for every ν."""
    for df in (1.0, 3.0, 20.0):
        for d in (cr.grad, cr.jacfwd):
            np.testing.assert_allclose(d(lambda z: S.t.cdf(z, df))(0.0), ss.t.pdf(0.0, df),
                                       rtol=1e-14)
            np.testing.assert_allclose(d(lambda z: S.t.sf(z, df))(0.0), -ss.t.pdf(0.0, df),
                                       rtol=1e-14)
        assert S.t.cdf(0.0, df) == 0.5
