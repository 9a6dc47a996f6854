"""``chainrule.numpy.random``: NumPy's :mod:`numpy.random`, as it is (``import
chainrule.numpy as np; np.random.randn(3)``; ``import chainrule.numpy.random as npr``).

Sampling is not differentiated: the samplers draw from NumPy's own global state (so
``np.random.seed`` seeds both) and return plain arrays. A traced value passed to a sampler
(a ``loc`` or ``scale`` that depends on the parameters being differentiated) raises a
``TypeError`` naming the sampler: the sample's derivative with respect to its distribution's
parameters is not defined by drawing. Reparameterise instead: draw standard noise with plain
arguments and transform it with traced values, ``loc + scale * np.random.randn(*shape)``.
Classes (``Generator``, ``RandomState``, ``SeedSequence``) are NumPy's.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as _np

from ..core import Tracer as _Tracer


def _holds_tracer(obj: Any) -> bool:
    if isinstance(obj, _Tracer):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_holds_tracer(o) for o in obj)
    if isinstance(obj, dict):
        return any(_holds_tracer(o) for o in obj.values())
    return False


def _refusing_tracers(name: str, sampler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(sampler)
    def call(*args: Any, **kwargs: Any) -> Any:
        traced = [f"argument {i}" for i, a in enumerate(args) if _holds_tracer(a)]
        traced += [f"{k}=" for k, v in kwargs.items() if _holds_tracer(v)]
        if traced:
            raise TypeError(
                f"numpy.random.{name} was given a traced value ({', '.join(traced)}): "
                "sampling is not differentiated, so the sample's derivative with respect to "
                "that argument would be lost. Pass plain values to the sampler and "
                "reparameterise: draw standard noise and transform it with the traced "
                "parameters, e.g. loc + scale * np.random.randn(*shape) instead of "
                "np.random.normal(loc, scale, shape).")
        return sampler(*args, **kwargs)
    return call


def _export(name: str) -> Any:
    obj = getattr(_np.random, name)
    if callable(obj) and not inspect.isclass(obj) and not isinstance(obj, _np.ufunc):
        return _refusing_tracers(name, obj)
    return obj


__all__ = [n for n in getattr(_np.random, "__all__", dir(_np.random)) if not n.startswith("_")]
for _name in __all__:
    globals()[_name] = _export(_name)


def __getattr__(name: str) -> Any:
    return getattr(_np.random, name)
