"""Both differentiation modes at once: Jacobians by forward and by reverse mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as cr


def both_modes(f: Callable[..., Any], x: Any) -> tuple[Any, Any]:
    """jacfwd and jacrev of f at x (float64)."""
    x = np.asarray(x, dtype=np.float64)
    return cr.jacfwd(f)(x), cr.jacrev(f)(x)


def assert_both(f: Callable[..., Any], x: Any, want: Any, rtol: float = 1e-15,
                atol: float = 0.0) -> None:
    """Both Jacobians of f at x equal ``want``."""
    for jac in both_modes(f, x):
        np.testing.assert_allclose(jac, want, rtol=rtol, atol=atol)
