"""``chainrule.numpy.linalg``: NumPy's ``linalg`` namespace, differentiable where chainrule
has rules, NumPy's own elsewhere (``eig``, ``matrix_rank``, ``LinAlgError`` ...).

The decompositions slice their parts out of the packed primitives of
:mod:`chainrule.ops.linalg`; norms, condition numbers, powers, chains, least squares and
the tensor solvers are composites of primitives (no rules of their own). Conventions at
singular points are stated where chosen and in docs/linalg.md: the eigenvector and
singular-vector gauges, repeated eigenvalues and singular values, norms at 0 (gradient 0,
a subgradient, never NaN), triangle-reading functions. Every public name here has
``numpy.linalg``'s signature.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np

from ..core import full_unwrap
from ..ops import linalg as _la
from ..ops.axes import ndim, normalize_axis, shape
from ..ops.elementwise import absolute, power, sqrt, where
from ..ops.linalg import (
    abs_squared,
    eigh_packed,
    inv,
    logabsdet,
    qr_packed,
    qr_parts,
    real_of,
    solve,
    svd_packed,
    svd_parts,
    symmetric_from,
)
from ..ops.reduce import max, min, sum  # noqa: A004 - NumPy's names
from ..ops.shape import concatenate_pieces, moveaxis, reshape, swapaxes, transpose
from . import products as _products
from .arguments import dtype_of, operand
from .dispatch import implements, no_out
from .manipulation import ravel

implements(np.linalg.inv)(inv)
implements(np.linalg.solve)(solve)
implements(np.linalg.det)(_la.det)
det = _la.det


def _safe_sqrt(s):
    """√s, with derivative 0 (not ∞) at s = 0: the subgradient convention of the norms."""
    pos = s > 0
    if np.all(pos):
        return sqrt(s)
    return where(pos, sqrt(where(pos, s, 1)), 0)


@implements(np.linalg.slogdet)
def slogdet(a):
    """(sign, log|det A|) as NumPy's named tuple; the sign is piecewise constant (no
    derivative: a plain array), log|det A| is differentiable."""
    sign = np.linalg.slogdet(full_unwrap(a))[0]
    return np.linalg._linalg.SlogdetResult(sign, logabsdet(a))




def _svd_triple(a):
    m, n = shape(a)[-2:]
    u, s, vh = svd_parts(svd_packed(a), m, n)
    return u, real_of(s), vh  # complex A: s is packed as complex, its imaginary part 0


@implements(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """NumPy's SVD. With ``full_matrices=True`` (NumPy's default) the extra columns of U or
    V of a non-square matrix are an arbitrary basis, with no derivative: that case raises
    (pass full_matrices=False); for square matrices both agree. ``hermitian=True`` reads the
    lower triangle only, as NumPy, but computes the general SVD of that symmetric matrix
    (the same singular values; the vectors may differ in sign from NumPy's)."""
    a = operand(a)
    if hermitian:
        a = symmetric_from(a, "L")
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


@implements(np.linalg.svdvals)
def svdvals(x, /):
    """The singular values, descending (their derivative: U diag(s̄) Vᵀ)."""
    return _svd_triple(x)[1]


@implements(np.linalg.eigh)
def eigh(a, UPLO="L"):
    """Eigenvalues and eigenvectors of a symmetric matrix (NumPy's named tuple); see the
    gauge and degeneracy notes of the ``eigh`` primitive and docs/linalg.md."""
    UPLO = UPLO.upper()
    p = eigh_packed(a, UPLO=UPLO)
    return np.linalg._linalg.EighResult(real_of(p[..., 0, :]), p[..., 1:, :])


@implements(np.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    """The eigenvalues of a symmetric matrix, ascending: ẇ_i = v_iᵀ Ṡ v_i."""
    return eigh(a, UPLO)[0]


@implements(np.linalg.qr)
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
        q, r = qr_parts(qr_packed(a), m)
    else:
        q, r1 = qr_parts(qr_packed(a[..., :, :m]), m)
        r = concatenate_pieces(r1, _la.matmul(swapaxes(q, -1, -2), a[..., :, m:]), axis=-1)
    if mode == "r":
        return r
    return np.linalg._linalg.QRResult(q, r)


# ---- norms ------------------------------------------------------------------------------------

def _vector_norm(x, ord=2, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """(Σ |x|^p)^(1/p) over ``axis`` (None: all); the gradient at x = 0 is 0."""
    if ord is None or ord == 2:
        return _safe_sqrt(sum(abs_squared(x), axis=axis, keepdims=keepdims))
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
    x = operand(x)
    return x if np.issubdtype(dtype_of(x), np.inexact) else x.astype(np.float64)


def _zero_at_zero(x, value, axes):
    """``value`` with derivative 0 where x is 0 over ``axes`` (the norm's subgradient 0)."""
    zero = np.all(full_unwrap(x) == 0, axis=axes)
    if not np.any(zero):
        return value
    return where(zero, 0, value)


def _matrix_norm(x, ord, row, col, keepdims):  # noqa: A002 - NumPy's name
    if ord in (None, "fro", "f"):
        out = _safe_sqrt(sum(abs_squared(x), axis=(row, col)))
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


@implements(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """NumPy's ``linalg.norm``, every ord: vectors 2 (None), 1, ±inf, 0 (a count: no
    derivative), any other p; matrices 'fro', 'nuc', ±1, ±2, ±inf. The gradient at x = 0 is
    0 (a subgradient, as PyTorch; JAX and autograd give NaN for the 2-norm) and never NaN.
    Spectral and nuclear norms differentiate through the singular values."""
    x = _float(x)
    n = ndim(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and n == 2) or (ord == 2 and n == 1):
            out = _safe_sqrt(sum(abs_squared(x)))
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


@implements(np.linalg.vector_norm)
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002 - NumPy's name
    """The array-API vector norm: any axes (None: all, flattened)."""
    return _vector_norm(_float(x), ord, axis=axis, keepdims=keepdims)


@implements(np.linalg.matrix_norm)
def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002 - NumPy's name
    """The array-API matrix norm over the last two axes."""
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


@implements(np.linalg.cond)
def cond(x, p=None):
    """The condition number: s_max/s_min for p = None, 2 (s_min/s_max for -2) through the
    singular values; ‖x‖_p ‖x⁻¹‖_p for the other orders."""
    if p is None or p == 2 or p == -2:
        s = svdvals(x)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


# ---- powers, chains, least squares, tensors -----------------------------------------------------

@implements(np.linalg.matrix_power)
def matrix_power(a, n):
    """Aⁿ by repeated squaring (NumPy's order of products), n < 0 through A⁻¹; A⁰ = I is a
    constant (no derivative)."""
    n = operator.index(n)
    a = operand(a)
    if n == 0:
        m = shape(a)[-1]
        return np.broadcast_to(np.eye(m, dtype=dtype_of(a)), shape(a)).copy()
    if n < 0:
        a, n = inv(a), -n
    z = result = None
    while n > 0:
        z = a if z is None else _la.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else _la.matmul(result, z)
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


@implements(np.linalg.multi_dot)
def multi_dot(arrays, *, out=None):
    """A chain of matmuls in the cheapest order (the first and last may be vectors)."""
    no_out("linalg.multi_dot", out)
    arrays = [operand(x) for x in arrays]
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
        return _la.matmul(chain(i, split[i][j]), chain(split[i][j] + 1, j))

    out = chain(0, len(arrays) - 1)
    if first and last:
        return reshape(out, ())
    if first or last:
        return reshape(out, (-1,))
    return out


@implements(np.linalg.lstsq)
def lstsq(a, b, rcond=None):
    """NumPy's least squares (x, residuals, rank, s): x = A⁺ b (the pseudo-inverse with
    lstsq's cutoff), differentiable where the rank is locally constant; the residuals
    Σ (b - A x)² (when rank = n < m, else empty) and the singular values s are
    differentiable too; the rank is an integer."""
    a, b = operand(a), operand(b)
    m, n = shape(a)[-2:]
    av = full_unwrap(a)
    cut = float(np.finfo(av.dtype).eps * builtins.max(m, n)) if rcond is None else rcond
    x = _la.matmul(_la.pinv(a, rcond=cut), b)
    s = svdvals(a)
    rank = int(np.sum(full_unwrap(s) > cut * np.max(full_unwrap(s), initial=0)))
    if rank == n and m > n:
        r = b - _la.matmul(a, x)
        res = sum(r * r, axis=0)
        if ndim(b) == 1:
            res = reshape(res, (1,))
    else:
        res = np.empty((0,), dtype=dtype_of(x))
    return x, res, np.int32(rank), s


@implements(np.linalg.tensorinv)
def tensorinv(a, ind=2):
    """The inverse of a reshaped to a square matrix, reshaped back (NumPy's tensorinv)."""
    a = operand(a)
    old = tuple(shape(a))
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    rows = int(np.prod(old[:ind]))
    if rows != int(np.prod(old[ind:])):
        raise ValueError("Invalid ind argument.")
    return reshape(inv(reshape(a, (rows, -1))), old[ind:] + old[:ind])


@implements(np.linalg.tensorsolve)
def tensorsolve(a, b, axes=None):
    """x with tensordot(a, x, x.ndim) = b: a reshaped to a square matrix and ``solve``."""
    a, b = operand(a), operand(b)
    na = ndim(a)
    if axes is not None:
        order = [i for i in range(na) if i not in [k % na for k in axes]]
        a = transpose(a, tuple(order + [k % na for k in axes]))
    old = tuple(shape(a))[ndim(b):]
    cols = int(np.prod(old))
    return reshape(solve(reshape(a, (-1, cols)), ravel(b)), old)


# ---- numpy.linalg's spellings of products and of the primitives ---------------------------------


@implements(np.linalg.outer)
def outer(x1, x2, /):
    if ndim(x1) != 1 or ndim(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={ndim(x1)} and x2.ndim={ndim(x2)}.")
    return _products.outer(x1, x2)


@implements(np.linalg.tensordot)
def tensordot(x1, x2, /, *, axes=2):
    return _products.tensordot(x1, x2, axes)


@implements(np.linalg.trace)
def trace(x, /, *, offset=0, dtype=None):
    return _products.trace(x, offset, -2, -1)


@implements(np.linalg.diagonal)
def diagonal(x, /, *, offset=0):
    return _products.diagonal(x, offset, -2, -1)


@implements(np.linalg.cross)
def cross(x1, x2, /, *, axis=-1):
    if shape(x1)[axis] != 3 or shape(x2)[axis] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, but "
                         f"they are {shape(x1)[axis]} and {shape(x2)[axis]} dimensional "
                         "instead.")
    return _products.cross(x1, x2, axis=axis)


@implements(np.linalg.vecdot)
def vecdot(x1, x2, /, *, axis=-1):
    return _products.vecdot(x1, x2, axis)


@implements(np.linalg.cholesky)
def cholesky(a, /, *, upper=False):
    return _la.cholesky(a, upper=bool(upper))


@implements(np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    if hermitian:
        a = _la.symmetric_from(a, "L")
    kw = {}
    if rcond is not None:
        kw["rcond"] = rcond
    if rtol is not np._NoValue:
        kw["rtol"] = rtol
    return _la.pinv(a, **kw)


@implements(np.linalg.matrix_transpose)
def matrix_transpose(x, /):
    return _products.matrix_transpose(x)


@implements(np.linalg.matmul)
def matmul(x1, x2, /):
    return _la.matmul(x1, x2)


def __getattr__(name: str) -> Any:
    return getattr(np.linalg, name)
