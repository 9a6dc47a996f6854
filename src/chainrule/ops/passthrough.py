"""NumPy functions without a derivative: applied to traced values, they compute on the plain
values and return plain arrays (what an index, a count, a comparison or a new array is).

Only functions whose result has no derivative in *any* argument belong here: a passthrough
drops the trace, so a differentiable argument would silently get a zero derivative.
``python -m chainrule.coverage`` checks this list against its classification of NumPy.
Each family registers its own (comparisons, ``sign``, ``floor`` in
:mod:`~chainrule.ops.elementwise`; ``argmax``, ``argsort`` in :mod:`~chainrule.ops.select`;
``matrix_rank`` in :mod:`~chainrule.ops.linalg`; shape queries in :mod:`~chainrule.ops.shape`);
this module holds the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer, broadcast_to, cast, full_unwrap
from . import dispatch

dispatch.passthrough(
    # positions and counts (argmax, argsort, nonzero ... are registered in select.py)
    np.nanargmax, np.nanargmin, np.ix_, np.ravel_multi_index, np.unravel_index,
    np.diag_indices_from, np.tril_indices_from, np.triu_indices_from, np.count_nonzero,
    # booleans
    np.any, np.all, np.array_equal, np.array_equiv, np.allclose, np.isclose, np.isin,
    np.iscomplexobj, np.isrealobj,
    # piecewise constant: derivative 0 almost everywhere
    np.round, np.around,
    # bits
    np.packbits, np.unpackbits,
    # binning: the edges are a choice, treated as constants
    np.histogram_bin_edges,
    # arrays of the argument's shape, not its values
    np.zeros_like, np.ones_like, np.empty_like,
    # dtypes and memory
    np.result_type, np.can_cast, np.min_scalar_type, np.common_type, np.may_share_memory,
    np.shares_memory,
    # dates, printing, files
    np.busday_count, np.busday_offset, np.is_busday, np.datetime_as_string, np.array2string,
    np.array_repr, np.array_str, np.save, np.savez, np.savez_compressed, np.savetxt,
)


def _np_full_like(a: Any, fill_value: Any, dtype: Any = None, order: str = "K",
                  subok: bool = True, shape: Any = None, **kw: Any) -> Any:
    """``np.full_like``: ``a`` gives only a shape and a dtype (no derivative); a traced
    ``fill_value`` is broadcast, so its adjoint is the sum of the result's (ā_v = Σ ā).

    NumPy dispatches on ``a`` alone: with a plain ``a`` and a traced ``fill_value``, plain
    ``np.full_like`` raises (at ``np.copyto``); ``chainrule.numpy.full_like`` works."""
    plain = full_unwrap(a)
    if isinstance(fill_value, Tracer):
        dt = np.dtype(dtype) if dtype is not None else np.asarray(plain).dtype
        if dt.kind == "f":
            out_shape = np.shape(plain) if shape is None else tuple(np.atleast_1d(shape))
            return cast(broadcast_to(fill_value, out_shape), dt)
    return np.full_like(plain, full_unwrap(fill_value), dtype=dtype, order=order,
                        subok=subok, shape=shape, **kw)


dispatch.function(np.full_like, _np_full_like)
