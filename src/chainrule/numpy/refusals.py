"""The errors for NumPy and SciPy callables that cannot take a traced value, named as the
user wrote them and pointing at what to use instead.

Only error paths run this code: the qualified name of a ufunc is looked up when one without
a rule is applied to a traced value, and the stack is read when a traced value is refused
conversion to a NumPy array (to recognise ``np.vectorize``).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

from ..core import NoRuleError

__all__ = ["ufunc_name", "no_ufunc_rule", "vectorize_error"]

# Where ufuncs live besides numpy (first match wins); only modules already imported are read.
_UFUNC_HOMES = ("numpy", "scipy.special")
# chainrule's differentiable namespace for each home, where it defines the same name.
_CHAINRULE_HOMES = {"numpy": "chainrule.numpy", "scipy.special": "chainrule.scipy.special"}


def ufunc_name(ufunc: Any) -> str:
    """``numpy.sin``, ``scipy.special.gammaln``: the module the ufunc is public in."""
    name = getattr(ufunc, "__name__", str(ufunc))
    for home in _UFUNC_HOMES:
        module = sys.modules.get(home)
        if module is not None and getattr(module, name, None) is ufunc:
            return f"{home}.{name}"
    return name


def _chainrule_equivalent(qualname: str) -> str | None:
    home, _, name = qualname.rpartition(".")
    target = _CHAINRULE_HOMES.get(home)
    if target is None:
        return None
    # Imported here, on the error path: chainrule.scipy sits above ops in the layering.
    module = importlib.import_module(target)
    return f"{target}.{name}" if callable(getattr(module, name, None)) else None


def no_ufunc_rule(ufunc: Any, method: str) -> NoRuleError:
    """The error for a ufunc (or a ufunc method) without a derivative rule."""
    qualname = ufunc_name(ufunc)
    what = qualname if method == "__call__" else f"{qualname}.{method}"
    equivalent = _chainrule_equivalent(qualname) if method == "__call__" else None
    if equivalent is not None and equivalent.rsplit(".", 1)[0] != "chainrule.numpy":
        fix = (f"Use {equivalent} instead (the same function, differentiable: "
               f"`from {equivalent.rsplit('.', 1)[0]} import {qualname.rsplit('.', 1)[1]}`).")
    else:
        fix = ("Use a supported operation or define one with "
               "chainrule.primitive(...).defvjp(...).defjvp(...).")
    return NoRuleError(
        f"{what} has no chainrule derivative rule, so it cannot be applied to a traced value "
        f"(inside grad, jvp, vjp, ...). {fix}")


def _in_vectorize() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if isinstance(frame.f_locals.get("self"), np.vectorize):
            return True
        frame = frame.f_back
    return False


def vectorize_error() -> TypeError | None:
    """The error for ``np.vectorize(f)(traced)``; ``None`` when np.vectorize is not the caller."""
    if not _in_vectorize():
        return None
    return TypeError(
        "np.vectorize cannot take a traced value: it converts its arguments to plain NumPy "
        "arrays and calls the Python function once per element, so the derivative would be "
        "lost. Write the function with array operations instead, and call it on the whole "
        "array: `np.where(x > 0, x, 0.1 * x)` rather than "
        "`np.vectorize(lambda t: t if t > 0 else 0.1 * t)(x)` (NumPy functions and operators "
        "apply elementwise already); for the derivative at every entry of an elementwise "
        "function use cr.elementwise_grad(f).")
