"""``chainrule.scipy.integrate``: ``odeint`` with SciPy's signature, differentiable (SciPy not
needed).

``odeint(func, y0, t, args=())`` solves dy/dt = func(y, t, *args) (``func(t, y, *args)``
with ``tfirst=True``) with chainrule's own Dormand–Prince RK45 integrator (adaptive steps,
``rtol``/``atol`` as SciPy's defaults), not LSODA: values agree with SciPy's to the
tolerances. It differentiates in ``y0``, ``t`` and ``args``: reverse mode by the adjoint
method of Chen et al. (2018), whose memory does not depend on the number of steps, forward
mode by sensitivities. See :mod:`chainrule.ode` for the equations.

LSODA's options (``Dfun``, ``col_deriv``, ``ml``, ``mu``, ``tcrit``, ``h0``, ``hmax``,
``hmin``, ``ixpr``, ``mxhnil``, ``mxordn``, ``mxords``, ``printmessg``) are accepted and
ignored: an explicit method needs no Jacobian.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ode import IntegrationStats, ODEError
from ..ode import odeint as _odeint

__all__ = ["odeint", "ODEError"]


def odeint(func: Callable[..., Any], y0: Any, t: Any, args: tuple = (), Dfun: Any = None,  # noqa: N803
           col_deriv: int = 0, full_output: int = 0, ml: Any = None, mu: Any = None,
           rtol: float | None = None, atol: float | None = None, tcrit: Any = None,
           h0: float = 0.0, hmax: float = 0.0, hmin: float = 0.0, ixpr: int = 0,
           mxstep: int = 0, mxhnil: int = 0, mxordn: int = 12, mxords: int = 5,
           printmessg: int = 0, tfirst: bool = False) -> Any:
    """y at the times ``t`` (shape (len(t), *y0.shape)) for dy/dt = func(y, t, *args),
    y(t[0]) = y0. With ``full_output`` also a dict: ``nst`` (accepted steps), ``nfe``
    (evaluations of func) over the whole integration, and ``message``."""
    stats = IntegrationStats()
    y = _odeint(func, y0, t, args,
                rtol=1.49012e-8 if rtol is None else rtol,
                atol=1.49012e-8 if atol is None else atol,
                tfirst=tfirst, mxstep=mxstep or 100_000, stats=stats)
    if full_output:
        return y, {"nst": stats.steps, "nfe": stats.evaluations,
                   "message": "Integration successful."}
    return y
