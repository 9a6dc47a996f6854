"""NumPy's matrix and vector products (the first part of NumPy's "Linear algebra" section):
dot, vdot, inner, outer, tensordot, einsum, kron, trace, diagonal, cross, vecdot, matvec,
vecmat, matrix_transpose.

Composites of the primitives of :mod:`chainrule.ops.linalg` (``matmul``, the explicit
``einsum``) and of shape primitives, with no rules of their own: every one is linear in each
argument, so its derivative is the same product with a tangent in that argument's place.
``numpy.linalg``'s spellings of the same products are in :mod:`chainrule.numpy.linalg`.
"""

from __future__ import annotations

import builtins
import operator
import string

import numpy as np

from ..core import broadcast_to
from ..ops.axes import ndim, normalize_axis, shape
from ..ops.elementwise import multiply
from ..ops.linalg import as_row as _row
from ..ops.linalg import einsum_explicit, matmul
from ..ops.linalg import matvec_stacked as _mv
from ..ops.reduce import sum  # noqa: A004 - NumPy's name
from ..ops.shape import (
    concatenate_pieces,
    moveaxis,
    reshape,
    squeeze,
    swapaxes,
    transpose,
)
from .arguments import operand
from .dispatch import implements, no_out
from .manipulation import ravel


def _mT(x):
    return swapaxes(x, -1, -2)





# ---- products ----------------------------------------------------------------------------------

implements(np.matmul)(matmul)


def tensordot(a, b, axes=2):
    """Σ over ``axes`` of a ⊗ b (NumPy's tensordot): a transpose, a reshape and one matmul."""
    a, b = operand(a), operand(b)
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
    a, b = operand(a), operand(b)
    na, nb = ndim(a), ndim(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([na - 1], [builtins.max(nb - 2, 0)]))


@implements(np.vdot)
def vdot(a, b):
    """Σ a_i b_i over the flattened arrays (real: no conjugation to do)."""
    a, b = operand(a), operand(b)
    return matmul(ravel(a), ravel(b))


@implements(np.inner)
def inner(a, b):
    """The sum over the last axes (a product when either is a scalar)."""
    a, b = operand(a), operand(b)
    if ndim(a) == 0 or ndim(b) == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def outer(a, b):
    """(a ⊗ b)_ij = a_i b_j of the flattened arrays."""
    a, b = operand(a), operand(b)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


@implements(np.kron)
def kron(a, b):
    """The Kronecker product: the blocks a_ij · b, as an outer product with interleaved axes."""
    a, b = operand(a), operand(b)
    na, nb = ndim(a), ndim(b)
    n = builtins.max(na, nb)
    sa = (1,) * (n - na) + tuple(shape(a))
    sb = (1,) * (n - nb) + tuple(shape(b))
    ea = reshape(a, tuple(x for k in sa for x in (k, 1)))
    eb = reshape(b, tuple(x for k in sb for x in (1, k)))
    return reshape(multiply(ea, eb), tuple(i * j for i, j in zip(sa, sb, strict=True)))


@implements(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal a[..., i, i + offset] of the (axis1, axis2) planes, as the last axis.
    NumPy returns a read-only view; this returns a copy with the same values. The adjoint
    scatters ā back onto the diagonal."""
    a = operand(a)
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
    a, b = operand(a), operand(b)
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
    c = concatenate_pieces(*[reshape(broadcast_to(c, shp), shp + (1,)) for c in (c0, c1, c2)],
                           axis=-1)
    return moveaxis(c, -1, axisc)


def vecdot(x1, x2, axis=-1):
    """Σ x1 x2 over ``axis`` (real arrays: no conjugation)."""
    x1, x2 = operand(x1), operand(x2)
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




# ---- einsum ----------------------------------------------------------------------------------

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
    return einsum_explicit(*ops, subscripts=explicit, optimize=opt)


# ---- NumPy's signatures (out= refused) ---------------------------------------------------------


@implements(np.dot)
def _np_dot(a, b, out=None):
    no_out("dot", out)
    return dot(a, b)


@implements(np.outer)
def _np_outer(a, b, out=None):
    no_out("outer", out)
    return outer(a, b)


@implements(np.tensordot)
def _np_tensordot(a, b, axes=2):
    return tensordot(a, b, axes)


@implements(np.einsum)
def _np_einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    no_out("einsum", out)
    return einsum(*operands, optimize=optimize)


@implements(np.trace)
def _np_trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    no_out("trace", out)
    return trace(a, offset, axis1, axis2)


@implements(np.cross)
def _np_cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return cross(a, b, axisa, axisb, axisc, axis)


@implements(np.matrix_transpose)
def _np_matrix_transpose(x, /):
    return matrix_transpose(x)


implements(np.vecdot)(vecdot)
implements(np.matvec)(matvec)
implements(np.vecmat)(vecmat)
