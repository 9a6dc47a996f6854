"""``chainrule.scipy``: differentiable versions of SciPy functions (SciPy not required)."""

from . import integrate, linalg, signal, special, stats

__all__ = ["integrate", "linalg", "signal", "special", "stats"]
