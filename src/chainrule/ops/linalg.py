"""Linear algebra: the primitives (products, ``einsum``, inverses, decompositions) and their rules.

Notation: ``g`` is the output's adjoint ā, ``t`` an argument's tangent ȧ, ``ans`` the output;
``Xᵀ`` swaps the last two axes (every function here works on stacks of matrices where NumPy
does). The primitives are

* ``matmul`` — C = A B:  Ā = C̄ Bᵀ,  B̄ = Aᵀ C̄;  Ċ = Ȧ B + A Ḃ;
* ``einsum`` — its adjoint for each operand is again an einsum (variadic, ``ByArgnum``);
* ``inv``, ``solve``, ``det``, ``logabsdet`` (slogdet), ``pinv``;
* ``cholesky``, ``qr``, ``eigh``, ``svd`` — decompositions. A primitive returns one array,
  so a decomposition with several outputs returns them *packed* into one array (eigh:
  eigenvalues stacked over eigenvectors as (..., n+1, n)); the public function slices the
  parts out with differentiable indexing, and the packed rule receives the packed adjoint
  (zeros in the parts that were not used).

Everything else (dot, vdot, inner, outer, tensordot, kron, trace, diagonal, cross, norm, cond,
matrix_power, multi_dot, lstsq, tensorsolve, tensorinv ...) is a composite of primitives,
with no rules of its own, in :mod:`chainrule.numpy.products` and
:mod:`chainrule.numpy.linalg`. Conventions at singular points are stated where chosen and in
docs/linalg.md: the eigenvector and singular-vector gauges, repeated eigenvalues and singular
values, norms at 0 (gradient 0, a subgradient, never NaN), triangle-reading functions.

Complex matrices (docs/complex.md): adjoints are plain transposes (ā = ∂L/∂x - i ∂L/∂y, no
conjugation), so the holomorphic primitives (matmul, einsum, inv, solve, det) keep their
real rules. Those defined through the conjugate transpose Xᴴ (cholesky's A = L Lᴴ, eigh's
Hermitian A = V diag(w) Vᴴ, svd's A = U diag(s) Vᴴ, qr, pinv) have rules written with ``_mH``
and ``_conj``, which are ``_mT`` and the identity on real arrays (the real path is unchanged).
Complex eigenvectors and singular vectors are defined up to a phase e^{iθ}: the derivative is
that of the gauge v_iᴴ v̇_i real (eigh; svd: V's), JAX's and PyTorch's choice, so only
phase-invariant functions of them (V diag(f(w)) Vᴴ, |V|, the values) are well defined.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from ..core import ByArgnum, Primitive, document_primitives
from .axes import ndim, shape
from .dtypes import is_complex as _is_complex
from .elementwise import conjugate, imag_part, real_part, where
from .reduce import sum  # noqa: A004 - NumPy's name
from .shape import concatenate_pieces, expand_dims, squeeze, swapaxes

# ---- small helpers (structural masks in NumPy; everything on values in chainrule ops) ----

_masks: dict = {}


def _mask(kind: str, n: int, dtype: Any) -> np.ndarray:
    """A constant n×n mask in ``dtype``: 'eye', 'tril' (incl. diagonal), 'stril' (strictly
    below), 'triu', 'phi' (tril with ½ on the diagonal). Cached: rules ask for them often."""
    key = (kind, n, np.dtype(dtype))
    m = _masks.get(key)
    if m is None:
        eye = np.eye(n, dtype=dtype)
        m = {"eye": eye, "tril": np.tri(n, dtype=dtype), "stril": np.tri(n, k=-1, dtype=dtype),
             "triu": 1 - np.tri(n, k=-1, dtype=dtype),
             "phi": np.tri(n, dtype=dtype) - eye / 2}[kind]
        m.flags.writeable = False
        if len(_masks) < 512:
            _masks[key] = m
    return m


def _dtype(x: Any) -> Any:
    d = getattr(x, "dtype", None)
    return np.result_type(x) if d is None else d


def _masked(x, kind):
    """x times a constant mask (tril, triu, ...) over its last two axes."""
    return x * _mask(kind, shape(x)[-1], _dtype(x))


def _mT(x):
    return swapaxes(x, -1, -2)



def _conj(x):
    """z̄ on complex arrays; x itself (no operation recorded) on real ones."""
    return conjugate(x) if _is_complex(x) else x


def _mH(x):
    """The conjugate transpose Xᴴ over the last two axes (Xᵀ for real X)."""
    return _conj(_mT(x))


def _re(x):
    """Re x on complex arrays; x itself on real ones."""
    return real_part(x) if _is_complex(x) else x


def _abs2(x):
    """|x|² entrywise: x x on reals, Re(x x̄) on complex."""
    return real_part(x * conjugate(x)) if _is_complex(x) else x * x


def _row(v):
    """A vector as a row, v[..., None, :] (so X * _row(v) scales the columns of X)."""
    return expand_dims(v, -2)


def _col(v):
    return expand_dims(v, -1)


def _mv(a, x):
    """Stacked matrix times stacked vector: (A x)[..., i] = Σ_j A[..., i, j] x[..., j]."""
    return squeeze(matmul(a, _col(x)), -1)


def _diag_part(x):
    """The diagonals of a stack of square matrices, as the last axis."""
    return sum(_masked(x, "eye"), axis=-1)


def _safe_recip(x):
    """1/x where x ≠ 0 and 0 where x = 0, with derivative 0 there (no inf, no NaN)."""
    zero = x == 0
    if not np.any(zero):
        return 1 / x
    return where(zero, 0, 1 / where(zero, 1, x))


def _sym_from(t, uplo):
    """The symmetric (Hermitian) matrix that LAPACK reads from the ``uplo`` triangle of t:
    for 'L', tril(t) + tril(t, -1)ᴴ, with the diagonal's real part only when complex.
    cholesky and eigh (like NumPy) never look at the other triangle, so their derivatives
    with respect to it are 0."""
    lo = t if uplo == "L" else _mH(t)
    if _is_complex(t):
        low = _masked(lo, "stril")
        return low + _mH(low) + _re(_masked(lo, "eye"))
    return _masked(lo, "tril") + _mT(_masked(lo, "stril"))


def _sym_from_T(s, uplo):
    """The adjoint of :func:`_sym_from`: tril(S̄) + tril(S̄ᴴ, -1) (Re on the diagonal when
    complex; conjugate-transposed for 'U')."""
    if _is_complex(s):
        lo = _re(_masked(s, "eye")) + _masked(s, "stril") + _masked(_mH(s), "stril")
    else:
        lo = _masked(s, "tril") + _masked(_mT(s), "stril")
    return lo if uplo == "L" else _mH(lo)


# ---- products ------------------------------------------------------------------------------

def _matmul_vjp_a(g, ans, a, b):
    if b.ndim == 1:
        return expand_dims(g, -1) * b if a.ndim > 1 else g * b
    if a.ndim == 1:
        return squeeze(matmul(b, expand_dims(g, -1)), -1)
    return matmul(g, _mT(b))


def _matmul_vjp_b(g, ans, a, b):
    if a.ndim == 1:
        return expand_dims(a, -1) * expand_dims(g, -2) if b.ndim > 1 else g * a
    if b.ndim == 1:
        return squeeze(matmul(_mT(a), expand_dims(g, -1)), -1)
    return matmul(_mT(a), g)


matmul = Primitive(np.matmul, "matmul")
"""C = A B (NumPy's matmul: 1-D operands are a row / a column; stacks broadcast):
Ā = C̄ Bᵀ, B̄ = Aᵀ C̄; Ċ = Ȧ B + A Ḃ."""
matmul.deflinear(_matmul_vjp_a, _matmul_vjp_b)


# ---- einsum --------------------------------------------------------------------------------

_LETTERS = string.ascii_uppercase + string.ascii_lowercase
def _einsum_impl(*operands, subscripts, optimize=False):
    return np.einsum(subscripts, *operands, optimize=optimize)


def _einsum_vjp(i, g, ans, *operands, subscripts, optimize=False):
    """ā_i = einsum(ā and the other operands -> operand i's subscripts). A letter repeated
    in operand i (a diagonal, 'ii') is written once and joined to its copy by an identity
    operand; a letter only operand i has (summed there alone) is spread by a ones operand."""
    lhs, out = subscripts.split("->")
    ins = lhs.split(",")
    target = ins[i]
    dims = shape(operands[i])
    subs = [out] + [s for j, s in enumerate(ins) if j != i]
    ops = [g] + [op for j, op in enumerate(operands) if j != i]
    dtype = _dtype(g)
    spare = iter(c for c in _LETTERS if c not in subscripts)
    tgt = []
    for pos, c in enumerate(target):
        if c in tgt:
            d = next(spare)
            subs.append(c + d)
            ops.append(np.eye(dims[pos], dtype=dtype))
            c = d
        tgt.append(c)
    have = set("".join(subs))
    for pos, c in enumerate(tgt):
        if c not in have:
            subs.append(c)
            ops.append(np.ones(dims[pos], dtype=dtype))
            have.add(c)
    return _einsum(*ops, subscripts=",".join(subs) + "->" + "".join(tgt),
                   optimize=optimize or len(ops) > 2)


def _einsum_jvp(i, t, ans, *operands, subscripts, optimize=False):
    """ȧ's share from operand i: the same einsum with ȧ_i in operand i's place."""
    ops = list(operands)
    ops[i] = t
    return _einsum(*ops, subscripts=subscripts, optimize=optimize)


_einsum = Primitive(_einsum_impl, "einsum")
"""``einsum`` on explicit subscripts; linear in each operand, so ā_i and ȧ are einsums."""
_einsum.vjps = ByArgnum(_einsum_vjp)
_einsum.jvps = ByArgnum(_einsum_jvp)


# ---- inverse, solve, determinants ----------------------------------------------------------

inv = Primitive(np.linalg.inv, "inv")
"""A⁻¹:  Ā = -A⁻ᵀ C̄ A⁻ᵀ;  Ċ = -A⁻¹ Ȧ A⁻¹. (Singular A: NumPy's LinAlgError.)"""
inv.defvjp(lambda g, ans, a: -matmul(_mT(ans), matmul(g, _mT(ans))))
inv.defjvp(lambda t, ans, a: -matmul(ans, matmul(t, ans)))


def _solve_as(a, rhs, vector):
    """A⁻¹ rhs, with rhs a (stack of) vector(s) when ``vector`` (NumPy 2 takes a right-hand
    side as a vector only when it is 1-D, so stacked vectors go through a column)."""
    return squeeze(solve(a, _col(rhs)), -1) if vector else solve(a, rhs)


def _solve_vjp_a(g, ans, a, b):
    bbar = _solve_as(_mT(a), g, ndim(b) == 1)
    if ndim(b) == 1:
        return -(_col(bbar) * _row(ans))
    return -matmul(bbar, _mT(ans))


def _solve_jvp_a(t, ans, a, b):
    if ndim(b) == 1:
        return -_solve_as(a, _mv(t, ans), True)
    return -solve(a, matmul(t, ans))


solve = Primitive(np.linalg.solve, "solve")
"""x = A⁻¹ b (b a vector when 1-D, else a stack of matrices, as NumPy 2):
b̄ = A⁻ᵀ x̄,  Ā = -b̄ xᵀ;  ẋ = A⁻¹ (ḃ - Ȧ x)."""
solve.defvjp(_solve_vjp_a, lambda g, ans, a, b: _solve_as(_mT(a), g, ndim(b) == 1))
solve.defjvp(_solve_jvp_a, lambda t, ans, a, b: solve(a, t))

det = Primitive(np.linalg.det, "det")
"""det A:  Ā = ā det(A) A⁻ᵀ;  ȧ = det(A) tr(A⁻¹ Ȧ). Undefined (LinAlgError from the
inverse) at singular A, where the true gradient is the adjugate (PyTorch computes it by an
SVD; JAX and autograd also invert)."""
det.defvjp(lambda g, ans, a: _col(_col(g * ans)) * _mT(inv(a)))
det.defjvp(lambda t, ans, a: ans * sum(_mT(inv(a)) * t, axis=(-2, -1)))


def _logabsdet_impl(a):
    return np.linalg.slogdet(a)[1]


logabsdet = Primitive(_logabsdet_impl, "logabsdet")
"""log |det A| (slogdet's differentiable part):  Ā = ā A⁻ᵀ;  ȧ = tr(A⁻¹ Ȧ)."""
logabsdet.defvjp(lambda g, ans, a: _col(_col(g)) * _mT(inv(a)))
logabsdet.defjvp(lambda t, ans, a: sum(_mT(inv(a)) * t, axis=(-2, -1)))


def _pinv_impl(a, **kw):
    return np.linalg.pinv(a, **kw)


def _pinv_vjp(g, ans, a, **kw):
    # Ā = -Xᵀ Ḡ Xᵀ + (I - A X) Ḡᵀ X Xᵀ + Xᵀ X Ḡᵀ (I - X A),  X = A⁺
    # (complex: Ḡᴴ in place of Ḡᵀ and X̄, Ā in the projections: the transpose of the Ȧᴴ terms)
    x, gt = ans, _mH(g)
    xc, ac = _conj(x), _conj(a)
    y = matmul(gt, matmul(xc, _mT(x)))
    z = matmul(matmul(_mT(x), xc), gt)
    return (-matmul(_mT(x), matmul(g, _mT(x))) + y - matmul(ac, matmul(xc, y))
            + z - matmul(matmul(z, xc), ac))


def _pinv_jvp(t, ans, a, **kw):
    # Ẋ = -X Ȧ X + X Xᵀ Ȧᵀ (I - A X) + (I - X A) Ȧᵀ Xᵀ X
    x, tt = ans, _mH(t)
    w = matmul(x, matmul(_mH(x), tt))
    v = matmul(tt, matmul(_mH(x), x))
    return (-matmul(x, matmul(t, x)) + w - matmul(matmul(w, a), x)
            + v - matmul(x, matmul(a, v)))


pinv = Primitive(_pinv_impl, "pinv")
"""The Moore-Penrose pseudo-inverse X = A⁺ (Golub & Pereyra): Ẋ = -X Ȧ X + X Xᵀ Ȧᵀ (I - A X)
+ (I - X A) Ȧᵀ Xᵀ X, and its transpose for Ā. Exact where the rank is locally constant;
singular values below NumPy's cutoff count as exact zeros (the rank is held fixed)."""
pinv.defvjp(_pinv_vjp)
pinv.defjvp(_pinv_jvp)


# ---- decompositions --------------------------------------------------------------------------

def _cholesky_impl(a, upper=False):
    return np.linalg.cholesky(a, upper=upper)


def _cholesky_jvp(t, ans, a, upper=False):
    # L̇ = L φ(L⁻¹ Ṡ L⁻ᴴ), φ = lower triangle with the diagonal halved
    low = _mH(ans) if upper else ans
    y = solve(low, _sym_from(t, "U" if upper else "L"))
    dl = matmul(low, _masked(_mH(solve(low, _mH(y))), "phi"))
    return _mH(dl) if upper else dl


def _cholesky_vjp(g, ans, a, upper=False):
    # S̄ = L⁻ᵀ φ(Lᵀ L̄) L̄⁻¹ (L̄: the conjugate of L), then onto the triangle that was read
    low = _mH(ans) if upper else ans
    gl = _mH(g) if upper else g
    p = _masked(matmul(_mT(low), gl), "phi")
    x = solve(_mT(low), p)
    return _sym_from_T(_mT(solve(_mH(low), _mT(x))), "U" if upper else "L")


cholesky = Primitive(_cholesky_impl, "cholesky")
"""A = L Lᵀ (upper=True: A = Uᵀ U; a complex Hermitian A: L Lᴴ, Uᴴ U). Like NumPy, only the
lower (upper) triangle of A is read,
so the derivative is with respect to that triangle: Ṡ = tril(Ȧ) + tril(Ȧ, -1)ᵀ and
L̇ = L φ(L⁻¹ Ṡ L⁻ᵀ), φ(X) = tril(X) with the diagonal halved; Ā is lower triangular. JAX and
PyTorch instead symmetrize (Ȧ + Ȧᵀ)/2 (same derivative along symmetric directions)."""
cholesky.defvjp(_cholesky_vjp)
cholesky.defjvp(_cholesky_jvp)


def _qr_impl(a):
    q, r = np.linalg.qr(a)
    return np.concatenate([q, r], axis=-2)


def _qr_parts(p, m):
    return p[..., :m, :], p[..., m:, :]


def _times_r_inv(x, r):
    return _mT(solve(_mT(r), _mT(x)))        # X R⁻¹


def _times_r_inv_T(x, r):
    return _mT(solve(r, _mT(x)))             # X R⁻ᵀ


def _qr_vjp(g, ans, a):
    # Ā = (Q̄ + Q ρ*(M)) R⁻ᵀ,  M = R̄ Rᵀ - Qᵀ Q̄,  ρ*(M) = triu(M) + tril(Mᵀ, -1)
    m = shape(a)[-2]
    q, r = _qr_parts(ans, m)
    gq, gr = _qr_parts(g, m)
    mm = matmul(gr, _mT(r)) - matmul(_mT(q), gq)
    if _is_complex(mm):  # ρ*(M) = triu(M, 1) + tril(Mᴴ, -1) + Re diag(M); Q̄ for Qᴴ
        rho = _masked(mm, "triu") - _masked(mm, "eye") + _masked(_mH(mm), "stril") + \
            _re(_masked(mm, "eye"))
        return _times_r_inv_T(gq + matmul(_conj(q), rho), r)
    return _times_r_inv_T(gq + matmul(q, _masked(mm, "triu") + _masked(_mT(mm), "stril")), r)


def _qr_jvp(t, ans, a):
    # C = Qᵀ Ȧ R⁻¹,  B = triu(C) + tril(C, -1)ᵀ:  Ṙ = B R,  Q̇ = Ȧ R⁻¹ - Q B
    q, r = _qr_parts(ans, shape(a)[-2])
    tr = _times_r_inv(t, r)
    c = matmul(_mH(q), tr)
    if _is_complex(c):  # Qᴴ Q̇ skew-Hermitian, diag(Ṙ R⁻¹) real (LAPACK's R has a real diagonal)
        b = _masked(c, "triu") - _masked(c, "eye") + _mH(_masked(c, "stril")) + \
            _re(_masked(c, "eye"))
    else:
        b = _masked(c, "triu") + _mT(_masked(c, "stril"))
    return concatenate_pieces(tr - matmul(q, b), matmul(b, r), axis=-2)


qr_packed = Primitive(_qr_impl, "qr")
"""The reduced QR of a tall or square A (m ≥ n), packed as [Q; R] of shape (..., m+n, n).
Qᵀ Q̇ is skew and Ṙ R⁻¹ upper triangular, which splits C = Qᵀ Ȧ R⁻¹ between them. Needs
full column rank (R invertible); LAPACK's signs on diag(R) are kept (any sign works)."""
qr_packed.defvjp(_qr_vjp)
qr_packed.defjvp(_qr_jvp)


def _eigh_impl(a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _gaps_inverse(w):
    """F_ij = 1/(w_j - w_i), 0 on the diagonal and wherever w_j = w_i exactly."""
    return _safe_recip(_row(w) - _col(w))


def _eigh_vjp(g, ans, a, UPLO="L"):
    # S̄ = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ, then onto the triangle that was read
    # complex: S̄ = V̄ (diag(Re w̄) + F ∘ (Vᵀ V̄)) Vᵀ (V̄ on the left: the conjugate of V)
    w, v = _re(ans[..., 0, :]), ans[..., 1:, :]
    gw, gv = _re(g[..., 0, :]), g[..., 1:, :]
    vc = _conj(v)
    inner = vc * _row(gw) + matmul(vc, _gaps_inverse(w) * matmul(_mT(v), gv))
    return _sym_from_T(matmul(inner, _mT(v)), UPLO)


def _eigh_jvp(t, ans, a, UPLO="L"):
    # P = Vᵀ Ṡ V:  ẇ = diag(P),  V̇ = V (F ∘ P)
    w, v = _re(ans[..., 0, :]), ans[..., 1:, :]
    sv = matmul(_sym_from(t, UPLO), v)
    dw = _re(sum(_conj(v) * sv, axis=-2))
    dv = matmul(v, _gaps_inverse(w) * matmul(_mH(v), sv))
    return concatenate_pieces(_row(dw), dv, axis=-2)


eigh_packed = Primitive(_eigh_impl, "eigh")
"""Eigenvalues w (ascending) and eigenvectors V of a symmetric (complex: Hermitian) matrix,
packed as [wᵀ; V] (..., n+1, n); complex: Vᴴ in place of Vᵀ, and the gauge v_iᴴ v̇_i = 0.
ẇ_i = v_iᵀ Ṡ v_i, V̇ = V (F ∘ (Vᵀ Ṡ V)) with F_ij = 1/(w_j - w_i); Ṡ is built
from the UPLO triangle (the only one NumPy reads). Each v_i is defined up to sign: the
derivative is that of the sign NumPy returned. At repeated eigenvalues the eigenvectors are
not unique and have no derivative: there F_ij is taken as 0 (finite; exact for functions of
the eigenvalues alone), where JAX, PyTorch and autograd give inf/NaN."""
eigh_packed.defvjp(_eigh_vjp)
eigh_packed.defjvp(_eigh_jvp)


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _eig_parts(p):
    return p[..., 0, :], p[..., 1:, :]


def _eig_jvp(t, ans, a):
    # P = V⁻¹ Ȧ V:  ẇ = diag(P),  V̇₀ = V (F ∘ P),  V̇ = V̇₀ - V diag(Re diag(Vᴴ V̇₀))
    w, v = _eig_parts(ans)
    p = solve(v, matmul(t, v))
    dv = matmul(v, _gaps_inverse(w) * p)
    dv = dv - v * _row(_re(sum(_conj(v) * dv, axis=-2)))
    return concatenate_pieces(_row(_diag_part(p)), dv, axis=-2)


def _eig_vjp(g, ans, a):
    # V̄₀ = V̄ - conj(V) diag(Re diag(Vᵀ V̄));  Ā = V⁻ᵀ (diag(w̄) + F ∘ (Vᵀ V̄₀)) Vᵀ
    w, v = _eig_parts(ans)
    gw, gv = _eig_parts(g)
    gv = gv - _conj(v) * _row(_re(sum(v * gv, axis=-2)))
    inner = _masked(_row(gw), "eye") + _gaps_inverse(w) * matmul(_mT(v), gv)
    return solve(_mT(v), matmul(inner, _mT(v)))


eig_packed = Primitive(_eig_impl, "eig")
"""Eigenvalues w and unit eigenvectors V of a general square matrix, A = V diag(w) V⁻¹,
packed as [wᵀ; V] (..., n+1, n) (complex unless NumPy found them all real). ẇ = diag(V⁻¹ Ȧ V),
V̇ = V (F ∘ (V⁻¹ Ȧ V)) with F_ij = 1/(w_j - w_i), then made orthogonal to each v_i's length
(Re v_iᴴ v̇_i = 0, as NumPy's unit columns); each v_i's phase e^{iθ} is free, and the
derivative is that of JAX's choice (no change of phase beyond V̇₀), so only phase-invariant
functions of V are well defined. Repeated eigenvalues: F_ij = 0 (finite; exact for the
eigenvalues)."""
eig_packed.defvjp(_eig_vjp)
eig_packed.defjvp(_eig_jvp)


def _svd_impl(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    if u.shape[-2] >= vh.shape[-1]:
        return np.concatenate([u, s[..., None, :], vh], axis=-2)
    return np.concatenate([u, s[..., :, None], vh], axis=-1)


def _svd_parts(p, m, n):
    if m >= n:
        return p[..., :m, :], p[..., m, :], p[..., m + 1:, :]
    return p[..., :, :m], p[..., :, m], p[..., :, m + 1:]


def _svd_pack(u, s, vh, m, n):
    if m >= n:
        return concatenate_pieces(u, _row(s), vh, axis=-2)
    return concatenate_pieces(u, _col(s), vh, axis=-1)


def _svd_vjp(g, ans, a):
    # Ā = U [diag(s̄) + (J + Jᵀ) S + S (K + Kᵀ)] Vᵀ + (I - U Uᵀ) Ū S⁻¹ Vᵀ
    #     + U S⁻¹ V̄ᵀ (I - V Vᵀ),  J = F ∘ (Uᵀ Ū),  K = F ∘ (Vᵀ V̄),  F_ij = 1/(s_j² - s_i²)
    # complex (Ū, V̄ the conjugates): Ā = Ū [diag(s̄) + (J + Jᴴ) S + S (K + Kᴴ)
    #   + diag(i Im(diag(Uᵀ Ū)) / s)] Vᵀ + projections, K = F ∘ conj(Vᴴ V̄ᴴ...) as below
    m, n = shape(a)[-2:]
    u, s, vh = _svd_parts(ans, m, n)
    gu, gs, gvh = _svd_parts(g, m, n)
    s, gs = _re(s), _re(gs)
    f = _gaps_inverse(s * s)
    utgu = matmul(_mT(u), gu)
    j = f * utgu
    k = f * _conj(matmul(vh, _mT(gvh)))
    core = (j + _mH(j)) * _row(s) + _col(s) * (k + _mH(k)) + _masked(_row(gs), "eye")
    if _is_complex(core):  # the phase of u_i, fixed by the gauge v_iᴴ v̇_i = 0
        core = core + _masked(_row(imag_part(_diag_part(utgu)) * _safe_recip(s) * 1j), "eye")
    uc, vt = _conj(u), _conj(vh)
    out = matmul(uc, matmul(core, vt))
    if m > n:
        out = out + matmul((gu - matmul(uc, utgu)) * _row(_safe_recip(s)), vt)
    if n > m:
        out = out + matmul(uc, _col(_safe_recip(s)) * (gvh - matmul(matmul(gvh, _mT(vh)), vt)))
    return out


def _svd_jvp(t, ans, a):
    # P = Uᵀ Ȧ V:  ṡ = diag(P),  U̇ = U (F ∘ (P S + S Pᵀ)) + (I - U Uᵀ) Ȧ V S⁻¹,
    #              V̇ = V (F ∘ (S P + Pᵀ S)) + (I - V Vᵀ) Ȧᵀ U S⁻¹
    # complex: Uᴴ, Vᴴ, Pᴴ in place of the transposes, ṡ = Re diag(P), and the phase term
    # U diag(i Im(P_ii) / s_i) of the gauge v_iᴴ v̇_i = 0
    m, n = shape(a)[-2:]
    u, s, vh = _svd_parts(ans, m, n)
    s = _re(s)
    v = _mH(vh)
    tv = matmul(t, v)
    p = matmul(_mH(u), tv)
    f = _gaps_inverse(s * s)
    du = matmul(u, f * (p * _row(s) + _col(s) * _mH(p)))
    dv = matmul(v, f * (_col(s) * p + _mH(p) * _row(s)))
    if _is_complex(p):
        du = du + u * _row(imag_part(_diag_part(p)) * _safe_recip(s) * 1j)
    if m > n:
        du = du + (tv - matmul(u, matmul(_mH(u), tv))) * _row(_safe_recip(s))
    if n > m:
        tu = matmul(_mH(t), u)
        dv = dv + (tu - matmul(v, matmul(vh, tu))) * _row(_safe_recip(s))
    return _svd_pack(du, _re(_diag_part(p)), _mH(dv), m, n)


svd_packed = Primitive(_svd_impl, "svd")
"""The thin SVD A = U diag(s) Vᵀ, packed as [U; sᵀ; Vᵀ] (m ≥ n) or [U, s, Vᵀ] (m < n).
ṡ = diag(Uᵀ Ȧ V); U̇, V̇ as in Townsend (2016) with F_ij = 1/(s_j² - s_i²). Each pair
(u_i, v_i) is defined up to a common sign: the derivative is that of the signs NumPy
returned. At repeated singular values F_ij is taken as 0, and at zero singular values S⁻¹
as 0 (finite; exact for functions of the singular values alone); the singular vectors
themselves have no derivative there (JAX, PyTorch and autograd give inf/NaN)."""
svd_packed.defvjp(_svd_vjp)
svd_packed.defjvp(_svd_jvp)


# ---- the structure numpy.linalg composes with -----------------------------------------------
einsum_explicit = _einsum
symmetric_from = _sym_from
qr_parts = _qr_parts
svd_parts = _svd_parts
real_of = _re
abs_squared = _abs2
as_row = _row
matvec_stacked = _mv

__all__ = ["matmul", "einsum_explicit", "inv", "solve", "det", "logabsdet", "pinv", "cholesky",
           "eig_packed",
           "qr_packed", "eigh_packed", "svd_packed", "symmetric_from", "qr_parts", "svd_parts",
           "real_of", "abs_squared", "as_row", "matvec_stacked"]

document_primitives(__name__)
