"""One dtype-conversion policy for traced values (every ``astype``-like path uses it).

* a real floating or complex target is a cast: the derivative is kept (ā_x = ā cast back
  to x's dtype). Complex -> real keeps the real part, with NumPy's ``ComplexWarning`` (as
  NumPy and HIPS autograd do; its derivative is that of ``real``); real -> complex embeds
  (ā_x = Re ā). See docs/complex.md;
* an integer or boolean target gives a plain array: its derivative is 0 (a step function),
  unless the caller computes *through* the integer values (a reduction with ``dtype=int``,
  ``concatenate(..., dtype=int)``), which passes ``keep_derivative=True`` and is refused;
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core import Tracer, cast, full_unwrap

__all__ = ["convert", "real_floating", "to_dtype", "is_complex"]


def convert(x: Any, dtype: Any, where: str, *, keep_derivative: bool = False) -> Any:
    """``x`` converted to ``dtype`` by the policy above (``dtype=None`` leaves ``x`` as is).

    ``where`` names the NumPy function or method for the error messages (``"astype"``).
    A plain ``x`` is converted by NumPy (``np.asarray(x, dtype)``) whatever the target.
    """
    if dtype is None:
        return x
    dtype = np.dtype(dtype)
    if not isinstance(x, Tracer):
        return np.asarray(x, dtype=dtype)
    if x.dtype == dtype:
        return x
    if dtype.kind == "f" or dtype.kind == "c":
        if x.dtype.kind == "c" and dtype.kind == "f":
            warnings.warn("Casting complex values to real discards the imaginary part",
                          np.exceptions.ComplexWarning, stacklevel=3)
        return cast(x, dtype)
    if keep_derivative:
        raise TypeError(f"{where} with dtype={dtype} of a traced value would lose its "
                        "derivative (an integer or boolean result is a step function); only "
                        "floating dtypes are differentiable here: use a floating dtype and "
                        "round afterwards if you need to")
    return full_unwrap(x).astype(dtype)


def real_floating(dtype: Any, where: str) -> np.dtype:
    """``dtype`` as a NumPy dtype (the check of a function whose result dtype is derived
    from its arguments). Complex dtypes are differentiable too (docs/complex.md); the name
    is kept for its callers."""
    return np.dtype(dtype)


def to_dtype(x: Any, dtype: Any) -> Any:
    """``x`` (plain or traced) as an array of ``dtype``, by the policy of :func:`convert`."""
    return convert(x, dtype, "conversion")


def is_complex(x: Any) -> bool:
    """Is ``x`` (an array, a traced value or a Python number) complex?"""
    dt = getattr(x, "dtype", None)
    return isinstance(x, complex) if dt is None else np.dtype(dt).kind == "c"
