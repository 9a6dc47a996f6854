"""NumPy's array manipulation routines composed from primitives.

Composites of chainrule operations (no rules of their own, correct to any order because
their parts are), registered under NumPy's names with NumPy's signatures; applied to plain
values each is NumPy's own function. Conventions:

* ``trim_zeros`` — at the values level: the slice is found on the values and the kept
  entries pass their derivative (an entry that is exactly 0 at the edge is dropped).
"""

from __future__ import annotations

import builtins

import numpy as np

from ..core import full_unwrap
from ..ops._util import normalize_axis
from ..ops.dispatch import implements
from ..ops.index import getitem
from ..ops.reduce import cumprod_, mean, np_convolve  # noqa: F401
from ..ops.shape import (
    as_array,
    traced,
)

_range = builtins.range


@implements(np.trim_zeros)
def trim_zeros(filt, trim="fb", axis=None):
    """``np.trim_zeros`` at the values level: the leading/trailing zeros are found on the
    values; the kept entries pass their derivative through."""
    if not traced(filt):
        return np.trim_zeros(filt, trim, axis)
    x = as_array(filt)
    v = full_unwrap(x)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = tuple(_range(v.ndim)) if axis is None else normalize_axis(axis, v.ndim)
    if not axes:
        return x
    nz = np.argwhere(v)
    if nz.size == 0:
        start = stop = [0] * v.ndim
    else:
        start = list(nz.min(axis=0)) if "f" in trim else [None] * v.ndim
        stop = list(nz.max(axis=0) + 1) if "b" in trim else [None] * v.ndim
    sl = tuple(slice(start[a], stop[a]) if a in axes else slice(None) for a in _range(v.ndim))
    return getitem(x, sl[0] if len(sl) == 1 else sl)
