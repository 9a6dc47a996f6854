"""NumPy functions without a derivative: applied to traced values, they compute on the plain
values and return plain arrays (what an index, a count, a comparison or a new array is).

Only functions whose result has no derivative in *any* argument belong here: a passthrough
drops the trace, so a differentiable argument would silently get a zero derivative.
``python -m chainrule.coverage`` checks this list against its classification of NumPy.
``argmax``, ``argsort`` and the other searches are registered beside the sorting functions
(:mod:`~chainrule.numpy.sorting`); this module holds the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer, broadcast_to, cast, full_unwrap
from .dispatch import implements, passthrough

passthrough(
    # logic and comparisons; piecewise-constant elementwise functions (0 almost everywhere);
    # functions that are not real-valued functions of a real argument
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_xor, np.logical_not,
    np.isfinite, np.isinf, np.isnan, np.isnat, np.signbit, np.sign, np.heaviside,
    np.floor, np.ceil, np.trunc, np.rint, np.fix, np.floor_divide, np.spacing,
    np.gcd, np.lcm, np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.bitwise_count,
    np.invert, np.left_shift, np.right_shift,
    np.isposinf, np.isneginf, np.isreal, np.iscomplex,
    # linear algebra: a rank is an integer; a contraction path is a plan
    np.linalg.matrix_rank, np.einsum_path,
    # positions and counts (argmax, argsort, nonzero ... are registered in sorting.py)
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


@implements(np.full_like)
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

