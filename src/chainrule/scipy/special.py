"""``chainrule.scipy.special``: stable, differentiable special functions.

Signatures follow SciPy (``softmax``/``log_softmax``/``logsumexp`` default to ``axis=None``,
all entries). SciPy itself is not needed.
"""

from __future__ import annotations

from typing import Any

from ..ops import elementwise as _ew
from ..ops import special as _special

expit = _special.logistic


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False) -> Any:
    """log Σ exp(a) (times ``b`` inside the sum when given), stable for large |a|."""
    if b is not None:
        return _special.logsumexp(a + _ew.log(b), axis=axis, keepdims=keepdims)
    return _special.logsumexp(a, axis=axis, keepdims=keepdims)


def softmax(x: Any, axis: Any = None) -> Any:
    """exp(x) / Σ exp(x) over ``axis`` (all entries by default, as SciPy)."""
    return _special.softmax(x, axis=axis)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """x - logsumexp(x) over ``axis`` (all entries by default, as SciPy)."""
    return _special.log_softmax(x, axis=axis)


def logit(p: Any) -> Any:
    """log(p / (1 - p)), the inverse of ``expit``."""
    return _ew.log(p / (1 - p))


__all__ = ["expit", "logit", "logsumexp", "softmax", "log_softmax"]
