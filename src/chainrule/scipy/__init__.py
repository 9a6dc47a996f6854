"""``chainrule.scipy``: differentiable versions of SciPy functions (SciPy not required)."""

from . import linalg, special

__all__ = ["linalg", "special"]
