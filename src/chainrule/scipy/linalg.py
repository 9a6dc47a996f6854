"""``chainrule.scipy.linalg``: SciPy's linear-algebra functions, differentiable (SciPy not needed).

Signatures and values follow ``scipy.linalg`` for square matrices (``expm``, ``sqrtm`` and
``solve_sylvester`` also take stacks of them, the others one 2-D matrix; ``lu`` no
rectangular ones). How each is computed (all in NumPy):

* ``solve_triangular`` — ``numpy.linalg.solve`` on the triangle that is read (the other
  triangle, and the diagonal with ``unit_diagonal``, never enter, so their derivative is 0).
  O(n³) where LAPACK's trtrs is O(n²): correct, not the fastest;
* ``cho_factor``/``cho_solve`` — ``numpy.linalg.cholesky`` on the chosen triangle; the other
  triangle of ``c`` holds ``a``'s entries, as SciPy's; ``cho_solve`` is two triangular solves;
* ``lu``/``lu_factor``/``lu_solve`` — Doolittle LU with partial pivoting (the primitive
  :data:`chainrule.ops.factorizations.lu_packed`), pivots as LAPACK's getrf;
* ``sqrtm`` — Denman–Beavers iteration (scaled product form) with a Newton polish;
* ``expm`` — scaling and squaring with the [13/13] Padé approximant (Higham 2005); its
  derivative is the Fréchet derivative from the block-triangular matrix [[A, E], [0, A]];
* ``solve_sylvester`` — the Kronecker form, a dense nm×nm solve (small systems);
* ``solve_banded`` — the band storage expanded to the dense matrix, then a dense solve.

The names scipy.linalg shares with numpy.linalg (``inv det solve cholesky eigh eigvalsh svd
svdvals norm pinv``) are chainrule.numpy.linalg's, with SciPy's signatures and defaults
(``cholesky`` upper by default, ``eigh(lower=True)``).

Every function differentiates in forward and reverse mode, to any order; the rules are in
:mod:`chainrule.ops.factorizations` (the rest are composites of differentiable operations).
Pivots and permutations are piecewise constant: plain integer arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numpy as cnp
from ..core import Tracer, full_unwrap
from ..ops import factorizations as _fact

__all__ = ["solve_triangular", "cho_factor", "cho_solve", "lu", "lu_factor", "lu_solve",
           "sqrtm", "expm", "expm_frechet", "solve_sylvester", "solve_banded", "inv", "det",
           "solve", "cholesky", "eigh", "eigvalsh", "svd", "svdvals", "norm", "pinv"]


def _arr(x: Any) -> Any:
    return x if isinstance(x, (Tracer, np.ndarray)) else np.asarray(x)


def _trans(trans: Any) -> int:
    table = {0: 0, "N": 0, 1: 1, "T": 1, 2: 2, "C": 2}
    try:
        return table[trans]
    except (KeyError, TypeError):
        raise ValueError(f"solve_triangular: trans must be 0/'N', 1/'T' or 2/'C', "
                         f"got {trans!r}") from None


def _triangle(a: Any, lower: bool, unit_diagonal: bool) -> Any:
    t = cnp.tril(a) if lower else cnp.triu(a)
    if unit_diagonal:
        n = np.shape(full_unwrap(a))[-1]
        eye = np.eye(n, dtype=np.result_type(full_unwrap(a).dtype, np.float64))
        t = t * (1 - eye) + eye
    return t


def solve_triangular(a: Any, b: Any, trans: Any = 0, lower: bool = False,
                     unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True) -> Any:
    """x with T x = b (``trans=0``), Tᵀ x = b (1, 'T') or Tᴴ x = b (2, 'C'), where T is the
    lower (``lower=True``) or upper triangle of ``a`` (with ones on the diagonal when
    ``unit_diagonal``). The other entries of ``a`` are never read: their derivative is 0."""
    a, b = _arr(a), _arr(b)
    k = _trans(trans)
    t = _triangle(a, lower, unit_diagonal)
    if k == 1:
        t = cnp.swapaxes(t, -1, -2)
    elif k == 2:
        t = cnp.conj(cnp.swapaxes(t, -1, -2))
    return cnp.linalg.solve(t, b)


def cho_factor(a: Any, lower: bool = False, overwrite_a: bool = False,
               check_finite: bool = True) -> tuple[Any, bool]:
    """(c, lower): the Cholesky factor of the symmetric positive definite ``a``, read from
    its upper (default; a = Uᵀ U) or lower (a = L Lᵀ) triangle, stored in that triangle of
    ``c``; the other triangle of ``c`` holds ``a``'s entries (as SciPy's)."""
    a = _arr(a)
    factor = cnp.linalg.cholesky(a, upper=not lower)
    other = cnp.triu(a, 1) if lower else cnp.tril(a, -1)
    return factor + other, lower


def cho_solve(c_and_lower: tuple[Any, bool], b: Any, overwrite_b: bool = False,
              check_finite: bool = True) -> Any:
    """x with A x = b, given ``(c, lower) = cho_factor(A)``: two triangular solves
    (L y = b, Lᵀ x = y; or Uᵀ y = b, U x = y). Only the factor's triangle of ``c`` is read."""
    c, lower = c_and_lower
    c, b = _arr(c), _arr(b)
    if lower:
        y = solve_triangular(c, b, lower=True)
        return solve_triangular(c, y, trans=1, lower=True)
    y = solve_triangular(c, b, trans=1, lower=False)
    return solve_triangular(c, y, lower=False)


def _lu_split(a: Any) -> tuple[Any, Any, np.ndarray]:
    packed = _fact.lu_packed(_arr(a))
    piv = np.real(full_unwrap(packed)[0]).astype(np.int32)
    lu_ = packed[1:]
    return lu_, piv, _fact.lu_perm(piv)


def lu(a: Any, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True,
       p_indices: bool = False) -> tuple[Any, ...]:
    """LU with partial pivoting, as SciPy's: ``(p, l, u)`` with a = p @ l @ u (``p`` a plain
    permutation matrix, or with ``p_indices`` the row indices with a = l[p] @ u), or
    ``(p @ l, u)`` with ``permute_l``. Square ``a`` only."""
    lu_, _, perm = _lu_split(a)
    n = perm.shape[0]
    dtype = full_unwrap(lu_).dtype
    eye = np.eye(n, dtype=dtype)
    low = cnp.tril(lu_, -1) + eye
    up = cnp.triu(lu_)
    rows = np.argsort(perm)           # a = (l u)[rows] = l[rows] @ u
    if permute_l:
        return low[rows], up
    if p_indices:
        return rows.astype(np.int32), low, up
    return eye[rows], low, up      # eye[rows] @ x = x[rows]


def lu_factor(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> tuple[Any, Any]:
    """(lu, piv) as LAPACK's getrf: ``lu`` holds L's strictly lower part (unit diagonal
    implied) and U; row i was interchanged with row piv[i] (a plain int32 array)."""
    lu_, piv, _ = _lu_split(a)
    return lu_, piv


def lu_solve(lu_and_piv: tuple[Any, Any], b: Any, trans: int = 0, overwrite_b: bool = False,
             check_finite: bool = True) -> Any:
    """x with A x = b (``trans=0``), Aᵀ x = b (1) or Aᴴ x = b (2), given
    ``(lu, piv) = lu_factor(A)``: the row interchanges, then two triangular solves."""
    lu_, piv = lu_and_piv
    lu_, b = _arr(lu_), _arr(b)
    perm = _fact.lu_perm(np.asarray(piv))
    k = _trans(trans)
    if k == 0:                        # L U x = b[perm]
        y = solve_triangular(lu_, b[perm], lower=True, unit_diagonal=True)
        return solve_triangular(lu_, y, lower=False)
    z = solve_triangular(lu_, b, trans=k, lower=False)      # Uᵀ z = b
    w = solve_triangular(lu_, z, trans=k, lower=True, unit_diagonal=True)  # Lᵀ w = z
    return w[np.argsort(perm)]        # x[perm] = w


def sqrtm(A: Any, disp: bool = True, blocksize: int = 64) -> Any:  # noqa: N803 - SciPy's name
    """The principal square root X (X @ X = A), by the Denman–Beavers iteration. Every
    eigenvalue of A must lie off (-∞, 0] (there the root is not unique or not
    differentiable). With ``disp=False`` also returns the error estimate ‖X² - A‖_F/‖A‖_F
    (a plain float). ``blocksize`` is accepted for SciPy's signature and ignored."""
    x = _fact.sqrtm(_arr(A))
    if disp:
        return x
    xv, av = full_unwrap(x), np.asarray(full_unwrap(A))
    return x, float(np.linalg.norm(xv @ xv - av) / max(np.linalg.norm(av), 1e-300))


def expm(A: Any) -> Any:  # noqa: N803 - SciPy's name
    """The matrix exponential e^A (scaling and squaring, [13/13] Padé approximant); its
    derivative is the Fréchet derivative, from expm of the 2n×2n matrix [[A, E], [0, A]]."""
    return _fact.expm(_arr(A))


def solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    """X with A X + X B = Q (the Kronecker form: a dense solve of size nm, for small n, m).
    A unique solution needs λ_i(A) + μ_j(B) ≠ 0 for all eigenvalue pairs."""
    return _fact.solve_sylvester(_arr(a), _arr(b), _arr(q))


def solve_banded(l_and_u: tuple[int, int], ab: Any, b: Any, overwrite_ab: bool = False,
                 overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """x with A x = b for the banded A in LAPACK's band storage: ``ab[u + i - j, j] = A[i, j]``
    with ``(l, u)`` the numbers of sub- and super-diagonals. The band is expanded to the
    dense matrix (entries of ``ab`` outside the band are never read) and solved densely."""
    low, up = (int(v) for v in l_and_u)
    ab, b = _arr(ab), _arr(b)
    rows, n = np.shape(full_unwrap(ab))
    if rows != low + up + 1:
        raise ValueError(f"solve_banded: ab has {rows} rows, but (l, u) = ({low}, {up}) needs "
                         f"l + u + 1 = {low + up + 1}")
    i, j = np.indices((n, n))
    r = up + i - j
    inside = (r >= 0) & (r <= low + up)
    dense = cnp.where(inside, ab[np.clip(r, 0, low + up), j], 0.0)
    return cnp.linalg.solve(dense, b)


# ---- names scipy.linalg shares with numpy.linalg (SciPy's defaults) ---------------------------

def inv(a: Any, overwrite_a: bool = False, check_finite: bool = True, **kwargs: Any) -> Any:
    """A⁻¹ (``assume_a``/``lower`` are accepted; the whole matrix is read)."""
    return cnp.linalg.inv(_arr(a))


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """det A."""
    return cnp.linalg.det(_arr(a))


def solve(a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
          overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
          transposed: bool = False) -> Any:
    """x with A x = b (Aᵀ x = b with ``transposed``). ``assume_a`` is accepted and the
    general solver used: the whole of A is read, so its derivative is the general one."""
    a, b = _arr(a), _arr(b)
    if transposed:
        a = cnp.swapaxes(a, -1, -2)
    return cnp.linalg.solve(a, b)


def cholesky(a: Any, lower: bool = False, overwrite_a: bool = False,
             check_finite: bool = True) -> Any:
    """The Cholesky factor, upper by default as SciPy's (a = Uᵀ U; ``lower=True``: a = L Lᵀ),
    read from that triangle of ``a``; the other triangle of the result is 0."""
    return cnp.linalg.cholesky(_arr(a), upper=not lower)


def eigh(a: Any, b: Any = None, *, lower: bool = True, eigvals_only: bool = False,
         **kwargs: Any) -> Any:
    """(w, v) of the symmetric ``a`` read from its lower (default) or upper triangle, or w
    alone with ``eigvals_only``. The generalized problem (``b``) is not supported."""
    if b is not None:
        raise NotImplementedError("chainrule.scipy.linalg.eigh: the generalized problem "
                                  "(b=...) is not supported; for b = L Lᵀ (Cholesky), solve "
                                  "the standard problem of L⁻¹ a L⁻ᵀ and map v back by L⁻ᵀ.")
    w, v = cnp.linalg.eigh(_arr(a), UPLO="L" if lower else "U")
    return w if eigvals_only else (w, v)


def eigvalsh(a: Any, b: Any = None, *, lower: bool = True, **kwargs: Any) -> Any:
    """The eigenvalues of the symmetric ``a``, ascending."""
    return eigh(a, b, lower=lower, eigvals_only=True)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
        check_finite: bool = True, lapack_driver: str = "gesdd") -> Any:
    """(U, s, Vh), or s alone with ``compute_uv=False`` (as numpy.linalg.svd)."""
    out = cnp.linalg.svd(_arr(a), full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(out) if compute_uv else out


def svdvals(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """The singular values, descending."""
    return cnp.linalg.svd(_arr(a), compute_uv=False)


def norm(a: Any, ord: Any = None, axis: Any = None, keepdims: bool = False,  # noqa: A002
         check_finite: bool = True) -> Any:
    """numpy.linalg.norm (gradient 0 at 0, never NaN)."""
    return cnp.linalg.norm(_arr(a), ord=ord, axis=axis, keepdims=keepdims)


def pinv(a: Any, *, atol: Any = None, rtol: Any = None, return_rank: bool = False,
         check_finite: bool = True) -> Any:
    """The pseudo-inverse, singular values below max(atol, rtol·σ_max) dropped (SciPy's
    default rtol: max(m, n)·eps); with ``return_rank`` also the rank (a plain int)."""
    a = _arr(a)
    s = np.linalg.svd(np.asarray(full_unwrap(a)), compute_uv=False)
    smax = float(s.max()) if s.size else 0.0
    m, n = np.shape(full_unwrap(a))[-2:]
    eps = np.finfo(np.result_type(full_unwrap(a).dtype, np.float32)).eps
    cut = max(atol or 0.0, (max(m, n) * eps if rtol is None else rtol) * smax)
    out = cnp.linalg.pinv(a, rcond=cut / smax if smax else 0.0)
    return (out, int(np.sum(s > cut))) if return_rank else out


def expm_frechet(A: Any, E: Any, method: Any = None, compute_expm: bool = True,  # noqa: N803
                 check_finite: bool = True) -> Any:
    """The Fréchet derivative L(A, E) of expm at A in direction E (the upper-right block of
    expm([[A, E], [0, A]])), with e^A first when ``compute_expm`` (as SciPy's)."""
    A, E = _arr(A), _arr(E)  # noqa: N806
    frechet = _fact._frechet(A, E)
    return (expm(A), frechet) if compute_expm else frechet
