"""chainrule.scipy.linalg: values against SciPy, derivatives against finite differences.

SciPy is a test-only dependency: every value here is SciPy's own, and every derivative is
checked by ``cr.check_grads`` (forward and reverse mode, entry by entry against central
differences, and the two modes against each other).
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.scipy import linalg as cl

sl = pytest.importorskip("scipy.linalg")

RNG = np.random.default_rng(20261204)


def _general(n, seed=0):
    """A well-conditioned general matrix: I·3 plus noise."""
    rng = np.random.default_rng(seed)
    return 3 * np.eye(n) + rng.standard_normal((n, n))


def _spd(n, seed=0):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, n))
    return m @ m.T + n * np.eye(n)


def _noisy_triangles(n, seed=0):
    """Random everywhere: the triangle that is not read must not matter."""
    return np.random.default_rng(seed).standard_normal((n, n)) + 3 * np.eye(n)


# ---- solve_triangular -----------------------------------------------------------------------

@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
@pytest.mark.parametrize("unit_diagonal", [False, True])
@pytest.mark.parametrize("rhs", [(4,), (4, 2)])
def test_solve_triangular_matches_scipy(lower, trans, unit_diagonal, rhs):
    a, b = _noisy_triangles(4, 1), RNG.standard_normal(rhs)
    got = cl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    want = sl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("trans", [0, 1])
@pytest.mark.parametrize("unit_diagonal", [False, True])
def test_solve_triangular_derivatives_match_finite_differences(lower, trans, unit_diagonal):
    a, b = _noisy_triangles(3, 2), RNG.standard_normal((3, 2))
    cr.check_grads(lambda a, b: cl.solve_triangular(a, b, trans=trans, lower=lower,
                                                     unit_diagonal=unit_diagonal), (a, b))


def test_solve_triangular_never_reads_the_other_triangle():
    """∂x/∂a is 0 off the triangle (and on the diagonal with unit_diagonal=True)."""
    a, b = _noisy_triangles(3, 3), RNG.standard_normal(3)
    g = cr.grad(lambda a: cr.numpy.sum(cl.solve_triangular(a, b, lower=True,
                                                           unit_diagonal=True)))(a)
    assert np.all(np.triu(g) == 0) and np.any(np.tril(g, -1) != 0)


def test_solve_triangular_rejects_an_unknown_trans():
    with pytest.raises(ValueError, match="trans must be"):
        cl.solve_triangular(np.eye(2), np.ones(2), trans="X")


# ---- cho_factor / cho_solve -----------------------------------------------------------------

@pytest.mark.parametrize("lower", [False, True])
def test_cho_factor_and_cho_solve_match_scipy(lower):
    a, b = _spd(4, 4), RNG.standard_normal((4, 3))
    c, low = cl.cho_factor(a, lower=lower)
    cs, lows = sl.cho_factor(a, lower=lower)
    assert low == lows
    np.testing.assert_allclose(c, cs, rtol=1e-12)   # both triangles: SciPy keeps a's entries
    np.testing.assert_allclose(cl.cho_solve((c, low), b), sl.cho_solve((cs, lows), b),
                               rtol=1e-11)


@pytest.mark.parametrize("lower", [False, True])
def test_cho_solve_derivatives_match_finite_differences(lower):
    """Along the read triangle of a: x = a⁻¹ b, differentiated through the factorization."""
    a, b = _spd(3, 5), RNG.standard_normal(3)
    cr.check_grads(lambda a, b: cl.cho_solve(cl.cho_factor(a, lower=lower), b), (a, b))
    cr.check_grads(lambda a: cl.cho_factor(a, lower=lower)[0], (a,))


def test_cho_solve_solves_the_full_symmetric_system():
    """A x = b for the symmetric A: the gradient of b·x in b is A⁻¹ 1 (A symmetric)."""
    a = _spd(4, 6)
    g = cr.grad(lambda b: cr.numpy.sum(cl.cho_solve(cl.cho_factor(a), b)))(np.ones(4))
    np.testing.assert_allclose(g, np.linalg.solve(a, np.ones(4)), rtol=1e-12)


# ---- lu / lu_factor / lu_solve --------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("kw", [{}, {"p_indices": True}, {"permute_l": True}])
def test_lu_matches_scipy(n, kw):
    a = RNG.standard_normal((n, n))
    got, want = cl.lu(a, **kw), sl.lu(a, **kw)
    assert len(got) == len(want)
    for x, y in zip(got, want):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)


def test_lu_reconstructs_a_as_p_l_u():
    a = RNG.standard_normal((5, 5))
    p, low, up = cl.lu(a)
    np.testing.assert_allclose(p @ low @ up, a, atol=1e-13)
    assert np.allclose(np.diag(low), 1) and np.allclose(np.triu(low, 1), 0)
    assert np.allclose(np.tril(up, -1), 0)


def test_lu_factor_matches_scipy_pivots_and_factors():
    a = RNG.standard_normal((6, 6))
    lu_, piv = cl.lu_factor(a)
    lus, pivs = sl.lu_factor(a)
    np.testing.assert_allclose(lu_, lus, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(piv, pivs)


@pytest.mark.parametrize("trans", [0, 1, 2])
@pytest.mark.parametrize("rhs", [(4,), (4, 3)])
def test_lu_solve_matches_scipy(trans, rhs):
    a, b = RNG.standard_normal((4, 4)), RNG.standard_normal(rhs)
    np.testing.assert_allclose(cl.lu_solve(cl.lu_factor(a), b, trans=trans),
                               sl.lu_solve(sl.lu_factor(a), b, trans=trans), rtol=1e-11)


def test_lu_factors_derivatives_match_finite_differences_to_second_order():
    a = _general(4, 7)
    cr.check_grads(lambda a: cl.lu(a)[1], (a,), order=2)
    cr.check_grads(lambda a: cl.lu(a)[2], (a,), order=2)
    cr.check_grads(lambda a: cl.lu_factor(a)[0], (a,))


def test_lu_derivatives_with_pivoting_match_finite_differences():
    """A matrix whose pivots permute the rows (a small leading entry)."""
    a = _general(4, 8)
    a[0, 0] = 0.01
    assert not np.array_equal(cl.lu(a, p_indices=True)[0], np.arange(4))
    cr.check_grads(lambda a: cl.lu(a)[1] + cl.lu(a)[2], (a,))


@pytest.mark.parametrize("trans", [0, 1])
def test_lu_solve_derivatives_match_finite_differences(trans):
    a, b = _general(3, 9), RNG.standard_normal((3, 2))
    cr.check_grads(lambda a, b: cl.lu_solve(cl.lu_factor(a), b, trans=trans), (a, b))


def test_lu_of_a_non_square_matrix_says_so():
    with pytest.raises(ValueError, match="square"):
        cl.lu(np.ones((2, 3)))


# ---- sqrtm ----------------------------------------------------------------------------------

def _root_friendly(n, seed):
    """Eigenvalues with positive real parts: the principal root is unique and smooth."""
    return _spd(n, seed) / n + 0.3 * np.random.default_rng(seed).standard_normal((n, n))


@pytest.mark.parametrize("n", [1, 3, 6])
def test_sqrtm_matches_scipy(n):
    a = _root_friendly(n, n)
    x = cl.sqrtm(a)
    np.testing.assert_allclose(x, sl.sqrtm(a), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x @ x, a, atol=1e-12)


def test_sqrtm_disp_false_returns_the_residual():
    a = _root_friendly(3, 1)
    x, err = cl.sqrtm(a, disp=False)
    assert 0 <= err < 1e-13 and np.allclose(x @ x, a)


def test_sqrtm_derivatives_match_finite_differences_to_second_order():
    cr.check_grads(cl.sqrtm, (_root_friendly(3, 2),), order=2)


def test_sqrtm_of_a_matrix_with_a_negative_eigenvalue_says_why():
    with pytest.raises(ValueError, match="negative real axis"):
        cl.sqrtm(np.diag([1.0, -2.0]))


# ---- expm -----------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [0.01, 1.0, 10.0, 60.0])
def test_expm_matches_scipy_across_scaling(scale):
    """Small and large norms (no squaring, and many squarings)."""
    a = scale * RNG.standard_normal((4, 4)) / 4
    want = sl.expm(a)
    np.testing.assert_allclose(cl.expm(a), want, rtol=1e-11 * max(1, scale),
                               atol=1e-13 * np.abs(want).max())


def test_expm_of_a_diagonal_matrix_is_the_elementwise_exponential():
    """e^diag(d) = diag(e^d); d/dd_i tr e^diag(d) = e^{d_i}."""
    d = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(cl.expm(np.diag(d)), np.diag(np.exp(d)), rtol=1e-14)
    g = cr.grad(lambda a: cr.numpy.trace(cl.expm(a)))(np.diag(d))
    np.testing.assert_allclose(g, np.diag(np.exp(d)), rtol=1e-12, atol=1e-14)


def test_expm_derivatives_match_finite_differences_to_second_order():
    cr.check_grads(cl.expm, (RNG.standard_normal((3, 3)),), order=2)
    cr.check_grads(cl.expm, (8 * RNG.standard_normal((3, 3)),), rtol=1e-6)


def test_expm_frechet_derivative_matches_scipy_expm_frechet():
    """The JVP is L(A, E); SciPy computes the same Fréchet derivative its own way."""
    a, e = RNG.standard_normal((4, 4)), RNG.standard_normal((4, 4))
    _, tangent = cr.jvp(cl.expm, (a,), (e,))
    np.testing.assert_allclose(tangent, sl.expm_frechet(a, e, compute_expm=False),
                               rtol=1e-11)


# ---- solve_sylvester ------------------------------------------------------------------------

@pytest.mark.parametrize("n,m", [(1, 1), (3, 2), (2, 4)])
def test_solve_sylvester_matches_scipy(n, m):
    a, b = _general(n, n), _general(m, m + 10)
    q = RNG.standard_normal((n, m))
    x = cl.solve_sylvester(a, b, q)
    np.testing.assert_allclose(x, sl.solve_sylvester(a, b, q), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(a @ x + x @ b, q, atol=1e-12)


def test_solve_sylvester_derivatives_match_finite_differences_to_second_order():
    a, b, q = _general(3, 1), _general(2, 2), RNG.standard_normal((3, 2))
    cr.check_grads(cl.solve_sylvester, (a, b, q), order=2)


def test_solve_sylvester_with_a_wrong_q_shape_names_the_shapes():
    with pytest.raises(ValueError, match=r"q must have shape \(2, 3\)"):
        cl.solve_sylvester(np.eye(2), np.eye(3), np.ones((3, 2)))


# ---- solve_banded ---------------------------------------------------------------------------

@pytest.mark.parametrize("l_and_u", [(0, 0), (1, 1), (1, 2), (2, 0), (0, 3)])
@pytest.mark.parametrize("rhs", [(5,), (5, 2)])
def test_solve_banded_matches_scipy(l_and_u, rhs):
    low, up = l_and_u
    ab = RNG.standard_normal((low + up + 1, 5))
    ab[up] += 4.0      # a dominant diagonal
    b = RNG.standard_normal(rhs)
    np.testing.assert_allclose(cl.solve_banded(l_and_u, ab, b), sl.solve_banded(l_and_u, ab, b),
                               rtol=1e-11, atol=1e-13)


def test_solve_banded_derivatives_match_finite_differences_and_ignore_the_corners():
    """Entries of ab outside the band (top-left and bottom-right corners) are never read."""
    ab = RNG.standard_normal((4, 5))
    ab[2] += 4.0
    b = RNG.standard_normal(5)
    cr.check_grads(lambda ab, b: cl.solve_banded((1, 2), ab, b), (ab, b))
    g = cr.grad(lambda ab: cr.numpy.sum(cl.solve_banded((1, 2), ab, b)))(ab)
    assert g[0, 0] == g[0, 1] == g[1, 0] == g[3, 4] == 0 and g[2, 0] != 0


def test_solve_banded_with_a_wrong_number_of_rows_says_so():
    with pytest.raises(ValueError, match="l \\+ u \\+ 1 = 3"):
        cl.solve_banded((1, 1), np.ones((2, 4)), np.ones(4))


# ---- stacks, complex matrices, float32 --------------------------------------------------------

def test_expm_sqrtm_and_solve_sylvester_work_on_stacks_of_matrices():
    a = RNG.standard_normal((2, 3, 3)) / 2
    np.testing.assert_allclose(cl.expm(a), np.stack([sl.expm(m) for m in a]), rtol=1e-12)
    r = np.stack([_root_friendly(3, s) for s in (1, 2)])
    np.testing.assert_allclose(cl.sqrtm(r), np.stack([sl.sqrtm(m) for m in r]), rtol=1e-10)
    b, q = _general(2, 3), RNG.standard_normal((2, 3, 2))
    np.testing.assert_allclose(cl.solve_sylvester(r, b, q),
                               np.stack([sl.solve_sylvester(x, b, y) for x, y in zip(r, q)]),
                               rtol=1e-10)
    cr.check_grads(cl.expm, (a,))
    cr.check_grads(cl.sqrtm, (r,))


def test_complex_matrices_match_scipy():
    a = RNG.standard_normal((4, 4)) + 1j * RNG.standard_normal((4, 4))
    shifted = a + 4 * np.eye(4)
    np.testing.assert_allclose(cl.expm(a), sl.expm(a), atol=1e-13)
    np.testing.assert_allclose(cl.sqrtm(shifted), sl.sqrtm(shifted), atol=1e-13)
    for x, y in zip(cl.lu(a), sl.lu(a)):
        np.testing.assert_allclose(x, y, atol=1e-14)
    np.testing.assert_allclose(cl.solve_sylvester(shifted, shifted.T, a),
                               sl.solve_sylvester(shifted, shifted.T, a), atol=1e-13)
    np.testing.assert_allclose(cl.solve_triangular(a, a[:, :2], trans="C", lower=True),
                               sl.solve_triangular(a, a[:, :2], trans="C", lower=True),
                               atol=1e-13)


def test_float32_matrices_give_float32_results():
    a = (np.eye(3) * 2 + 0.1 * RNG.standard_normal((3, 3))).astype(np.float32)
    for f in (cl.expm, cl.sqrtm, lambda a: cl.lu(a)[2], lambda a: cl.lu_factor(a)[0]):
        out = f(a)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, f(a.astype(np.float64)), rtol=1e-5, atol=1e-6)


# ---- the names shared with numpy.linalg, with SciPy's defaults ---------------------------------

def test_shared_names_match_scipy_with_scipys_defaults():
    a, s, r = _general(4, 11), _spd(4, 12), RNG.standard_normal((5, 3))
    b = RNG.standard_normal((4, 2))
    e = RNG.standard_normal((4, 4))
    pairs = [
        (cl.inv(a), sl.inv(a)), (cl.det(a), sl.det(a)),
        (cl.solve(a, b), sl.solve(a, b)),
        (cl.solve(a, b, transposed=True), sl.solve(a, b, transposed=True)),
        (cl.cholesky(s), sl.cholesky(s)),                      # upper by default
        (cl.cholesky(s, lower=True), sl.cholesky(s, lower=True)),
        (cl.eigh(s)[0], sl.eigh(s)[0]), (cl.eigh(s, eigvals_only=True), sl.eigvalsh(s)),
        (cl.eigvalsh(s, lower=False), sl.eigvalsh(s, lower=False)),
        (cl.svd(r, full_matrices=False)[1], sl.svd(r, full_matrices=False)[1]),
        (cl.svdvals(r), sl.svdvals(r)), (cl.norm(r), sl.norm(r)), (cl.pinv(r), sl.pinv(r)),
        (cl.expm_frechet(a / 4, e)[0], sl.expm_frechet(a / 4, e)[0]),
        (cl.expm_frechet(a / 4, e)[1], sl.expm_frechet(a / 4, e)[1]),
    ]
    for got, want in pairs:
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-13)
    assert cl.pinv(r, return_rank=True)[1] == sl.pinv(r, return_rank=True)[1] == 3


def test_shared_names_derivatives_match_finite_differences():
    a, s, b = _general(3, 13), _spd(3, 14), RNG.standard_normal(3)
    cr.check_grads(lambda a, b: cl.solve(a, b, transposed=True), (a, b))
    cr.check_grads(lambda s: cl.cholesky(s), (s,))
    cr.check_grads(lambda s: cl.eigvalsh(s), (s,))
    cr.check_grads(lambda a: cl.expm_frechet(a, s, compute_expm=False), (a / 3,))


def test_generalized_eigh_says_it_is_not_supported():
    with pytest.raises(NotImplementedError, match="generalized problem"):
        cl.eigh(np.eye(2), np.eye(2))
