"""The optimiser's path in the plane that explains most of it (Li et al., 2018, §7).

Random directions in a high-dimensional space are nearly orthogonal to the path an optimiser
takes, so a random plane shows nothing of it. Li et al. instead take the matrix whose rows
are ``θ_i − θ_final`` for the recorded points ``θ_i`` (``fit(..., record_path=k)``), and its
top two principal directions (right singular vectors; the rows are *not* mean-centred, as in
their code: the origin is the final point). The path projected on them shows how much of the
motion the plane captures: ``explained_variance`` is each direction's share σ_k² / Σ σ².
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .vectors import ravel

__all__ = ["trajectory_plane", "TrajectoryPlane"]


@dataclass
class TrajectoryPlane:
    """``d1``, ``d2``: unit directions (pytrees like the parameters); ``center``: the final
    point (the plane's origin); ``coords``: the path's coordinates ``(T, 2)`` in the plane
    (``⟨θ_i − θ_final, d_k⟩``); ``explained_variance``: the two shares of ‖θ_i − θ_final‖²
    summed over the path."""

    d1: Any
    d2: Any
    center: Any
    coords: np.ndarray
    explained_variance: np.ndarray
    singular_values: np.ndarray


def trajectory_plane(path: list[Any], final: Any = None) -> TrajectoryPlane:
    """The top-2 PCA plane of ``θ_i − θ_final`` over ``path`` (a list of parameter pytrees,
    e.g. ``history.path``); ``final`` defaults to the last point of the path."""
    if len(path) < 3:
        raise ValueError(f"trajectory_plane: the path needs at least 3 points for a plane, got "
                         f"{len(path)}; record more often (fit(..., record_path=k) with "
                         "smaller k).")
    center = path[-1] if final is None else final
    c, unravel = ravel(center)
    M = np.stack([ravel(p)[0] for p in path]) - c
    _, s, vt = np.linalg.svd(M, full_matrices=False)
    if s.size < 2 or s[1] == 0:
        raise ValueError("trajectory_plane: the path lies on a line (its second singular value "
                         "is 0); there is no plane to show.")
    total = float(np.sum(s * s))
    d1, d2 = vt[0], vt[1]
    coords = M @ np.stack([d1, d2], axis=1)
    return TrajectoryPlane(unravel(d1), unravel(d2), center, coords,
                           np.array([s[0] ** 2, s[1] ** 2]) / total, s)
