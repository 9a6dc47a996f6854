"""Matrix factorizations and matrix functions of ``scipy.linalg``, in NumPy (SciPy not needed).

Notation as in :mod:`chainrule.ops.linalg`: ``g`` the output's adjoint ā, ``t`` a tangent ȧ,
``ans`` the output, ``Xᵀ`` the transpose. Every rule is written with chainrule primitives, so
it differentiates again. The primitives (square matrices) are

* ``lu_packed`` — LU with partial pivoting (Doolittle, row interchanges as LAPACK's getrf):
  A[perm] = L U. A primitive returns one array, so the pivots (LAPACK's ``piv``: row k was
  swapped with row piv[k]) are packed as the first row, over L (strictly lower, unit
  diagonal) + U (upper) as rows 1..n. With A' = A[perm] and F = L⁻¹ Ȧ' U⁻¹:
  L̇ = L stril(F), U̇ = triu(F) U; Ā' = L⁻ᵀ (stril(Lᵀ L̄) + triu(Ū Uᵀ)) U⁻ᵀ.
* ``solve_sylvester`` — X with A X + X B = Q (the Kronecker form
  (A ⊗ I + I ⊗ Bᵀ) vec X = vec Q, solved densely: O((nm)³), for small systems):
  Ẋ = S(A, B, Q̇ - Ȧ X - X Ḃ); with Y = S(Aᵀ, Bᵀ, X̄): Q̄ = Y, Ā = -Y Xᵀ, B̄ = -Xᵀ Y.
* ``sqrtm`` — the principal square root (Denman–Beavers iteration, product form with
  determinant scaling): X Ẋ + Ẋ X = Ȧ, so Ẋ = S(X, X, Ȧ) and Ā = S(Xᵀ, Xᵀ, X̄).
* ``expm`` — e^A by scaling and squaring with the [13/13] Padé approximant (Higham 2005).
  Its Fréchet derivative L(A, E) is the upper-right block of expm([[A, E], [0, A]])
  (Mathias 1996), so Ẋ = L(A, Ȧ) and Ā = L(Aᵀ, X̄), each one expm of a 2n×2n matrix.

Stacks of matrices (leading batch axes, broadcast) work for ``solve_sylvester``, ``sqrtm``
and ``expm`` (a loop over the batch); ``lu_packed`` takes one matrix.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Primitive, document_primitives, full_unwrap
from .index import getitem
from .linalg import _mask, _masked, _mT, matmul, solve
from .shape import concatenate_pieces

__all__ = ["lu_packed", "lu_perm", "solve_sylvester", "sqrtm", "expm"]


def _square(a: np.ndarray, name: str) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{name}: expected a square 2-D matrix, got shape {a.shape}")
    return a


def _batched(core):
    """``core`` on square 2-D matrices, applied over broadcast leading (batch) axes."""
    def impl(*arrays):
        arrays = [np.asarray(x) for x in arrays]
        batch = np.broadcast_shapes(*[x.shape[:-2] for x in arrays])
        if not batch:
            return core(*arrays)
        arrays = [np.broadcast_to(x, batch + x.shape[-2:]) for x in arrays]
        outs = [core(*[x[i] for x in arrays]) for i in np.ndindex(*batch)]
        return np.stack(outs).reshape(batch + outs[0].shape)
    impl.__name__ = core.__name__
    return impl


def _float(a: np.ndarray) -> np.ndarray:
    """A floating copy: float32 (and complex) stay as they are, integers become float64."""
    return a.astype(a.dtype if np.issubdtype(a.dtype, np.inexact) else np.float64, copy=True)


# ---- LU ----------------------------------------------------------------------------------

def _lu_impl(a):
    a = _float(_square(a, "lu"))
    n = a.shape[0]
    piv = np.zeros(n, dtype=a.real.dtype)
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        piv[k] = p
        if p != k:
            a[[k, p]] = a[[p, k]]
        if a[k, k] != 0:
            a[k + 1:, k] /= a[k, k]
            a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    return np.concatenate([piv.astype(a.dtype)[None], a])


def lu_perm(piv: np.ndarray) -> np.ndarray:
    """The row order of LAPACK-style pivots: A[perm] = L U, from the swaps k <-> piv[k]."""
    piv = np.asarray(np.real(piv)).astype(np.intp)
    perm = np.arange(piv.shape[0])
    for k, p in enumerate(piv):
        perm[k], perm[p] = perm[p], perm[k]
    return perm


def _lu_parts(packed):
    lu = getitem(packed, slice(1, None))
    n = full_unwrap(packed).shape[1]
    eye = _mask("eye", n, full_unwrap(packed).dtype)
    return _masked(lu, "stril") + eye, _masked(lu, "triu")


def _lu_vjp(g, ans, a):
    low, up = _lu_parts(ans)
    gm = getitem(g, slice(1, None))
    inner = _masked(matmul(_mT(low), _masked(gm, "stril")), "stril") + _masked(
        matmul(_masked(gm, "triu"), _mT(up)), "triu")
    a_perm = _mT(solve(up, _mT(solve(_mT(low), inner))))   # L⁻ᵀ (…) U⁻ᵀ
    perm = lu_perm(full_unwrap(ans)[0])
    return getitem(a_perm, np.argsort(perm))


def _lu_jvp(t, ans, a):
    low, up = _lu_parts(ans)
    perm = lu_perm(full_unwrap(ans)[0])
    f = _mT(solve(_mT(up), _mT(solve(low, getitem(t, perm)))))   # L⁻¹ Ȧ' U⁻¹
    d = matmul(low, _masked(f, "stril")) + matmul(_masked(f, "triu"), up)
    zero = np.zeros((1, full_unwrap(ans).shape[1]), full_unwrap(ans).dtype)
    return concatenate_pieces(zero, d, axis=0)


lu_packed = Primitive(_lu_impl, "lu_packed")
"""LU with partial pivoting, packed (n+1, n): row 0 the pivots piv (row k swapped with
piv[k]), rows 1..n L (strictly lower part, unit diagonal implied) + U (upper part), with
A[perm] = L U. With A' = A[perm], F = L⁻¹ Ȧ' U⁻¹: L̇ = L stril(F), U̇ = triu(F) U;
Ā' = L⁻ᵀ (stril(Lᵀ L̄) + triu(Ū Uᵀ)) U⁻ᵀ, Ā = Ā' in the original row order. The pivots
are piecewise constant (their adjoint is ignored, their tangent 0). Nonsingular A only."""
lu_packed.defvjp(_lu_vjp)
lu_packed.defjvp(_lu_jvp)


# ---- Sylvester equations -------------------------------------------------------------------

def _sylvester_impl(a, b, q):
    a, b, q = np.asarray(a), np.asarray(b), np.asarray(q)
    n, m = _square(a, "solve_sylvester (a)").shape[0], _square(b, "solve_sylvester (b)").shape[0]
    dtype = np.result_type(a, b, q, np.float16)
    if q.shape != (n, m):
        raise ValueError(f"solve_sylvester: q must have shape {(n, m)} for a {a.shape} and "
                         f"b {b.shape}, got {q.shape}")
    # row-major vec: vec(A X) = (A ⊗ I_m) vec X, vec(X B) = (I_n ⊗ Bᵀ) vec X
    k = np.kron(a, np.eye(m, dtype=dtype)) + np.kron(np.eye(n, dtype=dtype), b.T)
    return np.linalg.solve(k, q.reshape(-1).astype(dtype, copy=False)).reshape(n, m)


def _sylvester_jvp_a(t, ans, a, b, q):
    return solve_sylvester(a, b, -matmul(t, ans))


def _sylvester_jvp_b(t, ans, a, b, q):
    return solve_sylvester(a, b, -matmul(ans, t))


solve_sylvester = Primitive(_batched(_sylvester_impl), "solve_sylvester")
"""X with A X + X B = Q (Kronecker form, dense solve of the nm×nm system): with
Y = S(Aᵀ, Bᵀ, X̄): Q̄ = Y, Ā = -Y Xᵀ, B̄ = -Xᵀ Y; Ẋ = S(A, B, Q̇ - Ȧ X - X Ḃ)."""
solve_sylvester.defvjp(
    lambda g, ans, a, b, q: -matmul(solve_sylvester(_mT(a), _mT(b), g), _mT(ans)),
    lambda g, ans, a, b, q: -matmul(_mT(ans), solve_sylvester(_mT(a), _mT(b), g)),
    lambda g, ans, a, b, q: solve_sylvester(_mT(a), _mT(b), g))
solve_sylvester.defjvp(_sylvester_jvp_a, _sylvester_jvp_b,
                       lambda t, ans, a, b, q: solve_sylvester(a, b, t))


# ---- the principal square root --------------------------------------------------------------

def _sqrtm_impl(a):
    a = _float(_square(a, "sqrtm"))
    n = a.shape[0]
    if n == 0:
        return a
    w = np.linalg.eigvals(a)
    if np.any((np.abs(w.imag) <= 1e-14 * np.max(np.abs(w))) & (w.real <= 0)):
        raise ValueError(
            "sqrtm: the matrix has an eigenvalue on the closed negative real axis "
            f"({w[np.argmin(w.real)]}); chainrule's sqrtm (Denman–Beavers) computes the "
            "principal square root only where it is unique and differentiable: every "
            "eigenvalue off (-∞, 0]. For a symmetric positive semi-definite matrix use "
            "eigh: V diag(√w) Vᵀ.")
    eye = np.eye(n, dtype=a.dtype)
    y, m = a.copy(), a.copy()
    for _ in range(100):
        mu = a.real.dtype.type(abs(np.linalg.det(m)) ** (-1.0 / (2 * n)))
        m_inv = np.linalg.inv(m)
        y = mu * y @ (eye + m_inv / mu ** 2) / 2
        m = (eye + (mu ** 2 * m + m_inv / mu ** 2) / 2) / 2
        if np.linalg.norm(m - eye, 1) <= 4 * n * np.finfo(a.dtype).eps:
            break
    # one Newton step on X² = A (X ← (X + X⁻¹ A) / 2) polishes the last digits
    return (y + np.linalg.solve(y, a)) / 2


sqrtm = Primitive(_batched(_sqrtm_impl), "sqrtm")
"""The principal square root X = √A (Denman–Beavers, scaled product form, one Newton
polish): X Ẋ + Ẋ X = Ȧ, so Ẋ = S(X, X, Ȧ) and Ā = S(Xᵀ, Xᵀ, X̄) (S = solve_sylvester).
Every eigenvalue of A must lie off (-∞, 0]."""
sqrtm.defvjp(lambda g, ans, a: solve_sylvester(_mT(ans), _mT(ans), g))
sqrtm.defjvp(lambda t, ans, a: solve_sylvester(ans, ans, t))


# ---- the matrix exponential -----------------------------------------------------------------

_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm_impl(a):
    a = _float(_square(a, "expm"))
    n = a.shape[0]
    if n == 0:
        return a
    norm = np.linalg.norm(a, 1)
    s = max(0, math.ceil(math.log2(norm / _THETA13))) if norm > _THETA13 else 0
    a = a / 2.0 ** s
    b = _PADE13
    eye = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    x = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        x = x @ x
    return x


def _frechet(a, e):
    """L(A, E), the Fréchet derivative of expm at A in direction E: the upper-right block of
    expm([[A, E], [0, A]])."""
    # shapes and dtypes as the traced values report them (logical under vmap), never of
    # the unwrapped arrays, which may carry a batch axis
    sa, se = tuple(np.shape(a)), tuple(np.shape(e))
    da, de = getattr(a, "dtype", np.result_type(a)), getattr(e, "dtype", np.result_type(e))
    shape = np.broadcast_shapes(sa, se)
    n = shape[-1]
    a = a if sa == shape else a + np.zeros(shape, da)
    e = e if se == shape else e + np.zeros(shape, de)
    zero = np.zeros(shape, np.result_type(da, de))
    top = concatenate_pieces(a, e, axis=-1)
    bottom = concatenate_pieces(zero, a, axis=-1)
    big = expm(concatenate_pieces(top, bottom, axis=-2))
    return getitem(big, (Ellipsis, slice(None, n), slice(n, None)))


expm = Primitive(_batched(_expm_impl), "expm")
"""e^A (scaling and squaring, [13/13] Padé): Ẋ = L(A, Ȧ), Ā = L(Aᵀ, X̄), where the Fréchet
derivative L(A, E) is the upper-right block of expm([[A, E], [0, A]])."""
expm.defvjp(lambda g, ans, a: _frechet(_mT(a), g))
expm.defjvp(lambda t, ans, a: _frechet(a, t))

document_primitives(__name__)
