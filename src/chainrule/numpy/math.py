"""NumPy's mathematical functions: the elementwise primitives under NumPy's names, and the
functions composed from primitives (sums, products, differences, extrema, convolution...).

Every ufunc chainrule differentiates maps to a primitive of
:mod:`chainrule.ops.elementwise`; the composites below have no rules of their own (correct
to any order because their parts are), take NumPy's signatures, and are NumPy's own
function on plain values. Conventions:

* ``where=`` masks entries out (they get a zero derivative); max/min with ``where`` need
  ``initial`` as in NumPy, and ``initial`` joins through ``maximum``/``minimum`` (a tie with
  it splits the derivative in half, like ``maximum``; JAX does the same).
* nan-functions ignore NaNs: those entries get a zero derivative; an all-NaN slice gives
  NaN (nanmax/nanmin) with derivative 0.
* ``unwrap`` — p plus a correction that is a multiple of ``period`` and piecewise constant
  in p: derivative 1 almost everywhere (``discont``, ``period`` are plain).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..core import Tracer, broadcast_to, cast, full_unwrap
from ..ops import elementwise as _ew
from ..ops.axes import along, axis_index, normalize_axis
from ..ops.dtypes import is_complex as _is_complex
from ..ops.dtypes import to_dtype
from ..ops.index import Distinct, getitem
from ..ops.reduce import convolve_full, cumprod_, cumsum_, max, min, prod, sum  # noqa: A004
from ..ops.shape import concatenate_pieces, moveaxis, reshape
from ..ops.special import i0
from .arguments import (
    NO_VALUE,
    and_where,
    as_array,
    given,
    nan_mask,
    reduction_dtype,
    traced,
    where_mask,
)
from .dispatch import implements, no_out
from .manipulation import concatenate

# ---- the elementwise primitives under NumPy's names -----------------------------------------

implements(np.add)(_ew.add)
implements(np.subtract)(_ew.subtract)
implements(np.multiply)(_ew.multiply)
implements(np.divide)(_ew.divide)
implements(np.negative)(_ew.negative)
implements(np.positive)(_ew.positive)
implements(np.reciprocal)(_ew.reciprocal)
implements(np.power)(_ew.power)
implements(np.square)(_ew.square)
implements(np.sqrt)(_ew.sqrt)
implements(np.cbrt)(_ew.cbrt)
implements(np.exp)(_ew.exp)
implements(np.exp2)(_ew.exp2)
implements(np.expm1)(_ew.expm1)
implements(np.log)(_ew.log)
implements(np.log2)(_ew.log2)
implements(np.log10)(_ew.log10)
implements(np.log1p)(_ew.log1p)
implements(np.logaddexp)(_ew.logaddexp)
implements(np.logaddexp2)(_ew.logaddexp2)
implements(np.sin)(_ew.sin)
implements(np.cos)(_ew.cos)
implements(np.tan)(_ew.tan)
implements(np.arcsin)(_ew.arcsin)
implements(np.arccos)(_ew.arccos)
implements(np.arctan)(_ew.arctan)
implements(np.arctan2)(_ew.arctan2)
implements(np.hypot)(_ew.hypot)
implements(np.sinh)(_ew.sinh)
implements(np.cosh)(_ew.cosh)
implements(np.tanh)(_ew.tanh)
implements(np.arcsinh)(_ew.arcsinh)
implements(np.arccosh)(_ew.arccosh)
implements(np.arctanh)(_ew.arctanh)
implements(np.deg2rad)(_ew.deg2rad)
implements(np.radians)(_ew.radians)
implements(np.rad2deg)(_ew.rad2deg)
implements(np.degrees)(_ew.degrees)
implements(np.absolute)(_ew.absolute)
implements(np.fabs)(_ew.fabs)
implements(np.copysign)(_ew.copysign)
implements(np.maximum)(_ew.maximum)
implements(np.minimum)(_ew.minimum)
implements(np.fmax)(_ew.fmax)
implements(np.fmin)(_ew.fmin)
implements(np.remainder)(_ew.remainder)
implements(np.fmod)(_ew.fmod)
implements(np.ldexp)(_ew.ldexp)
implements(np.conjugate)(_ew.conjugate)
implements(np.nextafter)(_ew.nextafter)
implements(np.sinc)(_ew.sinc)


# ---- elementwise composites ----------------------------------------------------------------


def _at_least_float64(a):
    dt = getattr(a, "dtype", None)
    if dt is None or (dt.kind == "f" and dt.itemsize >= 8):
        return a  # a Python number (weak: takes the other operand's type), or float64+
    return cast(a, np.float64)


@implements(np.float_power)
def float_power(x, y):
    """x^y computed in at least float64 (NumPy's ``float_power``): ``power`` of the arguments
    cast up (a composite; derivatives of float32 arguments come back in float32)."""
    if not isinstance(x, Tracer) and not isinstance(y, Tracer):
        return np.float_power(x, y)
    return _ew.power(_at_least_float64(x), _at_least_float64(y))


@implements(np.divmod)
def divmod_(x, y):
    """NumPy's ``divmod``: (⌊x/y⌋, x mod y); the quotient is piecewise constant (a plain
    array), the remainder differentiable (``remainder``)."""
    return _ew.floor_divide(x, y), _ew.remainder(x, y)


@implements(np.frexp)
def frexp(x):
    """NumPy's ``frexp``: (m, e) with x = m 2^e, ½ ≤ |m| < 1. m = x 2^{-e} is differentiable
    (ȧ_m = ȧ_x 2^{-e}, a composite of ``ldexp``); the integer e is a plain array."""
    e = _ew.frexp_exponent(x)
    return _ew.ldexp(x, -e), e


@implements(np.modf)
def modf(x):
    """NumPy's ``modf``: (fractional part, integral part); the fractional part has derivative
    1 (``modf_fraction``), the integral part is piecewise constant (a plain array)."""
    return _ew.modf_fraction(x), _ew.trunc(x)



@implements(np.real)
def real(val):
    """NumPy's ``real``: Re z (the primitive ``real_part``); a real array itself."""
    if not isinstance(val, Tracer):
        return np.real(val)
    return _ew.real_part(val) if _is_complex(val) else val


@implements(np.imag)
def imag(val):
    """NumPy's ``imag``: Im z (the primitive ``imag_part``); zeros for a real array (a plain
    array: no derivative)."""
    if not isinstance(val, Tracer):
        return np.imag(val)
    return _ew.imag_part(val) if _is_complex(val) else np.zeros_like(full_unwrap(val))


@implements(np.real_if_close)
def real_if_close(a, tol=100):
    """NumPy's ``real_if_close``: Re z where every imaginary part is within ``tol`` machine
    epsilons of 0 (decided on the values), else z; a real array itself."""
    if not isinstance(a, Tracer):
        return np.real_if_close(a, tol=tol)
    if _is_complex(a) and np.isrealobj(np.real_if_close(full_unwrap(a), tol=tol)):
        return _ew.real_part(a)
    return a


@implements(np.angle)
def angle(z, deg=False):
    """NumPy's ``angle``: arg z (the primitive ``angle``) of a complex value; of a real one,
    0 or π, piecewise constant (a plain array)."""
    if isinstance(z, Tracer) and _is_complex(z):
        return _ew.angle(z, deg=deg)
    return np.angle(full_unwrap(z), deg=deg)


@implements(np.clip)
def _np_clip(a, a_min=None, a_max=None, out=None, *, min=NO_VALUE, max=NO_VALUE,  # noqa: A002
             **kwargs):
    no_out("clip", out)
    return _ew.clip(a, a_min if min is NO_VALUE else min, a_max if max is NO_VALUE else max)



@implements(np.nan_to_num)
def _np_nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    return _ew.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)




# ---- sums, products, extrema -----------------------------------------------------------------


def _extreme(p, x, axis, keepdims, initial, where, name):
    mask = where_mask(where, x)
    if mask is not None:
        if initial is NO_VALUE:
            raise ValueError(f"reduction operation '{name}' does not have an identity, so to "
                             "use a where mask one has to specify 'initial'")
        x = _ew.where(mask, x, -np.inf if p is max else np.inf)
    out = p(x, axis=axis, keepdims=keepdims)
    if initial is not NO_VALUE:
        out = (_ew.maximum if p is max else _ew.minimum)(out, initial)
    return out


@implements(np.sum)
def np_sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.sum``: masked entries (``where``) count as 0; ``initial`` is added."""
    if out is None and dtype is None and initial is NO_VALUE and where is NO_VALUE and \
            isinstance(a, Tracer):  # the common case, first
        return sum(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.sum(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                    where=where))
    no_out("sum", out)
    x = reduction_dtype(as_array(a), dtype)
    mask = where_mask(where, x)
    out = sum(x if mask is None else _ew.where(mask, x, 0), axis=axis, keepdims=keepdims)
    return out if initial is NO_VALUE else out + initial


@implements(np.prod)
def np_prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.prod``: masked entries count as 1; ``initial`` multiplies."""
    if out is None and dtype is None and initial is NO_VALUE and where is NO_VALUE and \
            isinstance(a, Tracer):  # the common case, first
        return prod(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.prod(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                     where=where))
    no_out("prod", out)
    x = reduction_dtype(as_array(a), dtype)
    mask = where_mask(where, x)
    out = prod(x if mask is None else _ew.where(mask, x, 1), axis=axis, keepdims=keepdims)
    return out if initial is NO_VALUE else out * initial


@implements(np.max, np.amax)
def np_max(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.max``/``np.amax``: ties split evenly; ``initial`` joins through ``maximum``."""
    if out is None and initial is NO_VALUE and where is NO_VALUE and isinstance(a, Tracer):
        return max(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.max(a, axis, out, **given(keepdims=keepdims, initial=initial, where=where))
    no_out("max", out)
    return _extreme(max, as_array(a), axis, keepdims, initial, where, "maximum")


@implements(np.min, np.amin)
def np_min(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.min``/``np.amin``: ties split evenly; ``initial`` joins through ``minimum``."""
    if out is None and initial is NO_VALUE and where is NO_VALUE and isinstance(a, Tracer):
        return min(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.min(a, axis, out, **given(keepdims=keepdims, initial=initial, where=where))
    no_out("min", out)
    return _extreme(min, as_array(a), axis, keepdims, initial, where, "minimum")


@implements(np.nansum)
def np_nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE,
              where=NO_VALUE):
    """``np.nansum``: NaNs count as 0 (and get no derivative)."""
    if not traced(a, initial):
        return np.nansum(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                       where=where))
    x = as_array(a)
    return np_sum(_ew.where(nan_mask(x), 0, x), axis, dtype, out, keepdims, initial, where)


@implements(np.nanprod)
def np_nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE,
               where=NO_VALUE):
    """``np.nanprod``: NaNs count as 1 (and get no derivative)."""
    if not traced(a, initial):
        return np.nanprod(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                        where=where))
    x = as_array(a)
    return np_prod(_ew.where(nan_mask(x), 1, x), axis, dtype, out, keepdims, initial, where)


def _nan_extreme(p, a, axis, out, keepdims, initial, where, name):
    x = as_array(a)
    nan = nan_mask(x)
    filled = _ew.where(nan, -np.inf if p is max else np.inf, x)
    res = _extreme(p, filled, axis, keepdims, initial, where, name)
    if initial is NO_VALUE:  # an all-NaN slice is NaN (NumPy warns; so does this)
        allnan = np.logical_and.reduce(nan | ~and_where(np.ones(nan.shape, bool), where),
                                       axis=normalize_axis(axis, x.ndim), keepdims=keepdims)
        if np.any(allnan):
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
            res = _ew.where(allnan, np.nan, res)
    return res


@implements(np.nanmax)
def np_nanmax(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.nanmax``: the max of the non-NaN entries."""
    if not traced(a, initial):
        return np.nanmax(a, axis, out, **given(keepdims=keepdims, initial=initial,
                                                where=where))
    no_out("nanmax", out)
    return _nan_extreme(max, a, axis, out, keepdims, initial, where, "maximum")


@implements(np.nanmin)
def np_nanmin(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.nanmin``: the min of the non-NaN entries."""
    if not traced(a, initial):
        return np.nanmin(a, axis, out, **given(keepdims=keepdims, initial=initial,
                                                where=where))
    no_out("nanmin", out)
    return _nan_extreme(min, a, axis, out, keepdims, initial, where, "minimum")


def _cumulative(a, axis, dtype):
    x = reduction_dtype(as_array(a), dtype)
    if axis is None:
        return reshape(x, (-1,)), 0
    return x, axis_index(axis, x.ndim)


@implements(np.cumsum)
def np_cumsum(a, axis=None, dtype=None, out=None):
    """``np.cumsum`` (of the raveled array for ``axis=None``)."""
    if not traced(a):
        return np.cumsum(a, axis, dtype, out)
    no_out("cumsum", out)
    x, ax = _cumulative(a, axis, dtype)
    return cumsum_(x, axis=ax)


@implements(np.cumprod)
def np_cumprod(a, axis=None, dtype=None, out=None):
    """``np.cumprod``: exact at zeros."""
    if not traced(a):
        return np.cumprod(a, axis, dtype, out)
    no_out("cumprod", out)
    x, ax = _cumulative(a, axis, dtype)
    return cumprod_(x, axis=ax)


@implements(np.nancumsum)
def np_nancumsum(a, axis=None, dtype=None, out=None):
    """``np.nancumsum``: NaNs count as 0."""
    if not traced(a):
        return np.nancumsum(a, axis, dtype, out)
    x = as_array(a)
    return np_cumsum(_ew.where(nan_mask(x), 0, x), axis, dtype, out)


@implements(np.nancumprod)
def np_nancumprod(a, axis=None, dtype=None, out=None):
    """``np.nancumprod``: NaNs count as 1."""
    if not traced(a):
        return np.nancumprod(a, axis, dtype, out)
    x = as_array(a)
    return np_cumprod(_ew.where(nan_mask(x), 1, x), axis, dtype, out)


def _cumulative_api(np_func, ours, identity):
    def f(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
        if not traced(x):
            return np_func(x, axis=axis, dtype=dtype, out=out, include_initial=include_initial)
        no_out(np_func.__name__, out)
        x = reduction_dtype(as_array(x), dtype)
        if axis is None:
            if x.ndim > 1:
                raise ValueError("For arrays which have more than one dimension ``axis`` "
                                 "argument is required.")
            x = reshape(x, (-1,))
            axis = 0
        ax = axis_index(axis, x.ndim)
        res = ours(x, axis=ax)
        if include_initial:
            s = list(res.shape)
            s[ax] = 1
            res = concatenate_pieces(np.full(tuple(s), identity, res.dtype), res, axis=ax)
        return res
    f.__name__ = np_func.__name__
    f.__doc__ = f"``np.{np_func.__name__}`` (the array API's cumulative reduction)."
    return f


cumulative_sum = implements(np.cumulative_sum)(_cumulative_api(np.cumulative_sum, cumsum_, 0))
cumulative_prod = implements(np.cumulative_prod)(
    _cumulative_api(np.cumulative_prod, cumprod_, 1))


# ---- differences, integrals, convolutions --------------------------------------------------


def _slice(x, ax, start, stop):
    return getitem(x, along(ax, slice(start, stop)))


@implements(np.diff)
def np_diff(a, n=1, axis=-1, prepend=NO_VALUE, append=NO_VALUE):
    """``np.diff``: x[1:] - x[:-1] along ``axis``, ``n`` times (``prepend``/``append`` are
    joined first, and differentiable when traced)."""
    if not traced(a, prepend, append):
        return np.diff(a, n, axis, **given(prepend=prepend, append=append))
    if n == 0:
        return as_array(a)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    x = as_array(a)
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = axis_index(axis, x.ndim)
    parts = []
    for extra, at_end in ((prepend, False), (append, True)):
        if extra is NO_VALUE:
            continue
        e = as_array(extra)
        if e.ndim == 0:
            s = list(x.shape)
            s[ax] = 1
            e = broadcast_to(e, tuple(s))
        parts.append((e, at_end))
    if parts:
        x = concatenate([p for p, end in parts if not end] + [x] +
                        [p for p, end in parts if end], axis=ax)
    for _ in range(n):
        m = x.shape[ax]
        x = _slice(x, ax, 1, None) - _slice(x, ax, None, m - 1)
    return x


@implements(np.ediff1d)
def np_ediff1d(ary, to_end=None, to_begin=None):
    """``np.ediff1d``: differences of the raveled array, with ``to_begin``/``to_end``."""
    if not traced(ary, to_end, to_begin):
        return np.ediff1d(ary, to_end, to_begin)
    x = reshape(as_array(ary), (-1,))
    d = _slice(x, 0, 1, None) - _slice(x, 0, None, x.shape[0] - 1) if x.shape[0] else x
    parts = [reshape(as_array(e), (-1,)) for e in (to_begin,) if e is not None] + [d] + \
        [reshape(as_array(e), (-1,)) for e in (to_end,) if e is not None]
    return parts[0] if len(parts) == 1 else concatenate(parts)


@implements(np.trapezoid)
def np_trapezoid(y, x=None, dx=1.0, axis=-1):
    """``np.trapezoid``: Σ (x_{i+1} - x_i)(y_{i+1} + y_i)/2 (differentiable in y, x, dx)."""
    if not traced(y, x, dx):
        return np.trapezoid(y, x, dx, axis)
    y = as_array(y)
    ax = axis_index(axis, y.ndim)
    n = y.shape[ax]
    if x is None:
        d = dx
    else:
        xs = as_array(x)
        if xs.ndim == 1:
            d = np_diff(xs)
            shape = [1] * y.ndim
            shape[ax] = d.shape[0]
            d = reshape(d, tuple(shape))
        else:
            d = np_diff(xs, axis=axis)
    return sum(d * (_slice(y, ax, 1, None) + _slice(y, ax, None, n - 1)) / 2.0, axis=ax)


def convolution(a, v, mode, name, reverse_v):
    a, v = as_array(a), as_array(v)
    if a.ndim == 0:
        a = reshape(a, (1,))
    if v.ndim == 0:
        v = reshape(v, (1,))
    m, k = a.shape[0], v.shape[0]
    if m == 0:
        raise ValueError("a cannot be empty")
    if k == 0:
        raise ValueError("v cannot be empty")
    full = convolve_full(a, getitem(v, slice(None, None, -1)) if reverse_v else v)
    short, long = (m, k) if m < k else (k, m)
    if mode == "full":
        return full
    if mode == "same":
        # NumPy's centring: (short - 1) // 2 from the start; a correlation with the longer
        # array second is computed swapped and reversed, which moves an even split by one.
        start = short // 2 if reverse_v and m < k else (short - 1) // 2
        return getitem(full, slice(start, start + long))
    if mode == "valid":
        return getitem(full, slice(short - 1, long))
    raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")


@implements(np.convolve)
def np_convolve(a, v, mode="full"):
    """``np.convolve`` (1-D): a slice of the full convolution."""
    if not traced(a, v):
        return np.convolve(a, v, mode)
    return convolution(a, v, mode, "convolve", False)


# ---- gradients, interpolation, Bessel, unwrap ------------------------------------------------


@implements(np.gradient)
def np_gradient(f, *varargs, axis=None, edge_order=1):
    """``np.gradient``: linear in ``f``, so along each axis it is the matrix
    ``np.gradient(I)`` applied to ``f`` (differentiable in ``f``; the spacings are data)."""
    if not traced(f):
        return np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    if traced(*varargs):
        raise NotImplementedError("np.gradient: the spacings (varargs) must be plain "
                                  "arrays; the derivative is taken with respect to f")
    from .linalg import matmul
    y = as_array(f)
    axes = normalize_axis(axis, y.ndim)
    if isinstance(axis, (int, np.integer)):
        axes = (axis_index(axis, y.ndim),)
    elif axis is not None:
        axes = tuple(axis_index(a, y.ndim) for a in axis)
    spacing = list(varargs)
    if len(spacing) == 1 and np.ndim(spacing[0]) == 0:
        spacing = spacing * len(axes)
    elif spacing and len(spacing) != len(axes):
        raise TypeError("invalid number of arguments")
    outs = []
    for k, ax in enumerate(axes):
        n = y.shape[ax]
        sp = spacing[k:k + 1] if spacing else []
        m = np.gradient(np.eye(n, dtype=y.dtype), *sp, axis=0, edge_order=edge_order)
        outs.append(moveaxis(matmul(moveaxis(y, ax, -1), m.T.astype(y.dtype)), -1, ax))
    return outs[0] if len(outs) == 1 else tuple(outs)


@implements(np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    """``np.interp``: piecewise-linear interpolation, differentiable in x, xp and fp (and
    ``left``/``right``); see the module's note for the breakpoints."""
    if not traced(x, xp, fp, left, right):
        return np.interp(x, xp, fp, left, right, period)
    x, xp, fp = as_array(x), as_array(xp), as_array(fp)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("Data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("fp and xp are not of the same length")
    if xp.shape[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        if isinstance(xp, Tracer) or isinstance(period, Tracer):
            raise NotImplementedError("np.interp with period: xp and period must be plain "
                                      "arrays (the sample points are reordered)")
        period = abs(period)
        x = x - period * np.floor(full_unwrap(x) / period)
        xpp = np.asarray(xp) % period
        order = np.argsort(xpp, kind="stable")
        xpp = xpp[order]
        fp = getitem(fp, Distinct((order,)))
        xp = np.concatenate([xpp[-1:] - period, xpp, xpp[:1] + period])
        fp = concatenate([getitem(fp, slice(-1, None)), fp, getitem(fp, slice(None, 1))])
        left = right = None
    xv = np.asarray(full_unwrap(x))
    xpv = np.asarray(full_unwrap(xp))
    n = xpv.shape[0]
    if n == 1:
        y = getitem(fp, np.zeros(xv.shape, np.intp))
    else:
        seg = np.clip(np.searchsorted(xpv, xv, side="right") - 1, 0, n - 2)
        x0, x1 = getitem(xp, seg), getitem(xp, seg + 1)
        f0, f1 = getitem(fp, seg), getitem(fp, seg + 1)
        y = f0 + (x - x0) * ((f1 - f0) / (x1 - x0))
    lo = getitem(fp, 0) if left is None else left
    hi = getitem(fp, -1) if right is None else right
    y = _ew.where(xv > xpv[-1], hi, _ew.where(xv < xpv[0], lo, y))
    return y if y.dtype == np.float64 else cast(y, np.float64)  # NumPy's result is double


@implements(np.i0)
def np_i0(x):
    """``np.i0``: I₀(x), differentiable (its derivative is I₁)."""
    if not traced(x):
        return np.i0(x)
    return i0(as_array(x))


@implements(np.unwrap)
def unwrap(p, discont=None, axis=-1, *, period=2 * math.pi):
    """``np.unwrap``: p + (multiples of ``period``, piecewise constant in p), so the
    derivative is 1 almost everywhere (and the correction is computed on the values)."""
    if not traced(p):
        return np.unwrap(p, discont, axis, period=period)
    if traced(discont, period):
        raise NotImplementedError("np.unwrap: discont and period must be plain numbers; the "
                                  "derivative is taken with respect to p")
    p = as_array(p)
    v = full_unwrap(p)
    dd = np.diff(v, axis=axis)
    if discont is None:
        discont = period / 2
    dtype = np.result_type(dd, period)
    if np.issubdtype(dtype, np.integer):  # pragma: no cover - a traced p is floating
        raise TypeError("np.unwrap of a traced value needs a floating period")
    high = period / 2
    ddmod = np.mod(dd + high, period) - high
    np.copyto(ddmod, high, where=(ddmod == -high) & (dd > 0))
    correct = ddmod - dd
    np.copyto(correct, 0, where=abs(dd) < discont)
    ax = axis_index(axis, v.ndim)
    full = np.zeros(v.shape, dtype)
    full[along(ax, slice(1, None))] = correct.cumsum(ax)
    return to_dtype(p, dtype) + full
