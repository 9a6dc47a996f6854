"""Batching: a trace level whose values carry one extra, leading batch axis (``vmap``).

A :class:`BatchTracer` stands for ``B`` values of the same shape at once: its ``_value`` is
an array (or a lower level's tracer) whose axis 0 is the batch axis, and it reports the
*logical* shape, without that axis, to the function being mapped. Applying a primitive to
batched arguments asks the primitive's batching rule for the batched result:

    p.batch(vals, batched, **kwargs) -> result with the batch axis first

``vals`` are the arguments with this level's tracers unwrapped (batch axis first where
``batched[i]`` is true; other arguments are as the function passed them). Every output is
batched. A primitive without a rule is mapped by a loop over the batch — correct for any
primitive, one call per example — with a one-time warning naming it. The rules live with
the primitives' families (:mod:`chainrule.ops.batching`); this module knows no primitive.

Batching composes with the differentiation levels like any other level: the highest level
among the arguments processes a call, unwraps its own tracers and applies the primitive
again to what is underneath, so ``grad(vmap(f))``, ``vmap(grad(f))`` and
``jacfwd(vmap(f))`` need nothing special.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .primitive import (
    BatchLevel,
    Primitive,
    Tracer,
    _has_batch_level,
    batch_levels,
    escaped,
    new_level,
)

__all__ = ["BatchTrace", "BatchTracer", "FinishedBatchTrace", "batch_levels",
           "set_loop_fallback", "is_batched"]

_loop: list[Callable[..., Any] | None] = [None]
_warned: set[str] = set()


def set_loop_fallback(fn: Callable[[Primitive, list, list, dict, int], Any]) -> None:
    """Install the loop used for primitives without a batching rule (set by ``ops``, which
    owns the primitives that slice and stack)."""
    _loop[0] = fn


class BatchTracer(Tracer):
    """``B`` values at once: ``_value`` has the batch axis first."""

    __slots__ = ()

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._value.shape[1:])

    @property
    def ndim(self) -> int:
        return self._value.ndim - 1

    @property
    def size(self) -> int:
        n = 1
        for k in self._value.shape[1:]:
            n *= k
        return n

    def __len__(self) -> int:
        if self._value.ndim < 2:
            raise TypeError("len() of an unsized (0-d) batched value")
        return self._value.shape[1]

    def __repr__(self) -> str:
        return f"BatchTracer(level={self._trace.level}, batch={self._trace.size}, " \
               f"value={self._value!r})"


class BatchTrace(BatchLevel):
    """One level of batching, of batch size ``size``."""

    __slots__ = ("level", "size", "warn")

    def __init__(self, size: int, warn: bool = True) -> None:
        self.level = new_level()
        self.size = size
        self.warn = warn

    def leaf(self, value: Any) -> BatchTracer:
        t = BatchTracer()
        t._trace = self
        t._value = value
        return t

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        vals = list(args)
        batched = [False] * len(args)
        for i, a in enumerate(args):
            if isinstance(a, Tracer) and a._trace is self:
                vals[i] = a._value
                batched[i] = True
        rule = prim.batch
        if rule is None:
            if self.warn and prim.name not in _warned:
                _warned.add(prim.name)
                warnings.warn(f"vmap: primitive '{prim.name}' has no batching rule; it is "
                              f"mapped by a loop over the batch (one call per example). Give "
                              f"it one with {prim.name}.defbatch(rule) to batch it in one call.",
                              RuntimeWarning, stacklevel=4)
            out = _loop[0](prim, vals, batched, kwargs, self.size)
        else:
            out = rule(vals, batched, **kwargs) if kwargs else rule(vals, batched)
        if type(out) is tuple or type(out) is list:
            return type(out)(self._wrap(o) for o in out)
        return self._wrap(out)

    def _wrap(self, value: Any) -> BatchTracer:
        t = BatchTracer()
        t._trace = self
        t._value = value
        return t


class FinishedBatchTrace(BatchTrace):
    """A batch level whose function has returned: its tracers escaped if used again."""

    __slots__ = ()

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        raise escaped("batched (vmap)")


def is_batched(x: Any) -> bool:
    """Is ``x`` (or a value it wraps) batched by a ``vmap`` level?"""
    return _has_batch_level((x,))
