"""Linear algebra: products, ``einsum``, decompositions, norms (NumPy's and numpy.linalg's).

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
matrix_power, multi_dot, lstsq, tensorsolve, tensorinv ...) is a composite of primitives and
needs no rules of its own. Conventions at singular points are stated where chosen and in
docs/linalg.md: the eigenvector and singular-vector gauges, repeated eigenvalues and singular
values, norms at 0 (gradient 0, a subgradient, never NaN), triangle-reading functions.
"""

from __future__ import annotations

import builtins
import operator
import string
from typing import Any

import numpy as np

from ..core import Tracer, broadcast_to, full_unwrap
from . import dispatch
from ._util import ByArgnum, ndim, normalize_axis, prim, shape
from .elementwise import absolute, multiply, power, sqrt, where
from .reduce import max, min, sum  # noqa: A004 - NumPy's names
from .shape import (
    as_array,
    concatenate,
    expand_dims,
    moveaxis,
    ravel,
    reshape,
    squeeze,
    swapaxes,
    transpose,
)

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


def _arr(x: Any) -> Any:
    """A traced value or an ndarray as it is; a list holding traced values stacked; anything
    else (a list, a number) as an array."""
    return x if isinstance(x, (Tracer, np.ndarray)) else as_array(x)


def _dtype(x: Any) -> Any:
    d = getattr(x, "dtype", None)
    return np.result_type(x) if d is None else d


def _masked(x, kind):
    """x times a constant mask (tril, triu, ...) over its last two axes."""
    return x * _mask(kind, shape(x)[-1], _dtype(x))


def _mT(x):
    return swapaxes(x, -1, -2)


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


def _safe_sqrt(s):
    """√s, with derivative 0 (not ∞) at s = 0: the subgradient convention of the norms."""
    pos = s > 0
    if np.all(pos):
        return sqrt(s)
    return where(pos, sqrt(where(pos, s, 1)), 0)


def _sym_from(t, uplo):
    """The symmetric matrix that LAPACK reads from the ``uplo`` triangle of t: for 'L',
    tril(t) + tril(t, -1)ᵀ. cholesky and eigh (like NumPy) never look at the other triangle,
    so their derivatives with respect to it are 0."""
    lo = t if uplo == "L" else _mT(t)
    return _masked(lo, "tril") + _mT(_masked(lo, "stril"))


def _sym_from_T(s, uplo):
    """The adjoint of :func:`_sym_from`: tril(S̄) + tril(S̄ᵀ, -1) (transposed for 'U')."""
    lo = _masked(s, "tril") + _masked(_mT(s), "stril")
    return lo if uplo == "L" else _mT(lo)


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


matmul = prim(np.matmul, "matmul")
"""C = A B (NumPy's matmul: 1-D operands are a row / a column; stacks broadcast):
Ā = C̄ Bᵀ, B̄ = Aᵀ C̄; Ċ = Ȧ B + A Ḃ."""
matmul.defvjp(_matmul_vjp_a, _matmul_vjp_b)
matmul.defjvp(lambda t, ans, a, b: matmul(t, b),
              lambda t, ans, a, b: matmul(a, t))


def tensordot(a, b, axes=2):
    """Σ over ``axes`` of a ⊗ b (NumPy's tensordot): a transpose, a reshape and one matmul."""
    a, b = _arr(a), _arr(b)
    na, nb = ndim(a), ndim(b)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        ax_a, ax_b = list(range(na - n, na)), list(range(n))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, (int, np.integer)) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, (int, np.integer)) else list(ax_b)
    if len(ax_a) != len(ax_b):
        raise ValueError("tensordot: shape-mismatch for sum (axes name different numbers "
                         f"of axes: {ax_a} and {ax_b})")
    sa, sb = shape(a), shape(b)
    ax_a = [int(i) % na for i in ax_a] if na else []
    ax_b = [int(i) % nb for i in ax_b] if nb else []
    for i, j in zip(ax_a, ax_b, strict=True):
        if sa[i] != sb[j]:
            raise ValueError(f"tensordot: shape-mismatch for sum: axis {i} of a has length "
                             f"{sa[i]}, axis {j} of b has {sb[j]}")
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    k = int(np.prod([sa[i] for i in ax_a]))
    at = _permuted(a, free_a + ax_a)
    bt = _permuted(b, ax_b + free_b)
    out = matmul(reshape(at, (-1, k) if k else (int(np.prod([sa[i] for i in free_a])), 0)),
                 reshape(bt, (k, -1) if k else (0, int(np.prod([sb[i] for i in free_b])))))
    return reshape(out, tuple(sa[i] for i in free_a) + tuple(sb[i] for i in free_b))


def _permuted(x, perm):
    return x if list(perm) == list(range(len(perm))) else transpose(x, tuple(perm))


def dot(a, b):
    """NumPy's ``dot``: a product with a scalar; matmul for vectors and matrices; for N-D,
    the sum over a's last axis and b's second-to-last (a tensordot)."""
    a, b = _arr(a), _arr(b)
    na, nb = ndim(a), ndim(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([na - 1], [builtins.max(nb - 2, 0)]))


def vdot(a, b):
    """Σ a_i b_i over the flattened arrays (real: no conjugation to do)."""
    a, b = _arr(a), _arr(b)
    return matmul(ravel(a), ravel(b))


def inner(a, b):
    """The sum over the last axes (a product when either is a scalar)."""
    a, b = _arr(a), _arr(b)
    if ndim(a) == 0 or ndim(b) == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def outer(a, b):
    """(a ⊗ b)_ij = a_i b_j of the flattened arrays."""
    a, b = _arr(a), _arr(b)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def kron(a, b):
    """The Kronecker product: the blocks a_ij · b, as an outer product with interleaved axes."""
    a, b = _arr(a), _arr(b)
    na, nb = ndim(a), ndim(b)
    n = builtins.max(na, nb)
    sa = (1,) * (n - na) + tuple(shape(a))
    sb = (1,) * (n - nb) + tuple(shape(b))
    ea = reshape(a, tuple(x for k in sa for x in (k, 1)))
    eb = reshape(b, tuple(x for k in sb for x in (1, k)))
    return reshape(multiply(ea, eb), tuple(i * j for i, j in zip(sa, sb, strict=True)))


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal a[..., i, i + offset] of the (axis1, axis2) planes, as the last axis.
    NumPy returns a read-only view; this returns a copy with the same values. The adjoint
    scatters ā back onto the diagonal."""
    a = _arr(a)
    n = ndim(a)
    ax1, ax2 = (normalize_axis(axis1, n)[0], normalize_axis(axis2, n)[0])
    if ax1 == ax2:
        raise ValueError("diagonal: axis1 and axis2 cannot be the same")
    x = a if (ax1, ax2) == (n - 2, n - 1) else moveaxis(a, (ax1, ax2), (-2, -1))
    rows, cols = shape(x)[-2:]
    offset = int(offset)
    k = builtins.max(0, builtins.min(rows, cols - offset) if offset >= 0
                     else builtins.min(rows + offset, cols))
    i = np.arange(k)
    return x[..., i - builtins.min(offset, 0), i + builtins.max(offset, 0)]


def trace(a, offset=0, axis1=0, axis2=1):
    """Σ of the diagonal: ā is ā on the diagonal, 0 elsewhere."""
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or 2-vectors, as NumPy) along the given axes:
    c = (a₁b₂ - a₂b₁, a₂b₀ - a₀b₂, a₀b₁ - a₁b₀), bilinear, so its rules are products'."""
    a, b = _arr(a), _arr(b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    da, db = shape(a)[-1], shape(b)[-1]
    if da not in (2, 3) or db not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n"
                         "(dimension must be 2 or 3)")
    if da == 2 and db == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    a2 = a[..., 2] if da == 3 else None
    b2 = b[..., 2] if db == 3 else None
    c0 = (a1 * b2 if b2 is not None else 0) - (a2 * b1 if a2 is not None else 0)
    c1 = (a2 * b0 if a2 is not None else 0) - (a0 * b2 if b2 is not None else 0)
    c2 = a0 * b1 - a1 * b0
    shp = np.broadcast_shapes(shape(c0), shape(c1), shape(c2))
    c = concatenate([reshape(broadcast_to(c, shp), shp + (1,)) for c in (c0, c1, c2)], axis=-1)
    return moveaxis(c, -1, axisc)


def vecdot(x1, x2, axis=-1):
    """Σ x1 x2 over ``axis`` (real arrays: no conjugation)."""
    x1, x2 = _arr(x1), _arr(x2)
    return sum(multiply(x1, x2), axis=axis)


def matvec(x1, x2):
    """A x for stacks: Σ_j A[..., i, j] x[..., j]."""
    return _mv(x1, x2)


def vecmat(x1, x2):
    """xᵀ A for stacks: Σ_i x[..., i] A[..., i, j]."""
    return squeeze(matmul(_row(x1), x2), -2)


def matrix_transpose(x):
    """Swap the last two axes."""
    if ndim(x) < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return _mT(x)


# ---- einsum --------------------------------------------------------------------------------

_LETTERS = string.ascii_uppercase + string.ascii_lowercase
_einsum_cache: dict = {}


def _parse_einsum(subscripts: str, ndims: tuple[int, ...]) -> str:
    """``subscripts`` in explicit form ("ij,jk->ik"): '...' spelled out with fresh letters
    (right-aligned, as NumPy broadcasts them), an implicit output made explicit (the
    broadcast axes, then the letters used once, in alphabetical order)."""
    key = (subscripts, ndims)
    out = _einsum_cache.get(key)
    if out is not None:
        return out
    s = subscripts.replace(" ", "")
    lhs, arrow, rhs = s.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(ndims):
        raise ValueError(f"einsum: {len(ins)} operand subscripts in {subscripts!r} for "
                         f"{len(ndims)} operands")
    used = set(s) - set(".,->")
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for sub, n in zip(ins, ndims, strict=True):
        if "..." in sub:
            n_ell = builtins.max(n_ell, n - len(sub.replace("...", "")))
    ell = "".join(fresh[:n_ell])
    explicit = []
    for sub, n in zip(ins, ndims, strict=True):
        if "..." in sub:
            k = n - len(sub.replace("...", ""))
            sub = sub.replace("...", ell[n_ell - k:] if k else "")
        explicit.append(sub)
    if arrow:
        rhs = rhs.replace("...", ell)
    else:
        letters = "".join(explicit)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell)
        rhs = ell + "".join(once)
    out = ",".join(explicit) + "->" + rhs
    if len(_einsum_cache) < 1024:
        _einsum_cache[key] = out
    return out


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


_einsum = prim(_einsum_impl, "einsum")
"""``einsum`` on explicit subscripts; linear in each operand, so ā_i and ȧ are einsums."""
_einsum.vjps = ByArgnum(_einsum_vjp)
_einsum.jvps = ByArgnum(_einsum_jvp)


def _sublist_subscripts(args):
    """NumPy's other spelling, einsum(op0, sublist0, op1, sublist1, ..., [sublistout])."""
    def letters(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[operator.index(s)] for s in sub)
    ops = list(args[0::2][:len(args) // 2])
    subs = [letters(s) for s in args[1::2][:len(args) // 2]]
    out = "->" + letters(args[-1]) if len(args) % 2 else ""
    return ",".join(subs) + out, ops


def einsum(*operands, optimize=False):
    """NumPy's einsum (string subscripts, implicit or explicit output, '...', or the
    sublist spelling); differentiable in every operand, to any order."""
    if isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:
        subscripts, ops = _sublist_subscripts(operands)
    explicit = _parse_einsum(subscripts, tuple(ndim(o) for o in ops))
    # An explicit contraction path names operand positions, which the adjoints reorder.
    opt = optimize if isinstance(optimize, (bool, str)) else True
    return _einsum(*ops, subscripts=explicit, optimize=opt)


# ---- inverse, solve, determinants ----------------------------------------------------------

inv = prim(np.linalg.inv, "inv")
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


solve = prim(np.linalg.solve, "solve")
"""x = A⁻¹ b (b a vector when 1-D, else a stack of matrices, as NumPy 2):
b̄ = A⁻ᵀ x̄,  Ā = -b̄ xᵀ;  ẋ = A⁻¹ (ḃ - Ȧ x)."""
solve.defvjp(_solve_vjp_a, lambda g, ans, a, b: _solve_as(_mT(a), g, ndim(b) == 1))
solve.defjvp(_solve_jvp_a, lambda t, ans, a, b: solve(a, t))

det = prim(np.linalg.det, "det")
"""det A:  Ā = ā det(A) A⁻ᵀ;  ȧ = det(A) tr(A⁻¹ Ȧ). Undefined (LinAlgError from the
inverse) at singular A, where the true gradient is the adjugate (PyTorch computes it by an
SVD; JAX and autograd also invert)."""
det.defvjp(lambda g, ans, a: _col(_col(g * ans)) * _mT(inv(a)))
det.defjvp(lambda t, ans, a: ans * sum(_mT(inv(a)) * t, axis=(-2, -1)))


def _logabsdet_impl(a):
    return np.linalg.slogdet(a)[1]


logabsdet = prim(_logabsdet_impl, "logabsdet")
"""log |det A| (slogdet's differentiable part):  Ā = ā A⁻ᵀ;  ȧ = tr(A⁻¹ Ȧ)."""
logabsdet.defvjp(lambda g, ans, a: _col(_col(g)) * _mT(inv(a)))
logabsdet.defjvp(lambda t, ans, a: sum(_mT(inv(a)) * t, axis=(-2, -1)))


def slogdet(a):
    """(sign, log|det A|) as NumPy's named tuple; the sign is piecewise constant (no
    derivative: a plain array), log|det A| is differentiable."""
    sign = np.linalg.slogdet(full_unwrap(a))[0]
    return np.linalg._linalg.SlogdetResult(sign, logabsdet(a))


def _pinv_impl(a, **kw):
    return np.linalg.pinv(a, **kw)


def _pinv_vjp(g, ans, a, **kw):
    # Ā = -Xᵀ Ḡ Xᵀ + (I - A X) Ḡᵀ X Xᵀ + Xᵀ X Ḡᵀ (I - X A),  X = A⁺
    x, gt = ans, _mT(g)
    y = matmul(gt, matmul(x, _mT(x)))
    z = matmul(matmul(_mT(x), x), gt)
    return (-matmul(_mT(x), matmul(g, _mT(x))) + y - matmul(a, matmul(x, y))
            + z - matmul(matmul(z, x), a))


def _pinv_jvp(t, ans, a, **kw):
    # Ẋ = -X Ȧ X + X Xᵀ Ȧᵀ (I - A X) + (I - X A) Ȧᵀ Xᵀ X
    x, tt = ans, _mT(t)
    w = matmul(x, matmul(_mT(x), tt))
    v = matmul(tt, matmul(_mT(x), x))
    return (-matmul(x, matmul(t, x)) + w - matmul(matmul(w, a), x)
            + v - matmul(x, matmul(a, v)))


pinv = prim(_pinv_impl, "pinv")
"""The Moore-Penrose pseudo-inverse X = A⁺ (Golub & Pereyra): Ẋ = -X Ȧ X + X Xᵀ Ȧᵀ (I - A X)
+ (I - X A) Ȧᵀ Xᵀ X, and its transpose for Ā. Exact where the rank is locally constant;
singular values below NumPy's cutoff count as exact zeros (the rank is held fixed)."""
pinv.defvjp(_pinv_vjp)
pinv.defjvp(_pinv_jvp)


# ---- decompositions --------------------------------------------------------------------------

def _cholesky_impl(a, upper=False):
    return np.linalg.cholesky(a, upper=upper)


def _cholesky_jvp(t, ans, a, upper=False):
    # L̇ = L φ(L⁻¹ Ṡ L⁻ᵀ), φ = lower triangle with the diagonal halved
    low = _mT(ans) if upper else ans
    y = solve(low, _sym_from(t, "U" if upper else "L"))
    dl = matmul(low, _masked(_mT(solve(low, _mT(y))), "phi"))
    return _mT(dl) if upper else dl


def _cholesky_vjp(g, ans, a, upper=False):
    # S̄ = L⁻ᵀ φ(Lᵀ L̄) L⁻¹, then onto the triangle that was read
    low = _mT(ans) if upper else ans
    gl = _mT(g) if upper else g
    p = _masked(matmul(_mT(low), gl), "phi")
    x = solve(_mT(low), p)
    return _sym_from_T(_mT(solve(_mT(low), _mT(x))), "U" if upper else "L")


cholesky = prim(_cholesky_impl, "cholesky")
"""A = L Lᵀ (upper=True: A = Uᵀ U). Like NumPy, only the lower (upper) triangle of A is read,
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
    return _times_r_inv_T(gq + matmul(q, _masked(mm, "triu") + _masked(_mT(mm), "stril")), r)


def _qr_jvp(t, ans, a):
    # C = Qᵀ Ȧ R⁻¹,  B = triu(C) + tril(C, -1)ᵀ:  Ṙ = B R,  Q̇ = Ȧ R⁻¹ - Q B
    q, r = _qr_parts(ans, shape(a)[-2])
    tr = _times_r_inv(t, r)
    c = matmul(_mT(q), tr)
    b = _masked(c, "triu") + _mT(_masked(c, "stril"))
    return concatenate([tr - matmul(q, b), matmul(b, r)], axis=-2)


qr_packed = prim(_qr_impl, "qr")
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
    w, v = ans[..., 0, :], ans[..., 1:, :]
    gw, gv = g[..., 0, :], g[..., 1:, :]
    inner = v * _row(gw) + matmul(v, _gaps_inverse(w) * matmul(_mT(v), gv))
    return _sym_from_T(matmul(inner, _mT(v)), UPLO)


def _eigh_jvp(t, ans, a, UPLO="L"):
    # P = Vᵀ Ṡ V:  ẇ = diag(P),  V̇ = V (F ∘ P)
    w, v = ans[..., 0, :], ans[..., 1:, :]
    sv = matmul(_sym_from(t, UPLO), v)
    dw = sum(v * sv, axis=-2)
    dv = matmul(v, _gaps_inverse(w) * matmul(_mT(v), sv))
    return concatenate([_row(dw), dv], axis=-2)


eigh_packed = prim(_eigh_impl, "eigh")
"""Eigenvalues w (ascending) and eigenvectors V of a symmetric matrix, packed as [wᵀ; V]
(..., n+1, n). ẇ_i = v_iᵀ Ṡ v_i, V̇ = V (F ∘ (Vᵀ Ṡ V)) with F_ij = 1/(w_j - w_i); Ṡ is built
from the UPLO triangle (the only one NumPy reads). Each v_i is defined up to sign: the
derivative is that of the sign NumPy returned. At repeated eigenvalues the eigenvectors are
not unique and have no derivative: there F_ij is taken as 0 (finite; exact for functions of
the eigenvalues alone), where JAX, PyTorch and autograd give inf/NaN."""
eigh_packed.defvjp(_eigh_vjp)
eigh_packed.defjvp(_eigh_jvp)


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
        return concatenate([u, _row(s), vh], axis=-2)
    return concatenate([u, _col(s), vh], axis=-1)


def _svd_vjp(g, ans, a):
    # Ā = U [diag(s̄) + (J + Jᵀ) S + S (K + Kᵀ)] Vᵀ + (I - U Uᵀ) Ū S⁻¹ Vᵀ
    #     + U S⁻¹ V̄ᵀ (I - V Vᵀ),  J = F ∘ (Uᵀ Ū),  K = F ∘ (Vᵀ V̄),  F_ij = 1/(s_j² - s_i²)
    m, n = shape(a)[-2:]
    u, s, vh = _svd_parts(ans, m, n)
    gu, gs, gvh = _svd_parts(g, m, n)
    f = _gaps_inverse(s * s)
    j = f * matmul(_mT(u), gu)
    k = f * matmul(vh, _mT(gvh))
    core = (j + _mT(j)) * _row(s) + _col(s) * (k + _mT(k)) + _masked(_row(gs), "eye")
    out = matmul(u, matmul(core, vh))
    if m > n:
        out = out + matmul((gu - matmul(u, matmul(_mT(u), gu))) * _row(_safe_recip(s)), vh)
    if n > m:
        out = out + matmul(u, _col(_safe_recip(s)) * (gvh - matmul(matmul(gvh, _mT(vh)), vh)))
    return out


def _svd_jvp(t, ans, a):
    # P = Uᵀ Ȧ V:  ṡ = diag(P),  U̇ = U (F ∘ (P S + S Pᵀ)) + (I - U Uᵀ) Ȧ V S⁻¹,
    #              V̇ = V (F ∘ (S P + Pᵀ S)) + (I - V Vᵀ) Ȧᵀ U S⁻¹
    m, n = shape(a)[-2:]
    u, s, vh = _svd_parts(ans, m, n)
    v = _mT(vh)
    tv = matmul(t, v)
    p = matmul(_mT(u), tv)
    f = _gaps_inverse(s * s)
    du = matmul(u, f * (p * _row(s) + _col(s) * _mT(p)))
    dv = matmul(v, f * (_col(s) * p + _mT(p) * _row(s)))
    if m > n:
        du = du + (tv - matmul(u, matmul(_mT(u), tv))) * _row(_safe_recip(s))
    if n > m:
        tu = matmul(_mT(t), u)
        dv = dv + (tu - matmul(v, matmul(vh, tu))) * _row(_safe_recip(s))
    return _svd_pack(du, _diag_part(p), _mT(dv), m, n)


svd_packed = prim(_svd_impl, "svd")
"""The thin SVD A = U diag(s) Vᵀ, packed as [U; sᵀ; Vᵀ] (m ≥ n) or [U, s, Vᵀ] (m < n).
ṡ = diag(Uᵀ Ȧ V); U̇, V̇ as in Townsend (2016) with F_ij = 1/(s_j² - s_i²). Each pair
(u_i, v_i) is defined up to a common sign: the derivative is that of the signs NumPy
returned. At repeated singular values F_ij is taken as 0, and at zero singular values S⁻¹
as 0 (finite; exact for functions of the singular values alone); the singular vectors
themselves have no derivative there (JAX, PyTorch and autograd give inf/NaN)."""
svd_packed.defvjp(_svd_vjp)
svd_packed.defjvp(_svd_jvp)


def _svd_triple(a):
    m, n = shape(a)[-2:]
    return _svd_parts(svd_packed(a), m, n)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """NumPy's SVD. With ``full_matrices=True`` (NumPy's default) the extra columns of U or
    V of a non-square matrix are an arbitrary basis, with no derivative: that case raises
    (pass full_matrices=False); for square matrices both agree. ``hermitian=True`` reads the
    lower triangle only, as NumPy, but computes the general SVD of that symmetric matrix
    (the same singular values; the vectors may differ in sign from NumPy's)."""
    a = _arr(a)
    if hermitian:
        a = _sym_from(a, "L")
    if not compute_uv:
        return _svd_triple(a)[1]
    m, n = shape(a)[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            "numpy.linalg.svd(a, full_matrices=True) of a non-square matrix is not "
            "differentiable: the extra singular vectors are an arbitrary basis of the "
            "complement. Pass full_matrices=False (the thin SVD) or compute_uv=False.")
    u, s, vh = _svd_triple(a)
    return np.linalg._linalg.SVDResult(u, s, vh)


def svdvals(x):
    """The singular values, descending (their derivative: U diag(s̄) Vᵀ)."""
    return _svd_triple(x)[1]


def eigh(a, UPLO="L"):
    """Eigenvalues and eigenvectors of a symmetric matrix (NumPy's named tuple); see the
    gauge and degeneracy notes of the ``eigh`` primitive and docs/linalg.md."""
    UPLO = UPLO.upper()
    p = eigh_packed(a, UPLO=UPLO)
    return np.linalg._linalg.EighResult(p[..., 0, :], p[..., 1:, :])


def eigvalsh(a, UPLO="L"):
    """The eigenvalues of a symmetric matrix, ascending: ẇ_i = v_iᵀ Ṡ v_i."""
    return eigh(a, UPLO)[0]


def qr(a, mode="reduced"):
    """NumPy's QR for modes 'reduced' and 'r' (and 'complete' when m ≤ n, where it equals
    'reduced'). A wide A = Q [R₁ R₂] is the QR of its first m columns and R₂ = Qᵀ A₂."""
    m, n = shape(a)[-2:]
    if mode not in ("reduced", "r", "complete"):
        raise NotImplementedError(f"numpy.linalg.qr(mode={mode!r}) returns LAPACK's raw "
                                  "Householder form, which has no derivative; use "
                                  "mode='reduced'.")
    if mode == "complete" and m > n:
        raise NotImplementedError(
            "numpy.linalg.qr(mode='complete') of a tall matrix is not differentiable: the "
            "extra columns of Q are an arbitrary basis of the complement. Use "
            "mode='reduced'.")
    if m >= n:
        q, r = _qr_parts(qr_packed(a), m)
    else:
        q, r1 = _qr_parts(qr_packed(a[..., :, :m]), m)
        r = concatenate([r1, matmul(_mT(q), a[..., :, m:])], axis=-1)
    if mode == "r":
        return r
    return np.linalg._linalg.QRResult(q, r)


# ---- norms ------------------------------------------------------------------------------------

def _vector_norm(x, ord=2, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """(Σ |x|^p)^(1/p) over ``axis`` (None: all); the gradient at x = 0 is 0."""
    if ord is None or ord == 2:
        return _safe_sqrt(sum(x * x, axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # a count: no derivative
        v = full_unwrap(x)
        ax = None if axis is None else normalize_axis(axis, v.ndim)
        return np.add.reduce((v != 0).astype(v.real.dtype), axis=ax, keepdims=keepdims)
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    p = float(ord)
    a = absolute(x)
    if p < 0:  # NumPy's value (0 as soon as an entry is 0); no derivative there
        return power(sum(power(a, p), axis=axis, keepdims=keepdims), 1 / p)
    nz = a > 0
    if not np.all(nz):  # |0|^p has derivative 0 here (∞ for p < 1: the subgradient 0)
        a = where(nz, power(where(nz, a, 1), p), 0)
    else:
        a = power(a, p)
    s = sum(a, axis=axis, keepdims=keepdims)
    pos = s > 0
    if np.all(pos):
        return power(s, 1 / p)
    return where(pos, power(where(pos, s, 1), 1 / p), 0)


def _float(x):
    """Integer or boolean arrays are normed in float64, as NumPy does."""
    x = _arr(x)
    return x if np.issubdtype(_dtype(x), np.inexact) else x.astype(np.float64)


def _zero_at_zero(x, value, axes):
    """``value`` with derivative 0 where x is 0 over ``axes`` (the norm's subgradient 0)."""
    zero = np.all(full_unwrap(x) == 0, axis=axes)
    if not np.any(zero):
        return value
    return where(zero, 0, value)


def _matrix_norm(x, ord, row, col, keepdims):  # noqa: A002 - NumPy's name
    if ord in (None, "fro", "f"):
        out = _safe_sqrt(sum(x * x, axis=(row, col)))
    elif ord in ("nuc", 2, -2):
        s = svdvals(moveaxis(x, (row, col), (-2, -1)))
        red = sum(s, axis=-1) if ord == "nuc" else max(s, axis=-1) if ord == 2 else \
            min(s, axis=-1)
        out = _zero_at_zero(x, red, (row, col))
    elif ord in (1, -1, np.inf, -np.inf):
        inner_axis, outer_axis = (row, col) if ord in (1, -1) else (col, row)
        s = sum(absolute(x), axis=inner_axis)
        outer_axis -= outer_axis > inner_axis
        out = max(s, axis=outer_axis) if ord > 0 else min(s, axis=outer_axis)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        out = reshape(out, tuple(1 if i in (row, col) else k for i, k in enumerate(shape(x))))
    return out


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """NumPy's ``linalg.norm``, every ord: vectors 2 (None), 1, ±inf, 0 (a count: no
    derivative), any other p; matrices 'fro', 'nuc', ±1, ±2, ±inf. The gradient at x = 0 is
    0 (a subgradient, as PyTorch; JAX and autograd give NaN for the 2-norm) and never NaN.
    Spectral and nuclear norms differentiate through the singular values."""
    x = _float(x)
    n = ndim(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and n == 2) or (ord == 2 and n == 1):
            out = _safe_sqrt(sum(x * x))
            return reshape(out, (1,) * n) if keepdims else out
        if n == 1:
            axis = (0,)
        elif n == 2:
            axis = (0, 1)
        else:
            raise ValueError("Improper number of dimensions to norm.")
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    axis = tuple(int(a) for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis=axis[0], keepdims=keepdims)
    if len(axis) == 2:
        row, col = (a % n for a in axis)
        if row == col:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, row, col, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, axis=None, keepdims=False, ord=2):  # noqa: A002 - NumPy's name
    """The array-API vector norm: any axes (None: all, flattened)."""
    return _vector_norm(_float(x), ord, axis=axis, keepdims=keepdims)


def matrix_norm(x, keepdims=False, ord="fro"):  # noqa: A002 - NumPy's name
    """The array-API matrix norm over the last two axes."""
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x, p=None):
    """The condition number: s_max/s_min for p = None, 2 (s_min/s_max for -2) through the
    singular values; ‖x‖_p ‖x⁻¹‖_p for the other orders."""
    if p is None or p == 2 or p == -2:
        s = svdvals(x)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


# ---- powers, chains, least squares, tensors -----------------------------------------------------

def matrix_power(a, n):
    """Aⁿ by repeated squaring (NumPy's order of products), n < 0 through A⁻¹; A⁰ = I is a
    constant (no derivative)."""
    n = operator.index(n)
    a = _arr(a)
    if n == 0:
        m = shape(a)[-1]
        return np.broadcast_to(np.eye(m, dtype=_dtype(a)), shape(a)).copy()
    if n < 0:
        a, n = inv(a), -n
    z = result = None
    while n > 0:
        z = a if z is None else matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def _chain_order(dims):
    """The cheapest parenthesisation of a matrix chain: split[i][j] for arrays i..j."""
    k = len(dims) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = np.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def multi_dot(arrays):
    """A chain of matmuls in the cheapest order (the first and last may be vectors)."""
    arrays = [_arr(x) for x in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    first, last = ndim(arrays[0]) == 1, ndim(arrays[-1]) == 1
    if first:
        arrays[0] = reshape(arrays[0], (1, -1))
    if last:
        arrays[-1] = reshape(arrays[-1], (-1, 1))
    dims = [shape(arrays[0])[0]] + [shape(x)[1] for x in arrays]
    split = _chain_order(dims)

    def chain(i, j):
        if i == j:
            return arrays[i]
        return matmul(chain(i, split[i][j]), chain(split[i][j] + 1, j))

    out = chain(0, len(arrays) - 1)
    if first and last:
        return reshape(out, ())
    if first or last:
        return reshape(out, (-1,))
    return out


def lstsq(a, b, rcond=None):
    """NumPy's least squares (x, residuals, rank, s): x = A⁺ b (the pseudo-inverse with
    lstsq's cutoff), differentiable where the rank is locally constant; the residuals
    Σ (b - A x)² (when rank = n < m, else empty) and the singular values s are
    differentiable too; the rank is an integer."""
    a, b = _arr(a), _arr(b)
    m, n = shape(a)[-2:]
    av = full_unwrap(a)
    cut = float(np.finfo(av.dtype).eps * builtins.max(m, n)) if rcond is None else rcond
    x = matmul(pinv(a, rcond=cut), b)
    s = svdvals(a)
    rank = int(np.sum(full_unwrap(s) > cut * np.max(full_unwrap(s), initial=0)))
    if rank == n and m > n:
        r = b - matmul(a, x)
        res = sum(r * r, axis=0)
        if ndim(b) == 1:
            res = reshape(res, (1,))
    else:
        res = np.empty((0,), dtype=_dtype(x))
    return x, res, np.int32(rank), s


def tensorinv(a, ind=2):
    """The inverse of a reshaped to a square matrix, reshaped back (NumPy's tensorinv)."""
    a = _arr(a)
    old = tuple(shape(a))
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    rows = int(np.prod(old[:ind]))
    if rows != int(np.prod(old[ind:])):
        raise ValueError("Invalid ind argument.")
    return reshape(inv(reshape(a, (rows, -1))), old[ind:] + old[:ind])


def tensorsolve(a, b, axes=None):
    """x with tensordot(a, x, x.ndim) = b: a reshaped to a square matrix and ``solve``."""
    a, b = _arr(a), _arr(b)
    na = ndim(a)
    if axes is not None:
        order = [i for i in range(na) if i not in [k % na for k in axes]]
        a = transpose(a, tuple(order + [k % na for k in axes]))
    old = tuple(shape(a))[ndim(b):]
    cols = int(np.prod(old))
    return reshape(solve(reshape(a, (-1, cols)), ravel(b)), old)


# ---- NumPy's names (NumPy's signatures; out= refused) -----------------------------------------

def _np_dot(a, b, out=None):
    dispatch.no_out("dot", out)
    return dot(a, b)


def _np_outer(a, b, out=None):
    dispatch.no_out("outer", out)
    return outer(a, b)


def _np_tensordot(a, b, axes=2):
    return tensordot(a, b, axes)


def _np_einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    dispatch.no_out("einsum", out)
    return einsum(*operands, optimize=optimize)


def _np_trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    dispatch.no_out("trace", out)
    return trace(a, offset, axis1, axis2)


def _np_cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return cross(a, b, axisa, axisb, axisc, axis)


def _np_linalg_outer(x1, x2, /):
    if ndim(x1) != 1 or ndim(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={ndim(x1)} and x2.ndim={ndim(x2)}.")
    return outer(x1, x2)


def _np_linalg_tensordot(x1, x2, /, *, axes=2):
    return tensordot(x1, x2, axes)


def _np_linalg_trace(x, /, *, offset=0, dtype=None):
    return trace(x, offset, -2, -1)


def _np_linalg_diagonal(x, /, *, offset=0):
    return diagonal(x, offset, -2, -1)


def _np_linalg_cross(x1, x2, /, *, axis=-1):
    if shape(x1)[axis] != 3 or shape(x2)[axis] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, but "
                         f"they are {shape(x1)[axis]} and {shape(x2)[axis]} dimensional "
                         "instead.")
    return cross(x1, x2, axis=axis)


def _np_vecdot(x1, x2, /, *, axis=-1):
    return vecdot(x1, x2, axis)


def _np_cholesky(a, /, *, upper=False):
    return cholesky(a, upper=bool(upper))


def _np_pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    if hermitian:
        a = _sym_from(a, "L")
    kw = {}
    if rcond is not None:
        kw["rcond"] = rcond
    if rtol is not np._NoValue:
        kw["rtol"] = rtol
    return pinv(a, **kw)


def _np_multi_dot(arrays, *, out=None):
    dispatch.no_out("linalg.multi_dot", out)
    return multi_dot(arrays)


def _np_svdvals(x, /):
    return svdvals(x)


def _np_matrix_transpose(x, /):
    return matrix_transpose(x)


def _np_vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002 - NumPy's name
    return vector_norm(x, axis, keepdims, ord)


def _np_matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002 - NumPy's name
    return matrix_norm(x, keepdims, ord)


def _np_linalg_matmul(x1, x2, /):
    return matmul(x1, x2)


for _np_func, _ours in {
    np.dot: _np_dot, np.vdot: vdot, np.inner: inner, np.outer: _np_outer,
    np.tensordot: _np_tensordot, np.einsum: _np_einsum, np.kron: kron, np.trace: _np_trace,
    np.diagonal: diagonal, np.cross: _np_cross, np.matrix_transpose: _np_matrix_transpose,
    np.linalg.matmul: _np_linalg_matmul, np.linalg.outer: _np_linalg_outer,
    np.linalg.tensordot: _np_linalg_tensordot, np.linalg.trace: _np_linalg_trace,
    np.linalg.diagonal: _np_linalg_diagonal, np.linalg.cross: _np_linalg_cross,
    np.linalg.vecdot: _np_vecdot, np.linalg.matrix_transpose: _np_matrix_transpose,
    np.linalg.inv: inv, np.linalg.solve: solve, np.linalg.det: det,
    np.linalg.slogdet: slogdet, np.linalg.cholesky: _np_cholesky, np.linalg.qr: qr,
    np.linalg.eigh: eigh, np.linalg.eigvalsh: eigvalsh, np.linalg.svd: svd,
    np.linalg.svdvals: _np_svdvals, np.linalg.norm: norm,
    np.linalg.vector_norm: _np_vector_norm, np.linalg.matrix_norm: _np_matrix_norm,
    np.linalg.pinv: _np_pinv, np.linalg.matrix_power: matrix_power,
    np.linalg.lstsq: lstsq, np.linalg.multi_dot: _np_multi_dot, np.linalg.cond: cond,
    np.linalg.tensorsolve: tensorsolve, np.linalg.tensorinv: tensorinv,
}.items():
    dispatch.function(_np_func, _ours)
dispatch.ufunc(np.matmul, matmul)
dispatch.ufunc(np.vecdot, vecdot)
dispatch.ufunc(np.matvec, matvec)
dispatch.ufunc(np.vecmat, vecmat)
dispatch.passthrough(np.linalg.matrix_rank, np.einsum_path)

__all__ = [
    "matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "kron", "trace",
    "diagonal", "cross", "vecdot", "matvec", "vecmat", "matrix_transpose", "inv", "solve",
    "det", "slogdet", "logabsdet", "pinv", "cholesky", "qr", "eigh", "eigvalsh", "svd",
    "svdvals", "norm", "vector_norm", "matrix_norm", "cond", "matrix_power", "multi_dot",
    "lstsq", "tensorinv", "tensorsolve",
]
