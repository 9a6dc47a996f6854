"""``numpy.linalg.eig`` and ``eigvals``: the general eigendecomposition, differentiable
through the ``eig`` primitive of :mod:`chainrule.ops.linalg` (complex results in general;
see docs/complex.md for the eigenvector phase)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.linalg import eig_packed
from .dispatch import implements


@implements(np.linalg.eig)
def eig(a: Any) -> Any:
    """NumPy's ``linalg.eig``: (w, V) with A V = V diag(w) and unit columns v_i."""
    p = eig_packed(a)
    return np.linalg._linalg.EigResult(p[..., 0, :], p[..., 1:, :])


@implements(np.linalg.eigvals)
def eigvals(a: Any) -> Any:
    """NumPy's ``linalg.eigvals``: ẇ = diag(V⁻¹ Ȧ V)."""
    return eig_packed(a)[..., 0, :]


__all__ = ["eig", "eigvals"]
