"""Sorting, searching and counting. Derivatives flow to the selected entries.

Every function here is a composite of ``getitem`` (a gather; its adjoint scatters ā back,
adding where an entry was selected twice) and ``where``: the indices are computed from the
plain values with NumPy, and carry no derivative. Conventions:

* ``sort`` with ties: the derivative of the k-th output flows to the entry NumPy's *stable*
  argsort puts k-th (the first of equal entries goes first). JAX sorts stably too; autograd
  gathers by NumPy's default (quicksort, unstable) argsort and PyTorch's ``sort`` is
  unstable by default, so which tied entry gets which derivative is theirs to choose.
* ``partition``: the output is ``a[argpartition(a)]``: the k-th entry is NumPy's, and so is
  the set of entries on each side, but their order within a side may differ from
  ``np.partition``'s (both are valid partitions); each entry's derivative goes with it.
* ``unique``: the derivative of a unique value flows to its *first occurrence* (the index
  ``np.unique(..., return_index=True)`` reports); the other copies get none. (PyTorch's
  ``unique`` has no backward and autograd no rule; JAX's sort-based one also reaches the
  first occurrence.)
* ``interp``: piecewise linear; at a breakpoint the slope of the segment to its right is
  used (JAX's choice), at the last breakpoint the one to its left; outside [xp[0], xp[-1]]
  the derivative in x is 0.
* argsort, argmax, argmin, argpartition, searchsorted, nonzero, flatnonzero, argwhere,
  where(cond): indices, passed through as plain arrays.

Each NumPy name is registered with NumPy's signature; applied to plain values it is NumPy's
own function.
"""

from __future__ import annotations

import numpy as np

from ..core import cast, full_unwrap
from ..ops.axes import along, axis_index
from ..ops.index import Distinct, getitem, scatter_add
from .arguments import as_array, traced
from .dispatch import implements, passthrough
from .indexing import flattened, plain_indices, take_along


@implements(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``np.sort``: a gather by the stable argsort (ties: the derivative of the k-th output
    goes to the entry the stable order puts k-th)."""
    if not traced(a):
        return np.sort(a, axis, kind=kind, order=order, stable=stable)
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")
    x = as_array(a)
    if axis is None:
        x = flattened(x)
        axis = -1
    perm = np.argsort(full_unwrap(x), axis=axis, kind="stable")
    return take_along(x, perm, axis, distinct=True)


@implements(np.partition)
def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``np.partition`` at the values level: a[argpartition(a)] (see the module's note)."""
    if not traced(a):
        return np.partition(a, kth, axis, kind, order)
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")
    x = as_array(a)
    if axis is None:
        x = flattened(x)
        axis = -1
    perm = np.argpartition(full_unwrap(x), kth, axis=axis, kind=kind)
    return take_along(x, perm, axis, distinct=True)


# ---- unique: the derivative flows to each value's first occurrence --------------------------


def _first_positions(flat, values):
    """For each of ``values`` (drawn from the 1-D ``flat``), the position of its first
    occurrence; the k-th NaN among ``values`` maps to the k-th NaN of ``flat``."""
    u, first = np.unique(flat, return_index=True, equal_nan=False)
    pos = np.searchsorted(u, values)
    out = first[np.minimum(pos, max(u.size - 1, 0))]
    nan = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
    if nan.any():
        out[nan] = np.nonzero(np.isnan(flat))[0][:int(nan.sum())]
    return out


@implements(np.unique)
def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, sorted=True):  # noqa: A002 - NumPy's name
    """``np.unique``: the unique values are a gather of each one's first occurrence; the
    indices, inverse and counts are plain arrays."""
    kw = dict(return_index=return_index, return_inverse=return_inverse,
              return_counts=return_counts, axis=axis, equal_nan=equal_nan, sorted=sorted)
    if not traced(ar):
        return np.unique(ar, **kw)
    x = as_array(ar)
    kw["return_index"] = True
    res = np.unique(full_unwrap(x), **kw)
    first = res[1]
    if axis is None:
        values = getitem(flattened(x), Distinct((first,)))
    else:
        values = getitem(x, Distinct(along(axis_index(axis, x.ndim), first)))
    out = (values,) + ((first,) if return_index else ()) + tuple(res[2:])
    return out[0] if len(out) == 1 else out


def _unique_values_of(x, res_values):
    flat = np.ravel(full_unwrap(x))
    return getitem(flattened(x), Distinct((_first_positions(flat, np.asarray(res_values)),)))


@implements(np.unique_values)
def unique_values(x):
    """``np.unique_values``: values gathered from their first occurrences."""
    if not traced(x):
        return np.unique_values(x)
    x = as_array(x)
    return _unique_values_of(x, np.unique_values(full_unwrap(x)))


def _unique_result(np_func):
    def f(x):
        if not traced(x):
            return np_func(x)
        x = as_array(x)
        res = np_func(full_unwrap(x))
        return res._replace(values=_unique_values_of(x, res.values))
    f.__name__ = np_func.__name__
    f.__doc__ = (f"``np.{np_func.__name__}``: the values gathered from their first "
                 "occurrences; the other fields are plain arrays.")
    return f


unique_counts = implements(np.unique_counts)(_unique_result(np.unique_counts))
unique_inverse = implements(np.unique_inverse)(_unique_result(np.unique_inverse))
unique_all = implements(np.unique_all)(_unique_result(np.unique_all))


# ---- counting with weights, interpolation -------------------------------------------------


@implements(np.bincount)
def bincount(x, /, weights=None, minlength=0):
    """``np.bincount``: with traced ``weights``, the weights summed into bins (a scatter-add;
    the derivative of bin b flows to the weights of the entries equal to b)."""
    if not traced(weights):
        return np.bincount(full_unwrap(x), weights=weights, minlength=minlength)
    ind = plain_indices(x)
    n = np.bincount(ind, minlength=minlength).shape[0]  # NumPy's checks and length
    w = as_array(weights)
    if w.shape != ind.shape:
        raise ValueError("The weights and list don't have the same length.")
    w = w if w.dtype == np.float64 else cast(w, np.float64)  # NumPy's: bins are doubles
    return scatter_add(w, (ind,), (n,))


passthrough(np.argsort, np.argmax, np.argmin, np.argpartition, np.searchsorted, np.nonzero,
            np.flatnonzero, np.argwhere, np.lexsort, np.digitize)
