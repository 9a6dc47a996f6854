"""Linear algebra through NumPy's own names: every product, solver, decomposition and norm.

Each case is a function ``f(m, *args)`` written against a NumPy-like module ``m``; it runs
with ``m = numpy`` on traced values (NumPy's dispatch) and with ``m = chainrule.numpy``, and
is checked for: NumPy's values; forward and reverse mode against central differences, to
second order (``check_grads(order=2)``); both spellings giving the same derivatives; float32
in, float32 out. Matrices are well conditioned (singular values or eigenvalues spread over
[1, 3], at least 0.25 apart). Eigenvectors and singular vectors are only looked at through
quantities that do not depend on their signs (V diag(c) Vᵀ, |V|, U diag(s) Vᵀ ...).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

RNG = np.random.default_rng(20240611)


def _orth(n, batch=()):
    q, r = np.linalg.qr(RNG.standard_normal(tuple(batch) + (n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def _spread(batch, k, lo, hi):
    step = (hi - lo) / k
    return lo + step * (np.arange(k) + RNG.uniform(0.25, 0.75, tuple(batch) + (k,)))


def N(*shape):
    """Standard normal entries."""
    return RNG.standard_normal(shape)


def W(*shape):
    """Well conditioned: U diag(s) Vᵀ, distinct s in [1, 3]."""
    *batch, m, n = shape
    k = min(m, n)
    u, v = _orth(m, batch)[..., :k], _orth(n, batch)[..., :k]
    return (u * _spread(batch, k, 1.0, 3.0)[..., None, :]) @ np.swapaxes(v, -1, -2)


def S(*shape, lo=1.0, hi=3.0):
    """Symmetric with distinct eigenvalues in [lo, hi] (positive definite by default)."""
    *batch, n, _ = shape
    q = _orth(n, batch)
    return (q * _spread(batch, n, lo, hi)[..., None, :]) @ np.swapaxes(q, -1, -2)


B4 = np.array([0.5, -1.0, 2.0, 0.25])  # a constant operand
C3 = np.array([1.0, -2.0, 0.5])  # fixed weights: V diag(c) Vᵀ is sign-invariant
C2 = np.array([0.7, -1.3])


def _vdv(v, c):
    return (v * c.astype(v.dtype)) @ np.swapaxes(v, -1, -2)


def case(name, f, *args, marks=()):
    return pytest.param(f, args, id=name, marks=marks)


PRODUCTS = [
    case("dot-2d-2d", lambda m, a, b: m.dot(a, b), N(3, 4), N(4, 2)),
    case("dot-1d-1d", lambda m, a, b: m.dot(a, b), N(4), N(4)),
    case("dot-3d-2d", lambda m, a, b: m.dot(a, b), N(2, 3, 4), N(4, 2)),
    case("dot-3d-3d", lambda m, a, b: m.dot(a, b), N(2, 2, 3), N(2, 3, 2)),
    case("dot-3d-1d", lambda m, a, b: m.dot(a, b), N(2, 3, 4), N(4)),
    case("dot-1d-3d", lambda m, a, b: m.dot(a, b), N(3), N(2, 3, 2)),
    case("dot-scalar", lambda m, a, b: m.dot(a, b), N(), N(3, 2)),
    case("method-dot", lambda m, a: a.dot(B4.astype(a.dtype)), N(3, 4)),
    case("vdot", lambda m, a, b: m.vdot(a, b), N(3, 2), N(2, 3)),
    case("inner-2d-3d", lambda m, a, b: m.inner(a, b), N(3, 4), N(2, 2, 4)),
    case("inner-1d", lambda m, a, b: m.inner(a, b), N(4), N(4)),
    case("inner-scalar", lambda m, a, b: m.inner(a, b), N(), N(3)),
    case("outer", lambda m, a, b: m.outer(a, b), N(3), N(2, 2)),
    case("tensordot-int", lambda m, a, b: m.tensordot(a, b, 2), N(2, 3, 4), N(3, 4, 2)),
    case("tensordot-0", lambda m, a, b: m.tensordot(a, b, 0), N(2), N(3)),
    case("tensordot-pairs", lambda m, a, b: m.tensordot(a, b, axes=([1, 2], [2, 0])),
         N(2, 3, 4), N(4, 2, 3)),
    case("tensordot-negative", lambda m, a, b: m.tensordot(a, b, axes=(-1, 0)),
         N(3, 4), N(4, 3)),
    case("einsum-implicit", lambda m, a, b: m.einsum("ij,jk", a, b), N(3, 4), N(4, 2)),
    case("einsum-implicit-order", lambda m, a, b: m.einsum("ba,cb", a, b), N(3, 4), N(2, 3)),
    case("einsum-ellipsis", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b),
         N(2, 3, 4), N(4, 2)),
    case("einsum-implicit-ellipsis", lambda m, a, b: m.einsum("...ij,jk", a, b),
         N(2, 3, 4), N(4, 2)),
    case("einsum-broadcast-ellipsis", lambda m, a, b: m.einsum("...i,...i->...", a, b),
         N(2, 1, 3), N(4, 3)),
    case("einsum-trace", lambda m, a: m.einsum("ii", a), N(3, 3)),
    case("einsum-diagonal-ellipsis", lambda m, a: m.einsum("...ii->...i", a), N(2, 3, 3)),
    case("einsum-sublist", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]),
         N(3, 4), N(4, 2)),
    case("einsum-sublist-implicit", lambda m, a, b: m.einsum(a, [Ellipsis, 1], b, [1]),
         N(2, 3), N(3)),
    case("einsum-3-operands-optimize",
         lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c, optimize=True),
         N(2, 3), N(3, 4), N(4, 2)),
    case("kron-2d", lambda m, a, b: m.kron(a, b), N(2, 3), N(2, 2)),
    case("kron-1d-2d", lambda m, a, b: m.kron(a, b), N(3), N(2, 2)),
    case("kron-3d-2d", lambda m, a, b: m.kron(a, b), N(2, 1, 2), N(2, 3)),
    case("trace", lambda m, a: m.trace(a), N(3, 3)),
    case("trace-offset-axes", lambda m, a: m.trace(a, 1, 2, 0), N(2, 3, 4)),
    case("trace-negative-offset", lambda m, a: m.trace(a, offset=-1), N(4, 3)),
    case("diagonal", lambda m, a: m.diagonal(a), N(3, 4)),
    case("diagonal-offset-axes", lambda m, a: m.diagonal(a, -1, 2, 1), N(2, 3, 4)),
    case("diagonal-swapped-axes", lambda m, a: m.diagonal(a, 1, axis1=1, axis2=0), N(3, 4)),
    case("cross", lambda m, a, b: m.cross(a, b), N(3), N(3)),
    case("cross-broadcast", lambda m, a, b: m.cross(a, b), N(4, 3), N(3)),
    case("cross-axes", lambda m, a, b: m.cross(a, b, axisa=0, axisb=1, axisc=0),
         N(3, 2), N(2, 3)),
    case("cross-axis", lambda m, a, b: m.cross(a, b, axis=0), N(3, 4), N(3, 4)),
    case("cross-2d-vectors", lambda m, a, b: m.cross(a, b), N(4, 2), N(4, 2)),
    case("cross-2d-3d", lambda m, a, b: m.cross(a, b), N(2), N(3)),
    case("vecdot-ufunc", lambda m, a, b: m.vecdot(a, b), N(3, 4), N(4)),
    case("matvec-ufunc", lambda m, a, b: m.matvec(a, b), N(2, 3, 4), N(4)),
    case("vecmat-ufunc", lambda m, a, b: m.vecmat(a, b), N(3), N(2, 3, 4)),
    case("matrix_transpose", lambda m, a: m.matrix_transpose(a), N(2, 3, 4)),
    case("linalg.matmul", lambda m, a, b: m.linalg.matmul(a, b), N(2, 3, 4), N(4, 2)),
    case("linalg.outer", lambda m, a, b: m.linalg.outer(a, b), N(3), N(4)),
    case("linalg.tensordot", lambda m, a, b: m.linalg.tensordot(a, b, axes=1),
         N(2, 3), N(3, 2)),
    case("linalg.trace", lambda m, a: m.linalg.trace(a, offset=1), N(2, 3, 3)),
    case("linalg.diagonal", lambda m, a: m.linalg.diagonal(a, offset=1), N(2, 3, 4)),
    case("linalg.cross", lambda m, a, b: m.linalg.cross(a, b), N(2, 3), N(3)),
    case("linalg.vecdot", lambda m, a, b: m.linalg.vecdot(a, b, axis=0), N(3, 4), N(3, 4)),
    case("linalg.matrix_transpose", lambda m, a: m.linalg.matrix_transpose(a), N(3, 2)),
    case("linalg.multi_dot", lambda m, a, b, c, d: m.linalg.multi_dot([a, b, c, d]),
         N(2, 3), N(3, 4), N(4, 5), N(5, 2)),
    case("linalg.multi_dot-vectors", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]),
         N(3), N(3, 4), N(4)),
    case("linalg.multi_dot-two", lambda m, a, b: m.linalg.multi_dot([a, b]), N(3, 4), N(4)),
]

SOLVERS = [
    case("inv", lambda m, a: m.linalg.inv(a), W(3, 3)),
    case("inv-batched", lambda m, a: m.linalg.inv(a), W(2, 3, 3)),
    case("solve-vector", lambda m, a, b: m.linalg.solve(a, b), W(3, 3), N(3)),
    case("solve-batched-vector", lambda m, a, b: m.linalg.solve(a, b), W(2, 3, 3), N(3)),
    case("solve-batched-matrix", lambda m, a, b: m.linalg.solve(a, b), W(2, 3, 3), N(2, 3, 2)),
    case("solve-broadcast", lambda m, a, b: m.linalg.solve(a, b), W(3, 3), N(2, 3, 2)),
    case("det", lambda m, a: m.linalg.det(a), W(3, 3)),
    case("det-batched", lambda m, a: m.linalg.det(a), W(2, 3, 3)),
    case("slogdet", lambda m, a: m.linalg.slogdet(a).logabsdet, W(2, 3, 3)),
    case("slogdet-sign-times-exp", lambda m, a: m.linalg.slogdet(a)[0]
         * m.exp(m.linalg.slogdet(a)[1]), W(3, 3)),
    case("pinv-tall", lambda m, a: m.linalg.pinv(a), W(4, 2)),
    case("pinv-wide-batched", lambda m, a: m.linalg.pinv(a), W(2, 2, 3)),
    case("pinv-square", lambda m, a: m.linalg.pinv(a), W(3, 3)),
    case("pinv-hermitian", lambda m, a: m.linalg.pinv(a, hermitian=True), S(3, 3, lo=-2)),
    case("pinv-rank-1,rcond", lambda m, a: m.linalg.pinv(a, rcond=1e-3),
         np.outer(N(3), N(4))),
    case("pinv-rtol", lambda m, a: m.linalg.pinv(a, rtol=1e-6), W(3, 2)),
    case("matrix_power-3", lambda m, a: m.linalg.matrix_power(a, 3), N(3, 3)),
    case("matrix_power-5-batched", lambda m, a: m.linalg.matrix_power(a, 5), 0.5 * N(2, 2, 2)),
    case("matrix_power-negative", lambda m, a: m.linalg.matrix_power(a, -2), W(3, 3)),
    case("matrix_power-1", lambda m, a: m.linalg.matrix_power(a, 1), N(2, 2)),
    case("lstsq-x", lambda m, a, b: m.linalg.lstsq(a, b)[0], W(4, 2), N(4)),
    case("lstsq-x-matrix-b", lambda m, a, b: m.linalg.lstsq(a, b, rcond=None)[0],
         W(4, 3), N(4, 2)),
    case("lstsq-underdetermined", lambda m, a, b: m.linalg.lstsq(a, b)[0], W(2, 4), N(2)),
    case("lstsq-residuals", lambda m, a, b: m.linalg.lstsq(a, b)[1], W(4, 2), N(4, 3)),
    case("lstsq-residuals-vector", lambda m, a, b: m.linalg.lstsq(a, b)[1], W(4, 2), N(4)),
    case("lstsq-singular-values", lambda m, a, b: m.linalg.lstsq(a, b)[3], W(4, 2), N(4)),
    case("tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=2), W(6, 6).reshape(2, 3, 6)),
    case("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b),
         W(6, 6).reshape(2, 3, 2, 3), N(2, 3)),
    case("tensorsolve-axes", lambda m, a, b: m.linalg.tensorsolve(a, b, axes=(0,)),
         W(6, 6).reshape(6, 2, 3), N(2, 3)),
    case("cond", lambda m, a: m.linalg.cond(a), W(3, 3)),
    case("cond-batched-2", lambda m, a: m.linalg.cond(a, 2), W(2, 3, 3)),
    case("cond--2", lambda m, a: m.linalg.cond(a, -2), W(3, 2)),
    case("cond-fro", lambda m, a: m.linalg.cond(a, "fro"), W(3, 3)),
    case("cond-nuc", lambda m, a: m.linalg.cond(a, "nuc"), W(3, 3)),
    case("cond-1", lambda m, a: m.linalg.cond(a, 1), W(3, 3)),
    case("cond-inf", lambda m, a: m.linalg.cond(a, np.inf), W(3, 3)),
]

DECOMPOSITIONS = [
    case("cholesky", lambda m, a: m.linalg.cholesky(a), S(3, 3)),
    case("cholesky-batched-upper", lambda m, a: m.linalg.cholesky(a, upper=True), S(2, 3, 3)),
    case("cholesky-of-B-Bt",
         lambda m, b: m.linalg.cholesky(b @ b.T + 2 * np.eye(3, dtype=b.dtype)), N(3, 3)),
    case("qr-tall", lambda m, a: m.concatenate([r.ravel() for r in m.linalg.qr(a)]), W(4, 3)),
    case("qr-batched", lambda m, a: m.linalg.qr(a).Q, W(2, 3, 2)),
    case("qr-wide", lambda m, a: m.concatenate([r.ravel() for r in m.linalg.qr(a)]), W(2, 4)),
    case("qr-r", lambda m, a: m.linalg.qr(a, mode="r"), W(3, 3)),
    case("qr-complete-wide", lambda m, a: m.linalg.qr(a, mode="complete")[0], W(2, 3)),
    case("eigh-eigenvalues", lambda m, a: m.linalg.eigh(a).eigenvalues, S(3, 3, lo=-2)),
    case("eigh-V-diag-c-Vt", lambda m, a: _vdv(m.linalg.eigh(a)[1], C3), S(3, 3, lo=-2)),
    case("eigh-abs-V", lambda m, a: m.abs(m.linalg.eigh(a)[1]), S(2, 3, 3)),
    case("eigh-UPLO-U", lambda m, a: _vdv(m.linalg.eigh(a, UPLO="U")[1], C3), S(3, 3)),
    case("eigh-reads-lower", lambda m, a: _vdv(m.linalg.eigh(a)[1], C3) + m.linalg.eigh(a)[0],
         np.tril(S(3, 3)) + np.triu(N(3, 3), 1)),
    case("eigvalsh", lambda m, a: m.linalg.eigvalsh(a), S(2, 3, 3, lo=-2)),
    case("eigvalsh-U", lambda m, a: m.linalg.eigvalsh(a, "U"), S(3, 3)),
    case("svd-reconstruct-tall", lambda m, a: (lambda u, s, vh: (u * s) @ vh)(
        *m.linalg.svd(a, full_matrices=False)), W(4, 3)),
    case("svd-U-diag-c-Ut", lambda m, a: _vdv(m.linalg.svd(a, full_matrices=False)[0], C2),
         W(4, 2)),
    case("svd-V-diag-c-Vt-wide", lambda m, a: _vdv(m.matrix_transpose(
        m.linalg.svd(a, full_matrices=False)[2]), C2), W(2, 4)),
    case("svd-abs-U-batched", lambda m, a: m.abs(m.linalg.svd(a, full_matrices=False).U),
         W(2, 3, 2)),
    case("svd-U-diag-c-Vh-square-full",
         lambda m, a: (lambda u, s, vh: (u * C3.astype(u.dtype)) @ vh)(*m.linalg.svd(a)),
         W(3, 3)),
    case("svd-s", lambda m, a: m.linalg.svd(a, compute_uv=False), W(3, 4)),
    case("svd-hermitian-s", lambda m, a: m.linalg.svd(a, compute_uv=False, hermitian=True),
         S(3, 3)),
    case("svdvals", lambda m, a: m.linalg.svdvals(a), W(2, 4, 3)),
    case("matrix_rank-passthrough", lambda m, a: m.linalg.det(a) * float(m.linalg.matrix_rank(a)),
         W(3, 3)),
]

_VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 0.5, -1.5]
_MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]
NORMS = (
    [case(f"norm-vector-ord={o}", lambda m, x, o=o: m.linalg.norm(x, o), N(4))
     for o in _VECTOR_ORDS]
    + [case(f"norm-matrix-ord={o}", lambda m, x, o=o: m.linalg.norm(x, o), W(3, 4))
       for o in _MATRIX_ORDS]
    + [case(f"norm-vector-axis=1,keepdims,ord={o}",
            lambda m, x, o=o: m.linalg.norm(x, o, axis=1, keepdims=True), N(3, 4))
       for o in (None, 1, np.inf, 3)]
    + [case(f"norm-matrix-axes=(2,0),ord={o}",
            lambda m, x, o=o: m.linalg.norm(x, o, axis=(2, 0)), N(3, 2, 4))
       for o in _MATRIX_ORDS]
    + [case("norm-matrix-keepdims-nuc",
            lambda m, x: m.linalg.norm(x, "nuc", axis=(-1, -2), keepdims=True), N(2, 3, 4)),
       case("norm-default-3d", lambda m, x: m.linalg.norm(x), N(2, 3, 2)),
       case("norm-default-keepdims", lambda m, x: m.linalg.norm(x, keepdims=True), N(3, 2)),
       case("vector_norm-axes", lambda m, x: m.linalg.vector_norm(x, axis=(0, 2), ord=3),
            N(2, 3, 2)),
       case("vector_norm-all", lambda m, x: m.linalg.vector_norm(x, keepdims=True), N(2, 3)),
       case("vector_norm-inf", lambda m, x: m.linalg.vector_norm(x, axis=-1, ord=np.inf),
            N(2, 3)),
       case("matrix_norm-batched", lambda m, x: m.linalg.matrix_norm(x), N(2, 3, 4)),
       case("matrix_norm-2-keepdims", lambda m, x: m.linalg.matrix_norm(x, ord=2, keepdims=True),
            W(2, 3, 4)),
       case("matrix_norm-nuc", lambda m, x: m.linalg.matrix_norm(x, ord="nuc"), W(3, 2))]
)

ALL = PRODUCTS + SOLVERS + DECOMPOSITIONS + NORMS


def _quiet(f):
    """NumPy deprecates 2-vectors in cross; the values are still checked."""
    def g(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return f(*args)
    return g


@pytest.mark.parametrize("f, args", ALL)
def test_values_are_numpys(f, args):
    f = _quiet(f)
    want = f(np, *args)
    got = f(cnp, *args)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10, atol=1e-12)
    # on traced values, through NumPy's dispatch: the same value
    out, _ = cr.vjp(lambda *xs: f(np, *xs), *args)
    np.testing.assert_allclose(np.asarray(out), np.asarray(want), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("f, args", ALL)
def test_derivatives_to_second_order(f, args):
    """Forward and reverse against central differences, and the rules differentiated again
    (plain NumPy spelling); then chainrule.numpy's spelling gives the same Jacobians."""
    f = _quiet(f)
    cr.check_grads(lambda *xs: f(np, *xs), args, order=2, atol=1e-6, rtol=1e-5)
    argnums = tuple(range(len(args)))
    j_np = cr.jacrev(lambda *xs: f(np, *xs), argnums)(*args)
    j_cnp = cr.jacfwd(lambda *xs: f(cnp, *xs), argnums)(*args)
    for a, b in zip(j_np, j_cnp, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("f, args", ALL)
def test_float32_stays_float32(f, args):
    f = _quiet(f)
    a32 = tuple(np.asarray(a, np.float32) for a in args)
    out = np.asarray(f(np, *a32))
    w = np.cos(np.arange(out.size)).reshape(out.shape)

    def loss(*xs):
        return cnp.sum(f(np, *xs) * w.astype(np.float32))

    g32 = cr.grad(loss, tuple(range(len(args))))(*a32)
    g64 = cr.grad(lambda *xs: cnp.sum(f(np, *xs) * w), tuple(range(len(args))))(*args)
    for x, a, b in zip(a32, g32, g64, strict=True):
        assert a.dtype == np.float32 and a.shape == x.shape
        scale = max(np.max(np.abs(b), initial=0.0), 1.0)
        np.testing.assert_allclose(a, b, atol=2e-3 * scale, rtol=2e-3)
    _, t = cr.jvp(lambda *xs: f(np, *xs), a32, a32)
    if np.size(t):
        assert np.result_type(t) == np.float32


# ---- named tuples, plain parts, passthrough ---------------------------------------------------

def test_decompositions_return_numpys_named_tuples():
    a = S(3, 3)

    def f(x):
        res = np.linalg.slogdet(x)
        assert type(res).__name__ == "SlogdetResult"
        assert isinstance(res.sign, np.ndarray | np.floating)  # plain: no derivative
        e = np.linalg.eigh(x)
        assert type(e).__name__ == "EighResult"
        q = np.linalg.qr(x)
        assert type(q).__name__ == "QRResult"
        s = np.linalg.svd(x)
        assert type(s).__name__ == "SVDResult"
        return res.logabsdet + np.sum(e.eigenvalues) + np.sum(q.R) + np.sum(s.S)
    cr.grad(f)(a)


def test_lstsq_all_outputs_match_numpy():
    a, b = W(5, 3), N(5, 2)
    for got, want in zip(cnp.linalg.lstsq(a, b), np.linalg.lstsq(a, b), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    r = np.outer(N(4), N(3))  # rank 1: no residuals, NumPy's rank
    got, want = cnp.linalg.lstsq(r, N(4)), np.linalg.lstsq(r, N(4))
    assert got[2] == want[2] == 1 and got[1].shape == want[1].shape == (0,)


def test_nondifferentiable_parts_are_plain():
    a = W(3, 3)

    def f(x):
        rank = np.linalg.matrix_rank(x)
        path = np.einsum_path("ij,jk->ik", x, x)
        count = np.linalg.norm(x[0], 0)
        assert type(rank) is not type(x) and isinstance(path, tuple)
        assert isinstance(count, np.ndarray | np.floating) and count == 3
        return np.sum(x) * rank
    np.testing.assert_allclose(cr.grad(f)(a), 3 * np.ones((3, 3)))


def test_matrix_power_0_is_a_constant():
    a = N(2, 3, 3)
    np.testing.assert_array_equal(cnp.linalg.matrix_power(a, 0),
                                  np.linalg.matrix_power(a, 0))
    g = cr.grad(lambda x: np.sum(np.linalg.matrix_power(x, 0) * x))(a)
    np.testing.assert_array_equal(g, np.broadcast_to(np.eye(3), a.shape))


def test_namespaces_have_chainrules_functions():
    for name in ("inv", "solve", "det", "slogdet", "cholesky", "qr", "eigh", "eigvalsh", "svd",
                 "svdvals", "norm", "vector_norm", "matrix_norm", "pinv", "matrix_power",
                 "lstsq", "multi_dot", "cond", "tensorsolve", "tensorinv", "matmul", "outer",
                 "tensordot", "trace", "diagonal", "cross", "vecdot", "matrix_transpose"):
        assert getattr(cnp.linalg, name) is not getattr(np.linalg, name), name
    for name in ("dot", "vdot", "inner", "outer", "tensordot", "einsum", "kron", "trace",
                 "diagonal", "cross", "matrix_transpose", "vecdot", "matvec", "vecmat"):
        assert getattr(cnp, name) is not getattr(np, name), name


# ---- closed forms -----------------------------------------------------------------------------

def test_closed_form_gradients():
    a = W(3, 3)
    inv = np.linalg.inv(a)
    np.testing.assert_allclose(cr.grad(np.linalg.det)(a), np.linalg.det(a) * inv.T)
    np.testing.assert_allclose(cr.grad(lambda x: np.linalg.slogdet(x)[1])(a), inv.T)
    np.testing.assert_allclose(cr.grad(lambda x: np.trace(x @ x))(a), 2 * a.T)
    np.testing.assert_allclose(cr.grad(lambda x: np.linalg.norm(x, "nuc"))(a),
                               (lambda u, s, vh: u @ vh)(*np.linalg.svd(a)))
    u, s, vh = np.linalg.svd(a)
    np.testing.assert_allclose(cr.grad(lambda x: np.linalg.norm(x, 2))(a),
                               np.outer(u[:, 0], vh[0]))
    x = N(4)
    np.testing.assert_allclose(cr.grad(np.linalg.norm)(x), x / np.linalg.norm(x))
    # eigenvalues of a symmetric matrix read from its lower triangle: ∂w_i/∂A = sym. of v vᵀ
    s3 = S(3, 3, lo=-2)
    w, v = np.linalg.eigh(s3)
    g = cr.jacrev(np.linalg.eigvalsh)(s3)
    for i in range(3):
        vv = np.outer(v[:, i], v[:, i])
        np.testing.assert_allclose(g[i], np.tril(vv + vv.T) - np.diag(np.diag(vv)),
                                   atol=1e-12)


# ---- singular points: finite values, documented conventions -------------------------------------

ZERO_NORMS = [(o, (4,)) for o in (None, 2, 1, np.inf, -np.inf, 3, 0.5)] + [
    (o, (3, 2)) for o in _MATRIX_ORDS]


@pytest.mark.parametrize("o, shape", ZERO_NORMS, ids=[f"{o}-{s}" for o, s in ZERO_NORMS])
def test_norm_gradient_at_zero_is_zero(o, shape):
    """At x = 0 every norm's gradient is 0 (a subgradient), in both modes and at second
    order — never NaN."""
    x = np.zeros(shape)
    f = lambda z: np.linalg.norm(z, o)
    assert cr.grad(f)(x).tolist() == np.zeros(shape).tolist()
    assert np.all(cr.jacfwd(f)(x) == 0)
    assert np.all(cr.hessian(f)(x) == 0)


def test_eigenvalue_functions_at_repeated_eigenvalues():
    """At repeated eigenvalues the eigenvalues' symmetric functions keep their exact,
    finite gradients: ∇ tr(A) = I, ∇ Σ w² = ∇ ‖S‖²_F (S read from the lower triangle)."""
    q = _orth(3)
    a = q @ np.diag([1.0, 1.0, 3.0]) @ q.T
    for x in (np.eye(3), a):
        g = cr.grad(lambda z: np.sum(np.linalg.eigvalsh(z)))(x)
        np.testing.assert_allclose(g, np.eye(3), atol=1e-12)
        g = cr.grad(lambda z: np.sum(np.linalg.eigvalsh(z) ** 2))(x)
        np.testing.assert_allclose(g, 2 * np.tril(x) + 2 * np.tril(x, -1), atol=1e-12)
        assert np.all(np.isfinite(cr.grad(lambda z: np.sum(np.linalg.eigh(z)[1]))(x)))


def test_singular_value_functions_at_rank_deficient_and_repeated():
    """Finite gradients at zero and repeated singular values (S⁻¹, F taken as 0 there)."""
    r = np.outer(N(4), N(3))  # rank 1, two zero singular values
    g = cr.grad(lambda z: np.sum(np.linalg.svd(z, compute_uv=False)))(r)
    u, s, vh = np.linalg.svd(r, full_matrices=False)
    np.testing.assert_allclose(g, u @ vh, atol=1e-12)  # d Σs = U Vᵀ
    for f in (lambda z: np.sum(np.linalg.svd(z, full_matrices=False)[0]),
              lambda z: np.linalg.norm(z, "nuc")):
        assert np.all(np.isfinite(cr.grad(f)(r)))
        assert np.all(np.isfinite(cr.jacfwd(f)(r)))
    g = cr.grad(lambda z: np.linalg.norm(z, "nuc"))(2 * np.eye(3))  # repeated s = 2
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


# ---- errors that name the way out -------------------------------------------------------------

def test_errors_say_what_to_do():
    a = W(4, 3)
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        cr.grad(lambda x: np.sum(np.linalg.svd(x)[0]))(a)
    with pytest.raises(NotImplementedError, match="mode='reduced'"):
        cr.grad(lambda x: np.sum(np.linalg.qr(x, mode="complete")[0]))(a)
    with pytest.raises(NotImplementedError, match="mode='reduced'"):
        cr.grad(lambda x: np.sum(np.linalg.qr(x, mode="raw")[0]))(a)
    with pytest.raises(TypeError, match="out="):
        cr.grad(lambda x: np.sum(np.dot(x, x.T, out=np.empty((4, 4)))))(a)
    with pytest.raises(TypeError, match="out="):
        cr.grad(lambda x: np.sum(np.einsum("ij->", x, out=np.empty(()))))(a)
