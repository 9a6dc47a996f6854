"""``chainrule.scipy``: differentiable versions of SciPy functions (SciPy not required)."""

from . import linalg, signal, special

__all__ = ["linalg", "signal", "special"]
