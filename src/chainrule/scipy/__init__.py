"""``chainrule.scipy``: differentiable versions of SciPy functions (SciPy not required)."""

from . import special

__all__ = ["special"]
