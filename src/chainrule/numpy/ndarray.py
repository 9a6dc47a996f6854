"""The array interface of traced values: operators, methods, and NumPy's dispatch protocols.

Attached to :class:`chainrule.core.Tracer` here (by :func:`attach`, which
``chainrule.numpy`` calls on import), because these methods apply the primitives of
:mod:`chainrule.ops` and the NumPy functions of this package. ``__array_ufunc__`` and
``__array_function__`` route plain NumPy calls (``np.sin(x)``, ``np.dot(X, V)``) on traced
values to chainrule's primitives, so NumPy code differentiates as written; a NumPy function
without a rule raises, naming it.
"""

from __future__ import annotations

import numpy as np

from ..core import NoRuleError, Tracer, full_unwrap, plain
from ..core import observe as _observe
from ..ops import elementwise as ew
from ..ops import reduce, shape
from ..ops.dtypes import convert
from ..ops.index import check_index, getitem
from ..ops.linalg import matmul
from . import math as _math
from . import statistics
from .dispatch import FUNCTIONS, PASSTHROUGH, UFUNCS
from .indexing import IndexHelper
from .manipulation import ravel
from .products import dot
from .refusals import no_ufunc_rule, vectorize_error


def _lost_derivative(kind: str) -> TypeError:
    return TypeError(
        f"cannot convert a traced value to {kind}: its derivative would be lost. Keep "
        "computing with chainrule/NumPy operations, or, to drop the derivative on purpose, "
        f"use chainrule.stop_gradient(x) first (then {kind} works).")


def _refuse(kind: str):
    def refuse(self, *args, **kwargs):
        raise vectorize_error() or _lost_derivative(kind)
    return refuse


def _setitem(self, idx, value):
    raise TypeError(
        "cannot assign into a traced array (x[idx] = v): chainrule records operations and "
        "an in-place write would change a value the derivative needs. Use the out-of-place "
        "form x = x.at[idx].set(v) (or x.at[idx].add(v)).")


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if any(not isinstance(x, Tracer) and defers_to(x) for x in inputs):
        return NotImplemented  # NEP 13: the other operand's __array_ufunc__ is tried next
    if method == "__call__":
        if "out" in kwargs:
            raise TypeError(
                f"numpy.{ufunc.__name__}(..., out=...) writes in place, which would change a "
                "traced value; drop out= and use the returned array.")
        f = UFUNCS.get(ufunc)
        if f is not None and not kwargs:
            return f(*inputs)
        if ufunc in PASSTHROUGH:
            return ufunc(*[full_unwrap(x) for x in inputs], **kwargs)
        if f is not None:
            raise TypeError(
                f"numpy.{ufunc.__name__} on traced values does not accept the keyword "
                f"arguments {sorted(kwargs)}; call it without them.")
    raise no_ufunc_rule(ufunc, method)


def _array_function(self, func, types, args, kwargs):
    f = FUNCTIONS.get(func)
    if f is not None:
        return f(*args, **kwargs)
    if func in PASSTHROUGH:
        return func(*plain(args), **{k: plain(v) for k, v in kwargs.items()})
    name = getattr(func, "__module__", "numpy") + "." + getattr(func, "__name__", str(func))
    raise NoRuleError(
        f"{name} has no chainrule derivative rule, so it cannot be applied to a traced value "
        "(inside grad, jvp, vjp, ...); chainrule never returns a silent zero or wrong "
        "derivative. Use a supported operation (import chainrule.numpy as np lists them) or "
        "define one with chainrule.primitive(...).defvjp(...).defjvp(...).")


def _plain_integer(self):
    """``int(x)``/``operator.index(x)``: an integer of a traced value, like ``x.astype(int)``:
    a step function of x, whose derivative is 0 wherever it exists, so the plain integer is
    exact (no derivative is lost). A Python float would lose one: float(x) refuses."""
    return int(full_unwrap(self))


def _as_plain_array(self, dtype=None, copy=None):
    """``np.asarray(x, dtype=int)``, ``np.int64(x)``: integer and boolean dtypes are step
    functions of x (like ``x.astype(int)``): the plain result is exact. A floating or
    unspecified dtype would lose the derivative, and refuses."""
    if dtype is not None and np.dtype(dtype).kind in "biu":
        return np.asarray(full_unwrap(self), dtype=dtype)
    raise vectorize_error() or _lost_derivative("a NumPy array (np.asarray/np.array)")


def _astype(self, dtype, copy=True):
    return convert(self, dtype, "x.astype")


def _reshape(self, *shp, order="C"):
    if len(shp) == 1 and not isinstance(shp[0], (int, np.integer)):
        shp = shp[0]
    return shape.reshape(self, tuple(shp) if not isinstance(shp, tuple) else shp)


def _transpose(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
        axes = axes[0]
    return shape.transpose(self, tuple(axes) if axes else None)


def _getitem(self, idx):
    check_index(idx)
    return getitem(self, idx)


def _iter(self):
    for i in range(len(self)):
        yield getitem(self, i)


_NO_KWARGS: dict = {}  # shared and never written: operators pass no keyword arguments

# Operand types a traced value always handles itself (the hot path tests membership only).
_OWN_OPERANDS = {float, int, bool, complex, np.ndarray, np.float64, np.float32, np.int64,
                 np.bool_, list, tuple}


def defers_to(other) -> bool:
    """NEP 13: does a binary operator of a traced value leave ``other`` to its own reflected
    operator (return NotImplemented)? Yes where ``other``'s type opts out of NumPy's ufuncs
    (``__array_ufunc__ = None``) or overrides them with its own ``__array_ufunc__`` (an
    xarray-like wrapper: it unwraps itself and applies the ufunc to the traced value), and,
    for a type without ``__array_ufunc__``, where its ``__array_priority__`` is higher."""
    cls = type(other)
    if cls in _OWN_OPERANDS or isinstance(other, (Tracer, np.ndarray, np.generic)):
        return False
    override = getattr(cls, "__array_ufunc__", _ABSENT)
    if override is _ABSENT:
        return getattr(other, "__array_priority__", -np.inf) > Tracer.__array_priority__
    return override is None or override is not np.ndarray.__array_ufunc__


_ABSENT = object()


def _binary(prim):
    # With a plain operand, or one of the same trace, this tracer's trace is the one to
    # process the call: skip the primitive's search for the highest level (the hot path).
    # Skipping Primitive.__call__ skips its report to the observers too, so it is made here.
    def op(self, other):
        if isinstance(other, Tracer):
            if other._trace is not self._trace:
                return prim(self, other)
        elif type(other) not in _OWN_OPERANDS and defers_to(other):
            return NotImplemented
        args = (self, other)
        out = self._trace.process(prim, args, _NO_KWARGS)
        if _observe.active is not None:
            _observe.active.applied(prim, args, _NO_KWARGS, out)
        return out
    op.__name__ = f"__{prim.name}__"
    return op


def _rbinary(prim):
    def rop(self, other):
        if isinstance(other, Tracer):
            if other._trace is not self._trace:
                return prim(other, self)
        elif type(other) not in _OWN_OPERANDS and defers_to(other):
            return NotImplemented
        args = (other, self)
        out = self._trace.process(prim, args, _NO_KWARGS)
        if _observe.active is not None:
            _observe.active.applied(prim, args, _NO_KWARGS, out)
        return out
    rop.__name__ = f"__r{prim.name}__"
    return rop


def _unary(prim):
    def op(self):
        args = (self,)
        out = self._trace.process(prim, args, _NO_KWARGS)
        if _observe.active is not None:
            _observe.active.applied(prim, args, _NO_KWARGS, out)
        return out
    op.__name__ = f"__{prim.name}__"
    return op


def _compare(ufunc):
    return lambda self, other: ufunc(full_unwrap(self), full_unwrap(other))


_METHODS = {
    "__add__": _binary(ew.add),
    "__radd__": _rbinary(ew.add),
    "__sub__": _binary(ew.subtract),
    "__rsub__": _rbinary(ew.subtract),
    "__mul__": _binary(ew.multiply),
    "__rmul__": _rbinary(ew.multiply),
    "__truediv__": _binary(ew.divide),
    "__rtruediv__": _rbinary(ew.divide),
    "__floordiv__": lambda s, o: ew.floor_divide(s, o),
    "__rfloordiv__": lambda s, o: ew.floor_divide(o, s),
    "__mod__": _binary(ew.remainder),
    "__rmod__": _rbinary(ew.remainder),
    "__divmod__": lambda s, o: NotImplemented if defers_to(o) else _math.divmod_(s, o),
    "__rdivmod__": lambda s, o: NotImplemented if defers_to(o) else _math.divmod_(o, s),
    "__pow__": _binary(ew.power),
    "__rpow__": _rbinary(ew.power),
    "__matmul__": _binary(matmul),
    "__rmatmul__": _rbinary(matmul),
    "__neg__": _unary(ew.negative),
    "__pos__": lambda s: s,
    "__abs__": lambda s: ew.absolute(s),
    "__lt__": _compare(np.less),
    "__le__": _compare(np.less_equal),
    "__gt__": _compare(np.greater),
    "__ge__": _compare(np.greater_equal),
    "__eq__": _compare(np.equal),
    "__ne__": _compare(np.not_equal),
    "__getitem__": _getitem,
    "__setitem__": _setitem,
    "__len__": lambda s: len(s._value),
    "__iter__": _iter,
    "__bool__": lambda s: bool(full_unwrap(s)),
    "__float__": _refuse("a Python float"),
    "__int__": _plain_integer,
    "__complex__": _refuse("a Python complex"),
    "__index__": _refuse("an index"),
    "__array__": _as_plain_array,
    "__array_ufunc__": _array_ufunc,
    "__array_function__": _array_function,
    "reshape": _reshape,
    "transpose": _transpose,
    "sum": lambda s, axis=None, keepdims=False: reduce.sum(s, axis=axis, keepdims=keepdims),
    "mean": lambda s, axis=None, keepdims=False: statistics.mean(s, axis=axis, keepdims=keepdims),
    "max": lambda s, axis=None, keepdims=False: reduce.max(s, axis=axis, keepdims=keepdims),
    "min": lambda s, axis=None, keepdims=False: reduce.min(s, axis=axis, keepdims=keepdims),
    "prod": lambda s, axis=None, keepdims=False: reduce.prod(s, axis=axis, keepdims=keepdims),
    "var": lambda s, axis=None, ddof=0, keepdims=False: statistics.var(s, axis, ddof, keepdims),
    "std": lambda s, axis=None, ddof=0, keepdims=False: statistics.std(s, axis, ddof, keepdims),
    "dot": lambda s, o: dot(s, o),
    "squeeze": lambda s, axis=None: shape.squeeze(s, axis),
    "swapaxes": lambda s, a, b: shape.swapaxes(s, a, b),
    "ravel": lambda s: ravel(s),
    "flatten": lambda s: ravel(s),
    "clip": lambda s, min=None, max=None: ew.clip(s, min, max),
    "astype": _astype,
    "copy": lambda s: ew.copy(s),
    "conj": lambda s: ew.conjugate(s),
    "conjugate": lambda s: ew.conjugate(s),
    "argmax": lambda s, axis=None: np.argmax(full_unwrap(s), axis=axis),
    "argmin": lambda s, axis=None: np.argmin(full_unwrap(s), axis=axis),
    "tolist": _refuse("a Python list"),
    "item": _refuse("a Python scalar (.item())"),
}

_PROPERTIES = {
    "shape": lambda s: s._value.shape,
    "ndim": lambda s: s._value.ndim,
    "size": lambda s: s._value.size,
    "dtype": lambda s: s._value.dtype,
    "T": lambda s: shape.transpose(s),
    "mT": lambda s: shape.swapaxes(s, -1, -2),
    "at": lambda s: IndexHelper(s),
    "real": lambda s: _math.real(s),
    "imag": lambda s: _math.imag(s),
}


def attach() -> None:
    """Give :class:`~chainrule.core.Tracer` its operators, methods and properties."""
    for name, fn in _METHODS.items():
        setattr(Tracer, name, fn)
    for name, fn in _PROPERTIES.items():
        setattr(Tracer, name, property(fn))
    Tracer.__array_priority__ = 1000
    Tracer.__hash__ = object.__hash__
