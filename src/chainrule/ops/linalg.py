"""Products: ``matmul`` (the primitive) and ``dot`` (matmul's rules for 1-D and 2-D).

For C = A B:  Ā = C̄ Bᵀ,  B̄ = Aᵀ C̄;  Ċ = Ȧ B + A Ḃ. Vectors are treated as NumPy does
(a 1-D left operand is a row, a 1-D right operand a column); stacked (batched) operands
broadcast, and the machine sums the batch axes of an adjoint back to its argument.
"""

from __future__ import annotations

import numpy as np

from . import dispatch
from ._util import ndim, prim
from .elementwise import multiply
from .shape import expand_dims, squeeze, swapaxes


def _mT(x):
    return x.T if x.ndim == 2 else swapaxes(x, -1, -2)


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
matmul.defvjp(_matmul_vjp_a, _matmul_vjp_b)
matmul.defjvp(lambda t, ans, a, b: matmul(t, b),
              lambda t, ans, a, b: matmul(a, t))


def dot(a, b):
    """NumPy's ``dot`` for scalars, vectors and matrices (matmul's rules)."""
    na, nb = ndim(a), ndim(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    raise NotImplementedError(
        f"dot of arrays with {na} and {nb} dimensions is not differentiable in chainrule "
        "yet; use matmul (stacked matrices) or an explicit sum of products.")


dispatch.ufunc(np.matmul, matmul)
dispatch.function(np.dot, dot)

__all__ = ["matmul", "dot"]
