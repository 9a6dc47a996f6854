"""One dtype-conversion policy for traced values (every ``astype``-like path uses it).

* a real floating target is a cast: the derivative is kept (ā_x = ā cast back to x's dtype);
* an integer or boolean target gives a plain array: its derivative is 0 (a step function),
  unless the caller computes *through* the integer values (a reduction with ``dtype=int``,
  ``concatenate(..., dtype=int)``), which passes ``keep_derivative=True`` and is refused;
* a complex target raises ``TypeError``: chainrule differentiates real arrays, and the
  imaginary part's derivative would otherwise be silently dropped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer, cast, full_unwrap

__all__ = ["convert", "real_floating", "to_dtype"]


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
    if dtype.kind == "c":
        raise TypeError(f"{where} to {dtype} of a traced value: chainrule differentiates "
                        "real arrays (complex support is not there yet), so the derivative "
                        "of the imaginary part would be lost; keep a real floating dtype, "
                        "or convert to complex outside grad/jvp/vjp")
    if x.dtype == dtype:
        return x
    if dtype.kind == "f":
        return cast(x, dtype)
    if keep_derivative:
        raise TypeError(f"{where} with dtype={dtype} of a traced value would lose its "
                        "derivative (an integer or boolean result is a step function); only "
                        "floating dtypes are differentiable here: use a floating dtype and "
                        "round afterwards if you need to")
    return full_unwrap(x).astype(dtype)


def real_floating(dtype: Any, where: str) -> np.dtype:
    """``dtype`` as a NumPy dtype, refusing a complex one (chainrule differentiates real
    arrays): the check of a function whose result dtype is derived from its arguments."""
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        raise TypeError(f"numpy.{where} to {dtype} of a traced value: chainrule differentiates "
                        "real arrays; take the real part of the result outside grad, or keep "
                        "a real dtype")
    return dtype


def to_dtype(x: Any, dtype: Any) -> Any:
    """``x`` (plain or traced) as an array of ``dtype``, by the policy of :func:`convert`."""
    return convert(x, dtype, "conversion")
