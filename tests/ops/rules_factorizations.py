"""Cases for the primitives of ``ops/factorizations.py`` (scipy.linalg's LU, Sylvester
solve, square root, exponential) and ``ops/convolution.py`` (the N-d full convolution).

Domains keep each function smooth where it is checked: LU of well-conditioned matrices
whose pivots are not near a tie (the row order is then locally constant, so finite
differences see the same factorization); square roots of matrices with eigenvalues of
positive real part; Sylvester equations with eigenvalue sums λ_i(A) + μ_j(B) away from 0;
exponentials with norms on both sides of the scaling threshold (no squaring, and several).
Values against SciPy are in tests/scipy/.
"""

from __future__ import annotations

import numpy as np

from _harness.specs import D, Entry, _label, spec

from .rules_linalg import spd, wellcond


def pivoted(rng, shape):
    """Well conditioned, with a small leading entry so that LU swaps rows, and the column
    maxima clearly apart (no pivot tie)."""
    a = wellcond(rng, shape)
    a[0, 0] = 0.05
    a[1:, 0] = np.sign(a[1:, 0]) * (0.5 + np.arange(shape[0] - 1))
    return a


def rootable(rng, shape):
    """Symmetric positive definite (eigenvalues in [1, 3]) plus a small non-symmetric part:
    every eigenvalue has a positive real part, so the principal root is smooth."""
    return spd(rng, shape) + 0.2 * rng.standard_normal(shape)


def large(rng, shape):
    """Norm about 20: expm scales by 2^-s and squares s times."""
    return 8.0 * rng.standard_normal(shape)


RULES = {
    "lu_packed": Entry([spec(_label(s), D(s, wellcond)) for s in [(1, 1), (2, 2), (3, 3),
                                                                   (4, 4)]]
                       + [spec("pivoting,4x4", D((4, 4), pivoted))]),
    "solve_sylvester": Entry([
        spec("3x3,2x2", D((3, 3), spd), D((2, 2), spd), D((3, 2))),
        spec("1x1,1x1", D((1, 1), spd), D((1, 1), spd), D((1, 1))),
        spec("2x2,3x3,general", D((2, 2), rootable), D((3, 3), rootable), D((2, 3))),
        spec("batch-2x3x3,2x2,3x2", D((2, 3, 3), spd), D((2, 2), spd), D((3, 2)))]),
    "sqrtm": Entry([spec(_label(s), D(s, rootable)) for s in [(1, 1), (2, 2), (3, 3)]]
                   + [spec("spd,3x3", D((3, 3), spd)),
                      spec("batch-2x2x2", D((2, 2, 2), rootable))]),
    "expm": Entry([spec(_label(s), D(s)) for s in [(1, 1), (2, 2), (3, 3)]]
                  + [spec("large-norm,3x3", D((3, 3), large)),
                     spec("batch-2x2x2", D((2, 2, 2)))]),
    "convolve_full": Entry([
        spec("5*3", D((5,)), D((3,)), axes=(0,)),
        spec("2*6", D((2,)), D((6,)), axes=(0,)),
        spec("3x4*2x2", D((3, 4)), D((2, 2)), axes=(0, 1)),
        spec("3x4*1x2,axes=1", D((3, 4)), D((1, 2)), axes=(1,)),
        spec("2x3x2*2x1x2,axes=(0,2)", D((2, 3, 2)), D((2, 1, 2)), axes=(0, 2)),
        spec("5*3,fft", D((5,)), D((3,)), axes=(0,), method="fft"),
        spec("3x4*2x3,fft", D((3, 4)), D((2, 3)), axes=(0, 1), method="fft")]),
}
