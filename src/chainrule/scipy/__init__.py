"""``chainrule.scipy``: differentiable versions of SciPy functions (SciPy not required)."""

from . import special, stats

__all__ = ["special", "stats"]
